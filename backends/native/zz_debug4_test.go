package native

import (
	"testing"
)

func BenchmarkZZWarm(b *testing.B) {
	_, events := loadBench(b)
	rules, _ := benchRules(b)
	rs, _ := NewRuleSet(rules)
	warm(rs, events)
	m := rs.NewMatcher()
	var dst []*Program
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		dst = m.Match(events[(i/8)%len(events)], dst[:0])
	}
}
