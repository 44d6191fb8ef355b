package condition

import (
	"reflect"
	"strings"
	"testing"

	"github.com/sigc-dev/sigc/ir/diag"
)

// FuzzParse checks that Parse never panics, that every failure is exactly
// one located error, that explain agrees with participle on what is an
// error, and that successful parses round-trip through Format.
func FuzzParse(f *testing.F) {
	for _, tc := range parseCases {
		f.Add(tc.I)
	}
	for _, s := range []string{"((((a", "not not not", "1 of them*", "a|b", "a or\r\n(b)", "\xff", "a\vb"} {
		f.Add(s)
	}
	at := diag.Pos{File: "f.yml", Line: 3, Col: 7}
	f.Fuzz(func(t *testing.T, src string) {
		e, l := Parse(src, at)
		if e == nil {
			items := l.Items()
			if len(items) != 1 || items[0].Severity != diag.Error {
				t.Fatalf("Parse(%q) failed without exactly one error: %v", src, l)
			}
			checkInside(t, src, at, items[0].Pos)
		} else if l.Len() != 0 {
			t.Fatalf("Parse(%q) returned a tree and diagnostics: %v", src, l)
		}

		// Past the pre-checks, participle and explain must agree. A
		// disagreement means the error messages describe another grammar.
		if strings.Trim(src, asciiSpace) != "" && len(src) <= MaxLen {
			if _, deep := depthExceeded(src); !deep {
				_, perr := parser.ParseString("", src)
				if why, bad := explain(src); bad != (perr != nil) {
					t.Fatalf("Parse(%q): participle error %v, explain %+v", src, perr, why)
				}
			}
		}
		if e == nil {
			return
		}
		checkInside(t, src, at, e.Pos())

		text := Format(e)
		e2, l2 := Parse(text, diag.Pos{})
		if l2.Len() != 0 {
			t.Fatalf("Parse(Format(Parse(%q))) = Parse(%q): %v", src, text, l2)
		}
		if !reflect.DeepEqual(stripPos(e), stripPos(e2)) {
			t.Fatalf("round trip of %q changed the tree: %s vs %s", src, shape(e), shape(e2))
		}
		if again := Format(e2); again != text {
			t.Fatalf("Format not stable: %q then %q", text, again)
		}
	})
}

// checkInside fails unless p lies within src as placed at at (a column one
// past the end of a line is allowed: that is where "end of input" is).
func checkInside(t *testing.T, src string, at, p diag.Pos) {
	t.Helper()
	lines := strings.Split(src, "\n")
	line := p.Line - at.Line + 1
	if p.File != at.File || line < 1 || line > len(lines) {
		t.Fatalf("Parse(%q): position %v outside the text", src, p)
	}
	col := p.Col
	if line == 1 {
		col -= at.Col - 1
	}
	if col < 1 || col > len(lines[line-1])+1 {
		t.Fatalf("Parse(%q): position %v outside line %d", src, p, line)
	}
}
