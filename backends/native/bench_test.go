package native

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/sigc-dev/sigc/ir"
)

// corpusRules returns the lowered Windows rules of the corpus
// (rules*/windows/**). It is nil until a test file that may import
// ir/lower and rules sets it (corpus_rules_test.go); benchmarks then fall
// back to synthetic rules.
var corpusRules func(tb testing.TB) []*ir.Rule

// benchEventsPath is the shared benchmark input; without it the test or
// benchmark is skipped.
func benchEventsPath(tb testing.TB) string {
	p, err := benchEventsFile(tb)
	if err != nil {
		tb.Skipf("benchmark events not found: %v", err)
	}
	return p
}

// benchEventsFile returns the shared benchmark input's path, and an error
// when it is absent.
func benchEventsFile(tb testing.TB) (string, error) {
	p := filepath.Join(filepath.Dir(corpusDir(tb)), "bench", "windows-events-20k.jsonl.gz")
	_, err := os.Stat(p)
	return p, err
}

var benchData struct {
	once   sync.Once
	raw    []byte
	events []*Flat
}

// loadBench returns the 20k events as raw JSON Lines and pre-decoded.
func loadBench(tb testing.TB) ([]byte, []*Flat) {
	path := benchEventsPath(tb)
	benchData.once.Do(func() {
		f, err := os.Open(path)
		if err != nil {
			tb.Fatal(err)
		}
		defer f.Close()
		zr, err := gzip.NewReader(f)
		if err != nil {
			tb.Fatal(err)
		}
		raw, err := io.ReadAll(zr)
		if err != nil {
			tb.Fatal(err)
		}
		benchData.raw = raw
		var d Decoder
		sc := bufio.NewScanner(bytes.NewReader(raw))
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			ev := &Flat{}
			if err := d.Decode(sc.Bytes(), FormatAuto, ev); err != nil {
				tb.Fatal(err)
			}
			benchData.events = append(benchData.events, ev)
		}
	})
	return benchData.raw, benchData.events
}

// benchRules returns the corpus rules when available, else a synthetic
// set shaped like the corpus.
func benchRules(tb testing.TB) ([]*ir.Rule, string) {
	if corpusRules != nil {
		if rs := corpusRules(tb); len(rs) > 0 {
			return rs, "corpus"
		}
	}
	return syntheticRules(1500), "synthetic"
}

// syntheticRules builds n rules in the shapes that dominate SigmaHQ's
// Windows rules: an EventID/Channel routing condition (as the logsource
// pipeline adds), an endswith on Image, a contains list on CommandLine,
// and a filter.
func syntheticRules(n int) []*ir.Rule {
	var out []*ir.Rule
	channels := []string{"Microsoft-Windows-Sysmon/Operational", "Security"}
	for i := range n {
		id := []float64{1, 3, 11, 13, 4688, 4624}[i%6]
		ch := channels[0]
		if id >= 4000 {
			ch = channels[1]
		}
		var sel ir.Expr
		switch i % 4 {
		case 0:
			sel = and(str("Image", fmt.Sprintf(`*\tool%d.exe`, i)),
				or(str("CommandLine", fmt.Sprintf("*-arg%d *", i)), str("CommandLine", "*/stealth*"), str("CommandLine", "*--dump*")))
		case 1:
			sel = or(str("TargetFilename", fmt.Sprintf(`*\evil%d.dll`, i)), str("TargetFilename", fmt.Sprintf(`*\Temp\x%d.ps1`, i)))
		case 2:
			sel = and(str("TargetObject", fmt.Sprintf(`*\Software\Run%d\*`, i)), not(str("Image", `C:\Windows\System32\svchost.exe`)))
		default:
			sel = or(str("", fmt.Sprintf("*keyword-%d*", i)), str("OriginalFileName", fmt.Sprintf("name%d.exe", i)),
				str("OriginalFileName", fmt.Sprintf("alt%d.exe", i)), str("OriginalFileName", "psexec.c"), str("OriginalFileName", "mimi.exe"))
		}
		out = append(out, rule(fmt.Sprintf("synthetic-%d", i), and(str("Channel", ch), num("EventID", id), sel)))
	}
	return out
}

// warm matches every event once with m: a RuleSet builds the index of a
// routing bucket on the first event of that bucket, and a Matcher makes a
// field's memo table when it first scans the field (one-time costs, like
// NewRuleSet); the figures wanted are those of a long stream.
func warm(m *Matcher, events []*Flat) {
	var dst []*Program
	for _, ev := range events {
		dst = m.Match(ev, dst[:0])
	}
}

func perEvent(b *testing.B, start time.Time) {
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "events/s")
}

// BenchmarkRuleSet matches pre-decoded events, one event per op, on one
// core: the ≥300k events/s, 0 allocs/op target.
func BenchmarkRuleSet(b *testing.B) {
	_, events := loadBench(b)
	rules, kind := benchRules(b)
	rs, d := NewRuleSet(rules)
	if d.HasErrors() {
		b.Logf("%d rules did not compile", d.Len())
	}
	b.Logf("%s rules: %d, stats %+v", kind, len(rs.Programs()), rs.Stats())
	m := rs.NewMatcher()
	warm(m, events)
	var dst []*Program
	hits := 0
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		dst = m.Match(events[i%len(events)], dst[:0])
		hits += len(dst)
	}
	perEvent(b, start)
}

// BenchmarkRuleSetNoPrefilter is the same without prefilters, to show
// what they buy.
func BenchmarkRuleSetNoPrefilter(b *testing.B) {
	_, events := loadBench(b)
	rules, _ := benchRules(b)
	rs, _ := NewRuleSet(rules, WithoutPrefilter())
	m := rs.NewMatcher()
	var dst []*Program
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		dst = m.Match(events[i%len(events)], dst[:0])
	}
	perEvent(b, start)
}

// BenchmarkJSONLines decodes and matches the whole JSON Lines file on one
// goroutine; MB/s is the ≥60 MB/s per core target.
func BenchmarkJSONLines(b *testing.B) {
	raw, events := loadBench(b)
	rules, _ := benchRules(b)
	rs, _ := NewRuleSet(rules)
	m := rs.NewMatcher()
	warm(m, events)
	var dst []*Program
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		err := ReadEvents(bytes.NewReader(raw), FormatJSON, func(ev Event) error {
			dst = m.Match(ev, dst[:0])
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMatchStream is BenchmarkJSONLines through the parallel,
// ordered MatchStream on all cores.
func BenchmarkMatchStream(b *testing.B) {
	raw, events := loadBench(b)
	rules, _ := benchRules(b)
	rs, _ := NewRuleSet(rules)
	warm(rs.NewMatcher(), events)
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		err := MatchStream(bytes.NewReader(raw), &Reader{Format: FormatJSON}, rs, 0, func(Match) error { return nil })
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecode is decoding alone, for comparison with encoding/json.
func BenchmarkDecode(b *testing.B) {
	raw, _ := loadBench(b)
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if err := ReadEvents(bytes.NewReader(raw), FormatJSON, func(Event) error { return nil }); err != nil {
			b.Fatal(err)
		}
	}
}

// Micro-benchmarks of single predicates on one event.
func BenchmarkProgram(b *testing.B) {
	ev := event(b, `{"Image":"C:\\Program Files\\Microsoft VS Code\\Code.exe","CommandLine":"\"C:\\Program Files\\Microsoft VS Code\\Code.exe\" -draft 49 --some-long-argument value","EventID":"1","User":"CORP\\kwang"}`)
	cases := []struct {
		name string
		expr ir.Expr
		miss bool
	}{
		{name: "exact", expr: str("User", `corp\kwang`)},
		{name: "suffix", expr: str("Image", `*\code.exe`)},
		{name: "contains", expr: str("CommandLine", `*--some-long*`)},
		{name: "contains-miss", expr: str("CommandLine", `*mimikatz*`), miss: true},
		{name: "glob", expr: str("CommandLine", `*draft*long*`)},
		{name: "set", expr: or(str("User", "a"), str("User", "b"), str("User", "c"), str("User", `corp\kwang`))},
		{name: "regex", expr: re("CommandLine", `-draft \d+`, "")},
		{name: "keyword", expr: str("", "*kwang*")},
		{name: "number", expr: num("EventID", 1)},
	}
	for _, c := range cases {
		p := mustCompile(b, rule(c.name, c.expr))
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if p.Match(ev) == c.miss {
					b.Fatal("unexpected result")
				}
			}
		})
	}
}

// TestMemory checks the whole-corpus budget: a RuleSet of every rule
// available (corpus or synthetic) must hold < 100 MB of heap.
func TestMemory(t *testing.T) {
	rules, kind := benchRules(t)
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	rs, _ := NewRuleSet(rules)
	runtime.GC()
	runtime.ReadMemStats(&after)
	used := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	t.Logf("%s rules: %d programs, RuleSet heap %.1f MB, stats %+v", kind, len(rs.Programs()), float64(used)/1e6, rs.Stats())
	if used > 100e6 {
		t.Errorf("RuleSet uses %d bytes, budget 100 MB", used)
	}
	// Matching builds each routing bucket's index, and a Matcher its memo
	// tables: the budget holds for the RuleSet and one Matcher once the
	// benchmark events have been through them.
	if _, err := benchEventsFile(t); err == nil {
		_, events := loadBench(t)
		runtime.GC()
		runtime.ReadMemStats(&before)
		m := rs.NewMatcher()
		warm(m, events)
		runtime.GC()
		runtime.ReadMemStats(&after)
		grown := int64(after.HeapAlloc) - int64(before.HeapAlloc)
		t.Logf("after matching %d events: buckets and one Matcher %.1f MB more, %.1f MB in all", len(events), float64(grown)/1e6, float64(used+grown)/1e6)
		if used+grown > 100e6 {
			t.Errorf("RuleSet and Matcher use %d bytes after matching, budget 100 MB", used+grown)
		}
		runtime.KeepAlive(m)
	}
	runtime.KeepAlive(rs)
}

// TestMatchAllocationFree checks that, once every routing bucket has been
// seen, matching the 20,000 benchmark events allocates nothing at all:
// not per event, and not amortised (a field's memo table is allocated whole
// when the field is first scanned).
func TestMatchAllocationFree(t *testing.T) {
	if testing.Short() {
		t.Skip("matches 20,000 events")
	}
	if raceEnabled {
		t.Skip("allocation counts are not meaningful under the race detector")
	}
	_, events := loadBench(t)
	rules, _ := benchRules(t)
	rs, _ := NewRuleSet(rules)
	m := rs.NewMatcher()
	dst := make([]*Program, 0, 64)
	for _, ev := range events {
		dst = m.Match(ev, dst[:0])
	}
	allocs := testing.AllocsPerRun(2, func() {
		for _, ev := range events {
			dst = m.Match(ev, dst[:0])
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations per pass over %d events, want 0", allocs, len(events))
	}
}
