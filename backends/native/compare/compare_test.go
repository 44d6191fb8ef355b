// Package compare benchmarks sigc's native matcher side by side with the
// two Go Sigma engines, bradleyjkemp/sigma-go and
// markuskont/go-sigma-rule-engine, on the same events in the same run.
//
// It is a module of its own so that sigc never depends on those engines.
// Input: the Windows rules of the SigmaHQ corpus (rules*/windows/**) and
// ../shared/bench/windows-events-20k.jsonl.gz. Output: events/s per engine
// (benchmarks) and rule and match counts (TestCompareCounts, informational).
package compare

import (
	"bufio"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	sigmago "github.com/bradleyjkemp/sigma-go"
	"github.com/bradleyjkemp/sigma-go/evaluator"
	gsre "github.com/markuskont/go-sigma-rule-engine"

	"github.com/sigc-dev/sigc/backends/native"
	"github.com/sigc-dev/sigc/ir"
	"github.com/sigc-dev/sigc/ir/lower"
	"github.com/sigc-dev/sigc/ir/pipeline"
	"github.com/sigc-dev/sigc/rules"
	"github.com/sigc-dev/sigc/rules/corpus"
)

// Event subsets for the slow engines: sigma-go evaluates a few dozen events
// per second with every Windows rule loaded, so a full pass over 20,000
// events would take minutes.
const (
	sigmaGoEvents = 200
	gsreEvents    = 2000
)

// fixture is everything loaded once per process: rules for each engine
// and the events decoded into each engine's type.
type fixture struct {
	windowsDirs []string
	ruleFiles   []string

	sigc      *native.RuleSet
	sigcRules int
	sigcFail  int
	flat      []*native.Flat

	sigmaGo      evaluator.RuleEvaluatorBundle
	sigmaGoRules int
	sigmaGoSkip  int

	gsre       *gsre.Ruleset
	gsreGroups []*gsreGroup

	maps []map[string]any
	gev  []gsreEvent
}

var (
	fixOnce sync.Once
	fix     fixture
	fixErr  string
)

func load(tb testing.TB) *fixture {
	tb.Helper()
	dir := corpus.Dir(tb)
	fixOnce.Do(func() { fixErr = fix.load(dir) })
	if fixErr != "" {
		tb.Fatal(fixErr)
	}
	return &fix
}

func (f *fixture) load(dir string) string {
	ms, _ := filepath.Glob(filepath.Join(dir, "rules*", "windows"))
	for _, m := range ms {
		if st, err := os.Stat(m); err == nil && st.IsDir() {
			f.windowsDirs = append(f.windowsDirs, m)
		}
	}
	for _, d := range f.windowsDirs {
		filepath.WalkDir(d, func(p string, e fs.DirEntry, err error) error {
			if err == nil && !e.IsDir() && strings.HasSuffix(p, ".yml") {
				f.ruleFiles = append(f.ruleFiles, p)
			}
			return nil
		})
	}
	chain, msg := windowsChain()
	if msg != "" {
		return msg
	}
	if msg := f.loadSigc(chain); msg != "" {
		return msg
	}
	f.loadSigmaGo()
	if msg := f.loadGSRE(chain); msg != "" {
		return msg
	}
	return f.loadEvents(filepath.Join(dir, "..", "bench", "windows-events-20k.jsonl.gz"))
}

func windowsChain() (pipeline.Chain, string) {
	p, ok := pipeline.Builtins().Lookup("windows-logsources")
	if !ok {
		return pipeline.Chain{}, "built-in pipeline windows-logsources not found"
	}
	return pipeline.NewChain(nil, []*pipeline.Pipeline{p}, nil), ""
}

// loadSigc lowers the rules, applies windows-logsources (Channel and
// EventID conditions, as `sigc match` does) and builds a RuleSet.
func (f *fixture) loadSigc(chain pipeline.Chain) string {
	set, _ := rules.Load(f.windowsDirs, nil, rules.Limits{})
	var irs []*ir.Rule
	for _, lo := range lower.Collection(set.Docs) {
		if !lo.OK() || lo.Rule == nil {
			if lo.Correlation == nil {
				f.sigcFail++
			}
			continue
		}
		r, d := chain.Apply(lo.Rule)
		if r == nil || d.HasErrors() {
			f.sigcFail++
			continue
		}
		ir.SimplifyRule(r)
		irs = append(irs, r)
	}
	rs, _ := native.NewRuleSet(irs)
	f.sigc = rs
	f.sigcRules = len(rs.Programs())
	f.sigcFail += len(irs) - f.sigcRules
	return ""
}

// loadSigmaGo parses every rule file with sigma-go; rules it cannot parse
// are skipped and counted. The bundle is its own multi-rule evaluator.
func (f *fixture) loadSigmaGo() {
	var rs []sigmago.Rule
	for _, p := range f.ruleFiles {
		data, err := os.ReadFile(p)
		if err != nil {
			f.sigmaGoSkip++
			continue
		}
		r, err := parseSigmaGo(data)
		if err != nil {
			f.sigmaGoSkip++
			continue
		}
		rs = append(rs, r)
	}
	f.sigmaGoRules = len(rs)
	f.sigmaGo = evaluator.ForRules(rs)
}

// parseSigmaGo guards against panics in the parser on rules it does not
// expect: such a rule counts as unparsable.
func parseSigmaGo(data []byte) (r sigmago.Rule, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = errPanic
		}
	}()
	return sigmago.ParseRule(data)
}

type panicError struct{}

func (panicError) Error() string { return "parser panicked" }

var errPanic error = panicError{}

// gsreGroup is the go-sigma-rule-engine rules of one logsource with the
// logsource's gate: the Channel/EventID conditions windows-logsources adds
// for it, compiled by sigc. Evaluating a rule only on events that pass its
// gate is the logsource routing the issue asks for, with the same facts.
type gsreGroup struct {
	gate  *native.Program
	rules []*gsre.Tree
}

func (f *fixture) loadGSRE(chain pipeline.Chain) string {
	rs, err := gsre.NewRuleset(gsre.Config{Directory: f.windowsDirs, NoCollapseWS: true})
	if err != nil {
		return "go-sigma-rule-engine: " + err.Error()
	}
	f.gsre = rs
	byLS := map[gsre.Logsource]*gsreGroup{}
	for _, t := range rs.Rules {
		ls := gsre.Logsource{}
		if t.Rule != nil {
			ls = t.Rule.Logsource
			ls.Definition = ""
		}
		g := byLS[ls]
		if g == nil {
			gate, msg := logsourceGate(chain, ls)
			if msg != "" {
				return msg
			}
			g = &gsreGroup{gate: gate}
			byLS[ls] = g
			f.gsreGroups = append(f.gsreGroups, g)
		}
		g.rules = append(g.rules, t)
	}
	return ""
}

func logsourceGate(chain pipeline.Chain, ls gsre.Logsource) (*native.Program, string) {
	r := &ir.Rule{
		Meta:      ir.Meta{Title: "gate"},
		Logsource: ir.Logsource{Product: ls.Product, Category: ls.Category, Service: ls.Service},
		Queries:   []ir.Query{{Condition: "gate", Expr: &ir.Const{Value: true}}},
	}
	r2, d := chain.Apply(r)
	if r2 == nil || d.HasErrors() {
		return nil, "gate: " + d.Error()
	}
	ir.SimplifyRule(r2)
	p, d := native.Compile(r2)
	if p == nil {
		return nil, "gate: " + d.Error()
	}
	return p, ""
}

// gsreEvent is a decoded event for go-sigma-rule-engine: Select reads a
// field, Keywords gives every string value for keyword rules.
type gsreEvent struct {
	m        map[string]any
	keywords []string
}

// Select implements gsre.Selector.
func (e gsreEvent) Select(k string) (any, bool) {
	v, ok := e.m[k]
	return v, ok
}

// Keywords implements gsre.Keyworder.
func (e gsreEvent) Keywords() ([]string, bool) { return e.keywords, len(e.keywords) > 0 }

func (f *fixture) loadEvents(path string) string {
	fh, err := os.Open(path)
	if err != nil {
		return "bench events: " + err.Error()
	}
	defer fh.Close()
	zr, err := gzip.NewReader(fh)
	if err != nil {
		return "bench events: " + err.Error()
	}
	sc := bufio.NewScanner(zr)
	sc.Buffer(nil, 1<<24)
	var d native.Decoder
	for sc.Scan() {
		fl := &native.Flat{}
		if err := d.Decode(sc.Bytes(), native.FormatAuto, fl); err != nil {
			return "bench event: " + err.Error()
		}
		f.flat = append(f.flat, fl)
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			return "bench event: " + err.Error()
		}
		f.maps = append(f.maps, m)
		ge := gsreEvent{m: m}
		for _, v := range m {
			if s, ok := v.(string); ok {
				ge.keywords = append(ge.keywords, s)
			}
		}
		f.gev = append(f.gev, ge)
	}
	if err := sc.Err(); err != nil {
		return "bench events: " + err.Error()
	}
	return ""
}

// Per-engine evaluation of the first n events; each returns the match
// count.

func (f *fixture) runSigc(m *native.Matcher, n int) int { return f.runSigcRange(m, 0, n) }

// runSigcRange evaluates events lo to hi-1 with sigc.
func (f *fixture) runSigcRange(m *native.Matcher, lo, hi int) int {
	matches := 0
	var dst []*native.Program
	for _, ev := range f.flat[lo:hi] {
		dst = m.Match(ev, dst[:0])
		matches += len(dst)
	}
	return matches
}

func (f *fixture) runSigmaGo(n int) int {
	matches := 0
	ctx := context.Background()
	for _, ev := range f.maps[:n] {
		res, _ := f.sigmaGo.Matches(ctx, ev)
		for _, r := range res {
			if r.Match {
				matches++
			}
		}
	}
	return matches
}

func (f *fixture) runGSRE(n int) int { return f.runGSRERange(0, n) }

// runGSRERange evaluates events lo to hi-1 with go-sigma-rule-engine.
func (f *fixture) runGSRERange(lo, hi int) int {
	matches := 0
	for i := lo; i < hi; i++ {
		ev := f.gev[i]
		for _, g := range f.gsreGroups {
			if !g.gate.Match(f.flat[i]) {
				continue
			}
			for _, t := range g.rules {
				if _, ok := t.Eval(ev); ok {
					matches++
				}
			}
		}
	}
	return matches
}

// warmup is how many events each engine evaluates before timing, so that
// a -benchtime 1x run does not time cold caches and lazy initialisation.
const warmup = 20

// report sets events/s from the events evaluated per iteration.
func report(b *testing.B, perIter int, start time.Time) {
	b.ReportMetric(float64(b.N*perIter)/time.Since(start).Seconds(), "events/s")
}

// timeEngine warms an engine up on its first events, then times run, which
// evaluates n events per call, and reports events/s.
func timeEngine(b *testing.B, n int, run func(n int) int) {
	run(min(warmup, n))
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		run(n)
	}
	report(b, n, start)
}

// BenchmarkSigc runs sigc's native RuleSet over all 20,000 events on one
// goroutine, pre-decoded.
//
// It first matches every event once, untimed: sigc builds a routing
// bucket's index on the bucket's first event and a field's memo table on
// its first scan, one-time costs like loading the rules, and the figure
// wanted is the steady state the other engines reach after warmup events.
func BenchmarkSigc(b *testing.B) {
	f := load(b)
	m := f.sigc.NewMatcher()
	f.runSigc(m, len(f.flat))
	timeEngine(b, len(f.flat), func(n int) int { return f.runSigc(m, n) })
}

// BenchmarkSigcSameEvents runs sigc over exactly the events each other
// engine is timed on (the first gsreEvents, the first sigmaGoEvents), so
// that every ratio can also be read on identical input. It warms up on
// all of them first, as the other engines' figures are not of a first
// pass either.
func BenchmarkSigcSameEvents(b *testing.B) {
	f := load(b)
	for _, n := range []int{gsreEvents, sigmaGoEvents} {
		n = min(n, len(f.flat))
		b.Run(fmt.Sprintf("first%d", n), func(b *testing.B) {
			m := f.sigc.NewMatcher()
			f.runSigc(m, n)
			timeEngine(b, n, func(n int) int { return f.runSigc(m, n) })
		})
	}
}

// BenchmarkSigmaGo runs sigma-go's rule bundle over the first
// sigmaGoEvents events.
func BenchmarkSigmaGo(b *testing.B) {
	f := load(b)
	timeEngine(b, min(sigmaGoEvents, len(f.maps)), f.runSigmaGo)
}

// BenchmarkGoSigmaRuleEngine runs go-sigma-rule-engine (whitespace
// collapsing off, logsource routing added) over the first gsreEvents
// events.
func BenchmarkGoSigmaRuleEngine(b *testing.B) {
	f := load(b)
	timeEngine(b, min(gsreEvents, len(f.gev)), f.runGSRE)
}

// BenchmarkInterleaved times sigc and go-sigma-rule-engine in alternating
// slices of one run, so that both see the same machine: on a shared host
// whose speed drifts by a factor of two within minutes, two benchmarks run
// one after the other can give any ratio. One op is a pass of sigc over
// all events in interleaveSlices slices, each followed or preceded (the
// order alternates) by go-sigma-rule-engine on its slice of the first
// gsreEvents events. It reports each engine's events/s and their ratio.
func BenchmarkInterleaved(b *testing.B) {
	f := load(b)
	m := f.sigc.NewMatcher()
	f.runSigc(m, len(f.flat))
	f.runGSRE(min(warmup, len(f.gev)))
	ns, ng := len(f.flat), min(gsreEvents, len(f.gev))
	var ts, tg time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for k := range interleaveSlices {
			sigc := func() {
				t0 := time.Now()
				f.runSigcRange(m, k*ns/interleaveSlices, (k+1)*ns/interleaveSlices)
				ts += time.Since(t0)
			}
			other := func() {
				t0 := time.Now()
				f.runGSRERange(k*ng/interleaveSlices, (k+1)*ng/interleaveSlices)
				tg += time.Since(t0)
			}
			if (i+k)%2 == 0 {
				sigc()
				other()
			} else {
				other()
				sigc()
			}
		}
	}
	rs := float64(b.N*ns) / ts.Seconds()
	rg := float64(b.N*ng) / tg.Seconds()
	b.ReportMetric(rs, "sigc-events/s")
	b.ReportMetric(rg, "gsre-events/s")
	b.ReportMetric(rs/rg, "ratio")
}

// interleaveSlices is how many slices BenchmarkInterleaved cuts each
// engine's events into.
const interleaveSlices = 20

// TestCompareCounts prints how many rules each engine loaded and how many
// matches each produced (informational: the engines differ in semantics).
// sigc and go-sigma-rule-engine see every event; sigma-go the first
// sigmaGoEvents, with sigc's count on the same subset beside it.
func TestCompareCounts(t *testing.T) {
	if testing.Short() {
		t.Skip("evaluates 20,000 events with slow engines")
	}
	f := load(t)
	all := len(f.flat)
	t.Logf("rule files: %d under %v", len(f.ruleFiles), f.windowsDirs)
	t.Logf("sigc: %d rules (%d failed); %d matches on %d events, %d on the first %d",
		f.sigcRules, f.sigcFail, f.runSigc(f.sigc.NewMatcher(), all), all,
		f.runSigc(f.sigc.NewMatcher(), min(sigmaGoEvents, all)), min(sigmaGoEvents, all))
	t.Logf("go-sigma-rule-engine: %d rules (%d failed, %d unsupported, %d logsource groups); %d matches on %d events",
		f.gsre.Ok, f.gsre.Failed, f.gsre.Unsupported, len(f.gsreGroups), f.runGSRE(all), all)
	t.Logf("sigma-go: %d rules (%d skipped); %d matches on the first %d events",
		f.sigmaGoRules, f.sigmaGoSkip, f.runSigmaGo(min(sigmaGoEvents, all)), min(sigmaGoEvents, all))
	if f.sigcRules == 0 || all == 0 {
		t.Errorf("nothing loaded: %d sigc rules, %d events", f.sigcRules, all)
	}
}
