package rules

import (
	"reflect"
	"strings"
	"testing"
)

// TestMetaDiagnostics checks the codes and positions of the attribute
// checks common to every document type.
func TestMetaDiagnostics(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{"valid", okRule, nil},
		{"missing title", "logsource: {product: x}\ndetection: {sel: a, condition: sel}\n",
			[]string{"1:1 E rule/missing-field"}},
		{"title not a string", "title: [a]\n" + okRule[len("title: T\n"):],
			[]string{"1:8 E rule/field-type"}},
		{"title null", "title:\n" + okRule[len("title: T\n"):],
			[]string{"1:7 E rule/empty-value"}},
		{"title too long", "title: " + strings.Repeat("x", 257) + "\n" + okRule[len("title: T\n"):],
			[]string{"1:8 E rule/too-long"}},
		{"bad id", okRule + "id: 1234\n", []string{"8:5 E rule/field-type"}},
		{"id not uuid", okRule + "id: not-a-uuid\n", []string{"8:5 E rule/invalid-id"}},
		{"id upper-case uuid", okRule + "id: 929A690E-BEF0-4204-A928-EF5E620D6FCC\n", nil},
		{"empty name", okRule + "name: ''\n", []string{"8:7 E rule/empty-value"}},
		{"status", okRule + "status: Stable\n", nil},
		{"bad status", okRule + "status: done\n", []string{"8:9 E rule/invalid-status"}},
		{"bad level", okRule + "level: severe\n", []string{"8:8 E rule/invalid-level"}},
		{"date ok", okRule + "date: 2024-02-29\nmodified: '2024-03-01'\n", nil},
		{"date not a day", okRule + "date: 2023-02-29\n", []string{"8:7 E rule/invalid-date"}},
		{"date legacy slash", okRule + "date: 2020/10/05\n", []string{"8:7 W rule/invalid-date"}},
		{"date garbage", okRule + "date: yesterday\n", []string{"8:7 E rule/invalid-date"}},
		{"date with time", okRule + "date: 2020-10-05 10:00:00\n", []string{"8:7 E rule/invalid-date"}},
		{"date number", okRule + "date: 20201005\n", []string{"8:7 E rule/field-type"}},
		{"tags", okRule + "tags:\n  - attack.t1059.001\n  - Attack.T1059\n  - nodot\n  - attack.t1059.001\n",
			[]string{"10:5 E rule/invalid-tag", "11:5 E rule/invalid-tag", "12:5 W rule/duplicate-item"}},
		{"tags scalar", okRule + "tags: attack.t1\n", []string{"8:7 E rule/field-type"}},
		{"tags element type", okRule + "tags: [1]\n", []string{"8:8 E rule/field-type"}},
		{"references dup", okRule + "references:\n  - https://a\n  - https://a\n", []string{"10:5 W rule/duplicate-item"}},
		{"falsepositives string", okRule + "falsepositives: Unknown\n", []string{"8:17 W rule/field-type"}},
		{"falsepositives null", okRule + "falsepositives:\n", []string{"8:16 W rule/empty-value"}},
		{"fields dup", okRule + "fields: [a, b, a]\n", []string{"8:16 W rule/duplicate-item"}},
		{"description long", okRule + "description: " + strings.Repeat("x", 65536) + "\n", []string{"8:14 E rule/too-long"}},
		{"control character", okRule + "description: a\x01b\n", []string{"8:15 E yaml/syntax"}},
		{"related ok", okRule + "related:\n  - id: 929a690e-bef0-4204-a928-ef5e620d6fcc\n    type: Derived\n", nil},
		{"related bad", okRule + "related:\n  - id: x\n    type: cousin\n  - type: similar\n  - foo\n",
			[]string{"9:9 E rule/invalid-related", "10:11 E rule/invalid-related", "11:5 E rule/invalid-related", "12:5 E rule/invalid-related"}},
		{"related not list", okRule + "related: {id: x}\n", []string{"8:10 E rule/field-type"}},
		{"custom attributes", okRule + "simulation:\n  - type: atomic-red-team\nregression_tests_path: a/b\n", nil},
		{"duplicate top-level key", okRule + "title: U\n", []string{"8:1 E yaml/duplicate-key"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkDiags(t, tt.src, tt.want...)
		})
	}
}

// TestMetaValues checks what the attributes convert to.
func TestMetaValues(t *testing.T) {
	src := `title: Some Title
id: 929a690e-bef0-4204-a928-ef5e620d6fcc
name: some_name
status: Test
level: HIGH
description: |
  line 1
  line 2
author: A, B
license: DRL
taxonomy: sigma
date: 2020/1/5
modified: 2021-02-03
references: [https://a, https://b]
tags: [attack.execution, attack.t1059]
falsepositives: Admins
scope: [server]
fields: [CommandLine]
related:
  - id: 0e95725d-7320-415d-80f7-004da920fc11
    type: Obsolete
logsource:
  product: windows
  service: security
  definition: audit policy
  custom_key: v
detection:
  sel: {EventID: 1}
  condition: sel
simulation:
  - a: 1
    b: [true, null, 1.5, x]
`
	docs, _ := parse(t, src)
	if len(docs) != 1 || docs[0].Rule == nil {
		t.Fatalf("docs = %v", docs)
	}
	r := docs[0].Rule
	m := r.Meta
	got := []any{m.Title, m.ID, m.Name, m.Status, m.Level, m.Description, m.Author, m.License, m.Taxonomy,
		m.Date, m.Modified, m.References, m.Tags, m.Falsepositives, m.Scope, m.Fields}
	want := []any{"Some Title", "929a690e-bef0-4204-a928-ef5e620d6fcc", "some_name", "test", "high", "line 1\nline 2\n",
		"A, B", "DRL", "sigma", "2020-01-05", "2021-02-03", []string{"https://a", "https://b"},
		[]string{"attack.execution", "attack.t1059"}, []string{"Admins"}, []string{"server"}, []string{"CommandLine"}}
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("field %d = %#v, want %#v", i, got[i], want[i])
		}
	}
	if len(m.Related) != 1 || m.Related[0].Type != "obsolete" || m.Related[0].Pos.Line != 20 {
		t.Errorf("related = %+v", m.Related)
	}
	wantCustom := []Attr{{Key: "simulation", Value: []any{map[string]any{"a": int64(1), "b": []any{true, nil, 1.5, "x"}}}}}
	if len(m.Custom) != 1 || m.Custom[0].Key != wantCustom[0].Key || !reflect.DeepEqual(m.Custom[0].Value, wantCustom[0].Value) {
		t.Errorf("custom = %#v", m.Custom)
	}
	if p := m.Positions["level"]; p.Line != 5 || p.Col != 8 {
		t.Errorf("level position = %v", p)
	}
	if p := m.At("detection", docs[0].Pos); p.Line != 28 || p.Col != 3 {
		t.Errorf("detection position = %v", p)
	}
	ls := r.Logsource
	if ls.Product != "windows" || ls.Service != "security" || ls.Definition != "audit policy" ||
		len(ls.Custom) != 1 || ls.Custom[0].Key != "custom_key" || ls.Custom[0].Value != "v" {
		t.Errorf("logsource = %+v", ls)
	}
}
