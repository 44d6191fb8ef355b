package native

import (
	"slices"
	"testing"

	"github.com/sigc-dev/sigc/ir"
	"github.com/sigc-dev/sigc/ir/diag"
)

// TestSemantics has one row per semantic of sigma-semantics.md §10c and
// per operator, shape and corner case. Every row runs the Program alone and
// inside a RuleSet with and without prefilters, which must agree.
func TestSemantics(t *testing.T) {
	tests := []struct {
		name string
		expr ir.Expr
		ev   string
		want bool
	}{
		// Field names are case-sensitive; values are not.
		{"value case-insensitive", str("Image", `C:\Windows\cmd.exe`), `{"Image":"c:\\windows\\CMD.EXE"}`, true},
		{"field name case-sensitive", str("image", `cmd.exe`), `{"Image":"cmd.exe"}`, false},
		{"cased exact", cased(str("Image", `CMD.exe`)), `{"Image":"cmd.exe"}`, false},
		{"cased exact same", cased(str("Image", `CMD.exe`)), `{"Image":"CMD.exe"}`, true},
		{"cased contains", cased(str("C", `*Fo*`)), `{"C":"xFoy"}`, true},
		{"cased contains wrong case", cased(str("C", `*Fo*`)), `{"C":"xfoy"}`, false},
		// Shapes.
		{"exact differs", str("A", `abc`), `{"A":"abcd"}`, false},
		{"empty matches empty", str("A", ``), `{"A":""}`, true},
		{"empty vs value", str("A", ``), `{"A":"x"}`, false},
		{"prefix", str("A", `ab*`), `{"A":"ABC"}`, true},
		{"prefix miss", str("A", `ab*`), `{"A":"xab"}`, false},
		{"suffix", str("A", `*\calc.exe`), `{"A":"C:\\x\\CALC.exe"}`, true},
		{"suffix miss", str("A", `*\calc.exe`), `{"A":"calc.exe"}`, false},
		{"contains", str("A", `*whoami*`), `{"A":"cmd /c WhoAmI /all"}`, true},
		{"contains miss", str("A", `*whoami*`), `{"A":"cmd /c who ami"}`, false},
		{"contains anchor byte", str("A", `*\temp\\*`), `{"A":"C:\\Users\\x\\AppData\\Local\\TEMP\\a"}`, true},
		{"any matches any value", str("A", `*`), `{"A":""}`, true},
		{"any not absent", str("A", `*`), `{}`, false},
		{"any not null", str("A", `*`), `{"A":null}`, false},
		{"glob inner star", str("A", `c:\\*\cmd.exe`), `{"A":"C:\\Windows\\System32\\cmd.exe"}`, true},
		{"glob inner star miss", str("A", `c:\\*\cmd.exe`), `{"A":"D:\\Windows\\cmd.exe"}`, false},
		{"glob backtrack", str("A", `*a*b*c`), `{"A":"xaxbxbxc"}`, true},
		{"glob backtrack miss", str("A", `*a*b*c`), `{"A":"xaxcxb"}`, false},
		{"question one char", str("A", `a?c`), `{"A":"abc"}`, true},
		{"question not zero", str("A", `a?c`), `{"A":"ac"}`, false},
		{"question not two", str("A", `a?c`), `{"A":"abbc"}`, false},
		{"question one rune", str("A", `a?c`), `{"A":"aéc"}`, true},
		{"escaped star literal", str("A", `a\*`), `{"A":"a*"}`, true},
		{"escaped star not wildcard", str("A", `a\*`), `{"A":"ab"}`, false},
		{"escaped question literal", str("A", `a\?`), `{"A":"ab"}`, false},
		// Unicode folding.
		{"unicode fold exact", str("A", `ÄRGER`), `{"A":"ärger"}`, true},
		{"unicode fold contains", str("A", `*straße*`), `{"A":"DIE STRASSE, die STRAßE"}`, true},
		{"kelvin sign folds to k", str("A", `*kb*`), `{"A":"5 \u212aB"}`, true},
		{"kelvin sign exact", str("A", `k`), `{"A":"\u212a"}`, true},
		{"long s suffix", str("A", `*ss`), `{"A":"a\u017fS"}`, true},
		{"unicode not folded when cased", cased(str("A", `Ä`)), `{"A":"ä"}`, false},
		// Numbers and strings by canonical text.
		{"number matches int", num("EventID", 4624), `{"EventID":4624}`, true},
		{"number matches string", num("EventID", 4624), `{"EventID":"4624"}`, true},
		{"number matches numeric string", num("EventID", 4624), `{"EventID":"4624.0"}`, true},
		{"number miss", num("EventID", 4624), `{"EventID":4625}`, false},
		{"string matches number", str("EventID", `4624`), `{"EventID":4624}`, true},
		{"string matches float text", str("V", `1.5`), `{"V":1.50}`, true},
		{"number float", num("V", 1.5), `{"V":"1.5"}`, true},
		{"bool matches bool", boolm("Signed", true), `{"Signed":true}`, true},
		{"bool matches string", boolm("Signed", true), `{"Signed":"TRUE"}`, true},
		{"bool miss", boolm("Signed", false), `{"Signed":true}`, false},
		{"string matches bool", str("Signed", `true`), `{"Signed":true}`, true},
		// Arrays: any element.
		{"array any element", str("Tags", `*evil*`), `{"Tags":["good","EVIL one"]}`, true},
		{"array none", str("Tags", `*evil*`), `{"Tags":["good","fine"]}`, false},
		{"array of numbers", num("P", 445), `{"P":[80,445]}`, true},
		{"array of objects by path", str("a.b", `x`), `{"a":[{"b":"y"},{"b":"X"}]}`, true},
		// Nested JSON.
		{"nested dotted path", str("a.b.c", `v`), `{"a":{"b":{"c":"V"}}}`, true},
		{"nested object exists", exists("a.b"), `{"a":{"b":{"c":1}}}`, true},
		// null and exists.
		{"null absent", null("F"), `{}`, true},
		{"null json null", null("F"), `{"F":null}`, true},
		{"null present", null("F"), `{"F":""}`, false},
		{"exists present empty", exists("F"), `{"F":""}`, true},
		{"exists present null", exists("F"), `{"F":null}`, true},
		{"exists absent", exists("F"), `{}`, false},
		{"not exists absent", not(exists("F")), `{}`, true},
		{"empty string vs null", str("F", ``), `{"F":null}`, false},
		// Positive comparison on absent is false; neq on absent is true.
		{"eq absent false", str("F", `x`), `{}`, false},
		{"neq absent true", not(str("F", `x`)), `{}`, true},
		{"neq present equal", not(str("F", `x`)), `{"F":"X"}`, false},
		{"neq list", not(or(str("F", `a`), str("F", `b`))), `{"F":"c"}`, true},
		{"neq number absent", not(num("F", 1)), `{"G":1}`, true},
		// Keywords: the IR pattern (lowering writes a plain keyword as
		// `*v*`) is matched anchored against each scalar value.
		{"keyword substring", str("", `*mimikatz*`), `{"A":"x","B":"run MIMIKATZ.exe"}`, true},
		{"keyword miss", str("", `*mimikatz*`), `{"A":"x","B":"y"}`, false},
		{"keyword exact is anchored", str("", `mimikatz`), `{"B":"run mimikatz.exe"}`, false},
		{"keyword exact whole value", str("", `mimikatz`), `{"B":"MimiKatz"}`, true},
		{"keyword startswith anchored", str("", `run*`), `{"B":"xrun mimikatz"}`, false},
		{"keyword startswith", str("", `run*`), `{"A":"x","B":"RUN mimikatz"}`, true},
		{"keyword endswith", str("", `*.exe`), `{"B":"a.EXE"}`, true},
		{"keyword number text", str("", `4624`), `{"EventID":4624}`, true},
		{"keyword in array", str("", `*evil*`), `{"T":["a","xevilx"]}`, true},
		{"keyword nested value", str("", `*deep*`), `{"a":{"b":"in the deep"}}`, true},
		{"keyword not field name", str("", `*Image*`), `{"Image":"x"}`, false},
		{"keyword glob", str("", `*a*c*`), `{"A":"xxabbcxx"}`, true},
		{"keyword glob anchored", str("", `a*c`), `{"A":"xxabbcxx"}`, false},
		{"keyword list", or(str("", `*foo*`), str("", `*bar*`)), `{"A":"xBARx"}`, true},
		// Regex.
		{"regex unanchored", re("A", `who.mi`, ""), `{"A":"x whoami y"}`, true},
		{"regex case-sensitive", re("A", `whoami`, ""), `{"A":"WHOAMI"}`, false},
		{"regex i flag", re("A", `whoami`, "i"), `{"A":"WHOAMI"}`, true},
		{"regex m flag", re("A", `^b$`, "m"), `{"A":"a\nb\nc"}`, true},
		{"regex without m", re("A", `^b$`, ""), `{"A":"a\nb\nc"}`, false},
		{"regex s flag", re("A", `a.b`, "s"), `{"A":"a\nb"}`, true},
		{"regex without s", re("A", `a.b`, ""), `{"A":"a\nb"}`, false},
		{"regex on number", re("A", `^44\d$`, ""), `{"A":445}`, true},
		// CIDR.
		{"cidr v4", cidr("Ip", "10.0.0.0/8"), `{"Ip":"10.1.2.3"}`, true},
		{"cidr v4 miss", cidr("Ip", "10.0.0.0/8"), `{"Ip":"11.1.2.3"}`, false},
		{"cidr v6", cidr("Ip", "fe80::/10"), `{"Ip":"FE80::1"}`, true},
		{"cidr v6 miss", cidr("Ip", "fe80::/10"), `{"Ip":"2001:db8::1"}`, false},
		{"cidr v4-mapped v6", cidr("Ip", "10.0.0.0/8"), `{"Ip":"::ffff:10.0.0.1"}`, true},
		{"cidr not an ip", cidr("Ip", "10.0.0.0/8"), `{"Ip":"10.0.0"}`, false},
		{"cidr leading zero", cidr("Ip", "10.0.0.0/8"), `{"Ip":"010.0.0.1"}`, false},
		// Numeric comparisons.
		{"gt", cmp("N", ir.OpGt, 5), `{"N":6}`, true},
		{"gt equal", cmp("N", ir.OpGt, 5), `{"N":5}`, false},
		{"gte equal", cmp("N", ir.OpGte, 5), `{"N":"5"}`, true},
		{"lt", cmp("N", ir.OpLt, 5), `{"N":-1.5}`, true},
		{"lte", cmp("N", ir.OpLte, 5), `{"N":5.0}`, true},
		{"compare non-number", cmp("N", ir.OpLt, 5), `{"N":"abc"}`, false},
		// Field references.
		{"fieldref equal CI", fref("A", "B", false, false), `{"A":"Foo","B":"fOO"}`, true},
		{"fieldref differ", fref("A", "B", false, false), `{"A":"Foo","B":"Bar"}`, false},
		{"fieldref absent", fref("A", "B", false, false), `{"A":"Foo"}`, false},
		{"fieldref contains", fref("A", "B", true, true), `{"A":"xxFOOxx","B":"foo"}`, true},
		// A KELVIN SIGN in the referenced value folds to k: the value it is
		// compared with ends right after the match.
		{"fieldref contains folded reference", fref("A", "B", true, true), `{"A":"xkey","B":"KEY"}`, true},
		{"fieldref endswith folded reference", fref("A", "B", true, false), `{"A":"xkey","B":"KEY"}`, true},
		{"fieldref startswith", fref("A", "B", false, true), `{"A":"FOOxx","B":"foo"}`, true},
		{"fieldref endswith", fref("A", "B", true, false), `{"A":"xxFOO","B":"foo"}`, true},
		{"fieldref endswith miss", fref("A", "B", true, false), `{"A":"FOOxx","B":"foo"}`, false},
		{"fieldref number", fref("A", "B", false, false), `{"A":12,"B":"12"}`, true},
		{"fieldref cased", cased(fref("A", "B", false, false)), `{"A":"Foo","B":"foo"}`, false},
		// Time parts.
		{"hour rfc3339", part(num("T", 3), ir.PartHour), `{"T":"2024-01-02T03:04:05.678Z"}`, true},
		{"hour with offset", part(num("T", 1), ir.PartHour), `{"T":"2024-01-02T03:04:05+02:00"}`, true},
		{"minute windows", part(num("T", 4), ir.PartMinute), `{"T":"2024-01-02 03:04:05.678"}`, true},
		{"day", part(num("T", 2), ir.PartDay), `{"T":"2024-01-02 03:04:05"}`, true},
		{"month", part(num("T", 1), ir.PartMonth), `{"T":"2024-01-02"}`, true},
		{"year", part(num("T", 2024), ir.PartYear), `{"T":"2024-01-02T03:04Z"}`, true},
		{"iso week", part(num("T", 1), ir.PartWeek), `{"T":"2024-01-07T00:00:00Z"}`, true},
		{"iso week prior year", part(num("T", 52), ir.PartWeek), `{"T":"2023-01-01 00:00:00"}`, true},
		{"hour gt", part(cmp("T", ir.OpGt, 20), ir.PartHour), `{"T":"2024-01-02T22:00:00Z"}`, true},
		{"time part not a time", part(num("T", 3), ir.PartHour), `{"T":"yesterday"}`, false},
		// Boolean structure and Or merging / set lookup.
		{"and", and(str("A", `a`), str("B", `b`)), `{"A":"a","B":"b"}`, true},
		{"and short", and(str("A", `a`), str("B", `b`)), `{"A":"a","B":"c"}`, false},
		{"or", or(str("A", `a`), str("B", `b`)), `{"A":"x","B":"b"}`, true},
		{"value list set", or(str("A", `a1`), str("A", `a2`), str("A", `a3`), str("A", `A4`), str("A", `*zz`)), `{"A":"a4"}`, true},
		{"value list set suffix", or(str("A", `a1`), str("A", `a2`), str("A", `a3`), str("A", `A4`), str("A", `*zz`)), `{"A":"xZZ"}`, true},
		{"value list set miss", or(str("A", `a1`), str("A", `a2`), str("A", `a3`), str("A", `A4`)), `{"A":"a5"}`, false},
		{"value list set unicode", or(str("A", `ä1`), str("A", `a2`), str("A", `a3`), str("A", `a4`)), `{"A":"Ä1"}`, true},
		{"value list mixed fields", or(str("A", `1`), str("B", `2`), str("A", `3`)), `{"B":"2"}`, true},
		{"const false", &ir.Const{P: at, Value: false}, `{}`, false},
		{"const true", &ir.Const{P: at, Value: true}, `{}`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := event(t, tt.ev)
			p := mustCompile(t, rule(tt.name, tt.expr))
			if got := p.Match(ev); got != tt.want {
				t.Errorf("Program.Match = %v, want %v", got, tt.want)
			}
			for _, opts := range [][]Option{nil, {WithoutPrefilter()}} {
				rs, d := NewRuleSet([]*ir.Rule{p.Rule()}, opts...)
				if d.HasErrors() {
					t.Fatal(d)
				}
				if got := len(rs.Match(ev, nil)) == 1; got != tt.want {
					t.Errorf("RuleSet.Match (opts %d) = %v, want %v", len(opts), got, tt.want)
				}
			}
		})
	}
}

// TestConditionList: a rule matches when any query does.
func TestConditionList(t *testing.T) {
	p := mustCompile(t, rule("list", str("A", "a"), str("B", "b")))
	for _, tt := range []struct {
		ev   string
		want bool
	}{{`{"A":"a"}`, true}, {`{"B":"b"}`, true}, {`{"C":"c"}`, false}} {
		if got := p.Match(event(t, tt.ev)); got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.ev, got, tt.want)
		}
	}
}

// TestCompileErrors checks that bad rules give diagnostics with stable
// codes at the node's position and no Program.
func TestCompileErrors(t *testing.T) {
	placeholder := &ir.Match{P: at, Field: "A", Op: ir.OpEq, Value: ir.String{Pattern: ir.ParseSigmaString("%admins%", true)}}
	tests := []struct {
		name string
		expr ir.Expr
		want diag.Code
	}{
		{"bad regex", re("A", `a(b`, ""), diag.CodeRegex},
		{"bad regex flag", re("A", `a`, "x"), diag.CodeRegex},
		{"placeholder", placeholder, diag.CodePipelinePlaceholder},
		{"query expression", &ir.Match{P: at, Field: "A", Op: ir.OpEq, Value: ir.QueryExpr{Text: "x"}}, diag.CodeUnsupported},
		{"regex wrong value", &ir.Match{P: at, Field: "A", Op: ir.OpRegex, Value: ir.Bool{}}, diag.CodeModifierValue},
		{"compare string", &ir.Match{P: at, Field: "A", Op: ir.OpGt, Value: ir.String{}}, diag.CodeModifierValue},
		{"time part string", part(str("T", "3"), ir.PartHour), diag.CodeModifierValue},
		{"keyword exists", exists(""), diag.CodeUnsupported},
		{"fieldref no name", &ir.Match{P: at, Field: "A", Op: ir.OpFieldRef, Value: ir.FieldRef{}}, diag.CodeModifierValue},
		{"unknown op", &ir.Match{P: at, Field: "A", Op: ir.Op(99)}, diag.CodeInternal},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, d := Compile(rule(tt.name, and(str("X", "x"), tt.expr)))
			if p != nil {
				t.Error("got a Program for a bad rule")
			}
			if got := d.Codes(); !slices.Equal(got, []diag.Code{tt.want}) {
				t.Fatalf("codes = %v, want [%s]", got, tt.want)
			}
			if pos := d.Items()[0].Pos; pos != at {
				t.Errorf("pos = %v, want %v", pos, at)
			}
		})
	}
	// A RuleSet keeps the good rules and reports the bad one.
	rs, d := NewRuleSet([]*ir.Rule{rule("good", str("A", "a")), rule("bad", re("A", "(", ""))})
	if len(rs.Programs()) != 1 || !slices.Equal(d.Codes(), []diag.Code{diag.CodeRegex}) {
		t.Errorf("RuleSet kept %d programs, codes %v", len(rs.Programs()), d.Codes())
	}
}
