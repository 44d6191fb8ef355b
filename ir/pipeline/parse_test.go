package pipeline

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/sigc-dev/sigc/ir"
	"github.com/sigc-dev/sigc/ir/diag"
)

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, src string
		want      string // "line:col code" per diagnostic
	}{
		{"yaml syntax", "name: [x\n", "1:0 pipeline/syntax"},
		{"empty", "", "1:1 pipeline/syntax"},
		{"not a mapping", "- a\n", "1:1 pipeline/syntax"},
		{"unknown top key", "name: x\ndescription: y\n", "2:1 pipeline/syntax"},
		{"duplicate key", "name: x\nname: y\n", "2:1 pipeline/syntax"},
		{"bad priority", "priority: high\n", "1:11 pipeline/param"},
		{"transformations not a list", "transformations: {a: b}\n", "1:18 pipeline/syntax"},
		{"unknown type", "transformations:\n  - type: field_rename\n", "2:5 pipeline/unknown-type"},
		{"missing type", "transformations:\n  - id: x\n", "2:5 pipeline/param"},
		{"unknown param", "transformations:\n  - type: drop_detection_item\n    field: x\n", "3:5 pipeline/param"},
		{"missing param", "transformations:\n  - type: field_name_prefix\n", "2:5 pipeline/param"},
		{"bad regex", "transformations:\n  - type: replace_string\n    regex: '('\n", "3:5 pipeline/param"},
		{"bad enum", "transformations:\n  - type: case\n    method: title\n", "3:5 pipeline/param"},
		{"unknown rule condition", "transformations:\n  - type: drop_detection_item\n    rule_conditions:\n      - type: weekday\n", "4:9 pipeline/unknown-type"},
		{"unknown condition param", "transformations:\n  - type: drop_detection_item\n    rule_conditions:\n      - type: tag\n        tag: a\n        x: 1\n", "6:9 pipeline/param"},
		{"detection conditions on rule transformation", "transformations:\n  - type: set_state\n    key: a\n    val: b\n    detection_item_conditions: [{type: is_null}]\n", "2:5 pipeline/param"},
		{"expr undefined", "transformations:\n  - type: drop_detection_item\n    rule_cond_expr: a and b\n    rule_conditions:\n      a: {type: is_sigma_rule}\n", "3:21 pipeline/param"},
		{"expr syntax", "transformations:\n  - type: drop_detection_item\n    rule_cond_expr: a and\n    rule_conditions:\n      a: {type: is_sigma_rule}\n", "3:21 pipeline/param"},
		{"expr with list", "transformations:\n  - type: drop_detection_item\n    rule_cond_expr: a\n    rule_conditions: [{type: is_sigma_rule}]\n", "4:22 pipeline/param"},
		{"expr with op", "transformations:\n  - type: drop_detection_item\n    rule_cond_expr: a\n    rule_cond_op: or\n    rule_conditions:\n      a: {type: is_sigma_rule}\n", "3:21 pipeline/param"},
		{"conditions as mapping without expr", "transformations:\n  - type: drop_detection_item\n    rule_conditions:\n      a: {type: is_sigma_rule}\n", "4:7 pipeline/param"},
		{"include and exclude", "transformations:\n  - type: wildcard_placeholders\n    include: [a]\n    exclude: [b]\n", "4:5 pipeline/param"},
		{"bad field regex", "transformations:\n  - type: drop_detection_item\n    field_name_conditions: [{type: include_fields, mode: re, fields: ['[']}]\n", "3:62 pipeline/param"},
		{"vars map", "vars:\n  a: {b: c}\n", "2:6 pipeline/param"},
		{"unknown postprocessing", "postprocessing:\n  - type: jinja\n", "2:5 pipeline/unknown-type"},
		{"bad template", "postprocessing:\n  - type: simple_template\n    template: '{nope}'\n", "3:5 pipeline/param"},
		{"unknown finalizer", "finalizers:\n  - type: xml\n", "2:5 pipeline/unknown-type"},
		{"nest too deep", "transformations:\n" + strings.Repeat("  ", 0) + nested(10), "pipeline/param"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, l := Parse("p.yml", []byte(tc.src))
			var got []string
			for _, d := range l.Items() {
				if d.Severity != diag.Error {
					continue
				}
				if d.Pos.File != "p.yml" {
					t.Errorf("diagnostic in file %q", d.Pos.File)
				}
				got = append(got, strings.TrimSpace(strings.Join([]string{posLC(d.Pos), string(d.Code)}, " ")))
			}
			g := strings.Join(got, "; ")
			if strings.HasPrefix(tc.want, "pipeline/") {
				if !strings.Contains(g, tc.want) {
					t.Errorf("got %q, want a %s", g, tc.want)
				}
				return
			}
			if g != tc.want {
				t.Errorf("got  %q\nwant %q\n%s", g, tc.want, l.Error())
			}
		})
	}
}

func posLC(p diag.Pos) string {
	return strings.TrimPrefix(p.String(), p.File+":") + strings.Repeat(":0", boolInt(p.Col == 0))
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// nested returns a transformation list with n levels of nest.
func nested(n int) string {
	var b strings.Builder
	ind := "  "
	for i := 0; i < n; i++ {
		b.WriteString(ind + "- type: nest\n" + ind + "  items:\n")
		ind += "    "
	}
	b.WriteString(ind + "- type: drop_detection_item\n")
	return b.String()
}

func TestParseMetadata(t *testing.T) {
	p, l := Parse("p.yml", []byte(`# My pipeline: does things.
# second line
name: mine
priority: 30
allowed_backends: [splunk, kql]
vars:
  a: x
  b: [1, 2.5, true]
transformations: []
postprocessing:
finalizers: []
`))
	if l.Len() != 0 {
		t.Fatal(l.Error())
	}
	if p.Name != "mine" || p.Priority != 30 || p.Description != "My pipeline: does things." ||
		strings.Join(p.AllowedBackends, ",") != "splunk,kql" || len(p.Vars["a"]) != 1 || p.Vars["b"][1] != 2.5 || p.Vars["b"][2] != true {
		t.Errorf("got %+v", p)
	}
	if p.Vars["b"][0] != int64(1) {
		t.Errorf("int var = %T", p.Vars["b"][0])
	}
}

func TestExprUnusedWarns(t *testing.T) {
	_, l := Parse("p.yml", []byte("transformations:\n  - type: drop_detection_item\n    rule_cond_expr: a\n    rule_conditions:\n      a: {type: is_sigma_rule}\n      b: {type: is_sigma_rule}\n"))
	if l.HasErrors() || codes(l) != "pipeline/param" {
		t.Errorf("got %s", l.Error())
	}
}

func TestPostprocessAndFinalize(t *testing.T) {
	c := mustChain(t, `
name: post
postprocessing:
  - type: embed
    prefix: "("
    suffix: ")"
  - type: replace
    pattern: 'a(b)'
    replacement: 'x\1'
  - type: simple_template
    template: "{{{rule.title}}} [{rule.level}/{rule.team}] {query} by {pipeline.name}"
  - type: nest
    rule_conditions: [{type: tag, tag: nope}]
    items:
      - type: embed
        prefix: NEVER
  - type: json
    json_template: '{"q": "%QUERY%"}'
finalizers:
  - type: concat
    separator: " | "
    prefix: "["
    suffix: "]"
`)
	r := winRule(m("Image", "a"))
	r.Custom = []ir.Attr{{Key: "team", Value: "blue"}}
	got, l := c.Postprocess(r, `ab "c"`)
	if l.Len() != 0 {
		t.Fatal(l.Error())
	}
	want := `{"q": "{Test Rule} [high/blue] (xb \"c\") by post"}`
	if got != want {
		t.Errorf("postprocess:\n got %s\nwant %s", got, want)
	}
	out, _ := c.Finalize([]string{"q1", "q2"})
	if out != "[q1 | q2]" {
		t.Errorf("finalize = %q", out)
	}
	tests := []struct{ src, want string }{
		{"finalizers: [{type: json}]", `["q1","q2"]`},
		{"finalizers: [{type: json, indent: 1}]", "[\n \"q1\",\n \"q2\"\n]"},
		{"finalizers: [{type: yaml}]", "- q1\n- q2\n"},
		{"finalizers: [{type: concat}, {type: json}]", `["q1\nq2"]`},
		{"name: none", "q1\nq2"},
	}
	for _, tc := range tests {
		out, _ := mustChain(t, tc.src).Finalize([]string{"q1", "q2"})
		if out != tc.want {
			t.Errorf("%s: got %q, want %q", tc.src, out, tc.want)
		}
	}
}

func TestBuiltins(t *testing.T) {
	cat, l := loadBuiltins()
	if l.Len() != 0 {
		t.Fatalf("built-in pipelines do not parse cleanly:\n%s", l.Error())
	}
	for _, name := range []string{"sysmon", "windows-audit", "windows-logsources"} {
		p, ok := cat.Lookup(name)
		if !ok {
			t.Fatalf("built-in %s missing (have %v)", name, cat.Names())
		}
		if p.Description == "" || p.Name != name || !p.Builtin || p.Source != "builtin:"+name {
			t.Errorf("%s: %+v", name, p)
		}
	}
	sysmon, _ := cat.Lookup("sysmon")
	audit, _ := cat.Lookup("windows-audit")
	logs, _ := cat.Lookup("windows-logsources")
	tests := []struct {
		name   string
		p      *Pipeline
		ls     ir.Logsource
		x      ir.Expr
		want   string
		wantLS string
		codes  string
	}{
		{"sysmon process_creation", sysmon, ir.Logsource{Product: "windows", Category: "process_creation"}, m("Image", "a"),
			`(and (and ["EventID" = 1] ["Channel" = "Microsoft-Windows-Sysmon/Operational"]) ["Image" = "a"])`, "product=windows service=sysmon", ""},
		{"sysmon registry_delete", sysmon, ir.Logsource{Product: "windows", Category: "registry_delete"}, m("TargetObject", "a"),
			`(and (and ["EventID" = 12] (or ["EventType" = "DeleteKey"] ["EventType" = "DeleteValue"]) ["Channel" = "Microsoft-Windows-Sysmon/Operational"]) ["TargetObject" = "a"])`, "product=windows service=sysmon", ""},
		{"sysmon service", sysmon, ir.Logsource{Product: "windows", Service: "sysmon"}, num("EventID", 255),
			`(and ["Channel" = "Microsoft-Windows-Sysmon/Operational"] ["EventID" = 255])`, "product=windows service=sysmon", ""},
		{"sysmon leaves linux alone", sysmon, ir.Logsource{Product: "linux", Category: "process_creation"}, m("Image", "a"),
			`["Image" = "a"]`, "product=linux category=process_creation", ""},
		{"audit process_creation", audit, ir.Logsource{Product: "windows", Category: "process_creation"},
			and(m("Image", "a"), m("ParentImage", "b"), m("IntegrityLevel", "High")),
			`(and (and ["EventID" = 4688] ["Channel" = "Security"]) (and ["NewProcessName" = "a"] ["ParentProcessName" = "b"] ["MandatoryLabel" = "S-1-16-12288"]))`, "product=windows service=security", ""},
		{"audit refuses OriginalFileName", audit, ir.Logsource{Product: "windows", Category: "process_creation"},
			or(m("Image", "a"), m("OriginalFileName", "b")), "", "", "pipeline/rule-failure"},
		{"logsources service", logs, ir.Logsource{Product: "windows", Service: "powershell"}, m("x", "a"),
			`(and (or ["Channel" = "Microsoft-Windows-PowerShell/Operational"] ["Channel" = "PowerShellCore/Operational"]) ["x" = "a"])`, "product=windows service=powershell", ""},
		{"logsources category", logs, ir.Logsource{Product: "windows", Category: "ps_script"}, m("x", "a"),
			`(and (and (or ["Channel" = "Microsoft-Windows-PowerShell/Operational"] ["Channel" = "PowerShellCore/Operational"]) ["EventID" = 4104]) ["x" = "a"])`, "product=windows category=ps_script", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, l := Chain{tc.p}.Apply(rule(tc.ls, tc.x))
			if codes(l) != tc.codes {
				t.Fatalf("codes = %q, want %q\n%s", codes(l), tc.codes, l.Error())
			}
			if tc.codes != "" {
				return
			}
			if q := queries(got); q != tc.want {
				t.Errorf("got  %s\nwant %s", q, tc.want)
			}
			if ls := ir.FormatLogsource(got.Logsource); ls != tc.wantLS {
				t.Errorf("logsource %s, want %s", ls, tc.wantLS)
			}
		})
	}
}

func TestResolve(t *testing.T) {
	dir := t.TempDir()
	write := func(name, src string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(src), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o700); err != nil {
		t.Fatal(err)
	}
	a := write("a.yml", "name: a\npriority: 20\n")
	b := write("b.yml", "name: b\npriority: 10\n")
	write("sub/c.yml", "name: c\npriority: 20\n")
	write("sub/d.yml", "name: d\npriority: 5\n")
	bad := write("bad.yml", "name: [\n")
	cat := MapCatalog{"builtin1": {Name: "builtin1", Priority: 20}}
	ps, l := Resolve([]string{a, sub, "builtin1", b}, cat)
	if l.Len() != 0 {
		t.Fatal(l.Error())
	}
	var names []string
	for _, p := range ps {
		names = append(names, p.Name)
	}
	// (priority, spec): d(5) b(10) then prio 20 sorted by spec string.
	want := []string{"d", "b"}
	byspec := map[string]string{a: "a", "builtin1": "builtin1", filepath.Join(sub, "c.yml"): "c"}
	specs := []string{a, "builtin1", filepath.Join(sub, "c.yml")}
	sort.Strings(specs)
	for _, s := range specs {
		want = append(want, byspec[s])
	}
	if strings.Join(names, ",") != strings.Join(want, ",") {
		t.Errorf("order = %v, want %v", names, want)
	}
	_, l = Resolve([]string{"nope", bad, t.TempDir()}, cat)
	if got := codes(l); got != "pipeline/unknown,pipeline/syntax,pipeline/unknown" && got != "pipeline/syntax,pipeline/unknown,pipeline/unknown" {
		t.Errorf("codes = %s\n%s", got, l.Error())
	}
}

func TestCheckBackend(t *testing.T) {
	c := Chain{
		{Name: "named", Builtin: true, AllowedBackends: []string{"splunk"}, Source: "builtin:named"},
		{Name: "file", AllowedBackends: []string{"splunk"}, Source: "f.yml"},
	}
	if l := c.CheckBackend("splunk"); l.Len() != 0 {
		t.Error(l.Error())
	}
	if l := c.CheckBackend("kql"); codes(l) != "pipeline/wrong-backend" {
		t.Errorf("got %s", l.Error())
	}
	chain := NewChain([]*Pipeline{{Name: "base", Vars: map[string][]any{"a": {1}, "b": {1}}}},
		[]*Pipeline{{Name: "user", Vars: map[string][]any{"a": {2}}}}, nil)
	if v := chain.Vars(); v["a"][0] != 2 || v["b"][0] != 1 || len(chain) != 2 {
		t.Errorf("vars = %v", v)
	}
}
