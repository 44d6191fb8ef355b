package native

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/sigc-dev/sigc/ir"
)

// fuzzRules exercise every node and predicate kind.
func fuzzRules() []*ir.Rule {
	return []*ir.Rule{
		rule("strings", or(str("A", `abc`), str("A", `ab*`), str("A", `*bc`), str("A", `*b*`), str("A", `a?c*d`),
			str("A", `x1`), str("A", `x2`), str("A", `x3`), str("A", `ÄÖ`))),
		rule("keyword", str("", `*k?y*`)),
		rule("numbers", and(num("N", 4624), not(cmp("N", ir.OpGt, 10)), part(num("T", 3), ir.PartHour))),
		rule("misc", and(or(re("A", `(?:a|b)+c`, "i"), cidr("A", "10.0.0.0/8"), cidr("A", "fe80::/10")),
			or(null("B"), exists("C"), fref("A", "C", true, true)), boolm("D", true))),
		rule("cased", cased(str("A", `*Ab?*`))),
	}
}

// prefilterRules exercise the RuleSet's fast paths: keyword literals long
// enough for the skipping search, a contains list (one-pass set), non-ASCII
// substrings (their own index), an index of long substrings (strided), a
// regex and a glob with required literals, and many values of one field.
func prefilterRules() []*ir.Rule {
	var long []ir.Expr
	for i := range maxSkipLits + 6 {
		long = append(long, str("H", fmt.Sprintf("*%03dabcdef012*", i)))
	}
	var list []ir.Expr
	for _, l := range []string{"-nop", "-enc ", "iex(", "abc1", "/c ", "\\x"} {
		list = append(list, str("A", "*"+l+"*"))
	}
	return []*ir.Rule{
		rule("kw-skip", or(str("", "*sekurlsa::*"), str("", "*lsadump::*"), str("", "*mimilib.dll*"))),
		rule("contains-set", or(list...)),
		rule("wide", or(str("A", "*рow*"), str("A", "*\U0001F600*"), str("A", "*pow*"))),
		rule("strided", or(long...)),
		rule("regex-needs", re("A", `net\s+user\s+`, "")),
		rule("glob-need", str("A", `* -e* jab*`)),
		rule("two-slots", and(str("A", `*\calc.exe`), str("B", "*x1y2*"))),
		rule("vetoed", and(not(or(str("A", `*.exe`), str("A", "System"), str("B", "*ab*"))), not(contains("A", `\`)))),
	}
}

// FuzzMatch: arbitrary bytes decoded as events (every format) never make
// decoding or matching panic, and prefilters never change the result.
func FuzzMatch(f *testing.F) {
	for _, s := range []string{
		`{"A":"abc","N":4624,"T":"2024-01-02T03:04:05Z"}`,
		`{"A":["10.1.2.3","fe80::1%eth0"],"B":null,"C":{"x":1},"D":"TRUE"}`,
		`{"Event":{"System":{"Provider":{"#attributes":{"Name":"x"}},"EventID":1},"EventData":{"A":"aBc"}}}`,
		`[{"A":"x1"},{"A":"\u212a\u017f"}]`,
		`{"A":"\xff\xfe"}`, `{"A":1e999}`, `{"A":-0.0}`, `{"":""}`,
		`{"A":"run SEKURLSA::x","B":"lsadump:","C":":sam"}`, `{"A":"powershell -NoP -ENC x iex(","H":"x007ABCDEF012y"}`,
		`{"A":"рOW \ud83d\ude00","B":"x1Y2","H":"070abcdef01"}`, `{"A":"NET  USER x -e JAB","B":"c:\\calc.exe"}`,
		`{"A":"C:\\CALC.EXE","B":"x1y2"}`,
	} {
		f.Add([]byte(s))
	}
	rules := append(fuzzRules(), prefilterRules()...)
	rs, d := NewRuleSet(rules)
	if d.HasErrors() {
		f.Fatal(d)
	}
	plain, _ := NewRuleSet(rules, WithoutPrefilter())
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, format := range []Format{FormatAuto, FormatJSON, FormatWinJSON} {
			rd := &Reader{Format: format, OnError: func(*DecodeError) error { return nil }}
			err := rd.Read(bytes.NewReader(data), func(ev Event) error {
				a := rs.Match(ev, nil)
				b := plain.Match(ev, nil)
				if len(a) != len(b) {
					t.Fatalf("prefiltered %d matches, plain %d", len(a), len(b))
				}
				for i := range a {
					if a[i].Rule() != b[i].Rule() {
						t.Fatalf("match %d differs", i)
					}
				}
				return nil
			})
			_ = err // I/O-free reader: errors are decode errors, already skipped
		}
	})
}

// TestMatchStream checks that the parallel, ordered stream gives the same
// matches in the same order as a sequential read.
func TestMatchStream(t *testing.T) {
	var in bytes.Buffer
	for i := range 2000 {
		switch i % 3 {
		case 0:
			in.WriteString(`{"A":"abc","N":4624}` + "\n")
		case 1:
			in.WriteString(`{"A":"zzz"}` + "\n")
		default:
			in.WriteString(`{"B":"kay","Line":` + string(rune('0'+i%10)) + "}\n")
		}
	}
	rs, _ := NewRuleSet(fuzzRules())
	var seq []int
	line := 0
	err := ReadEvents(bytes.NewReader(in.Bytes()), FormatJSON, func(ev Event) error {
		line++
		if len(rs.Match(ev, nil)) > 0 {
			seq = append(seq, line)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var par []int
	err = MatchStream(bytes.NewReader(in.Bytes()), &Reader{Format: FormatJSON}, rs, 4, func(m Match) error {
		par = append(par, m.Line)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(seq) != 1333 || len(par) != len(seq) {
		t.Fatalf("sequential %d matches, parallel %d; want 1333", len(seq), len(par))
	}
	for i := range seq {
		if seq[i] != par[i] {
			t.Fatalf("match %d: line %d vs %d", i, seq[i], par[i])
		}
	}
}

// TestReaderShapes reads JSON Lines, pretty-printed concatenated objects
// and a top-level array, and reports a bad line with its number.
func TestReaderShapes(t *testing.T) {
	tests := []struct {
		name, in string
		want     int
		errLine  int
	}{
		{"lines", "{\"a\":1}\n{\"a\":2}\n", 2, 0},
		{"pretty", "{\n \"a\": \"}\"\n}\n{\n \"a\": 2\n}", 2, 0},
		{"array", "[\n{\"a\":1},\n{\"a\":2}\n]\n", 2, 0},
		{"bad line", "{\"a\":1}\nnope\n{\"a\":2}\n", 1, 2},
		{"bad json", "{\"a\":1}\n{\"a\":}\n", 1, 2},
		{"truncated", "{\"a\":1}\n{\"a\":", 1, 2},
		// Strings hold braces, escaped quotes and backslashes, escaped
		// backslashes right before the closing quote, and many escapes.
		{"string contents", `{"a":"{[\"}]\\","b":"c:\\x\\y\\"}` + "\n" + `{"a":"\\\"}{"}` + "\n" +
			`{"a":"` + strings.Repeat(`\\`, 500) + `"}` + "\n", 3, 0},
		// An escaped quote at a line's end leaves the string open: the
		// document runs on to the next line.
		{"escaped quote at a line's end", "{\"a\":\"x\\\"\n}\"}\n", 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := 0
			err := ReadEvents(bytes.NewReader([]byte(tt.in)), FormatJSON, func(Event) error { n++; return nil })
			if n != tt.want {
				t.Errorf("read %d events, want %d", n, tt.want)
			}
			de, _ := err.(*DecodeError)
			switch {
			case tt.errLine == 0 && err != nil:
				t.Errorf("unexpected error %v", err)
			case tt.errLine != 0 && (de == nil || de.Line != tt.errLine):
				t.Errorf("error %v, want one at line %d", err, tt.errLine)
			}
		})
	}
}
