package native

import (
	"fmt"
	sigrt "github.com/sigc-dev/sigc/backends/internal/rt"
	"sort"
	"strconv"
	"strings"

	"github.com/sigc-dev/sigc/ir"
)

// Plan returns a readable, deterministic dump of what the matcher will
// evaluate for the rule: its prefilter keys, then per query the tree of
// compiled nodes with their shapes, folded literals, set sizes and regex
// sources. It is the output of `sigc convert -t native`, so golden files
// record how each rule is compiled.
//
// Prefilter keys are those of the rule on its own: "route" lists the
// equality tests every query requires (a RuleSet routes on the ones many
// rules share, such as Channel and EventID), and "index" the necessary
// conditions the field index files the rule under, derived with the
// routed fields left out, as the rule would have them alone (a RuleSet
// also weighs how many of its rules test each literal). A rule without
// index clauses is evaluated on every event that routing lets through,
// except those that satisfy one of its "veto" atoms.
func (p *Program) Plan() string {
	var w planWriter
	r := p.rule
	w.line(0, "rule %s", strconv.Quote(r.Title))
	routes := ruleRoutes(r)
	fields := make([]string, 0, len(routes))
	for f := range routes {
		fields = append(fields, f)
	}
	sort.Strings(fields)
	routed := map[string]bool{}
	for _, f := range fields {
		vals := append([]string(nil), routes[f]...)
		sort.Strings(vals)
		vals = dedupe(vals)
		for i, v := range vals {
			vals[i] = strconv.Quote(v)
		}
		w.line(1, "route %s in {%s}", f, strings.Join(vals, ", "))
		routed[f] = true
	}
	pk := newPicker([]*ir.Rule{r}, routed)
	cs := pk.ruleClauses(r)
	if len(cs) == 0 {
		w.line(1, "index: none (evaluated on every routed event)")
		if v := pk.ruleVetoes(r); len(v) > 0 {
			w.line(1, "veto: %s", clauseKey(v))
		}
	}
	for i, c := range cs {
		w.line(1, "index %d: %s", i, clauseKey(c))
	}
	for i, q := range p.queries {
		cond := ""
		if i < len(r.Queries) {
			cond = r.Queries[i].Condition
		}
		w.line(1, "query %d %s", i, strconv.Quote(cond))
		w.node(2, q)
	}
	return w.b.String()
}

func dedupe(s []string) []string {
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

type planWriter struct{ b strings.Builder }

func (w *planWriter) line(depth int, format string, args ...any) {
	w.b.WriteString(strings.Repeat("  ", depth))
	fmt.Fprintf(&w.b, format, args...)
	w.b.WriteByte('\n')
}

// maxPlanItems bounds how many members of a set the plan lists.
const maxPlanItems = 8

func (w *planWriter) node(depth int, n node) {
	switch n := n.(type) {
	case andNode:
		w.line(depth, "and")
		for _, t := range n {
			w.node(depth+1, t)
		}
	case orNode:
		w.line(depth, "or")
		for _, t := range n {
			w.node(depth+1, t)
		}
	case notNode:
		w.line(depth, "not")
		w.node(depth+1, n.x)
	case constNode:
		w.line(depth, "const %v", bool(n))
	case fieldNode:
		w.pred(depth, "field "+n.key.Name+":", n.p)
	case keywordNode:
		w.pred(depth, "keyword (any value):", n.p)
	case existsNode:
		w.line(depth, "exists %s", n.key.Name)
	case nullNode:
		w.line(depth, "null %s", n.key.Name)
	case fieldRefNode:
		kind := "equals"
		switch {
		case n.lead && n.trail:
			kind = "contains"
		case n.lead:
			kind = "endswith"
		case n.trail:
			kind = "startswith"
		}
		w.line(depth, "fieldref %s %s field %s%s", n.key.Name, kind, n.ref.Name, casedMark(n.cased))
	default:
		w.line(depth, "node %T", n)
	}
}

func casedMark(cased bool) string {
	if cased {
		return " (cased)"
	}
	return ""
}

// pred writes a predicate on one line after head, or, for a merged list,
// as a block.
func (w *planWriter) pred(depth int, head string, p pred) {
	switch q := p.(type) {
	case anyPred:
		w.line(depth, "%s any of %d", head, len(q))
		for _, x := range q {
			w.pred(depth+1, "-", x)
		}
		return
	case nonASCIIPred:
		w.line(depth, "%s non-ASCII values only, any of %d", head, len(q))
		for _, x := range q {
			w.pred(depth+1, "-", x)
		}
		return
	}
	w.line(depth, "%s %s", head, predText(p))
}

func predText(p pred) string {
	switch q := p.(type) {
	case constPred:
		return fmt.Sprintf("const %v", bool(q))
	case exactPred:
		return "exact " + strconv.Quote(q.lit) + casedMark(q.cased)
	case prefixPred:
		return "prefix " + strconv.Quote(q.lit) + casedMark(q.cased)
	case suffixPred:
		return "suffix " + strconv.Quote(q.lit) + casedMark(q.cased)
	case containsPred:
		return "contains " + strconv.Quote(q.n.lit) + casedMark(q.n.cased)
	case globPred:
		var b strings.Builder
		for _, t := range q.g.parts {
			if t == "*" || t == "?" {
				b.WriteString(t)
			} else {
				b.WriteString(strconv.Quote(t[1:]))
			}
		}
		return "glob " + b.String() + casedMark(q.g.cased)
	case *setPred:
		return "set of " + planLits(q.lits)
	case *containsSetPred:
		lits := make([]string, len(q.needles))
		for i, n := range q.needles {
			lits[i] = n.lit
		}
		return "contains any of " + planLits(lits)
	case *suffixSetPred:
		return q.text()
	case numEqPred:
		return "number = " + q.text
	case cmpPred:
		return "number " + q.op.String() + " " + sigrt.CanonicalFloat(q.f)
	case regexPred:
		return "regex " + strconv.Quote(q.re.String())
	case cidrPred:
		return "cidr " + q.prefix.String()
	case timePred:
		return fmt.Sprintf("%s of time %s %s", q.part, q.cmp.op, sigrt.CanonicalFloat(q.cmp.f))
	}
	return fmt.Sprintf("pred %T", p)
}

// planLits renders a literal list for the plan dump: its size, then the
// literals sorted, capped at maxPlanItems.
func planLits(in []string) string {
	lits := append([]string(nil), in...)
	sort.Strings(lits)
	shown := lits
	more := ""
	if len(shown) > maxPlanItems {
		shown = shown[:maxPlanItems]
		more = fmt.Sprintf(", … %d more", len(lits)-maxPlanItems)
	}
	for i, l := range shown {
		shown[i] = strconv.Quote(l)
	}
	return fmt.Sprintf("%d {%s%s}", len(lits), strings.Join(shown, ", "), more)
}
