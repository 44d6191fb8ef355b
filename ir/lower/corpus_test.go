package lower

import (
	"path/filepath"
	"sort"
	"strconv"
	"testing"

	"github.com/sigc-dev/sigc/ir/diag"
	"github.com/sigc-dev/sigc/rules"
	"github.com/sigc-dev/sigc/rules/corpus"
)

// TestCorpusLowers: every rule of the SigmaHQ rules* folders loads and
// lowers with zero errors, and so do deprecated/ and the spec's examples.
func TestCorpusLowers(t *testing.T) {
	dir := corpus.Dir(t)
	groups := map[string][]string{
		"rules*":     corpus.RuleDirs(t),
		"deprecated": {filepath.Join(dir, "deprecated")},
		"spec":       {filepath.Join(dir, "..", "sigma-specification", "tests", "schema")},
	}
	for name, paths := range groups {
		t.Run(name, func(t *testing.T) {
			set, ld := rules.Load(paths, nil, rules.DefaultLimits())
			var errs diag.List
			for _, d := range ld.Items() {
				if d.Severity == diag.Error {
					errs.Add(d)
				}
			}
			n := 0
			warn := map[diag.Code]int{}
			for _, lo := range Collection(set.Docs) {
				for _, d := range lo.Diags.Items() {
					// The specification's correlation examples name rules
					// that are not part of the examples.
					if name == "spec" && d.Code == diag.CodeCorrelationRef {
						continue
					}
					if d.Severity == diag.Error {
						errs.Add(d)
					} else {
						warn[d.Code]++
					}
				}
				if lo.Rule != nil {
					n++
				}
			}
			if errs.Len() > 0 {
				t.Errorf("%d errors, first ones:\n%s", errs.Len(), diag.Render(firstN(errs, 15), set.Sources))
			}
			var codes []string
			for c, k := range warn {
				codes = append(codes, string(c)+"="+itoa(k))
			}
			sort.Strings(codes)
			t.Logf("%s: %d documents, %d rules lowered; lowering warnings %v", name, len(set.Docs), n, codes)
			if name == "rules*" && n != 3780 {
				t.Errorf("lowered %d rules, want 3780", n)
			}
		})
	}
}

func firstN(l diag.List, n int) diag.List {
	var out diag.List
	for i, d := range l.Items() {
		if i == n {
			break
		}
		out.Add(d)
	}
	return out
}

func itoa(n int) string {
	return strconv.Itoa(n)
}
