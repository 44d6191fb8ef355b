package native

import (
	"fmt"
	"testing"
)

func BenchmarkZZSubset(b *testing.B) {
	_, events := loadBench(b)
	rules, _ := benchRules(b)
	rs, _ := NewRuleSet(rules)
	warm(rs, events)
	for _, n := range []int{200, 1000, 4000, 20000} {
		// take every k-th event so the mix stays the same
		k := len(events) / n
		var sub []*Flat
		for i := 0; i < len(events); i += k {
			sub = append(sub, events[i])
		}
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			m := rs.NewMatcher()
			var dst []*Program
			for i := 0; i < b.N; i++ {
				dst = m.Match(sub[i%len(sub)], dst[:0])
			}
		})
	}
}
