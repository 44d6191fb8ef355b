package ir

import "testing"

// FuzzParseSigmaString checks the value parser's invariants on arbitrary
// input: it never panics, keeps literal runs non-empty and merged, and
// SigmaString is its inverse.
func FuzzParseSigmaString(f *testing.F) {
	for _, s := range []string{`C:\Windows\*`, `a\\\*b`, `*x?y*`, `%p%\%`, `a\`, `\\\\`, "", "%", "%%", `\%a%`} {
		f.Add(s, true)
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, s string, expand bool) {
		p := ParseSigmaString(s, expand)
		for i, tok := range p {
			if tok.Kind == TokLit && tok.Text == "" {
				t.Fatalf("empty literal token in %s", FormatPattern(p))
			}
			if i > 0 && tok.Kind == TokLit && p[i-1].Kind == TokLit {
				t.Fatalf("adjacent literal tokens in %s", FormatPattern(p))
			}
		}
		if expand {
			if back := ParseSigmaString(p.SigmaString(), true); !back.Equal(p) {
				t.Fatalf("round trip %q: %s != %s", s, FormatPattern(p), FormatPattern(back))
			}
		}
		p.Classify()
	})
}
