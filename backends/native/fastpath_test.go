package native

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/sigc-dev/sigc/ir"
)

// TestMemo checks that a remembered scan answers for its own field only
// and changes no result: the same values recur in two fields whose rules
// differ, often enough to be remembered, interleaved with other values.
func TestMemo(t *testing.T) {
	rules := append(memoFiller("A", "B"),
		rule("a-calc", str("A", `*\calc.exe`)),
		rule("b-calc", and(str("B", `*\calc.exe`), str("C", "*x*"))),
		rule("a-cmd", str("A", `*\cmd.exe`)),
	)
	rs, _ := NewRuleSet(rules)
	m := rs.NewMatcher()
	if m.memo == nil {
		t.Fatal("matcher has no memo")
	}
	for _, f := range rs.wholeIndex().fields {
		// A and B have many substrings; C's one is scanned directly.
		if want := f.key.Name != "C"; f.memo != want {
			t.Errorf("field %s: memo = %v, want %v", f.key.Name, f.memo, want)
		}
	}
	tests := []struct {
		js   string
		want []string
	}{
		{`{"A":"C:\\calc.exe","B":"C:\\cmd.exe","C":"y"}`, []string{"a-calc"}},
		{`{"A":"C:\\cmd.exe","B":"C:\\calc.exe","C":"x"}`, []string{"b-calc", "a-cmd"}},
		{`{"A":"C:\\calc.exe","B":"C:\\calc.exe","C":"x"}`, []string{"a-calc", "b-calc"}},
		{`{"A":"C:\\other.exe","B":"C:\\other.exe","C":"x"}`, nil},
	}
	for round := range 4 {
		for _, tt := range tests {
			if got := titles(m.Match(event(t, tt.js), nil)); !slices.Equal(got, tt.want) {
				t.Fatalf("round %d, %s: matched %q, want %q", round, tt.js, got, tt.want)
			}
		}
	}
	if remembered(m) == 0 {
		t.Error("no value was remembered")
	}
}

// remembered counts the entries of all of m's memo tables.
func remembered(m *Matcher) int {
	n := 0
	for _, fm := range m.memo.fields {
		if fm == nil {
			continue
		}
		for _, e := range fm.ents {
			if e.klen > 0 {
				n++
			}
		}
	}
	return n
}

// onlyMemo returns m's one memo table, failing the test unless there is
// exactly one.
func onlyMemo(t *testing.T, m *Matcher) *fieldMemo {
	t.Helper()
	var out []*fieldMemo
	for _, fm := range m.memo.fields {
		if fm != nil {
			out = append(out, fm)
		}
	}
	if len(out) != 1 {
		t.Fatalf("matcher has %d memo tables, want 1", len(out))
	}
	return out[0]
}

// TestMemoGenerations fills a memo whose slabs hold a few values only, so
// that generations turn over many times: entries of lapsed generations
// must never answer, and every answer stays exact.
func TestMemoGenerations(t *testing.T) {
	saved := memoSmall
	memoSmall = memoSize{sets: 4, keyBytes: 300, posts: 8}
	defer func() { memoSmall = saved }()
	rules := append(memoFiller("A"), rule("needle", str("A", "*needle*")))
	rs, _ := NewRuleSet(rules)
	m := rs.NewMatcher()
	var values []string
	for i := range 64 {
		v := fmt.Sprintf("%03d-%s", i, strings.Repeat("x", 60+i))
		if i%3 == 0 {
			v += "needle"
		}
		values = append(values, v)
	}
	for round := range 8 {
		for i := range values {
			// Each value twice in a row (remembered on its second
			// sighting), then an earlier one again.
			for _, v := range []string{values[i], values[i], values[(i*7+round)%len(values)]} {
				got := titles(m.Match(NewFlat(map[string]any{"A": v}), nil))
				if want := strings.Contains(v, "needle"); slices.Equal(got, []string{"needle"}) != want {
					t.Fatalf("round %d, %s: matched %q, want a match: %v", round, v, got, want)
				}
			}
		}
	}
	if fm := onlyMemo(t, m); fm.gen < 8 {
		t.Errorf("the memo went through %d generations, want many: the test does not exercise lapsing", fm.gen)
	}
}

// TestMemoLapsed builds the case the generation check exists for: an
// entry whose generation lapsed while its key bytes survived in the
// reused slab, under postings another value has since written there.
// Slabs hold one 12-byte key, so every remembered value but the first
// starts a generation: "needle-xxxxx" is remembered in slab 0, "f1..." in
// slab 1, and then "n" in slab 0 again, over the first byte of the key
// (the same byte) and the first posting (its own, rule "n"). The lapsed
// entry must not answer for "needle-xxxxx" with rule "n".
func TestMemoLapsed(t *testing.T) {
	saved := memoSmall
	memoSmall = memoSize{sets: 1024, keyBytes: 12, posts: 64}
	defer func() { memoSmall = saved }()
	rules := append(memoFiller("A"), rule("needle", str("A", "*needle*")), rule("n", str("A", "n")))
	rs, _ := NewRuleSet(rules)
	m := rs.NewMatcher()
	check := func(v string, want ...string) {
		t.Helper()
		if got := titles(m.Match(NewFlat(map[string]any{"A": v}), nil)); !slices.Equal(got, want) {
			t.Fatalf("%s: matched %q, want %q", v, got, want)
		}
	}
	for _, v := range []string{"needle-xxxxx", "f1-yyyyyyyyy", "n"} {
		want := map[string][]string{"needle-xxxxx": {"needle"}, "n": {"n"}}[v]
		check(v, want...)
		check(v, want...)
	}
	if fm := onlyMemo(t, m); fm.gen != 2 {
		t.Fatalf("memo at generation %d, want 2: the test no longer builds its case", fm.gen)
	}
	check("needle-xxxxx", "needle")
}

// TestMemoRest checks that a field whose values never repeat stops being
// looked up after its first judged window, and that its answers stay
// exact while the memo rests.
func TestMemoRest(t *testing.T) {
	rules := append(memoFiller("A"), rule("needle", str("A", "*needle*")))
	rs, _ := NewRuleSet(rules)
	m := rs.NewMatcher()
	for i := range (memoWarm + 2) * memoWindow {
		v := fmt.Sprintf("value-%d", i)
		if i%5 == 0 {
			v += "-needle"
		}
		got := titles(m.Match(NewFlat(map[string]any{"A": v}), nil))
		if want := i%5 == 0; slices.Equal(got, []string{"needle"}) != want {
			t.Fatalf("%s: matched %q, want a match: %v", v, got, want)
		}
	}
	if fm := onlyMemo(t, m); fm.rest == 0 {
		t.Error("the memo of a field whose values never repeat is still looked up")
	}
}

// memoFiller returns rules that give each field memoLits substrings,
// which matches nothing in the tests, so that the field's values go
// through the memo.
func memoFiller(fields ...string) []*ir.Rule {
	var out []*ir.Rule
	for _, f := range fields {
		for i := range memoLits {
			out = append(out, rule(fmt.Sprintf("filler-%s-%d", f, i), str(f, fmt.Sprintf("*zq%03djv*", i))))
		}
	}
	return out
}

// TestMemoCollision: values whose hash samples agree (they differ only in
// bytes the hash does not read) are told apart by the byte-for-byte
// comparison, however often each is seen.
func TestMemoCollision(t *testing.T) {
	base := []byte(strings.Repeat("a", 40))
	with := func(mid string) string {
		b := append([]byte(nil), base...)
		copy(b[18:], mid)
		return string(b)
	}
	hit, miss := with("xy"), with("pq")
	rules := append(memoFiller("A"), rule("axy", str("A", "*axy*")))
	rs, _ := NewRuleSet(rules)
	m := rs.NewMatcher()
	f := &rs.wholeIndex().fields[0]
	if !f.memo {
		t.Fatal("field A does not go through the memo")
	}
	if memoHash(hit) != memoHash(miss) {
		t.Fatal("the test values do not collide: pick bytes the hash does not sample")
	}
	for round := range 6 {
		for _, s := range []string{hit, hit, miss, miss, hit, miss} {
			ev := NewFlat(map[string]any{"A": s})
			got := titles(m.Match(ev, nil))
			if want := strings.Contains(s, "axy"); slices.Equal(got, []string{"axy"}) != want {
				t.Fatalf("round %d, %s: matched %q, want a match: %v", round, s, got, want)
			}
		}
	}
}

// TestKeywordEventText checks the keyword search over a decoded event's
// text at once: numbers match by their canonical text (which the raw JSON
// may not spell), booleans by true/false, and a literal only across two
// values is no match.
func TestKeywordEventText(t *testing.T) {
	rules := []*ir.Rule{
		rule("thousand", str("", "*sekurlsa::1000*")),
		rule("number", str("", "*1000*")),
		rule("bool", str("", "*true*")),
		rule("split", str("", "*lsadump::sam*")),
	}
	rs, _ := NewRuleSet(rules)
	plain, _ := NewRuleSet(rules, WithoutPrefilter())
	for _, js := range []string{
		`{"A":1e3}`,
		`{"A":"x","B":true}`,
		`{"A":"lsadump::","B":"sam"}`,
		`{"A":"run sekurlsa::1000 now"}`,
		`{"A":"LSADUMP::SAM"}`,
	} {
		ev := event(t, js)
		if !ev.packed {
			t.Fatalf("%s: decoded event is not packed", js)
		}
		samePlain(t, js, rs, plain, ev)
	}
	// Set clears packed: the event's text no longer holds every value.
	ev := event(t, `{"A":"x"}`)
	ev.Set("B", String("lsadump::sam"))
	if ev.packed {
		t.Fatal("Set left the event packed")
	}
	if got := titles(rs.Match(ev, nil)); !slices.Equal(got, []string{"split"}) {
		t.Errorf("after Set: matched %q", got)
	}
}

// TestASCIIEvent checks the decoder's note that an event is all ASCII,
// which lets the matcher skip its per-value checks, and that matching
// folds non-ASCII events all the same (the Kelvin sign folds to k).
func TestASCIIEvent(t *testing.T) {
	rules := []*ir.Rule{
		rule("kw", str("", "*sekurlsa::*")),
		rule("field", str("A", "*kerberos::ptt*")),
		rule("suffix", str("A", `*\calc.exe`)),
		rule("wide", str("A", "*рowershell*")),
		rule("look-alike", str("A", "*А*")), // Cyrillic A: a short literal
	}
	rs, _ := NewRuleSet(rules)
	plain, _ := NewRuleSet(rules, WithoutPrefilter())
	for _, tc := range []struct {
		js    string
		ascii bool
	}{
		{`{"A":"x sekurlsa::y"}`, true},
		{`{"A":"KERBEROS::PTT","B":1}`, true},
		{`{"A":"\u212aerberos::ptt"}`, false},
		{`{"A":"c:\\x\\CALC.EXE","B":"é"}`, false},
		{`{"A":"run РOWERSHELL"}`, false},
		{`{"A":"SE\u212aURLSA::"}`, false},
		{`{"A":"cАt"}`, false},
	} {
		ev := event(t, tc.js)
		if ev.ascii != tc.ascii {
			t.Errorf("%s: ascii = %v, want %v", tc.js, ev.ascii, tc.ascii)
		}
		if want := samePlain(t, tc.js, rs, plain, ev); len(want) == 0 {
			t.Errorf("%s: matched nothing: the case proves little", tc.js)
		}
	}
	ev := event(t, `{"A":"x"}`)
	ev.Set("B", String("é"))
	if ev.ascii {
		t.Error("Set left the event marked ASCII")
	}
}

// TestShortFirstBytes checks the search of ASCII values for short
// substrings by their first bytes, against the pass over every byte (a
// fifth first byte turns the search off) and the matcher without
// prefilters: a literal behind an earlier occurrence of its first byte,
// at either end, twice, beside a look-alike letter in a non-ASCII value.
func TestShortFirstBytes(t *testing.T) {
	base := []*ir.Rule{
		rule("dash-f", str("A", "*-f*")),
		rule("dollar", str("A", "*${*")),
		rule("caret", str("A", "*^^*")),
		rule("tick", str("A", "*`*")),
		rule("look-alike", str("A", "*А*")), // Cyrillic A
	}
	for _, tc := range []struct {
		name  string
		rules []*ir.Rule
		first string
	}{
		{"four first bytes", base, "-$^`"},
		{"five first bytes", append(base[:len(base):len(base)], rule("pipe", str("A", "*|>*"))), ""},
	} {
		rs, _ := NewRuleSet(tc.rules)
		plain, _ := NewRuleSet(tc.rules, WithoutPrefilter())
		var first string
		for _, f := range rs.wholeIndex().fields {
			if f.key.Name == "A" {
				first = string(f.asciiFirst)
			}
		}
		if first != tc.first {
			t.Errorf("%s: first bytes %q, want %q", tc.name, first, tc.first)
		}
		matched := 0
		for _, v := range []string{"a -x -F b", "-f", "x-", "${x} and ^^", "a`b`c", "no", "-x-y-", "|> -f", "cАt -f", "^", "$"} {
			matched += len(samePlain(t, tc.name+", "+v, rs, plain, event(t, `{"A":"`+v+`"}`)))
		}
		if matched < 8 {
			t.Errorf("%s: %d matches: the cases prove little", tc.name, matched)
		}
	}
}

// TestExactLengths checks that whole-value atoms are looked up only for
// values that can fold to one of their lengths, folding included.
func TestExactLengths(t *testing.T) {
	long := strings.Repeat("x", 300)
	rules := []*ir.Rule{
		rule("key", str("A", "key")),
		rule("long", str("A", long)),
		rule("sub", str("A", "*abc*")),
	}
	rs, _ := NewRuleSet(rules)
	for _, tc := range []struct {
		val  string
		want []string
	}{
		{"KEY", []string{"key"}},
		{"\u212aey", []string{"key"}}, // the Kelvin sign folds to k: 5 bytes to 3
		{"keys", nil},
		{"xabcx", []string{"sub"}},
		{strings.ToUpper(long), []string{"long"}},
		{long + "x", nil},
	} {
		ev := event(t, `{"A":"`+tc.val+`"}`)
		if got := titles(rs.Match(ev, nil)); !slices.Equal(got, tc.want) {
			t.Errorf("%s: matched %q, want %q", tc.val, got, tc.want)
		}
	}
}

// TestContainsSet checks the one-pass search of a contains list against
// the needles one by one: case, position, overlaps, non-ASCII values and
// needles that share their first two bytes.
func TestContainsSet(t *testing.T) {
	needles := []string{"-nop", "-noni", "-enc ", "iex(", "downloadstring", "k3y", "\\\\", "ab"}
	var ps []containsPred
	for _, n := range needles {
		ps = append(ps, containsPred{newNeedle(n, false)})
	}
	set := newContainsSetPred(ps)
	for _, v := range []string{
		"", "a", "ab", "xAB", "powershell -NoP -w hidden", "-NONI", "x -ENC abc", "IEX(New-Object",
		".DownloadString(", "\u212a3y", "é-nop", "c:\\\\share", "-no", "-en", "downloadstrin",
	} {
		want := false
		for _, p := range ps {
			want = want || p.test(v)
		}
		if got := set.test(v); got != want {
			t.Errorf("%q: set = %v, one by one = %v", v, got, want)
		}
	}
}

// TestRegexNeeds checks the literals required before a regex runs.
func TestRegexNeeds(t *testing.T) {
	tests := []struct {
		src  string
		want []string
	}{
		{`\s-\s*<`, []string{"-", "<"}},
		{`(?i)Invoke-(Expression|WebRequest)`, []string{"invoke-"}},
		{`foo(bar)?baz`, []string{"foo", "baz"}},
		{`(abc)+x`, []string{"abc", "x"}},
		{`a|b`, nil},
		{`\d+`, nil},
	}
	for _, tt := range tests {
		var got []string
		for _, n := range regexNeeds(tt.src) {
			got = append(got, n.lit)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: needs %q, want %q", tt.src, got, tt.want)
		}
	}
	// A needle only rules values out: matches are the regex's.
	p := mustCompile(t, rule("re", re("A", `net\s+user\s+`, "")))
	for js, want := range map[string]bool{
		`{"A":"net  user bob"}`: true,
		`{"A":"NET USER bob"}`:  false,
		`{"A":"net use x"}`:     false,
		`{"A":"netuser "}`:      false,
	} {
		if got := p.Match(event(t, js)); got != want {
			t.Errorf("%s: %v, want %v", js, got, want)
		}
	}
}

// TestFieldIDs checks the numbered-name path of the field lookup against
// the hashed one: a decoded event's fields carry their names' numbers and
// one built by hand carries none, and both match alike, as does a field
// whose name was first numbered after the bucket that serves it was made.
func TestFieldIDs(t *testing.T) {
	if a, b := fieldID("TestFieldIDs.a"), fieldID("TestFieldIDs.b"); a == 0 || b == 0 || a == b || fieldID("TestFieldIDs.a") != a {
		t.Fatalf("numbers %d, %d: want distinct, stable, non-zero", a, b)
	}
	rules := append(memoFiller("A"), rule("calc", str("A", `*\calc.exe`)), rule("b", str("B", "*x*")))
	rs, _ := NewRuleSet(rules)
	m := rs.NewMatcher()
	for _, tc := range []struct {
		js   string
		want []string
	}{
		{`{"A":"C:\\calc.exe","B":"y"}`, []string{"calc"}},
		{`{"A":"C:\\calc.exe","B":"x"}`, []string{"calc", "b"}},
		{`{"NewFieldIDsName":"calc.exe","A":"calc","B":"x"}`, []string{"b"}},
	} {
		decoded := event(t, tc.js)
		byHand := NewFlat(map[string]any{})
		for i := range decoded.Len() {
			n, v := decoded.At(i)
			byHand.Set(n, v)
		}
		for i := range decoded.fields {
			if decoded.fields[i].id == 0 || byHand.fields[i].id != 0 {
				t.Fatalf("%s: field %s numbered %d decoded, %d by hand", tc.js, decoded.fields[i].Name, decoded.fields[i].id, byHand.fields[i].id)
			}
		}
		for _, ev := range []*Flat{decoded, byHand} {
			if got := titles(m.Match(ev, nil)); !slices.Equal(got, tc.want) {
				t.Errorf("%s: matched %q, want %q", tc.js, got, tc.want)
			}
		}
	}
}

// samePlain checks that rs, with its prefilters, matches ev as plain (the
// same rules without them) does, and returns plain's titles.
func samePlain(t *testing.T, label string, rs, plain *RuleSet, ev Event) []string {
	t.Helper()
	got, want := titles(rs.Match(ev, nil)), titles(plain.Match(ev, nil))
	if !slices.Equal(got, want) {
		t.Errorf("%s: matched %q, want %q", label, got, want)
	}
	return want
}
