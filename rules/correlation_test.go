package rules

import (
	"reflect"
	"testing"
)

// corr builds a correlation document around a correlation body (indented
// by two); the body starts on line 3.
func corr(body string) string {
	return "title: C\ncorrelation:\n" + body
}

// TestCorrelationDiagnostics checks the codes and positions of the
// correlation checks.
func TestCorrelationDiagnostics(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{"event_count", corr("  type: event_count\n  rules: [r1]\n  group-by: [a]\n  timespan: 1h\n  condition:\n    gte: 100\n"), nil},
		{"temporal without condition", corr("  type: temporal\n  rules: [r1, r2]\n  timespan: 5m\n"), nil},
		{"value_median", corr("  type: value_median\n  rules: r1\n  timespan: 1d\n  condition: {field: x, lt: 1.5}\n"), nil},
		{"not a map", corr("  - a\n"), []string{"3:3 E correlation/shape"}},
		{"missing everything", corr("  generate: true\n"),
			[]string{"2:1 E rule/missing-field", "2:1 E rule/missing-field", "2:1 E rule/missing-field"}},
		{"bad type", corr("  type: event_sum\n  rules: [r1]\n  timespan: 1h\n"), []string{"3:9 E correlation/type"}},
		{"rules empty", corr("  type: temporal\n  rules: []\n  timespan: 1h\n"), []string{"4:10 E correlation/shape"}},
		{"rules dup and type", corr("  type: temporal\n  rules: [a, 1, a]\n  timespan: 1h\n"),
			[]string{"4:14 E correlation/shape", "4:17 E rule/duplicate-item"}},
		{"timespan", corr("  type: temporal\n  rules: [a]\n  timespan: 1 hour\n"), []string{"5:13 E correlation/timespan"}},
		{"timespan number", corr("  type: temporal\n  rules: [a]\n  timespan: 10\n"), []string{"5:13 E correlation/timespan"}},
		{"timespan units", corr("  type: temporal\n  rules: [a]\n  timespan: 2w\n"), nil},
		{"missing condition", corr("  type: event_count\n  rules: [a]\n  timespan: 1h\n"), []string{"2:1 E rule/missing-field"}},
		{"no operator", corr("  type: event_count\n  rules: [a]\n  timespan: 1h\n  condition: {}\n"), []string{"6:14 E correlation/shape"}},
		{"two operators", corr("  type: event_count\n  rules: [a]\n  timespan: 1h\n  condition:\n    gt: 1\n    lte: 5\n"),
			[]string{"8:5 E correlation/shape"}},
		{"operator value", corr("  type: event_count\n  rules: [a]\n  timespan: 1h\n  condition: {gt: many}\n"), []string{"6:19 E correlation/shape"}},
		{"value field missing", corr("  type: value_count\n  rules: [a]\n  timespan: 1h\n  condition: {gt: 1}\n"), []string{"6:14 E correlation/shape"}},
		{"event_count with field", corr("  type: event_count\n  rules: [a]\n  timespan: 1h\n  condition: {gt: 1, field: x}\n"),
			[]string{"6:22 E correlation/shape"}},
		{"percentile elsewhere", corr("  type: value_sum\n  rules: [a]\n  timespan: 1h\n  condition: {gt: 1, field: x, percentile: 50}\n"),
			[]string{"6:32 E correlation/shape"}},
		{"percentile range", corr("  type: value_percentile\n  rules: [a]\n  timespan: 1h\n  condition: {gt: 1, field: x, percentile: 150}\n"),
			[]string{"6:44 E correlation/shape"}},
		{"unknown condition key", corr("  type: event_count\n  rules: [a]\n  timespan: 1h\n  condition: {gt: 1, over: 2}\n"),
			[]string{"6:22 E correlation/shape"}},
		{"string condition for event_count", corr("  type: event_count\n  rules: [a]\n  timespan: 1h\n  condition: a and b\n"),
			[]string{"6:14 E correlation/shape"}},
		{"aliases", corr("  type: temporal\n  rules: [a, b]\n  timespan: 1h\n  group-by: [ip]\n  aliases:\n    ip:\n      a: src\n      b: [dst]\n"),
			[]string{"10:10 E correlation/shape"}},
		{"aliases not a map", corr("  type: temporal\n  rules: [a]\n  timespan: 1h\n  aliases: [x]\n"), []string{"6:12 E correlation/shape"}},
		{"generate type", corr("  type: temporal\n  rules: [a]\n  timespan: 1h\n  generate: yes\n"), []string{"6:13 E rule/field-type"}},
		{"unknown key", corr("  type: temporal\n  rules: [a]\n  timespan: 1h\n  window: 5\n"), []string{"6:3 W rule/unknown-field"}},
		{"group-by string", corr("  type: temporal\n  rules: [a]\n  timespan: 1h\n  group-by: User\n"), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkDiags(t, tt.src, tt.want...)
		})
	}
}

// TestCorrelationValues checks the converted correlation, in a
// multi-document file with the rules it references.
func TestCorrelationValues(t *testing.T) {
	src := `title: Brute force then success
id: b180ead8-d58f-40b2-ae54-c8940995b9b6
level: high
generate: true
correlation:
  type: Temporal_Ordered
  rules:
    - failed
    - success
  group-by: [User]
  timespan: 10m
  condition: failed and success
  aliases:
    user:
      failed: TargetUserName
      success: User
---
title: Failed
name: failed
logsource: {product: windows, service: security}
detection:
  sel: {EventID: 4625}
  condition: sel
---
title: Success
name: success
logsource: {product: windows, service: security}
detection:
  sel: {EventID: 4624}
  condition: sel
---
title: Many failed
correlation:
  type: value_percentile
  rules: failed
  timespan: 1d
  condition:
    field: [a, b]
    percentile: 95
    gte: 3
`
	docs, dl := parse(t, src)
	if dl.Len() != 0 {
		t.Fatalf("diagnostics: %v", dl)
	}
	var kinds []Kind
	for _, d := range docs {
		kinds = append(kinds, d.Kind)
	}
	if !reflect.DeepEqual(kinds, []Kind{KindCorrelation, KindRule, KindRule, KindCorrelation}) {
		t.Fatalf("kinds = %v", kinds)
	}
	if docs[1].Index != 1 || docs[3].Index != 3 || docs[1].Pos.Line != 18 {
		t.Errorf("index/pos = %d %d %v", docs[1].Index, docs[3].Index, docs[1].Pos)
	}
	c := docs[0].Correlation
	if c.Type != "temporal_ordered" || c.Timespan != "10m" || !c.Generate || c.Level != "high" ||
		!reflect.DeepEqual(c.GroupBy, []string{"User"}) || c.Condition != nil {
		t.Errorf("correlation = %+v", c)
	}
	if len(c.Rules) != 2 || c.Rules[0].Name != "failed" || c.Rules[1].Pos.Line != 9 || c.Rules[1].Pos.Col != 7 {
		t.Errorf("rules = %+v", c.Rules)
	}
	if c.Extended != "failed and success" || c.ExtendedPos.Line != 12 || c.ExtendedPos.Col != 14 {
		t.Errorf("extended = %q at %v", c.Extended, c.ExtendedPos)
	}
	if len(c.Aliases) != 1 || c.Aliases[0].Name != "user" || len(c.Aliases[0].ByRule) != 2 ||
		c.Aliases[0].ByRule[1].Key != "success" || c.Aliases[0].ByRule[1].Value != "User" {
		t.Errorf("aliases = %+v", c.Aliases)
	}
	p := docs[3].Correlation
	want := &CorrelationCondition{Op: "gte", Value: 3, Field: []string{"a", "b"}, Percentile: 95, HasPct: true}
	if p.Condition == nil {
		t.Fatal("no condition")
	}
	want.Pos = p.Condition.Pos
	if !reflect.DeepEqual(p.Condition, want) || len(p.Rules) != 1 || p.Rules[0].Name != "failed" {
		t.Errorf("condition = %+v, rules = %+v", p.Condition, p.Rules)
	}
}

// TestFilter checks meta filters.
func TestFilter(t *testing.T) {
	head := "title: F\nlogsource:\n  product: windows\nfilter:\n"
	tests := []struct {
		name string
		body string
		want []string
		any  bool
		refs int
	}{
		{"ok", "  rules: [a, b]\n  sel: {User: adm}\n  condition: not sel\n", nil, false, 2},
		{"any", "  rules: any\n  sel: {User: adm}\n  condition: not sel\n", nil, true, 0},
		{"empty list is any", "  rules: []\n  sel: {User: adm}\n  condition: not sel\n", nil, true, 0},
		{"single string", "  rules: a\n  sel: {User: adm}\n  condition: not sel\n", nil, false, 1},
		{"missing rules", "  sel: {User: adm}\n  condition: not sel\n", []string{"4:1 E rule/missing-field"}, false, 0},
		{"bad rules entry", "  rules: [{a: b}]\n  sel: {User: adm}\n  condition: not sel\n", []string{"5:11 E filter/shape"}, false, 0},
		{"condition list", "  rules: [a]\n  sel: {User: adm}\n  condition: [not sel]\n", []string{"7:14 E filter/shape"}, false, 1},
		{"no condition", "  rules: [a]\n  sel: {User: adm}\n", []string{"4:1 E detection/no-condition"}, false, 1},
		{"undefined", "  rules: [a]\n  sel: {User: adm}\n  condition: not other\n", []string{"6:3 W cond/unused-search", "7:18 E cond/undefined"}, false, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			docs := checkDiags(t, head+tt.body, tt.want...)
			if len(docs) != 1 || docs[0].Filter == nil {
				t.Fatalf("docs = %v", docs)
			}
			f := docs[0].Filter
			if f.Any != tt.any || len(f.Rules) != tt.refs {
				t.Errorf("any = %v, rules = %+v", f.Any, f.Rules)
			}
			if f.Logsource.Product != "windows" || len(f.Detection.Searches) != 1 || f.Detection.Search("sel") == nil {
				t.Errorf("filter = %+v", f)
			}
		})
	}
	checkDiags(t, "title: F\nfilter:\n  rules: any\n  sel: a\n  condition: sel\n", "1:1 E rule/missing-field")
}
