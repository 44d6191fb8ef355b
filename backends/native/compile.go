package native

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/sigc-dev/sigc/ir"
	"github.com/sigc-dev/sigc/ir/diag"
)

// Program is one compiled rule. It is immutable and safe for concurrent use.
type Program struct {
	rule    *ir.Rule
	queries []node
}

// Rule returns the rule the program was compiled from.
func (p *Program) Rule() *ir.Rule { return p.rule }

// Match reports whether ev satisfies any of the rule's queries.
func (p *Program) Match(ev Event) bool {
	for _, q := range p.queries {
		if q.eval(ev) {
			return true
		}
	}
	return false
}

// Compile turns a rule into a Program. Everything that can be decided
// without an event is done here; problems (a regex that does not compile,
// an unresolved placeholder, a value of the wrong type for its operator)
// are diagnostics at the node's position, and then the Program is nil.
func Compile(r *ir.Rule) (*Program, diag.List) {
	var c compiler
	p := &Program{rule: r}
	for _, q := range r.Queries {
		if q.Expr == nil {
			c.diags.Errorf(diag.CodeInternal, q.Pos, "query %q has no expression", q.Condition)
			continue
		}
		p.queries = append(p.queries, c.expr(q.Expr))
	}
	if c.diags.HasErrors() {
		return nil, c.diags
	}
	return p, c.diags
}

type compiler struct {
	diags diag.List
}

func (c *compiler) expr(e ir.Expr) node {
	switch n := e.(type) {
	case *ir.And:
		terms := make([]node, 0, len(n.Terms))
		for _, t := range n.Terms {
			terms = append(terms, c.expr(t))
		}
		if len(terms) == 1 {
			return terms[0]
		}
		return andNode(terms)
	case *ir.Or:
		return c.or(n)
	case *ir.Not:
		return notNode{c.expr(n.X)}
	case *ir.Const:
		return constNode(n.Value)
	case *ir.Match:
		return c.match(n)
	}
	c.diags.Errorf(diag.CodeInternal, e.Pos(), "unknown IR node %T", e)
	return constNode(false)
}

// or compiles an Or. Field tests on the same field are merged into one
// node that fetches the field once and tries every predicate (a value list
// in Sigma is exactly this shape), and exact literals among them become a
// hash-set lookup (cel-go's maybeOptimizeSetMembership).
func (c *compiler) or(n *ir.Or) node {
	type group struct {
		field string
		preds []pred
	}
	var groups []*group
	byField := map[string]*group{}
	var rest []node
	for _, t := range n.Terms {
		m, ok := t.(*ir.Match)
		if !ok || !predOp(m) {
			rest = append(rest, c.expr(t))
			continue
		}
		p := c.pred(m)
		g := byField[m.Field]
		if g == nil {
			g = &group{field: m.Field}
			byField[m.Field] = g
			groups = append(groups, g)
		}
		g.preds = append(g.preds, p)
	}
	terms := make([]node, 0, len(groups)+len(rest))
	for _, g := range groups {
		terms = append(terms, leaf(g.field, merged(g.preds)))
	}
	terms = append(terms, rest...)
	if len(terms) == 1 {
		return terms[0]
	}
	return orNode(terms)
}

// predOp reports whether a match is "a field (or every value, for a
// keyword) satisfies a predicate on its text", the shape that can merge.
func predOp(m *ir.Match) bool {
	switch m.Op {
	case ir.OpEq, ir.OpRegex, ir.OpCIDR, ir.OpLt, ir.OpLte, ir.OpGt, ir.OpGte:
		return true
	}
	return false
}

func leaf(field string, p pred) node {
	if field == "" {
		return keywordNode{p}
	}
	return fieldNode{key: NewKey(field), p: p}
}

func (c *compiler) match(m *ir.Match) node {
	switch m.Op {
	case ir.OpExists:
		if m.Field == "" {
			c.diags.Errorf(diag.CodeUnsupported, m.P, "exists needs a field")
			return constNode(false)
		}
		return existsNode{NewKey(m.Field)}
	case ir.OpNull:
		if m.Field == "" {
			c.diags.Errorf(diag.CodeUnsupported, m.P, "null needs a field")
			return constNode(false)
		}
		return nullNode{NewKey(m.Field)}
	case ir.OpFieldRef:
		ref, ok := m.Value.(ir.FieldRef)
		if !ok || m.Field == "" || ref.Name == "" {
			c.diags.Errorf(diag.CodeModifierValue, m.P, "fieldref needs a field and a field name value, got %T", m.Value)
			return constNode(false)
		}
		return fieldRefNode{key: NewKey(m.Field), ref: NewKey(ref.Name), lead: ref.Lead, trail: ref.Trail, cased: m.Cased}
	}
	if !predOp(m) {
		c.diags.Errorf(diag.CodeInternal, m.P, "unknown operator %s", m.Op)
		return constNode(false)
	}
	return leaf(m.Field, c.pred(m))
}

// pred compiles the value side of a predicate match.
func (c *compiler) pred(m *ir.Match) pred {
	if m.Part != ir.PartNone {
		return c.timePred(m)
	}
	switch m.Op {
	case ir.OpEq:
		switch v := m.Value.(type) {
		case ir.String:
			return c.stringPred(m, v.Pattern)
		case ir.Number:
			return numEqPred{text: v.Text, f: v.Float}
		case ir.Bool:
			if v.Value {
				return exactPred{lit: "true"}
			}
			return exactPred{lit: "false"}
		}
	case ir.OpRegex:
		if v, ok := m.Value.(ir.Regex); ok {
			return c.regexPred(m, v)
		}
	case ir.OpCIDR:
		if v, ok := m.Value.(ir.CIDR); ok && v.Prefix.IsValid() {
			return cidrPred{v.Prefix.Masked()}
		}
	case ir.OpLt, ir.OpLte, ir.OpGt, ir.OpGte:
		if v, ok := m.Value.(ir.Number); ok {
			return cmpPred{op: m.Op, f: v.Float}
		}
	}
	if q, ok := m.Value.(ir.QueryExpr); ok {
		c.diags.Errorf(diag.CodeUnsupported, m.P, "the native matcher cannot run query expression %q", q.Text)
	} else {
		c.diags.Errorf(diag.CodeModifierValue, m.P, "operator %s cannot take a %s value", m.Op, valueName(m.Value))
	}
	return constPred(false)
}

func valueName(v ir.Value) string {
	if v == nil {
		return "missing"
	}
	return strings.ToLower(strings.TrimPrefix(fmt.Sprintf("%T", v), "ir."))
}

// stringPred classifies a pattern. A keyword's pattern is used as it is,
// anchored, against each value: lowering already made a plain keyword
// `*v*` and a `|startswith` keyword `v*`, so wrapping it again here would
// lose that anchor.
func (c *compiler) stringPred(m *ir.Match, p ir.Pattern) pred {
	if p.HasPlaceholders() {
		c.diags.ErrorHint(diag.CodePipelinePlaceholder, m.P,
			"resolve placeholders with a pipeline (value_placeholders or wildcard_placeholders)",
			"unresolved placeholder in %q", p.SigmaString())
		return constPred(false)
	}
	fold := func(s string) string {
		if m.Cased {
			return s
		}
		return foldString(s)
	}
	shape, lit := p.Classify()
	switch shape {
	case ir.ShapeExact:
		return exactPred{lit: fold(lit), cased: m.Cased}
	case ir.ShapePrefix:
		return prefixPred{lit: fold(lit), cased: m.Cased}
	case ir.ShapeSuffix:
		return suffixPred{lit: fold(lit), cased: m.Cased}
	case ir.ShapeContains:
		return containsPred{newNeedle(fold(lit), m.Cased)}
	case ir.ShapeAny:
		return constPred(true)
	}
	g := &glob{cased: m.Cased}
	for _, t := range p {
		switch t.Kind {
		case ir.TokLit:
			g.parts = append(g.parts, "="+fold(t.Text))
		case ir.TokStar:
			// Consecutive stars mean one star.
			if k := len(g.parts); k > 0 && g.parts[k-1] == "*" {
				continue
			}
			g.parts = append(g.parts, "*")
		case ir.TokQuestion:
			g.parts = append(g.parts, "?")
		}
	}
	return newGlobPred(g)
}

func (c *compiler) regexPred(m *ir.Match, v ir.Regex) pred {
	src := v.Source
	for _, f := range v.Flags {
		if f != 'i' && f != 'm' && f != 's' {
			c.diags.Errorf(diag.CodeRegex, m.P, "unknown regex flag %q", f)
			return constPred(false)
		}
	}
	if v.Flags != "" {
		src = "(?" + v.Flags + ")" + src
	}
	re, err := regexp.Compile(src)
	if err != nil {
		c.diags.Errorf(diag.CodeRegex, m.P, "regex does not compile: %v", err)
		return constPred(false)
	}
	return regexPred{re: re, needs: regexNeeds(src)}
}

func (c *compiler) timePred(m *ir.Match) pred {
	v, ok := m.Value.(ir.Number)
	if !ok || (m.Op != ir.OpEq && m.Op != ir.OpLt && m.Op != ir.OpLte && m.Op != ir.OpGt && m.Op != ir.OpGte) {
		c.diags.Errorf(diag.CodeModifierValue, m.P, "the %s modifier needs a number and =, <, <=, > or >=; got %s %s", m.Part, m.Op, valueName(m.Value))
		return constPred(false)
	}
	return timePred{part: m.Part, cmp: cmpPred{op: m.Op, f: v.Float}}
}

// merged combines the predicates of one field's Or into one predicate.
func merged(ps []pred) pred {
	if len(ps) == 1 {
		return ps[0]
	}
	var exact []string
	var suffixes []suffixPred
	var contains []containsPred
	var others, wide []pred
	for _, p := range ps {
		if e, ok := p.(exactPred); ok && !e.cased {
			exact = append(exact, e.lit)
			continue
		}
		if q, ok := suffixSettable(p); ok {
			suffixes = append(suffixes, q)
			continue
		}
		if c, ok := p.(containsPred); ok && !c.n.ascii && !c.n.cased {
			wide = append(wide, p)
			continue
		}
		if c, ok := containsSettable(p); ok {
			contains = append(contains, c)
			continue
		}
		others = append(others, p)
	}
	if len(contains) >= minContainsSet {
		others = append(others, newContainsSetPred(contains))
	} else {
		for _, c := range contains {
			others = append(others, c)
		}
	}
	if len(wide) > 0 {
		// windash expands one value into many needles with en/em dashes;
		// they can only occur in non-ASCII values, tested once for all.
		others = append(others, nonASCIIPred(wide))
	}
	// A set pays off from a handful of values; below that a few byte
	// comparisons are cheaper than hashing.
	if len(exact) >= 4 {
		s := newSetPred(exact)
		others = append([]pred{s}, others...)
	} else {
		for _, l := range exact {
			others = append(others, exactPred{lit: l})
		}
	}
	if len(suffixes) >= minSuffixSet {
		others = append(others, newSuffixSetPred(suffixes))
	} else {
		for _, q := range suffixes {
			others = append(others, q)
		}
	}
	if len(others) == 1 {
		return others[0]
	}
	return anyPred(others)
}

// demote moves, in every top-level And of p, the tests of the fields in
// routed after the other terms. Why: a RuleSet only evaluates a rule on
// events its routing already let through, so those tests (Channel,
// EventID) nearly always hold; testing first the terms that usually fail
// saves two field lookups per evaluation. And is commutative and terms
// have no effects, so the result is the same.
func (p *Program) demote(routed map[string]bool) {
	for qi, q := range p.queries {
		and, ok := q.(andNode)
		if !ok {
			continue
		}
		out := make(andNode, 0, len(and))
		var last andNode
		for _, t := range and {
			if f, ok := t.(fieldNode); ok && routed[f.key.Name] {
				last = append(last, t)
				continue
			}
			out = append(out, t)
		}
		p.queries[qi] = append(out, last...)
	}
}
