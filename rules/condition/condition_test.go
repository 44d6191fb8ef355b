package condition

import (
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sigc-dev/sigc/ir/diag"
)

// parseCase is one row of the I/P/E table: input, canonical Format output
// and tree shape on success, or the error code, position and a message
// fragment on failure. Line/Col are relative to the condition (1:1 is its
// first character).
type parseCase struct {
	I    string    // input
	P    string    // Format output
	S    string    // tree shape, see shape()
	E    diag.Code // expected error code
	Line int       // error line (default 1)
	Col  int       // error column
	Msg  string    // exact error message, or "~fragment" for a substring
}

var parseCases = []parseCase{
	// Single terms and whitespace.
	{I: "a", P: "a", S: "a"},
	{I: "  (a)  ", P: "a", S: "a"},
	{I: "((a))", P: "a", S: "a"},
	{I: " a\tand\n  b ", P: "a and b", S: "and(a,b)"},
	{I: "selection-1", P: "selection-1", S: "selection-1"},

	// Precedence: not > and > or, left-associative and flat.
	{I: "a and b or c", P: "a and b or c", S: "or(and(a,b),c)"},
	{I: "a or b and c", P: "a or b and c", S: "or(a,and(b,c))"},
	{I: "not a and b", P: "not a and b", S: "and(not(a),b)"},
	{I: "not a or b", P: "not a or b", S: "or(not(a),b)"},
	{I: "not not a", P: "not not a", S: "not(not(a))"},
	{I: "a and b and c", P: "a and b and c", S: "and(a,b,c)"},
	{I: "a or b or c or d", P: "a or b or c or d", S: "or(a,b,c,d)"},
	{I: "a and b or c and d or e", P: "a and b or c and d or e", S: "or(and(a,b),and(c,d),e)"},

	// Parentheses shape the tree and survive Format where they matter.
	{I: "(a or b) and c", P: "(a or b) and c", S: "and(or(a,b),c)"},
	{I: "a and (b or c)", P: "a and (b or c)", S: "and(a,or(b,c))"},
	{I: "a and (b and c)", P: "a and (b and c)", S: "and(a,and(b,c))"},
	{I: "(a and b) or c", P: "a and b or c", S: "or(and(a,b),c)"},
	{I: "not (a or b)", P: "not (a or b)", S: "not(or(a,b))"},
	{I: "not (not a)", P: "not not a", S: "not(not(a))"},
	{I: "(a or (b and (c or not d)))", P: "a or b and (c or not d)", S: "or(a,and(b,or(c,not(d))))"},

	// Quantifiers.
	{I: "1 of sel_*", P: "1 of sel_*", S: "any(sel_*)"},
	{I: "any of sel_*", P: "1 of sel_*", S: "any(sel_*)"},
	{I: "all of sel_*", P: "all of sel_*", S: "all(sel_*)"},
	{I: "1 of them", P: "1 of them", S: "any(them)"},
	{I: "any of them", P: "1 of them", S: "any(them)"},
	{I: "all of them", P: "all of them", S: "all(them)"},
	{I: "1 of *b", P: "1 of *b", S: "any(*b)"},
	{I: "1 of s*l*", P: "1 of s*l*", S: "any(s*l*)"},
	{I: "1 of *", P: "1 of *", S: "any(*)"},
	{I: "all of sel", P: "all of sel", S: "all(sel)"},
	{I: "1 of sel-x*", P: "1 of sel-x*", S: "any(sel-x*)"},
	{I: "1 of them*", P: "1 of them*", S: "any(them*)"},
	{I: "1 of any", P: "1 of any", S: "any(any)"},
	{I: "selection and not 1 of filter_*", P: "selection and not 1 of filter_*", S: "and(selection,not(any(filter_*)))"},
	{I: "1 of selection* and not 1 of filter*", P: "1 of selection* and not 1 of filter*", S: "and(any(selection*),not(any(filter*)))"},
	{I: "all of sel* or 1 of x*", P: "all of sel* or 1 of x*", S: "or(all(sel*),any(x*))"},

	// Keywords are whole words: these are identifiers, not operators.
	{I: "notepad", P: "notepad", S: "notepad"},
	{I: "android or order", P: "android or order", S: "or(android,order)"},
	{I: "not_x and and_y", P: "not_x and and_y", S: "and(not_x,and_y)"},
	{I: "not-x or or-y", P: "not-x or or-y", S: "or(not-x,or-y)"},
	{I: "ofx and them_1 and themx", P: "ofx and them_1 and themx", S: "and(ofx,them_1,themx)"},
	{I: "not notepad", P: "not notepad", S: "not(notepad)"},
	// Quantifier words name searches when no "of" follows (as in pySigma).
	{I: "any", P: "any", S: "any"},
	{I: "all and 1", P: "all and 1", S: "and(all,1)"},

	// Keywords are case-insensitive; identifiers keep their case.
	{I: "A AND NOT B OR C", P: "A and not B or C", S: "or(and(A,not(B)),C)"},
	{I: "Sel1 Or sel2", P: "Sel1 or sel2", S: "or(Sel1,sel2)"},
	{I: "ALL OF them", P: "all of them", S: "all(them)"},
	{I: "1 OF Them", P: "1 of them", S: "any(them)"},
	{I: "Any Of x*", P: "1 of x*", S: "any(x*)"},
	{I: "NOT Notepad", P: "not Notepad", S: "not(Notepad)"},

	// Empty input.
	{I: "", E: diag.CodeCondSyntax, Col: 1, Msg: "condition is empty"},
	{I: " \t\n ", E: diag.CodeCondSyntax, Col: 1, Msg: "condition is empty"},

	// Dangling operators point at the operator.
	{I: "a or", E: diag.CodeCondSyntax, Col: 3,
		Msg: `unexpected "or" at end of condition, expected an identifier, "(", "not", "1 of", "any of" or "all of"`},
	{I: "a AND", E: diag.CodeCondSyntax, Col: 3, Msg: `~unexpected "AND" at end of condition`},
	{I: "not", E: diag.CodeCondSyntax, Col: 1, Msg: `~unexpected "not" at end of condition`},
	{I: "a and (", E: diag.CodeCondSyntax, Col: 7, Msg: `~unexpected "(" at end of condition`},
	{I: "a and or b", E: diag.CodeCondSyntax, Col: 7,
		Msg: `unexpected "or", expected an identifier, "(", "not", "1 of", "any of" or "all of"`},
	{I: "or a", E: diag.CodeCondSyntax, Col: 1, Msg: `~unexpected "or", expected an identifier`},
	{I: "of", E: diag.CodeCondSyntax, Col: 1, Msg: `~unexpected "of", expected an identifier`},

	// Missing operators.
	{I: "sel andnotepad", E: diag.CodeCondSyntax, Col: 5,
		Msg: `unexpected identifier "andnotepad", expected "and", "or" or end of condition`},
	{I: "a b", E: diag.CodeCondSyntax, Col: 3, Msg: `~unexpected identifier "b"`},
	{I: "(a b)", E: diag.CodeCondSyntax, Col: 4,
		Msg: `unexpected identifier "b", expected "and", "or", ")" or end of condition`},
	{I: "a not b", E: diag.CodeCondSyntax, Col: 3, Msg: `~unexpected "not", expected "and"`},
	{I: "a (b)", E: diag.CodeCondSyntax, Col: 3, Msg: `~unexpected "(", expected "and"`},
	{I: "a 1 of x", E: diag.CodeCondSyntax, Col: 3, Msg: `~unexpected identifier "1"`},

	// Parentheses.
	{I: "(a and b", E: diag.CodeCondSyntax, Col: 1, Msg: `unclosed "(": the condition ends before its ")"`},
	{I: "((a) and (b", E: diag.CodeCondSyntax, Col: 10, Msg: `~(2 parentheses are unclosed)`},
	{I: "(a and\n (b or c)", E: diag.CodeCondSyntax, Col: 1, Msg: `~unclosed "("`},
	{I: "a)", E: diag.CodeCondSyntax, Col: 2, Msg: `unmatched ")": no "(" is open here`},
	{I: "(a))", E: diag.CodeCondSyntax, Col: 4, Msg: `~unmatched ")"`},
	{I: ") a", E: diag.CodeCondSyntax, Col: 1, Msg: `~unmatched ")"`},
	{I: "()", E: diag.CodeCondSyntax, Col: 2, Msg: `~unexpected ")", expected an identifier`},

	// Quantifiers.
	{I: "2 of x", E: diag.CodeCondSyntax, Col: 1,
		Msg: `unsupported quantifier "2 of": only "1 of", "any of" and "all of" are defined`},
	{I: "a or 10 of x*", E: diag.CodeCondSyntax, Col: 6, Msg: `~unsupported quantifier "10 of"`},
	{I: "one of x", E: diag.CodeCondSyntax, Col: 1, Msg: `~unsupported quantifier "one of"`},
	{I: "1 of", E: diag.CodeCondSyntax, Col: 3,
		Msg: `unexpected "of" at end of condition, expected an identifier pattern or "them"`},
	{I: "1 of (a)", E: diag.CodeCondSyntax, Col: 6, Msg: `~unexpected "(", expected an identifier pattern`},
	{I: "all of and", E: diag.CodeCondSyntax, Col: 8, Msg: `~unexpected "and", expected an identifier pattern`},
	{I: "1 of x y", E: diag.CodeCondSyntax, Col: 8, Msg: `~unexpected identifier "y"`},
	{I: "them", E: diag.CodeCondSyntax, Col: 1, Msg: `"them" is only valid after "1 of", "any of" or "all of"`},
	{I: "a and them", E: diag.CodeCondSyntax, Col: 7, Msg: `~"them" is only valid`},
	{I: "sel*", E: diag.CodeCondSyntax, Col: 1, Msg: `wildcard pattern "sel*" is only valid after "1 of", "any of" or "all of"`},
	{I: "a or *", E: diag.CodeCondSyntax, Col: 6, Msg: `~wildcard pattern "*"`},

	// Characters outside the identifier set, with byte columns and lines.
	{I: "a & b", E: diag.CodeCondSyntax, Col: 3, Msg: `~unexpected character "&", expected "and"`},
	{I: "a and $x", E: diag.CodeCondSyntax, Col: 7, Msg: `~unexpected character "$", expected an identifier`},
	{I: "a\nor\n  $", E: diag.CodeCondSyntax, Line: 3, Col: 3, Msg: `~unexpected character "$"`},
	{I: "sel or sél", E: diag.CodeCondSyntax, Col: 9, Msg: `~unexpected character "é"`},
	{I: "a or \x00", E: diag.CodeCondSyntax, Col: 6, Msg: `~unexpected character "\x00"`},

	// Legacy pipe aggregations.
	{I: "selection | count() by x > 5", E: diag.CodeCondPipe, Col: 11,
		Msg: `the Sigma v1 pipe aggregation "| count() by x > 5" is obsolete and not supported`},
	{I: "sel1 | near sel2 and not sel3", E: diag.CodeCondPipe, Col: 6, Msg: `~"| near sel2 and not sel3"`},
	{I: "1 of sel* | count(dst) by src > 10", E: diag.CodeCondPipe, Col: 11, Msg: `~obsolete`},
	{I: "sel |", E: diag.CodeCondPipe, Col: 5, Msg: `the Sigma v1 pipe aggregation "|" is obsolete and not supported`},
	{I: "sel and | count()", E: diag.CodeCondPipe, Col: 9, Msg: `~obsolete`},
}

// shape prints the structure of e without positions: or(...), and(...),
// not(...), any(pattern), all(pattern), or the referenced name.
func shape(e Expr) string {
	switch e := e.(type) {
	case *Or:
		return "or(" + shapes(e.Terms) + ")"
	case *And:
		return "and(" + shapes(e.Terms) + ")"
	case *Not:
		return "not(" + shape(e.X) + ")"
	case *Quant:
		return quantShape(e) + "(" + quantPattern(e) + ")"
	case *Ref:
		return e.Name
	}
	return fmt.Sprintf("<%T>", e)
}

func shapes(es []Expr) string {
	s := make([]string, len(es))
	for i, e := range es {
		s[i] = shape(e)
	}
	return strings.Join(s, ",")
}

func quantShape(q *Quant) string {
	if q.All {
		return "all"
	}
	return "any"
}

func quantPattern(q *Quant) string {
	if q.Them {
		return "them"
	}
	return q.Pattern
}

// posDump is shape with the line:col of every node.
func posDump(e Expr) string {
	p := fmt.Sprintf("@%d:%d", e.Pos().Line, e.Pos().Col)
	switch e := e.(type) {
	case *Or:
		return "or" + p + "(" + posDumps(e.Terms) + ")"
	case *And:
		return "and" + p + "(" + posDumps(e.Terms) + ")"
	case *Not:
		return "not" + p + "(" + posDump(e.X) + ")"
	case *Quant:
		return quantShape(e) + p + "(" + quantPattern(e) + ")"
	case *Ref:
		return e.Name + p
	}
	return fmt.Sprintf("<%T>", e)
}

func posDumps(es []Expr) string {
	s := make([]string, len(es))
	for i, e := range es {
		s[i] = posDump(e)
	}
	return strings.Join(s, ",")
}

// stripPos returns a copy of e with every position zeroed, for comparing
// trees "ignoring positions" with reflect.DeepEqual.
func stripPos(e Expr) Expr {
	switch e := e.(type) {
	case *Or:
		return &Or{Terms: stripAll(e.Terms)}
	case *And:
		return &And{Terms: stripAll(e.Terms)}
	case *Not:
		return &Not{X: stripPos(e.X)}
	case *Quant:
		return &Quant{All: e.All, Pattern: e.Pattern, Them: e.Them}
	case *Ref:
		return &Ref{Name: e.Name}
	}
	return e
}

func stripAll(es []Expr) []Expr {
	out := make([]Expr, len(es))
	for i, e := range es {
		out[i] = stripPos(e)
	}
	return out
}

// checkMsg compares a diagnostic message with want: exact, or a substring
// when want starts with "~".
func checkMsg(t *testing.T, got, want string) {
	t.Helper()
	if frag, ok := strings.CutPrefix(want, "~"); ok {
		if !strings.Contains(got, frag) {
			t.Errorf("message %q does not contain %q", got, frag)
		}
	} else if want != "" && got != want {
		t.Errorf("message\n got %q\nwant %q", got, want)
	}
}

func TestParse(t *testing.T) {
	// at is where the condition starts in its YAML file: errors at line 1
	// of the condition shift by its column, later lines keep their own.
	at := diag.Pos{File: "rule.yml", Line: 12, Col: 16}
	for _, tc := range parseCases {
		t.Run(tc.I, func(t *testing.T) {
			e, l := Parse(tc.I, at)
			if tc.E == "" {
				if l.Len() != 0 || e == nil {
					t.Fatalf("unexpected diagnostics: %v", l)
				}
				if got := Format(e); got != tc.P {
					t.Errorf("Format = %q, want %q", got, tc.P)
				}
				if got := shape(e); got != tc.S {
					t.Errorf("shape = %q, want %q", got, tc.S)
				}
				// The canonical form parses back to the same tree.
				e2, l2 := Parse(tc.P, diag.Pos{})
				if l2.Len() != 0 {
					t.Fatalf("Parse(Format) failed: %v", l2)
				}
				if !reflect.DeepEqual(stripPos(e), stripPos(e2)) {
					t.Errorf("Parse(Format(e)) = %s, want %s", shape(e2), shape(e))
				}
				return
			}
			if e != nil {
				t.Fatalf("want error %s, got tree %s", tc.E, Format(e))
			}
			items := l.Items()
			if len(items) != 1 {
				t.Fatalf("want exactly one diagnostic, got %v", l)
			}
			d := items[0]
			line := tc.Line
			if line == 0 {
				line = 1
			}
			want := at.Shift(line, tc.Col)
			if d.Code != tc.E || d.Pos != want || d.Severity != diag.Error {
				t.Errorf("got %s %v %s, want %s %v error", d.Code, d.Pos, d.Severity, tc.E, want)
			}
			checkMsg(t, d.Msg, tc.Msg)
			if d.Hint == "" {
				t.Errorf("diagnostic has no hint: %v", d)
			}
			// Participle's own wording means explain missed the error.
			if strings.Contains(d.Msg, "unexpected token") {
				t.Errorf("fallback message from participle: %q", d.Msg)
			}
		})
	}
}

func TestPositions(t *testing.T) {
	tests := []struct {
		I  string
		at diag.Pos
		P  string
	}{
		{"a and not b", diag.Pos{}, "and@1:1(a@1:1,not@1:7(b@1:11))"},
		{"(a or b) and c", diag.Pos{}, "and@1:1(or@1:2(a@1:2,b@1:7),c@1:14)"},
		{"  x", diag.Pos{}, "x@1:3"},
		{"x or\n  1 of s*", diag.Pos{}, "or@1:1(x@1:1,any@2:3(s*))"},
		{"not\tall of them", diag.Pos{}, "not@1:1(all@1:5(them))"},
		// Line 1 shifts by the column of the scalar; later lines do not.
		{"a and b", diag.Pos{File: "r.yml", Line: 12, Col: 16}, "and@12:16(a@12:16,b@12:22)"},
		{"a and\n  (b or c)", diag.Pos{File: "r.yml", Line: 12, Col: 16}, "and@12:16(a@12:16,or@13:4(b@13:4,c@13:9))"},
	}
	for _, tc := range tests {
		e, l := Parse(tc.I, tc.at)
		if l.Len() != 0 {
			t.Errorf("Parse(%q): %v", tc.I, l)
			continue
		}
		if got := posDump(e); got != tc.P {
			t.Errorf("Parse(%q) = %s, want %s", tc.I, got, tc.P)
		}
		if tc.at.File != "" && e.Pos().File != tc.at.File {
			t.Errorf("Parse(%q): file %q not carried", tc.I, e.Pos().File)
		}
	}
}

func TestDepthLimit(t *testing.T) {
	nest := func(open, inner, close string, n int) string {
		return strings.Repeat(open, n) + inner + strings.Repeat(close, n)
	}
	tests := []struct {
		name string
		I    string
		col  int // 0: parses
	}{
		{"200 parens", nest("(", "a", ")", MaxDepth), 0},
		{"201 parens", nest("(", "a", ")", MaxDepth+1), MaxDepth + 1},
		{"200 nots", nest("not ", "a", "", MaxDepth), 0},
		{"201 nots", nest("not ", "a", "", MaxDepth+1), 4*MaxDepth + 1},
		{"100 not-parens", nest("not (", "a", ")", MaxDepth/2), 0},
		{"101 not-parens", nest("not (", "a", ")", MaxDepth/2+1), 5*(MaxDepth/2) + 1},
		{"NOT counts too", nest("NOT ", "a", "", MaxDepth+1), 4*MaxDepth + 1},
		// Depth is nesting, not length: siblings do not add up.
		{"siblings", strings.Repeat("(not a) and ", 500) + "(a)", 0},
		{"nots resolved by operands", strings.Repeat("not a or ", 500) + "a", 0},
		{"nots resolved by groups", strings.Repeat("not (a) or ", 500) + "a", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e, l := Parse(tc.I, diag.Pos{})
			if tc.col == 0 {
				if l.Len() != 0 || e == nil {
					t.Fatalf("unexpected diagnostics: %v", l)
				}
				return
			}
			if got := l.Codes(); len(got) != 1 || got[0] != diag.CodeCondTooDeep {
				t.Fatalf("codes = %v, want [%s]", got, diag.CodeCondTooDeep)
			}
			if got := l.Items()[0].Pos; got != (diag.Pos{Line: 1, Col: tc.col}) {
				t.Errorf("position %v, want 1:%d", got, tc.col)
			}
		})
	}
}

func TestHostileInputIsFast(t *testing.T) {
	const n = 100_000
	tests := []struct {
		name string
		I    string
		code diag.Code
	}{
		{"parens", strings.Repeat("(", n) + "a" + strings.Repeat(")", n), diag.CodeCondTooDeep},
		{"nots", strings.Repeat("not ", n) + "a", diag.CodeCondTooDeep},
		{"unclosed parens", strings.Repeat("(", n), diag.CodeCondTooDeep},
		{"long flat", strings.Repeat("a or ", n) + "a", diag.CodeCondTooLong},
		{"long identifier", strings.Repeat("a", MaxLen+1), diag.CodeCondTooLong},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			e, l := Parse(tc.I, diag.Pos{})
			// Generous for -race and loaded CI; a real stack blow-up or a
			// quadratic scan takes far longer or crashes.
			if d := time.Since(start); d > 500*time.Millisecond {
				t.Errorf("took %v", d)
			}
			if e != nil {
				t.Fatal("hostile input parsed")
			}
			if got := l.Codes(); len(got) != 1 || got[0] != tc.code {
				t.Errorf("codes = %v, want [%s]", got, tc.code)
			}
		})
	}
}

func TestMaxLen(t *testing.T) {
	// Exactly MaxLen bytes still parses: the limit is inclusive.
	src := strings.Repeat("ab or ", MaxLen/6)
	src += strings.Repeat("c", MaxLen-len(src))
	if len(src) != MaxLen {
		t.Fatalf("test input is %d bytes", len(src))
	}
	e, l := Parse(src, diag.Pos{})
	if l.Len() != 0 {
		t.Fatalf("Parse: %v", l)
	}
	if or, ok := e.(*Or); !ok || len(or.Terms) != MaxLen/6+1 {
		t.Errorf("want a flat Or of %d terms, got %T", MaxLen/6+1, e)
	}
	_, l = Parse(src+"c", diag.Pos{File: "r.yml", Line: 3, Col: 14})
	want := diag.Diagnostic{Code: diag.CodeCondTooLong, Pos: diag.Pos{File: "r.yml", Line: 3, Col: 14}}
	if items := l.Items(); len(items) != 1 || items[0].Code != want.Code || items[0].Pos != want.Pos {
		t.Errorf("got %v, want %s at %v", l, want.Code, want.Pos)
	}
}

func TestFormat(t *testing.T) {
	ref := func(n string) Expr { return &Ref{Name: n} }
	tests := []struct {
		e    Expr
		want string
	}{
		{&And{Terms: []Expr{&Or{Terms: []Expr{ref("a"), ref("b")}}, &Not{X: &And{Terms: []Expr{ref("c"), ref("d")}}}}},
			"(a or b) and not (c and d)"},
		{&Or{Terms: []Expr{&Or{Terms: []Expr{ref("a"), ref("b")}}, ref("c")}}, "(a or b) or c"},
		{&Or{Terms: []Expr{&And{Terms: []Expr{ref("a"), ref("b")}}, &Not{X: ref("c")}}}, "a and b or not c"},
		{&Not{X: &Not{X: &Quant{All: true, Pattern: "*", Them: true}}}, "not not all of them"},
		{&Quant{Pattern: "sel_*"}, "1 of sel_*"},
		{&And{Terms: []Expr{ref("a"), nil}}, "a and <nil>"},
		{(*Not)(nil), "<nil>"},
		{nil, "<nil>"},
	}
	for _, tc := range tests {
		if got := Format(tc.e); got != tc.want {
			t.Errorf("Format = %q, want %q", got, tc.want)
		}
	}
}

func TestParseConcurrent(t *testing.T) {
	// Run with -race: the package-level parser must be shareable.
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, tc := range parseCases {
				e, _ := Parse(tc.I, diag.Pos{})
				if (e != nil) != (tc.E == "") {
					t.Errorf("Parse(%q): success = %v", tc.I, e != nil)
				}
			}
		}()
	}
	wg.Wait()
}

func BenchmarkParse(b *testing.B) {
	conds := []string{
		"selection",
		"selection and not filter",
		"all of selection_* and not 1 of filter_*",
		"(selection_img or selection_ofn) and selection_cli and not 1 of filter_main_* and not 1 of filter_optional_*",
	}
	for _, c := range conds {
		b.Run(fmt.Sprintf("%d-bytes", len(c)), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, l := Parse(c, diag.Pos{}); l.Len() != 0 {
					b.Fatal(l)
				}
			}
		})
	}
}
