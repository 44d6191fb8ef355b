package rules

import (
	"fmt"
	"strings"

	"github.com/sigc-dev/sigc/ir/diag"
	"github.com/sigc-dev/sigc/rules/condition"
)

// checkReferences checks the parsed conditions of a detection against its
// search identifiers:
//   - a Ref to an undefined identifier is an error (CodeCondUndefined);
//   - a quantifier pattern that matches nothing is a warning
//     (CodeCondNoMatch): pySigma silently drops such a term, which changes
//     the meaning of `sel and not 1 of filter_*` without a word;
//   - a search no condition uses, directly or through a pattern, is a
//     warning (CodeCondUnused). It is checked only when every condition
//     parsed, since an unparsed condition may use anything.
func (c *docCtx) checkReferences(det *Detection) {
	r := refChecker{c: c, det: det, used: make([]bool, len(det.Searches))}
	complete := len(det.Conditions) > 0
	for _, cond := range det.Conditions {
		if cond.Expr == nil {
			complete = false
			continue
		}
		r.walk(cond.Expr)
		if cond.Agg != nil {
			// `| near a and b` references searches too.
			for _, name := range cond.Agg.Near {
				r.walk(&condition.Ref{P: cond.Agg.P, Name: name})
			}
		}
	}
	if !complete {
		return
	}
	for i, s := range det.Searches {
		if !r.used[i] {
			c.diags.Warnf(diag.CodeCondUnused, s.Pos, "search identifier %s is not used by any condition", quoteName(s.Name))
		}
	}
}

type refChecker struct {
	c    *docCtx
	det  *Detection
	used []bool
	// index maps names to search indexes, and patterns remembers what each
	// quantifier pattern matched: both keep hostile detections (thousands
	// of searches and references) from going quadratic.
	index    map[string]int
	patterns map[quantKey]bool
}

// quantKey identifies a quantifier pattern (`them` excludes `_` names).
type quantKey struct {
	pattern string
	them    bool
}

// lookup returns the index of the search called name.
func (r *refChecker) lookup(name string) (int, bool) {
	if len(r.det.Searches) <= 8 {
		// Typical detections: a scan is cheaper than building a map.
		for i, s := range r.det.Searches {
			if s.Name == name {
				return i, true
			}
		}
		return 0, false
	}
	if r.index == nil {
		r.index = make(map[string]int, len(r.det.Searches))
		for i, s := range r.det.Searches {
			if _, dup := r.index[s.Name]; !dup {
				r.index[s.Name] = i
			}
		}
	}
	i, ok := r.index[name]
	return i, ok
}

// expand marks the searches a quantifier pattern matches and reports
// whether there is any.
func (r *refChecker) expand(q *condition.Quant) bool {
	key := quantKey{q.Pattern, q.Them}
	if matched, done := r.patterns[key]; done {
		return matched
	}
	matched := false
	for i, s := range r.det.Searches {
		if q.Them && strings.HasPrefix(s.Name, "_") {
			continue
		}
		if globMatch(q.Pattern, s.Name) {
			r.used[i] = true
			matched = true
		}
	}
	if r.patterns == nil {
		r.patterns = make(map[quantKey]bool)
	}
	r.patterns[key] = matched
	return matched
}

func (r *refChecker) walk(e condition.Expr) {
	switch e := e.(type) {
	case *condition.And:
		for _, t := range e.Terms {
			r.walk(t)
		}
	case *condition.Or:
		for _, t := range e.Terms {
			r.walk(t)
		}
	case *condition.Not:
		r.walk(e.X)
	case *condition.Ref:
		if i, ok := r.lookup(e.Name); ok {
			r.used[i] = true
			return
		}
		r.c.diags.ErrorHint(diag.CodeCondUndefined, e.P, r.definedHint(),
			"search identifier %s is not defined in the detection", quoteName(e.Name))
	case *condition.Quant:
		if !r.expand(e) {
			what := "pattern " + quoteName(e.Pattern)
			if e.Them {
				what = "`them`"
			}
			r.c.diags.Warnf(diag.CodeCondNoMatch, e.P, "%s matches no search identifier; the term is dropped", what)
		}
	default:
		r.c.diags.Errorf(diag.CodeInternal, e.Pos(), "unknown condition node %T", e)
	}
}

// definedHint lists the defined search identifiers.
func (r *refChecker) definedHint() string {
	if len(r.det.Searches) == 0 {
		return "the detection defines no search identifier"
	}
	names := make([]string, 0, len(r.det.Searches))
	for _, s := range r.det.Searches {
		names = append(names, s.Name)
	}
	const maxNames = 20
	if len(names) > maxNames {
		names = append(names[:maxNames], fmt.Sprintf("… (%d more)", len(r.det.Searches)-maxNames))
	}
	return "defined: " + strings.Join(names, ", ")
}

// globMatch reports whether name matches pattern, in which `*` stands for
// any run of characters (the only wildcard of condition patterns). It is
// linear-time in practice: on a mismatch it retries from the last star.
func globMatch(pattern, name string) bool {
	p, n := 0, 0
	star, mark := -1, 0
	for n < len(name) {
		switch {
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, n
			p++
		case p < len(pattern) && pattern[p] == name[n]:
			p++
			n++
		case star >= 0:
			p = star + 1
			mark++
			n = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}
