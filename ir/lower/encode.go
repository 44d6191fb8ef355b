package lower

import (
	"encoding/base64"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/sigc-dev/sigc/ir"
)

// MaxExpansion caps how many values one modifier chain may expand a single
// value into. windash gives 5^n variants for n flags: 5 flags (3,125) pass,
// 6 (15,625) are refused rather than left to exhaust memory downstream.
const MaxExpansion = 4096

// windashChars are the characters windash substitutes for a flag dash:
// hyphen, slash, en dash, em dash and horizontal bar.
var windashChars = []string{"-", "/", "\u2013", "\u2014", "\u2015"}

// windashPoints returns, per literal token of p, the byte offsets of the
// `-` and `/` characters that start a command-line flag: pySigma's
// `\B[-/]\b` (no word character before, a word character after). It is
// applied to each literal run separately, as pySigma does, so a run
// boundary counts as a non-word context.
func windashPoints(p ir.Pattern) [][]int {
	out := make([][]int, len(p))
	for i, t := range p {
		if t.Kind != ir.TokLit {
			continue
		}
		s := t.Text
		for j := 0; j < len(s); j++ {
			if s[j] != '-' && s[j] != '/' {
				continue
			}
			if j > 0 {
				r, _ := utf8.DecodeLastRuneInString(s[:j])
				if isWordRune(r) {
					continue
				}
			}
			if j+1 >= len(s) {
				continue
			}
			r, _ := utf8.DecodeRuneInString(s[j+1:])
			if !isWordRune(r) {
				continue
			}
			out[i] = append(out[i], j)
		}
	}
	return out
}

// isWordRune is Python's \w for str patterns: Unicode letters, digits and
// underscore.
func isWordRune(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// windash expands p into every dash variant. It returns ok=false when the
// expansion would exceed limit values.
func windash(p ir.Pattern, limit int) ([]ir.Pattern, int, bool) {
	points := windashPoints(p)
	n := 0
	for _, ps := range points {
		n += len(ps)
	}
	total := 1
	for i := 0; i < n; i++ {
		total *= len(windashChars)
		if total > limit {
			return nil, n, false
		}
	}
	out := make([]ir.Pattern, 0, total)
	choice := make([]int, n) // odometer over the n flag positions
	for {
		var v ir.Pattern
		k := 0
		for i, t := range p {
			if t.Kind != ir.TokLit || len(points[i]) == 0 {
				v = append(v, t)
				continue
			}
			var b strings.Builder
			last := 0
			for _, off := range points[i] {
				b.WriteString(t.Text[last:off])
				b.WriteString(windashChars[choice[k]])
				k++
				last = off + 1
			}
			b.WriteString(t.Text[last:])
			v = append(v, ir.Token{Kind: ir.TokLit, Text: b.String()})
		}
		out = append(out, v)
		// Advance the odometer, rightmost position fastest, so variants come
		// in pySigma's order (- / en em bar for each flag).
		j := n - 1
		for ; j >= 0; j-- {
			choice[j]++
			if choice[j] < len(windashChars) {
				break
			}
			choice[j] = 0
		}
		if j < 0 {
			return out, n, true
		}
	}
}

// utf16Encode encodes the literal runs of p as UTF-16 bytes (wildcards
// stay wildcards). bom prepends the byte order mark FF FE, as the
// specification shows for `utf16`. (pySigma writes the BOM as U+FEFF and
// later UTF-8-encodes it, giving EF BB BF: a reference bug we do not copy.)
func utf16Encode(p ir.Pattern, bigEndian, bom bool) ir.Pattern {
	out := make(ir.Pattern, 0, len(p)+1)
	if bom {
		out = append(out, ir.Token{Kind: ir.TokLit, Text: "\xff\xfe"})
	}
	for _, t := range p {
		if t.Kind != ir.TokLit {
			out = append(out, t)
			continue
		}
		var b strings.Builder
		for _, u := range utf16.Encode([]rune(t.Text)) {
			hi, lo := byte(u>>8), byte(u)
			if bigEndian {
				b.WriteByte(hi)
				b.WriteByte(lo)
			} else {
				b.WriteByte(lo)
				b.WriteByte(hi)
			}
		}
		out = append(out, ir.Token{Kind: ir.TokLit, Text: b.String()})
	}
	return ir.Concat(out)
}

// base64Offsets returns the three Base64 forms of s shifted by 0, 1 and 2
// bytes, with the characters that depend on the unknown neighbouring bytes
// cut off (pySigma's SigmaBase64OffsetModifier).
func base64Offsets(s string) []string {
	start := [3]int{0, 2, 3}
	endTrim := [3]int{0, 3, 2}
	out := make([]string, 0, 3)
	for i := 0; i < 3; i++ {
		enc := base64.StdEncoding.EncodeToString([]byte(strings.Repeat(" ", i) + s))
		end := len(enc)
		if k := (len(s) + i) % 3; k != 0 {
			end -= endTrim[k]
		}
		if start[i] > end {
			out = append(out, "")
			continue
		}
		out = append(out, enc[start[i]:end])
	}
	return out
}
