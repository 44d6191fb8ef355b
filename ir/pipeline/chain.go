package pipeline

import (
	"slices"

	"github.com/sigc-dev/sigc/ir"
	"github.com/sigc-dev/sigc/ir/diag"
)

// Chain is the ordered list of pipelines applied to every rule: the
// backend's base pipelines, then the resolved user pipelines, then the
// output format's pipeline (pySigma's order).
type Chain []*Pipeline

// NewChain concatenates the three groups in pySigma's order.
func NewChain(base, user, format []*Pipeline) Chain {
	c := make(Chain, 0, len(base)+len(user)+len(format))
	c = append(c, base...)
	c = append(c, user...)
	return append(c, format...)
}

// Vars returns the placeholder values of the chain: the vars of every
// pipeline merged, a later pipeline overriding an earlier one per name.
func (c Chain) Vars() map[string][]any {
	out := map[string][]any{}
	for _, p := range c {
		for k, v := range p.Vars {
			out[k] = v
		}
	}
	return out
}

// CheckBackend reports every built-in pipeline of the chain whose
// allowed_backends excludes backend. Pipelines read from files are never
// checked, as in pySigma.
func (c Chain) CheckBackend(backend string) diag.List {
	var l diag.List
	for _, p := range c {
		if p.Builtin && len(p.AllowedBackends) > 0 && !slices.Contains(p.AllowedBackends, backend) {
			l.ErrorHint(diag.CodePipelineBackend, diag.Pos{File: p.Source},
				"choose a pipeline made for this target, or pass --without-pipeline",
				"pipeline %q is for %v, not for target %s", p.Name, p.AllowedBackends, backend)
		}
	}
	return l
}

func (c Chain) newEnv(vars map[string][]any, l *diag.List) *env {
	return &env{applied: map[string]bool{}, fieldApplied: map[string][]string{}, vars: vars, l: l}
}

// Apply runs every item of the chain, in order, on a copy of r; r itself
// is never modified. Pipeline state (set_state, applied items, mapped
// fields) starts empty for every rule. Errors come from rule_failure,
// detection_item_failure, strict_field_mapping_failure and value
// transformations that cannot apply; an unresolved placeholder is not an
// error here (see Unresolved).
func (c Chain) Apply(r *ir.Rule) (*ir.Rule, diag.List) {
	var l diag.List
	out := ir.CloneRule(r)
	out.State = map[string]any{}
	e := c.newEnv(c.Vars(), &l)
	e.rule, e.meta, e.state = out, &out.Meta, out.State
	had := len(out.Queries)
	for _, p := range c {
		e.pipe = p
		for _, it := range p.Items {
			it.run(e)
		}
	}
	if had > 0 && len(out.Queries) == 0 {
		l.Warnf(diag.CodePipelineFailure, r.Pos,
			"rule %q: the pipelines dropped every detection item; it produces no query", r.Title)
	}
	return out, l
}

// ApplyCorrelation runs the chain on a copy of a correlation rule. Field
// name transformations map its group-by fields, alias targets and
// condition fields; rule_failure and the rule-level edits that make sense
// for a correlation (set_custom_attribute, set_state, fields) apply too.
// Transformations of detection values have nothing to act on.
func (c Chain) ApplyCorrelation(corr *ir.Correlation) (*ir.Correlation, diag.List) {
	var l diag.List
	out := *corr
	out.GroupBy = slices.Clone(corr.GroupBy)
	out.Fields = slices.Clone(corr.Fields)
	out.Tags = slices.Clone(corr.Tags)
	out.Custom = slices.Clone(corr.Custom)
	out.Aliases = make([]ir.Alias, len(corr.Aliases))
	for i, a := range corr.Aliases {
		out.Aliases[i] = ir.Alias{Name: a.Name, ByRule: slices.Clone(a.ByRule)}
	}
	if corr.Condition != nil {
		cc := *corr.Condition
		cc.Field = slices.Clone(cc.Field)
		out.Condition = &cc
	}
	e := c.newEnv(c.Vars(), &l)
	e.corr, e.meta, e.state = &out, &out.Meta, map[string]any{}
	for _, p := range c {
		e.pipe = p
		for _, it := range p.Items {
			it.run(e)
		}
	}
	return &out, l
}

// run applies the item when its rule conditions hold.
func (it *Item) run(e *env) {
	if !it.rule.eval(func(c ruleCond) bool { return c.testRule(e) }) {
		return
	}
	it.t.apply(e, it)
	if it.ID != "" {
		e.applied[it.ID] = true
	}
}

// fieldOK evaluates the item's field-name conditions for name ("" for a
// keyword).
func (it *Item) fieldOK(e *env, name string) bool {
	return it.field.eval(func(c fieldCond) bool { return c.testField(e, name) })
}

// matchOK evaluates the detection-item conditions for m and, unless the
// transformation checks field names itself, the field-name conditions.
func (it *Item) matchOK(e *env, m *ir.Match, checkField bool) bool {
	if !it.det.eval(func(c detCond) bool { return c.testMatch(e, m) }) {
		return false
	}
	return !checkField || it.fieldOK(e, m.Field)
}

// eachMatch replaces every Match of the rule that passes the item's
// conditions by fn's result; nil removes the Match (see rewriteExpr).
// checkField says whether the field-name conditions gate the Match here
// (field renames test them per name themselves).
func (it *Item) eachMatch(e *env, checkField bool, fn func(m *ir.Match) ir.Expr) {
	r := e.rule
	if r == nil {
		return
	}
	qs := r.Queries[:0]
	for _, q := range r.Queries {
		q.Expr = rewriteExpr(q.Expr, func(m *ir.Match) ir.Expr {
			if !it.matchOK(e, m, checkField) {
				return m
			}
			return fn(m)
		})
		if q.Expr != nil {
			qs = append(qs, q)
		}
	}
	r.Queries = qs
}

// rewriteExpr rewrites the Matches of x in place (x belongs to a cloned
// rule). fn returning nil removes the Match from its parent, and a node
// left without operands is removed in turn — an emptied And or Or, and a
// Not whose operand vanished — up to the query, which then yields nil.
//
// Why removal rather than a constant: pySigma drops the detection item
// from its selection and an emptied selection from the condition. Turning
// a dropped item into `true` would be right inside an And but would make
// `not filter` false and an Or always true; removal keeps `sel and not
// filter` meaning `sel` when the whole filter is dropped.
func rewriteExpr(x ir.Expr, fn func(*ir.Match) ir.Expr) ir.Expr {
	switch n := x.(type) {
	case *ir.Match:
		return fn(n)
	case *ir.And:
		return rewriteJunction(n, n.Terms, fn, func(t []ir.Expr) { n.Terms = t })
	case *ir.Or:
		return rewriteJunction(n, n.Terms, fn, func(t []ir.Expr) { n.Terms = t })
	case *ir.Not:
		y := rewriteExpr(n.X, fn)
		if y == nil {
			return nil
		}
		n.X = y
		return n
	}
	return x
}

func rewriteJunction(n ir.Expr, terms []ir.Expr, fn func(*ir.Match) ir.Expr, set func([]ir.Expr)) ir.Expr {
	out := terms[:0]
	for _, t := range terms {
		if y := rewriteExpr(t, fn); y != nil {
			out = append(out, y)
		}
	}
	if len(out) == 0 && len(terms) > 0 {
		return nil
	}
	set(out)
	return n
}

// markApplied records id on m without sharing its Applied array with
// other copies (ir.Clone shares it).
func markApplied(m *ir.Match, id string) {
	if id != "" && !slices.Contains(m.Applied, id) {
		m.Applied = append(m.Applied[:len(m.Applied):len(m.Applied)], id)
	}
}

// Unresolved reports every placeholder left in r after the chain, one
// diagnostic per placeholder naming the rule, the field and the
// placeholder, at the Match's position. Backends call it (or ir.Check)
// before printing; the ir dump target prints placeholders as they are.
func Unresolved(r *ir.Rule) diag.List {
	var l diag.List
	for _, q := range r.Queries {
		for _, m := range ir.Matches(q.Expr) {
			s, ok := m.Value.(ir.String)
			if !ok {
				continue
			}
			field := m.Field
			if m.IsKeyword() {
				field = "(keyword)"
			}
			for _, t := range s.Pattern {
				if t.Kind == ir.TokPlaceholder {
					l.ErrorHint(diag.CodePipelinePlaceholder, m.P,
						"define it under vars: in a pipeline with a value_placeholders item, or use wildcard_placeholders",
						"rule %q: field %s: placeholder %%%s%% is not resolved", r.Title, field, t.Text)
				}
			}
		}
	}
	return l
}
