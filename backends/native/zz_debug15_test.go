package native

import (
	"fmt"
	"testing"
)

func TestZZShortAtoms(t *testing.T) {
	_, events := loadBench(t)
	rules, _ := benchRules(t)
	rs, _ := NewRuleSet(rules)
	warm(rs, events)
	m := rs.NewMatcher()
	rt := m.routing(events[1])
	for _, fi := range rt.fields {
		f := &rt.idx.fields[fi]
		if f.key.Name != "CommandLine" {
			continue
		}
		for _, a := range f.short {
			fmt.Printf("%s %q(%d) ", a.kind, a.lit, len(a.post))
		}
		fmt.Println()
		for k, gi := range f.grams {
			if gi == nil {
				continue
			}
			n3 := 0
			for _, l := range gi.lits {
				if len(l) < 4 {
					n3++
				}
			}
			fmt.Println(atomKind(k), len(gi.lits), "len3:", n3)
		}
	}
}
