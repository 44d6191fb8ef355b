package splunk

import (
	"bytes"
	"fmt"
	"github.com/sigc-dev/sigc/rules/corpus"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/sigc-dev/sigc/backends"
	"github.com/sigc-dev/sigc/ir"
	"github.com/sigc-dev/sigc/ir/diag"
	"github.com/sigc-dev/sigc/ir/lower"
	"github.com/sigc-dev/sigc/ir/pipeline"
	"github.com/sigc-dev/sigc/rules"
)

// corpusDir is the shared corpus locator (skips, or fails in CI, when absent).
var corpusDir = corpus.Dir

// loadCorpus loads and lowers the rules* folders.
func loadCorpus(tb testing.TB) []*lower.Lowered {
	dir := corpusDir(tb)
	groups, err := filepath.Glob(filepath.Join(dir, "rules*"))
	if err != nil || len(groups) == 0 {
		tb.Fatalf("no rules* folders in %s", dir)
	}
	set, _ := rules.Load(groups, nil, rules.DefaultLimits())
	return lower.Collection(set.Docs)
}

// convertRule runs chain, capability check and backend as the CLI does.
func convertRule(c pipeline.Chain, r *ir.Rule, format string) ([]string, diag.List) {
	var all diag.List
	r2, l := c.Apply(r)
	all.Append(l)
	if l.HasErrors() {
		return nil, all
	}
	if cl := ir.Check(r2, New().Caps(), "splunk"); cl.HasErrors() {
		all.Append(cl)
		return nil, all
	}
	out, bl := New().Convert(r2, backends.Options{Format: format})
	all.Append(bl)
	if out == nil {
		return nil, all
	}
	return out.Queries, all
}

// TestCorpus converts every corpus rule without a pipeline and with
// splunk_windows, syntax-checks every query and PCRE-checks every regex.
func TestCorpus(t *testing.T) {
	los := loadCorpus(t)
	configs := []struct {
		name   string
		chain  pipeline.Chain
		format string
		all    bool // every rule must convert
	}{
		{"no pipeline", nil, "", false},
		{"splunk_windows", chainOf(t, "splunk_windows"), "", false},
		{"splunk_windows + placeholders", append(chainOf(t, "splunk_windows"), placeholderPipeline(t)), "", true},
		{"splunk_cim data_model", chainOf(t, "splunk_cim"), FormatDataModel, false},
	}
	for _, cfg := range configs {
		var regexes []string
		rulesN, ok, queries := 0, 0, 0
		fails := map[diag.Code]int{}
		for _, lo := range los {
			if lo.Rule == nil {
				continue
			}
			rulesN++
			qs, l := convertRule(cfg.chain, lo.Rule, cfg.format)
			if qs == nil {
				for _, d := range l.Items() {
					if d.Severity == diag.Error {
						fails[d.Code]++
					}
				}
				continue
			}
			ok++
			for _, q := range qs {
				queries++
				p, err := parseSPL(q)
				if err != nil {
					t.Errorf("%s: %s: %v\n%s", cfg.name, lo.Doc.File, err, q)
					continue
				}
				regexes = append(regexes, p.regexes...)
			}
		}
		t.Logf("%s: %d rules, %d converted, %d queries, failures by code: %v", cfg.name, rulesN, ok, queries, fails)
		if rulesN < 3000 {
			t.Errorf("%s: only %d rules lowered", cfg.name, rulesN)
		}
		// Every failure must be an unresolved placeholder (the 25 expand
		// rules need vars); nothing else may fail, and with placeholders
		// resolved nothing fails at all.
		for c := range fails {
			okCode := c == diag.CodeUnsupported || cfg.format == FormatDataModel && c == diag.CodePipelineFailure
			if !okCode || cfg.all {
				t.Errorf("%s: unexpected failure code %s", cfg.name, c)
			}
		}
		checkPCRE(t, regexes)
	}
}

// placeholderPipeline resolves every placeholder, as a user's vars
// pipeline would.
func placeholderPipeline(t testing.TB) *pipeline.Pipeline {
	p, l := pipeline.Parse("placeholders.yml", []byte("name: placeholders\ntransformations:\n  - type: wildcard_placeholders\n"))
	if l.HasErrors() {
		t.Fatal(l)
	}
	return p
}

// checkPCRE compiles every regex with PCRE2 (pcre2test, Debian package
// pcre2-utils); without it, with Go's regexp, which accepts a subset of
// PCRE.
func checkPCRE(t *testing.T, regexes []string) {
	t.Helper()
	sort.Strings(regexes)
	uniq := regexes[:0]
	for i, r := range regexes {
		if i == 0 || r != regexes[i-1] {
			uniq = append(uniq, r)
		}
	}
	if len(uniq) == 0 {
		return
	}
	bin, err := exec.LookPath("pcre2test")
	if err != nil {
		t.Logf("pcre2test not found (apt-get install pcre2-utils): checking %d regexes with Go's regexp", len(uniq))
		for _, r := range uniq {
			if _, err := regexp.Compile(r); err != nil {
				t.Errorf("regex %q: %v", r, err)
			}
		}
		return
	}
	bad := pcreFailures(t, bin, uniq)
	for _, b := range bad {
		t.Errorf("PCRE2 rejects %s", b)
	}
	t.Logf("pcre2test accepted %d of %d distinct regexes", len(uniq)-len(bad), len(uniq))
}

// pcreFailures runs pcre2test once over every pattern and returns the
// rejected ones with PCRE2's message.
func pcreFailures(t *testing.T, bin string, res []string) []string {
	t.Helper()
	var in bytes.Buffer
	for _, r := range res {
		in.WriteString("/" + delimit(r) + "/\n\n")
	}
	cmd := exec.Command(bin, "-q")
	cmd.Stdin = &in
	out, _ := cmd.Output() // exit status is non-zero when a pattern fails
	var bad []string
	last := ""
	for _, ln := range strings.Split(string(out), "\n") {
		switch {
		case strings.HasPrefix(ln, "/"):
			last = ln
		case strings.HasPrefix(ln, "Failed:"):
			bad = append(bad, fmt.Sprintf("%s: %s", last, ln))
		}
	}
	if len(out) == 0 {
		t.Errorf("pcre2test produced no output")
	}
	return bad
}

// delimit escapes unescaped `/` for pcre2test's /pattern/ syntax.
func delimit(r string) string {
	var b strings.Builder
	for i := 0; i < len(r); i++ {
		switch {
		case r[i] == '\\' && i+1 < len(r):
			b.WriteString(r[i : i+2])
			i++
		case r[i] == '/':
			b.WriteString(`\/`)
		default:
			b.WriteByte(r[i])
		}
	}
	return b.String()
}

func TestPCRECheckerRejects(t *testing.T) {
	bin, err := exec.LookPath("pcre2test")
	if err != nil {
		t.Skip("pcre2test not installed (apt-get install pcre2-utils)")
	}
	bad := pcreFailures(t, bin, []string{`a(b`, `(?i)^a\/b\z`, `x/y`})
	if len(bad) != 1 || !strings.Contains(bad[0], "a(b") {
		t.Fatalf("want exactly a(b rejected, got %q", bad)
	}
}

// BenchmarkConvertCorpus measures the whole corpus: load, lower,
// splunk_windows and conversion of every rule (what `sigc convert -t
// splunk -p splunk_windows rules*/` does, without output).
func BenchmarkConvertCorpus(b *testing.B) {
	corpusDir(b)
	chain := chainOf(b, "splunk_windows")
	for i := 0; i < b.N; i++ {
		los := loadCorpus(b)
		for _, lo := range los {
			if lo.Rule != nil {
				convertRule(chain, lo.Rule, "")
			}
		}
	}
}

// BenchmarkConvertOnly measures pipeline and conversion of the lowered
// corpus.
func BenchmarkConvertOnly(b *testing.B) {
	los := loadCorpus(b)
	chain := chainOf(b, "splunk_windows")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, lo := range los {
			if lo.Rule != nil {
				convertRule(chain, lo.Rule, "")
			}
		}
	}
}
