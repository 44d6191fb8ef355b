package native

import (
	"testing"
	"time"

	"github.com/sigc-dev/sigc/ir"
)

func corrRule(name string) *ir.Rule { return &ir.Rule{Meta: ir.Meta{Name: name, Title: name}} }

func TestCorrelator(t *testing.T) {
	a, b := corrRule("a"), corrRule("b")
	t0 := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
	ev := func(kv ...string) Event {
		m := map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return NewFlat(m)
	}
	type obs struct {
		rule *ir.Rule
		at   time.Duration
		ev   Event
		fire bool
	}
	tests := []struct {
		name string
		c    *ir.Correlation
		obs  []obs
	}{
		{"event_count sliding window per group", &ir.Correlation{Type: ir.EventCount, Rules: []any{a}, RuleRefs: []string{"a"},
			GroupBy: []string{"User"}, TimespanDur: 5 * time.Minute, Condition: &ir.CorrelationCondition{Op: ir.OpGte, Value: 3}},
			[]obs{
				{a, 0, ev("User", "x"), false},
				{a, time.Minute, ev("User", "y"), false},
				{a, 2 * time.Minute, ev("User", "x"), false},
				{a, 7 * time.Minute, ev("User", "x"), false},  // the first x left the window
				{a, 8 * time.Minute, ev("User", "x"), false},  // so did the one at 2m
				{a, 9 * time.Minute, ev("User", "x"), true},   // 7m, 8m, 9m
				{a, 10 * time.Minute, ev("User", "x"), false}, // the firing cleared the window
			}},
		{"value_count distinct values", &ir.Correlation{Type: ir.ValueCount, Rules: []any{a}, RuleRefs: []string{"a"},
			TimespanDur: time.Hour, Condition: &ir.CorrelationCondition{Op: ir.OpGt, Value: 2, Field: []string{"Target"}}},
			[]obs{
				{a, 0, ev("Target", "1"), false},
				{a, 1, ev("Target", "1"), false},
				{a, 2, ev("Target", "2"), false},
				{a, 3, ev("Target", "3"), true},
			}},
		{"temporal_ordered needs the order", &ir.Correlation{Type: ir.TemporalOrdered, Rules: []any{a, b}, RuleRefs: []string{"a", "b"},
			TimespanDur: time.Hour, Condition: &ir.CorrelationCondition{Op: ir.OpGte, Value: 2}},
			[]obs{
				{b, 0, ev(), false},
				{a, time.Minute, ev(), false},
				{b, 2 * time.Minute, ev(), true},
			}},
		{"aliases group different fields", &ir.Correlation{Type: ir.Temporal, Rules: []any{a, b}, RuleRefs: []string{"a", "b"},
			GroupBy: []string{"ip"}, TimespanDur: time.Hour, Condition: &ir.CorrelationCondition{Op: ir.OpGte, Value: 2},
			Aliases: []ir.Alias{{Name: "ip", ByRule: []ir.Attr{{Key: "a", Value: "SourceIp"}, {Key: "b", Value: "DestinationIp"}}}}},
			[]obs{
				{a, 0, ev("SourceIp", "1.2.3.4"), false},
				{b, time.Minute, ev("DestinationIp", "5.6.7.8"), false},
				{b, 2 * time.Minute, ev("DestinationIp", "1.2.3.4"), true},
			}},
		{"value_sum", &ir.Correlation{Type: ir.ValueSum, Rules: []any{a}, RuleRefs: []string{"a"},
			TimespanDur: time.Hour, Condition: &ir.CorrelationCondition{Op: ir.OpGt, Value: 100, Field: []string{"Bytes"}}},
			[]obs{
				{a, 0, ev("Bytes", "60"), false},
				{a, 1, ev("Bytes", "50"), true},
			}},
	}
	for _, tt := range tests {
		k, l := NewCorrelator(tt.c)
		if l.HasErrors() {
			t.Fatalf("%s: %v", tt.name, l)
		}
		for i, o := range tt.obs {
			if _, fired := k.Observe(o.ev, t0.Add(o.at), o.rule); fired != o.fire {
				t.Errorf("%s: observation %d fired=%v, want %v", tt.name, i, fired, o.fire)
			}
		}
	}
}

func TestCorrelatorRefusals(t *testing.T) {
	a := corrRule("a")
	for _, c := range []*ir.Correlation{
		{Type: ir.EventCount, Rules: []any{a}, RuleRefs: []string{"a"}, TimespanDur: time.Hour, Condition: &ir.CorrelationCondition{Op: ir.OpLt, Value: 3}},
		{Type: ir.EventCount, Rules: []any{&ir.Correlation{}}, RuleRefs: []string{"c"}, TimespanDur: time.Hour},
		{Type: ir.ValueCount, Rules: []any{a}, RuleRefs: []string{"a"}, TimespanDur: time.Hour, Condition: &ir.CorrelationCondition{Op: ir.OpGt, Value: 3}},
	} {
		if k, l := NewCorrelator(c); k != nil || !l.HasErrors() {
			t.Errorf("%+v: want a refusal", c)
		}
	}
}

func TestEventTime(t *testing.T) {
	ev := NewFlat(map[string]any{"UtcTime": "2024-03-05 14:07:09.123", "other": "x"})
	got, err := EventTime(ev, []Key{NewKey("TimeCreated_SystemTime"), NewKey("UtcTime")})
	if err != nil || !got.Equal(time.Date(2024, 3, 5, 14, 7, 9, 123e6, time.UTC)) {
		t.Errorf("EventTime = %v, %v", got, err)
	}
	if _, err := EventTime(ev, []Key{NewKey("other")}); err == nil {
		t.Error("want an error for a non-timestamp")
	}
}
