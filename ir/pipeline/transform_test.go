package pipeline

import (
	"testing"

	"github.com/sigc-dev/sigc/ir"
)

func TestTransformations(t *testing.T) {
	tests := []struct {
		name     string
		pipeline string
		rule     *ir.Rule
		want     string // queries, one per line
		codes    string
	}{
		{
			name: "field_name_mapping 1:1 and 1:n",
			pipeline: `
transformations:
  - id: map
    type: field_name_mapping
    mapping:
      Image: process.executable
      CommandLine: [process.command_line, process.args]`,
			rule: winRule(and(m("Image", `*\cmd.exe`), m("CommandLine", "*whoami*"), m("User", "x"))),
			want: `(and ["process.executable" = *"\\cmd.exe"] (or ["process.command_line" = *"whoami"*] ["process.args" = *"whoami"*]) ["User" = "x"])`,
		},
		{
			name: "field_name_mapping null key maps keywords",
			pipeline: `
transformations:
  - type: field_name_mapping
    mapping:
      null: Message`,
			rule: winRule(or(kw("evil"), kw("*bad"), m("Image", "x"))),
			want: `(or ["Message" = *"evil"*] ["Message" = *"bad"*] ["Image" = "x"])`,
		},
		{
			name: "field_name_mapping maps field references",
			pipeline: `
transformations:
  - type: field_name_mapping
    mapping:
      User: user.name
      TargetUser: user.target`,
			rule: winRule(ref("User", "TargetUser")),
			want: `["user.name" fieldref field(user.target)]`,
		},
		{
			name: "field_name_prefix_mapping first prefix wins",
			pipeline: `
transformations:
  - type: field_name_prefix_mapping
    mapping:
      Target: target.
      TargetObject: never.`,
			rule: winRule(and(m("TargetObject", "x"), m("Image", "y"))),
			want: `(and ["target.Object" = "x"] ["Image" = "y"])`,
		},
		{
			name: "field_name_prefix and suffix leave keywords",
			pipeline: `
transformations:
  - type: field_name_prefix
    prefix: "winlog.event_data."
  - type: field_name_suffix
    suffix: ".keyword"`,
			rule: winRule(and(m("Image", "y"), kw("k"))),
			want: `(and ["winlog.event_data.Image.keyword" = "y"] [keyword "k"])`,
		},
		{
			name: "drop_detection_item removes terms and emptied parents",
			pipeline: `
transformations:
  - type: drop_detection_item
    field_name_conditions:
      - type: include_fields
        fields: [EventID]`,
			rule: winRule(
				and(m("Image", "a"), not(or(num("EventID", 1), num("EventID", 2)))),
				and(num("EventID", 4)),
			),
			want: `(and ["Image" = "a"])`,
		},
		{
			name: "drop_detection_item of everything warns",
			pipeline: `
transformations:
  - type: drop_detection_item`,
			rule:  winRule(m("Image", "a")),
			want:  ``,
			codes: "pipeline/rule-failure",
		},
		{
			name: "add_condition prepends, lists are Or, null is keyword",
			pipeline: `
transformations:
  - id: ac
    type: add_condition
    conditions:
      EventID: [1, 2]
      null: needle
      Channel: Security`,
			rule: winRule(m("Image", "a")),
			want: `(and (and (or ["EventID" = 1] ["EventID" = 2]) [keyword "needle"] ["Channel" = "Security"]) ["Image" = "a"])`,
		},
		{
			name: "add_condition negated with template",
			pipeline: `
transformations:
  - type: add_condition
    negated: true
    template: true
    conditions:
      source: "$product-${category}-$$-$unknown"`,
			rule: winRule(m("Image", "a")),
			want: `(and (not ["source" = "windows-process_creation-$-$unknown"]) ["Image" = "a"])`,
		},
		{
			name: "add_condition null value tests null; later condition is leftmost",
			pipeline: `
transformations:
  - type: add_condition
    conditions: {first: ~}
  - type: add_condition
    conditions: {second: true}`,
			rule: winRule(m("Image", "a")),
			want: `(and ["second" = true] (and ["first" null] ["Image" = "a"]))`,
		},
		{
			name: "replace_string sees wildcards and keeps them",
			pipeline: `
transformations:
  - type: replace_string
    regex: '^\*\\(.+)$'
    replacement: '\1'`,
			rule: winRule(or(m("ParentImage", `*\cmd.exe`), m("ParentImage", `C:\x.exe`))),
			want: `(or ["ParentImage" = "cmd.exe"] ["ParentImage" = "C:\\x.exe"])`,
		},
		{
			name: "replace_string replacement is literal unless interpret_special",
			pipeline: `
transformations:
  - type: replace_string
    regex: 'a'
    replacement: '*'
    field_name_conditions: [{type: include_fields, fields: [A]}]
  - type: replace_string
    regex: 'b'
    replacement: '*'
    interpret_special: true
    field_name_conditions: [{type: include_fields, fields: [B]}]`,
			rule: winRule(and(m("A", "xay*"), m("B", "xby"))),
			want: `(and ["A" = "x*y"*] ["B" = "x"*"y"])`,
		},
		{
			name: "replace_string skip_special works on literal runs",
			pipeline: `
transformations:
  - type: replace_string
    regex: '^'
    replacement: 'P'
    skip_special: true`,
			rule: winRule(m("A", "x*y")),
			want: `["A" = "Px"*"Py"]`,
		},
		{
			name: "map_string 1:1 and 1:n",
			pipeline: `
transformations:
  - id: ms
    type: map_string
    mapping:
      High: S-1-16-12288
      System: [S-1-16-16384, SYSTEM*]`,
			rule: winRule(or(m("L", "High"), m("L", "System"), m("L", "Low"))),
			want: `(or ["L" = "S-1-16-12288"] (or ["L" = "S-1-16-16384"] ["L" = "SYSTEM"*]) ["L" = "Low"])`,
		},
		{
			name: "case lower upper snake_case",
			pipeline: `
transformations:
  - type: case
    method: lower
    field_name_conditions: [{type: include_fields, fields: [A]}]
  - type: case
    method: upper
    field_name_conditions: [{type: include_fields, fields: [B]}]
  - type: case
    method: snake_case
    field_name_conditions: [{type: include_fields, fields: [C]}]`,
			rule: winRule(and(m("A", "AbC*"), m("B", "abc"), m("C", "CamelCase Word"))),
			want: `(and ["A" = "abc"*] ["B" = "ABC"] ["C" = "camel_case_word"])`,
		},
		{
			name: "convert_type both ways, bad number is an error",
			pipeline: `
transformations:
  - type: convert_type
    target_type: str
    field_name_conditions: [{type: include_fields, fields: [N]}]
  - type: convert_type
    target_type: num
    field_name_conditions: [{type: include_fields, fields: [S, X]}]`,
			rule:  winRule(and(num("N", 4), m("S", "42"), m("X", "abc"))),
			want:  `(and ["N" = "4"] ["S" = 42] ["X" = "abc"])`,
			codes: "pipeline/rule-failure",
		},
		{
			name: "value_placeholders several values and vars of another pipeline",
			pipeline: `
vars:
  admins: [root, "adm*"]
  port: 22
transformations:
  - type: value_placeholders
    exclude: [skipme]`,
			rule: winRule(and(m("User", "%admins%"), m("X", "p%port%-%missing%"), m("Y", "%skipme%"))),
			want: `(and (or ["User" = "root"] ["User" = "adm"*]) ["X" = "p22-"%missing%] ["Y" = %skipme%])`,
		},
		{
			name: "wildcard_placeholders include",
			pipeline: `
transformations:
  - type: wildcard_placeholders
    include: [a]`,
			rule: winRule(and(m("X", "x%a%y"), m("Y", "%b%"))),
			want: `(and ["X" = "x"*"y"] ["Y" = %b%])`,
		},
		{
			name: "query_expression_placeholders",
			pipeline: `
transformations:
  - type: query_expression_placeholders
    expression: "[| inputlookup {id} | fields {field}]"
    mapping:
      admins: admins_lookup.csv`,
			rule:  winRule(or(m("User", "%admins%"), m("Host", "%hosts%"), m("Z", "x%admins%"))),
			want:  `(or ["User" = query("[| inputlookup admins_lookup.csv | fields User]")] ["Host" = query("[| inputlookup hosts | fields Host]")] ["Z" = "x"%admins%])`,
			codes: "pipeline/placeholder",
		},
		{
			name: "hashes_fields",
			pipeline: `
transformations:
  - type: hashes_fields
    valid_hash_algos: [MD5, SHA256]
    field_prefix: File`,
			rule: winRule(
				or(m("Hashes", "*MD5=0123456789abcdef0123456789abcdef*"), m("Hashes", "*IMPHASH=ffff*"),
					m("Hashes", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")),
				or(m("Hashes", "IMPHASH=1")),
			),
			want:  `(or ["FileMD5" = "0123456789abcdef0123456789abcdef"] ["FileSHA256" = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"])`,
			codes: "pipeline/rule-failure",
		},
		{
			name: "rule_failure and detection_item_failure",
			pipeline: `
transformations:
  - type: rule_failure
    message: no
    rule_conditions: [{type: tag, tag: attack.t1059}]
  - type: detection_item_failure
    message: unsupported field
    field_name_conditions: [{type: include_fields, fields: [OriginalFileName]}]`,
			rule:  winRule(or(m("Image", "a"), m("OriginalFileName", "b"))),
			want:  `(or ["Image" = "a"] ["OriginalFileName" = "b"])`,
			codes: "pipeline/rule-failure,pipeline/rule-failure",
		},
		{
			name: "strict_field_mapping_failure reports unmapped fields once",
			pipeline: `
transformations:
  - type: field_name_mapping
    mapping: {Image: image}
  - type: strict_field_mapping_failure`,
			rule:  winRule(and(m("Image", "a"), m("Other", "b"), m("Other", "c"), kw("k"))),
			want:  `(and ["image" = "a"] ["Other" = "b"] ["Other" = "c"] [keyword "k"])`,
			codes: "pipeline/unmapped",
		},
		{
			name: "nest runs its items under the outer conditions",
			pipeline: `
transformations:
  - type: nest
    rule_conditions: [{type: logsource, category: process_creation}]
    items:
      - type: field_name_prefix
        prefix: "p."
      - type: nest
        items:
          - type: field_name_suffix
            suffix: ".s"
  - type: nest
    rule_conditions: [{type: logsource, category: other}]
    items:
      - type: drop_detection_item`,
			rule: winRule(m("Image", "a")),
			want: `["p.Image.s" = "a"]`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := mustChain(t, tc.pipeline)
			before := ir.Print(tc.rule)
			got, l := c.Apply(tc.rule)
			if q := queries(got); q != tc.want {
				t.Errorf("queries:\n got %s\nwant %s", q, tc.want)
			}
			if cs := codes(l); cs != tc.codes {
				t.Errorf("codes = %q, want %q\n%s", cs, tc.codes, l.Error())
			}
			if ir.Print(tc.rule) != before {
				t.Errorf("Apply modified its input")
			}
		})
	}
}

func TestRuleLevelTransformations(t *testing.T) {
	c := mustChain(t, `
transformations:
  - type: change_logsource
    category: process
    product: linux
  - type: set_state
    key: index
    val: main
  - type: set_state
    key: n
    val: 3
  - type: set_custom_attribute
    attribute: splunk_index
    value: sec
  - type: set_field
    fields: [a, b, c]
  - type: add_field
    field: [d, a]
  - type: remove_field
    field: b
  - type: field_name_mapping
    mapping: {c: [c1, c2]}
`)
	r := winRule(m("Image", "a"))
	r.Fields = []string{"x"}
	got, l := c.Apply(r)
	if l.Len() != 0 {
		t.Fatal(l.Error())
	}
	want := `rule "Test Rule"
  status: test
  level: high
  tags: attack.execution, attack.t1059
  logsource: product=linux category=process
  fields: a, c1, c2, d
  state index: main
  state n: 3
  query 0: "c0"
    "Image" = "a"
`
	if s := ir.Print(got); s != want {
		t.Errorf("got\n%s\nwant\n%s", s, want)
	}
	if v, _ := got.CustomValue("splunk_index"); v != "sec" {
		t.Errorf("custom attribute = %v", v)
	}
	if len(r.Fields) != 1 || r.Logsource.Product != "windows" || r.State != nil || len(r.Custom) != 0 {
		t.Errorf("input rule modified: %+v", r)
	}
}

func TestAppliedIDs(t *testing.T) {
	c := mustChain(t, `
transformations:
  - id: map
    type: field_name_mapping
    mapping: {Image: image}
  - id: cond
    type: add_condition
    conditions: {EventID: 1}
  - id: never
    type: field_name_mapping
    mapping: {Nothing: x}
  - id: after
    type: field_name_suffix
    suffix: "_mapped"
    field_name_conditions: [{type: processing_item_applied, processing_item_id: map}]
  - id: ruleflag
    type: set_state
    key: saw_map
    val: yes
    rule_conditions: [{type: processing_item_applied, processing_item_id: map}]
  - id: ruleflag2
    type: set_state
    key: saw_never
    val: yes
    rule_conditions: [{type: processing_item_applied, processing_item_id: unknown}]
`)
	got, _ := c.Apply(winRule(and(m("Image", "a"), m("Other", "b"))))
	if q := queries(got); q != `(and ["EventID" = 1] (and ["image_mapped" = "a"] ["Other" = "b"]))` {
		t.Errorf("queries = %s", q)
	}
	want := [][]string{{"cond"}, {"map", "after"}, nil}
	if a := applied(got); len(a) != 3 || len(a[0]) != 1 || a[0][0] != want[0][0] || len(a[1]) != 2 || a[1][1] != "after" || len(a[2]) != 0 {
		t.Errorf("applied = %v, want %v", a, want)
	}
	if got.State["saw_map"] != "yes" || got.State["saw_never"] != nil {
		t.Errorf("state = %v", got.State)
	}
}
