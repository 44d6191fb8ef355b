// Package backends defines the one shape every target has (Backend), the
// options and output they share, and the Registry that lists them.
//
// Input: lowered, pipeline-processed ir.Rules. Output: query text (or a
// JSON document, or a matcher plan) per rule. Backends import only ir,
// ir/diag, ir/pipeline and this package; never the rule model.
package backends

import (
	"fmt"
	"sort"

	"github.com/sigc-dev/sigc/ir"
	"github.com/sigc-dev/sigc/ir/diag"
)

// Options are the per-run settings of a conversion.
type Options struct {
	// Format selects an output format of the backend ("" = "default").
	Format string
	// Params are the -O key=value backend options, in order of appearance.
	Params map[string]string
}

// Param returns a backend option or def when it is not set.
func (o Options) Param(key, def string) string {
	if v, ok := o.Params[key]; ok {
		return v
	}
	return def
}

// Output is what a backend produces for one rule.
type Output struct {
	// Queries holds one query per Sigma condition (a JSON document for
	// JSON-based targets), as text.
	Queries []string
}

// Backend is a conversion target.
type Backend interface {
	// Name is the target name used with -t.
	Name() string
	// Description is one line for `sigc list targets`.
	Description() string
	// Formats lists the output formats; the first is the default.
	Formats() []string
	// Caps is what the target can express; ir.Check runs against it before
	// Convert is called.
	Caps() ir.Caps
	// Convert renders one rule. Diagnostics with errors mean no output.
	Convert(r *ir.Rule, o Options) (*Output, diag.List)
}

// PipelineProvider is implemented by backends that ship built-in
// pipelines: the names of the pipelines always applied first (pySigma's
// backend default pipeline), and the YAML sources of pipelines a user may
// select with -p.
type PipelineProvider interface {
	// BasePipelines names the pipelines applied before the user's ones.
	BasePipelines(o Options) []string
	// FormatPipelines names the pipelines an output format requires,
	// applied after the user's ones (pySigma's format pipeline).
	FormatPipelines(o Options) []string
	// Pipelines returns the backend's named pipelines: name → YAML source.
	Pipelines() map[string][]byte
}

// CorrelationConverter is implemented by backends that render correlation
// rules.
type CorrelationConverter interface {
	ConvertCorrelation(c *ir.Correlation, o Options) (*Output, diag.List)
}

// Finisher is implemented by backends whose output format wraps all
// rules' queries in one document (a savedsearches.conf, a JSON list).
type Finisher interface {
	// Finish assembles the whole output from every converted rule.
	Finish(results []Result, o Options) (string, diag.List)
}

// Result pairs a converted rule or correlation with its output, for
// Finisher. Exactly one of Rule and Correlation is set.
type Result struct {
	Rule        *ir.Rule
	Correlation *ir.Correlation
	Output      *Output
}

// Meta returns the attributes of whichever document the result is for.
func (r Result) Meta() *ir.Meta {
	switch {
	case r.Rule != nil:
		return &r.Rule.Meta
	case r.Correlation != nil:
		return &r.Correlation.Meta
	}
	return nil
}

// Registry is the list of available backends, by name.
type Registry struct {
	byName map[string]Backend
	names  []string
}

// NewRegistry builds a registry; two backends with one name are a bug.
func NewRegistry(bs ...Backend) (*Registry, error) {
	r := &Registry{byName: map[string]Backend{}}
	for _, b := range bs {
		if _, dup := r.byName[b.Name()]; dup {
			return nil, fmt.Errorf("backends: duplicate target name %q", b.Name())
		}
		r.byName[b.Name()] = b
		r.names = append(r.names, b.Name())
	}
	sort.Strings(r.names)
	return r, nil
}

// Lookup returns the backend called name.
func (r *Registry) Lookup(name string) (Backend, bool) {
	b, ok := r.byName[name]
	return b, ok
}

// Names returns the target names, sorted.
func (r *Registry) Names() []string { return append([]string(nil), r.names...) }
