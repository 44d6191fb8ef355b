package native

import (
	"fmt"
	"math/bits"
	"sort"
	"testing"
	"time"
)

func TestZZEval(t *testing.T) {
	_, events := loadBench(t)
	rules, _ := benchRules(t)
	rs, _ := NewRuleSet(rules)
	warm(rs, events)
	m := rs.NewMatcher()
	cnt := map[int]int{}
	dur := map[int]time.Duration{}
	total := 0
	for _, ev := range events {
		rt := m.routing(ev)
		copy(m.cand, rt.cand)
		m.filter(ev, rt)
		for wi, w := range m.cand {
			for w != 0 {
				b := bits.TrailingZeros64(w)
				w &= w - 1
				i := wi*64 + b
				st := time.Now()
				for r := 0; r < 4; r++ {
					rs.progs[i].Match(ev)
				}
				dur[i] += time.Since(st) / 4
				cnt[i]++
				total++
			}
		}
	}
	fmt.Printf("evals per event %.1f\n", float64(total)/float64(len(events)))
	var ids []int
	var sum time.Duration
	for i := range cnt {
		ids = append(ids, i)
		sum += dur[i]
	}
	fmt.Printf("eval ns/event %.0f\n", float64(sum.Nanoseconds())/float64(len(events)))
	sort.Slice(ids, func(a, b int) bool { return dur[ids[a]] > dur[ids[b]] })
	for _, i := range ids[:25] {
		fmt.Printf("%6d evals %6.0f ns/event-avg  %s | %s\n", cnt[i], float64(dur[i].Nanoseconds())/float64(len(events)), rs.progs[i].Rule().Title, clauseKeys(rs.clauses[i]))
	}
}

func clauseKeys(cs []clause) string {
	s := ""
	for _, c := range cs {
		k := clauseKey(c)
		if len(k) > 80 {
			k = k[:80]
		}
		s += "[" + k + "] "
	}
	return s
}
