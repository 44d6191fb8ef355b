package native

import (
	"strings"

	sigrt "github.com/sigc-dev/sigc/backends/internal/rt"
)

// Case folding. Sigma compares values case-insensitively; sigc gives that
// the meaning of strings.EqualFold (Unicode simple folding). The helpers,
// and the canonical form constants are folded to, are those of the runtime
// of the generated Go code (sigrt; see FoldRune there), so that both
// targets fold alike. The names below keep this package's spelling; the
// variants with a cased flag compare exactly when it is set. Most are
// inlined, so the hot paths call sigrt directly.

// lowerASCII is a copy of sigrt.LowerASCII: indexing a package-level array
// is one load, where a pointer to sigrt's would add another.
var lowerASCII = sigrt.LowerASCII

func foldRune(r rune) rune { return sigrt.FoldRune(r) }

func foldString(s string) string { return sigrt.FoldString(s) }

func isASCII(s string) bool { return sigrt.IsASCII(s) }

// isASCII is isASCII, answered without reading s when the event being
// filtered is known to be all ASCII.
func (m *Matcher) isASCII(s string) bool { return m.ascii || isASCII(s) }

func asciiEqualFoldAt(s, lit string) bool { return sigrt.ASCIIEqualFoldAt(s, lit) }

func containsFoldSlow(s, lit string) bool { return sigrt.ContainsFoldSlow(s, lit) }

// prefixFold reports whether s starts with lit (case-folded unless cased)
// and how many bytes of s the prefix spans; lit may be a folded constant
// or another event value (fieldref).
func prefixFold(s, lit string, cased bool) (int, bool) {
	if cased {
		if strings.HasPrefix(s, lit) {
			return len(lit), true
		}
		return 0, false
	}
	return sigrt.PrefixFold(s, lit)
}

// equalFold reports whether s equals the folded constant lit.
func equalFold(s, lit string, cased bool) bool {
	if cased {
		return s == lit
	}
	return sigrt.EqualFold(s, lit)
}

// hasPrefixFold reports whether s starts with the folded constant lit.
func hasPrefixFold(s, lit string, cased bool) bool {
	if cased {
		return strings.HasPrefix(s, lit)
	}
	return sigrt.HasPrefixFold(s, lit)
}

// hasSuffixFold reports whether s ends with lit (case-folded unless
// cased); like prefixFold it folds both sides.
func hasSuffixFold(s, lit string, cased bool) bool {
	if cased {
		// Spelled out: strings.HasSuffix would cost too much to let this
		// wrapper be inlined.
		return len(s) >= len(lit) && s[len(s)-len(lit):] == lit
	}
	return sigrt.HasSuffixFold(s, lit)
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

// glob is a compiled Sigma wildcard pattern in the runtime's form (see
// sigrt.GlobMatch): parts "*", "?" and literal runs tagged with a leading
// '=' (folded unless cased).
type glob struct {
	parts []string
	cased bool
}

// match reports whether s matches the pattern.
func (g *glob) match(s string) bool { return sigrt.GlobMatch(s, g.cased, g.parts...) }
