package native

import (
	"github.com/sigc-dev/sigc/backends"
	"github.com/sigc-dev/sigc/ir"
	"github.com/sigc-dev/sigc/ir/diag"
)

// Backend is the `native` target. It does not print a query language: it
// compiles each rule for the matcher, and its conversion output is a dump
// of the compiled plan (Program.Plan), so golden files record what the
// matcher will evaluate. `sigc match` and `sigc test` run the plans.
type Backend struct{}

// NewBackend returns the native target.
func NewBackend() *Backend { return &Backend{} }

// Name implements backends.Backend.
func (*Backend) Name() string { return "native" }

// Description implements backends.Backend.
func (*Backend) Description() string {
	return "sigc's own matcher: the compiled evaluation plan (run it with `sigc match` / `sigc test`)"
}

// Formats implements backends.Backend.
func (*Backend) Formats() []string { return []string{"default"} }

// Caps implements backends.Backend: everything the matcher compiles, that
// is all but target query text and unresolved placeholders.
func (*Backend) Caps() ir.Caps { return ir.CapAll &^ (ir.CapQueryExpr | ir.CapPlaceholders) }

// Convert implements backends.Backend: it compiles the rule and returns
// its plan as the single query. A rule that does not compile gives its
// diagnostics and no output.
func (*Backend) Convert(r *ir.Rule, _ backends.Options) (*backends.Output, diag.List) {
	p, d := Compile(r)
	if p == nil || d.HasErrors() {
		return nil, d
	}
	return &backends.Output{Queries: []string{p.Plan()}}, d
}

// BasePipelines implements backends.PipelineProvider: Windows logsource
// routing (sigc's built-in windows-logsources pipeline), so that a rule
// only sees events of its channel and EventIDs.
func (*Backend) BasePipelines(backends.Options) []string { return []string{"windows-logsources"} }

// FormatPipelines implements backends.PipelineProvider; the one format
// needs none.
func (*Backend) FormatPipelines(backends.Options) []string { return nil }

// Pipelines implements backends.PipelineProvider: the routing pipeline is
// one of ir/pipeline's built-ins, so the backend ships no YAML of its own.
func (*Backend) Pipelines() map[string][]byte { return nil }
