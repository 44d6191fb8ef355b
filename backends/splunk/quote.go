package splunk

import (
	"strings"

	"github.com/sigc-dev/sigc/ir"
)

// This file holds every escaping rule of the backend. Values never reach the
// output except through one of these functions, which is what the injection
// fuzz test relies on.
//
// Two SPL sub-languages are involved:
//
//   - the search language (the implicit `search` command, tstats `where`):
//     values are double-quoted, `\` and `"` are backslash-escaped, `*` is
//     always a wildcard (it cannot be escaped), and a quoted string cannot
//     hold a line break we could write on one line;
//   - the eval language (`| where`): string literals are double-quoted with
//     the same two escapes, field names are single-quoted.

// quoteSPL double-quotes s with SPL's escapes for `\` and `"`, the same in the
// search and the eval language. s must hold no control characters (callers
// guarantee it: regexes written by regexFor/regexSource escape them, search
// values containing them are routed to `| where`).
func quoteSPL(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\\' || c == '"' {
			b.WriteByte('\\')
		}
		b.WriteByte(c)
	}
	b.WriteByte('"')
	return b.String()
}

// isControl reports a byte that must not appear raw in an emitted query: one
// search per line is the output format, and SPL quoted strings have no
// escape for line breaks.
func isControl(c byte) bool { return c < 0x20 || c == 0x7f }

func hasControl(s string) bool {
	for i := 0; i < len(s); i++ {
		if isControl(s[i]) {
			return true
		}
	}
	return false
}

// splKeywords are the words the search parser reads as operators; a field
// of that name is quoted.
var splKeywords = []string{"AND", "OR", "NOT", "XOR", "IN", "TERM", "CASE"}

func isKeyword(f string) bool {
	if len(f) > 4 {
		return false
	}
	for _, k := range splKeywords {
		if strings.EqualFold(f, k) {
			return true
		}
	}
	return false
}

// bareField reports whether a field name can be written unquoted in the
// search language: letters, digits, `_`, `.`, starting with a letter or `_`.
func bareField(f string) bool {
	if f == "" || isKeyword(f) {
		return false
	}
	for i := 0; i < len(f); i++ {
		c := f[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_':
		case (c >= '0' && c <= '9') || c == '.':
			if i == 0 {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// searchField renders a field name for the search language, or reports
// false when it cannot be written exactly there: a `*` in a field name is a
// wildcard in search, and a quote, backslash or control character has no
// reliable escape in a quoted field name. Such fields are tested in `| where`.
func searchField(f string) (string, bool) {
	if bareField(f) {
		return f, true
	}
	if f == "" || strings.ContainsAny(f, "*\"\\") || hasControl(f) {
		return "", false
	}
	return `"` + f + `"`, true
}

// evalField renders a field name for the eval language: always single
// quoted (so that names such as `OR`, `null` or `a-b` stay field names), or
// false when the name holds a single quote, a backslash or a control
// character, which eval's single-quoted names cannot escape.
func evalField(f string) (string, bool) {
	if f == "" || strings.ContainsAny(f, `'\`) || hasControl(f) {
		return "", false
	}
	return "'" + f + "'", true
}

// regexMeta are the PCRE metacharacters outside a character class.
const regexMeta = `\^$.|?*+()[]{}`

// quoteRegexLit appends s as a PCRE literal: metacharacters get a backslash,
// control characters become \xHH (so no raw line break reaches the output).
func quoteRegexLit(b *strings.Builder, s string) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case strings.IndexByte(regexMeta, c) >= 0:
			b.WriteByte('\\')
			b.WriteByte(c)
		case isControl(c):
			writeHex(b, c)
		default:
			b.WriteByte(c)
		}
	}
}

func writeHex(b *strings.Builder, c byte) {
	const hex = "0123456789abcdef"
	b.WriteString(`\x`)
	b.WriteByte(hex[c>>4])
	b.WriteByte(hex[c&15])
}

// regexFor returns a PCRE regex that matches exactly the values the
// pattern matches: anchored at both ends unless a `*` stands there, `*` as
// `.*`, `?` as exactly one character `.`, case-insensitive unless cased.
// `\z` (not `$`) anchors the end, because `$` would also accept a trailing
// newline that the Sigma value does not have. (?s) lets wildcards cross line
// breaks, as Sigma's do.
func regexFor(p ir.Pattern, cased bool) string {
	var b strings.Builder
	i, j := 0, len(p)
	for i < j && p[i].Kind == ir.TokStar {
		i++
	}
	for j > i && p[j-1].Kind == ir.TokStar {
		j--
	}
	flags := ""
	if !cased {
		flags += "i"
	}
	if p[i:j].HasWildcards() {
		flags += "s"
	}
	if flags != "" {
		b.WriteString("(?" + flags + ")")
	}
	if i == 0 {
		b.WriteByte('^')
	}
	prevStar := false
	for _, t := range p[i:j] {
		switch t.Kind {
		case ir.TokLit:
			quoteRegexLit(&b, t.Text)
		case ir.TokStar:
			if !prevStar {
				b.WriteString(".*")
			}
		case ir.TokQuestion:
			b.WriteByte('.')
		}
		prevStar = t.Kind == ir.TokStar
	}
	if j == len(p) {
		b.WriteString(`\z`)
	}
	return b.String()
}

// regexSource returns a Sigma regex with its flags as one PCRE pattern.
// Raw control characters become \xHH (an escaped control character too:
// `\` + newline is a literal newline either way), which keeps the query on
// one line without changing what the pattern matches.
func regexSource(r ir.Regex) string {
	var b strings.Builder
	if r.Flags != "" {
		b.WriteString("(?" + r.Flags + ")")
	}
	s := r.Source
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s):
			if isControl(s[i+1]) {
				writeHex(&b, s[i+1])
			} else {
				b.WriteByte(c)
				b.WriteByte(s[i+1])
			}
			i++
		case isControl(c):
			writeHex(&b, c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// searchExact reports whether searchPattern renders p exactly, without
// building the string (the planner asks for every match).
func searchExact(p ir.Pattern) bool {
	for _, t := range p {
		switch t.Kind {
		case ir.TokLit:
			for i := 0; i < len(t.Text); i++ {
				if c := t.Text[i]; c == '*' || isControl(c) {
					return false
				}
			}
		case ir.TokStar:
		default:
			return false
		}
	}
	return true
}

// searchPattern renders a pattern as a search-language value, and reports
// whether the rendering is exact. It is not exact when the pattern holds
// `?` (no single-character wildcard in search), a literal `*` (search
// cannot escape it), or a control character; each of those is widened to
// `*`, which makes the rendering a necessary condition (a prefilter).
func searchPattern(p ir.Pattern) (string, bool) {
	var b strings.Builder
	b.WriteByte('"')
	exact := true
	lastStar := false
	star := func() {
		if !lastStar {
			b.WriteByte('*')
		}
		lastStar = true
	}
	for _, t := range p {
		switch t.Kind {
		case ir.TokLit:
			for i := 0; i < len(t.Text); i++ {
				c := t.Text[i]
				switch {
				case c == '*' || isControl(c):
					exact = false
					star()
					continue
				case c == '\\' || c == '"':
					b.WriteByte('\\')
				}
				b.WriteByte(c)
				lastStar = false
			}
		case ir.TokStar:
			star()
		default: // TokQuestion (placeholders are refused by ir.Check)
			exact = false
			star()
		}
	}
	b.WriteByte('"')
	return b.String(), exact
}
