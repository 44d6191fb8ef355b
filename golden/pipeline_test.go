package golden

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/sigc-dev/sigc/ir"
	"github.com/sigc-dev/sigc/ir/diag"
	"github.com/sigc-dev/sigc/ir/lower"
	"github.com/sigc-dev/sigc/ir/pipeline"
	"github.com/sigc-dev/sigc/rules"
	"github.com/sigc-dev/sigc/rules/corpus"
)

// TestPipelines applies testdata/pipelines/<case>/pipeline.yml to
// testdata/pipelines/<case>/rule.yml and compares the IR dump, followed by
// the rendered diagnostics of Apply and Unresolved, with
// <case>/ir.golden. A pipeline that does not parse has its rendered
// diagnostics as golden instead (<case>/err.golden).
func TestPipelines(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join("testdata", "pipelines", "*"))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no pipeline cases: %v", err)
	}
	for _, dir := range dirs {
		name := filepath.Base(dir)
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			rulePath := filepath.ToSlash(filepath.Join(dir, "rule.yml"))
			pipePath := filepath.ToSlash(filepath.Join(dir, "pipeline.yml"))
			ruleSrc, err1 := os.ReadFile(rulePath)
			pipeSrc, err2 := os.ReadFile(pipePath)
			if err1 != nil || err2 != nil {
				t.Fatalf("case needs rule.yml and pipeline.yml: %v %v", err1, err2)
			}
			srcs := diag.SourceMap{rulePath: ruleSrc, pipePath: pipeSrc}
			g := newGoldie(t)
			p, pl := pipeline.Parse(pipePath, pipeSrc)
			if pl.HasErrors() {
				g.Assert(t, "pipelines/"+name+"/err", []byte(diag.Render(pl, srcs)))
				assertAbsent(t, filepath.Join(dir, "ir.golden"))
				return
			}
			assertAbsent(t, filepath.Join(dir, "err.golden"))
			docs, dl := rules.ParseFile(rulePath, ruleSrc, rules.DefaultLimits())
			if dl.HasErrors() || len(docs) != 1 {
				t.Fatalf("rule does not parse:\n%s", diag.Render(dl, srcs))
			}
			r, ll := lower.Rule(docs[0])
			if ll.HasErrors() || r == nil {
				t.Fatalf("rule does not lower:\n%s", diag.Render(ll, srcs))
			}
			out, al := pipeline.Chain{p}.Apply(r)
			al.Append(pl)
			al.Append(pipeline.Unresolved(out))
			text := ir.Print(out)
			if al.Len() > 0 {
				text += "\n" + diag.Render(al, srcs)
			}
			g.Assert(t, "pipelines/"+name+"/ir", []byte(text))
		})
	}
}

// corpusRules loads and lowers the SigmaHQ rules* folders.
func corpusRules(tb testing.TB) []*ir.Rule {
	set, _ := rules.Load(corpus.RuleDirs(tb), nil, rules.DefaultLimits())
	var out []*ir.Rule
	for _, lo := range lower.Collection(set.Docs) {
		if lo.Rule != nil && lo.OK() {
			out = append(out, lo.Rule)
		}
	}
	return out
}

// TestPipelinesCorpus applies every built-in pipeline to every corpus
// rule. The only errors allowed are refusals the pipeline states on
// purpose (pipeline/rule-failure); they are counted in the log.
func TestPipelinesCorpus(t *testing.T) {
	rs := corpusRules(t)
	cat := pipeline.Builtins()
	for _, name := range cat.Names() {
		p, _ := cat.Lookup(name)
		refused, changed := 0, 0
		other := map[diag.Code]int{}
		var first []string
		for _, r := range rs {
			out, l := pipeline.Chain{p}.Apply(r)
			if ir.Print(out) != ir.Print(r) {
				changed++
			}
			if !l.HasErrors() {
				continue
			}
			for _, d := range l.Items() {
				if d.Severity != diag.Error {
					continue
				}
				if d.Code == diag.CodePipelineFailure {
					refused++
					if len(first) < 3 {
						first = append(first, d.Error())
					}
					break
				}
				other[d.Code]++
			}
		}
		if len(other) > 0 {
			t.Errorf("%s: unexpected errors %v", name, other)
		}
		t.Logf("%s: %d rules, %d changed, %d refused; e.g. %s", name, len(rs), changed, refused, strings.Join(first, " | "))
	}
}

// BenchmarkPipelinesCorpus measures applying each built-in pipeline to
// the whole lowered corpus (ns/op), next to the cost of loading and
// lowering it once (load+lower-ns), so the pipeline overhead relative to
// conversion can be read off directly.
func BenchmarkPipelinesCorpus(b *testing.B) {
	dirs := corpus.RuleDirs(b)
	start := time.Now()
	set, _ := rules.Load(dirs, nil, rules.DefaultLimits())
	var rs []*ir.Rule
	for _, lo := range lower.Collection(set.Docs) {
		if lo.Rule != nil {
			rs = append(rs, lo.Rule)
		}
	}
	frontCost := time.Since(start) // load + parse + lower: a lower bound of conversion
	cat := pipeline.Builtins()
	names := cat.Names()
	sort.Strings(names)
	for _, name := range names {
		p, _ := cat.Lookup(name)
		c := pipeline.Chain{p}
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				for _, r := range rs {
					c.Apply(r)
				}
			}
			b.ReportMetric(float64(frontCost.Nanoseconds()), "load+lower-ns")
		})
	}
}
