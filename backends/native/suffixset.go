package native

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// suffixSetPred is an Or of case-insensitive endswith tests on one field
// (or, under a Not, a `not endswith` list) turned into hash lookups: the
// literals are filed by their last min(len, maxSuffixKey) folded bytes,
// and a value is looked up by its own tail of each filed length, so only
// the literals sharing that tail are compared.
//
// Why: filters such as "Image does not end with any of 80 extensions"
// run on every process-creation event, and comparing each suffix in turn
// cost more than the rest of the rule.
type suffixSetPred struct {
	// lens lists the distinct key lengths, shortest first.
	lens   []int
	byTail map[string][]suffixPred
	all    []suffixPred
}

// maxSuffixKey is the longest tail a literal is filed by.
const maxSuffixKey = 8

// minSuffixSet is how many suffix tests make a set worth its hashing.
const minSuffixSet = 4

// newSuffixSetPred files folded ASCII suffix literals, which are not
// cased.
func newSuffixSetPred(ps []suffixPred) *suffixSetPred {
	p := &suffixSetPred{byTail: map[string][]suffixPred{}, all: ps}
	seen := map[int]bool{}
	for _, q := range ps {
		k := min(len(q.lit), maxSuffixKey)
		if !seen[k] {
			seen[k] = true
			p.lens = append(p.lens, k)
		}
		tail := q.lit[len(q.lit)-k:]
		p.byTail[tail] = append(p.byTail[tail], q)
	}
	sort.Ints(p.lens)
	return p
}

// suffixSettable reports whether a suffix test can join a suffixSetPred:
// a case-insensitive, non-empty ASCII literal, whose last bytes any
// matching value's last bytes fold to one for one when they are ASCII.
func suffixSettable(p pred) (suffixPred, bool) {
	q, ok := p.(suffixPred)
	return q, ok && !q.cased && q.lit != "" && isASCII(q.lit)
}

func (p *suffixSetPred) test(s string) bool {
	var buf [maxSuffixKey]byte
	for _, k := range p.lens {
		if len(s) < k {
			// Every literal filed by k or a longer tail has at least k
			// bytes, and suffixPred needs the value as long.
			return false
		}
		tail := s[len(s)-k:]
		for i := 0; i < k; i++ {
			c := tail[i]
			if c >= utf8.RuneSelf {
				// A non-ASCII rune can fold to an ASCII letter (KELVIN
				// SIGN → k): compare every literal the slow way.
				return p.testAll(s)
			}
			buf[i] = lowerASCII[c]
		}
		for _, q := range p.byTail[string(buf[:k])] {
			if headMatch(s, q, k) {
				return true
			}
		}
	}
	return false
}

// headMatch is q.test(s) for a value whose last k bytes, all ASCII, fold
// to q's last k: only the n-k bytes before them (n = len(q.lit)) are
// compared. Why: literals that share their tail key share it with the
// value too ("\\svchost.exe", "\\dllhost.exe" and four more under
// "host.exe"), and comparing each from the value's end re-read those k
// bytes before the first difference.
//
// When those n-k bytes are ASCII, a match is byte for byte: a rune that
// folds to an ASCII letter (KELVIN SIGN) takes more bytes than its fold,
// so it would push the match's start before them, and the literal's
// bytes would then number more than n. Otherwise the slow way decides.
func headMatch(s string, q suffixPred, k int) bool {
	n := len(q.lit)
	if len(s) < n {
		return false
	}
	head := s[len(s)-n : len(s)-k]
	for i := 0; i < len(head); i++ {
		c := head[i]
		if c >= utf8.RuneSelf {
			return q.test(s)
		}
		if lowerASCII[c] != q.lit[i] {
			return false
		}
	}
	return true
}

func (p *suffixSetPred) testAll(s string) bool {
	for _, q := range p.all {
		if q.test(s) {
			return true
		}
	}
	return false
}

// text renders the set for the plan dump.
func (p *suffixSetPred) text() string {
	lits := make([]string, len(p.all))
	for i, q := range p.all {
		lits[i] = q.lit
	}
	sort.Strings(lits)
	more := ""
	if len(lits) > maxPlanItems {
		more = fmt.Sprintf(", … %d more", len(lits)-maxPlanItems)
		lits = lits[:maxPlanItems]
	}
	for i, l := range lits {
		lits[i] = strconv.Quote(l)
	}
	return fmt.Sprintf("suffix set of %d {%s%s}", len(p.all), strings.Join(lits, ", "), more)
}
