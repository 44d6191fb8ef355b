package native

import (
	"strings"
	"testing"

	"github.com/sigc-dev/sigc/backends"
	"github.com/sigc-dev/sigc/ir"
	"github.com/sigc-dev/sigc/ir/diag"
)

var (
	_ backends.Backend          = (*Backend)(nil)
	_ backends.PipelineProvider = (*Backend)(nil)
)

// TestBackendPlan checks the plan dump of a rule that uses most node and
// predicate kinds, line by line.
func TestBackendPlan(t *testing.T) {
	r := rule("plan",
		and(str("Channel", "Security"), num("EventID", 4688),
			or(str("Image", `*\Calc.exe`), str("Image", `*\notepad.exe`)),
			or(str("CommandLine", "*-enc*"), str("CommandLine", "a"), str("CommandLine", "b"), str("CommandLine", "c"), str("CommandLine", "d")),
			not(or(re("User", `^sys.*m$`, "i"), cidr("Ip", "10.0.0.0/8"), exists("X"), fref("A", "B", true, false))),
			str("", "*mimikatz*")))
	r.Queries[0].Condition = "sel and not filter"
	out, d := NewBackend().Convert(r, backends.Options{})
	if d.HasErrors() {
		t.Fatal(d)
	}
	want := `rule "plan"
  route Channel in {"security"}
  route EventID in {"4688"}
  index 0: Image suffix "\\calc.exe" | Image suffix "\\notepad.exe"
  index 1: <keyword> contains "mimikatz"
  query 0 "sel and not filter"
    and
      field Channel: exact "security"
      field EventID: number = 4688
      field Image: any of 2
        - suffix "\\calc.exe"
        - suffix "\\notepad.exe"
      field CommandLine: any of 2
        - set of 4 {"a", "b", "c", "d"}
        - contains "-enc"
      not
        or
          field User: regex "(?i)^sys.*m$"
          field Ip: cidr 10.0.0.0/8
          exists X
          fieldref A endswith field B
      keyword (any value): contains "mimikatz"
`
	if len(out.Queries) != 1 || out.Queries[0] != want {
		t.Errorf("plan:\n%s\nwant:\n%s", strings.Join(out.Queries, "\n--\n"), want)
	}
	// A rule that does not compile gives diagnostics and no output.
	out, d = NewBackend().Convert(rule("bad", re("A", "(", "")), backends.Options{})
	if out != nil || !d.HasErrors() || d.Codes()[0] != diag.CodeRegex {
		t.Errorf("bad rule: out %v, diags %v", out, d)
	}
	if c := NewBackend().Caps(); c.Has(ir.CapQueryExpr) || c.Has(ir.CapPlaceholders) || !c.Has(ir.CapRegex|ir.CapKeywords|ir.CapFieldRef) {
		t.Errorf("caps = %b", c)
	}
}

// TestBackendCorpusPlans dumps the plan of every corpus rule: each
// compiled node and predicate kind must have a rendering (no fallback
// lines), and the dump must be deterministic.
func TestBackendCorpusPlans(t *testing.T) {
	if corpusRules == nil {
		t.Skip("corpus rules not wired")
	}
	be := NewBackend()
	n := 0
	for _, r := range corpusRules(t) {
		a, d := be.Convert(r, backends.Options{})
		if d.HasErrors() {
			continue
		}
		b, _ := be.Convert(r, backends.Options{})
		if a.Queries[0] != b.Queries[0] {
			t.Fatalf("%s: plan differs between runs", r.Title)
		}
		for _, line := range strings.Split(a.Queries[0], "\n") {
			if l := strings.TrimSpace(line); strings.HasPrefix(l, "node ") || strings.Contains(l, ": pred ") || strings.HasPrefix(l, "- pred ") {
				t.Fatalf("%s: unrendered plan line %q", r.Title, line)
			}
		}
		n++
	}
	t.Logf("%d plans", n)
}
