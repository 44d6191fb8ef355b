package native

import (
	"fmt"
	"sort"
	"testing"
	"time"
)

func TestZZFieldCost(t *testing.T) {
	_, events := loadBench(t)
	rules, _ := benchRules(t)
	rs, _ := NewRuleSet(rules)
	warm(rs, events)
	m := rs.NewMatcher()
	m.memo = nil
	cost := map[string]time.Duration{}
	const reps = 8
	for _, ev := range events {
		rt := m.routing(ev)
		if rt.kw != nil {
			st := time.Now()
			for r := 0; r < reps; r++ {
				m.scanKeywords(rt.kw, ev)
			}
			cost["<kw>"] += time.Since(st)
		}
		for _, fi := range rt.fields {
			f := &rt.idx.fields[fi]
			if f.any {
				continue
			}
			v, ok := ev.Get(f.key)
			if !ok {
				continue
			}
			st := time.Now()
			for r := 0; r < reps; r++ {
				m.scanValue(f, v)
			}
			cost[f.key.Name] += time.Since(st)
		}
		st := time.Now()
		for r := 0; r < reps; r++ {
			copy(m.cand, rt.cand)
			m.filter(ev, rt)
		}
		cost["~filter"] += time.Since(st)
		var dst []*Program
		st = time.Now()
		for r := 0; r < reps; r++ {
			dst = m.Match(ev, dst[:0])
		}
		cost["~match"] += time.Since(st)
	}
	type res struct {
		name string
		d    time.Duration
	}
	var out []res
	for k, d := range cost {
		out = append(out, res{k, d})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].d > out[j].d })
	for _, r := range out[:min(25, len(out))] {
		fmt.Printf("%-25s %8.1f ns/event\n", r.name, float64(r.d.Nanoseconds())/reps/float64(len(events)))
	}
}
