package rt

import (
	"encoding/json"
	"net/netip"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestFoldCompare(t *testing.T) {
	cases := []struct {
		name, s, lit string
		eq, prefix   bool
		suffix, cont bool
	}{
		{"ascii", `C:\Windows\System32\CMD.EXE`, `c:\windows\system32\cmd.exe`, true, true, true, true},
		{"prefix only", `C:\Windows\x`, `c:\windows`, false, true, false, true},
		{"suffix only", `x\cmd.exe`, `\cmd.exe`, false, false, true, true},
		{"inside", `a -ENC b`, ` -enc `, false, false, false, true},
		{"kelvin sign folds to k", "\u212Aey", "key", true, true, true, true},
		{"long s folds to s", "\u017Fys", "sys", true, true, true, true},
		{"unicode", "ÄRGER", "ärger", true, true, true, true},
		{"different", "abc", "abd", false, false, false, false},
		{"longer lit", "ab", "abc", false, false, false, false},
		{"empty lit", "abc", "", false, true, true, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			lit := FoldString(c.lit)
			if got := EqualFold(c.s, lit); got != c.eq {
				t.Errorf("EqualFold = %v, want %v", got, c.eq)
			}
			if got := HasPrefixFold(c.s, lit); got != c.prefix {
				t.Errorf("HasPrefixFold = %v, want %v", got, c.prefix)
			}
			if got := HasSuffixFold(c.s, lit); got != c.suffix {
				t.Errorf("HasSuffixFold = %v, want %v", got, c.suffix)
			}
			if got := containsFold(c.s, lit); got != c.cont {
				t.Errorf("containsFold = %v, want %v", got, c.cont)
			}
		})
	}
}

// TestFoldRune checks the canonical fold against the fold orbits: every
// rune of an orbit has the same fold, the fold belongs to the orbit, and it
// is no longer in UTF-8 than the rune (HasPrefixFold relies on that).
func TestFoldRune(t *testing.T) {
	for r := rune(0); r <= 0x1FFFF; r++ {
		f := FoldRune(r)
		if !strings.EqualFold(string(f), string(r)) {
			t.Fatalf("FoldRune(%U) = %U, not in its orbit", r, f)
		}
		if utf8.RuneLen(f) > utf8.RuneLen(r) {
			t.Fatalf("FoldRune(%U) = %U is longer in UTF-8", r, f)
		}
		for g := unicode.SimpleFold(r); g != r; g = unicode.SimpleFold(g) {
			if FoldRune(g) != f {
				t.Fatalf("FoldRune(%U) = %U but FoldRune(%U) = %U", r, f, g, FoldRune(g))
			}
		}
	}
	if FoldRune('\u212A') != 'k' || FoldRune('\u017F') != 's' || FoldRune('Z') != 'z' {
		t.Error("runes that fold to ASCII letters must fold to them")
	}
}

// TestFoldAgreesWithEqualFold compares the helpers with a reference built
// on strings.EqualFold, over values mixing ASCII, multi-byte and
// ASCII-folding runes, at every split.
func TestFoldAgreesWithEqualFold(t *testing.T) {
	words := []string{"key", "\u212Aey", "KEY", "sys", "\u017FYS", "Ärger", "äRGER", "x", "", "σς", "ΣΣ", "ǅ", "ǆ", "ǲ"}
	var values []string
	for _, a := range words {
		for _, b := range words {
			values = append(values, a+b, a+"-"+b)
		}
	}
	for _, s := range values {
		for _, l := range values {
			lit := FoldString(l)
			if got, want := EqualFold(s, lit), strings.EqualFold(s, l); got != want {
				t.Errorf("EqualFold(%q, %q) = %v, want %v", s, lit, got, want)
			}
			prefix, suffix, contains := false, false, false
			for i := 0; i <= len(s); i++ {
				if i < len(s) && !utf8.RuneStart(s[i]) {
					continue
				}
				prefix = prefix || strings.EqualFold(s[:i], l)
				suffix = suffix || strings.EqualFold(s[i:], l)
				for j := i; j <= len(s); j++ {
					contains = contains || strings.EqualFold(s[i:j], l)
				}
			}
			if got := HasPrefixFold(s, lit); got != prefix {
				t.Errorf("HasPrefixFold(%q, %q) = %v, want %v", s, lit, got, prefix)
			}
			if got := HasSuffixFold(s, l); got != suffix {
				t.Errorf("HasSuffixFold(%q, %q) = %v, want %v", s, l, got, suffix)
			}
			if got := containsFold(s, lit); got != contains {
				t.Errorf("containsFold(%q, %q) = %v, want %v", s, lit, got, contains)
			}
			if got := ContainsFoldSlow(s, lit); got != contains {
				t.Errorf("ContainsFoldSlow(%q, %q) = %v, want %v", s, lit, got, contains)
			}
		}
	}
}

func TestIsASCII(t *testing.T) {
	base := strings.Repeat("abcdefgh", 5)
	for n := 0; n <= len(base); n++ {
		if !IsASCII(base[:n]) {
			t.Fatalf("IsASCII(%q) = false", base[:n])
		}
		for i := 0; i < n; i++ {
			for _, c := range []byte{0x80, 0xC3, 0xFF} {
				b := []byte(base[:n])
				b[i] = c
				if IsASCII(string(b)) {
					t.Fatalf("IsASCII(%q) = true", b)
				}
			}
		}
	}
}

// TestFoldNoAlloc: the matchers call these on every event value.
func TestFoldNoAlloc(t *testing.T) {
	s, lit := `C:\Windows\System32\CMD.EXE`, `c:\windows\system32\cmd.exe`
	n := testing.AllocsPerRun(100, func() {
		_ = IsASCII(s) && EqualFold(s, lit) && HasPrefixFold(s, lit[:3]) && HasSuffixFold(s, lit[3:]) &&
			containsFold(s, lit[4:9]) && ContainsFoldSlow("\u212A"+s, lit) && FoldString(lit) == lit
	})
	if n != 0 {
		t.Errorf("%v allocations per run", n)
	}
}

func TestInSet(t *testing.T) {
	set := map[string]struct{}{FoldString("whoami.exe"): {}, FoldString("ÄRGER.exe"): {}}
	for s, want := range map[string]bool{"WHOAMI.EXE": true, "ärger.EXE": true, "whoami.ex": false, "": false} {
		if got := inSet(s, set); got != want {
			t.Errorf("inSet(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestGlobMatch(t *testing.T) {
	cases := []struct {
		s     string
		cased bool
		parts []string
		want  bool
	}{
		{`C:\Users\bob\AppData\x.exe`, false, []string{`=c:\users\`, "*", `=\appdata\`, "*"}, true},
		{`C:\Users\bob\Temp\x.exe`, false, []string{`=c:\users\`, "*", `=\appdata\`, "*"}, false},
		{"abc", false, []string{"=a", "?", "=c"}, true},
		{"aéc", false, []string{"=a", "?", "=c"}, true},
		{"ac", false, []string{"=a", "?", "=c"}, false},
		{"a*c", false, []string{"=a", "=*c"}, true},
		{"abc", false, []string{"=a", "=*c"}, false},
		{"ABC", true, []string{"=a", "*"}, false},
		{"abc", true, []string{"=a", "*"}, true},
		{"", false, []string{"*"}, true},
		{"xaxb", false, []string{"*", "=a", "?", "=b"}, true},
	}
	for _, c := range cases {
		if got := GlobMatch(c.s, c.cased, c.parts...); got != c.want {
			t.Errorf("GlobMatch(%q, %v, %q) = %v, want %v", c.s, c.cased, c.parts, got, c.want)
		}
	}
}

func TestNumbers(t *testing.T) {
	cases := []struct {
		s, text string
		f       float64
		eq      bool
	}{
		{"4624", "4624", 4624, true},
		{"4624.0", "4624", 4624, true},
		{"+4624", "4624", 4624, true},
		{"0x1210", "4624", 4624, false},
		{"4625", "4624", 4624, false},
		{"1.5", "1.5", 1.5, true},
		{"Inf", "4624", 4624, false},
	}
	for _, c := range cases {
		if got := numEq(c.s, c.text, c.f); got != c.eq {
			t.Errorf("numEq(%q, %q) = %v, want %v", c.s, c.text, got, c.eq)
		}
	}
	for _, c := range []struct {
		s, op string
		f     float64
		want  bool
	}{
		{"10", "<", 11, true}, {"11", "<", 11, false}, {"11", "<=", 11, true},
		{"12", ">", 11, true}, {"11", ">=", 11, true}, {"x", ">", 1, false}, {"3", "?", 3, false},
	} {
		if got := numCmp(c.s, c.op, c.f); got != c.want {
			t.Errorf("numCmp(%q %s %v) = %v, want %v", c.s, c.op, c.f, got, c.want)
		}
	}
	for in, want := range map[string]string{"4624": "4624", "1.50": "1.5", "1e3": "1000", "-0": "0", "007": "7"} {
		if got := CanonicalNumber(in); got != want {
			t.Errorf("CanonicalNumber(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestInCIDR(t *testing.T) {
	v4 := netip.MustParsePrefix("10.0.0.0/8")
	v6 := netip.MustParsePrefix("fe80::/10")
	cases := []struct {
		s    string
		p    netip.Prefix
		want bool
	}{
		{"10.1.2.3", v4, true},
		{"11.1.2.3", v4, false},
		{"::ffff:10.0.0.1", v4, true},
		{"010.1.2.3", v4, false},
		{"[10.1.2.3]", v4, false},
		{"fe80::1%eth0", v6, true},
		{"[fe80::1]", v6, true},
		{"10.1.2.3", v6, false},
		{"", v4, false},
		{"not an address", v4, false},
	}
	for _, c := range cases {
		if got := inCIDR(c.s, c.p); got != c.want {
			t.Errorf("inCIDR(%q, %s) = %v, want %v", c.s, c.p, got, c.want)
		}
	}
}

func TestTimePart(t *testing.T) {
	cases := []struct {
		s, part string
		want    float64
		ok      bool
	}{
		{"2024-01-02T03:04:05.678Z", "hour", 3, true},
		{"2024-01-02 03:04:05.678", "minute", 4, true},
		{"2024-01-02T03:04:05+02:00", "hour", 1, true},
		{"2024-01-02", "day", 2, true},
		{"2024-12-30", "week", 1, true},
		{"2024-01-02T03:04:05Z", "month", 1, true},
		{"2024-01-02T03:04:05Z", "year", 2024, true},
		{"2024-13-02", "month", 13, false},
		{"yesterday", "day", 1, false},
		{"2024-01-02X", "day", 2, false},
	}
	for _, c := range cases {
		if got := timePart(c.s, c.part, "=", c.want); got != c.ok {
			t.Errorf("timePart(%q, %s) = %v, want %v", c.s, c.part, got, c.ok)
		}
	}
}

func TestFieldsAndTests(t *testing.T) {
	var ev Fields
	if err := decode(`{"EventID": 4624, "A": ["x", "Y"], "N": null, "Event": {"System": {"Channel": "Security"}},
		"B": true, "F": 1.50, "Dotted.Key": "d", "Big": 1e21}`, &ev); err != nil {
		t.Fatal(err)
	}
	upper := func(s string) bool { return s == "Y" }
	cases := []struct {
		name string
		got  bool
		want bool
	}{
		{"number text", field(ev, "EventID", func(s string) bool { return s == "4624" }), true},
		{"array any element", field(ev, "A", upper), true},
		{"missing field", field(ev, "Z", upper), false},
		{"null is no value", field(ev, "N", func(string) bool { return true }), false},
		{"object is no value", field(ev, "Event", func(string) bool { return true }), false},
		{"nested path", field(ev, "Event.System.Channel", func(s string) bool { return s == "Security" }), true},
		{"dotted key", field(ev, "Dotted.Key", func(s string) bool { return s == "d" }), true},
		{"bool text", field(ev, "B", func(s string) bool { return s == "true" }), true},
		{"float text", field(ev, "F", func(s string) bool { return s == "1.5" }), true},
		{"big float text", field(ev, "Big", func(s string) bool { return s == "1e+21" }), true},
		{"exists null", exists(ev, "N"), true},
		{"exists object", exists(ev, "Event"), true},
		{"exists missing", exists(ev, "Z"), false},
		{"null null", isNull(ev, "N"), true},
		{"null missing", isNull(ev, "Z"), true},
		{"null present", isNull(ev, "A"), false},
		{"keyword nested leaf", keyword(ev, func(s string) bool { return s == "Security" }), true},
		{"keyword none", keyword(ev, func(s string) bool { return s == "nope" }), false},
		{"fieldref array", fieldRef(ev, "A", "Dotted.Key", false, false, false), false},
		{"fieldref contains", fieldRef(ev, "Event.System.Channel", "A", true, true, false), true},
		{"fieldref cased", fieldRef(ev, "Event.System.Channel", "A", true, true, true), false},
		{"fieldref missing", fieldRef(ev, "Z", "A", false, false, false), false},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
}

func decode(js string, ev *Fields) error {
	d := json.NewDecoder(strings.NewReader(js))
	d.UseNumber()
	return d.Decode(ev)
}
