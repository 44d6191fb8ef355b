package ir

import (
	"fmt"
	"hash/fnv"
)

// Simplify returns an equivalent expression with nested And/Or flattened,
// constants folded, double negations removed and repeated terms of an
// And/Or dropped (the first occurrence is kept, so order is stable).
func Simplify(e Expr) Expr {
	return Rewrite(e, simplifyNode)
}

// SimplifyRule simplifies every query of r in place.
func SimplifyRule(r *Rule) {
	for i := range r.Queries {
		r.Queries[i].Expr = Simplify(r.Queries[i].Expr)
	}
}

func simplifyNode(e Expr) Expr {
	switch n := e.(type) {
	case *And:
		return simplifyJunction(n.Terms, true, n)
	case *Or:
		return simplifyJunction(n.Terms, false, n)
	case *Not:
		switch x := n.X.(type) {
		case *Not:
			return x.X
		case *Const:
			return &Const{P: n.P, Value: !x.Value}
		}
	}
	return e
}

// simplifyJunction handles And (isAnd) and Or alike: the neutral constant
// (true for And, false for Or) disappears, the absorbing one wins.
func simplifyJunction(terms []Expr, isAnd bool, orig Expr) Expr {
	out := make([]Expr, 0, len(terms))
	changed := false
	for _, t := range terms {
		if c, ok := t.(*Const); ok {
			if c.Value == isAnd {
				changed = true
				continue
			}
			return &Const{P: orig.Pos(), Value: !isAnd}
		}
		if isAnd {
			if a, ok := t.(*And); ok {
				out = append(out, a.Terms...)
				changed = true
				continue
			}
		} else if o, ok := t.(*Or); ok {
			out = append(out, o.Terms...)
			changed = true
			continue
		}
		out = append(out, t)
	}
	// Drop duplicates: bucket by a cheap hash, confirm with Equal. (Building
	// a canonical string per term was an eighth of whole-corpus conversion.)
	if len(out) > 1 {
		seen := make(map[uint64][]Expr, len(out))
		k := 0
	terms:
		for _, t := range out {
			h := shallowHash(t)
			for _, prev := range seen[h] {
				if Equal(prev, t) {
					changed = true
					continue terms
				}
			}
			seen[h] = append(seen[h], t)
			out[k] = t
			k++
		}
		out = out[:k]
	}
	switch len(out) {
	case 0:
		return &Const{P: orig.Pos(), Value: isAnd}
	case 1:
		return out[0]
	}
	if !changed {
		return orig
	}
	if isAnd {
		return &And{P: orig.Pos(), Terms: out}
	}
	return &Or{P: orig.Pos(), Terms: out}
}

// Key returns a compact canonical string for e that ignores positions;
// two expressions with the same key are structurally identical.
func Key(e Expr) string {
	var p printer
	p.compact = true
	p.expr(e, 0)
	return p.b.String()
}

// shallowHash hashes what distinguishes most terms cheaply: node kind, and
// for matches the field, operator and literal text.
func shallowHash(e Expr) uint64 {
	h := fnv.New64a()
	switch n := e.(type) {
	case *And:
		fmt.Fprintf(h, "and%d", len(n.Terms))
	case *Or:
		fmt.Fprintf(h, "or%d", len(n.Terms))
	case *Not:
		h.Write([]byte("not"))
	case *Const:
		fmt.Fprintf(h, "c%t", n.Value)
	case *Match:
		h.Write([]byte(n.Field))
		h.Write([]byte{0, byte(n.Op)})
		if s, ok := n.Value.(String); ok {
			for _, t := range s.Pattern {
				h.Write([]byte{byte(t.Kind)})
				h.Write([]byte(t.Text))
			}
		}
	}
	return h.Sum64()
}

// Equal reports whether two expressions are structurally identical,
// ignoring positions and pipeline annotations.
func Equal(a, b Expr) bool {
	switch x := a.(type) {
	case *And:
		y, ok := b.(*And)
		return ok && equalTerms(x.Terms, y.Terms)
	case *Or:
		y, ok := b.(*Or)
		return ok && equalTerms(x.Terms, y.Terms)
	case *Not:
		y, ok := b.(*Not)
		return ok && Equal(x.X, y.X)
	case *Const:
		y, ok := b.(*Const)
		return ok && x.Value == y.Value
	case *Match:
		y, ok := b.(*Match)
		return ok && x.Field == y.Field && x.Op == y.Op && x.Cased == y.Cased && x.Part == y.Part && equalValue(x.Value, y.Value)
	}
	return false
}

func equalTerms(a, b []Expr) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !Equal(a[i], b[i]) {
			return false
		}
	}
	return true
}

func equalValue(a, b Value) bool {
	if sa, ok := a.(String); ok {
		sb, ok := b.(String)
		return ok && sa.Pattern.Equal(sb.Pattern)
	}
	// The other value types are comparable structs (or nil).
	return a == b
}
