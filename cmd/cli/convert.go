package cli

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"

	"github.com/sigc-dev/sigc/backends"
	"github.com/sigc-dev/sigc/ir"
	"github.com/sigc-dev/sigc/ir/diag"
	"github.com/sigc-dev/sigc/ir/par"
	"github.com/sigc-dev/sigc/ir/pipeline"
)

type convertCmd struct {
	Target          string   `short:"t" required:"" help:"Target: see 'sigc list targets'."`
	Pipeline        []string `short:"p" name:"pipeline" sep:"none" help:"Processing pipeline: a built-in name, a YAML file or a directory of them (repeatable)."`
	WithoutPipeline bool     `name:"without-pipeline" help:"Do not apply the target's default pipelines."`
	Format          string   `short:"f" default:"default" help:"Output format: 'json' (one JSON object per rule and line) or one of the target's formats (see 'sigc list targets')."`
	Option          []string `short:"O" name:"option" sep:"none" help:"Backend option key=value (repeatable)."`
	Output          string   `short:"o" default:"-" help:"Write the output to this file instead of standard output."`
	Paths           []string `arg:"" name:"path" help:"Sigma files or directories (recursive, *.yml/*.yaml); - reads standard input."`
}

// ruleJSON is one line of `-f json` output: a converted rule or its
// diagnostics.
type ruleJSON struct {
	Source      string            `json:"source"`
	Kind        string            `json:"kind"`
	ID          string            `json:"id,omitempty"`
	Title       string            `json:"title,omitempty"`
	Target      string            `json:"target"`
	Queries     []string          `json:"queries,omitempty"`
	Diagnostics []diag.Diagnostic `json:"diagnostics,omitempty"`
}

func (c *convertCmd) run(e *env) int {
	// A batch over a rule repository allocates many short-lived YAML
	// nodes: trading memory for fewer collections speeds it up by a third.
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	be, ok := e.reg.Lookup(c.Target)
	if !ok {
		return e.usageError("unknown target %q; targets: %s", c.Target, strings.Join(e.reg.Names(), ", "))
	}
	jsonOut := c.Format == "json"
	opts := backends.Options{Format: c.Format, Params: map[string]string{}}
	if jsonOut {
		opts.Format = "default"
	}
	if !contains(be.Formats(), opts.Format) {
		return e.usageError("target %s has no format %q; formats: json, %s", c.Target, c.Format, strings.Join(be.Formats(), ", "))
	}
	for _, o := range c.Option {
		k, v, ok := strings.Cut(o, "=")
		if !ok || k == "" {
			return e.usageError("backend option %q is not key=value", o)
		}
		opts.Params[k] = v
	}
	chain, pdiags := resolveChain(e.reg, be, c.Pipeline, c.WithoutPipeline, opts)
	if pdiags.Len() > 0 {
		fmt.Fprint(e.stderr, diag.Render(pdiags, pipelineSources(c.Pipeline)))
		if pdiags.HasErrors() {
			return ExitUsage
		}
	}

	ld := load(c.Paths, e.stdin)
	units := ld.units
	hidden := referencedOnly(units)
	outs := make([]*backends.Output, len(units))
	par.For(len(units), func(i int) {
		outs[i] = convertUnit(units[i], be, chain, opts)
	})

	w, closeOut, err := openOutput(c.Output, e.stdout)
	if err != nil {
		return e.usageError("%v", err)
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	failed := ld.orphan.HasErrors()
	var stderr diag.List
	stderr.Append(ld.orphan)
	var results []backends.Result
	for i, u := range units {
		stderr.Append(u.diags)
		if u.failed() {
			failed = true
		}
		if hidden[u] && !u.failed() {
			continue
		}
		if jsonOut {
			writeJSONLine(bw, u, c.Target, outs[i])
			continue
		}
		switch {
		case outs[i] == nil:
		case u.Correlation != nil:
			results = append(results, backends.Result{Correlation: u.Correlation, Output: outs[i]})
		default:
			results = append(results, backends.Result{Rule: u.Rule, Output: outs[i]})
		}
	}
	if !jsonOut {
		switch fin, ok := be.(backends.Finisher); {
		case chain.HasFinalizers():
			// Pipeline finalizers (concat, json, yaml) own the whole output.
			var qs []string
			for _, r := range results {
				qs = append(qs, r.Output.Queries...)
			}
			text, fd := chain.Finalize(qs)
			stderr.Append(fd)
			failed = failed || fd.HasErrors()
			bw.WriteString(text)
		case ok:
			text, fd := fin.Finish(results, opts)
			stderr.Append(fd)
			failed = failed || fd.HasErrors()
			bw.WriteString(text)
		default:
			writeQueries(bw, results)
		}
	}
	if err := bw.Flush(); err != nil {
		fmt.Fprintf(e.stderr, "sigc: writing output: %v\n", err)
		failed = true
	}
	if err := closeOut(); err != nil {
		fmt.Fprintf(e.stderr, "sigc: writing output: %v\n", err)
		failed = true
	}
	// Diagnostics go to stderr in every mode (in json mode they are also
	// inside each rule's line), so a terminal user sees why a rule failed.
	if stderr.Len() > 0 && !jsonOut {
		fmt.Fprint(e.stderr, diag.Render(stderr, ld.set.Sources))
	} else if jsonOut && ld.orphan.Len() > 0 {
		fmt.Fprint(e.stderr, diag.Render(ld.orphan, ld.set.Sources))
	}
	if failed {
		return ExitFail
	}
	return ExitOK
}

// convertUnit runs the pipeline, capability check and backend for one
// document, recording diagnostics on the unit. It returns nil on failure
// and for documents the backend has nothing to say about.
func convertUnit(u *unit, be backends.Backend, chain pipeline.Chain, opts backends.Options) *backends.Output {
	switch {
	case u.failed():
		return nil
	case u.Correlation != nil:
		return convertCorrelation(u, be, chain, opts)
	case u.Rule != nil:
		r, pd := chain.Apply(u.Rule)
		u.diags.Append(pd)
		if pd.HasErrors() || r == nil {
			return nil
		}
		// Pipelines nest what they add (add_condition wraps the query);
		// flatten before the backend sees it.
		ir.SimplifyRule(r)
		u.Rule = r
		if !be.Caps().Has(ir.CapPlaceholders) {
			// Name the rule, field and placeholder, and how to resolve it.
			if ud := pipeline.Unresolved(r); ud.Len() > 0 {
				u.diags.Append(ud)
				return nil
			}
		}
		if cd := ir.Check(r, be.Caps(), be.Name()); cd.Len() > 0 {
			u.diags.Append(cd)
			if cd.HasErrors() {
				return nil
			}
		}
		out, bd := be.Convert(r, opts)
		u.diags.Append(bd)
		if bd.HasErrors() || out == nil {
			return nil
		}
		for i, q := range out.Queries {
			pq, ppd := chain.Postprocess(r, q)
			u.diags.Append(ppd)
			out.Queries[i] = pq
		}
		return out
	}
	return nil
}

// referencedOnly returns the rules that correlations of the run refer to
// without `generate: true`: as in pySigma, the correlation's output holds
// their searches, and they are not emitted on their own.
func referencedOnly(units []*unit) map[*unit]bool {
	byRule := map[*ir.Rule]*unit{}
	for _, u := range units {
		if u.Rule != nil && u.Correlation == nil {
			byRule[u.Rule] = u
		}
	}
	out := map[*unit]bool{}
	for _, u := range units {
		if u.Correlation == nil || u.Correlation.Generate {
			continue
		}
		for _, ref := range u.Correlation.Rules {
			if r, ok := ref.(*ir.Rule); ok && byRule[r] != nil {
				out[byRule[r]] = true
			}
		}
	}
	return out
}

// convertCorrelation runs the pipelines over a correlation and the rules
// it references (the backend renders their searches inside it), then the
// backend.
func convertCorrelation(u *unit, be backends.Backend, chain pipeline.Chain, opts backends.Options) *backends.Output {
	cc, ok := be.(backends.CorrelationConverter)
	if !ok {
		u.diags.ErrorHint(diag.CodeUnsupported, u.Doc.Pos, "convert the referenced rules on their own, or use a target that supports correlations",
			"target %s cannot express correlation rules", be.Name())
		return nil
	}
	c := prepareCorrelation(chain, u)
	if c == nil {
		return nil
	}
	u.Correlation = c
	out, bd := cc.ConvertCorrelation(c, opts)
	u.diags.Append(bd)
	if bd.HasErrors() {
		return nil
	}
	return out
}

// writeQueries writes every query; multi-line queries (dumps) are
// separated by a blank line so that the stream stays unambiguous.
func writeQueries(w io.Writer, results []backends.Result) {
	multi := false
	for _, r := range results {
		for _, q := range r.Output.Queries {
			if strings.Contains(strings.TrimRight(q, "\n"), "\n") {
				multi = true
			}
		}
	}
	first := true
	for _, r := range results {
		for _, q := range r.Output.Queries {
			if multi && !first {
				io.WriteString(w, "\n")
			}
			first = false
			io.WriteString(w, strings.TrimRight(q, "\n")+"\n")
		}
	}
}

func writeJSONLine(w io.Writer, u *unit, target string, out *backends.Output) {
	rec := ruleJSON{Source: u.Doc.File, Kind: u.Doc.Kind.String(), Target: target}
	if m := u.Doc.Meta(); m != nil {
		rec.ID, rec.Title = m.ID, m.Title
	}
	if out != nil && !u.failed() {
		rec.Queries = out.Queries
	}
	rec.Diagnostics = u.diags.Items()
	b, err := json.Marshal(rec)
	if err != nil {
		b = []byte(fmt.Sprintf(`{"source":%q,"error":%q}`, u.Doc.File, err.Error()))
	}
	w.Write(append(b, '\n'))
}

func openOutput(path string, stdout io.Writer) (io.Writer, func() error, error) {
	if path == "-" || path == "" {
		return stdout, func() error { return nil }, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, nil, fmt.Errorf("cannot create output file: %w", err)
	}
	return f, f.Close, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
