package native

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// TestMatchStreamAgrees checks MatchStream against a plain sequential
// loop on the benchmark events: the same events (by line) match the same
// rules, in input order, and each emitted event holds that event's own
// values, which catches a recycled event or buffer reused too early.
func TestMatchStreamAgrees(t *testing.T) {
	raw, _ := loadBench(t)
	rules, _ := benchRules(t)
	if testing.Short() {
		raw = raw[:bytes.IndexByte(raw[200000:], '\n')+200001]
	}
	rs, _ := NewRuleSet(rules)
	fp := func(line int, ev Event, ps []*Program) string {
		var b strings.Builder
		fmt.Fprintf(&b, "%d", line)
		for _, p := range ps {
			b.WriteString(" " + p.Rule().ID)
		}
		// A field every benchmark event has, unique per event.
		if v, ok := ev.(*Flat).Lookup("EventRecordID"); ok {
			b.WriteString(" @" + v.Str)
		}
		return b.String()
	}
	var want []string
	m := rs.NewMatcher()
	line := 0
	err := ReadEvents(bytes.NewReader(raw), FormatJSON, func(ev Event) error {
		line++
		if ps := m.Match(ev, nil); len(ps) > 0 {
			want = append(want, fp(line, ev, ps))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(want) == 0 {
		t.Fatal("no event matched: the comparison proves nothing")
	}
	for _, workers := range []int{1, 2, 3} {
		var got []string
		err := MatchStream(bytes.NewReader(raw), &Reader{Format: FormatJSON}, rs, workers, func(mt Match) error {
			got = append(got, fp(mt.Line, mt.Event, mt.Programs))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Fatalf("workers %d: %d matching events, want %d", workers, len(got), len(want))
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("workers %d: match %d = %q, want %q", workers, i, got[i], want[i])
			}
		}
	}
}

// TestDecoderNames: names that share a slot of the Decoder's recent-name
// cache (same length, ends and middle byte) keep their own values, event
// after event, with one Decoder.
func TestDecoderNames(t *testing.T) {
	if recentSlot([]byte("axcd")) != recentSlot([]byte("aycd")) {
		t.Fatal("the test names do not share a slot")
	}
	var d Decoder
	for i := range 4 {
		var ev Flat
		if err := d.Decode([]byte(`{"axcd":"one","aycd":"two","":"none"}`), FormatJSON, &ev); err != nil {
			t.Fatal(err)
		}
		for name, want := range map[string]string{"axcd": "one", "aycd": "two", "": "none"} {
			if v, ok := ev.Lookup(name); !ok || v.Str != want {
				t.Errorf("round %d: %q = %q, %v; want %q", i, name, v.Str, ok, want)
			}
		}
	}
}

// TestStringStop checks the eight-bytes-at-a-time search for a string's
// end against a plain loop, at every start and for stops at every offset.
func TestStringStop(t *testing.T) {
	for n := 0; n < 40; n++ {
		for stop := -1; stop < n; stop++ {
			for _, c := range []byte{'"', '\\'} {
				b := bytes.Repeat([]byte{'a'}, n)
				for k := range b {
					// Bytes next to the stop values, which a sloppy
					// zero-byte test would flag.
					b[k] = []byte{'a', '#', '!', ']', 0x80 | '"', 0}[k%6]
				}
				if stop >= 0 {
					b[stop] = c
				}
				for i := 0; i <= n; i++ {
					want := n
					for k := i; k < n; k++ {
						if b[k] == '"' || b[k] == '\\' {
							want = k
							break
						}
					}
					if got := stringStop(b, i); got != want {
						t.Fatalf("%q from %d: %d, want %d", b, i, got, want)
					}
				}
			}
		}
	}
}
