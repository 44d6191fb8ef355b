package native

import (
	"fmt"
	"testing"
	"time"
)

func TestZZWarm(t *testing.T) {
	_, events := loadBench(t)
	rules, _ := benchRules(t)
	rs, _ := NewRuleSet(rules)
	warm(rs, events)
	m := rs.NewMatcher()
	var dst []*Program
	var warmD, filtD time.Duration
	for _, ev := range events {
		dst = m.Match(ev, dst[:0])
		st := time.Now()
		for k := 0; k < 8; k++ {
			dst = m.Match(ev, dst[:0])
		}
		warmD += time.Since(st)
		rt := m.routing(ev)
		st = time.Now()
		for k := 0; k < 8; k++ {
			copy(m.cand, rt.cand)
			m.filter(ev, rt)
		}
		filtD += time.Since(st)
	}
	fmt.Printf("warm match %.0f ns/event, warm filter %.0f\n", float64(warmD.Nanoseconds())/8/float64(len(events)), float64(filtD.Nanoseconds())/8/float64(len(events)))
}
