// Package lower turns the rule model (package rules) into the IR (package
// ir): it resolves search identifiers and `x of` quantifiers, applies every
// value modifier, parses values into patterns and stamps a position on
// every node. It is the only package that sees both sides (OPA's planner,
// sqlc's shim).
//
// Input: rules.Documents. Output: ir.Rules and ir.Correlations plus the
// diagnostics of everything that could not be lowered.
package lower

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/sigc-dev/sigc/ir"
	"github.com/sigc-dev/sigc/ir/diag"
	"github.com/sigc-dev/sigc/ir/par"
	"github.com/sigc-dev/sigc/rules"
	"github.com/sigc-dev/sigc/rules/condition"
)

// MaxNodes caps the size of one lowered rule. Quantifiers and value lists
// multiply; a rule past this is refused rather than allowed to exhaust
// memory in a backend.
const MaxNodes = 200_000

type lowerer struct {
	diags diag.List
	// searches caches each search identifier's expression, lowered once.
	searches map[string]ir.Expr
	det      *rules.Detection
	// quiet suppresses advisory warnings (used when lowering filters, whose
	// warnings were already reported on their own document).
	quiet bool
}

// Rule lowers a detection rule document. The rule is nil when it has
// errors; the list may also hold warnings for a usable rule.
func Rule(doc *rules.Document) (*ir.Rule, diag.List) {
	if doc.Rule == nil {
		var l diag.List
		l.Errorf(diag.CodeInternal, doc.Pos, "document is a %s, not a detection rule", doc.Kind)
		return nil, l
	}
	r := doc.Rule
	lw := &lowerer{}
	out := &ir.Rule{
		Meta:      meta(&r.Meta, doc.Pos),
		Logsource: logsource(&r.Logsource),
		Fields:    append([]string(nil), r.Fields...),
	}
	out.Queries = lw.detection(&r.Detection)
	if lw.diags.HasErrors() {
		return nil, lw.diags
	}
	return out, lw.diags
}

// detection lowers every condition of a detection section to a query.
func (lw *lowerer) detection(d *rules.Detection) []ir.Query {
	lw.det = d
	lw.searches = map[string]ir.Expr{}
	var qs []ir.Query
	for _, c := range d.Conditions {
		if c.Expr == nil {
			continue // the loader reported why
		}
		e := lw.cond(c.Expr)
		if e == nil {
			continue
		}
		e = ir.Simplify(e)
		if n := ir.CountNodes(e); n > MaxNodes {
			lw.diags.ErrorHint(diag.CodeCondTooLarge, c.Pos, "split the rule into several rules",
				"condition lowers to %d nodes, over the limit of %d", n, MaxNodes)
			continue
		}
		qs = append(qs, ir.Query{Pos: c.Pos, Condition: c.Text, Expr: e})
	}
	return qs
}

// cond lowers a condition AST node.
func (lw *lowerer) cond(e condition.Expr) ir.Expr {
	switch n := e.(type) {
	case *condition.And:
		return lw.junction(n.P, n.Terms, true)
	case *condition.Or:
		return lw.junction(n.P, n.Terms, false)
	case *condition.Not:
		x := lw.cond(n.X)
		if x == nil {
			return nil
		}
		return &ir.Not{P: n.P, X: x}
	case *condition.Ref:
		return lw.search(n.Name, n.P)
	case *condition.Quant:
		names := lw.quantNames(n)
		if len(names) == 0 {
			// Warned about by the loader (cond/pattern-empty). An empty OR
			// is false and an empty AND is true; pySigma drops the term,
			// which gives the same result wherever the term is combined
			// with others.
			return &ir.Const{P: n.P, Value: n.All}
		}
		terms := make([]ir.Expr, 0, len(names))
		for _, name := range names {
			x := lw.search(name, n.P)
			if x == nil {
				return nil
			}
			terms = append(terms, x)
		}
		if n.All {
			return ir.NewAnd(n.P, terms...)
		}
		return ir.NewOr(n.P, terms...)
	}
	lw.diags.Errorf(diag.CodeInternal, e.Pos(), "unknown condition node %T", e)
	return nil
}

func (lw *lowerer) junction(p diag.Pos, ts []condition.Expr, isAnd bool) ir.Expr {
	terms := make([]ir.Expr, 0, len(ts))
	for _, t := range ts {
		x := lw.cond(t)
		if x == nil {
			return nil
		}
		terms = append(terms, x)
	}
	if isAnd {
		return &ir.And{P: p, Terms: terms}
	}
	return &ir.Or{P: p, Terms: terms}
}

// quantNames returns the search identifiers a quantifier ranges over, in
// document order. `them` and patterns not starting with `_` skip
// identifiers that start with `_` (pySigma's rule for private searches).
func (lw *lowerer) quantNames(q *condition.Quant) []string {
	var out []string
	for _, s := range lw.det.Searches {
		if strings.HasPrefix(s.Name, "_") && (q.Them || !strings.HasPrefix(q.Pattern, "_")) {
			continue
		}
		if globMatch(q.Pattern, s.Name) {
			out = append(out, s.Name)
		}
	}
	return out
}

// globMatch matches name against a quantifier pattern in which only `*`
// is special (any run of characters, including none).
func globMatch(pattern, name string) bool {
	star := strings.IndexByte(pattern, '*')
	if star < 0 {
		return pattern == name
	}
	if !strings.HasPrefix(name, pattern[:star]) {
		return false
	}
	name, pattern = name[star:], pattern[star+1:]
	// Each further literal segment must appear in order; the last one
	// must end the name.
	for {
		next := strings.IndexByte(pattern, '*')
		if next < 0 {
			return len(name) >= len(pattern) && strings.HasSuffix(name, pattern)
		}
		i := strings.Index(name, pattern[:next])
		if i < 0 {
			return false
		}
		name, pattern = name[i+next:], pattern[next+1:]
	}
}

// search returns the (cached) expression of a search identifier. The
// result is cloned on every use so that no two places in a rule share a
// node that a pipeline might rewrite.
func (lw *lowerer) search(name string, at diag.Pos) ir.Expr {
	if e, ok := lw.searches[name]; ok {
		if e == nil {
			return nil
		}
		return ir.Clone(e)
	}
	s := lw.det.Search(name)
	if s == nil {
		// The loader reports undefined identifiers; this guards direct use.
		lw.diags.Errorf(diag.CodeCondUndefined, at, "search identifier %q is not defined in the detection", name)
		lw.searches[name] = nil
		return nil
	}
	e := lw.searchExpr(s)
	lw.searches[name] = e
	if e == nil {
		return nil
	}
	return ir.Clone(e)
}

// searchExpr lowers a search: OR of its elements; a map element is the AND
// of its items.
func (lw *lowerer) searchExpr(s *rules.Search) ir.Expr {
	if len(s.Elems) == 0 {
		lw.diags.ErrorHint(diag.CodeDetection, s.Pos, "give it a map of field: value pairs or a list of keywords",
			"search identifier %q is empty", s.Name)
		return nil
	}
	var alts []ir.Expr
	failed := false
	for _, el := range s.Elems {
		if !el.IsMap {
			if el.Keyword == nil || el.Keyword.Kind == rules.ValNull {
				lw.diags.ErrorHint(diag.CodeDetection, el.Pos, "give it a map of field: value pairs or a list of keywords",
					"search identifier %q has no value", s.Name)
				failed = true
				continue
			}
			it := &rules.Item{Pos: el.Pos, Values: []rules.Value{*el.Keyword}, ValuePos: el.Pos}
			if x := lw.item(it); x != nil {
				alts = append(alts, x)
			} else {
				failed = true
			}
			continue
		}
		if len(el.Items) == 0 {
			lw.diags.ErrorHint(diag.CodeDetection, el.Pos, "add at least one field: value pair",
				"selection in %q is an empty map", s.Name)
			failed = true
			continue
		}
		terms := make([]ir.Expr, 0, len(el.Items))
		for _, it := range el.Items {
			x := lw.item(it)
			if x == nil {
				failed = true
				continue
			}
			terms = append(terms, x)
		}
		alts = append(alts, ir.NewAnd(el.Pos, terms...))
	}
	if failed {
		return nil
	}
	return ir.NewOr(s.Pos, alts...)
}

// meta copies the common attributes.
func meta(m *rules.Meta, pos diag.Pos) ir.Meta {
	out := ir.Meta{
		Pos: pos, ID: m.ID, Name: m.Name, Title: m.Title, Status: m.Status, Level: m.Level,
		Description: m.Description, Author: m.Author, License: m.License, Taxonomy: m.Taxonomy,
		Date: m.Date, Modified: m.Modified,
		References:     append([]string(nil), m.References...),
		Tags:           append([]string(nil), m.Tags...),
		Falsepositives: append([]string(nil), m.Falsepositives...),
		Scope:          append([]string(nil), m.Scope...),
	}
	for _, r := range m.Related {
		out.Related = append(out.Related, ir.Related{ID: r.ID, Type: r.Type})
	}
	for _, a := range m.Custom {
		out.Custom = append(out.Custom, ir.Attr{Key: a.Key, Value: a.Value})
	}
	return out
}

func logsource(l *rules.Logsource) ir.Logsource {
	out := ir.Logsource{Category: l.Category, Product: l.Product, Service: l.Service, Definition: l.Definition}
	for _, a := range l.Custom {
		out.Custom = append(out.Custom, ir.Attr{Key: a.Key, Value: a.Value})
	}
	return out
}

// Lowered is the result of lowering one document.
type Lowered struct {
	Doc         *rules.Document
	Rule        *ir.Rule        // set for detection rules that lowered
	Correlation *ir.Correlation // set for correlation rules that lowered
	// Diags holds the document's own diagnostics from lowering (the
	// loader's diagnostics are not repeated here).
	Diags diag.List
}

// OK reports whether the document lowered without errors.
func (l *Lowered) OK() bool { return !l.Diags.HasErrors() && (l.Rule != nil || l.Correlation != nil) }

// Collection lowers a set of documents together: rules first, then the
// filters that apply to them (ANDed into their queries), then correlations,
// whose rule references resolve against the whole set by id, then name.
// Filter documents produce no Lowered entry of their own; their errors are
// reported on the first rule they would apply to, or on an entry for the
// filter document when it applies to none.
func Collection(docs []*rules.Document) []*Lowered {
	var out []*Lowered
	byRef := map[string]*Lowered{}
	var filters []*rules.Document
	// Rules lower independently: spread them over the cores.
	rulesOut := make([]*Lowered, len(docs))
	par.For(len(docs), func(i int) {
		d := docs[i]
		if d.Kind != rules.KindRule {
			return
		}
		r, l := Rule(d)
		lo := &Lowered{Doc: d, Rule: r, Diags: l}
		if r != nil && hasAggregation(d) {
			lo.Correlation = aggregation(d, r, &lo.Diags)
			if lo.Correlation == nil {
				lo.Rule = nil
			}
		}
		rulesOut[i] = lo
	})
	for i, d := range docs {
		switch d.Kind {
		case rules.KindRule:
			out = append(out, rulesOut[i])
			register(byRef, d, rulesOut[i])
		case rules.KindFilter:
			filters = append(filters, d)
		}
	}
	for _, f := range filters {
		out = append(out, applyFilter(f, out)...)
	}
	for _, d := range docs {
		if d.Kind == rules.KindCorrelation {
			lo := &Lowered{Doc: d}
			register(byRef, d, lo)
			out = append(out, lo)
		}
	}
	// Correlations may refer to correlations, in any order: resolve them
	// depth-first, refusing cycles.
	state := map[*Lowered]int{} // 1 = in progress, 2 = done
	var resolve func(lo *Lowered)
	resolve = func(lo *Lowered) {
		if lo.Doc.Kind != rules.KindCorrelation || state[lo] == 2 {
			return
		}
		state[lo] = 1
		for _, ref := range lo.Doc.Correlation.Rules {
			if dep, ok := byRef[ref.Name]; ok && dep != lo {
				if state[dep] == 1 {
					lo.Diags.Errorf(diag.CodeCorrelationRef, ref.Pos, "correlation reference %q forms a cycle", ref.Name)
					continue
				}
				resolve(dep)
			}
		}
		if !lo.Diags.HasErrors() {
			lo.Correlation = correlation(lo.Doc, byRef, &lo.Diags)
		}
		state[lo] = 2
	}
	for _, lo := range out {
		resolve(lo)
	}
	return out
}

func hasAggregation(d *rules.Document) bool {
	for _, c := range d.Rule.Detection.Conditions {
		if c.Agg != nil {
			return true
		}
	}
	return false
}

func register(byRef map[string]*Lowered, d *rules.Document, lo *Lowered) {
	m := d.Meta()
	if m.ID != "" {
		byRef[m.ID] = lo
	}
	if m.Name != "" {
		if _, taken := byRef[m.Name]; !taken {
			byRef[m.Name] = lo
		}
	}
}

// applyFilter ANDs a filter's condition into every rule it names whose
// logsource it matches (the specification's filters; pySigma's semantics:
// the filter's condition is used as written, so it normally says `not`).
func applyFilter(f *rules.Document, lowered []*Lowered) []*Lowered {
	flt := f.Filter
	lw := &lowerer{quiet: true}
	qs := lw.detection(&flt.Detection)
	if lw.diags.HasErrors() || len(qs) == 0 {
		lo := &Lowered{Doc: f, Diags: lw.diags}
		if len(qs) == 0 && !lw.diags.HasErrors() {
			lo.Diags.Errorf(diag.CodeFilter, f.Pos, "filter has no usable condition")
		}
		return []*Lowered{lo}
	}
	fexpr := qs[0].Expr
	refs := map[string]bool{}
	for _, r := range flt.Rules {
		refs[r.Name] = true
	}
	matched := map[string]bool{}
	for _, lo := range lowered {
		if lo.Rule == nil {
			continue
		}
		r := lo.Rule
		hit := flt.Any
		for _, key := range []string{r.ID, r.Name} {
			if key != "" && refs[key] {
				hit = true
				matched[key] = true
			}
		}
		if !hit || !logsourceCovers(flt.Logsource, r.Logsource) {
			continue
		}
		for i := range r.Queries {
			q := &r.Queries[i]
			q.Expr = ir.Simplify(&ir.And{P: q.Pos, Terms: []ir.Expr{q.Expr, ir.Clone(fexpr)}})
		}
		r.SetCustom("sigc_filters", appendFilterTitle(r, flt.Title))
	}
	// A filter naming a rule that is not in this run is normal (filters are
	// kept for a whole rule repository); say so without failing.
	var l diag.List
	for _, ref := range flt.Rules {
		if !matched[ref.Name] {
			l.Add(diag.Diagnostic{Code: diag.CodeFilterRef, Severity: diag.Warning, Pos: ref.Pos,
				Msg:  fmt.Sprintf("filter refers to rule %q, which is not among the rules loaded", ref.Name),
				Hint: "give the id or name of a rule passed in the same run"})
		}
	}
	if l.Len() > 0 {
		return []*Lowered{{Doc: f, Diags: l}}
	}
	return nil
}

func appendFilterTitle(r *ir.Rule, title string) []any {
	prev, _ := r.CustomValue("sigc_filters")
	list, _ := prev.([]any)
	return append(list, title)
}

// logsourceCovers reports whether every field the filter's logsource
// specifies equals the rule's.
func logsourceCovers(f rules.Logsource, r ir.Logsource) bool {
	return (f.Category == "" || f.Category == r.Category) &&
		(f.Product == "" || f.Product == r.Product) &&
		(f.Service == "" || f.Service == r.Service)
}

var timespanRE = regexp.MustCompile(`^(\d+)([smhdwMy])$`)

// parseTimespan reads a Sigma timespan: a number and one of s m h d w M y
// (M = 30.44 days, y = 365.24 days, as pySigma).
func parseTimespan(s string) (time.Duration, bool) {
	m := timespanRE.FindStringSubmatch(s)
	if m == nil {
		return 0, false
	}
	n, err := strconv.Atoi(m[1])
	if err != nil {
		return 0, false
	}
	unit := map[string]time.Duration{"s": time.Second, "m": time.Minute, "h": time.Hour, "d": 24 * time.Hour,
		"w": 7 * 24 * time.Hour, "M": 2629746 * time.Second, "y": 31556952 * time.Second}[m[2]]
	return time.Duration(n) * unit, true
}

// correlation lowers a correlation rule, resolving its rule references.
func correlation(d *rules.Document, byRef map[string]*Lowered, l *diag.List) *ir.Correlation {
	c := d.Correlation
	out := &ir.Correlation{
		Meta:         meta(&c.Meta, d.Pos),
		Type:         ir.CorrelationType(c.Type),
		GroupBy:      append([]string(nil), c.GroupBy...),
		Timespan:     c.Timespan,
		Generate:     c.Generate,
		Fields:       append([]string(nil), c.Fields...),
		ConditionPos: c.Pos,
	}
	if d, ok := parseTimespan(c.Timespan); ok {
		out.TimespanDur = d
	} else {
		l.ErrorHint(diag.CodeTimespan, c.TimespanPos, "write a number and a unit: 30s, 5m, 1h, 7d",
			"invalid timespan %q", c.Timespan)
	}
	for _, ref := range c.Rules {
		lo, ok := byRef[ref.Name]
		if !ok {
			l.ErrorHint(diag.CodeCorrelationRef, ref.Pos, "pass the referenced rule in the same run (same file or another input path)",
				"correlation refers to rule %q, which is not among the rules loaded", ref.Name)
			continue
		}
		out.RuleRefs = append(out.RuleRefs, ref.Name)
		switch {
		case lo.Rule != nil:
			out.Rules = append(out.Rules, lo.Rule)
			if out.Logsource.Category == "" && out.Logsource.Product == "" && out.Logsource.Service == "" {
				out.Logsource = lo.Rule.Logsource
			}
		case lo.Correlation != nil:
			out.Rules = append(out.Rules, lo.Correlation)
		default:
			l.Errorf(diag.CodeCorrelationRef, ref.Pos, "referenced rule %q has errors", ref.Name)
		}
	}
	if cc := c.Condition; cc != nil {
		op := map[string]ir.Op{"gt": ir.OpGt, "gte": ir.OpGte, "lt": ir.OpLt, "lte": ir.OpLte, "eq": ir.OpEq, "neq": ir.OpEq}[cc.Op]
		out.Condition = &ir.CorrelationCondition{Op: op, Negate: cc.Op == "neq", Value: cc.Value,
			Field: append([]string(nil), cc.Field...), Percentile: cc.Percentile}
	} else if c.Extended == "" && (out.Type == ir.Temporal || out.Type == ir.TemporalOrdered) {
		// The specification's default for temporal correlations: every
		// referenced rule fires within the timespan.
		out.Condition = &ir.CorrelationCondition{Op: ir.OpGte, Value: float64(len(c.Rules))}
	}
	if c.Extended != "" {
		l.ErrorHint(diag.CodeCorrelation, c.ExtendedPos, "use the map form, e.g. condition: {gte: 2}",
			"string conditions on correlations (pySigma's extended temporal form) are not supported")
	}
	for _, a := range c.Aliases {
		al := ir.Alias{Name: a.Name}
		for _, br := range a.ByRule {
			al.ByRule = append(al.ByRule, ir.Attr{Key: br.Key, Value: br.Value})
		}
		out.Aliases = append(out.Aliases, al)
	}
	if l.HasErrors() {
		return nil
	}
	return out
}
