package ir

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
	// Drop duplicates. Quadratic, but terms lists are short except value
	// lists, where the key comparison is cheap.
	if len(out) > 1 {
		seen := make(map[string]bool, len(out))
		k := 0
		for _, t := range out {
			key := Key(t)
			if seen[key] {
				changed = true
				continue
			}
			seen[key] = true
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
