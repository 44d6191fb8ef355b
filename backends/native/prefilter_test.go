package native

import (
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/sigc-dev/sigc/ir"
)

// TestPrefilterEquivalence checks, on the whole corpus, that the
// prefilters (routing and the field index) change no result: every
// benchmark event and every regression event matches exactly the same
// rules with and without them.
func TestPrefilterEquivalence(t *testing.T) {
	if corpusRules == nil {
		t.Skip("corpus rules not wired")
	}
	rules := corpusRules(t)
	if len(rules) == 0 {
		t.Skip("no corpus rules")
	}
	fast, _ := NewRuleSet(rules)
	plain, _ := NewRuleSet(rules, WithoutPrefilter())
	t.Logf("stats %+v", fast.Stats())

	_, bench := loadBench(t)
	events := append([]*Flat(nil), bench...)
	for _, p := range regressionFiles(t) {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		ReadEvents(f, FormatAuto, func(ev Event) error {
			events = append(events, cloneFlat(ev.(*Flat)))
			return nil
		})
		f.Close()
	}
	if len(events) <= len(bench) {
		t.Fatal("no regression events read")
	}

	workers := runtime.GOMAXPROCS(0)
	var mu sync.Mutex
	var wg sync.WaitGroup
	diffs, hits := 0, 0
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mf, mp := fast.NewMatcher(), plain.NewMatcher()
			var a, b []*Program
			for i := w; i < len(events); i += workers {
				a = mf.Match(events[i], a[:0])
				b = mp.Match(events[i], b[:0])
				same := slices.EqualFunc(a, b, func(x, y *Program) bool { return x.Rule() == y.Rule() })
				mu.Lock()
				hits += len(b)
				if !same {
					diffs++
					if diffs <= 10 {
						t.Errorf("event %d: prefiltered %v, plain %v", i, titles(a), titles(b))
					}
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	t.Logf("%d events (%d regression), %d matches, %d differences", len(events), len(events)-len(bench), hits, diffs)
	if hits == 0 {
		t.Error("no event matched any rule: the comparison proves nothing")
	}
}

func titles(ps []*Program) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Rule().Title)
	}
	return out
}

// TestClauses checks the necessary conditions derived from rules.
func TestClauses(t *testing.T) {
	tests := []struct {
		name string
		expr ir.Expr
		want []string // clause keys, best first; nil = always evaluated
	}{
		{"suffix", str("Image", `*\Calc.EXE`), []string{`Image suffix "\\calc.exe"`}},
		{"exact beats contains", and(str("A", `*whoami*`), str("B", `x.exe`)), []string{`B exact "x.exe"`, `A contains "whoami"`}},
		{"two of three", and(str("A", `*abc*`), str("B", `*abcdef*`), str("C", `*abcd*`)), []string{`B contains "abcdef"`, `C contains "abcd"`}},
		{"or unions", or(str("A", `*abc*`), str("B", `abc*`)), []string{`A contains "abc" | B prefix "abc"`}},
		{"or with short branch", or(str("A", `*abc*`), str("B", `*ab*`)), []string{`A contains "abc" | B contains "ab"`}},
		{"or with unusable branch", or(str("A", `*abc*`), str("B", `*`)), nil},
		{"not ignored", and(not(str("A", `x`)), str("B", `*abc*`)), []string{`B contains "abc"`}},
		{"long contains keeps end", str("A", `*\AppData\Local\Temp\evil.exe*`), []string{`A contains "emp\\evil.exe"`}},
		{"long prefix keeps start", str("A", `C:\Windows\System32\evil*`), []string{`A prefix "c:\\windows\\system32\\evil"`}},
		{"prefix past maxAnchored", str("A", `C:\Program Files (x86)\Vendor\app*`), []string{`A prefix "c:\\program files (x86)\\v"`}},
		{"suffix past maxAnchored", str("A", `*\AppData\Local\Programs\tool.exe`), []string{`A suffix "\\local\\programs\\tool.exe"`}},
		{"or of and gives two unions", or(str("A", `*.exe/../*`), and(str("B", `*/windows/*`), str("A", `*/../../*`))),
			[]string{`A contains ".exe/../" | B contains "/windows/"`, `A contains ".exe/../" | A contains "/../../"`}},
		{"glob longest run", str("A", `*/temp/*.ps1`), []string{`A contains "/temp/"`}},
		{"glob anchored run", str("A", `c:/windows/*.exe`), []string{`A prefix "c:/windows/"`}},
		{"glob suffix run", str("A", `c:/*/system32/cmd.exe`), []string{`A suffix "/system32/cmd.exe"`}},
		{"keyword", str("", `*mimikatz*`), []string{`<keyword> contains "mimikatz"`}},
		{"cased folds", cased(str("A", `*AbC*`)), []string{`A contains "abc"`}},
		{"never", &ir.Const{P: at, Value: false}, []string{"never"}},
		{"number not indexed", num("A", 5), nil},
		{"regex literal", re("A", `foo\d+barbaz`, ""), []string{`A contains "barbaz"`}},
		{"regex alternation", re("A", `(?:evil|wicked)\.exe$`, "i"), []string{`A contains "evil.exe" | A contains "wicked.exe"`}},
		{"regex literal then alternation", re("A", `\s['"]?C:\\Windows\\(?:System32|WinSxS)`, "i"),
			[]string{`A contains "ndows\\winsxs" | A contains "ows\\system32"`}},
		{"regex product too wide", re("A", `(?:aa|bb|cc|dd|ee)(?:ff|gg|hh|ii)xyzw`, ""),
			[]string{`A contains "ffxyzw" | A contains "ggxyzw" | A contains "hhxyzw" | A contains "iixyzw"`}},
		{"regex wide class", re("A", `[a-e]xyzw`, ""), []string{`A contains "xyzw"`}},
		{"regex optional prefix", re("A", `(?:ab)?cdef`, ""), []string{`A contains "cdef"`}},
		{"regex optional part", re("A", `(abc)?\^`, ""), []string{`A contains "^"`}},
		{"futile clause dropped", re("A", `(abc)?d`, ""), nil},
		{"futile second clause dropped", and(str("A", `*-*`), str("B", `*abc*`)), []string{`B contains "abc"`}},
		{"regex all optional", re("A", `(abc)?`, ""), nil},
		{"regex short literal", re("A", "\\w+`\\w+", ""), []string{"A contains \"`\""}},
		{"short second clause dropped", and(str("A", `*^^*`), str("B", `*abc*`)), []string{`B contains "abc"`}},
		{"short clause as last resort", and(str("A", `*^^*`), num("B", 3)), []string{`A contains "^^"`}},
		{"non-ASCII beats suffixes", and(or(str("A", `*\cmd.exe`), str("A", `*\pwsh.exe`)), or(str("B", "*\u02e3*"), str("B", "*\u00af*"))),
			[]string{"B contains \"\u02e3\" | B contains \"\u00af\"", `A suffix "\\cmd.exe" | A suffix "\\pwsh.exe"`}},
		{"non-ASCII short second clause kept", and(str("A", `x.exe`), str("B", "*\u00af*")),
			[]string{`A exact "x.exe"`, "B contains \"\u00af\""}},
		{"regex plus", re("A", `(?:abc)+`, ""), []string{`A contains "abc"`}},
		{"regex case-insensitive folds", re("A", `WhoAmI`, "i"), []string{`A contains "whoami"`}},
		{"cidr not indexed", cidr("A", "10.0.0.0/8"), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			r := rule(tt.name, tt.expr)
			for _, c := range newPicker([]*ir.Rule{r}, nil).ruleClauses(r) {
				got = append(got, clauseKey(c))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("clauses = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestVetoes checks the atoms that rule out a rule without clauses: only
// whole literal tests under a negation, never one that merely a part of a
// match implies.
func TestVetoes(t *testing.T) {
	tests := []struct {
		name string
		expr ir.Expr
		want string // clauseKey of the vetoes; "never" = none
	}{
		{"negated suffix list", and(not(or(str("Image", `*.exe`), str("Image", `*.com`))), not(contains("Image", `\`))),
			`Image suffix ".exe" | Image suffix ".com" | Image contains "\\"`},
		{"exact and prefix", not(or(str("A", `System`), prefix("A", `C:\Program Files\`))), `A exact "system" | A prefix "c:\\program files\\"`},
		{"and under not gives nothing", not(and(str("A", `*x*`), str("B", `*y*`))), "never"},
		{"only negated terms veto", and(str("A", `x`), not(str("B", `*abc*`))), `B contains "abc"`},
		{"glob is not sufficient", not(str("A", `*a*b*`)), "never"},
		{"truncated literal is not sufficient", not(contains("A", `\AppData\Local\Temp\evil.exe`)), "never"},
		{"cased is not sufficient", not(cased(str("A", `*abc*`))), "never"},
		{"keyword is not sufficient", not(str("", `*abc*`)), "never"},
		{"regex is not sufficient", not(re("A", `abc`, "")), "never"},
		{"number is not indexed", not(num("A", 5)), "never"},
		{"double negation gives nothing", not(not(str("A", `abc`))), "never"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := rule(tt.name, tt.expr)
			if got := clauseKey(newPicker([]*ir.Rule{r}, nil).ruleVetoes(r)); got != tt.want {
				t.Errorf("vetoes = %s, want %s", got, tt.want)
			}
		})
	}
}

// TestVetoedRules checks that vetoes drop evaluations and nothing else:
// filter-only rules match exactly as without prefilters, and are not
// candidates once an event satisfies a veto.
func TestVetoedRules(t *testing.T) {
	rules := []*ir.Rule{
		rule("odd-extension", and(not(or(str("Image", `*.exe`), str("Image", `*.com`))), not(str("Image", `System`)))),
		rule("no-path", not(contains("Image", `\`))),
		// A rule with a clause is vetoed by a literal another rule's
		// clause has the index search anyway (system32), never by one
		// that only it names (syswow64).
		rule("svchost-elsewhere", and(str("Image", `*\svchost.exe`),
			not(or(prefix("Image", `C:\Windows\System32\`), prefix("Image", `C:\Windows\SysWOW64\`))))),
		rule("in-system32", prefix("Image", `C:\Windows\System32\`)),
	}
	fast, _ := NewRuleSet(rules)
	plain, _ := NewRuleSet(rules, WithoutPrefilter())
	if n := len(fast.vetoes[2]); n != 2 {
		t.Fatalf("svchost-elsewhere has %d vetoes, want 2", n)
	}
	m := fast.NewMatcher()
	for _, tc := range []struct {
		image string
		cand  int // candidates left by the filter
	}{
		{`C:\Windows\cmd.EXE`, 0},
		{`C:\Windows\System32\svchost.exe`, 1},
		{`C:\Windows\SysWOW64\svchost.exe`, 1},
		{`C:\x\svchost.exe`, 1},
		{`C:\x\evil.scr`, 1},
		{`evil.scr`, 2},
		{`SYSTEM`, 1},
		{`Ｃ:\ｘ\ｅｖｉｌ.ＥＸＥ`, 1}, // fullwidth letters do not fold to ASCII
	} {
		expectCandidates(t, fast, plain, m, tc.image, NewFlat(map[string]any{"Image": tc.image}), tc.cand)
	}
}

// expectCandidates matches ev (described by name) with and without
// prefilters, which must agree, and checks how many candidates the
// filter of m, a Matcher of fast, leaves.
func expectCandidates(t *testing.T, fast, plain *RuleSet, m *Matcher, name string, ev *Flat, cand int) {
	t.Helper()
	if got, want := titles(fast.Match(ev, nil)), titles(plain.Match(ev, nil)); !slices.Equal(got, want) {
		t.Errorf("%s: prefiltered %v, plain %v", name, got, want)
	}
	rt := m.routing(ev)
	copy(m.cand, rt.cand)
	m.filter(ev, rt)
	if got := popcount(m.cand); got != cand {
		t.Errorf("%s: %d candidates after vetoes, want %d", name, got, cand)
	}
}

// TestVetoesOnNamesAndPaths checks that a whole or anchored veto that no
// clause searches is filed on a field of names and paths (mostly anchored
// literals, enough for the memo), and not on one of substrings, where it
// would be a search of its own.
func TestVetoesOnNamesAndPaths(t *testing.T) {
	var rules []*ir.Rule
	for i := range memoLits {
		rules = append(rules,
			rule(fmt.Sprintf("tool%d", i), str("Image", fmt.Sprintf(`*\tool%d.exe`, i))),
			rule(fmt.Sprintf("arg%d", i), contains("CommandLine", fmt.Sprintf("-arg%d", i))))
	}
	rules = append(rules,
		rule("svchost-elsewhere", and(str("Image", `*\svchost.exe`), not(prefix("Image", `C:\Windows\SysWOW64\`)))),
		rule("dump-elsewhere", and(contains("CommandLine", "procdump"), not(prefix("CommandLine", `C:\Windows\SysWOW64\`)))))
	fast, _ := NewRuleSet(rules)
	plain, _ := NewRuleSet(rules, WithoutPrefilter())
	m := fast.NewMatcher()
	for _, tc := range []struct {
		field, val string
		cand       int // candidates left by the filter
	}{
		{"Image", `C:\Windows\SysWOW64\svchost.exe`, 0},
		{"Image", `C:\x\svchost.exe`, 1},
		{"CommandLine", `C:\Windows\SysWOW64\procdump.exe -ma`, 1},
		{"CommandLine", `C:\x\procdump.exe -ma`, 1},
	} {
		expectCandidates(t, fast, plain, m, tc.val, NewFlat(map[string]any{tc.field: tc.val}), tc.cand)
	}
}

// contains and prefix build a substring or prefix match of a literal
// (no Sigma escapes to mind).
func contains(field, lit string) *ir.Match {
	return &ir.Match{P: at, Field: field, Op: ir.OpEq, Value: ir.String{Pattern: ir.Pattern{{Kind: ir.TokStar}, {Kind: ir.TokLit, Text: lit}, {Kind: ir.TokStar}}}}
}

func prefix(field, lit string) *ir.Match {
	return &ir.Match{P: at, Field: field, Op: ir.OpEq, Value: ir.String{Pattern: ir.Pattern{{Kind: ir.TokLit, Text: lit}, {Kind: ir.TokStar}}}}
}

// TestPickerFrequency: a literal that many rules test scores lower, so a
// rule is indexed by its rarer literal.
func TestPickerFrequency(t *testing.T) {
	r := rule("edr", and(str("Image", `*\edrfreeze*`), str("Image", `*.exe`)))
	rules := []*ir.Rule{r}
	for i := range 20 {
		rules = append(rules, rule(fmt.Sprint(i), str("Image", `*.exe`)))
	}
	for _, tt := range []struct {
		rules []*ir.Rule
		want  string
	}{
		{[]*ir.Rule{r}, `Image suffix ".exe"`},
		{rules, `Image contains "\\edrfreeze"`},
	} {
		cs := newPicker(tt.rules, nil).ruleClauses(r)
		if len(cs) == 0 || clauseKey(cs[0]) != tt.want {
			t.Errorf("%d rules: best clause %v, want %s", len(tt.rules), cs, tt.want)
		}
	}
}

// TestPickerEnumeration: in a large rule set, a whole value of a field
// that many rules test with a handful of values (IntegrityLevel) scores
// below the rule's anchored literal; on its own, or when the field's
// values are many, a rule keeps the whole value.
func TestPickerEnumeration(t *testing.T) {
	r := rule("wusa", and(str("IntegrityLevel", "High"), str("CommandLine", `C:\Windows\wusa.exe*`)))
	set := func(vals ...string) []*ir.Rule {
		out := []*ir.Rule{r}
		for i := range enumMinRules {
			out = append(out, rule(fmt.Sprint(i), and(str("IntegrityLevel", vals[i%len(vals)]), str("Image", fmt.Sprintf(`*\tool%d.exe`, i)))))
		}
		return out
	}
	many := make([]string, 2*enumValues)
	for i := range many {
		many[i] = fmt.Sprint("level", i)
	}
	for _, tt := range []struct {
		name  string
		rules []*ir.Rule
		want  string
	}{
		{"alone", []*ir.Rule{r}, `IntegrityLevel exact "high"`},
		{"enumeration", set("High", "System", "Medium", "Low"), `CommandLine prefix "c:\\windows\\wusa.exe"`},
		{"many values", set(many...), `IntegrityLevel exact "high"`},
	} {
		cs := newPicker(tt.rules, nil).ruleClauses(r)
		if len(cs) == 0 || clauseKey(cs[0]) != tt.want {
			t.Errorf("%s: best clause %v, want %s", tt.name, cs, tt.want)
		}
	}
}

// TestBucketIndex checks the per-bucket field indexes: a bucket's index
// holds only its candidates' fields (a Sysmon event does not search the
// keyword literals of Security rules), buckets whose routing values
// differ only in text share one index, and matching is unchanged.
func TestBucketIndex(t *testing.T) {
	var rules []*ir.Rule
	for i := range 70 { // more than one bitset word
		rules = append(rules,
			rule(fmt.Sprint("sysmon-", i), and(str("Channel", "Sysmon"), num("EventID", 1), str("Image", fmt.Sprintf(`*\tool%d.exe`, i)))),
			rule(fmt.Sprint("security-", i), and(str("Channel", "Security"), num("EventID", 4688), str("", fmt.Sprintf("*secret-%d;*", i)))))
	}
	fast, _ := NewRuleSet(rules)
	plain, _ := NewRuleSet(rules, WithoutPrefilter())
	if fast.whole != nil {
		t.Fatal("the whole index was built before any event needed it")
	}
	tests := []struct {
		name      string
		js        string
		want      []string
		keywordIx bool // the bucket's index has the keyword pseudo-field
	}{
		{"sysmon hit", `{"Channel":"Sysmon","EventID":1,"Image":"C:\\x\\tool7.exe","Note":"secret-7;"}`, []string{"sysmon-7"}, false},
		{"sysmon id as padded text", `{"Channel":"Sysmon","EventID":"01","Image":"C:\\x\\TOOL69.EXE"}`, []string{"sysmon-69"}, false},
		{"sysmon id as float text", `{"Channel":"Sysmon","EventID":"1.0","Image":"C:\\x\\tool3.exe"}`, []string{"sysmon-3"}, false},
		{"security keyword", `{"Channel":"Security","EventID":4688,"Image":"C:\\x\\tool7.exe","Cmd":"a SECRET-12; b"}`, []string{"security-12"}, true},
		{"security miss", `{"Channel":"Security","EventID":4688,"Cmd":"secret-"}`, nil, true},
		{"unrouted", `{"Channel":"Other","EventID":1,"Image":"C:\\x\\tool7.exe"}`, nil, false},
	}
	m := fast.NewMatcher()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := event(t, tt.js)
			got := titles(m.Match(ev, nil))
			if !slices.Equal(got, tt.want) {
				t.Errorf("prefiltered = %q, want %q", got, tt.want)
			}
			if plain := titles(plain.Match(ev, nil)); !slices.Equal(plain, tt.want) {
				t.Errorf("plain = %q, want %q", plain, tt.want)
			}
			rt := m.routing(ev)
			hasKeyword := false
			for _, fi := range rt.fields {
				hasKeyword = hasKeyword || rt.idx.fields[fi].any
			}
			if hasKeyword != tt.keywordIx {
				t.Errorf("bucket index has the keyword field: %v, want %v", hasKeyword, tt.keywordIx)
			}
		})
	}
	// Three Sysmon keys ("1", "01", "1.0"), Security, Other: three
	// distinct candidate sets.
	if len(fast.buckets) != 5 || len(fast.byCand) != 3 {
		t.Errorf("%d buckets, %d indexes; want 5 and 3", len(fast.buckets), len(fast.byCand))
	}
	if fast.whole != nil {
		t.Error("the whole index was built though every event had a bucket")
	}
	// An array of channels routes per event, with the whole index.
	ev := event(t, `{"Channel":["Sysmon","Security"],"EventID":[1,4688],"Image":"C:\\x\\tool5.exe","Cmd":"secret-9;"}`)
	want := titles(plain.Match(ev, nil))
	if got := titles(m.Match(ev, nil)); !slices.Equal(got, want) || len(want) != 2 {
		t.Errorf("array routing values: prefiltered %q, plain %q (want two matches)", got, want)
	}
	if fast.whole == nil {
		t.Error("an event without a bucket did not use the whole index")
	}
}

// TestPairScan checks the pair-filtered substring scan at the edges of a
// value (odd and even lengths, a literal ending on the last byte), on
// values shorter than a gram, and on non-ASCII values that only contain
// a literal once folded (KELVIN SIGN folds to k).
func TestPairScan(t *testing.T) {
	rules := []*ir.Rule{
		rule("kit", str("A", "*kit*")),
		rule("abcdefgh", str("A", "*abcdefgh*")),
		rule("xyz1", str("A", "*xyz1*")),
	}
	fast, _ := NewRuleSet(rules)
	if gi := fast.wholeIndex().fields[0].grams[atomContains]; gi == nil || gi.pairs == nil {
		t.Fatal("the substring index does not use the pair filter")
	}
	tests := []titleCase{
		{"kit", []string{"kit"}},
		{"akit", []string{"kit"}},
		{"KI", nil},
		{"k", nil},
		{"", nil},
		{"\u212Ait", []string{"kit"}},
		{"é\u212AIT", []string{"kit"}},
		{"..ABCDEFGH", []string{"abcdefgh"}},
		{".ABCDEFGH", []string{"abcdefgh"}},
		{"abcdefg", nil},
		{"é-xyz1-kit", []string{"kit", "xyz1"}},
		{"xyz", nil},
	}
	expectTitles(t, fast, "A", tests)
}

// titleCase is a value of one field and the rules it must match.
type titleCase = struct {
	val  string
	want []string
}

// expectTitles matches an event of one field per case and checks the
// rules it matched.
func expectTitles(t *testing.T, rs *RuleSet, field string, cases []titleCase) {
	t.Helper()
	m := rs.NewMatcher()
	for _, tc := range cases {
		ev := NewFlat(map[string]any{field: tc.val})
		if got := titles(m.Match(ev, nil)); !slices.Equal(got, tc.want) {
			t.Errorf("%s=%q: matched %q, want %q", field, tc.val, got, tc.want)
		}
	}
}

// TestStridedScan checks the index of long substrings that tests every
// fourth position only: each literal found at every offset of values of
// several lengths, in either case, and no false match.
func TestStridedScan(t *testing.T) {
	var rules []*ir.Rule
	var lits []string
	for i := range maxSkipLits + 10 {
		l := fmt.Sprintf("%02X%010X", i, uint64(i)*0x9E3779B97F)
		lits = append(lits, l)
		rules = append(rules, rule(l, str("Hashes", "*"+l+"*")))
	}
	fast, _ := NewRuleSet(rules)
	plain, _ := NewRuleSet(rules, WithoutPrefilter())
	if gi := fast.wholeIndex().fields[0].grams[atomContains]; gi == nil || gi.stride != gramStride {
		t.Fatal("the index of long substrings is not strided")
	}
	m, pm := fast.NewMatcher(), plain.NewMatcher()
	for _, l := range []string{lits[0], strings.ToLower(lits[7]), lits[len(lits)-1]} {
		for pad := range 9 {
			for tail := range 3 {
				v := strings.Repeat("x", pad) + l + strings.Repeat("=", tail)
				ev := NewFlat(map[string]any{"Hashes": v})
				got, want := titles(m.Match(ev, nil)), titles(pm.Match(ev, nil))
				if len(want) != 1 || !slices.Equal(got, want) {
					t.Fatalf("%q: matched %q, want %q", v, got, want)
				}
			}
		}
	}
	cut := lits[3][1:]
	if got := titles(m.Match(NewFlat(map[string]any{"Hashes": "SHA1=" + cut}), nil)); len(got) != 0 {
		t.Errorf("a cut literal matched %q", got)
	}
}

// TestEqScan checks the index of substrings with a "=" (the digests rules
// name as "SHA256=…"): a long one keeps a window from its "=", which the
// scan finds at every offset of values of several lengths, in either
// case, next to bytes that a word-at-a-time search could mistake for a
// "=" ("<" and ">" differ from it in the lowest bit), without a false
// match for a literal with a different hex digit or an earlier "=".
func TestEqScan(t *testing.T) {
	var rules []*ir.Rule
	var lits []string
	for i := range 40 {
		l := fmt.Sprintf("SHA256=%02X%030X", i, uint64(i)*0x9E3779B97F)
		lits = append(lits, l)
		rules = append(rules, rule(l, str("Hashes", "*"+l+"*")))
	}
	fast, _ := NewRuleSet(rules)
	plain, _ := NewRuleSet(rules, WithoutPrefilter())
	f := fast.wholeIndex().fields[0]
	gi := f.grams[eqSlot]
	if gi == nil || !gi.eq || len(gi.lits) != len(lits) || f.grams[atomContains] != nil {
		t.Fatal(`the substrings with a "=" are not in the "=" index`)
	}
	if got := gi.lits[5]; got != strings.ToLower(lits[5][6:6+maxLiteral]) {
		t.Fatalf(`a long literal kept %q, not the window from its "="`, got)
	}
	m, pm := fast.NewMatcher(), plain.NewMatcher()
	for _, l := range []string{lits[0], strings.ToLower(lits[7]), lits[len(lits)-1]} {
		for pad := range 10 {
			for _, tail := range []string{"", ",", ",MD5=<>", "=<=>==="} {
				v := strings.Repeat("<", pad) + l + tail
				ev := NewFlat(map[string]any{"Hashes": v})
				got, want := titles(m.Match(ev, nil)), titles(pm.Match(ev, nil))
				if len(want) != 1 || !slices.Equal(got, want) {
					t.Fatalf("%q: matched %q, want %q", v, got, want)
				}
			}
		}
	}
	for _, v := range []string{
		"SHA256=" + strings.Repeat("0", 32),
		strings.Replace(lits[3], "=", "==", 1),
		lits[3][:len(lits[3])-1] + "X",
		"",
		"=",
		"=======",
	} {
		ev := NewFlat(map[string]any{"Hashes": v})
		if got, want := titles(m.Match(ev, nil)), titles(pm.Match(ev, nil)); !slices.Equal(got, want) {
			t.Errorf("%q: matched %q, want %q", v, got, want)
		}
	}
}

// TestWideSubstrings checks that substrings with non-ASCII bytes, kept
// apart from a field's other literals, are found in non-ASCII values and
// skipped for ASCII ones.
func TestWideSubstrings(t *testing.T) {
	rules := []*ir.Rule{
		rule("emoji", str("CommandLine", "*\U0001F600*")),
		rule("cyrillic", str("CommandLine", "*рowershell*")),
		rule("ascii", str("CommandLine", "*powershell*")),
	}
	fast, _ := NewRuleSet(rules)
	if f := fast.wholeIndex().fields[0]; f.grams[wideSlot] == nil || len(f.grams[wideSlot].lits) != 2 {
		t.Fatalf("non-ASCII substrings are not in the wide index")
	}
	tests := []titleCase{
		{"run \U0001F600 now", []string{"emoji"}},
		{"РOWERSHELL -c", []string{"cyrillic"}},
		{"PowerShell -c", []string{"ascii"}},
		{"é powershell \U0001F600", []string{"emoji", "ascii"}},
		{"plain", nil},
	}
	expectTitles(t, fast, "CommandLine", tests)
}

// TestGramRefEqual checks the comparison of a value with the bytes a ref
// holds against the byte loop, for literals of every length a ref takes
// (3 to maxAnchored) with the edge letters a and z at every position, and
// with bytes past ASCII whose low seven bits are capitals: the literal in
// either case, and with each byte changed to its neighbours, to its other
// case, with bit 5 cleared and with the high bit set.
func TestGramRefEqual(t *testing.T) {
	texts := []string{"azbyazcxazdwazevazfuazgtazby", "ab\xe1z\xfa@[`{\xe1z\xfa@[`{\xe1z\xfa@[`{azb"}
	for _, text := range texts {
		for n := 3; n <= maxAnchored; n++ {
			for from := 0; from < 3; from++ {
				lit := text[from : from+n]
				blob := "--" + lit + "--"
				r := newGramRefs(lit, atomContains, 0, 2, 0, 1)[0]
				try := func(s string) {
					t.Helper()
					if got, want := r.equal(s, blob), asciiEqualFoldAt(s, lit); got != want {
						t.Fatalf("literal %q: equal(%q) = %v, want %v", lit, s, got, want)
					}
				}
				try(lit)
				try(strings.ToUpper(lit))
				for i := range n {
					c := lit[i]
					for _, d := range []byte{c - 1, c + 1, c ^ 0x20, c &^ 0x20, c | 0x80, 'A', 'Z', '@', '['} {
						b := []byte(lit)
						b[i] = d
						try(string(b))
					}
				}
			}
		}
	}
}

// TestGramRefsChunked checks that a literal with more postings than a ref
// holds gets a ref per chunk, covering each posting once.
func TestGramRefsChunked(t *testing.T) {
	refs := newGramRefs("abcd", atomContains, 0, 0, 10, 2*maxRefPosts+5)
	if len(refs) != 3 {
		t.Fatalf("%d refs, want 3", len(refs))
	}
	next := uint32(10)
	for _, r := range refs {
		if r.post != next {
			t.Fatalf("a ref starts at posting %d, want %d", r.post, next)
		}
		next += uint32(r.nPost)
	}
	if next != 10+2*maxRefPosts+5 {
		t.Fatalf("the refs end at posting %d, want %d", next, 10+2*maxRefPosts+5)
	}
}
