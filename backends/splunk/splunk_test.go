package splunk

import (
	"strings"
	"testing"

	"github.com/sigc-dev/sigc/backends"
	"github.com/sigc-dev/sigc/ir"
	"github.com/sigc-dev/sigc/ir/diag"
	"github.com/sigc-dev/sigc/ir/irtest"
)

var tpos = irtest.At

// Builders for hand-made IR (shared with the other backends' tests).

func str(field, sigma string) *ir.Match { return irtest.Str(field, sigma, false) }

func cased(field, sigma string) *ir.Match { return irtest.Cased(str(field, sigma)) }

var (
	num  = irtest.NumberText
	re   = irtest.Regex
	cidr = irtest.CIDR
	op   = irtest.Op
	ref  = irtest.FieldRef
	kw   = irtest.Keyword
	and  = irtest.And
	or   = irtest.Or
	not  = irtest.Not
)

func ruleOf(es ...ir.Expr) *ir.Rule {
	r := &ir.Rule{Meta: ir.Meta{Title: "T", Level: "high", Pos: tpos}}
	for _, e := range es {
		r.Queries = append(r.Queries, ir.Query{Pos: tpos, Expr: e})
	}
	return r
}

// convertOne converts a rule and syntax-checks every query.
func convertOne(t *testing.T, r *ir.Rule, format string) ([]string, diag.List) {
	t.Helper()
	out, l := New().Convert(r, backends.Options{Format: format})
	if out == nil {
		return nil, l
	}
	for _, q := range out.Queries {
		if _, err := parseSPL(q); err != nil {
			t.Errorf("emitted SPL does not parse: %v\n%s", err, q)
		}
	}
	return out.Queries, l
}

func TestConstructs(t *testing.T) {
	tests := []struct {
		name string
		e    ir.Expr
		want string
	}{
		{"exact", str("Image", `C:\Windows\cmd.exe`), `Image="C:\\Windows\\cmd.exe"`},
		{"endswith", str("Image", `*\cmd.exe`), `Image="*\\cmd.exe"`},
		{"contains quote", str("CommandLine", `*say "hi"*`), `CommandLine="*say \"hi\"*"`},
		{"empty", str("f", ``), `f=""`},
		{"any", str("f", `*`), `f=*`},
		{"in list", or(str("Image", `*\a.exe`), str("Image", `*\b.exe`), str("Other", "x")),
			`Image IN ("*\\a.exe", "*\\b.exe") OR Other="x"`},
		{"in numbers", or(num("EventID", ir.OpEq, "1"), num("EventID", ir.OpEq, "2")), `EventID IN (1, 2)`},
		{"number", num("EventID", ir.OpEq, "4688"), `EventID=4688`},
		{"bool", &ir.Match{P: tpos, Field: "f", Op: ir.OpEq, Value: ir.Bool{Value: true}}, `f=true`},
		{"question", str("f", `a?b`), `f="a*b" | where match('f', "(?is)^a.b\\z")`},
		{"literal star", str("f", `a\*b`), `f="a*b" | where match('f', "(?i)^a\\*b\\z")`},
		{"literal star and wildcard", str("f", `*a\*b`), `f="*a*b" | where match('f', "(?i)a\\*b\\z")`},
		{"newline", str("f", "a\nb"), `f="a*b" | where match('f', "(?i)^a\\x0ab\\z")`},
		{"cased", cased("f", "Foo*"), `f="Foo*" | where match('f', "^Foo")`},
		{"regex", re("Cmd", `a"b\d`, "i"), `* | where match('Cmd', "(?i)a\"b\\d")`},
		{"regex flags", re("Cmd", `^x.y$`, "ims"), `* | where match('Cmd', "(?ims)^x.y$")`},
		{"keyword", kw("evil thing"), `* | where match(_raw, "(?i)evil thing")`},
		{"keyword glob", kw("a?b"), `* | where match(_raw, "(?is)a.b")`},
		{"null", op("f", ir.OpNull), `NOT f=*`},
		{"not null", not(op("f", ir.OpNull)), `f=*`},
		{"exists", op("f", ir.OpExists), `f=*`},
		{"not exists", not(op("f", ir.OpExists)), `NOT f=*`},
		{"cidr4", cidr("ip", "10.0.0.0/8"), `ip="10.0.0.0/8"`},
		{"cidr6", cidr("ip", "2001:db8::/32"), `ip="2001:db8::/32"`},
		{"gte", num("n", ir.OpGte, "5"), `n>=5`},
		{"gt exponent", &ir.Match{P: tpos, Field: "n", Op: ir.OpGt, Value: ir.Number{Text: "1e+21", Float: 1e21}}, `n>1000000000000000000000`},
		{"lt negative float", num("n", ir.OpLt, "-1.5"), `n<-1.5`},
		{"fieldref", ref("a", "b", false, false), `* | where lower('a')==lower('b')`},
		{"fieldref cased", func() ir.Expr { m := ref("a", "b", false, false); m.Cased = true; return m }(),
			`* | where 'a'=='b'`},
		{"fieldref startswith", ref("a", "b", false, true),
			`* | where match('a', "(?i)^" . replace('b', "([\\\\^$.|?*+()\\[\\]{}])", "\\\\\\1"))`},
		{"fieldref endswith", ref("a", "b", true, false),
			`* | where match('a', "(?i)" . replace('b', "([\\\\^$.|?*+()\\[\\]{}])", "\\\\\\1") . "\\z")`},
		{"fieldref under or", or(str("x", "1"), ref("a", "b", false, false)),
			`* | where match('x', "(?i)^1\\z") OR lower('a')==lower('b')`},
		{"fieldref under not", not(ref("a", "b", false, false)),
			`* | where NOT (isnotnull('a') AND isnotnull('b') AND lower('a')==lower('b'))`},
		{"nested and", and(str("source", "S"), and(str("Image", "x"), re("Cmd", "foo", ""))),
			`source="S" Image="x" | where match('Cmd', "foo")`},
		{"mixed and", and(str("Image", `*\x.exe`), re("Cmd", "foo", "")),
			`Image="*\\x.exe" | where match('Cmd', "foo")`},
		{"prefilter under or", and(or(str("a", "x?y"), str("b", "z")), num("c", ir.OpEq, "1")),
			`a="x*y" OR b="z" c=1 | where match('a', "(?is)^x.y\\z") OR match('b', "(?i)^z\\z")`},
		{"not of where-only", and(str("a", "1"), not(or(re("b", "x", ""), str("c", "2")))),
			`a="1" | where NOT ((isnotnull('b') AND match('b', "x")) OR (isnotnull('c') AND match('c', "(?i)^2\\z")))`},
		{"field with space", str("Field With Space", "x"), `"Field With Space"="x"`},
		{"keyword-named field", str("OR", "x"), `"OR"="x"`},
		{"field with star", str("a*b", "x"), `* | where match('a*b', "(?i)^x\\z")`},
		{"true", &ir.Const{P: tpos, Value: true}, `*`},
		{"false", &ir.Const{P: tpos, Value: false}, `* | where false()`},
		{"query expression", &ir.Match{P: tpos, Field: "User", Op: ir.OpEq, Value: ir.QueryExpr{Text: `[| inputlookup admins.csv | fields User]`}},
			`[| inputlookup admins.csv | fields User]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			qs, l := convertOne(t, ruleOf(tt.e), "")
			if l.HasErrors() {
				t.Fatalf("diagnostics: %v", l)
			}
			if len(qs) != 1 || qs[0] != tt.want {
				t.Errorf("got  %s\nwant %s", strings.Join(qs, "\n"), tt.want)
			}
		})
	}
}

// TestPrecedence checks minimal parentheses in the search language, where
// OR binds tighter than AND.
func TestPrecedence(t *testing.T) {
	a, b, c, d := str("a", "1"), str("b", "2"), str("c", "3"), str("d", "4")
	tests := []struct {
		name string
		e    ir.Expr
		want string
	}{
		{"and in or", or(and(a, b), c), `(a="1" b="2") OR c="3"`},
		{"or in and", and(or(a, b), c), `a="1" OR b="2" c="3"`},
		{"two ors in and", and(or(a, b), or(c, d)), `a="1" OR b="2" c="3" OR d="4"`},
		{"not and", not(and(a, b)), `NOT (a="1" b="2")`},
		{"not or", not(or(a, b)), `NOT (a="1" OR b="2")`},
		{"and not", and(a, not(b)), `a="1" NOT b="2"`},
		{"or not", or(a, not(b)), `a="1" OR NOT b="2"`},
		{"not in", not(or(a, str("a", "9"))), `NOT a IN ("1", "9")`},
		{"nested", or(and(a, or(b, and(c, d))), not(a)), `(a="1" b="2" OR (c="3" d="4")) OR NOT a="1"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			qs, l := convertOne(t, ruleOf(tt.e), "")
			if l.HasErrors() || len(qs) != 1 {
				t.Fatalf("diagnostics: %v", l)
			}
			if qs[0] != tt.want {
				t.Errorf("got  %s\nwant %s", qs[0], tt.want)
			}
		})
	}
}
