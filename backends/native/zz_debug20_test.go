package native

import (
	"fmt"
	"testing"
)

func TestZZSecondary(t *testing.T) {
	_, events := loadBench(t)
	rules, _ := benchRules(t)
	rs, _ := NewRuleSet(rules)
	warm(rs, events)
	m := rs.NewMatcher()
	rt := m.routing(events[1])
	onField := func(c clause, f string) (all, any bool) {
		all = true
		for _, a := range c {
			if a.field == f {
				any = true
			} else {
				all = false
			}
		}
		return
	}
	prim, sec := map[string]bool{}, map[string]bool{}
	secRules := map[int]bool{}
	for i, cs := range rs.clauses {
		if rt.cand[i/64]&(1<<(i%64)) == 0 {
			continue
		}
		if len(cs) == 2 {
			a0, n0 := onField(cs[0], "CommandLine")
			a1, n1 := onField(cs[1], "CommandLine")
			if n1 && !n0 {
				for _, a := range cs[1] {
					sec[a.lit] = true
				}
				secRules[i] = true
				continue
			}
			if n0 && !n1 {
				for _, a := range cs[0] {
					sec[a.lit] = true
				}
				secRules[i] = true
				continue
			}
			_ = a0
			_ = a1
		}
		for _, c := range cs {
			for _, a := range c {
				if a.field == "CommandLine" {
					prim[a.lit] = true
				}
			}
		}
	}
	only := 0
	for l := range sec {
		if !prim[l] {
			only++
		}
	}
	fmt.Println("CL literals: primary", len(prim), "secondary", len(sec), "secondary-only", only, "secondary rules", len(secRules))
}
