package native

import (
	"strings"
	"testing"
)

func BenchmarkZZAlways(b *testing.B) {
	_, events := loadBench(b)
	rules, _ := benchRules(b)
	rs, _ := NewRuleSet(rules)
	var progs []*Program
	for _, p := range rs.progs {
		t := p.Rule().Title
		if strings.HasPrefix(t, "Potential Executable Run Itself") || strings.HasPrefix(t, "Execution Of Non-Existing File") || strings.HasPrefix(t, "Execution of Suspicious File Type Extension") {
			progs = append(progs, p)
		}
	}
	var evs []*Flat
	for _, ev := range events {
		if v, _ := ev.Lookup("EventID"); v.Str == "1" {
			evs = append(evs, ev)
		}
		if len(evs) == 500 {
			break
		}
	}
	for _, p := range progs {
		b.Run(p.Rule().Title[:20], func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				p.Match(evs[i%len(evs)])
			}
		})
	}
}
