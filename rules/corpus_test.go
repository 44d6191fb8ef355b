package rules

import (
	"fmt"
	"github.com/sigc-dev/sigc/rules/corpus"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"

	"github.com/sigc-dev/sigc/ir/diag"
)

// corpusDir is the shared corpus locator (skips, or fails in CI, when absent).
var corpusDir = corpus.Dir

// corpusGroups returns the rules* folders of the corpus.
func corpusGroups(tb testing.TB, dir string) []string {
	tb.Helper()
	groups, err := filepath.Glob(filepath.Join(dir, "rules*"))
	if err != nil || len(groups) == 0 {
		tb.Fatalf("no rules* folders in %s", dir)
	}
	return groups
}

// codeCounts counts diagnostics by severity and code.
func codeCounts(lists []diag.List) (errs, warns map[diag.Code]int) {
	errs, warns = map[diag.Code]int{}, map[diag.Code]int{}
	for _, l := range lists {
		for _, d := range l.Items() {
			if d.Severity == diag.Error {
				errs[d.Code]++
			} else {
				warns[d.Code]++
			}
		}
	}
	return errs, warns
}

// formatCounts renders counts as sorted code=n pairs.
func formatCounts(m map[diag.Code]int) string {
	var parts []string
	for c, n := range m {
		parts = append(parts, fmt.Sprintf("%s=%d", c, n))
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}

// TestCorpusRules loads every rules* folder: no document may have an
// error, and every file must give at least one rule.
func TestCorpusRules(t *testing.T) {
	dir := corpusDir(t)
	set, _ := Load(corpusGroups(t, dir), nil, Limits{})
	if len(set.Files) < 3000 {
		t.Fatalf("only %d files loaded", len(set.Files))
	}
	errs, warns := codeCounts(set.FileDiags)
	for i, l := range set.FileDiags {
		if l.HasErrors() {
			t.Errorf("%s:\n%s", set.Files[i], diag.Render(l, set.Sources))
		}
	}
	rules := 0
	for _, d := range set.Docs {
		if d.Kind == KindRule {
			rules++
		}
	}
	t.Logf("%d files, %d documents (%d rules); errors: {%s}; warnings: {%s}",
		len(set.Files), len(set.Docs), rules, formatCounts(errs), formatCounts(warns))
	if len(errs) > 0 {
		t.Errorf("errors by code: %s", formatCounts(errs))
	}
}

// TestCorpusDeprecated loads deprecated/ with zero errors, including the
// v1 pipe aggregation of other/generic_brute_force.yml, which is read as an
// aggregation (lowered into a correlation later).
func TestCorpusDeprecated(t *testing.T) {
	dir := filepath.Join(corpusDir(t), "deprecated")
	set, _ := Load([]string{dir}, nil, Limits{})
	errs, warns := codeCounts(set.FileDiags)
	aggs := 0
	for i, l := range set.FileDiags {
		if l.HasErrors() {
			t.Errorf("%s:\n%s", set.Files[i], diag.Render(l, set.Sources))
		}
	}
	for _, d := range set.Docs {
		if d.Rule != nil {
			for _, c := range d.Rule.Detection.Conditions {
				if c.Agg != nil {
					aggs++
				}
			}
		}
	}
	if aggs != 1 {
		t.Errorf("found %d v1 aggregations, want 1 (other/generic_brute_force.yml)", aggs)
	}
	t.Logf("%d files, %d documents; errors: {%s}; warnings: {%s}", len(set.Files), len(set.Docs), formatCounts(errs), formatCounts(warns))
}

// errorCodes returns the codes of the errors of l.
func errorCodes(l diag.List) []diag.Code {
	var out []diag.Code
	for _, d := range l.Items() {
		if d.Severity == diag.Error {
			out = append(out, d.Code)
		}
	}
	return out
}

// TestCorpusUnsupported loads unsupported/, which uses syntax Sigma v2
// dropped: it must not panic, and the failures are listed.
func TestCorpusUnsupported(t *testing.T) {
	dir := corpusDir(t)
	set, _ := Load([]string{filepath.Join(dir, "unsupported")}, nil, Limits{})
	failed := 0
	for i, l := range set.FileDiags {
		if !l.HasErrors() {
			continue
		}
		failed++
		t.Logf("%s: %v", set.Files[i], errorCodes(l))
	}
	errs, warns := codeCounts(set.FileDiags)
	t.Logf("%d files, %d failed; errors: {%s}; warnings: {%s}", len(set.Files), failed, formatCounts(errs), formatCounts(warns))
	if len(set.Files) == 0 {
		t.Fatal("no files loaded")
	}
}

// TestSpecExamples loads the examples of the specification's schema tests.
func TestSpecExamples(t *testing.T) {
	dir := os.Getenv("SIGC_SPEC")
	if dir == "" {
		_, file, _, _ := runtime.Caller(0)
		dir = filepath.Join(filepath.Dir(file), "..", "..", "shared", "sigma-specification")
	}
	dir = filepath.Join(dir, "tests", "schema")
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("SIGC_REQUIRE_CORPUS") == "1" {
			t.Fatalf("specification tests %s not found", dir)
		}
		t.Skipf("specification tests %s not found", dir)
	}
	set, dl := Load([]string{dir}, nil, Limits{})
	if dl.HasErrors() {
		t.Fatalf("errors:\n%s", diag.Render(dl, set.Sources))
	}
	kinds := map[Kind]int{}
	for _, d := range set.Docs {
		kinds[d.Kind]++
	}
	if kinds[KindRule] != 2 || kinds[KindCorrelation] != 8 || kinds[KindFilter] != 2 {
		t.Errorf("kinds = %v, want 2 rules, 8 correlations, 2 filters", kinds)
	}
	if dl.Len() != 0 {
		t.Logf("warnings:\n%s", diag.Render(dl, set.Sources))
	}
}

// BenchmarkLoadCorpus loads every rules* folder.
func BenchmarkLoadCorpus(b *testing.B) {
	dir := corpusDir(b)
	groups := corpusGroups(b, dir)
	for b.Loop() {
		set, _ := Load(groups, nil, Limits{})
		if len(set.Docs) == 0 {
			b.Fatal("no documents")
		}
	}
}
