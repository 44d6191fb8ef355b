package pipeline

import (
	"strings"

	"github.com/sigc-dev/sigc/ir"
)

// render writes a pattern the way a rule author writes the value: bare `*`
// and `?` for wildcards, `%name%` for placeholders, and a backslash only
// where Sigma needs one (before a literal `*`, `?`, `%` or a backslash that
// would otherwise start an escape). match_string and replace_string work on
// this text, and ir.ParseSigmaString(render(p), true) gives p back.
//
// Why not ir.Pattern.SigmaString: it doubles every backslash, so a
// pipeline regex written against `C:\Windows` (as the rule says it) would
// not match.
func render(p ir.Pattern) string {
	var b strings.Builder
	for i, t := range p {
		switch t.Kind {
		case ir.TokLit:
			for j := 0; j < len(t.Text); j++ {
				c := t.Text[j]
				switch c {
				case '*', '?', '%':
					b.WriteByte('\\')
				case '\\':
					if escapeNeeded(p, i, j) {
						b.WriteByte('\\')
					}
				}
				b.WriteByte(c)
			}
		case ir.TokStar:
			b.WriteByte('*')
		case ir.TokQuestion:
			b.WriteByte('?')
		case ir.TokPlaceholder:
			b.WriteString("%" + t.Text + "%")
		}
	}
	return b.String()
}

// escapeNeeded reports whether the backslash at p[i].Text[j] must be
// doubled: when what follows it is rendered starting with one of `\*?%`.
func escapeNeeded(p ir.Pattern, i, j int) bool {
	if j+1 < len(p[i].Text) {
		return strings.IndexByte(`\*?%`, p[i].Text[j+1]) >= 0
	}
	return i+1 < len(p) // only a non-literal token can follow a literal run
}
