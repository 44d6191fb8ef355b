package native

import (
	"bytes"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"unicode/utf8"

	"github.com/sigc-dev/sigc/ir"
)

// The field index: each rule's clauses (clause.go) filed under the fields
// they test. Per event, only the fields that some remaining candidate
// needs are read, each value is folded once, and its atoms are found by a
// hash lookup (whole values) and one automaton pass over that field alone
// (prefixes, suffixes, substrings).

// fieldIndex holds the atoms on one field. Postings are rule<<2 | slot,
// where slot vetoSlot marks a veto (see clause.go).
type fieldIndex struct {
	key Key
	// id is the field name's number (fieldID), 0 when it has none.
	id uint16
	// any marks the keyword pseudo-field: every value of the event.
	any bool
	// rules is the bitset of the rules with an atom here; a field none of
	// the current candidates needs is not read at all.
	rules []uint64
	exact map[string][]int32
	// maxExact bounds the length of a value that can fold to a key of
	// exact: a folded rune is at most 4 times shorter than the original.
	maxExact int
	// exactLens marks the lengths (below 256) of the keys of exact, and
	// longExact says some key is longer: an ASCII value folds to its own
	// length, so one of any other length needs no lookup (a command line
	// is rarely as long as any whole command line a rule names).
	exactLens [4]uint64
	longExact bool
	// short holds literals too short for a gram index; byFirst lists
	// them by their first (folded) byte, for one pass over the value.
	short   []shortAtom
	byFirst *[256][]int32
	// Of the short literals, the anchored ones are tested at the value's
	// ends (shortAnch); substrings are found by one pass testing, per
	// position, a bitmap of the bytes that are one-byte literals (short1)
	// and one of the byte pairs that are two-byte ones (short2), and only
	// on a hit reading byFirst, which lists substrings alone.
	shortAnch []int32
	// asciiShort says some short literal is ASCII; when none is, ASCII
	// values skip the short search. asciiFirst, when not nil, lists the
	// first bytes of the ASCII short substrings (at most maxFirstBytes):
	// an ASCII value is searched for each with strings.IndexByte instead
	// of byte by byte.
	asciiShort bool
	asciiFirst []byte
	// memo says values are looked up in the Matcher's memo first
	// (worthMemo), in the table numbered memoID.
	memo   bool
	memoID int32
	short1 [4]uint64
	short2 *[1 << 10]uint64
	// byPair lists the substrings of two or more bytes by their first
	// two; byFirst then holds the one-byte ones alone.
	byPair map[uint16][]int32
	// grams holds the field's literals by anchoring: prefixes, suffixes
	// and substrings (nil where there are none), and in wideSlot the
	// substrings with a non-ASCII byte.
	grams [numGramSlots]*gramIndex
}

// shortAtom is a literal of one or two bytes (or a short non-ASCII one),
// tested on its own against the folded value.
type shortAtom struct {
	kind atomKind
	lit  string
	post []int32
}

// acPat holds one literal's postings while an index is built;
// newGramIndex copies them into the gram index's posting slab.
type acPat struct {
	post []int32
}

// index is the whole field index of a RuleSet.
type index struct {
	fields []fieldIndex
	// free[slot] has the rules without a clause in that slot: they pass
	// it whatever the event holds.
	free [maxSlots][]uint64
	// always counts rules without any clause: evaluated whenever routed.
	always int
}

// pickClauses returns every rule's clauses (none for a rule evaluated
// whenever routed), with routed fields left out, and its vetoes.
func pickClauses(rules []*ir.Rule, routed map[string]bool) (clauses [][]clause, vetoes []clause) {
	pk := newPicker(rules, routed)
	clauses = make([][]clause, len(rules))
	vetoes = make([]clause, len(rules))
	for i, r := range rules {
		clauses[i] = pk.ruleClauses(r)
		vetoes[i] = pk.ruleVetoes(r)
	}
	return clauses, vetoes
}

// maxShortAtoms bounds the short literals any index built from clauses
// and vetoes has on one field: those of every rule.
func maxShortAtoms(clauses [][]clause, vetoes []clause) int {
	short := map[atom]bool{}
	perField := map[string]int{}
	count := func(a atom) {
		if a.kind != atomExact && len(a.lit) < minLiteral && !short[a] {
			short[a] = true
			perField[a.field]++
		}
	}
	for i, cs := range clauses {
		for _, c := range cs {
			for _, a := range c {
				count(a)
			}
		}
		for _, a := range vetoes[i] {
			count(a)
		}
	}
	n := 0
	for _, c := range perField {
		n = max(n, c)
	}
	return n
}

// fieldBuild collects the atoms of one field while an index is built.
type fieldBuild struct {
	rules []uint64
	exact map[string][]int32
	pats  map[atom]int
	short []shortAtom
	list  [numGramSlots][]acPat
	lits  [numGramSlots][]string
}

// namesAndPaths reports whether the field's literals so far are mostly
// prefixes and suffixes, and enough of them for its values to go through
// the memo (memoLits): a field of paths and names, such as Image, whose
// values recur, so that a literal more costs its scan on the rare new
// value only, and an anchored one a few probes even then.
//
// Why: a veto such as `not Image|startswith: 'C:\Windows\System32\'`
// ("System File Execution Location Anomaly") rules its rule out on most
// events its clause lets through, but only if the index searches it.
// Filing such vetoes on these fields took candidates per benchmark event
// from 1.41 to 1.21 and measured +0.7 to +4.1% (median +1.8%) in eight
// same-process runs; filing them on every field, substrings included,
// cost 2 to 5% more than the evaluations it spared (command lines do not
// recur).
func (fb *fieldBuild) namesAndPaths() bool {
	anchored := len(fb.lits[atomPrefix]) + len(fb.lits[atomSuffix])
	others := len(fb.lits[atomContains]) + len(fb.lits[wideSlot]) + len(fb.lits[eqSlot])
	return anchored >= memoLits && anchored > others
}

// buildIndex files the clauses and vetoes of the rules in subset, a
// bitset over rules. free and always describe every rule, so that an
// index built for the candidates of one routing bucket filters them
// exactly as the whole index would.
func buildIndex(clauses [][]clause, vetoes []clause, words int, all, subset []uint64, memoIDs *atomic.Int32) *index {
	idx := &index{}
	for s := range idx.free {
		idx.free[s] = append([]uint64(nil), all...)
	}
	byField := map[string]*fieldBuild{}
	add := func(post []int32, p int32) []int32 {
		if n := len(post); n > 0 && post[n-1] == p {
			return post
		}
		return append(post, p)
	}
	// file adds posting p of rule i to atom a; with known, only when it
	// costs no search of its own (rides): when some earlier posting filed
	// a already, or a is a whole value or an anchored literal on a field
	// of names and paths.
	file := func(i int, a atom, p int32, known bool) {
		fb := byField[a.field]
		if fb == nil {
			if known {
				return
			}
			fb = &fieldBuild{rules: make([]uint64, words), exact: map[string][]int32{}, pats: map[atom]int{}}
			byField[a.field] = fb
		}
		if a.kind == atomExact {
			if _, ok := fb.exact[a.lit]; !ok && known && !fb.namesAndPaths() {
				return
			}
			fb.rules[i/64] |= 1 << (i % 64)
			fb.exact[a.lit] = add(fb.exact[a.lit], p)
			return
		}
		k := atom{kind: a.kind, lit: a.lit}
		id, ok := fb.pats[k]
		if !ok && known && (a.kind == atomContains || len(a.lit) < minLiteral || !fb.namesAndPaths()) {
			return
		}
		fb.rules[i/64] |= 1 << (i % 64)
		if len(a.lit) < minLiteral {
			if !ok {
				id = len(fb.short)
				fb.pats[k] = id
				fb.short = append(fb.short, shortAtom{kind: a.kind, lit: a.lit})
			}
			fb.short[id].post = add(fb.short[id].post, p)
			return
		}
		slot := int(a.kind)
		if a.kind == atomContains && !isASCII(a.lit) {
			slot = wideSlot
		} else if a.kind == atomContains && eqAnchor(a.lit) >= 0 {
			slot = eqSlot
		}
		if !ok {
			id = len(fb.list[slot])
			fb.pats[k] = id
			fb.list[slot] = append(fb.list[slot], acPat{})
			fb.lits[slot] = append(fb.lits[slot], a.lit)
		}
		fb.list[slot][id].post = add(fb.list[slot][id].post, p)
	}
	in := func(i int) bool { return subset[i/64]&(1<<(i%64)) != 0 }
	for i, cs := range clauses {
		if len(cs) == 0 {
			idx.always++
		}
		for slot := range cs {
			idx.free[slot][i/64] &^= 1 << (i % 64)
		}
		if !in(i) {
			continue
		}
		for slot, c := range cs {
			for _, a := range c {
				file(i, a, posting(i, slot), false)
			}
		}
		if len(cs) == 0 {
			for _, a := range vetoes[i] {
				file(i, a, posting(i, vetoSlot), false)
			}
		}
	}
	// A rule with clauses is a candidate only when they hit, so its
	// vetoes ride along on what the index searches anyway: each costs a
	// posting, and at most a whole value or an anchored literal on a
	// field whose values recur.
	for i, cs := range clauses {
		if in(i) && len(cs) > 0 {
			for _, a := range vetoes[i] {
				file(i, a, posting(i, vetoSlot), true)
			}
		}
	}
	names := make([]string, 0, len(byField))
	for f := range byField {
		names = append(names, f)
	}
	sort.Strings(names)
	count := map[gramID]int{}
	for _, fb := range byField {
		for _, lits := range fb.lits {
			gramCounts(count, lits)
		}
	}
	for _, f := range names {
		fb := byField[f]
		fi := fieldIndex{key: NewKey(f), any: f == "", rules: fb.rules, short: fb.short, id: fieldID(f)}
		fi.asciiFirst = firstBytes(fb.short)
		if len(fb.short) > 0 {
			fi.byFirst = new([256][]int32)
			for i, a := range fb.short {
				fi.asciiShort = fi.asciiShort || isASCII(a.lit)
				switch {
				case a.kind != atomContains:
					fi.shortAnch = append(fi.shortAnch, int32(i))
					continue
				case len(a.lit) == 1:
					fi.short1[a.lit[0]/64] |= 1 << (a.lit[0] % 64)
					fi.byFirst[a.lit[0]] = append(fi.byFirst[a.lit[0]], int32(i))
				default:
					if fi.short2 == nil {
						fi.short2 = new([1 << 10]uint64)
						fi.byPair = map[uint16][]int32{}
					}
					pr := uint16(a.lit[0]) | uint16(a.lit[1])<<8
					fi.short2[pr>>6] |= 1 << (pr & 63)
					fi.byPair[pr] = append(fi.byPair[pr], int32(i))
				}
			}
		}
		if len(fb.exact) > 0 {
			fi.exact = fb.exact
			for k := range fb.exact {
				fi.maxExact = max(fi.maxExact, 4*len(k))
				if len(k) < 256 {
					fi.exactLens[len(k)>>6] |= 1 << (len(k) & 63)
				} else {
					fi.longExact = true
				}
			}
		}
		for k, lits := range fb.lits {
			if len(lits) > 0 {
				kind := atomKind(min(k, int(atomContains)))
				fi.grams[k] = newGramIndex(kind, lits, fb.list[k], count, k == eqSlot)
			}
		}
		if fi.memo = fi.worthMemo(); fi.memo {
			fi.memoID = memoIDs.Add(1) - 1
		}
		idx.fields = append(idx.fields, fi)
	}
	return idx
}

// clauseKey renders a clause for the plan dump: `field kind "lit"`
// alternatives joined by " | ".
func clauseKey(c clause) string {
	if len(c) == 0 {
		return "never"
	}
	s := ""
	for i, a := range c {
		if i > 0 {
			s += " | "
		}
		f := a.field
		if f == "" {
			f = "<keyword>"
		}
		s += f + " " + a.kind.String() + " " + strconv.Quote(a.lit)
	}
	return s
}

// filter keeps in m.cand only the candidates whose clauses the event
// satisfies, reading only the fields of rt.idx that rt.fields lists.
func (m *Matcher) filter(ev Event, rt *routing) {
	idx := rt.idx
	m.ascii = false
	for s := range idx.free {
		copy(m.hit[s], idx.free[s])
	}
	clear(m.hit[vetoSlot])
	if fl, ok := ev.(*Flat); ok {
		m.ascii = fl.packed && fl.ascii
		m.filterFlat(fl, rt)
	} else {
		for _, fi := range rt.fields {
			f := &idx.fields[fi]
			if f.any {
				m.scanAll(f, ev)
			} else if v, ok := ev.Get(f.key); ok {
				m.scanValue(f, v)
			}
		}
	}
	for i := range m.cand {
		w := m.cand[i] &^ m.hit[vetoSlot][i]
		for s := range idx.free {
			w &= m.hit[s][i]
		}
		m.cand[i] = w
	}
}

// scanAll scans every value of ev for the keyword atoms of f, value by
// value (scanKeywords searches a packed Flat's text at once).
func (m *Matcher) scanAll(f *fieldIndex, ev Event) {
	for i, n := 0, ev.Len(); i < n; i++ {
		_, v := ev.At(i)
		m.scanValue(f, v)
	}
}

// onlySkip returns the substring index of f when it is all f holds and
// skips (skip.go), else nil.
func (f *fieldIndex) onlySkip() *gramIndex {
	gi := f.grams[atomContains]
	if gi == nil || gi.skip == nil || len(f.short) > 0 || f.exact != nil ||
		f.grams[atomPrefix] != nil || f.grams[atomSuffix] != nil || f.grams[wideSlot] != nil || f.grams[eqSlot] != nil {
		return nil
	}
	return gi
}

// maxFirstBytes bounds the first bytes of ASCII short substrings that an
// ASCII value is searched for one by one (fieldIndex.asciiFirst).
//
// Why: a command line's short literals are mostly look-alike letters of
// homoglyph rules, which no ASCII value holds, and a few ASCII ones ("-f",
// "${", "^^", "`"); a search for each of their first bytes runs many
// bytes at a time, where the pass over every byte cost a tenth of the
// field's scan.
const maxFirstBytes = 4

// firstBytes returns the distinct first bytes of the ASCII substrings
// among short, or nil when there are none or more than maxFirstBytes.
func firstBytes(short []shortAtom) []byte {
	var out []byte
	for _, a := range short {
		if a.kind != atomContains || !isASCII(a.lit) || bytes.IndexByte(out, a.lit[0]) >= 0 {
			continue
		}
		if len(out) == maxFirstBytes {
			return nil
		}
		out = append(out, a.lit[0])
	}
	return out
}

// scanShort finds the short literals of f in the folded value s: the
// anchored ones at its ends, the substrings in one pass that compares
// literals only where the byte or byte pair there is one, posting each
// literal once. An ASCII value (ascii) holds ASCII literals only, which
// are found by their first bytes when f lists them.
func (m *Matcher) scanShort(f *fieldIndex, s string, ascii bool) {
	for _, id := range f.shortAnch {
		a := &f.short[id]
		if (a.kind == atomPrefix && strings.HasPrefix(s, a.lit)) ||
			(a.kind == atomSuffix && strings.HasSuffix(s, a.lit)) {
			m.post(a.post)
		}
	}
	if len(f.shortAnch) == len(f.short) {
		return
	}
	m.gen++
	if m.gen == 0 {
		clear(m.stamp)
		m.gen = 1
	}
	if ascii && f.asciiFirst != nil {
		for _, c := range f.asciiFirst {
			for i := 0; i < len(s); i++ {
				j := strings.IndexByte(s[i:], c)
				if j < 0 {
					break
				}
				i += j
				m.shortAt(f, s, i)
			}
		}
		return
	}
	for i := range len(s) {
		m.shortAt(f, s, i)
	}
}

// shortAt posts the short substrings of f that start at position i of s:
// a one-byte literal there, and those of two or more bytes that begin
// with the pair there.
func (m *Matcher) shortAt(f *fieldIndex, s string, i int) {
	c := s[i]
	if f.short1[c/64]&(1<<(c%64)) != 0 {
		m.postShort(f, f.byFirst[c], s[i:])
	}
	if f.short2 != nil && i+1 < len(s) {
		if pr := uint16(c) | uint16(s[i+1])<<8; f.short2[pr>>6]&(1<<(pr&63)) != 0 {
			m.postShort(f, f.byPair[pr], s[i:])
		}
	}
}

// postShort posts the short literals ids that start s, once per value.
func (m *Matcher) postShort(f *fieldIndex, ids []int32, s string) {
	for _, id := range ids {
		a := &f.short[id]
		if m.stamp[id] == m.gen || !strings.HasPrefix(s, a.lit) {
			continue
		}
		m.stamp[id] = m.gen
		m.post(a.post)
	}
}

func intersects(a, b []uint64) bool {
	for i, w := range a {
		if w&b[i] != 0 {
			return true
		}
	}
	return false
}

func (m *Matcher) scanValue(f *fieldIndex, v Value) {
	switch v.Kind {
	case KindString, KindNumber, KindBool:
		if m.memo != nil && len(v.Str) <= maxMemo && f.memo {
			m.scanMemo(f, v.Str)
		} else {
			m.scanString(f, v.Str)
		}
	case KindArray:
		for i := range v.Elems {
			m.scanValue(f, v.Elems[i])
		}
	}
}

// memoLits is the fewest literals a field's prefixes, suffixes and
// substrings must number for its values to go through the memo.
//
// Why: a memo probe reads three cache lines that are rarely warm (the
// entry, the key, the postings), while a field with only whole values is
// answered by one hash lookup (often skipped by its length); from a few
// literals on, a scan costs more. Measured on the benchmark events: 8 and
// 1 the same, 64 (where only images and command lines went through the
// memo) 4% slower.
const memoLits = 8

// worthMemo reports whether a scan of f costs enough to remember.
func (f *fieldIndex) worthMemo() bool { return f.lits() >= memoLits }

// lits counts the short literals, prefixes, suffixes and substrings of f.
func (f *fieldIndex) lits() int {
	n := len(f.short)
	for _, gi := range f.grams {
		if gi != nil {
			n += len(gi.lits)
		}
	}
	return n
}

// mayEqual reports whether a value of n bytes may fold to a key of
// f.exact; ascii says the value is ASCII.
func (f *fieldIndex) mayEqual(n int, ascii bool) bool {
	switch {
	case f.exact == nil || n > f.maxExact:
		return false
	case !ascii:
		return true
	case n >= 256:
		return f.longExact
	}
	return f.exactLens[n>>6]&(1<<(n&63)) != 0
}

// scanString finds the atoms of f that the value s satisfies.
func (m *Matcher) scanString(f *fieldIndex, s string) {
	if len(f.short) > 0 || (f.exact != nil && len(s) <= f.maxExact) {
		ascii := m.isASCII(s)
		exact := f.mayEqual(len(s), ascii)
		// An ASCII value holds none of the non-ASCII short literals
		// (look-alike letters of homoglyph rules).
		short := len(f.short) > 0 && (!ascii || f.asciiShort)
		if short || exact {
			m.buf = foldInto(m.buf[:0], s, ascii)
			fs := unsafeString(m.buf)
			if exact {
				if post, ok := f.exact[fs]; ok {
					m.post(post)
				}
			}
			if short {
				m.scanShort(f, fs, ascii)
			}
		}
	}
	for _, gi := range f.grams[:wideSlot] {
		if gi != nil {
			m.scanGrams(gi, s)
		}
	}
	if gi := f.grams[wideSlot]; gi != nil && !m.isASCII(s) {
		m.scanGrams(gi, s)
	}
	if gi := f.grams[eqSlot]; gi != nil {
		m.scanGrams(gi, s)
	}
}

// foldInto appends the canonical fold of s to dst (see fold.go): byte for
// byte for ASCII, rune by rune otherwise, so that substrings of folded
// values are exactly the folds of substrings.
func foldInto(dst []byte, s string, ascii bool) []byte {
	if ascii {
		for i := 0; i < len(s); i++ {
			dst = append(dst, lowerASCII[s[i]])
		}
		return dst
	}
	for _, r := range s {
		dst = utf8.AppendRune(dst, foldRune(r))
	}
	return dst
}

// posting is the posting of rule i in a slot: a clause slot, or
// vetoSlot.
func posting(i, slot int) int32 { return int32(i)<<2 | int32(slot) }

// post marks the postings of a literal found in the event.
func (m *Matcher) post(post []int32) {
	if m.recording {
		m.rec = append(m.rec, post)
	}
	for _, p := range post {
		r := p >> 2
		m.hit[p&3][r>>6] |= 1 << (r & 63)
	}
}
