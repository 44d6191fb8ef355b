package ir

import (
	"github.com/sigc-dev/sigc/ir/diag"
)

// Caps is the set of constructs a target can express, checked once by
// Check before any printing (esbuild's compat tables work the same way).
type Caps uint32

// Capabilities. A backend that lacks one gets a backend/unsupported
// diagnostic at the position of every node that needs it.
const (
	CapRegex Caps = 1 << iota
	CapCIDR
	CapCased
	CapKeywords
	CapGlob // inner wildcards and `?` in string patterns
	CapFieldRef
	CapCompare  // < <= > >=
	CapTimePart // minute/hour/... modifiers
	CapNull
	CapExists
	CapQueryExpr
	CapPlaceholders // unresolved placeholders (only the ir dump prints them)

	// CapAll is every capability; the ir dump and the native matcher have
	// most of it.
	CapAll Caps = 1<<iota - 1
)

// Has reports whether c includes every capability in x.
func (c Caps) Has(x Caps) bool { return c&x == x }

// Check reports every construct of r that caps cannot express, at the
// position of the node that uses it. target names the backend in messages.
func Check(r *Rule, caps Caps, target string) diag.List {
	var l diag.List
	for _, q := range r.Queries {
		Walk(q.Expr, func(e Expr) bool {
			m, ok := e.(*Match)
			if !ok {
				return true
			}
			need, what := Needs(m)
			for i := 0; i < 32; i++ {
				bit := Caps(1) << i
				if need&bit != 0 && !caps.Has(bit) {
					l.ErrorHint(diag.CodeUnsupported, m.P,
						"choose another target, or a pipeline that rewrites this construct",
						"target %s cannot express %s", target, what[bit])
				}
			}
			return true
		})
	}
	return l
}

// Needs returns the capabilities a match requires and a description of
// each, for diagnostics.
func Needs(m *Match) (Caps, map[Caps]string) {
	var need Caps
	what := map[Caps]string{}
	add := func(c Caps, s string) {
		need |= c
		what[c] = s
	}
	if m.IsKeyword() {
		add(CapKeywords, "keyword (field-less) searches")
	}
	if m.Cased {
		add(CapCased, "case-sensitive matching (cased)")
	}
	if m.Part != PartNone {
		add(CapTimePart, "the "+m.Part.String()+" time modifier")
	}
	switch m.Op {
	case OpRegex:
		add(CapRegex, "regular expressions (re)")
	case OpCIDR:
		add(CapCIDR, "CIDR network matches")
	case OpLt, OpLte, OpGt, OpGte:
		add(CapCompare, "numeric comparisons")
	case OpNull:
		add(CapNull, "null values")
	case OpExists:
		add(CapExists, "field existence tests")
	case OpFieldRef:
		add(CapFieldRef, "field references (fieldref)")
	case OpEq:
		switch v := m.Value.(type) {
		case String:
			if v.Pattern.HasPlaceholders() {
				add(CapPlaceholders, "unresolved placeholders (use a pipeline with vars or value_placeholders)")
			} else if s, _ := v.Pattern.Classify(); s == ShapeGlob {
				add(CapGlob, "wildcards inside a value")
			}
		case QueryExpr:
			add(CapQueryExpr, "query expressions")
		}
	}
	return need, what
}
