package native

import (
	sigrt "github.com/sigc-dev/sigc/backends/internal/rt"
	"math/bits"
	"sort"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/sigc-dev/sigc/ir"
	"github.com/sigc-dev/sigc/ir/diag"
)

// RuleSet is many compiled rules evaluated together. Per event it first
// narrows the rules down with two prefilters computed at compile time, and
// only then runs the candidates' Programs:
//
//   - routing: equality tests every query of a rule requires (the
//     Channel/EventID conditions a logsource pipeline adds) index the rule
//     by field and value; an event only reaches rules whose required
//     values it has;
//   - the field index: for each rule, up to two necessary conditions, each
//     a set of field tests one of which must hold (for
//     `Image|endswith: '\calc.exe'` that is "Image ends with \calc.exe").
//     Whole values are found by a hash lookup, prefixes, suffixes and
//     substrings by a gram index (grams.go) over that field's value only,
//     and a field is read only when a remaining candidate needs it. Each
//     combination of routing values (a bucket: Sysmon EventID 1, …) gets
//     an index of its candidates' clauses alone, built on its first
//     event, so an event only searches the literals of rules that apply
//     to its channel and EventID. The same index finds vetoes: a whole
//     literal test under a rule's negation (`not Image|endswith: '.exe'`)
//     that the event passes rules the rule out (clause.go).
//
// A decoded event (a Flat) is read in its own order: its memory is loaded
// up front (Flat.prefetch), keyword literals are searched in all of its
// text at once, and its fields are walked front to back, each looked up
// in a small table of the bucket's indexed fields (fieldtab.go). A
// Matcher remembers the postings of values it has scanned before (memo.go),
// in one table per field, since most values of an event stream recur; a
// field whose values do not recur stops being looked up; the decoder notes whether an event is all ASCII, which spares
// the per-value checks that decide how to fold.
//
// Both filters are conservative: they never drop a rule that could match.
// A RuleSet is immutable and safe for concurrent use; per-goroutine
// scratch state comes from a pool, or from NewMatcher.
type RuleSet struct {
	progs  []*Program
	words  int
	all    []uint64
	routes []route
	// clauses holds every rule's clauses, and vetoes their vetoes, to
	// build the index of a routing bucket (nil without the field index).
	clauses [][]clause
	vetoes  []clause
	// maxShort bounds the short literals of a field in any index.
	maxShort int
	// whole is the index of every rule, for events that no bucket
	// serves; built on first use (wholeIndex), since buckets serve nearly
	// all events and it costs a tenth of a second for the corpus.
	whole     *index
	wholeOnce sync.Once
	// buckets caches, per combination of routing values, the candidates
	// and an index of their clauses alone, shared by all Matchers.
	bmu     sync.Mutex
	buckets map[string]*routing
	// byCand holds the bucket indexes by candidate set: routing values
	// that differ in text only ("1", "01") share one index.
	byCand map[string]*index
	// memoIDs numbers the memo tables of field indexes (fieldIndex.memoID).
	memoIDs atomic.Int32
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
	noRouting, noIndex bool
	maxRoutes          int
}

// WithoutPrefilter disables both prefilters, so every rule is evaluated
// on every event; tests use it to check that the prefilters change nothing.
func WithoutPrefilter() Option {
	return func(c *config) { c.noRouting, c.noIndex = true, true }
}

// Stats describes the prefilters of a RuleSet.
type Stats struct {
	Rules         int
	RoutingFields []string
	Routed        int // rules indexed by at least one routing field
	Indexed       int // rules with at least one necessary condition
	Always        int // rules without one: evaluated on every routed event
	IndexFields   int // fields with atoms
	ExactKeys     int // whole values in the hash maps
	Patterns      int // prefix, suffix and substring literals
	GramBytes     int // memory of the literal indexes
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
	st.Always = len(rs.progs)
	if idx := rs.wholeIndex(); idx != nil {
		st.Always = idx.always
		st.IndexFields = len(idx.fields)
		for _, f := range idx.fields {
			st.ExactKeys += len(f.exact)
			for _, gi := range f.grams {
				if gi != nil {
					st.Patterns += len(gi.lits)
					st.GramBytes += gi.bytes()
				}
			}
		}
	}
	st.Indexed = len(rs.progs) - st.Always
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
	cfg := config{maxRoutes: 4}
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
	routed := map[string]bool{}
	for _, r := range rs.routes {
		routed[r.key.Name] = true
	}
	for _, p := range rs.progs {
		p.demote(routed)
	}
	if !cfg.noIndex {
		rs.clauses, rs.vetoes = pickClauses(kept, routed)
		rs.maxShort = maxShortAtoms(rs.clauses, rs.vetoes)
	}
	rs.buckets = map[string]*routing{}
	rs.byCand = map[string]*index{}
	rs.pool.New = func() any { return rs.NewMatcher() }
	return rs, diags
}

// wholeIndex returns the index of every rule (nil without the field
// index), building it on first use.
func (rs *RuleSet) wholeIndex() *index {
	if rs.clauses == nil {
		return nil
	}
	rs.wholeOnce.Do(func() {
		rs.whole = buildIndex(rs.clauses, rs.vetoes, rs.words, rs.all, rs.all, &rs.memoIDs)
	})
	return rs.whole
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
		// A routing field costs a lookup and a bitset pass per event; one
		// few rules require is better left to the field index.
		if len(rs.routes) == maxRoutes || count[f] < max(2, len(rules)/32) {
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

// Matcher holds the per-goroutine scratch state of a RuleSet. Use one per
// goroutine, or call RuleSet.Match, which pools them.
type Matcher struct {
	rs   *RuleSet
	cand []uint64
	hit  [maxSlots + 1][]uint64 // the last: vetoes
	buf  []byte                 // the folded value being looked up
	// stamp[i] == gen marks short literal i as already posted for the
	// value being scanned.
	stamp []uint32
	gen   uint32
	// Routing results by the routing fields' values: events of one
	// channel and EventID share the candidates and the fields to read, so
	// routing and the choice of fields run once per combination.
	routed map[string]*routing
	key    []byte
	spare  routing
	// sink keeps the sum of Flat.prefetch.
	sink uint64
	// memo remembers the postings of values seen before (memo.go); rec
	// collects the postings of the value being remembered.
	memo      *memo
	rec       [][]int32
	recording bool
	// ascii says that the event being filtered is all ASCII (Flat.ascii).
	ascii bool
}

// routing is the outcome of the routing filter for one combination of
// routing values.
type routing struct {
	cand []uint64
	// idx is the field index to filter cand with: one holding only the
	// candidates' clauses, or the whole index.
	idx *index
	// fields lists the fields of idx that some candidate has atoms on.
	fields []int32
	// tab finds those fields by name hash, for a Flat event read in one
	// pass in field order, and byID by name number (fieldID; -1: not
	// indexed) for decoded fields, which carry it; kw is the keyword
	// pseudo-field among them.
	tab  fieldTab
	byID []int32
	kw   *fieldIndex
}

// maxRouted bounds the routing cache; past it (an input with ever-new
// EventIDs) routing is computed per event.
const maxRouted = 1024

// maxBuckets bounds the routing buckets that get an index of their own.
// Why per bucket: a scan costs per byte of value and per literal that
// can hit, so a Sysmon event should not search the literals of rules
// that only apply to other channels (most keyword rules, for one). Past
// the bound, buckets share the whole index.
const maxBuckets = 256

// NewMatcher returns scratch state for one goroutine.
func (rs *RuleSet) NewMatcher() *Matcher {
	m := &Matcher{rs: rs, cand: make([]uint64, rs.words), buf: make([]byte, 0, 256), routed: map[string]*routing{}}
	for s := range m.hit {
		m.hit[s] = make([]uint64, rs.words)
	}
	m.spare.cand = make([]uint64, rs.words)
	if rs.clauses != nil {
		m.stamp = make([]uint32, rs.maxShort)
		m.memo = &memo{}
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
	var touched uint64
	if fl, ok := ev.(*Flat); ok {
		touched = fl.prefetch()
	}
	rt := m.routing(ev)
	cand := m.cand
	copy(cand, rt.cand)
	if rt.idx != nil {
		m.filter(ev, rt)
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
	// Used only now, so that nothing waits for the prefetching loads.
	m.sink += touched
	return dst
}

// routing returns the routing outcome for ev, from the cache when the
// routing values are all scalars (or absent).
func (m *Matcher) routing(ev Event) *routing {
	rs := m.rs
	m.key = m.key[:0]
	cacheable := true
	for ri := range rs.routes {
		v, ok := ev.Get(rs.routes[ri].key)
		switch {
		case !ok:
			m.key = append(m.key, 0)
		case v.IsScalar():
			m.key = append(m.key, 1)
			m.key = append(m.key, v.Str...)
			m.key = append(m.key, 0)
		default:
			cacheable = false
		}
	}
	if cacheable {
		if r, ok := m.routed[string(m.key)]; ok {
			return r
		}
		if len(m.routed) < maxRouted {
			r := m.bucket(ev)
			m.routed[string(m.key)] = r
			return r
		}
	}
	r := &m.spare
	m.route(ev, r)
	m.useIndex(r, rs.wholeIndex())
	return r
}

// bucket returns the shared routing outcome for ev, whose routing key is
// in m.key, computing it and the bucket's index on first use.
func (m *Matcher) bucket(ev Event) *routing {
	rs := m.rs
	rs.bmu.Lock()
	defer rs.bmu.Unlock()
	if r, ok := rs.buckets[string(m.key)]; ok {
		return r
	}
	r := &routing{cand: make([]uint64, rs.words)}
	m.route(ev, r)
	var idx *index
	if rs.clauses != nil {
		ck := string(unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(r.cand))), 8*len(r.cand)))
		if own, ok := rs.byCand[ck]; ok {
			idx = own
		} else if len(rs.byCand) < maxBuckets {
			idx = buildIndex(rs.clauses, rs.vetoes, rs.words, rs.all, r.cand, &rs.memoIDs)
			rs.byCand[ck] = idx
		} else {
			idx = rs.wholeIndex()
		}
	}
	m.useIndex(r, idx)
	rs.buckets[string(m.key)] = r
	return r
}

// useIndex sets the field index r is filtered with and the fields of it
// that r's candidates need.
func (m *Matcher) useIndex(r *routing, idx *index) {
	r.idx = idx
	r.fields = r.fields[:0]
	if idx == nil {
		return
	}
	for fi := range idx.fields {
		if intersects(r.cand, idx.fields[fi].rules) {
			r.fields = append(r.fields, int32(fi))
		}
	}
	r.tab, r.kw = newFieldTab(idx, r.fields)
	r.byID = r.byID[:0]
	for _, fi := range r.fields {
		f := &idx.fields[fi]
		if f.any {
			continue
		}
		if id := int(f.id); id != 0 {
			for len(r.byID) <= id {
				r.byID = append(r.byID, -1)
			}
			r.byID[id] = fi
		}
	}
}

// route computes the routing outcome for ev into r.
func (m *Matcher) route(ev Event, r *routing) {
	rs := m.rs
	copy(r.cand, rs.all)
	tmp := m.hit[0] // free until filter runs
	for ri := range rs.routes {
		rt := &rs.routes[ri]
		copy(tmp, rt.notReq)
		if v, ok := ev.Get(rt.key); ok {
			m.routeValue(rt, v, tmp)
		}
		for i := range r.cand {
			r.cand[i] &= tmp[i]
		}
	}
}

// routeValue marks in acc the rules that accept value v of a routing
// field.
func (m *Matcher) routeValue(rt *route, v Value, acc []uint64) {
	switch v.Kind {
	case KindArray:
		for _, e := range v.Elems {
			m.routeValue(rt, e, acc)
		}
		return
	case KindString, KindNumber, KindBool:
	default:
		return
	}
	s := v.Str
	m.mark(rt, s, acc)
	// Numbers equal by value ("4624.0", "04624") route by canonical text;
	// anything else is its own canonical text.
	if c := sigrt.CanonicalNumber(s); c != s {
		m.mark(rt, c, acc)
	}
}

func (m *Matcher) mark(rt *route, s string, acc []uint64) {
	m.buf = foldInto(m.buf[:0], s, isASCII(s))
	if bs, ok := rt.byVal[string(m.buf)]; ok {
		for i, w := range bs {
			acc[i] |= w
		}
	}
}
