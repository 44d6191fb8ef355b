package native

import (
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/sigc-dev/sigc/ir"
	"github.com/sigc-dev/sigc/ir/lower"
	"github.com/sigc-dev/sigc/ir/pipeline"
	"github.com/sigc-dev/sigc/rules"
)

// This file wires the corpus into the benchmarks: it may import the
// lowering and pipelines because it is a test; the package itself sees
// only ir.

func init() { corpusRules = loadWindowsRules }

var windowsRules struct {
	once  sync.Once
	rules []*ir.Rule
}

// loadWindowsRules loads rules*/windows/** of the corpus, lowers them and
// applies the built-in windows-logsources pipeline (Channel and EventID
// conditions), as `sigc match` does. Rules that fail anywhere are left
// out; the count is logged.
func loadWindowsRules(tb testing.TB) []*ir.Rule {
	dir := corpusDir(tb)
	windowsRules.once.Do(func() {
		var paths []string
		ms, _ := filepath.Glob(filepath.Join(dir, "rules*", "windows"))
		for _, m := range ms {
			if st, err := os.Stat(m); err == nil && st.IsDir() {
				paths = append(paths, m)
			}
		}
		set, _ := rules.Load(paths, nil, rules.Limits{})
		pipes, d := pipeline.Resolve([]string{"windows-logsources"}, pipeline.Builtins())
		if d.HasErrors() {
			tb.Logf("pipeline: %v", d)
		}
		chain := pipeline.NewChain(nil, pipes, nil)
		failed := 0
		for _, doc := range set.Docs {
			if doc.Rule == nil {
				continue
			}
			r, d := lower.Rule(doc)
			if r == nil || d.HasErrors() {
				failed++
				continue
			}
			r2, d := chain.Apply(r)
			if d.HasErrors() {
				failed++
				continue
			}
			ir.SimplifyRule(r2)
			windowsRules.rules = append(windowsRules.rules, r2)
		}
		tb.Logf("corpus: %d Windows rules lowered, %d failed", len(windowsRules.rules), failed)
	})
	return windowsRules.rules
}
