package native

import (
	"fmt"
	"testing"
)

func TestZZLitLens(t *testing.T) {
	_, events := loadBench(t)
	rules, _ := benchRules(t)
	rs, _ := NewRuleSet(rules)
	warm(rs, events)
	m := rs.NewMatcher()
	rt := m.routing(events[1])
	for _, fi := range rt.fields {
		f := &rt.idx.fields[fi]
		for k, gi := range f.grams {
			if gi == nil || len(gi.lits) < 50 {
				continue
			}
			h := map[int]int{}
			for _, l := range gi.lits {
				h[len(l)]++
			}
			fmt.Println(f.key.Name, k, len(gi.lits), "stride", gi.stride, "skip", gi.skip != nil, "pairs", gi.pairs != nil, h)
		}
	}
}
