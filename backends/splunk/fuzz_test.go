package splunk

import (
	"math/rand"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/sigc-dev/sigc/backends"
	"github.com/sigc-dev/sigc/ir"
	"github.com/sigc-dev/sigc/ir/diag"
)

// sigmaEval is the reference: Sigma's semantics for one flat event,
// written independently of the backend (globs become Go regexes anchored
// with ^$, which in Go mean the ends of the text).
func sigmaEval(e ir.Expr, ev event) bool {
	switch n := e.(type) {
	case *ir.And:
		for _, t := range n.Terms {
			if !sigmaEval(t, ev) {
				return false
			}
		}
		return true
	case *ir.Or:
		for _, t := range n.Terms {
			if sigmaEval(t, ev) {
				return true
			}
		}
		return false
	case *ir.Not:
		return !sigmaEval(n.X, ev)
	case *ir.Const:
		return n.Value
	case *ir.Match:
		field := n.Field
		if n.IsKeyword() {
			field = "_raw"
		}
		v, ok := ev[field]
		switch n.Op {
		case ir.OpNull:
			return !ok
		case ir.OpExists:
			return ok
		}
		if !ok {
			return false
		}
		switch n.Op {
		case ir.OpEq:
			switch x := n.Value.(type) {
			case ir.String:
				return globRE(x.Pattern, n.Cased).MatchString(v)
			case ir.Number:
				return v == x.Text || cmpNum("==", v, x.Text)
			case ir.Bool:
				return strings.EqualFold(v, strconv.FormatBool(x.Value))
			}
		case ir.OpRegex:
			x := n.Value.(ir.Regex)
			src := x.Source
			if x.Flags != "" {
				src = "(?" + x.Flags + ")" + src
			}
			return regexp.MustCompile(src).MatchString(v)
		case ir.OpCIDR:
			a, err := netip.ParseAddr(v)
			return err == nil && n.Value.(ir.CIDR).Prefix.Contains(a)
		case ir.OpLt, ir.OpLte, ir.OpGt, ir.OpGte:
			return cmpNum(n.Op.String(), v, n.Value.(ir.Number).Text)
		case ir.OpFieldRef:
			x := n.Value.(ir.FieldRef)
			w, ok := ev[x.Name]
			if !ok {
				return false
			}
			if !n.Cased {
				v, w = strings.ToLower(v), strings.ToLower(w)
			}
			switch {
			case x.Lead && x.Trail:
				return strings.Contains(v, w)
			case x.Lead:
				return strings.HasSuffix(v, w)
			case x.Trail:
				return strings.HasPrefix(v, w)
			}
			return v == w
		}
	}
	return false
}

func globRE(p ir.Pattern, cased bool) *regexp.Regexp {
	var b strings.Builder
	b.WriteString("(?s")
	if !cased {
		b.WriteString("i")
	}
	b.WriteString(")^")
	for _, t := range p {
		switch t.Kind {
		case ir.TokLit:
			b.WriteString(regexp.QuoteMeta(t.Text))
		case ir.TokStar:
			b.WriteString(".*")
		case ir.TokQuestion:
			b.WriteString(".")
		}
	}
	b.WriteString("$")
	return regexp.MustCompile(b.String())
}

// checkAgainstReference converts e, parses the output, checks that only
// the expected commands appear (no injected command survives parsing), and
// compares the parsed query's verdict with Sigma's on every event.
func checkAgainstReference(t *testing.T, e ir.Expr, events []event) {
	t.Helper()
	out, l := New().Convert(ruleOf(e), backends.Options{})
	if l.HasErrors() {
		for _, d := range l.Items() {
			if d.Code != diag.CodeUnsupported {
				t.Fatalf("unexpected diagnostic %v for %s", d, ir.Key(e))
			}
		}
		return
	}
	q, err := parseSPL(out.Queries[0])
	if err != nil {
		t.Fatalf("does not parse: %v\n%s\n%s", err, out.Queries[0], ir.Key(e))
	}
	for _, c := range q.cmds {
		if c.name != "where" {
			t.Fatalf("unexpected command %q in %s", c.name, out.Queries[0])
		}
	}
	for _, ev := range events {
		if got, want := runQuery(q, ev), sigmaEval(e, ev); got != want {
			t.Fatalf("event %q: SPL says %v, Sigma says %v\nSPL: %s\nIR: %s", ev, got, want, out.Queries[0], ir.Key(e))
		}
	}
}

var hostile = []string{
	``, `a`, `"`, `\`, `\\`, `\"`, `'`, "`", `|`, ` | delete`, `" | delete "`, `\" | delete`, `[`, `]`, `(`, `)`,
	`*`, `?`, `a*b`, `a?b`, "a\nb", "\r\n| delete", `%`, `_`, `$`, `^`, `.`, `\z`, `\E`, `(?i)`, `OR`, `NOT`, `AND`,
	`x="y"`, `'x'`, "`macro`", `\Q`, `{`, `}`, `+`, `é`,
}

// candidateValues are the field values each construct is tested against.
func candidateValues(v string) []string {
	p := ir.ParseSigmaString(v, false)
	lit := p.Literal()
	return []string{v, lit, strings.ToUpper(lit), "x" + lit + "y", lit + "\n", "", "7", "10.1.2.3", "a\nb", "azb"}
}

func eventsFor(field, other, v string) []event {
	// Every Splunk event has _raw.
	evs := []event{{"_raw": ""}, {other: v, "_raw": ""}}
	for _, x := range candidateValues(v) {
		evs = append(evs, event{field: x, "_raw": x, other: v}, event{field: x, other: "zz", "_raw": "zz"}, event{field: x, other: x + "q", "_raw": ""})
	}
	return evs
}

// constructs builds every construct around one hostile value, field name
// and referenced field name.
func constructs(field, other, v string) []ir.Expr {
	p := ir.ParseSigmaString(v, false)
	lit := &ir.Match{P: tpos, Field: field, Op: ir.OpEq, Value: ir.String{Pattern: ir.Lit(v)}}
	contains := &ir.Match{P: tpos, Field: field, Op: ir.OpEq, Value: ir.String{Pattern: ir.Lit(v).WithStar(true, true)}}
	glob := &ir.Match{P: tpos, Field: field, Op: ir.OpEq, Value: ir.String{Pattern: p}}
	cs := &ir.Match{P: tpos, Field: field, Op: ir.OpEq, Value: ir.String{Pattern: p}, Cased: true}
	kwm := &ir.Match{P: tpos, Op: ir.OpEq, Value: ir.String{Pattern: ir.Lit(v).WithStar(true, true)}}
	rx := re(field, regexp.QuoteMeta(v), "i")
	out := []ir.Expr{
		lit, contains, glob, cs, kwm, rx,
		cidr(field, "10.0.0.0/8"), num(field, ir.OpGt, "5"), op(field, ir.OpExists), op(field, ir.OpNull),
		ref(field, other, false, false), ref(field, other, true, false), ref(field, other, false, true), ref(field, other, true, true),
		or(lit, str(field, "azb")), not(or(glob, rx)), and(contains, not(ref(field, other, false, false))),
		or(and(lit, cs), not(kwm)),
	}
	if _, err := regexp.Compile(v); err == nil {
		out = append(out, re(field, v, ""))
	}
	return out
}

// FuzzInjection drives hostile values and field names through every
// construct: the output must parse as the commands the backend emits and
// nothing else, and it must decide every test event exactly as Sigma does,
// which proves each value stayed a literal.
func FuzzInjection(f *testing.F) {
	for i, h := range hostile {
		f.Add(h, "CommandLine", "Other")
		f.Add("x", h+"f", "Other")
		f.Add(h, "F "+strconv.Itoa(i), h+"o")
	}
	f.Fuzz(func(t *testing.T, v, field, other string) {
		if field == "" || other == "" || field == other || field == "_raw" || other == "_raw" {
			return
		}
		if !utf8.ValidString(v) || !utf8.ValidString(field) || !utf8.ValidString(other) {
			return // Go's regexp and PCRE disagree on invalid UTF-8
		}
		evs := eventsFor(field, other, v)
		for _, e := range constructs(field, other, v) {
			checkAgainstReference(t, e, evs)
		}
	})
}

// TestHostileValues runs the fuzz seeds as a plain test, so that `go test`
// covers them without -fuzz.
func TestHostileValues(t *testing.T) {
	for _, v := range hostile {
		for _, field := range []string{"CommandLine", "F x", v + "f"} {
			evs := eventsFor(field, "Other", v)
			for _, e := range constructs(field, "Other", v) {
				checkAgainstReference(t, e, evs)
			}
		}
	}
}

// TestRandomTrees compares random AND/OR/NOT trees mixing search-exact and
// where-only constructs with the reference on random events: it checks
// precedence, the search/where split, prefilters and null guards together.
func TestRandomTrees(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	fields := []string{"a", "b", "c d"}
	vals := []string{"x", "X", "xy", "y", "", "x*y", "7", "10.2.3.4"}
	leaf := func() ir.Expr {
		f := fields[rng.Intn(len(fields))]
		g := fields[rng.Intn(len(fields))]
		switch rng.Intn(10) {
		case 0:
			return str(f, "x")
		case 1:
			return str(f, "x*")
		case 2:
			return str(f, "x?")
		case 3:
			return cased(f, "x")
		case 4:
			return re(f, "^x", "")
		case 5:
			return kw("y")
		case 6:
			return op(f, ir.OpNull)
		case 7:
			return num(f, ir.OpGt, "5")
		case 8:
			return ref(f, g, rng.Intn(2) == 0, rng.Intn(2) == 0)
		}
		return str(f, `x\*y`)
	}
	var tree func(depth int) ir.Expr
	tree = func(depth int) ir.Expr {
		if depth == 0 || rng.Intn(3) == 0 {
			return leaf()
		}
		switch rng.Intn(3) {
		case 0:
			return not(tree(depth - 1))
		case 1:
			return and(tree(depth-1), tree(depth-1), tree(depth-1))
		}
		return or(tree(depth-1), tree(depth-1))
	}
	var events []event
	for i := 0; i < 60; i++ {
		ev := event{"_raw": ""}
		for _, f := range append(fields, "_raw") {
			if rng.Intn(4) > 0 {
				ev[f] = vals[rng.Intn(len(vals))]
			}
		}
		events = append(events, ev)
	}
	for i := 0; i < 3000; i++ {
		e := tree(4)
		checkAgainstReference(t, e, events)
		checkAgainstReference(t, ir.Simplify(e), events)
	}
}
