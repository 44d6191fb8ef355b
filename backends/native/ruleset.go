package native

import (
	"math/bits"
	"sort"
	"sync"
	"unicode/utf8"

	"github.com/sigc-dev/sigc/ir"
	"github.com/sigc-dev/sigc/ir/diag"
)

// RuleSet is many compiled rules evaluated together. Per event it first
// narrows the rules down with two prefilters computed at compile time, and
// only then runs the candidates' Programs:
//
//   - routing: equality tests every query of a rule requires (the
//     Channel/EventID conditions a logsource pipeline adds, and any other
//     top-level field = literal) index the rule by field and value; an
//     event only reaches rules whose required values it has;
//   - literals: for each rule, a set of substrings one of which must occur
//     in some value of the event (for `Image|endswith: '\calc.exe'` that
//     is "\calc.exe"); one Aho-Corasick pass over the event's values finds
//     them all, and rules none of whose literals occur are skipped.
//
// Both filters are conservative: they never drop a rule that could match.
// A RuleSet is immutable and safe for concurrent use; per-goroutine
// scratch state comes from a pool, or from NewMatcher.
type RuleSet struct {
	progs  []*Program
	words  int
	all    []uint64
	routes []route
	// Literal prefilter: noLit has the rules without a literal clause.
	ac      *automaton
	noLit   []uint64
	patRule [][]int32
	pool    sync.Pool
}

// route is one routing field: the rules that do not require it, and for
// each folded value the rules that accept it.
type route struct {
	key    Key
	notReq []uint64
	byVal  map[string][]uint64 // bitset of the rules accepting the value
}

// Option configures NewRuleSet.
type Option func(*config)

type config struct {
	noRouting, noLiterals bool
	maxRoutes             int
}

// WithoutPrefilter disables both prefilters, so every rule is evaluated
// on every event; tests use it to check that the prefilters change nothing.
func WithoutPrefilter() Option {
	return func(c *config) { c.noRouting, c.noLiterals = true, true }
}

// Stats describes the prefilters of a RuleSet.
type Stats struct {
	Rules         int
	RoutingFields []string
	Routed        int // rules indexed by at least one routing field
	WithLiterals  int // rules with a literal clause
	Literals      int // distinct literals in the automaton
	ACStates      int
	ACBytes       int
}

// Stats returns figures about the prefilters.
func (rs *RuleSet) Stats() Stats {
	st := Stats{Rules: len(rs.progs)}
	routed := make([]uint64, rs.words)
	for _, r := range rs.routes {
		st.RoutingFields = append(st.RoutingFields, r.key.Name)
		for i := range routed {
			routed[i] |= rs.all[i] &^ r.notReq[i]
		}
	}
	st.Routed = popcount(routed)
	st.WithLiterals = len(rs.progs) - popcount(rs.noLit)
	if rs.ac != nil {
		st.Literals, st.ACStates, st.ACBytes = rs.ac.npats, rs.ac.states, rs.ac.bytes()
	}
	return st
}

func popcount(b []uint64) int {
	n := 0
	for _, w := range b {
		n += bits.OnesCount64(w)
	}
	return n
}

// NewRuleSet compiles rules. A rule that does not compile is left out; its
// diagnostics are in the returned list, and the rest still work.
func NewRuleSet(rules []*ir.Rule, opts ...Option) (*RuleSet, diag.List) {
	cfg := config{maxRoutes: 8}
	for _, o := range opts {
		o(&cfg)
	}
	var diags diag.List
	rs := &RuleSet{}
	var kept []*ir.Rule
	for _, r := range rules {
		p, d := Compile(r)
		diags.Append(d)
		if p != nil {
			rs.progs = append(rs.progs, p)
			kept = append(kept, r)
		}
	}
	n := len(rs.progs)
	rs.words = (n + 63) / 64
	rs.all = make([]uint64, rs.words)
	for i := 0; i < n; i++ {
		rs.all[i/64] |= 1 << (i % 64)
	}
	if !cfg.noRouting {
		rs.buildRoutes(kept, cfg.maxRoutes)
	}
	rs.noLit = append([]uint64(nil), rs.all...)
	if !cfg.noLiterals {
		routed := map[string]bool{}
		for _, r := range rs.routes {
			routed[r.key.Name] = true
		}
		rs.buildLiterals(kept, routed)
	}
	rs.pool.New = func() any { return rs.NewMatcher() }
	return rs, diags
}

// Programs returns the compiled rules in input order (failed rules left out).
func (rs *RuleSet) Programs() []*Program { return rs.progs }

func (rs *RuleSet) buildRoutes(rules []*ir.Rule, maxRoutes int) {
	reqs := make([]map[string][]string, len(rules))
	count := map[string]int{}
	for i, r := range rules {
		reqs[i] = ruleRoutes(r)
		for f := range reqs[i] {
			count[f]++
		}
	}
	fields := make([]string, 0, len(count))
	for f := range count {
		fields = append(fields, f)
	}
	// The most shared fields first: each routing field costs one lookup
	// per event, so only fields that index many rules are worth it.
	sort.Slice(fields, func(a, b int) bool {
		if count[fields[a]] != count[fields[b]] {
			return count[fields[a]] > count[fields[b]]
		}
		return fields[a] < fields[b]
	})
	for _, f := range fields {
		if len(rs.routes) == maxRoutes || count[f] < 2 {
			break
		}
		rt := route{key: NewKey(f), notReq: append([]uint64(nil), rs.all...), byVal: map[string][]uint64{}}
		for i := range rules {
			vals, ok := reqs[i][f]
			if !ok {
				continue
			}
			rt.notReq[i/64] &^= 1 << (i % 64)
			for _, v := range vals {
				bs := rt.byVal[v]
				if bs == nil {
					bs = make([]uint64, rs.words)
					rt.byVal[v] = bs
				}
				bs[i/64] |= 1 << (i % 64)
			}
		}
		rs.routes = append(rs.routes, rt)
	}
}

// ruleRoutes returns, per field, the folded values one of which every
// query of r requires; a field counts only if all queries require it.
func ruleRoutes(r *ir.Rule) map[string][]string {
	exprs := make([]ir.Expr, len(r.Queries))
	for i, q := range r.Queries {
		exprs[i] = q.Expr
	}
	return anyOf(exprs)
}

// anyOf combines alternatives: a field is required when every alternative
// requires it, with the union of their values.
func anyOf(alts []ir.Expr) map[string][]string {
	var out map[string][]string
	for i, t := range alts {
		m := requiredEq(t)
		if i == 0 {
			out = m
			continue
		}
		for f, vs := range out {
			if ws, ok := m[f]; ok {
				out[f] = append(vs[:len(vs):len(vs)], ws...)
			} else {
				delete(out, f)
			}
		}
	}
	return out
}

// requiredEq finds equality tests an expression requires: a Match of a
// field with an exact literal or a number, the same field in every branch
// of an Or (the union of values), or any of these inside an And.
func requiredEq(e ir.Expr) map[string][]string {
	switch n := e.(type) {
	case *ir.Match:
		if v, ok := eqValue(n); ok {
			return map[string][]string{n.Field: {v}}
		}
	case *ir.Or:
		return anyOf(n.Terms)
	case *ir.And:
		out := map[string][]string{}
		for _, t := range n.Terms {
			for f, vs := range requiredEq(t) {
				if old, ok := out[f]; !ok || len(vs) < len(old) {
					out[f] = vs
				}
			}
		}
		return out
	}
	return nil
}

// eqValue returns the folded routing key of a field-equality match.
func eqValue(m *ir.Match) (string, bool) {
	if m.Field == "" || m.Op != ir.OpEq || m.Part != ir.PartNone {
		return "", false
	}
	switch v := m.Value.(type) {
	case ir.String:
		if v.Pattern.HasPlaceholders() {
			return "", false
		}
		if shape, lit := v.Pattern.Classify(); shape == ir.ShapeExact {
			return foldString(lit), true
		}
	case ir.Number:
		return v.Text, true
	}
	return "", false
}

// Literal prefilter.

// minLiteral is the shortest literal worth indexing: shorter ones occur in
// nearly every event and would only cost time.
const minLiteral = 3

// maxLiteral truncates long literals; any substring of a required
// substring is required too, and shorter patterns keep the DFA small.
const maxLiteral = 24

// buildLiterals indexes each rule's literal clause. Routing tests inside
// an And are not candidates for it: the routing filter already checks
// them, and their values ("Microsoft-Windows-Sysmon/Operational") occur in
// every event of the channel, so as literals they would select nothing.
func (rs *RuleSet) buildLiterals(rules []*ir.Rule, routed map[string]bool) {
	ids := map[string]int32{}
	var pats []string
	for i, r := range rules {
		cl, ok := ruleClause(r, routed)
		if !ok {
			continue
		}
		rs.noLit[i/64] &^= 1 << (i % 64)
		for _, l := range cl {
			id, ok := ids[l]
			if !ok {
				id = int32(len(pats))
				ids[l] = id
				pats = append(pats, l)
				rs.patRule = append(rs.patRule, nil)
			}
			if rr := rs.patRule[id]; len(rr) == 0 || rr[len(rr)-1] != int32(i) {
				rs.patRule[id] = append(rr, int32(i))
			}
		}
	}
	if len(pats) > 0 {
		rs.ac = newAutomaton(pats)
	}
}

// ruleClause returns literals one of which must occur in the event for r
// to match, or false when no such set is known.
func ruleClause(r *ir.Rule, routed map[string]bool) ([]string, bool) {
	var out []string
	for _, q := range r.Queries {
		cl, ok := clauseOf(q.Expr, routed)
		if !ok {
			return nil, false
		}
		out = append(out, cl...)
	}
	if len(r.Queries) == 0 || score(out) < minLiteral {
		return nil, false
	}
	return out, true
}

// score is the length of a clause's shortest literal: the longer, the more
// selective. An empty clause (the expression can never match) scores best.
func score(cl []string) int {
	s := 1 << 30
	for _, l := range cl {
		s = min(s, len(l))
	}
	return s
}

func clauseOf(e ir.Expr, routed map[string]bool) ([]string, bool) {
	switch n := e.(type) {
	case *ir.Match:
		return matchLiteral(n)
	case *ir.Const:
		if !n.Value {
			return []string{}, true
		}
	case *ir.Or:
		var out []string
		for _, t := range n.Terms {
			cl, ok := clauseOf(t, routed)
			if !ok {
				return nil, false
			}
			out = append(out, cl...)
		}
		return out, true
	case *ir.And:
		var best []string
		found := false
		for _, t := range n.Terms {
			if isRouting(t, routed) {
				continue
			}
			if cl, ok := clauseOf(t, routed); ok && (!found || score(cl) > score(best)) {
				best, found = cl, true
			}
		}
		return best, found
	}
	return nil, false
}

// isRouting reports whether an And term is itself a routing test.
func isRouting(e ir.Expr, routed map[string]bool) bool {
	for f := range requiredEq(e) {
		if routed[f] {
			return true
		}
	}
	return false
}

// matchLiteral returns the longest ASCII run of a string match's literal
// text, folded. Non-ASCII characters are cut out because their case
// variants may have other bytes; ASCII letters are safe because the
// scanner folds the event the same way.
func matchLiteral(m *ir.Match) ([]string, bool) {
	if m.Op != ir.OpEq || m.Part != ir.PartNone {
		return nil, false
	}
	v, ok := m.Value.(ir.String)
	if !ok {
		return nil, false
	}
	best := ""
	for _, t := range v.Pattern {
		if t.Kind != ir.TokLit {
			continue
		}
		s := t.Text
		for len(s) > 0 {
			j := 0
			for j < len(s) && s[j] < utf8.RuneSelf {
				j++
			}
			if j > len(best) {
				best = s[:j]
			}
			for j < len(s) && s[j] >= utf8.RuneSelf {
				j++
			}
			s = s[j:]
		}
	}
	if len(best) < minLiteral {
		return nil, false
	}
	if len(best) > maxLiteral {
		best = best[:maxLiteral]
	}
	return []string{foldString(best)}, true
}

// Matcher holds the per-goroutine scratch state of a RuleSet. Use one per
// goroutine, or call RuleSet.Match, which pools them.
type Matcher struct {
	rs              *RuleSet
	cand, tmp, lits []uint64
	stamp           []uint32
	gen             uint32
}

// NewMatcher returns scratch state for one goroutine.
func (rs *RuleSet) NewMatcher() *Matcher {
	m := &Matcher{rs: rs, cand: make([]uint64, rs.words), tmp: make([]uint64, rs.words), lits: make([]uint64, rs.words)}
	if rs.ac != nil {
		m.stamp = make([]uint32, rs.ac.npats)
	}
	return m
}

// Match appends to dst the programs that match ev, in rule order, and
// returns the extended slice. It is safe for concurrent use.
func (rs *RuleSet) Match(ev Event, dst []*Program) []*Program {
	m := rs.pool.Get().(*Matcher)
	dst = m.Match(ev, dst)
	rs.pool.Put(m)
	return dst
}

// Match appends to dst the programs that match ev, in rule order. A
// Matcher must not be used by two goroutines at once.
func (m *Matcher) Match(ev Event, dst []*Program) []*Program {
	rs := m.rs
	cand := m.cand
	copy(cand, rs.all)
	for ri := range rs.routes {
		rt := &rs.routes[ri]
		copy(m.tmp, rt.notReq)
		if v, ok := ev.Get(rt.key); ok {
			m.route(rt, v)
		}
		for i := range cand {
			cand[i] &= m.tmp[i]
		}
	}
	if rs.ac != nil && m.needLiterals() {
		m.literals(ev)
		for i := range cand {
			cand[i] &= m.lits[i]
		}
	}
	for wi, w := range cand {
		for w != 0 {
			b := bits.TrailingZeros64(w)
			w &= w - 1
			if p := rs.progs[wi*64+b]; p.Match(ev) {
				dst = append(dst, p)
			}
		}
	}
	return dst
}

// route marks in m.tmp the rules that accept value v of a routing field.
func (m *Matcher) route(rt *route, v Value) {
	switch v.Kind {
	case KindArray:
		for _, e := range v.Elems {
			m.route(rt, e)
		}
		return
	case KindString, KindNumber, KindBool:
	default:
		return
	}
	s := v.Str
	m.mark(rt, s)
	// Numbers equal by value ("4624.0", "04624") route by canonical text.
	if looksNumeric(s) {
		if c := canonicalNumber(s); c != s {
			m.mark(rt, c)
		}
	}
}

func (m *Matcher) mark(rt *route, s string) {
	var buf [128]byte
	var key []byte
	if len(s) <= len(buf) && isASCII(s) {
		key = buf[:len(s)]
		for i := 0; i < len(s); i++ {
			key[i] = lowerASCII[s[i]]
		}
	} else {
		key = []byte(foldString(s))
	}
	if bs, ok := rt.byVal[string(key)]; ok {
		for i, w := range bs {
			m.tmp[i] |= w
		}
	}
}

// needLiterals reports whether any candidate still depends on the literal
// prefilter; if not, the scan is skipped.
func (m *Matcher) needLiterals() bool {
	for i, w := range m.cand {
		if w&^m.rs.noLit[i] != 0 {
			return true
		}
	}
	return false
}

// literals scans every scalar value of ev once and fills m.lits.
func (m *Matcher) literals(ev Event) {
	rs := m.rs
	copy(m.lits, rs.noLit)
	m.gen++
	if m.gen == 0 {
		clear(m.stamp)
		m.gen = 1
	}
	for i, n := 0, ev.Len(); i < n; i++ {
		_, v := ev.At(i)
		m.scanValue(v)
	}
}

func (m *Matcher) scanValue(v Value) {
	switch v.Kind {
	case KindString, KindNumber, KindBool:
		m.rs.ac.scan(v.Str, m.hit)
	case KindArray:
		for _, e := range v.Elems {
			m.scanValue(e)
		}
	}
}

func (m *Matcher) hit(p int32) {
	if m.stamp[p] == m.gen {
		return
	}
	m.stamp[p] = m.gen
	for _, r := range m.rs.patRule[p] {
		m.lits[r/64] |= 1 << (r % 64)
	}
}
