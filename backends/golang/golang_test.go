package golang

import (
	"go/format"
	"strings"
	"testing"

	"github.com/sigc-dev/sigc/backends"
	"github.com/sigc-dev/sigc/ir"
	"github.com/sigc-dev/sigc/ir/diag"
	"github.com/sigc-dev/sigc/ir/irtest"
)

// Builders for hand-written IR (shared with the other backends' tests).

var at = irtest.At

func str(field, sigma string) *ir.Match { return irtest.Str(field, sigma, true) }

var (
	cased = irtest.Cased
	num   = irtest.Number
	re    = irtest.Regex
	cidr  = irtest.CIDR
	op    = irtest.Op
	fref  = irtest.FieldRef
	part  = irtest.Part
	and   = irtest.And
	or    = irtest.Or
	not   = irtest.Not
)

func rule(title string, qs ...ir.Expr) *ir.Rule {
	r := &ir.Rule{Meta: ir.Meta{Title: title, ID: "id-" + title, Level: "high", Tags: []string{"attack.t1"}}}
	for _, q := range qs {
		r.Queries = append(r.Queries, ir.Query{Pos: at, Condition: "sel", Expr: q})
	}
	return r
}

// TestConvertRendering checks the Go each IR construct becomes.
func TestConvertRendering(t *testing.T) {
	cases := []struct {
		name string
		e    ir.Expr
		want []string
	}{
		{"exact folds the constant", str("Image", "C:\\Windows\\CMD.exe"), []string{"field(ev, \"Image\"", "equalFold(s, `c:\\windows\\cmd.exe`)"}},
		{"endswith", str("Image", "*\\CMD.exe"), []string{"hasSuffixFold(s, `\\cmd.exe`)"}},
		{"startswith", str("Image", `C:\\*`), []string{"hasPrefixFold(s, `c:\\`)"}},
		{"contains", str("CommandLine", "*-ENC*"), []string{`containsFold(s, "-enc")`}},
		{"any value", str("Image", "*"), []string{"return true"}},
		{"cased", cased(str("A", "*Foo*")), []string{`strings.Contains(s, "Foo")`}},
		{"cased exact", cased(str("A", "Foo")), []string{`s == "Foo"`}},
		{"glob with literal star", str("A", `a\*b?c*`), []string{`globMatch(s, false, "=a*b", "?", "=c", "*")`}},
		{"double star collapses", str("A", `a**b`), []string{`globMatch(s, false, "=a", "*", "=b")`}},
		{"keyword keeps its pattern", str("", "foo*"), []string{"keyword(ev,", `hasPrefixFold(s, "foo")`}},
		{"number", num("EventID", ir.OpEq, 4624), []string{`numEq(s, "4624", 4624)`}},
		{"compare", num("Port", ir.OpGte, 1024), []string{`numCmp(s, ">=", 1024)`}},
		{"time part", part(num("T", ir.OpEq, 3), ir.PartHour), []string{`timePart(s, "hour", "=", 3)`}},
		{"bool", &ir.Match{P: at, Field: "B", Op: ir.OpEq, Value: ir.Bool{Value: true}}, []string{`equalFold(s, "true")`}},
		{"regex", re("A", `^a\d+`, "i"), []string{"regexp.MustCompile(`(?i)^a\\d+`)", "matchRegexRe0.MatchString(s)"}},
		{"cidr masked", cidr("Ip", "10.1.0.0/8"), []string{`netip.MustParsePrefix("10.0.0.0/8")`, "inCIDR(s, matchCidrMaskedNet0)"}},
		{"exists", op("A", ir.OpExists), []string{`exists(ev, "A")`}},
		{"null", op("A", ir.OpNull), []string{`isNull(ev, "A")`}},
		{"fieldref", fref("A", "B", true, false), []string{`fieldRef(ev, "A", "B", true, false, false)`}},
		{"not", not(str("A", "x")), []string{"!field(ev"}},
		{"const", &ir.Const{P: at, Value: true}, []string{"return true\n"}},
		{"set from four values", or(str("A", "a"), str("A", "B"), str("A", "c"), str("A", "d"), str("A", "*e")),
			[]string{"matchSetFromFourValuesSet0 = map[string]struct{}{", `"b": {},`, "inSet(s, matchSetFromFourValuesSet0) ||", `hasSuffixFold(s, "e")`}},
		{"or of one field merges", or(str("A", "a"), str("A", "*b"), str("C", "c")),
			[]string{"field(ev, \"A\", func(s string) bool {\n\t\treturn equalFold(s, \"a\") ||\n\t\t\thasSuffixFold(s, \"b\")"}},
		{"and", and(op("A", ir.OpExists), op("B", ir.OpNull)), []string{"(exists(ev, \"A\") &&\n\t\tisNull(ev, \"B\"))"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// The titles above are the case names: matchers are named
			// after them (Match + CamelCase).
			title := c.name
			out, d := New().Convert(rule(title, c.e), backends.Options{})
			if d.HasErrors() || out == nil {
				t.Fatalf("convert: %v", d)
			}
			src := out.Queries[0]
			for _, w := range c.want {
				if !strings.Contains(src, w) {
					t.Errorf("output lacks %q:\n%s", w, src)
				}
			}
		})
	}
}

func TestConvertErrors(t *testing.T) {
	cases := []struct {
		name string
		m    *ir.Match
		code diag.Code
	}{
		{"regex that does not compile", re("A", "(?<=x)a", ""), diag.CodeRegex},
		{"unknown regex flag", re("A", "a", "x"), diag.CodeRegex},
		{"unresolved placeholder", str("A", "%admins%"), diag.CodePipelinePlaceholder},
		{"query expression", &ir.Match{P: at, Field: "A", Op: ir.OpEq, Value: ir.QueryExpr{Text: "x"}}, diag.CodeUnsupported},
		{"compare with a string", &ir.Match{P: at, Field: "A", Op: ir.OpLt, Value: ir.String{Pattern: ir.Lit("x")}}, diag.CodeModifierValue},
		{"time part of a string", part(str("A", "x"), ir.PartDay), diag.CodeModifierValue},
		{"fieldref without name", &ir.Match{P: at, Field: "A", Op: ir.OpFieldRef, Value: ir.FieldRef{}}, diag.CodeModifierValue},
		{"exists without field", op("", ir.OpExists), diag.CodeUnsupported},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, d := New().Convert(rule("r", c.m), backends.Options{})
			if out != nil || !d.HasErrors() {
				t.Fatalf("want an error, got %v / %v", out, d)
			}
			it := d.Items()[0]
			if it.Code != c.code || it.Pos != at {
				t.Errorf("got %s at %v, want %s at %v", it.Code, it.Pos, c.code, at)
			}
		})
	}
}

func TestCaps(t *testing.T) {
	c := New().Caps()
	for _, need := range []ir.Caps{ir.CapRegex, ir.CapCIDR, ir.CapCased, ir.CapKeywords, ir.CapGlob, ir.CapFieldRef, ir.CapCompare, ir.CapTimePart, ir.CapNull, ir.CapExists} {
		if !c.Has(need) {
			t.Errorf("caps lack %b", need)
		}
	}
	if c.Has(ir.CapQueryExpr) || c.Has(ir.CapPlaceholders) {
		t.Errorf("caps claim query expressions or placeholders")
	}
}

func TestFuncName(t *testing.T) {
	cases := []struct{ title, id, want string }{
		{"Whoami Enumerating All Privileges", "x", "MatchWhoamiEnumeratingAllPrivileges"},
		{"PsExec.exe - Remote (Service)", "x", "MatchPsExecExeRemoteService"},
		{"7zip Usage", "x", "Match_7zipUsage"},
		{"Ärger über µ", "x", "MatchRgerBer"},
		{"", "5aa13a44-0c90", "Match_5aa13a440c90"},
		{"***", "", "MatchRule"},
		{"one two three four five six seven eight nine ten eleven twelve thirteen", "", "MatchOneTwoThreeFourFiveSixSevenEightNineTenElevenTwelve"},
	}
	for _, c := range cases {
		r := &ir.Rule{Meta: ir.Meta{Title: c.title, ID: c.id}}
		if got := funcName(r); got != c.want {
			t.Errorf("funcName(%q, %q) = %q, want %q", c.title, c.id, got, c.want)
		}
	}
}

func TestFinish(t *testing.T) {
	res := func(rs ...*ir.Rule) []backends.Result {
		var out []backends.Result
		for _, r := range rs {
			out = append(out, backends.Result{Rule: r})
		}
		return out
	}
	t.Run("package, table, dedupe, gofmt", func(t *testing.T) {
		src, d := New().Finish(res(rule("Same", str("A", "x")), rule("Same", re("B", "y", "")),
			rule("Other", str("", "*k*"))), backends.Options{Params: map[string]string{"package": "detect"}})
		if d.Len() > 0 {
			t.Fatalf("diagnostics: %v", d)
		}
		for _, w := range []string{
			"// Code generated by sigc (target go); DO NOT EDIT.\n",
			"package detect\n",
			"\t\"regexp\"\n",
			`{ID: "id-Same", Title: "Same", Status: "", Level: "high", Tags: []string{"attack.t1"}, Match: MatchSame},`,
			"Match: MatchSame_2},",
			"func MatchSame_2(ev Event) bool {",
			"matchSame_2Re0 = regexp.MustCompile(\"y\")",
			"type Event interface {",
			"type Fields map[string]any",
			"func keyword(",
			"func containsFold(",
			// Runtime helpers the native matcher shares, unexported here.
			"func isASCII(",
			"func asciiEqualFoldAt(",
			"var lowerASCII = ",
		} {
			if !strings.Contains(src, w) {
				t.Errorf("package lacks %q", w)
			}
		}
		for _, absent := range []string{"func globMatch(", "func inCIDR(", "net/netip", "Source", "go:embed"} {
			if strings.Contains(src, absent) {
				t.Errorf("package has unused %q", absent)
			}
		}
		for _, exported := range []string{"IsASCII", "ASCIIEqualFoldAt", "LowerASCII", "PrefixFold", "FoldRune"} {
			if strings.Contains(src, exported) {
				t.Errorf("package exports the runtime's %q", exported)
			}
		}
		if f, err := format.Source([]byte(src)); err != nil || string(f) != src {
			t.Errorf("package is not gofmt-clean (err %v)", err)
		}
	})
	t.Run("bad package name", func(t *testing.T) {
		_, d := New().Finish(res(rule("a", str("A", "x"))), backends.Options{Params: map[string]string{"package": "a-b"}})
		if !d.HasErrors() || d.Items()[0].Code != diag.CodeBackend {
			t.Errorf("want a backend error, got %v", d)
		}
	})
	t.Run("failing rule is left out with its diagnostic", func(t *testing.T) {
		src, d := New().Finish(res(rule("bad", re("A", "(", "")), rule("good", str("A", "x"))), backends.Options{})
		if !d.HasErrors() || d.Items()[0].Code != diag.CodeRegex {
			t.Errorf("want a regex error, got %v", d)
		}
		if strings.Contains(src, "MatchBad") || !strings.Contains(src, "MatchGood") {
			t.Errorf("wrong rules in package:\n%s", src)
		}
	})
	t.Run("empty", func(t *testing.T) {
		src, d := New().Finish(nil, backends.Options{})
		if d.Len() > 0 || !strings.Contains(src, "var Rules = []Rule{}") {
			t.Errorf("empty package: %v\n%s", d, src)
		}
	})
}

func TestUnexport(t *testing.T) {
	for in, want := range map[string]string{
		"ok := IsASCII(s) && EqualFold(s, lit)":          "ok := isASCII(s) && equalFold(s, lit)",
		"// under strings.EqualFold (see FoldRune)":      "// under strings.EqualFold (see foldRune)",
		"ASCIIEqualFoldAt(s, lit) || LowerASCII[c] == c": "asciiEqualFoldAt(s, lit) || lowerASCII[c] == c",
		"var ParseTimeX, XParseNum = 1, 2":               "var ParseTimeX, XParseNum = 1, 2",
		"CanonicalFloat(f)":                              "canonicalFloat(f)",
	} {
		if got := unexport(in); got != want {
			t.Errorf("unexport(%q) = %q, want %q", in, got, want)
		}
	}
}
