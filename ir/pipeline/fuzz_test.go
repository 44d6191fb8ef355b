package pipeline

import (
	"testing"

	"github.com/sigc-dev/sigc/ir"
)

// FuzzParse feeds arbitrary bytes to Parse; whatever parses without errors
// is applied to a small rule. Neither may panic, and every diagnostic must
// name the file.
func FuzzParse(f *testing.F) {
	// Seeds stay small: the fuzzer minimises every new input, and
	// minimising a whole pipeline file stalls it for minutes.
	f.Add([]byte("transformations:\n  - type: replace_string\n    regex: 'a(b)'\n    replacement: '\\1*'\n    field_name_conditions: [{type: include_fields, mode: re, fields: [I]}]\n"))
	f.Add([]byte("transformations:\n  - type: add_condition\n    template: true\n    negated: true\n    conditions: {x: [$category, 1, ~]}\n  - type: hashes_fields\n    valid_hash_algos: [MD5]\n"))
	f.Add([]byte("postprocessing:\n  - type: simple_template\n    template: '{{{query}}} {rule.title}'\nfinalizers: [{type: yaml, indent: 3}]\n"))
	f.Add([]byte("transformations:\n  - type: nest\n    items:\n      - type: field_name_mapping\n        mapping: {a: [b, c], ~: k}\n"))
	f.Add([]byte("a: &x [*x]\n"))
	f.Add([]byte("vars: {a: &a [1, 2]}\ntransformations:\n  - type: value_placeholders\n    rule_cond_expr: not (x or x)\n    rule_conditions: {x: {type: is_sigma_rule}}\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		p, l := Parse("f.yml", src)
		for _, d := range l.Items() {
			if d.Pos.File != "f.yml" {
				t.Fatalf("diagnostic without the file: %v", d)
			}
		}
		if p == nil || l.HasErrors() {
			return
		}
		r := winRule(and(m("Image", `*\a%x%`), kw("k"), num("EventID", 1), ref("A", "B")))
		c := Chain{p}
		got, _ := c.Apply(r)
		q, _ := c.Postprocess(got, "q")
		c.Finalize([]string{q})
		c.ApplyCorrelation(&ir.Correlation{Rules: []any{r}, GroupBy: []string{"Image"}})
	})
}

func TestRenderRoundTrip(t *testing.T) {
	for _, s := range []string{`C:\Windows\*`, `C:\Windows\\*`, `a\\\*b`, `*\cmd.exe`, `50\%`, `%p%x`, `a?b\?`, `trail\`, `\\\\server`} {
		p := ir.ParseSigmaString(s, true)
		if back := ir.ParseSigmaString(render(p), true); !back.Equal(p) {
			t.Errorf("%s: render %q parses to %s, want %s", s, render(p), ir.FormatPattern(back), ir.FormatPattern(p))
		}
	}
	if got := render(ir.ParseSigmaString(`*\cmd.exe`, false)); got != `*\cmd.exe` {
		t.Errorf("render = %q", got)
	}
}
