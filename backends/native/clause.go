package native

import (
	"math/bits"
	"regexp/syntax"
	"sort"
	"strings"

	"github.com/sigc-dev/sigc/ir"
)

// Necessary conditions. The field index (index.go) only evaluates a rule
// when the event satisfies a condition that every matching event must
// satisfy. That condition is derived from the rule's IR here: a clause is
// a set of atoms one of which must hold, and a rule keeps up to maxSlots
// clauses that must all hold.

// atomKind is the test an atom makes on a folded field value.
type atomKind uint8

const (
	atomExact    atomKind = iota // value equals lit
	atomPrefix                   // value starts with lit
	atomSuffix                   // value ends with lit
	atomContains                 // value contains lit
)

var atomKindNames = [...]string{"exact", "prefix", "suffix", "contains"}

// wideSlot is where a field index keeps its substrings that have a
// non-ASCII byte (emoji, Cyrillic look-alikes): they only occur in
// non-ASCII values, so ASCII values, nearly all of them, skip that index
// instead of sliding its grams. numGramSlots sizes fieldIndex.grams.
//
// eqSlot keeps the ASCII substrings that hold a "=" with at least eight
// bytes from it on (eqAnchor): an occurrence puts that "=" on a "=" of
// the value, so a scan probes only where the value has one (scanEq).
const (
	wideSlot     = int(atomContains) + 1
	eqSlot       = wideSlot + 1
	numGramSlots = eqSlot + 1
)

// eqAnchor returns the offset of the first "=" in lit that has a gram of
// eight bytes from it, or -1; a later "=" has fewer bytes after it.
func eqAnchor(lit string) int {
	if q := strings.IndexByte(lit, '='); q >= 0 && q+8 <= len(lit) {
		return q
	}
	return -1
}

func (k atomKind) String() string { return atomKindNames[k] }

// atom is one field test implied by a match. lit is folded (see fold.go),
// so the index compares it with the folded event value byte for byte.
// An empty field means any value of the event (a keyword).
type atom struct {
	field string
	kind  atomKind
	lit   string
}

// clause is a set of alternatives: one of its atoms holds in every event
// the expression matches. An empty clause means the expression can never
// match.
type clause []atom

// maxSlots is how many clauses a rule may require at once. Two catch the
// common "Image ends with X and CommandLine contains Y" rule much better
// than one, and cost one more bitset per event.
const maxSlots = 2

// minLiteral is the shortest substring the gram index takes; shorter
// ones (a caret, a backtick, a Cyrillic letter) are searched one by one,
// and a rule is only indexed by them when it has nothing better.
const minLiteral = 3

// maxLiteral truncates long substrings: any part of a required substring
// is required too, and shorter patterns keep the automata small.
const maxLiteral = 12

// maxAnchored truncates long prefixes and suffixes. They may be longer
// than substrings: an anchored literal is probed at a few offsets rather
// than searched for, so its length costs little, while a prefix cut to
// 12 bytes ("c:\windows\t" of "c:\windows\tasks\") holds in most
// events.
const maxAnchored = 24

// picker chooses the clauses of rules. freq counts, per folded literal,
// the rules that test it: a literal many rules test (".exe", "high") is
// common in events too, so it scores lower.
type picker struct {
	routed map[string]bool
	freq   map[string]int
	// enum marks the enumeration fields (see enumRules).
	enum map[string]bool
}

// An enumeration field is one that at least enumRules rules test for
// whole values, all of them drawn from at most enumValues values, in a
// rule set of at least enumMinRules rules: IntegrityLevel (High, System,
// Medium, ...), Initiated (true, false), EventType (SetValue, ...).
//
// Why: a whole-value atom is normally the most selective kind, but each
// value of such a field holds in a large share of events (a third of
// process creations run at High or System), so a clause on it lets the
// rule through on those events; any anchored literal or substring of the
// rule does better. A rule set of a few rules (a rule's own plan) says
// nothing about which fields are enumerations.
const (
	enumRules    = 4
	enumValues   = 8
	enumMinRules = 64
)

// newPicker returns a picker for rules, with routed fields left out.
func newPicker(rules []*ir.Rule, routed map[string]bool) *picker {
	pk := &picker{routed: routed, freq: map[string]int{}, enum: map[string]bool{}}
	values := map[string]map[string]bool{}
	testers := map[string]int{}
	for _, r := range rules {
		seen := map[string]bool{}
		tested := map[string]bool{}
		for _, q := range r.Queries {
			ir.Walk(q.Expr, func(e ir.Expr) bool {
				if m, ok := e.(*ir.Match); ok {
					c, _ := matchClause(m)
					for _, a := range c {
						if !seen[a.lit] {
							seen[a.lit] = true
							pk.freq[a.lit]++
						}
						if a.kind == atomExact {
							if values[a.field] == nil {
								values[a.field] = map[string]bool{}
							}
							values[a.field][a.lit] = true
							if !tested[a.field] {
								tested[a.field] = true
								testers[a.field]++
							}
						}
					}
				}
				return true
			})
		}
	}
	if len(rules) >= enumMinRules {
		for f, vs := range values {
			if testers[f] >= enumRules && len(vs) <= enumValues {
				pk.enum[f] = true
			}
		}
	}
	return pk
}

// score estimates how selective an atom is; higher is better. Whole
// values are the most selective (a hash lookup that rarely succeeds),
// and literals with a non-ASCII byte as much, whatever their length
// (Unicode look-alikes in a command line); then anchored literals, and
// substrings rank by length; then the literal's popularity among rules is
// taken off.
//
// Why non-ASCII literals: "Potential CommandLine Obfuscation Using
// Unicode Characters" was indexed by its image names, which hold in a
// tenth of process creations, rather than by its one- and two-letter
// Unicode substrings, which no ASCII command line holds: candidates per
// benchmark event fell from 1.21 to 1.15 (+1.2 to +1.7% in three
// same-process runs).
func (pk *picker) score(a atom) int {
	n := min(len(a.lit), maxLiteral)
	s := n
	switch {
	case a.kind == atomExact && pk.enum[a.field]:
		s = n - 8
	case a.kind == atomExact:
		s = 24 + 2*n
	case !isASCII(a.lit):
		// No ASCII value, nearly all of them, holds it, and none is
		// searched for it (wideSlot, fieldIndex.asciiShort).
		s = 24 + 2*n
	case n < minLiteral:
		s = n - 8
	case a.kind == atomSuffix, a.kind == atomPrefix:
		s = 8 + n
	}
	if f := pk.freq[a.lit]; f > 1 {
		s -= 2 * (bits.Len(uint(f)) - 1)
	}
	return s
}

// usable reports whether an atom can be indexed: all but the empty
// substring, which every value contains.
func (a atom) usable() bool { return a.kind == atomExact || len(a.lit) > 0 }

// clauseScore is the score of a clause's weakest atom, lowered a little
// for long clauses (each alternative is one more chance to hit). An empty
// clause, which never holds, is the best there is.
func (pk *picker) clauseScore(c clause) int {
	s := 1 << 20
	for _, a := range c {
		s = min(s, pk.score(a))
	}
	for n := len(c); n > 4; n /= 4 {
		s--
	}
	return s
}

// ruleClauses returns up to maxSlots clauses that every match of r
// satisfies, or none. Matches on routed fields are left out: the routing
// filter already checks them, and their values occur in every event of a
// channel.
func (pk *picker) ruleClauses(r *ir.Rule) []clause {
	if len(r.Queries) == 0 {
		return nil
	}
	if len(r.Queries) == 1 {
		cs := pk.best(pk.clausesOf(r.Queries[0].Expr), maxSlots)
		// A second clause with a literal of a byte or two ("-c", ">",
		// "/s" behind Image|endswith: '\curl.exe') holds in most values
		// of its field, so it rarely spares the evaluation the first
		// clause lets through, and it keeps the field's per-byte search
		// for short literals running on every event.
		for len(cs) > 1 && pk.hasShort(cs[len(cs)-1]) {
			cs = cs[:len(cs)-1]
		}
		return cs
	}
	// A condition list matches when any query does: one clause, the union
	// of each query's best.
	var u clause
	for _, q := range r.Queries {
		b := pk.best(pk.clausesOf(q.Expr), 1)
		if len(b) == 0 {
			return nil
		}
		u = append(u, b[0]...)
	}
	return []clause{u}
}

// best returns the n highest-scoring clauses, best first.
func (pk *picker) best(cs []clause, n int) []clause {
	sort.SliceStable(cs, func(i, j int) bool { return pk.clauseScore(cs[i]) > pk.clauseScore(cs[j]) })
	if len(cs) > n {
		cs = cs[:n]
	}
	// A clause that holds in nearly every value only costs its scan.
	for len(cs) > 0 && pk.futile(cs[len(cs)-1]) {
		cs = cs[:len(cs)-1]
	}
	return cs
}

// futile reports whether a clause holds in nearly every event: one of its
// alternatives is a substring of one byte that is common in values (a
// letter, digit, space, dash, slash, dot, colon or underscore).
func (pk *picker) futile(c clause) bool {
	for _, a := range c {
		if a.kind == atomContains && len(a.lit) == 1 && commonByte(a.lit[0]) {
			return true
		}
	}
	return false
}

// hasShort reports whether one of c's alternatives is an ASCII prefix,
// suffix or substring shorter than minLiteral (a non-ASCII one costs ASCII
// values no search).
func (pk *picker) hasShort(c clause) bool {
	for _, a := range c {
		if a.kind != atomExact && len(a.lit) < minLiteral && isASCII(a.lit) {
			return true
		}
	}
	return false
}

func commonByte(b byte) bool {
	switch {
	case b >= 'a' && b <= 'z', b >= '0' && b <= '9':
		return true
	}
	switch b {
	case ' ', '-', '/', '\\', '.', ':', '_', ',', '=':
		return true
	}
	return false
}

// clausesOf returns clauses each of which e requires (so all of them
// together are required).
func (pk *picker) clausesOf(e ir.Expr) []clause {
	switch n := e.(type) {
	case *ir.Match:
		if pk.routed[n.Field] && n.Field != "" {
			return nil
		}
		if c, ok := matchClause(n); ok {
			return []clause{c}
		}
	case *ir.Const:
		if !n.Value {
			return []clause{{}}
		}
	case *ir.And:
		var out []clause
		for _, t := range n.Terms {
			out = append(out, pk.clausesOf(t)...)
		}
		return out
	case *ir.Or:
		// Each branch gives its best clause to a first union and its
		// second best (or its best again) to a second one: both are
		// required. Why two: in `x or (y and z)` the first union may
		// take a common y (Image contains "\windows\"), and the
		// second then holds x or z, which rarely both fail to filter.
		var u, u2 clause
		differ := false
		for _, t := range n.Terms {
			b := pk.best(pk.clausesOf(t), 2)
			if len(b) == 0 {
				return nil
			}
			u = append(u, b[0]...)
			if len(b) > 1 {
				differ = true
				u2 = append(u2, b[1]...)
			} else {
				u2 = append(u2, b[0]...)
			}
		}
		if differ {
			return []clause{u, u2}
		}
		return []clause{u}
	}
	return nil
}

// matchClause returns the atoms a single match implies.
func matchClause(m *ir.Match) (clause, bool) {
	if m.Part != ir.PartNone {
		return nil, false
	}
	var c clause
	switch v := m.Value.(type) {
	case ir.String:
		if m.Op != ir.OpEq || v.Pattern.HasPlaceholders() {
			return nil, false
		}
		a, ok := patternAtom(m.Field, v.Pattern)
		if !ok {
			return nil, false
		}
		c = clause{a}
	case ir.Regex:
		if m.Op != ir.OpRegex {
			return nil, false
		}
		lits, ok := regexLiterals(v)
		if !ok {
			return nil, false
		}
		for _, l := range lits {
			c = append(c, atom{field: m.Field, kind: atomContains, lit: l})
		}
	default:
		return nil, false
	}
	for _, a := range c {
		if !a.usable() {
			return nil, false
		}
	}
	return c, true
}

// patternAtom returns the atom of a string pattern: its literal with its
// anchoring for the simple shapes, and for a glob its longest literal run
// (anchored when it starts or ends the pattern). A cased pattern yields a
// folded atom too: a value containing "Foo" contains "foo" once folded.
func patternAtom(field string, p ir.Pattern) (atom, bool) {
	shape, lit := p.Classify()
	switch shape {
	case ir.ShapeExact:
		return atom{field: field, kind: atomExact, lit: foldString(lit)}, true
	case ir.ShapePrefix:
		return truncated(atom{field: field, kind: atomPrefix, lit: foldString(lit)}), true
	case ir.ShapeSuffix:
		return truncated(atom{field: field, kind: atomSuffix, lit: foldString(lit)}), true
	case ir.ShapeContains:
		return truncated(atom{field: field, kind: atomContains, lit: foldString(lit)}), true
	case ir.ShapeAny:
		return atom{}, false
	}
	found := false
	var a atom
	for i, t := range p {
		if t.Kind != ir.TokLit || (found && len(t.Text) <= len(a.lit)) {
			continue
		}
		kind := atomContains
		switch {
		case i == 0:
			kind = atomPrefix
		case i == len(p)-1:
			kind = atomSuffix
		}
		a, found = atom{field: field, kind: kind, lit: t.Text}, true
	}
	if !found {
		return atom{}, false
	}
	a.lit = foldString(a.lit)
	return truncated(a), true
}

// truncated shortens a long literal to maxAnchored bytes (an anchored
// one) or maxLiteral bytes (a substring), keeping the end
// that stays anchored: the start of a prefix, the end of a suffix, and
// the end of a substring, where paths and command lines are most
// distinctive. A substring that holds a "=" with eight bytes after it
// keeps a window with that "=" and what follows it instead
// ("=2fb6c04c4f9" of "sha256=2fb6c04c4f95…"), so that the index finds it
// by the "=" alone (eqSlot). Cutting inside a UTF-8 sequence is fine: the
// index compares bytes of the folded value, which contains every byte substring
// of the folded literal.
func truncated(a atom) atom {
	switch {
	case a.kind == atomPrefix && len(a.lit) > maxAnchored:
		a.lit = a.lit[:maxAnchored]
	case a.kind == atomSuffix && len(a.lit) > maxAnchored:
		a.lit = a.lit[len(a.lit)-maxAnchored:]
	case a.kind == atomContains && len(a.lit) > maxLiteral:
		start := len(a.lit) - maxLiteral
		if q := eqAnchor(a.lit); q >= 0 {
			start = min(q, start)
		}
		a.lit = a.lit[start : start+maxLiteral]
	}
	return a
}

// regexLiterals returns folded substrings one of which every match of the
// regex contains, from its parse tree: literal runs of a concatenation,
// alternatives of an alternation, the body of a repetition that runs at
// least once. Folding is right for case-sensitive and (?i) regexes alike:
// a value that contains a literal contains its fold.
func regexLiterals(v ir.Regex) ([]string, bool) {
	src := v.Source
	if v.Flags != "" {
		src = "(?" + v.Flags + ")" + src
	}
	re, err := syntax.Parse(src, syntax.Perl)
	if err != nil {
		return nil, false
	}
	lits, ok := reqLits(re.Simplify())
	if !ok {
		return nil, false
	}
	for i, l := range lits {
		if l == "" {
			return nil, false
		}
		lits[i] = truncated(atom{kind: atomContains, lit: l}).lit
	}
	// Texts that differ only before the kept end are one literal.
	return dedupeSorted(lits), true
}

// maxRegexAlts bounds the alternatives taken from one regex; a wider
// alternation is not selective anyway.
const maxRegexAlts = 64

func reqLits(re *syntax.Regexp) ([]string, bool) {
	switch re.Op {
	case syntax.OpLiteral:
		return []string{foldString(string(re.Rune))}, true
	case syntax.OpCapture, syntax.OpPlus:
		return reqLits(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return reqLits(re.Sub[0])
		}
	case syntax.OpAlternate:
		return unionOf(re.Sub, reqLits, maxRegexAlts)
	case syntax.OpConcat:
		var bestLits []string
		bestScore := -1
		consider := func(l []string) {
			if l = minimalSet(l); len(l) == 0 {
				return
			}
			s := 1 << 20
			for _, x := range l {
				s = min(s, len(x), maxLiteral)
			}
			// Longer texts first (up to what the index keeps), then
			// fewer of them.
			if s = s*(maxExactSet+1) - len(l); s > bestScore {
				bestLits, bestScore = l, s
			}
		}
		// window holds the exact sets of the latest parts: every run of
		// them is a candidate, their product being the texts it matches
		// ("c:\windows\" then (?:system32|syswow64) gives both whole
		// paths); the oldest parts give way when it grows too wide.
		var window [][]string
		for _, s := range re.Sub {
			set, ok := exactSet(s)
			if !ok {
				window = window[:0]
				if l, ok := reqLits(s); ok {
					consider(l)
				}
				continue
			}
			window = append(window, set)
			for {
				if p, ok := products(window); ok {
					consider(p)
					break
				}
				window = window[1:]
			}
		}
		return bestLits, bestScore >= 0
	}
	return nil, false
}

// unionOf returns the texts f finds for each of subs, all together, or
// false when f finds none for one of them or they number more than limit.
func unionOf(subs []*syntax.Regexp, f func(*syntax.Regexp) ([]string, bool), limit int) ([]string, bool) {
	var out []string
	for _, sub := range subs {
		l, ok := f(sub)
		if !ok || len(out)+len(l) > limit {
			return nil, false
		}
		out = append(out, l...)
	}
	return out, true
}

// products returns the product of sets in order, or false when it holds
// more than maxExactSet texts.
func products(sets [][]string) ([]string, bool) {
	var out []string
	for _, set := range sets {
		var ok bool
		if out, ok = product(out, set); !ok {
			return nil, false
		}
	}
	return out, true
}

// maxExactSet bounds the texts of an exact set; past it, a regex part is
// treated as inexact. maxExactClass bounds the characters of a class
// taken as an exact set: quotes (['"]) multiply the texts by two, while
// \s or \d would multiply them by five or ten for texts no rarer.
const (
	maxExactSet   = 16
	maxExactClass = 3
)

// exactSet returns the folded texts that re matches, when they are few:
// a literal, a small character class ([\'"]), an alternation or
// concatenation of such, an optional one (which adds the empty text).
func exactSet(re *syntax.Regexp) ([]string, bool) {
	switch re.Op {
	case syntax.OpLiteral:
		return []string{foldString(string(re.Rune))}, true
	case syntax.OpEmptyMatch:
		return []string{""}, true
	case syntax.OpCapture:
		return exactSet(re.Sub[0])
	case syntax.OpCharClass:
		var out []string
		for i := 0; i+1 < len(re.Rune); i += 2 {
			for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
				out = append(out, foldString(string(r)))
				if len(out) > 2*maxExactClass {
					return nil, false
				}
			}
		}
		// Counted after folding: (?i)s is the class [Ss], one text.
		out = dedupeSorted(out)
		return out, len(out) > 0 && len(out) <= maxExactClass
	case syntax.OpQuest:
		set, ok := exactSet(re.Sub[0])
		if !ok || len(set) == maxExactSet {
			return nil, false
		}
		return dedupeSorted(append(set, "")), true
	case syntax.OpAlternate:
		out, ok := unionOf(re.Sub, exactSet, maxExactSet)
		if !ok {
			return nil, false
		}
		return dedupeSorted(out), true
	case syntax.OpConcat:
		sets := make([][]string, 0, len(re.Sub))
		for _, sub := range re.Sub {
			set, ok := exactSet(sub)
			if !ok {
				return nil, false
			}
			sets = append(sets, set)
		}
		return products(sets)
	}
	return nil, false
}

// product returns every text of a followed by one of b (b itself when a
// is nil), or false when they are more than maxExactSet.
func product(a, b []string) ([]string, bool) {
	if a == nil {
		return b, true
	}
	if len(a)*len(b) > maxExactSet {
		return nil, false
	}
	out := make([]string, 0, len(a)*len(b))
	for _, x := range a {
		for _, y := range b {
			out = append(out, x+y)
		}
	}
	return dedupeSorted(out), true
}

// dedupeSorted sorts texts and drops repeats.
func dedupeSorted(texts []string) []string {
	sort.Strings(texts)
	return dedupe(texts)
}

// minimalSet drops the texts that contain another text of the set: a
// value containing the longer one contains the shorter, so the set
// without it is required just the same ('"c:\x' beside 'c:\x').
func minimalSet(texts []string) []string {
	var out []string
	for i, x := range texts {
		keep := true
		for j, y := range texts {
			if i != j && len(y) <= len(x) && strings.Contains(x, y) && (len(y) < len(x) || j < i) {
				keep = false
				break
			}
		}
		if keep {
			out = append(out, x)
		}
	}
	return out
}

// regexNeeds returns needles (folded, so they also hold for a
// case-sensitive regex) that every match of the regex src contains, all of
// them: the literal runs of its top-level concatenation and of the parts
// that must occur at least once. A regex without any gives none.
func regexNeeds(src string) []needle {
	re, err := syntax.Parse(src, syntax.Perl)
	if err != nil {
		return nil
	}
	var lits []string
	collectNeeds(re.Simplify(), &lits)
	var out []needle
	seen := map[string]bool{}
	for _, l := range lits {
		if l != "" && !seen[l] && len(out) < maxRegexNeeds {
			seen[l] = true
			out = append(out, newNeedle(l, false))
		}
	}
	return out
}

// maxRegexNeeds bounds the needles tested before a regex runs.
const maxRegexNeeds = 4

// collectNeeds appends to lits the folded literals re requires.
func collectNeeds(re *syntax.Regexp, lits *[]string) {
	switch re.Op {
	case syntax.OpLiteral:
		*lits = append(*lits, foldString(string(re.Rune)))
	case syntax.OpCapture, syntax.OpPlus:
		collectNeeds(re.Sub[0], lits)
	case syntax.OpRepeat:
		if re.Min >= 1 {
			collectNeeds(re.Sub[0], lits)
		}
	case syntax.OpConcat:
		var run []rune
		flush := func() {
			if len(run) > 0 {
				*lits = append(*lits, foldString(string(run)))
				run = run[:0]
			}
		}
		for _, s := range re.Sub {
			if s.Op == syntax.OpLiteral {
				run = append(run, s.Rune...)
				continue
			}
			flush()
			collectNeeds(s, lits)
		}
		flush()
	}
}

// Vetoes. A rule without clauses (`not Image|endswith: '.exe' and not
// ...`, a rule made of filters) is evaluated on every event of its
// bucket, and most evaluations fail on the first filter. A veto is an
// atom that is sufficient for one of the rule's negated terms: when the
// event satisfies it the rule cannot match, and is not evaluated. Vetoes
// are filed like clauses, under posting slot vetoSlot, and a vetoed
// candidate is dropped.
//
// Why only exact atoms: a veto must never drop a rule that matches, so
// each atom must imply the term it stands for, which rules out truncated
// literals, globs, regexes, cased patterns and keywords (whose search
// over the event's whole text may hit across two values).
//
// A rule with clauses is evaluated only when they hit, which is rare
// already, so buildIndex files its vetoes only on literals that the
// index searches for other reasons: filing new ones made the whole
// corpus about 3% slower on the benchmark events.

// vetoSlot is the posting slot of vetoes.
const vetoSlot = maxSlots

// maxVetoAtoms bounds a rule's vetoes; a rule that lists hundreds of
// filtered values is usually vetoed by its few common ones anyway.
const maxVetoAtoms = 64

// ruleVetoes returns atoms any of which makes r false.
func (pk *picker) ruleVetoes(r *ir.Rule) clause {
	if len(r.Queries) != 1 {
		// A condition list is false only when every query is.
		return nil
	}
	var out clause
	var walk func(e ir.Expr)
	walk = func(e ir.Expr) {
		switch n := e.(type) {
		case *ir.And:
			for _, t := range n.Terms {
				walk(t)
			}
		case *ir.Not:
			out = append(out, pk.sufficient(n.X)...)
		}
	}
	walk(r.Queries[0].Expr)
	if len(out) > maxVetoAtoms {
		// The shortest literals first: they hold in the most events.
		sort.SliceStable(out, func(a, b int) bool { return len(out[a].lit) < len(out[b].lit) })
		out = out[:maxVetoAtoms]
	}
	return out
}

// sufficient returns atoms each of which implies e: those of a match
// that is one literal test, and of any terms of an or.
func (pk *picker) sufficient(e ir.Expr) clause {
	switch n := e.(type) {
	case *ir.Or:
		var out clause
		for _, t := range n.Terms {
			out = append(out, pk.sufficient(t)...)
		}
		return out
	case *ir.Match:
		if n.Field == "" || pk.routed[n.Field] || n.Op != ir.OpEq || n.Cased || n.Part != ir.PartNone {
			return nil
		}
		v, ok := n.Value.(ir.String)
		if !ok || v.Pattern.HasPlaceholders() {
			return nil
		}
		a, ok := patternAtom(n.Field, v.Pattern)
		if !ok || !a.usable() {
			return nil
		}
		// patternAtom keeps whole literals for these shapes unless it
		// truncates them; a glob's atom is one run of it.
		switch shape, lit := v.Pattern.Classify(); shape {
		case ir.ShapeExact, ir.ShapePrefix, ir.ShapeSuffix, ir.ShapeContains:
			if a.lit == foldString(lit) {
				return clause{a}
			}
		}
	}
	return nil
}
