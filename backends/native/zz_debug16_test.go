package native

import (
	"fmt"
	"math/bits"
	"sort"
	"testing"
	"time"
)

func TestZZColdAccounting(t *testing.T) {
	_, events := loadBench(t)
	rules, _ := benchRules(t)
	rs, _ := NewRuleSet(rules)
	warm(rs, events)
	m := rs.NewMatcher()
	acc := map[string]time.Duration{}
	n := 0
	for rep := 0; rep < 3; rep++ {
		for _, ev := range events {
			n++
			tp := time.Now()
			m.sink += ev.prefetch()
			t0 := time.Now()
			acc["prefetch"] += t0.Sub(tp)
			rt := m.routing(ev)
			t1 := time.Now()
			acc["routing"] += t1.Sub(t0)
			copy(m.cand, rt.cand)
			idx := rt.idx
			for s := range m.hit {
				copy(m.hit[s], idx.free[s])
			}
			if rt.kw != nil {
				m.scanKeywords(rt.kw, ev)
			}
			t2 := time.Now()
			acc["keywords"] += t2.Sub(t1)
			for i := range ev.fields {
				f := &ev.fields[i]
				if fi := rt.tab.find(f.hash, f.Name); fi >= 0 {
					ta := time.Now()
					m.scanValue(&idx.fields[fi], f.Value)
					acc["f:"+f.Name] += time.Since(ta)
				}
			}
			t3 := time.Now()
			acc["fields-total"] += t3.Sub(t2)
			for i := range m.cand {
				w := m.cand[i]
				for s := range m.hit {
					w &= m.hit[s][i]
				}
				m.cand[i] = w
			}
			t4 := time.Now()
			for wi, w := range m.cand {
				for w != 0 {
					b := bits.TrailingZeros64(w)
					w &= w - 1
					rs.progs[wi*64+b].Match(ev)
				}
			}
			acc["eval"] += time.Since(t4)
		}
	}
	type kv struct {
		k string
		d time.Duration
	}
	var out []kv
	for k, d := range acc {
		out = append(out, kv{k, d})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].d > out[j].d })
	for _, x := range out[:20] {
		fmt.Printf("%-24s %7.0f ns/event\n", x.k, float64(x.d.Nanoseconds())/float64(n))
	}
}
