package pipeline

import (
	"testing"

	"github.com/sigc-dev/sigc/ir"
)

// TestRuleConditions gates a set_state item by each rule condition and
// checks whether it ran.
func TestRuleConditions(t *testing.T) {
	r := winRule(and(m("Image", "a"), num("EventID", 1)))
	r.Custom = []ir.Attr{{Key: "team", Value: "blue"}, {Key: "score", Value: int64(7)}}
	r.Date = "2024-03-01"
	tests := []struct {
		name, conds string
		want        bool
	}{
		{"logsource match", `rule_conditions: [{type: logsource, product: windows, category: process_creation}]`, true},
		{"logsource partial", `rule_conditions: [{type: logsource, product: windows}]`, true},
		{"logsource mismatch", `rule_conditions: [{type: logsource, product: linux}]`, false},
		{"tag", `rule_conditions: [{type: tag, tag: attack.T1059}]`, true},
		{"tag missing", `rule_conditions: [{type: tag, tag: attack.t1000}]`, false},
		{"level gte", `rule_conditions: [{type: rule_attribute, attribute: level, value: medium, op: gte}]`, true},
		{"level gt critical", `rule_conditions: [{type: rule_attribute, attribute: level, value: critical, op: gt}]`, false},
		{"status lt stable", `rule_conditions: [{type: rule_attribute, attribute: status, value: stable, op: lt}]`, true},
		{"date gt", `rule_conditions: [{type: rule_attribute, attribute: date, value: "2024-01-01", op: gt}]`, true},
		{"custom eq", `rule_conditions: [{type: rule_attribute, attribute: team, value: blue}]`, true},
		{"custom numeric", `rule_conditions: [{type: rule_attribute, attribute: score, value: 10, op: lt}]`, true},
		{"custom in", `rule_conditions: [{type: rule_attribute, attribute: team, value: [red, blue], op: in}]`, true},
		{"custom not_in", `rule_conditions: [{type: rule_attribute, attribute: team, value: [red], op: not_in}]`, true},
		{"missing custom", `rule_conditions: [{type: rule_attribute, attribute: nope, value: x}]`, false},
		{"contains_field", `rule_conditions: [{type: contains_field, field: Image}]`, true},
		{"contains_field no", `rule_conditions: [{type: contains_field, field: User}]`, false},
		{"contains_detection_item", `rule_conditions: [{type: contains_detection_item, field: EventID, value: 1}]`, true},
		{"contains_detection_item typed", `rule_conditions: [{type: contains_detection_item, field: EventID, value: "1"}]`, false},
		{"is_sigma_rule", `rule_conditions: [{type: is_sigma_rule}]`, true},
		{"is_sigma_correlation_rule", `rule_conditions: [{type: is_sigma_correlation_rule}]`, false},
		{"processing_state", `rule_conditions: [{type: processing_state, key: k, val: 5, op: gte}]`, true},
		{"processing_state missing", `rule_conditions: [{type: processing_state, key: nope, val: 5, op: ne}]`, false},
		{"processing_item_applied", `rule_conditions: [{type: processing_item_applied, processing_item_id: first}]`, true},
		{"and default", "rule_conditions:\n      - {type: is_sigma_rule}\n      - {type: tag, tag: nope}", false},
		{"or", "rule_cond_op: or\n    rule_conditions:\n      - {type: is_sigma_rule}\n      - {type: tag, tag: nope}", true},
		{"not", "rule_cond_not: true\n    rule_conditions:\n      - {type: tag, tag: nope}", true},
		{"expr", "rule_cond_expr: a and not (b or c)\n    rule_conditions:\n      a: {type: is_sigma_rule}\n      b: {type: tag, tag: nope}\n      c: {type: logsource, product: linux}", true},
		{"expr false", "rule_cond_expr: not a or b\n    rule_conditions:\n      a: {type: is_sigma_rule}\n      b: {type: tag, tag: nope}", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := mustChain(t, `
transformations:
  - id: first
    type: set_state
    key: k
    val: 7
  - type: set_state
    key: hit
    val: true
    `+tc.conds)
			got, _ := c.Apply(r)
			if hit := got.State["hit"] == true; hit != tc.want {
				t.Errorf("condition = %v, want %v", hit, tc.want)
			}
		})
	}
}

// TestDetectionItemConditions drops every Match the conditions select.
func TestDetectionItemConditions(t *testing.T) {
	mk := func() *ir.Rule {
		return winRule(or(m("Image", `*\cmd.exe`), m("CommandLine", "whoami"), num("EventID", 1), null("User"), kw("key")))
	}
	tests := []struct {
		name, conds, want string
	}{
		{"match_string", `detection_item_conditions: [{type: match_string, pattern: '\*\\', cond: any}]`,
			`(or ["CommandLine" = "whoami"] ["EventID" = 1] ["User" null] [keyword "key"])`},
		{"match_string negate", `detection_item_conditions: [{type: match_string, pattern: 'who', negate: true}]`,
			`(or ["CommandLine" = "whoami"])`},
		{"match_value", `detection_item_conditions: [{type: match_value, value: 1}]`,
			`(or ["Image" = *"\\cmd.exe"] ["CommandLine" = "whoami"] ["User" null] [keyword "key"])`},
		{"is_null", `detection_item_conditions: [{type: is_null, cond: all}]`,
			`(or ["Image" = *"\\cmd.exe"] ["CommandLine" = "whoami"] ["EventID" = 1] [keyword "key"])`},
		{"contains_wildcard", `detection_item_conditions: [{type: contains_wildcard}]`,
			`(or ["CommandLine" = "whoami"] ["EventID" = 1] ["User" null] [keyword "key"])`},
		{"processing_state", `detection_item_conditions: [{type: processing_state, key: k, val: 7}]`, ``},
		{"processing_item_applied", `detection_item_conditions: [{type: processing_item_applied, processing_item_id: first}]`,
			`(or ["Image" = *"\\cmd.exe"] ["EventID" = 1] ["User" null] [keyword "key"])`},
		{"include_fields", `field_name_conditions: [{type: include_fields, fields: [Image, EventID]}]`,
			`(or ["CommandLine" = "whoami"] ["User" null] [keyword "key"])`},
		{"include_fields re", `field_name_conditions: [{type: include_fields, mode: re, fields: ['Comm', 'Us']}]`,
			`(or ["Image" = *"\\cmd.exe"] ["EventID" = 1] [keyword "key"])`},
		{"exclude_fields matches keywords", `field_name_conditions: [{type: exclude_fields, fields: [Image, EventID, User]}]`,
			`(or ["Image" = *"\\cmd.exe"] ["EventID" = 1] ["User" null])`},
		{"field processing_item_applied", `field_name_conditions: [{type: processing_item_applied, processing_item_id: first}]`,
			`(or ["Image" = *"\\cmd.exe"] ["EventID" = 1] ["User" null] [keyword "key"])`},
		{"field processing_state", `field_name_conditions: [{type: processing_state, key: k, val: 8}]`,
			`(or ["Image" = *"\\cmd.exe"] ["CommandLine" = "whoami"] ["EventID" = 1] ["User" null] [keyword "key"])`},
		{"det and field combined", "detection_item_conditions: [{type: contains_wildcard}]\n    field_name_cond_not: true\n    field_name_conditions: [{type: include_fields, fields: [CommandLine]}]",
			`(or ["CommandLine" = "whoami"] ["EventID" = 1] ["User" null] [keyword "key"])`},
		{"det expr", "detection_item_cond_expr: a or b\n    detection_item_conditions:\n      a: {type: is_null}\n      b: {type: match_value, value: 1}",
			`(or ["Image" = *"\\cmd.exe"] ["CommandLine" = "whoami"] [keyword "key"])`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := mustChain(t, `
transformations:
  - id: first
    type: field_name_mapping
    mapping: {CommandLine: CommandLine}
  - type: set_state
    key: k
    val: 7
  - type: drop_detection_item
    `+tc.conds)
			got, _ := c.Apply(mk())
			if q := queries(got); q != tc.want {
				t.Errorf("got  %s\nwant %s", q, tc.want)
			}
		})
	}
}

func TestCorrelation(t *testing.T) {
	base := winRule(m("Image", "a"))
	corr := &ir.Correlation{Meta: ir.Meta{Title: "Corr"}, Type: ir.EventCount, Rules: []any{base},
		GroupBy: []string{"User", "Host"}, Fields: []string{"User"},
		Aliases:   []ir.Alias{{Name: "u", ByRule: []ir.Attr{{Key: "r1", Value: "User"}}}},
		Condition: &ir.CorrelationCondition{Op: ir.OpGte, Value: 3, Field: []string{"Host"}}}
	c := mustChain(t, `
transformations:
  - type: field_name_mapping
    mapping: {User: [user.name, user.id], Host: host.name}
    rule_conditions: [{type: logsource, category: process_creation}]
  - type: set_custom_attribute
    attribute: seen
    value: 1
    rule_conditions: [{type: is_sigma_correlation_rule}]
  - type: add_condition
    conditions: {x: 1}
`)
	got, l := c.ApplyCorrelation(corr)
	if codes(l) != "pipeline/rule-failure" { // alias u maps to two fields
		t.Errorf("codes = %s", codes(l))
	}
	if s := ir.PrintCorrelation(got); s != `correlation "Corr"
  type: event_count
  rules: 
  group-by: user.name, user.id, host.name
  timespan:  (0s)
  condition: host.name >= 3
  alias u: r1=user.name
` {
		t.Errorf("got\n%s", s)
	}
	if _, ok := got.CustomValue("seen"); !ok {
		t.Error("set_custom_attribute gated by is_sigma_correlation_rule did not run")
	}
	if corr.GroupBy[0] != "User" || corr.Aliases[0].ByRule[0].Value != "User" {
		t.Error("input correlation modified")
	}
}

func TestUnresolved(t *testing.T) {
	r := winRule(and(m("User", "%admins%"), kw("x%y%"), m("Z", "plain")))
	l := Unresolved(r)
	want := "rule.yml:" // positions are in the rule file
	if l.Len() != 2 || codes(l) != "pipeline/placeholder,pipeline/placeholder" {
		t.Fatalf("got %s", l.Error())
	}
	items := l.Items()
	if items[0].Pos.File+":" != want || items[0].Msg != `rule "Test Rule": field User: placeholder %admins% is not resolved` ||
		items[1].Msg != `rule "Test Rule": field (keyword): placeholder %y% is not resolved` {
		t.Errorf("got %s", l.Error())
	}
}
