package rules

import (
	"testing"
	"time"

	"github.com/sigc-dev/sigc/ir/diag"
)

// FuzzParseFile checks that ParseFile never panics, terminates, and keeps
// its invariants on any input: each document has exactly the part its Kind
// names, and every diagnostic points into the file.
func FuzzParseFile(f *testing.F) {
	seeds := []string{
		okRule,
		okRule + "---\n" + corr("  type: temporal\n  rules: [a]\n  timespan: 1h\n"),
		"title: F\nlogsource: {product: w}\nfilter:\n  rules: any\n  sel: a\n  condition: not sel\n",
		rule("  sel:\n    - a: [1, 0x1F, 1.5, true, null, ~]\n    - kw\n  '|all': [a, b]\n  condition: |\n    1 of them and not sel\n"),
		billionLaughs(4),
		"a: &a [*a]\n",
		"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
		"action: global\ntitle: x\n",
		"\xff\xfe",
		"title: \"\\u00e9\\\n  x\"\n",
		"? [a]\n: b\n",
		"",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	lim := Limits{MaxFileSize: 1 << 16, MaxNodes: 20_000, MaxDepth: 40}
	f.Fuzz(func(t *testing.T, src []byte) {
		start := time.Now()
		docs, dl := ParseFile("f.yml", src, lim)
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("ParseFile took %v on %d bytes", d, len(src))
		}
		for _, d := range docs {
			parts := 0
			for _, p := range []bool{d.Rule != nil, d.Correlation != nil, d.Filter != nil} {
				if p {
					parts++
				}
			}
			if parts != 1 || d.Meta() == nil {
				t.Fatalf("document of kind %v has %d parts", d.Kind, parts)
			}
			if d.Kind == KindRule && d.Rule == nil || d.Kind == KindCorrelation && d.Correlation == nil || d.Kind == KindFilter && d.Filter == nil {
				t.Fatalf("kind %v does not match its part", d.Kind)
			}
		}
		for _, d := range dl.Items() {
			if d.Pos.File != "f.yml" || d.Pos.Line < 0 || d.Pos.Col < 0 || d.Code == "" {
				t.Fatalf("bad diagnostic %v", d)
			}
			if d.Code == diag.CodeInternal {
				t.Fatalf("internal error: %v", d)
			}
		}
	})
}
