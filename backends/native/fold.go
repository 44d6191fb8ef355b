package native

import (
	"strings"
	"unicode"
	"unicode/utf8"
	"unsafe"
)

// Case folding. Sigma compares values case-insensitively; sigc gives that
// the meaning of strings.EqualFold (Unicode simple folding). Constants are
// folded once at compile time to a canonical form; event values are folded
// on the fly, with an ASCII fast path that covers nearly every real value.
//
// The canonical form of a rune is the ASCII lower-case letter of its fold
// orbit when the orbit has one (so K, k and U+212A KELVIN SIGN all become
// 'k'), else the smallest rune of the orbit. Two runes are EqualFold-equal
// exactly when their canonical forms are equal. A canonical rune is never
// longer in UTF-8 than any rune of its orbit, so a value that matches a
// folded constant is at least as long, in bytes, as the constant.

var lowerASCII [256]byte

func init() {
	for i := range lowerASCII {
		lowerASCII[i] = byte(i)
	}
	for c := 'A'; c <= 'Z'; c++ {
		lowerASCII[c] = byte(c + 'a' - 'A')
	}
}

// foldRune returns the canonical fold of r.
func foldRune(r rune) rune {
	if r < utf8.RuneSelf {
		return rune(lowerASCII[r])
	}
	min := r
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		if f < utf8.RuneSelf {
			return rune(lowerASCII[f])
		}
		if f < min {
			min = f
		}
	}
	return min
}

// foldString returns the canonical fold of s.
func foldString(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.Map(func(r rune) rune { return rune(lowerASCII[r]) }, s)
	}
	var b strings.Builder
	for _, r := range s {
		b.WriteRune(foldRune(r))
	}
	return b.String()
}

func isASCII(s string) bool {
	// Sixteen bytes at a time, by unaligned loads: the high bit of any
	// byte marks non-ASCII.
	p := unsafe.Pointer(unsafe.StringData(s))
	i := 0
	for ; i+16 <= len(s); i += 16 {
		if (*(*uint64)(unsafe.Add(p, i))|*(*uint64)(unsafe.Add(p, i+8)))&0x8080808080808080 != 0 {
			return false
		}
	}
	if i+8 <= len(s) {
		if *(*uint64)(unsafe.Add(p, i))&0x8080808080808080 != 0 {
			return false
		}
		i += 8
	}
	for ; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// prefixFold reports whether s starts with lit (case-folded unless cased)
// and how many bytes of s the prefix spans. Both sides are folded, so lit
// may be a folded constant or another event value (fieldref).
func prefixFold(s, lit string, cased bool) (int, bool) {
	if cased {
		if strings.HasPrefix(s, lit) {
			return len(lit), true
		}
		return 0, false
	}
	i, j := 0, 0
	for j < len(lit) {
		if i >= len(s) {
			return 0, false
		}
		a, b := s[i], lit[j]
		if a < utf8.RuneSelf && b < utf8.RuneSelf {
			if lowerASCII[a] != lowerASCII[b] {
				return 0, false
			}
			i++
			j++
			continue
		}
		ra, na := utf8.DecodeRuneInString(s[i:])
		rb, nb := utf8.DecodeRuneInString(lit[j:])
		if foldRune(ra) != foldRune(rb) {
			return 0, false
		}
		i += na
		j += nb
	}
	return i, true
}

// equalFold reports whether s equals the folded constant lit.
func equalFold(s, lit string, cased bool) bool {
	if cased {
		return s == lit
	}
	if len(s) < len(lit) {
		return false
	}
	if len(s) == len(lit) {
		// Same length: compare bytes; fall back to runes at the first
		// non-ASCII byte.
		for i := 0; i < len(s); i++ {
			a := s[i]
			if a >= utf8.RuneSelf || lit[i] >= utf8.RuneSelf {
				n, ok := prefixFold(s[i:], lit[i:], false)
				return ok && n == len(s)-i
			}
			if lowerASCII[a] != lit[i] {
				return false
			}
		}
		return true
	}
	// A longer value can only match through multi-byte runes.
	n, ok := prefixFold(s, lit, false)
	return ok && n == len(s)
}

// hasPrefixFold reports whether s starts with the folded constant lit. The
// length test is valid because lit is canonical (see above).
func hasPrefixFold(s, lit string, cased bool) bool {
	if len(s) < len(lit) {
		return false
	}
	_, ok := prefixFold(s, lit, cased)
	return ok
}

// hasSuffixFold reports whether s ends with lit (case-folded unless
// cased); like prefixFold it folds both sides.
func hasSuffixFold(s, lit string, cased bool) bool {
	if cased {
		return strings.HasSuffix(s, lit)
	}
	i, j := len(s), len(lit)
	for j > 0 {
		if i <= 0 {
			return false
		}
		a, b := s[i-1], lit[j-1]
		if a < utf8.RuneSelf && b < utf8.RuneSelf {
			if lowerASCII[a] != lowerASCII[b] {
				return false
			}
			i--
			j--
			continue
		}
		ra, na := utf8.DecodeLastRuneInString(s[:i])
		rb, nb := utf8.DecodeLastRuneInString(lit[:j])
		if foldRune(ra) != foldRune(rb) {
			return false
		}
		i -= na
		j -= nb
	}
	return true
}

// needle is a folded constant prepared for substring search: anchor is the
// offset of a byte that has no case variant (a digit, a backslash…), so
// strings.IndexByte — vectorised — finds candidate positions.
type needle struct {
	lit    string
	cased  bool
	ascii  bool
	anchor int // -1: no caseless byte
}

func newNeedle(lit string, cased bool) needle {
	n := needle{lit: lit, cased: cased, ascii: isASCII(lit), anchor: -1}
	if n.ascii && !cased {
		best := -1
		for i := 0; i < len(lit); i++ {
			c := lit[i]
			if lowerASCII[c] == c && (c < 'a' || c > 'z') {
				// Prefer rarer punctuation over digits and spaces, which
				// are frequent in values.
				if best < 0 || rank(c) > rank(lit[best]) {
					best = i
				}
			}
		}
		n.anchor = best
	}
	return n
}

func rank(c byte) int {
	switch {
	case c == ' ':
		return 0
	case c >= '0' && c <= '9':
		return 1
	}
	return 2
}

// in reports whether s contains the needle.
func (n *needle) in(s string) bool {
	lit := n.lit
	if len(lit) == 0 {
		return true
	}
	if n.cased {
		return strings.Contains(s, lit)
	}
	if !n.ascii {
		// A non-ASCII canonical rune never folds to an ASCII one, so an
		// ASCII value cannot contain the needle. Values are nearly always
		// ASCII; windash needles (en and em dashes) are not.
		if isASCII(s) {
			return false
		}
		return containsFoldSlow(s, lit)
	}
	if len(s) >= len(lit) {
		if n.anchor >= 0 {
			a := n.anchor
			c := lit[a]
			for from := a; from < len(s)-(len(lit)-1-a); {
				k := strings.IndexByte(s[from:len(s)-(len(lit)-1-a)], c)
				if k < 0 {
					break
				}
				p := from + k - a
				if asciiEqualFoldAt(s[p:p+len(lit)], lit) {
					return true
				}
				from += k + 1
			}
		} else {
			c0 := lit[0]
			last := len(s) - len(lit)
			for i := 0; i <= last; i++ {
				if lowerASCII[s[i]] == c0 && asciiEqualFoldAt(s[i:i+len(lit)], lit) {
					return true
				}
			}
		}
	}
	// An ASCII constant can also match the two non-ASCII runes that fold
	// to ASCII letters (KELVIN SIGN, LATIN SMALL LETTER LONG S).
	if !isASCII(s) && (strings.Contains(s, "\u212a") || strings.Contains(s, "\u017f")) {
		return containsFoldSlow(s, lit)
	}
	return false
}

func asciiEqualFoldAt(s, lit string) bool {
	for i := 0; i < len(lit); i++ {
		if lowerASCII[s[i]] != lit[i] {
			return false
		}
	}
	return true
}

func containsFoldSlow(s, lit string) bool {
	for i := 0; i+len(lit) <= len(s); {
		if _, ok := prefixFold(s[i:], lit, false); ok {
			return true
		}
		_, w := utf8.DecodeRuneInString(s[i:])
		i += w
	}
	return false
}

// glob is a compiled Sigma wildcard pattern: literal segments (folded
// unless cased), `*` and `?`.
type glob struct {
	toks  []globTok
	cased bool
}

type globTok struct {
	kind uint8 // 0 literal, 1 star, 2 question
	lit  string
}

// match runs the classic iterative wildcard algorithm: one backtrack point,
// the most recent `*`, is enough because a later star can absorb anything
// an earlier one could. It runs in O(len(s)·len(pattern)) at worst and
// never recurses.
func (g *glob) match(s string) bool {
	toks := g.toks
	ti, si := 0, 0
	starT, starS := -1, 0
	for {
		if ti < len(toks) {
			t := &toks[ti]
			switch t.kind {
			case 1:
				starT, starS = ti, si
				ti++
				continue
			case 2:
				if si < len(s) {
					_, w := utf8.DecodeRuneInString(s[si:])
					si += w
					ti++
					continue
				}
			default:
				if n, ok := prefixFold(s[si:], t.lit, g.cased); ok {
					si += n
					ti++
					continue
				}
			}
		} else if si == len(s) {
			return true
		}
		if starT < 0 || starS >= len(s) {
			return false
		}
		_, w := utf8.DecodeRuneInString(s[starS:])
		starS += w
		si, ti = starS, starT+1
	}
}
