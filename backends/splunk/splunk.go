package splunk

import (
	"embed"
	"strings"

	"github.com/sigc-dev/sigc/backends"
	"github.com/sigc-dev/sigc/ir"
	"github.com/sigc-dev/sigc/ir/diag"
)

// Output formats.
const (
	FormatDefault       = "default"
	FormatSavedSearches = "savedsearches"
	FormatDataModel     = "data_model"
)

//go:embed pipelines/*.yml
var pipelineFS embed.FS

// pipelineNames lists the shipped pipelines; each is pipelines/<name>.yml.
var pipelineNames = []string{"splunk_windows", "splunk_sysmon", "splunk_cim"}

// Backend is the Splunk SPL target. It holds no state: one value may
// convert rules from many goroutines at once.
type Backend struct{}

// New returns the Splunk backend.
func New() *Backend { return &Backend{} }

// Name implements backends.Backend.
func (*Backend) Name() string { return "splunk" }

// Description implements backends.Backend.
func (*Backend) Description() string {
	return "Splunk SPL searches (exact: regex, fieldref, cased, ? and keywords via | where)"
}

// Formats implements backends.Backend.
func (*Backend) Formats() []string {
	return []string{FormatDefault, FormatSavedSearches, FormatDataModel}
}

// Caps implements backends.Backend. Every construct has an exact SPL form
// except time-part modifiers (left out: SPL has no reliable way to parse an
// arbitrary timestamp string of an event field) and unresolved
// placeholders.
func (*Backend) Caps() ir.Caps {
	return ir.CapRegex | ir.CapCIDR | ir.CapCased | ir.CapKeywords | ir.CapGlob | ir.CapFieldRef |
		ir.CapCompare | ir.CapNull | ir.CapExists | ir.CapQueryExpr
}

// BasePipelines implements backends.PipelineProvider: no pipeline is
// applied unless the user asks for one (pySigma's Splunk backend has no
// default pipeline either); the data_model format needs splunk_cim, which
// the user selects with -p, and Convert reports its absence.
func (*Backend) BasePipelines(backends.Options) []string { return nil }

// FormatPipelines implements backends.PipelineProvider. data_model needs
// splunk_cim, but pySigma makes the user name it (-p splunk_cim) so that
// a custom CIM mapping can replace it; we do the same.
func (*Backend) FormatPipelines(backends.Options) []string { return nil }

// Pipelines implements backends.PipelineProvider.
func (*Backend) Pipelines() map[string][]byte {
	out := make(map[string][]byte, len(pipelineNames))
	for _, n := range pipelineNames {
		src, err := pipelineFS.ReadFile("pipelines/" + n + ".yml")
		if err == nil { // embedded at build time: always present
			out[n] = src
		}
	}
	return out
}

// Convert implements backends.Backend: one SPL search per condition.
func (*Backend) Convert(r *ir.Rule, o backends.Options) (*backends.Output, diag.List) {
	var l diag.List
	rd := renderer{l: &l}
	out := &backends.Output{Queries: make([]string, 0, len(r.Queries))}
	format := o.Format
	if format == "" {
		format = FormatDefault
	}
	var dm *dataModel
	if format == FormatDataModel {
		dm = dataModelOf(r, &l)
		if dm == nil {
			return nil, l
		}
	}
	table := ""
	if dm == nil {
		table = tableCommand(r, &l)
	}
	for _, q := range r.Queries {
		if q.Expr == nil {
			l.Errorf(diag.CodeInternal, q.Pos, "splunk: condition %q has no expression", q.Condition)
			continue
		}
		if strings.ContainsAny(queryExprText(q.Expr), "\r\n") {
			l.Errorf(diag.CodeUnsupported, q.Pos, "target splunk cannot insert a query expression that spans several lines")
			continue
		}
		pq := rd.render(q.Expr)
		if dm != nil {
			out.Queries = append(out.Queries, dm.query(pq, q.Pos, &l))
			continue
		}
		s := pq.String()
		if table != "" {
			s += " | " + table
		}
		out.Queries = append(out.Queries, s)
	}
	if l.HasErrors() {
		return nil, l
	}
	return out, l
}

// queryExprText concatenates the query expressions of e (usually none).
func queryExprText(e ir.Expr) string {
	var b strings.Builder
	ir.Walk(e, func(x ir.Expr) bool {
		if m, ok := x.(*ir.Match); ok {
			if q, ok := m.Value.(ir.QueryExpr); ok {
				b.WriteString(q.Text)
			}
		}
		return true
	})
	return b.String()
}

// tableCommand returns `table f1,f2` for the rule's fields list, as
// pySigma does, or "" when the rule lists none.
func tableCommand(r *ir.Rule, l *diag.List) string {
	if len(r.Fields) == 0 {
		return ""
	}
	fs := make([]string, 0, len(r.Fields))
	for _, f := range r.Fields {
		q, ok := searchField(f)
		if !ok {
			l.Warnf(diag.CodeUnsupported, r.Pos, "splunk: field %q of the fields list cannot be written in | table; left out", f)
			continue
		}
		fs = append(fs, q)
	}
	if len(fs) == 0 {
		return ""
	}
	return "table " + strings.Join(fs, ",")
}

// Finish implements backends.Finisher. default and data_model: one search
// per line (no emitted search contains a line break, so the stream is
// unambiguous); savedsearches: a savedsearches.conf.
func (*Backend) Finish(results []backends.Result, o backends.Options) (string, diag.List) {
	if o.Format == FormatSavedSearches {
		return savedSearches(results, o)
	}
	var b strings.Builder
	for _, r := range results {
		if r.Output == nil {
			continue
		}
		for _, q := range r.Output.Queries {
			b.WriteString(q)
			b.WriteByte('\n')
		}
	}
	return b.String(), diag.List{}
}
