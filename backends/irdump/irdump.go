// Package irdump is the `ir` target: the canonical text dump of a rule
// after lowering and pipelines (ir.Print). It is how users and golden
// tests see exactly what every other backend receives.
package irdump

import (
	"strings"

	"github.com/sigc-dev/sigc/backends"
	"github.com/sigc-dev/sigc/ir"
	"github.com/sigc-dev/sigc/ir/diag"
)

// Backend is the ir dump target.
type Backend struct{}

// New returns the ir dump backend.
func New() *Backend { return &Backend{} }

// Name implements backends.Backend.
func (*Backend) Name() string { return "ir" }

// Description implements backends.Backend.
func (*Backend) Description() string {
	return "sigc's intermediate representation as canonical text (what every backend receives)"
}

// Formats implements backends.Backend.
func (*Backend) Formats() []string { return []string{"default"} }

// Caps implements backends.Backend: the dump prints everything, including
// unresolved placeholders.
func (*Backend) Caps() ir.Caps { return ir.CapAll }

// Convert implements backends.Backend.
func (*Backend) Convert(r *ir.Rule, _ backends.Options) (*backends.Output, diag.List) {
	return &backends.Output{Queries: []string{ir.Print(r)}}, diag.List{}
}

// ConvertCorrelation implements backends.CorrelationConverter.
// The referenced detection rules are printed first, after the pipelines:
// the CLI does not emit them on their own (as pySigma), and a v1
// aggregation's generated search exists nowhere else.
func (*Backend) ConvertCorrelation(c *ir.Correlation, _ backends.Options) (*backends.Output, diag.List) {
	var b strings.Builder
	for _, ref := range c.Rules {
		if r, ok := ref.(*ir.Rule); ok {
			b.WriteString(ir.Print(r))
			b.WriteString("\n")
		}
	}
	b.WriteString(ir.PrintCorrelation(c))
	return &backends.Output{Queries: []string{b.String()}}, diag.List{}
}
