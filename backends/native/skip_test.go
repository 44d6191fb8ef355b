package native

import (
	"strings"
	"testing"

	"github.com/sigc-dev/sigc/ir"
)

// TestSkipScan checks the skipping substring search against the plain
// evaluation: literals at the start, middle and end of a value, overlaps,
// case and Unicode folding, values shorter than the window.
func TestSkipScan(t *testing.T) {
	kw := []string{"*sekurlsa::*", "*kerberos::ptt*", "*mimilib.dll*", "*lsadump*"}
	var terms []*ir.Match
	for _, k := range kw {
		terms = append(terms, str("", k))
	}
	r := rule("kw", or(terms[0], terms[1], terms[2], terms[3]))
	rs, d := NewRuleSet([]*ir.Rule{r})
	if d.HasErrors() {
		t.Fatal(d)
	}
	gi := rs.wholeIndex().fields[0].grams[atomContains]
	if gi == nil || gi.skip == nil {
		t.Fatal("keyword index does not skip")
	}
	if gi.skip.m != 7 {
		t.Errorf("window = %d, want 7 (the shortest literal)", gi.skip.m)
	}
	tests := []struct {
		value string
		want  bool
	}{
		{"sekurlsa::logonpasswords", true},
		{"run SEKURLSA::LogonPasswords now", true},
		{"x kerberos::ptt", true},
		{"kerberos::pt", false},
		{"lsadum", false},
		{"LSADUMP", true},
		{"c:\\tools\\MimiLib.DLL", true},
		{"mimilib.dl", false},
		{"ls", false},
		{"", false},
		{"lsalsalsadump::sam", true},
		{"\u212aerberos::ptt", true}, // KELVIN SIGN folds to k
		{"sekurlsa:;", false},
		{"nothing to see here, a long value without any literal at all", false},
	}
	for _, tt := range tests {
		ev := &Flat{}
		ev.Set("CommandLine", Value{Kind: KindString, Str: tt.value})
		got := len(rs.Match(ev, nil)) == 1
		if got != tt.want {
			t.Errorf("%q: match = %v, want %v", tt.value, got, tt.want)
		}
		if plain := mustCompile(t, r).Match(ev); plain != tt.want {
			t.Errorf("%q: plain match = %v, want %v", tt.value, plain, tt.want)
		}
	}
}

// TestSuffixSet checks that an Or of endswith tests on one field becomes a
// suffix set that matches as the tests do.
func TestSuffixSet(t *testing.T) {
	r := rule("sfx", or(str("Image", `*.exe`), str("Image", `*.scr`), str("Image", `*\calc.com`),
		str("Image", `*\evil.dll`), str("Image", `*\Programs\tools\payload.bin`), str("Image", `*k`),
		str("Image", `*\kworker.bat`), str("Image", `*\ssworker.bat`), str("Image", `*\xworker.bat`)))
	p := mustCompile(t, r)
	if _, ok := p.queries[0].(fieldNode).p.(*suffixSetPred); !ok {
		t.Fatalf("compiled to %T, want a suffix set", p.queries[0])
	}
	tests := []struct {
		value string
		want  bool
	}{
		{`C:\Windows\notepad.EXE`, true},
		{`a.scr`, true},
		{`.scr`, true},
		{`scr`, false},
		{`C:\x\CALC.com`, true},
		{`C:\x\xcalc.com`, false},
		{`C:\x\evil.dll`, true},
		{`D:\Users\a\AppData\Local\Programs\Tools\Payload.BIN`, true},
		{`D:\payload.bin`, false},
		{`bookmark`, true},
		{"boo\u212a", true},  // KELVIN SIGN folds to k
		{"x.ex\u212a", true}, // ends with the k literal too
		{"notepad.ex\u00e9", false},
		{"", false},
		{`C:\Windows\notepad.exe.txt`, false},
		// Three literals share the tail key "rker.bat"; only the bytes
		// before it tell them apart, and a rune that folds to ASCII there
		// spans more bytes than its fold.
		{`C:\x\KWORKER.bat`, true},
		{`C:\x\yworker.bat`, false},
		{"C:\\x\\\u212aworker.bat", true},
		{"C:\\x\\\u017f\u017fworker.bat", true}, // LONG S folds to s
		{"C:\\x\\\u017fxworker.bat", false},
	}
	for _, tt := range tests {
		ev := &Flat{}
		ev.Set("Image", Value{Kind: KindString, Str: tt.value})
		if got := p.Match(ev); got != tt.want {
			t.Errorf("%q: match = %v, want %v", tt.value, got, tt.want)
		}
	}
}

// TestSkipScanLong checks the four-run scan of long texts against a plain
// search: literals placed at random, including across the runs' borders,
// in texts of every length around the interleaving threshold, with both
// block sizes.
func TestSkipScanLong(t *testing.T) {
	for _, lits := range [][]string{
		{"sekurlsa::", "kerberos::ptt", "mimilib.dll", "lsadump::"}, // three-byte blocks
		{"abcd", "xyzw", "q::q"},                                    // two-byte blocks
	} {
		sk := newSkipScan(lits)
		if sk == nil {
			t.Fatalf("%q: no skip scan", lits)
		}
		gi := &gramIndex{skip: sk, lits: lits}
		pats := make([]acPat, len(lits))
		for i := range pats {
			pats[i] = acPat{post: []int32{posting(i, 0)}}
		}
		gi.setPostings(pats)
		m := &Matcher{}
		m.hit[0] = make([]uint64, 1)
		rng := uint64(1)
		next := func(n int) int {
			rng = rng*6364136223846793005 + 1442695040888963407
			return int((rng >> 33) % uint64(n))
		}
		const filler = "c:\\windows\\system32\\ -- er in on the quick brown fox "
		for n := minInterleave - 40; n < minInterleave+600; n += 7 {
			b := make([]byte, n)
			for i := range b {
				b[i] = filler[next(len(filler))]
			}
			for k := next(3); k > 0; k-- {
				l := lits[next(len(lits))]
				if len(l) <= n {
					copy(b[next(n-len(l)+1):], l)
				}
			}
			s := string(b)
			m.hit[0][0] = 0
			m.skipScan(gi, s)
			for i, l := range lits {
				want := strings.Contains(s, l)
				got := m.hit[0][0]&(1<<i) != 0
				if got != want {
					t.Fatalf("len %d, %q: found = %v, want %v in %q", n, l, got, want, s)
				}
			}
		}
	}
}
