package cli

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/sigc-dev/sigc/backends"
	"github.com/sigc-dev/sigc/backends/native"
	"github.com/sigc-dev/sigc/ir"
	"github.com/sigc-dev/sigc/ir/diag"
	"github.com/sigc-dev/sigc/ir/pipeline"
)

type matchCmd struct {
	Rules           []string `short:"r" name:"rules" sep:"none" required:"" help:"Sigma rule files or directories (repeatable)."`
	Pipeline        []string `short:"p" name:"pipeline" sep:"none" help:"Processing pipeline: a built-in name, a YAML file or a directory (repeatable)."`
	WithoutPipeline bool     `name:"without-pipeline" help:"Do not apply the native target's default pipeline (Windows logsource routing)."`
	Input           string   `name:"input-format" enum:"auto,json,winjson,evtx" default:"auto" help:"Event format: auto (EVTX by magic, else JSON), json (flat or nested objects), winjson (evtx_dump JSON), evtx."`
	Workers         int      `short:"j" default:"0" help:"Matching goroutines (0 = one per core)."`
	Stats           bool     `help:"Print throughput and match counts to stderr at the end."`
	Progress        string   `enum:"auto,always,never" default:"auto" help:"Progress bar on stderr: auto shows it on a terminal for files over 8 MiB."`
	TimeField       []string `name:"time-field" default:"TimeCreated_SystemTime,@timestamp,timestamp,UtcTime,EventTime,_time" help:"Event time fields for correlations, first found wins (repeatable)."`
	Events          []string `arg:"" optional:"" name:"events" help:"Event files (JSON Lines, evtx_dump JSON or .evtx); - or nothing reads standard input."`
}

// matchJSON is one output line of `sigc match`.
type matchJSON struct {
	RuleID string          `json:"rule_id,omitempty"`
	Title  string          `json:"title"`
	Level  string          `json:"level,omitempty"`
	Tags   []string        `json:"tags,omitempty"`
	Source string          `json:"source,omitempty"`
	Line   int             `json:"line,omitempty"`
	Event  json.RawMessage `json:"event"`
}

var inputFormats = map[string]native.Format{
	"auto": native.FormatAuto, "json": native.FormatJSON, "winjson": native.FormatWinJSON, "evtx": native.FormatEVTX,
}

// prepareRules loads, lowers and processes rules for the native matcher
// (its default pipeline routes Windows logsources). Rules that fail are
// reported on stderr and left out, never skipped silently; ok is false
// only for a pipeline that cannot be used at all. The diagnostics of the
// rules left out are returned for the caller to report once.
func prepareRules(e *env, paths, pipes []string, without bool) (kept []*unit, ld *loaded, report []diag.Diagnostic, ok bool) {
	be := native.NewBackend()
	chain, pd := resolveChain(e.reg, be, pipes, without, backends.Options{})
	if pd.Len() > 0 {
		fmt.Fprint(e.stderr, diag.Render(pd, pipelineSources(pipes)))
		if pd.HasErrors() {
			return nil, nil, nil, false
		}
	}
	ld = load(paths, e.stdin)
	report = append(report, ld.orphan.Items()...)
	ld.hidden = referencedOnly(ld.units)
	for _, u := range ld.units {
		if u.failed() {
			report = append(report, u.diags.Items()...)
			continue
		}
		if u.Correlation != nil {
			if c := prepareCorrelation(chain, u); c != nil {
				u.Correlation = c
				kept = append(kept, u)
			} else {
				report = append(report, u.diags.Items()...)
			}
			continue
		}
		if u.Rule == nil {
			report = append(report, u.diags.Items()...)
			continue
		}
		r, ad := chain.Apply(u.Rule)
		u.diags.Append(ad)
		if ad.HasErrors() || r == nil {
			report = append(report, u.diags.Items()...)
			continue
		}
		ir.SimplifyRule(r)
		if ud := pipeline.Unresolved(r); ud.Len() > 0 {
			u.diags.Append(ud)
			report = append(report, u.diags.Items()...)
			continue
		}
		u.Rule = r
		kept = append(kept, u)
	}
	return kept, ld, report, true
}

// prepareCorrelation runs the pipelines over a correlation and its rules;
// nil after a diagnostic on the unit.
func prepareCorrelation(chain pipeline.Chain, u *unit) *ir.Correlation {
	c, d := chain.ApplyCorrelation(u.Correlation)
	u.diags.Append(d)
	if d.HasErrors() || c == nil {
		return nil
	}
	c.Rules = append([]any(nil), c.Rules...)
	for i, ref := range c.Rules {
		r, ok := ref.(*ir.Rule)
		if !ok {
			continue
		}
		pr, rd := chain.Apply(r)
		u.diags.Append(rd)
		if rd.HasErrors() || pr == nil {
			return nil
		}
		ir.SimplifyRule(pr)
		if ud := pipeline.Unresolved(pr); ud.Len() > 0 {
			u.diags.Append(ud)
			return nil
		}
		c.Rules[i] = pr
	}
	return c
}

// reportErrors prints the errors among ds and how many rules they cost.
func reportErrors(e *env, ds []diag.Diagnostic, ld *loaded, usable int) {
	var errs diag.List
	for _, d := range ds {
		if d.Severity == diag.Error {
			errs.Add(d)
		}
	}
	if errs.Len() > 0 {
		fmt.Fprint(e.stderr, diag.Render(errs, ld.set.Sources))
		fmt.Fprintf(e.stderr, "sigc: %d of %d documents cannot be evaluated and are left out\n", len(ld.units)-usable, len(ld.units))
	}
}

// compiled is what `sigc match` evaluates: one rule set holding every
// detection rule and the base rules of correlations, and the correlators.
type compiled struct {
	set   *native.RuleSet
	corrs map[*ir.Rule][]*native.Correlator // base rule → its correlations
	// quiet rules are evaluated only for correlations: referenced without
	// `generate: true`, or a correlation's own copy of a base rule.
	quiet map[*ir.Rule]bool
	n     int // documents evaluated
}

// compileRuleSet prepares rules and correlations and compiles them.
func compileRuleSet(e *env, paths, pipes []string, without bool) (*compiled, bool) {
	kept, ld, report, ok := prepareRules(e, paths, pipes, without)
	if !ok {
		return nil, false
	}
	out := &compiled{corrs: map[*ir.Rule][]*native.Correlator{}, quiet: map[*ir.Rule]bool{}}
	var rs []*ir.Rule
	for _, u := range kept {
		if u.Correlation == nil {
			rs = append(rs, u.Rule)
			if ld.hidden[u] {
				out.quiet[u.Rule] = true
			}
			continue
		}
		k, cd := native.NewCorrelator(u.Correlation)
		if cd.HasErrors() {
			report = append(report, cd.Items()...)
			continue
		}
		for _, ref := range u.Correlation.Rules {
			if r, ok := ref.(*ir.Rule); ok {
				if out.corrs[r] == nil {
					rs = append(rs, r)
				}
				out.quiet[r] = true
				out.corrs[r] = append(out.corrs[r], k)
			}
		}
		out.n++
	}
	set, cd := native.NewRuleSet(rs)
	out.set = set
	for _, p := range set.Programs() {
		if !out.quiet[p.Rule()] {
			out.n++
		}
	}
	// Rules that do not compile are left out, loudly.
	reportErrors(e, append(report, cd.Items()...), ld, out.n)
	return out, true
}

func (c *matchCmd) run(e *env) int {
	comp, ok := compileRuleSet(e, c.Rules, c.Pipeline, c.WithoutPipeline)
	if !ok {
		return ExitUsage
	}
	set := comp.set
	if len(set.Programs()) == 0 {
		return e.usageError("no rule to match with")
	}
	timeKeys := make([]native.Key, len(c.TimeField))
	for i, f := range c.TimeField {
		timeKeys[i] = native.NewKey(f)
	}
	timeErrors := 0
	inputs := c.Events
	if len(inputs) == 0 {
		inputs = []string{"-"}
	}
	out := bufio.NewWriterSize(e.stdout, 256<<10)
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false) // rule titles and events are not HTML
	start := time.Now()
	var matched, hits int64
	var bytesIn int64
	status := ExitOK
	for _, in := range inputs {
		r, size, closeIn, err := openInput(in, e.stdin)
		if err != nil {
			fmt.Fprintf(e.stderr, "%s: error[%s]: %v\n", in, diag.CodeIO, err)
			status = ExitFail
			continue
		}
		bytesIn += size
		r = c.withProgress(e, r, in, size)
		rd := &native.Reader{Format: inputFormats[c.Input], OnError: func(de *native.DecodeError) error {
			fmt.Fprintf(e.stderr, "%s:%d: error[%s]: %v (event skipped)\n", displayName(in), de.Line, diag.CodeEvent, de.Err)
			status = ExitFail
			return nil
		}}
		err = native.MatchStream(r, rd, set, c.Workers, func(m native.Match) error {
			matched++
			raw := eventJSON(m)
			for _, p := range m.Programs {
				rule := p.Rule()
				for _, k := range comp.corrs[rule] {
					at, err := native.EventTime(m.Event, timeKeys)
					if err != nil {
						if timeErrors++; timeErrors == 1 {
							fmt.Fprintf(e.stderr, "%s:%d: error[%s]: %v: correlations skip such events (set --time-field)\n", displayName(in), m.Line, diag.CodeEvent, err)
							status = ExitFail
						}
						continue
					}
					if f, fired := k.Observe(m.Event, at, rule); fired {
						hits++
						if err := enc.Encode(fireJSON(f, displayName(in), m.Line)); err != nil {
							return err
						}
					}
				}
				if comp.quiet[rule] {
					continue
				}
				hits++
				if err := enc.Encode(matchJSON{RuleID: rule.ID, Title: rule.Title, Level: rule.Level, Tags: rule.Tags,
					Source: displayName(in), Line: m.Line, Event: raw}); err != nil {
					return err
				}
			}
			return nil
		})
		closeIn()
		if err != nil {
			fmt.Fprintf(e.stderr, "%s: error[%s]: %v\n", displayName(in), diag.CodeEvent, err)
			status = ExitFail
		}
	}
	if err := out.Flush(); err != nil {
		fmt.Fprintf(e.stderr, "sigc: writing output: %v\n", err)
		status = ExitFail
	}
	if c.Stats {
		el := time.Since(start)
		fmt.Fprintf(e.stderr, "sigc match: %d rules and correlations, %d events matched, %d results, %.1f MB in %s (%.1f MB/s)\n",
			comp.n, matched, hits, float64(bytesIn)/1e6, el.Round(time.Millisecond), float64(bytesIn)/1e6/el.Seconds())
	}
	return status
}

// fireJSON is the output line of a correlation that fired.
func fireJSON(f native.Fire, source string, line int) any {
	c := f.Correlation
	group := map[string]string{}
	for i, g := range c.GroupBy {
		group[g] = f.Group[i]
	}
	return struct {
		CorrelationID string            `json:"correlation_id,omitempty"`
		Title         string            `json:"title"`
		Level         string            `json:"level,omitempty"`
		Tags          []string          `json:"tags,omitempty"`
		Type          string            `json:"type"`
		Group         map[string]string `json:"group,omitempty"`
		Count         int               `json:"count"`
		Time          time.Time         `json:"time"`
		Source        string            `json:"source"`
		Line          int               `json:"line"`
	}{c.ID, c.Title, c.Level, c.Tags, string(c.Type), group, f.Count, f.At, source, line}
}

// eventJSON returns the matched event as JSON: the input text for JSON
// input, else the flattened fields.
func eventJSON(m native.Match) json.RawMessage {
	if len(m.Raw) > 0 && json.Valid(m.Raw) {
		return append(json.RawMessage(nil), m.Raw...)
	}
	obj := map[string]any{}
	if f, ok := m.Event.(interface {
		Len() int
		At(int) (string, native.Value)
	}); ok {
		for i := 0; i < f.Len(); i++ {
			k, v := f.At(i)
			if strings.Contains(k, ".") { // keep the short (flattened) names
				continue
			}
			obj[k] = valueJSON(v)
		}
	}
	b, _ := json.Marshal(obj)
	return b
}

func valueJSON(v native.Value) any {
	switch v.Kind {
	case native.KindArray:
		out := make([]any, len(v.Elems))
		for i, e := range v.Elems {
			out[i] = valueJSON(e)
		}
		return out
	case native.KindNull:
		return nil
	}
	return v.Str
}

func (c *matchCmd) withProgress(e *env, r io.Reader, name string, size int64) io.Reader {
	show := c.Progress == "always"
	if c.Progress == "auto" && size > 8<<20 {
		if f, ok := e.stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
			show = true
		}
	}
	if !show || size <= 0 {
		return r
	}
	bar := progressbar.NewOptions64(size, progressbar.OptionSetWriter(e.stderr), progressbar.OptionShowBytes(true),
		progressbar.OptionSetDescription(displayName(name)), progressbar.OptionClearOnFinish(), progressbar.OptionThrottle(100*time.Millisecond))
	pr := progressbar.NewReader(r, bar)
	return &pr
}

func displayName(in string) string {
	if in == "-" {
		return "<stdin>"
	}
	return in
}

func openInput(in string, stdin io.Reader) (io.Reader, int64, func(), error) {
	if in == "-" {
		return stdin, 0, func() {}, nil
	}
	f, err := os.Open(in)
	if err != nil {
		return nil, 0, nil, err
	}
	var size int64
	if st, err := f.Stat(); err == nil {
		size = st.Size()
	}
	return f, size, func() { f.Close() }, nil
}
