package rules

import (
	"fmt"
	"strings"
	"testing"

	"github.com/sigc-dev/sigc/ir/diag"
	"github.com/sigc-dev/sigc/rules/condition"
)

// rule builds a rule document around a detection body (indented by two).
func rule(detection string) string {
	return "title: T\nlogsource:\n  product: windows\ndetection:\n" + detection
}

// TestDetectionDiagnostics checks the codes and positions of rule-level
// and detection checks. rule() puts the first detection line on line 5.
func TestDetectionDiagnostics(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{"missing logsource", "title: T\ndetection:\n  sel: a\n  condition: sel\n", []string{"1:1 E rule/missing-field"}},
		{"empty logsource", "title: T\nlogsource: {}\ndetection:\n  sel: a\n  condition: sel\n", []string{"2:1 E rule/logsource"}},
		{"logsource definition only", "title: T\nlogsource:\n  definition: x\ndetection:\n  sel: a\n  condition: sel\n",
			[]string{"2:1 E rule/logsource"}},
		{"logsource string", "title: T\nlogsource: windows\ndetection:\n  sel: a\n  condition: sel\n",
			[]string{"2:12 E rule/logsource"}},
		{"logsource value type", "title: T\nlogsource:\n  product: [a]\n  service: s\ndetection:\n  sel: a\n  condition: sel\n",
			[]string{"3:12 E rule/logsource"}},
		{"detection not a map", "title: T\nlogsource: {product: w}\ndetection: [a]\n", []string{"3:12 E detection/shape"}},
		{"no search", rule("  condition: sel\n"), []string{"4:1 E detection/no-search", "5:14 E cond/undefined"}},
		{"no condition", rule("  sel: a\n"), []string{"4:1 E detection/no-condition"}},
		{"undefined identifier", rule("  sel: a\n  condition: sel and other\n"), []string{"6:22 E cond/undefined"}},
		{"pattern matches nothing", rule("  sel: a\n  condition: sel and not 1 of filter*\n"), []string{"6:26 W cond/pattern-empty"}},
		{"them skips underscore", rule("  _sel: a\n  condition: 1 of them\n"),
			[]string{"5:3 W cond/unused-search", "6:14 W cond/pattern-empty"}},
		{"unused search", rule("  sel: a\n  filter: b\n  condition: sel\n"), []string{"6:3 W cond/unused-search"}},
		{"pattern uses", rule("  sel_a: a\n  sel_b: b\n  condition: all of sel_*\n"), nil},
		{"bad search name", rule("  sel.x: a\n  condition: 1 of sel*\n"), []string{"5:3 W detection/search-name"}},
		{"timeframe", rule("  sel: a\n  timeframe: 5m\n  condition: sel\n"), []string{"6:14 W detection/legacy-timeframe"}},
		{"timeframe with aggregation", rule("  sel: a\n  timeframe: 5m\n  condition: sel | count() > 5\n"), nil},
		{"null in keyword list", rule("  sel: [a, null]\n  condition: sel\n"), []string{"5:12 E detection/null-in-list"}},
		{"null in value list", rule("  sel:\n    f: [a, ~]\n  condition: sel\n"), []string{"6:12 E detection/null-in-list"}},
		{"null value ok", rule("  sel:\n    f: null\n  condition: sel\n"), nil},
		{"nested list value", rule("  sel:\n    f: [a, [b]]\n  condition: sel\n"), []string{"6:12 E detection/value-type"}},
		{"map value", rule("  sel:\n    f: {a: b}\n  condition: sel\n"), []string{"6:8 E detection/value-type"}},
		{"nested list in search", rule("  sel: [[a]]\n  condition: sel\n"), []string{"5:9 E detection/value-type"}},
		{"duplicate field", rule("  sel:\n    A: 1\n    A: 2\n  condition: sel\n"), []string{"7:5 E yaml/duplicate-key"}},
		{"duplicate search", rule("  sel: a\n  sel: b\n  condition: sel\n"), []string{"6:3 E yaml/duplicate-key"}},
		{"duplicate logsource key", "title: T\nlogsource:\n  product: a\n  product: b\ndetection:\n  sel: a\n  condition: sel\n",
			[]string{"4:3 E yaml/duplicate-key"}},
		{"huge integer", rule("  sel:\n    f: 99999999999999999999\n  condition: sel\n"), nil},
		{"custom tag", rule("  sel:\n    f: !foo bar\n  condition: sel\n"), []string{"6:8 E detection/value-type"}},
		{"condition list", rule("  sel: a\n  filter: b\n  condition:\n    - sel\n    - filter\n"), nil},
		{"condition not a string", rule("  sel: a\n  condition: 1\n"), []string{"6:14 E rule/field-type"}},
		{"condition empty", rule("  sel: a\n  condition: ''\n"), []string{"6:14 E detection/no-condition"}},
		{"condition empty list", rule("  sel: a\n  condition: []\n"), []string{"6:14 E detection/no-condition"}},
		{"condition syntax", rule("  sel: a\n  condition: sel and\n"), []string{"6:18 E cond/syntax"}},
		{"condition pipe", rule("  sel: a\n  condition: sel | count() > 5\n"), nil},
		{"condition pipe near", rule("  sel: a\n  other: b\n  condition: sel | near other\n"), nil},
		{"condition pipe near negated", rule("  sel: a\n  other: b\n  condition: sel | near not other\n"), []string{"6:3 W cond/unused-search", "7:20 E cond/pipe"}},
		{"condition pipe near undefined", rule("  sel: a\n  condition: sel | near nope\n"), []string{"6:20 E cond/undefined"}},
		{"quoted condition position", rule("  sel: a\n  condition: 'sel or nope'\n"), []string{"6:22 E cond/undefined"}},
		{"block condition position", rule("  sel: a\n  condition: |\n    sel or\n    nope\n"), []string{"8:5 E cond/undefined"}},
		{"folded condition position", rule("  sel: a\n  condition: >\n    sel or\n      nope\n"), []string{"8:7 E cond/undefined"}},
		{"multi-line plain condition position", rule("  sel: a\n  condition: sel\n    or nope\n"), []string{"7:8 E cond/undefined"}},
		{"multi-line quoted condition position", rule("  sel: a\n  condition: \"sel\n     or nope\"\n"), []string{"7:9 E cond/undefined"}},
		{"escape falls back to first line", rule("  sel: a\n  condition: \"sel or \\x6eope\"\n"), []string{"6:22 E cond/undefined"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkDiags(t, tt.src, tt.want...)
		})
	}
}

// TestDocumentDiagnostics checks document-level checks.
func TestDocumentDiagnostics(t *testing.T) {
	tests := []struct {
		name  string
		src   string
		want  []string
		ndocs int
	}{
		{"empty file", "", []string{"1:1 W yaml/empty-document"}, 0},
		{"comment only", "# nothing\n", []string{"1:1 W yaml/empty-document"}, 0},
		{"trailing separator", okRule + "---\n", nil, 1},
		{"leading separator", "---\n" + okRule, nil, 1},
		{"explicit null document", okRule + "---\n~\n", []string{"9:1 E yaml/type"}, 1},
		{"list document", "- a\n", []string{"1:1 E yaml/type"}, 0},
		{"empty mapping", "{}\n", []string{"1:1 E yaml/empty-document"}, 0},
		{"unknown kind", "title: T\nfoo: bar\n", []string{"1:1 E rule/unknown-kind"}, 0},
		{"legacy action repeat without previous", "action: repeat\ntitle: T\ndetection:\n  sel: a\n", []string{"1:1 E rule/legacy-action"}, 0},
		{"other action is custom", "action: other\n" + okRule, nil, 1},
		{"two sections", okRule + "correlation:\n  type: temporal\n", []string{"8:1 E rule/unknown-kind"}, 1},
		{"syntax error", okRule + "x: [a,\n", []string{"8:0 E yaml/syntax"}, 0},
		{"syntax error in second document", okRule + "---\ntitle: [\n", []string{"9:0 E yaml/syntax"}, 1},
		{"non-scalar key", okRule + "? [a]\n: b\n", []string{"8:3 E yaml/type"}, 1},
		{"two rules", okRule + "---\n" + okRule, nil, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			docs := checkDiags(t, tt.src, tt.want...)
			if len(docs) != tt.ndocs {
				t.Errorf("got %d documents, want %d", len(docs), tt.ndocs)
			}
		})
	}
}

// dumpSearch renders a search compactly for comparison.
func dumpSearch(s *Search) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s@%d:%d list=%v", s.Name, s.Pos.Line, s.Pos.Col, s.IsList)
	for _, e := range s.Elems {
		if !e.IsMap {
			fmt.Fprintf(&b, " kw(%s)", dumpValue(*e.Keyword))
			continue
		}
		b.WriteString(" {")
		for i, it := range e.Items {
			if i > 0 {
				b.WriteString(" ")
			}
			fmt.Fprintf(&b, "%q@%d:%d", it.Field, it.Pos.Line, it.Pos.Col)
			for _, m := range it.Modifiers {
				fmt.Fprintf(&b, "|%s@%d", m.Name, m.Pos.Col)
			}
			if it.IsList {
				b.WriteString("=[")
			} else {
				b.WriteString("=")
			}
			for j, v := range it.Values {
				if j > 0 {
					b.WriteString(",")
				}
				b.WriteString(dumpValue(v))
			}
			if it.IsList {
				b.WriteString("]")
			}
		}
		b.WriteString("}")
	}
	return b.String()
}

// dumpValue renders a value as kind:text, with style markers: ! for
// Plain, the quote character otherwise.
func dumpValue(v Value) string {
	style := ""
	switch {
	case v.Plain:
		style = "!"
	case v.Quote != 0:
		style = string(v.Quote)
	}
	return fmt.Sprintf("%s:%s%s@%d", v.Kind, v.Text, style, v.Pos.Col)
}

// TestSearchShapes checks the model built for each search form.
func TestSearchShapes(t *testing.T) {
	tests := []struct {
		name, body, want string
	}{
		{"map", "  sel:\n    Image|endswith: '\\a.exe'\n    CommandLine|contains|all:\n      - a\n      - \"b\"\n",
			`sel@5:3 list=false {"Image"@6:5|endswith@11=string:\a.exe'@21 "CommandLine"@7:5|contains@17|all@26=[string:a!@9,string:b"@9]}`},
		{"keyword field", "  sel:\n    '|all':\n      - a\n      - b\n",
			`sel@5:3 list=false {""@6:5|all@7=[string:a!@9,string:b!@9]}`},
		{"list of maps and keywords", "  sel:\n    - A: 1\n    - kw\n    - B: true\n",
			`sel@5:3 list=true {"A"@6:7=integer:1!@10} kw(string:kw!@7) {"B"@8:7=boolean:true!@10}`},
		{"scalar", "  sel: 'evil'\n", `sel@5:3 list=false kw(string:evil'@8)`},
		{"null", "  sel:\n", `sel@5:3 list=false kw(null:!@7)`},
		{"empty list", "  sel: []\n", `sel@5:3 list=true`},
		{"empty map", "  sel: {}\n", `sel@5:3 list=false {}`},
		{"empty value list", "  sel:\n    f: []\n", `sel@5:3 list=false {"f"@6:5=[]}`},
		{"numbers", "  sel:\n    a: 0x1F\n    b: 1.50\n    c: 1.0\n    d: -7\n    e: 1_000\n    f: '12'\n",
			`sel@5:3 list=false {"a"@6:5=integer:31!@8 "b"@7:5=number:1.5!@8 "c"@8:5=number:1!@8 "d"@9:5=integer:-7!@8 "e"@10:5=integer:1000!@8 "f"@11:5=string:12'@8}`},
		{"yaml 1.1 booleans stay strings", "  sel:\n    a: yes\n    b: False\n",
			`sel@5:3 list=false {"a"@6:5=string:yes!@8 "b"@7:5=boolean:false!@8}`},
		{"dates stay strings", "  sel:\n    a: 2020-01-02\n",
			`sel@5:3 list=false {"a"@6:5=string:2020-01-02!@8}`},
		{"multi-line plain is not Plain", "  sel:\n    a: one\n      two\n",
			`sel@5:3 list=false {"a"@6:5=string:one two@8}`},
		{"block scalar", "  sel:\n    a: |\n      x\n",
			"sel@5:3 list=false {\"a\"@6:5=string:x\n|@8}"},
		{"non-ASCII columns are bytes", "  sel:\n    é: ü\n", `sel@5:3 list=false {"é"@6:5=string:ü!@9}`},
		{"anchors and aliases", "  sel:\n    a: &v x\n    b: *v\n",
			`sel@5:3 list=false {"a"@6:5=string:x@8 "b"@7:5=string:x@8}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := rule(tt.body + "  condition: sel\n")
			docs, dl := parse(t, src)
			if len(docs) != 1 {
				t.Fatalf("no document: %v", dl)
			}
			ss := docs[0].Rule.Detection.Searches
			if len(ss) != 1 {
				t.Fatalf("searches = %d", len(ss))
			}
			if got := dumpSearch(ss[0]); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

// TestConditionPositions checks that Condition.Pos is the position of the
// condition's first character, and that the parsed Expr carries file
// positions.
func TestConditionPositions(t *testing.T) {
	tests := []struct {
		name, cond string
		want       []diag.Pos // one per condition
	}{
		{"plain", "  condition: sel\n", []diag.Pos{{File: "t.yml", Line: 6, Col: 14}}},
		{"single quoted", "  condition: 'sel'\n", []diag.Pos{{File: "t.yml", Line: 6, Col: 15}}},
		{"double quoted", "  condition: \"sel\"\n", []diag.Pos{{File: "t.yml", Line: 6, Col: 15}}},
		{"literal block", "  condition: |\n      sel\n", []diag.Pos{{File: "t.yml", Line: 7, Col: 7}}},
		{"folded block", "  condition: >-\n    sel\n", []diag.Pos{{File: "t.yml", Line: 7, Col: 5}}},
		{"list", "  condition:\n    - sel\n    -   'sel'\n",
			[]diag.Pos{{File: "t.yml", Line: 7, Col: 7}, {File: "t.yml", Line: 8, Col: 10}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			docs, dl := parse(t, rule("  sel: a\n"+tt.cond))
			if dl.HasErrors() || len(docs) != 1 {
				t.Fatalf("errors: %v", dl)
			}
			conds := docs[0].Rule.Detection.Conditions
			if len(conds) != len(tt.want) {
				t.Fatalf("conditions = %+v", conds)
			}
			for i, c := range conds {
				if c.Pos != tt.want[i] {
					t.Errorf("condition %d at %v, want %v", i, c.Pos, tt.want[i])
				}
				ref, ok := c.Expr.(*condition.Ref)
				if !ok || ref.Name != "sel" || ref.P != tt.want[i] {
					t.Errorf("condition %d expr = %#v", i, c.Expr)
				}
			}
		})
	}
}

// TestYAML11Numbers: plain scalars that YAML 1.1 (PyYAML, used by pySigma
// and rule authors' tooling) reads as text stay text, although yaml.v3
// resolves them as numbers.
func TestYAML11Numbers(t *testing.T) {
	tests := []struct {
		in   string
		kind ValueKind
		text string
	}{
		{"00000429", ValString, "00000429"},
		{"1e5", ValString, "1e5"},
		{"4688", ValInt, "4688"},
		{"-12", ValInt, "-12"},
		{"0x1F", ValInt, "31"},
		{"1.50", ValFloat, "1.5"},
		{"'4688'", ValString, "4688"},
	}
	for _, tt := range tests {
		src := "title: t\nlogsource: {product: windows}\ndetection:\n  sel:\n    F: " + tt.in + "\n  condition: sel\n"
		docs, l := parse(t, src)
		if l.HasErrors() || len(docs) != 1 {
			t.Fatalf("%s: %v", tt.in, l)
		}
		v := docs[0].Rule.Detection.Searches[0].Elems[0].Items[0].Values[0]
		if v.Kind != tt.kind || v.Text != tt.text {
			t.Errorf("%s: kind %v text %q, want %v %q", tt.in, v.Kind, v.Text, tt.kind, tt.text)
		}
	}
}

// TestLegacyCollection: Sigma v1 action documents merge as pySigma merges
// them.
func TestLegacyCollection(t *testing.T) {
	src := `action: global
title: T
logsource: {product: windows}
detection:
  sel:
    EventID: 1
  condition: sel and extra
---
logsource: {category: process_creation}
detection:
  extra: {Image: a.exe}
---
action: repeat
detection:
  extra: {Image: b.exe}
---
action: reset
---
title: Plain
logsource: {product: linux}
detection:
  s: x
  condition: s
`
	docs, l := parse(t, src)
	if l.HasErrors() || len(docs) != 3 {
		t.Fatalf("%d docs: %v", len(docs), l)
	}
	r := docs[0].Rule
	if r.Title != "T" || r.Logsource.Product != "windows" || r.Logsource.Category != "process_creation" || len(r.Detection.Searches) != 2 {
		t.Errorf("first: %+v %+v", r.Logsource, r.Detection.Searches)
	}
	if got := docs[1].Rule.Detection.Search("extra").Elems[0].Items[0].Values[0].Text; got != "b.exe" {
		t.Errorf("repeat: extra = %q", got)
	}
	if docs[2].Rule.Title != "Plain" || docs[2].Rule.Logsource.Category != "" {
		t.Errorf("after reset: %+v", docs[2].Rule.Logsource)
	}
	// Positions come from the document that wrote the value.
	if p := docs[0].Rule.Detection.Search("extra").Pos; p.Line != 11 {
		t.Errorf("merged position %v, want line 11", p)
	}
}
