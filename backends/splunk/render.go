package splunk

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/sigc-dev/sigc/ir"
	"github.com/sigc-dev/sigc/ir/diag"
)

// query is one rendered Sigma condition: a base search (search language)
// and, when some construct has no exact search form, one `| where`
// expression (eval language) that decides the rest.
type query struct {
	search string // never empty: "*" when nothing can be pushed into the search
	where  string // "" when the search alone is exact
}

// String joins the two parts into one SPL pipeline.
func (q query) String() string {
	if q.where == "" {
		return q.search
	}
	return q.search + " | where " + q.where
}

// renderer turns IR expressions into SPL, collecting diagnostics.
type renderer struct {
	l *diag.List
}

// render plans one condition.
//
// Why this shape: the search language cannot express regexes, field
// references, case-sensitive matches, `?`, literal `*` or keywords with
// Sigma's substring meaning; the eval language of `| where` can express all
// of them, but it cannot use the index. So the top-level conjunction is
// split: every conjunct with an exact search form goes into the search, and
// all other conjuncts go, whole, into one `| where` expression, which keeps
// any mix of AND/OR/NOT exact. For each `| where` conjunct a necessary
// condition in search form (its prefilter) is added to the search when one
// exists, so the index still does most of the work.
func (r *renderer) render(e ir.Expr) query {
	// Pipelines wrap conditions (add_condition gives And(new, old)) and the
	// CLI does not simplify again: collect the conjuncts of nested ANDs.
	terms := conjuncts(e, nil)
	var search, where []ir.Expr
	for _, t := range terms {
		if c, ok := t.(*ir.Const); ok && c.Value {
			continue
		}
		if r.exact(t) {
			search = append(search, t)
			continue
		}
		where = append(where, t)
		if p := r.prefilter(t); p != nil {
			search = append(search, p)
		}
	}
	var q query
	var b strings.Builder
	if len(search) == 0 {
		b.WriteByte('*')
	} else {
		r.search(&b, ir.NewAnd(e.Pos(), search...), ctxAnd)
	}
	q.search = b.String()
	if len(where) > 0 {
		b.Reset()
		r.where(&b, ir.NewAnd(e.Pos(), where...), false, false)
		q.where = b.String()
	}
	return q
}

// conjuncts appends the terms of e's top-level AND (nested ANDs
// flattened), or e itself.
func conjuncts(e ir.Expr, out []ir.Expr) []ir.Expr {
	a, ok := e.(*ir.And)
	if !ok {
		return append(out, e)
	}
	for _, t := range a.Terms {
		out = conjuncts(t, out)
	}
	return out
}

// exact reports whether e has an exact search-language form.
func (r *renderer) exact(e ir.Expr) bool {
	switch n := e.(type) {
	case *ir.And:
		return len(n.Terms) > 0 && r.allExact(n.Terms)
	case *ir.Or:
		return len(n.Terms) > 0 && r.allExact(n.Terms)
	case *ir.Not:
		return r.exact(n.X)
	case *ir.Match:
		return matchExact(n)
	}
	return false // Const: `| where true()/false()`
}

func (r *renderer) allExact(ts []ir.Expr) bool {
	for _, t := range ts {
		if !r.exact(t) {
			return false
		}
	}
	return true
}

func matchExact(m *ir.Match) bool {
	if _, ok := m.Value.(ir.QueryExpr); ok {
		return true // search-language text from a pipeline, inserted verbatim
	}
	if m.IsKeyword() || m.Part != ir.PartNone {
		return false
	}
	if _, ok := searchField(m.Field); !ok {
		return false
	}
	switch m.Op {
	case ir.OpEq:
		switch v := m.Value.(type) {
		case ir.String:
			return !m.Cased && searchExact(v.Pattern)
		case ir.Number:
			return plainNumber(v.Text)
		case ir.Bool:
			return true
		}
	case ir.OpCIDR, ir.OpExists, ir.OpNull:
		// The search command matches IPv4 and IPv6 networks in CIDR notation.
		return true
	case ir.OpLt, ir.OpLte, ir.OpGt, ir.OpGte:
		v, ok := m.Value.(ir.Number)
		return ok && plainNumber(numText(v))
	}
	return false
}

// numText is a comparison bound as a plain decimal, which both SPL
// languages read (canonical YAML text may use an exponent).
func numText(v ir.Number) string {
	if plainNumber(v.Text) {
		return v.Text
	}
	return strconv.FormatFloat(v.Float, 'f', -1, 64)
}

var plainNumberRE = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)

// plainNumber reports a number both SPL languages read as written.
func plainNumber(s string) bool { return plainNumberRE.MatchString(s) }

// prefilter returns a search-language expression that is true whenever e
// is (a necessary condition), or nil when there is none worth having.
func (r *renderer) prefilter(e ir.Expr) ir.Expr {
	if r.exact(e) {
		return e
	}
	switch n := e.(type) {
	case *ir.And:
		var ps []ir.Expr
		for _, t := range n.Terms {
			if p := r.prefilter(t); p != nil {
				ps = append(ps, p)
			}
		}
		if len(ps) == 0 {
			return nil
		}
		return ir.NewAnd(n.P, ps...)
	case *ir.Or:
		if len(n.Terms) == 0 {
			return nil
		}
		ps := make([]ir.Expr, 0, len(n.Terms))
		for _, t := range n.Terms {
			p := r.prefilter(t)
			if p == nil {
				return nil
			}
			ps = append(ps, p)
		}
		return ir.NewOr(n.P, ps...)
	case *ir.Match:
		// A string match that is only inexact in search (cased, `?`,
		// literal `*`, control characters) is widened: searchPattern turns
		// those into `*`, and search is case-insensitive.
		s, ok := n.Value.(ir.String)
		if n.Op != ir.OpEq || !ok || n.IsKeyword() || n.Part != ir.PartNone {
			return nil
		}
		if _, ok := searchField(n.Field); !ok {
			return nil
		}
		return &ir.Match{P: n.P, Field: n.Field, Op: ir.OpEq, Value: s}
	}
	return nil
}

// Search-language contexts: what the printed expression is an operand of.
const (
	ctxAnd = iota // implicit AND, or the whole search
	ctxOr         // OR
	ctxNot        // NOT
)

// search prints e in the search language. SPL's search command evaluates
// NOT first, then OR, then the (implicit) AND: an AND inside an OR needs
// parentheses, an OR inside an AND does not, and only a NOT's compound
// operand needs them otherwise.
func (r *renderer) search(b *strings.Builder, e ir.Expr, ctx int) {
	switch n := e.(type) {
	case *ir.And:
		if ctx != ctxAnd {
			b.WriteByte('(')
		}
		for i, t := range n.Terms {
			if i > 0 {
				b.WriteByte(' ')
			}
			r.search(b, t, ctxAnd)
		}
		if ctx != ctxAnd {
			b.WriteByte(')')
		}
	case *ir.Or:
		// An OR that folds into one `f IN (...)` is a single term.
		paren := ctx == ctxNot && !singleIn(n.Terms)
		if paren {
			b.WriteByte('(')
		}
		r.searchOr(b, n.Terms)
		if paren {
			b.WriteByte(')')
		}
	case *ir.Not:
		if m, ok := n.X.(*ir.Match); ok && (m.Op == ir.OpNull || m.Op == ir.OpExists) {
			// NOT null is "exists" and NOT exists is "null": print the
			// positive form instead of `NOT NOT f=*`.
			op := ir.OpExists
			if m.Op == ir.OpExists {
				op = ir.OpNull
			}
			r.searchMatch(b, &ir.Match{P: m.P, Field: m.Field, Op: op})
			return
		}
		b.WriteString("NOT ")
		r.search(b, n.X, ctxNot)
	case *ir.Match:
		r.searchMatch(b, n)
	default:
		// Callers only pass exact expressions and prefilters; a Const never
		// is one. Printing `*` keeps the search valid, the diagnostic
		// reports the bug.
		r.l.Errorf(diag.CodeInternal, e.Pos(), "splunk: unexpected %T in a search expression", e)
		b.WriteByte('*')
	}
}

// inKey returns the field of a match that can join an `IN (...)` list: a
// positive equality with a string or number on a search-safe field.
func inKey(e ir.Expr) (string, bool) {
	m, ok := e.(*ir.Match)
	if !ok || m.Op != ir.OpEq || m.IsKeyword() {
		return "", false
	}
	switch v := m.Value.(type) {
	case ir.String:
		if s, _ := v.Pattern.Classify(); s == ir.ShapeAny {
			return "", false
		}
	case ir.Number:
		if !plainNumber(v.Text) {
			return "", false
		}
	default:
		return "", false
	}
	f, ok := searchField(m.Field)
	return f, ok
}

// singleIn reports whether every term joins one `IN (...)` list.
func singleIn(terms []ir.Expr) bool {
	if len(terms) == 0 {
		return false
	}
	f0, ok := inKey(terms[0])
	if !ok {
		return false
	}
	for _, t := range terms[1:] {
		if f, ok := inKey(t); !ok || f != f0 {
			return false
		}
	}
	return true
}

// searchOr prints the terms of an OR, folding two or more equalities on one
// field into `field IN (v1, v2)` at the place of the first of them.
func (r *renderer) searchOr(b *strings.Builder, terms []ir.Expr) {
	type item struct {
		field string
		terms []ir.Expr
	}
	items := make([]item, 0, len(terms))
	// A linear search over the few distinct fields of one OR beats a map.
next:
	for _, t := range terms {
		if f, ok := inKey(t); ok {
			for i := range items {
				if items[i].field == f {
					items[i].terms = append(items[i].terms, t)
					continue next
				}
			}
			items = append(items, item{field: f, terms: []ir.Expr{t}})
			continue
		}
		items = append(items, item{terms: []ir.Expr{t}})
	}
	for i, it := range items {
		if i > 0 {
			b.WriteString(" OR ")
		}
		if len(it.terms) == 1 {
			r.search(b, it.terms[0], ctxOr)
			continue
		}
		b.WriteString(it.field)
		b.WriteString(" IN (")
		for j, t := range it.terms {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString(searchValue(t.(*ir.Match).Value))
		}
		b.WriteByte(')')
	}
}

// searchValue renders the value of an equality in the search language.
func searchValue(v ir.Value) string {
	switch v := v.(type) {
	case ir.String:
		s, _ := searchPattern(v.Pattern)
		return s
	case ir.Number:
		if plainNumber(v.Text) {
			return v.Text
		}
		return quoteSPL(v.Text)
	case ir.Bool:
		if v.Value {
			return "true"
		}
		return "false"
	case ir.CIDR:
		return quoteSPL(v.Prefix.String())
	}
	return `""`
}

// searchMatch prints one match in the search language.
func (r *renderer) searchMatch(b *strings.Builder, m *ir.Match) {
	if q, ok := m.Value.(ir.QueryExpr); ok {
		b.WriteString(q.Text)
		return
	}
	f, ok := searchField(m.Field)
	if !ok {
		r.l.Errorf(diag.CodeInternal, m.P, "splunk: field %q reached the search printer", m.Field)
		f = `""`
	}
	switch m.Op {
	case ir.OpEq:
		if s, ok := m.Value.(ir.String); ok {
			if shape, _ := s.Pattern.Classify(); shape == ir.ShapeAny {
				b.WriteString(f + "=*")
				return
			}
		}
		b.WriteString(f + "=" + searchValue(m.Value))
	case ir.OpCIDR:
		b.WriteString(f + "=" + searchValue(m.Value))
	case ir.OpExists:
		b.WriteString(f + "=*")
	case ir.OpNull:
		b.WriteString("NOT " + f + "=*")
	case ir.OpLt, ir.OpLte, ir.OpGt, ir.OpGte:
		b.WriteString(f + m.Op.String() + numText(m.Value.(ir.Number)))
	default:
		r.l.Errorf(diag.CodeInternal, m.P, "splunk: operator %s reached the search printer", m.Op)
		b.WriteByte('*')
	}
}

// where prints e in the eval language of `| where`. Eval evaluates AND
// before OR; compound operands are parenthesised anyway so that a reader
// need not know that SPL's two languages disagree on precedence. negated
// is true below a NOT: there every field test is guarded with isnotnull(),
// because eval functions return null for a missing field, NOT null is still
// null, and `| where` drops null — while Sigma's `not` is true when the
// field is missing.
func (r *renderer) where(b *strings.Builder, e ir.Expr, nested, negated bool) {
	switch n := e.(type) {
	case *ir.And:
		if len(n.Terms) == 0 {
			b.WriteString("true()")
			return
		}
		r.whereJunction(b, n.Terms, " AND ", nested, negated)
	case *ir.Or:
		if len(n.Terms) == 0 {
			b.WriteString("false()")
			return
		}
		r.whereJunction(b, n.Terms, " OR ", nested, negated)
	case *ir.Not:
		b.WriteString("NOT ")
		r.where(b, n.X, true, true)
	case *ir.Const:
		if n.Value {
			b.WriteString("true()")
		} else {
			b.WriteString("false()")
		}
	case *ir.Match:
		r.whereMatch(b, n, negated)
	default:
		r.l.Errorf(diag.CodeInternal, e.Pos(), "splunk: unexpected %T in a where expression", e)
		b.WriteString("false()")
	}
}

func (r *renderer) whereJunction(b *strings.Builder, terms []ir.Expr, op string, nested, negated bool) {
	if nested {
		b.WriteByte('(')
	}
	for i, t := range terms {
		if i > 0 {
			b.WriteString(op)
		}
		r.where(b, t, true, negated)
	}
	if nested {
		b.WriteByte(')')
	}
}

// evalFieldOr renders a field for eval, reporting a diagnostic when it
// cannot be written there.
func (r *renderer) evalFieldOr(name string, p diag.Pos) string {
	f, ok := evalField(name)
	if !ok {
		r.l.ErrorHint(diag.CodeUnsupported, p, "rename the field with a pipeline (field_name_mapping)",
			"target splunk cannot write the field name %q in a | where expression (quote, backslash or control character)", name)
		return "'_'"
	}
	return f
}

// whereMatch prints one match as an eval boolean.
func (r *renderer) whereMatch(b *strings.Builder, m *ir.Match, guard bool) {
	if _, ok := m.Value.(ir.QueryExpr); ok {
		r.l.ErrorHint(diag.CodeUnsupported, m.P, "move the query expression out of the OR/NOT, or avoid regex, fieldref, cased, `?` and keywords next to it",
			"target splunk cannot combine a query expression with constructs that need | where under the same OR or NOT")
		b.WriteString("false()")
		return
	}
	if m.IsKeyword() {
		// Sigma keyword: a case-insensitive substring of the event. A bare
		// SPL term matches whole index segments instead, so the exact
		// form tests the raw event text.
		b.WriteString("match(_raw, " + quoteSPL(r.stringRegex(m)) + ")")
		return
	}
	if m.Part != ir.PartNone {
		r.l.Errorf(diag.CodeUnsupported, m.P, "target splunk cannot express the %s time modifier", m.Part)
		b.WriteString("false()")
		return
	}
	f := r.evalFieldOr(m.Field, m.P)
	var test string
	guards := []string{f}
	switch m.Op {
	case ir.OpExists:
		b.WriteString("isnotnull(" + f + ")")
		return
	case ir.OpNull:
		b.WriteString("isnull(" + f + ")")
		return
	case ir.OpEq:
		switch v := m.Value.(type) {
		case ir.Number:
			if plainNumber(v.Text) {
				test = f + "==" + v.Text
			} else {
				test = "match(" + f + ", " + quoteSPL(regexFor(ir.Lit(v.Text), false)) + ")"
			}
		case ir.String:
			if s, _ := v.Pattern.Classify(); s == ir.ShapeAny {
				b.WriteString("isnotnull(" + f + ")")
				return
			}
			test = "match(" + f + ", " + quoteSPL(r.stringRegex(m)) + ")"
		default: // Bool
			test = "match(" + f + ", " + quoteSPL(r.stringRegex(m)) + ")"
		}
	case ir.OpRegex:
		test = "match(" + f + ", " + quoteSPL(regexSource(m.Value.(ir.Regex))) + ")"
	case ir.OpCIDR:
		test = "cidrmatch(" + quoteSPL(m.Value.(ir.CIDR).Prefix.String()) + ", " + f + ")"
	case ir.OpLt, ir.OpLte, ir.OpGt, ir.OpGte:
		n := numText(m.Value.(ir.Number))
		if !plainNumber(n) {
			r.l.Errorf(diag.CodeUnsupported, m.P, "target splunk cannot compare with %s", n)
		}
		test = f + m.Op.String() + n
	case ir.OpFieldRef:
		ref := m.Value.(ir.FieldRef)
		g := r.evalFieldOr(ref.Name, m.P)
		guards = append(guards, g)
		test = fieldRefTest(f, g, ref, m.Cased)
	default:
		r.l.Errorf(diag.CodeInternal, m.P, "splunk: operator %s has no where form", m.Op)
		test = "false()"
	}
	if !guard {
		b.WriteString(test)
		return
	}
	b.WriteByte('(')
	for _, g := range guards {
		b.WriteString("isnotnull(" + g + ") AND ")
	}
	b.WriteString(test + ")")
}

// stringRegex returns the exact regex of a string, boolean or keyword
// match.
func (r *renderer) stringRegex(m *ir.Match) string {
	switch v := m.Value.(type) {
	case ir.String:
		return regexFor(v.Pattern, m.Cased)
	case ir.Bool:
		if v.Value {
			return regexFor(ir.Lit("true"), m.Cased)
		}
		return regexFor(ir.Lit("false"), m.Cased)
	case ir.Number:
		return regexFor(ir.Lit(v.Text), m.Cased)
	}
	r.l.Errorf(diag.CodeInternal, m.P, "splunk: value %T has no regex form", m.Value)
	return "(?!)"
}

// Runtime regex-quoting of another field's value, for fieldref with
// startswith/endswith/contains: replace() puts a backslash before every PCRE
// metacharacter (pattern and replacement are PCRE text inside eval strings,
// hence the doubled backslashes once quoted).
var (
	refMetaRE   = quoteSPL(`([\\^$.|?*+()\[\]{}])`)
	refMetaRepl = quoteSPL(`\\\1`)
)

// fieldRefTest is the eval test of a field reference: equality compares
// lower-cased values (Sigma matching is case-insensitive unless cased);
// the widened forms build a regex from the other field's escaped value.
func fieldRefTest(f, g string, ref ir.FieldRef, cased bool) string {
	if !ref.Lead && !ref.Trail {
		if cased {
			return f + "==" + g
		}
		return "lower(" + f + ")==lower(" + g + ")"
	}
	var pre, post string
	if !cased {
		pre = "(?i)"
	}
	if !ref.Lead {
		pre += "^"
	}
	if !ref.Trail {
		post = " . " + quoteSPL(`\z`)
	}
	re := "replace(" + g + ", " + refMetaRE + ", " + refMetaRepl + ")" + post
	if pre != "" {
		re = quoteSPL(pre) + " . " + re
	}
	return "match(" + f + ", " + re + ")"
}
