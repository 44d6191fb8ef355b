package ir

import "github.com/sigc-dev/sigc/ir/diag"

// Walk calls fn for e and, while fn returns true, for each of its
// descendants in depth-first order.
func Walk(e Expr, fn func(Expr) bool) {
	if e == nil || !fn(e) {
		return
	}
	switch n := e.(type) {
	case *And:
		for _, t := range n.Terms {
			Walk(t, fn)
		}
	case *Or:
		for _, t := range n.Terms {
			Walk(t, fn)
		}
	case *Not:
		Walk(n.X, fn)
	case *Match, *Const:
	}
}

// Rewrite rebuilds e bottom-up: children first, then fn on the node with its
// rewritten children. fn returns the replacement (possibly the node itself).
// Nodes are copied when a child changes, so the input tree is not modified.
func Rewrite(e Expr, fn func(Expr) Expr) Expr {
	switch n := e.(type) {
	case *And:
		terms, changed := rewriteTerms(n.Terms, fn)
		if changed {
			return fn(&And{P: n.P, Terms: terms})
		}
	case *Or:
		terms, changed := rewriteTerms(n.Terms, fn)
		if changed {
			return fn(&Or{P: n.P, Terms: terms})
		}
	case *Not:
		x := Rewrite(n.X, fn)
		if x != n.X {
			return fn(&Not{P: n.P, X: x})
		}
	}
	return fn(e)
}

func rewriteTerms(terms []Expr, fn func(Expr) Expr) ([]Expr, bool) {
	var out []Expr
	for i, t := range terms {
		r := Rewrite(t, fn)
		if r != t && out == nil {
			out = make([]Expr, i, len(terms))
			copy(out, terms[:i])
		}
		if out != nil {
			out = append(out, r)
		}
	}
	if out == nil {
		return terms, false
	}
	return out, true
}

// Matches returns every Match of e in depth-first order.
func Matches(e Expr) []*Match {
	var out []*Match
	Walk(e, func(x Expr) bool {
		if m, ok := x.(*Match); ok {
			out = append(out, m)
		}
		return true
	})
	return out
}

// CountNodes returns the number of nodes in e.
func CountNodes(e Expr) int {
	n := 0
	Walk(e, func(Expr) bool { n++; return true })
	return n
}

// Clone returns a deep copy of e (patterns and Applied lists are shared;
// they are treated as immutable).
func Clone(e Expr) Expr {
	switch n := e.(type) {
	case *And:
		return &And{P: n.P, Terms: cloneTerms(n.Terms)}
	case *Or:
		return &Or{P: n.P, Terms: cloneTerms(n.Terms)}
	case *Not:
		return &Not{P: n.P, X: Clone(n.X)}
	case *Const:
		c := *n
		return &c
	case *Match:
		m := *n
		return &m
	}
	return e
}

func cloneTerms(ts []Expr) []Expr {
	out := make([]Expr, len(ts))
	for i, t := range ts {
		out[i] = Clone(t)
	}
	return out
}

// CloneRule returns a deep copy of the rule's queries and mutable lists, so
// a pipeline can rewrite it without touching the caller's copy.
func CloneRule(r *Rule) *Rule {
	c := *r
	c.Queries = make([]Query, len(r.Queries))
	for i, q := range r.Queries {
		q.Expr = Clone(q.Expr)
		c.Queries[i] = q
	}
	c.Fields = append([]string(nil), r.Fields...)
	c.Tags = append([]string(nil), r.Tags...)
	c.Custom = append([]Attr(nil), r.Custom...)
	c.Logsource.Custom = append([]Attr(nil), r.Logsource.Custom...)
	if r.State != nil {
		c.State = make(map[string]any, len(r.State))
		for k, v := range r.State {
			c.State[k] = v
		}
	}
	return &c
}

// NewAnd returns an And of terms, or the single term itself.
func NewAnd(p diag.Pos, terms ...Expr) Expr {
	if len(terms) == 1 {
		return terms[0]
	}
	return &And{P: p, Terms: terms}
}

// NewOr returns an Or of terms, or the single term itself.
func NewOr(p diag.Pos, terms ...Expr) Expr {
	if len(terms) == 1 {
		return terms[0]
	}
	return &Or{P: p, Terms: terms}
}
