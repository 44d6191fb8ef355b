package pipeline

import (
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/sigc-dev/sigc/ir/diag"
)

// gate combines the conditions of one scope (rule, detection item or field
// name) of a processing item: all of them (rule_cond_op: and, the
// default), any of them (or), or a boolean expression over their names
// (rule_cond_expr), optionally negated (rule_cond_not).
type gate[C any] struct {
	conds []C
	expr  *bexpr // nil: combine with or/and
	or    bool
	not   bool
}

// eval evaluates the gate; test evaluates one condition. A gate without
// conditions is true (pySigma: no conditions means "always apply"), and
// rule_cond_not does not invert that.
func (g *gate[C]) eval(test func(C) bool) bool {
	if len(g.conds) == 0 {
		return true
	}
	var v bool
	switch {
	case g.expr != nil:
		v = g.expr.eval(func(i int) bool { return test(g.conds[i]) })
	case g.or:
		for _, c := range g.conds {
			if test(c) {
				v = true
				break
			}
		}
	default:
		v = true
		for _, c := range g.conds {
			if !test(c) {
				v = false
				break
			}
		}
	}
	return v != g.not
}

// empty reports whether the gate has no conditions.
func (g *gate[C]) empty() bool { return len(g.conds) == 0 }

// condParser builds one condition of a scope from its mapping.
type condParser[C any] func(rd *reader, o *obj, typ string) (C, bool)

// parseGate reads the `<prefix>_conditions`, `<prefix>_cond_op`,
// `<prefix>_cond_not` and `<prefix>_cond_expr` keys of an item. conds is
// the key of the condition list ("rule_conditions"), prefix the stem of the
// other keys ("rule_cond").
func parseGate[C any](rd *reader, item *obj, conds, prefix string, table map[string]condParser[C], scope string) gate[C] {
	var g gate[C]
	opKey, notKey, exprKey := prefix+"_op", prefix+"_not", prefix+"_expr"
	g.not = item.boolean(notKey, false)
	if item.has(opKey) {
		g.or = item.oneOf(opKey, "and", "and", "or") == "or"
	}
	n := item.get(conds)
	exprNode := item.get(exprKey)
	if exprNode != nil && item.has(opKey) {
		rd.l.Errorf(diag.CodePipelineParam, rd.pos(exprNode), "%q and %q cannot be combined", exprKey, opKey)
	}
	if n == nil {
		if exprNode != nil {
			rd.l.Errorf(diag.CodePipelineParam, rd.pos(exprNode), "%q needs %q", exprKey, conds)
		}
		return g
	}
	parseOne := func(c *yaml.Node) (C, bool) {
		var zero C
		o := rd.object(c, scope+" condition")
		if o == nil {
			return zero, false
		}
		typ, ok := o.required("type", scope+" condition")
		if !ok {
			return zero, false
		}
		p, known := table[typ]
		if !known {
			rd.l.ErrorHint(diag.CodePipelineType, o.keyPos("type"), "known types: "+tableNames(table),
				"unknown %s condition type %q", scope, typ)
			return zero, false
		}
		cond, ok := p(rd, o, typ)
		o.done(diag.CodePipelineParam, typ+" condition")
		return cond, ok
	}
	switch {
	case exprNode != nil:
		if n.Kind != yaml.MappingNode {
			rd.l.Errorf(diag.CodePipelineParam, rd.pos(n), "with %q, %q must be a mapping of named conditions", exprKey, conds)
			return g
		}
		o := rd.object(n, conds)
		names := map[string]int{}
		for i := range o.entries {
			o.used[i] = true
			c, ok := parseOne(deref(o.entries[i].val))
			if !ok {
				continue
			}
			names[o.entries[i].key.Value] = len(g.conds)
			g.conds = append(g.conds, c)
		}
		src, ok := rd.scalar(exprNode, "\""+exprKey+"\"")
		if !ok {
			return g
		}
		e, err, unused := parseBoolExpr(src, names)
		if len(unused) > 0 {
			rd.l.Warnf(diag.CodePipelineParam, rd.pos(exprNode), "%s does not use the conditions %s", exprKey, strings.Join(unused, ", "))
		}
		if err != "" {
			rd.l.Errorf(diag.CodePipelineParam, rd.pos(exprNode), "%s: %s", exprKey, err)
			g.conds = nil
			return g
		}
		g.expr = e
	case n.Kind == yaml.SequenceNode:
		for _, c := range n.Content {
			if cond, ok := parseOne(deref(c)); ok {
				g.conds = append(g.conds, cond)
			}
		}
	default:
		rd.l.Errorf(diag.CodePipelineParam, rd.pos(n), "%q must be a list (a mapping only together with %q)", conds, exprKey)
	}
	return g
}
