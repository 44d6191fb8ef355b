package lower

import (
	"reflect"
	"strings"
	"testing"

	"github.com/sigc-dev/sigc/ir"
)

func TestBase64Offsets(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"http://", []string{"aHR0cDovL", "h0dHA6Ly", "odHRwOi8v"}},
		{"abc", []string{"YWJj", "FiY", "hYm"}},
		{"c\x00m\x00d\x00", []string{"YwBtAGQA", "MAbQBkA", "jAG0AZA"}},
		{"ab", []string{"YW", "Fi", "hY"}},
		{"a", []string{"Y", "", "h"}},
	}
	for _, tt := range tests {
		if got := base64Offsets(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("base64Offsets(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestWindash(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{" -exec", []string{` -exec`, ` /exec`, " \u2013exec", " \u2014exec", " \u2015exec"}},
		{"-a", []string{"-a", "/a", "\u2013a", "\u2014a", "\u2015a"}},
		{"x-y", []string{"x-y"}},         // inside a word: not a flag
		{"a - b", []string{"a - b"}},     // no word character after
		{"\u2013a", []string{"\u2013a"}}, // existing en dash not expanded
		{"C:/dir", []string{"C:-dir", "C:/dir", "C:\u2013dir", "C:\u2014dir", "C:\u2015dir"}},
	}
	for _, tt := range tests {
		vs, _, ok := windash(ir.Lit(tt.in), MaxExpansion)
		if !ok {
			t.Fatalf("windash(%q) refused", tt.in)
		}
		var got []string
		for _, v := range vs {
			got = append(got, v.Literal())
		}
		sortLike := func(s []string) string { return strings.Join(s, "|") }
		if len(got) != len(tt.want) {
			t.Errorf("windash(%q) = %q, want %q", tt.in, got, tt.want)
			continue
		}
		set := map[string]bool{}
		for _, g := range got {
			set[g] = true
		}
		for _, w := range tt.want {
			if !set[w] {
				t.Errorf("windash(%q) = %s, missing %q", tt.in, sortLike(got), w)
			}
		}
		if got[0] != tt.want[0] {
			t.Errorf("windash(%q): first variant %q, want %q (pySigma's order: - / en em bar)", tt.in, got[0], tt.want[0])
		}
	}
	// Two flags: 25 variants; the limit refuses 5^6.
	if vs, n, ok := windash(ir.Lit(" -a -b"), MaxExpansion); !ok || n != 2 || len(vs) != 25 {
		t.Errorf("two flags: n=%d variants=%d ok=%v", n, len(vs), ok)
	}
	if _, n, ok := windash(ir.Lit(strings.Repeat(" -a", 6)), MaxExpansion); ok || n != 6 {
		t.Errorf("six flags must be refused: n=%d ok=%v", n, ok)
	}
	// Wildcards split runs; a run start counts as a non-word context.
	vs, _, _ := windash(ir.ParseSigmaString("*-enc*", false), MaxExpansion)
	if len(vs) != 5 || ir.FormatPattern(vs[1]) != `*"/enc"*` {
		t.Errorf("windash over wildcard pattern: %d variants, second %s", len(vs), ir.FormatPattern(vs[1]))
	}
}

func TestUTF16(t *testing.T) {
	p := ir.ParseSigmaString("c*d", false)
	tests := []struct {
		be, bom bool
		want    string
	}{
		{false, false, `"c\x00"*"d\x00"`},
		{true, false, `"\x00c"*"\x00d"`},
		{false, true, `"\xff\xfec\x00"*"d\x00"`},
	}
	for _, tt := range tests {
		if got := ir.FormatPattern(utf16Encode(p, tt.be, tt.bom)); got != tt.want {
			t.Errorf("utf16Encode(be=%v, bom=%v) = %s, want %s", tt.be, tt.bom, got, tt.want)
		}
	}
	// Non-BMP characters become surrogate pairs.
	if got := utf16Encode(ir.Lit("\U0001F600"), false, false).Literal(); got != "\x3d\xd8\x00\xde" {
		t.Errorf("surrogate pair = %q", got)
	}
}

func TestRegexProblem(t *testing.T) {
	tests := []struct {
		src, flags string
		wantOK     bool
		wantOff    int
	}{
		{`^a.*b\d+"x`, "", true, -1},
		{`(?i)foo|bar[a-z]{2,3}`, "", true, -1},
		{`\\\\[a-z]`, "", true, -1},
		{`[(?=]`, "", true, -1},
		{`a(?=b)`, "", false, 1},
		{`a(?<!b)`, "", false, 1},
		{`(a)\1`, "", false, 3},
		{`a++`, "", false, 2},
		{`(ab`, "", false, -1},
		{`a{2000}`, "", false, -1},
		{`abc`, "ims", true, -1},
		{strings.Repeat("a", MaxRegexLen+1), "", false, 0},
	}
	for _, tt := range tests {
		msg, off, _ := checkRegex(tt.src, tt.flags)
		if (msg == "") != tt.wantOK || off != tt.wantOff {
			t.Errorf("checkRegex(%.40q) = %q at %d, want ok=%v at %d", tt.src, msg, off, tt.wantOK, tt.wantOff)
		}
	}
}

func TestGlobMatch(t *testing.T) {
	tests := []struct {
		pattern, name string
		want          bool
	}{
		{"sel*", "selection", true}, {"sel*", "se", false}, {"*", "x", true}, {"sel", "sel", true},
		{"sel", "sel2", false}, {"*b", "ab", true}, {"*b", "ba", false}, {"s*l*", "selection", true},
		{"s*l*n", "selection", true}, {"s*l*x", "selection", false}, {"a*a", "a", false}, {"a*a", "aa", true},
		{"*_*", "filter_x", true}, {"**", "", true},
	}
	for _, tt := range tests {
		if got := globMatch(tt.pattern, tt.name); got != tt.want {
			t.Errorf("globMatch(%q, %q) = %v, want %v", tt.pattern, tt.name, got, tt.want)
		}
	}
}
