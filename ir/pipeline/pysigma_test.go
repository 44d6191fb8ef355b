package pipeline

import (
	"os"
	"testing"

	"github.com/sigc-dev/sigc/ir"
)

// TestPySigmaStyle loads a pipeline written in pySigma's format with
// twelve transformation types and checks each of its effects.
func TestPySigmaStyle(t *testing.T) {
	src, err := os.ReadFile("testdata/pysigma_style.yml")
	if err != nil {
		t.Fatal(err)
	}
	p, l := Parse("testdata/pysigma_style.yml", src)
	if l.Len() != 0 {
		t.Fatal(l.Error())
	}
	types := map[string]bool{}
	for _, it := range p.Items {
		types[it.Type] = true
	}
	if len(types) < 10 {
		t.Errorf("only %d transformation types", len(types))
	}
	c := Chain{p}
	r := winRule(and(
		num("EventID", 1),
		m("Image", `C:\Windows\\*`),
		m("User", "%admin_users%"),
		m("ParentUser", "%other%"),
		m("IntegrityLevel", "High"),
		m("DestinationHost", "EXAMPLE.com"),
	))
	got, l := c.Apply(r)
	if l.Len() != 0 {
		t.Fatal(l.Error())
	}
	want := `rule "Test Rule"
  status: test
  level: high
  tags: attack.execution, attack.t1059
  logsource: product=windows service=sysmon
  fields: process.executable
  state index: winlogbeat-*
  query 0: "c0"
    and
      "winlog.channel" = "Microsoft-Windows-Sysmon/Operational"
      and
        "process.executable" = "%SystemDrive%\\Windows\\"*
        or
          or
            "user.name" = "root"
            "user.id" = "root"
          or
            "user.name" = "adm"*
            "user.id" = "adm"*
        "winlog.event_data.ParentUser" = *
        "winlog.event_data.IntegrityLevel" = "S-1-16-12288"
        "winlog.event_data.DestinationHost" = "example.com"
`
	if s := ir.Print(got); s != want {
		t.Errorf("got\n%s\nwant\n%s", s, want)
	}
	q, _ := c.Postprocess(got, "a:1")
	out, _ := c.Finalize([]string{q, "(b:2)"})
	if out != "(a:1) OR (b:2)" {
		t.Errorf("output = %q", out)
	}
	info := winRule(m("Image", "x"))
	info.Level = "informational"
	if _, l := c.Apply(info); codes(l) != "pipeline/rule-failure" {
		t.Errorf("informational rule: %s", l.Error())
	}
	sec := rule(ir.Logsource{Product: "windows", Service: "security"}, num("EventID", 4624))
	got, _ = c.Apply(sec)
	if q := queries(got); q != `["winlog.event_data.EventID" = 4624]` || got.Logsource.Service != "security" {
		t.Errorf("security rule: %s %v", q, got.Logsource)
	}
}
