package ir

import (
	"strings"
)

// TokenKind is the kind of one element of a Pattern.
type TokenKind uint8

// Token kinds.
const (
	// TokLit is a run of literal bytes (escapes already resolved).
	TokLit TokenKind = iota
	// TokStar matches any sequence of characters, including none.
	TokStar
	// TokQuestion matches exactly one character.
	TokQuestion
	// TokPlaceholder is a %name% placeholder from the expand modifier,
	// waiting for a pipeline to resolve it.
	TokPlaceholder
)

// Token is one element of a Pattern. Text holds the literal bytes of a
// TokLit, or the placeholder name of a TokPlaceholder.
type Token struct {
	Kind TokenKind
	Text string
}

// Pattern is a Sigma string value parsed once: literal runs, wildcards and
// placeholders. Backends escape literal runs for their own syntax and render
// wildcards their own way; none of them ever sees a Sigma escape sequence.
//
// Invariants kept by every constructor in this package: no empty TokLit, no
// two adjacent TokLit. Consecutive TokStar are kept (pySigma keeps them too,
// and `a**b` means the same as `a*b`).
type Pattern []Token

// Lit returns a pattern that matches s literally.
func Lit(s string) Pattern {
	if s == "" {
		return Pattern{}
	}
	return Pattern{{Kind: TokLit, Text: s}}
}

// ParseSigmaString parses a plain Sigma string value: `*` and `?` are
// wildcards; `\*`, `\?` and `\\` are one literal character; a backslash before
// anything else (or at the end) is a literal backslash. With expand set,
// `%name%` is a placeholder and `\%` a literal percent sign.
//
// These are the specification's rules (and pySigma's, SigmaString.__init__).
func ParseSigmaString(s string, expand bool) Pattern {
	var p Pattern
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			p = append(p, Token{Kind: TokLit, Text: lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\':
			if i+1 < len(s) {
				n := s[i+1]
				if n == '*' || n == '?' || n == '\\' || (expand && n == '%') {
					lit.WriteByte(n)
					i++
					continue
				}
			}
			lit.WriteByte('\\')
		case c == '*':
			flush()
			p = append(p, Token{Kind: TokStar})
		case c == '?':
			flush()
			p = append(p, Token{Kind: TokQuestion})
		case c == '%' && expand:
			// pySigma: (?<!\\)%([^%]+)% — a lone % stays literal.
			j := strings.IndexByte(s[i+1:], '%')
			if j <= 0 {
				lit.WriteByte('%')
				continue
			}
			flush()
			p = append(p, Token{Kind: TokPlaceholder, Text: s[i+1 : i+1+j]})
			i += j + 1
		default:
			lit.WriteByte(c)
		}
	}
	flush()
	if p == nil {
		p = Pattern{}
	}
	return p
}

// IsLiteral reports whether the pattern has no wildcard or placeholder.
func (p Pattern) IsLiteral() bool {
	for _, t := range p {
		if t.Kind != TokLit {
			return false
		}
	}
	return true
}

// HasWildcards reports whether the pattern contains `*` or `?`.
func (p Pattern) HasWildcards() bool {
	for _, t := range p {
		if t.Kind == TokStar || t.Kind == TokQuestion {
			return true
		}
	}
	return false
}

// HasPlaceholders reports whether the pattern contains a placeholder.
func (p Pattern) HasPlaceholders() bool {
	for _, t := range p {
		if t.Kind == TokPlaceholder {
			return true
		}
	}
	return false
}

// Literal returns the concatenated literal text; it is the value itself
// when IsLiteral is true.
func (p Pattern) Literal() string {
	var b strings.Builder
	for _, t := range p {
		if t.Kind == TokLit {
			b.WriteString(t.Text)
		}
	}
	return b.String()
}

// Shape classifies a pattern for backends and the matcher.
type Shape uint8

// Pattern shapes. A shape other than ShapeGlob means the pattern is its
// literal text with at most one `*` at either end.
const (
	ShapeExact    Shape = iota // "abc"
	ShapePrefix                // "abc*"
	ShapeSuffix                // "*abc"
	ShapeContains              // "*abc*"
	ShapeAny                   // "*" (or "**"): any value, present
	ShapeGlob                  // anything else: inner wildcards or `?`
)

// Classify returns the pattern's shape and, for every shape except
// ShapeGlob, the literal text it tests for. Placeholders make a pattern a
// glob: they must be resolved before a backend can print it.
func (p Pattern) Classify() (Shape, string) {
	n := len(p)
	i, j := 0, n
	for i < j && p[i].Kind == TokStar {
		i++
	}
	if i == n {
		if n == 0 {
			return ShapeExact, ""
		}
		return ShapeAny, ""
	}
	for j > i && p[j-1].Kind == TokStar {
		j--
	}
	if j-i != 1 || p[i].Kind != TokLit {
		return ShapeGlob, ""
	}
	lead, trail := i > 0, j < n
	switch {
	case lead && trail:
		return ShapeContains, p[i].Text
	case lead:
		return ShapeSuffix, p[i].Text
	case trail:
		return ShapePrefix, p[i].Text
	}
	return ShapeExact, p[i].Text
}

// WithStar returns a copy of p with a `*` added at the start and/or end,
// unless one is already there. It is how contains/startswith/endswith work.
func (p Pattern) WithStar(lead, trail bool) Pattern {
	out := make(Pattern, 0, len(p)+2)
	if lead && (len(p) == 0 || p[0].Kind != TokStar) {
		out = append(out, Token{Kind: TokStar})
	}
	out = append(out, p...)
	if trail && (len(out) == 0 || out[len(out)-1].Kind != TokStar) {
		out = append(out, Token{Kind: TokStar})
	}
	return out
}

// Concat joins patterns, merging adjacent literal runs.
func Concat(ps ...Pattern) Pattern {
	out := Pattern{}
	for _, p := range ps {
		for _, t := range p {
			if t.Kind == TokLit {
				if t.Text == "" {
					continue
				}
				if k := len(out); k > 0 && out[k-1].Kind == TokLit {
					out[k-1].Text += t.Text
					continue
				}
			}
			out = append(out, t)
		}
	}
	return out
}

// SigmaString renders the pattern back in Sigma's escaped notation, so
// that ParseSigmaString(p.SigmaString(), true) == p. The IR dump uses it.
func (p Pattern) SigmaString() string {
	var b strings.Builder
	for _, t := range p {
		switch t.Kind {
		case TokLit:
			for i := 0; i < len(t.Text); i++ {
				c := t.Text[i]
				switch c {
				case '*', '?', '%':
					b.WriteByte('\\')
				case '\\':
					// A backslash needs escaping only where the parser would
					// otherwise read it as an escape: before * ? \ % or at
					// the end of this run when a wildcard follows.
					b.WriteByte('\\')
				}
				b.WriteByte(c)
			}
		case TokStar:
			b.WriteByte('*')
		case TokQuestion:
			b.WriteByte('?')
		case TokPlaceholder:
			b.WriteString("%" + t.Text + "%")
		}
	}
	return b.String()
}

// Equal reports whether two patterns are token-for-token identical.
func (p Pattern) Equal(q Pattern) bool {
	if len(p) != len(q) {
		return false
	}
	for i := range p {
		if p[i] != q[i] {
			return false
		}
	}
	return true
}
