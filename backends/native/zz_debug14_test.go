package native

import "testing"

func BenchmarkZZCmdline(b *testing.B) {
	_, events := loadBench(b)
	rules, _ := benchRules(b)
	rs, _ := NewRuleSet(rules)
	warm(rs, events)
	m := rs.NewMatcher()
	m.memo = nil
	var vals []string
	var f *fieldIndex
	for _, ev := range events {
		rt := m.routing(ev)
		for _, fi := range rt.fields {
			ff := &rt.idx.fields[fi]
			if ff.key.Name != "CommandLine" {
				continue
			}
			if v, ok := ev.Get(ff.key); ok {
				vals = append(vals, v.Str)
				f = ff
			}
		}
		if len(vals) > 2000 {
			break
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m.scanString(f, vals[i%len(vals)])
	}
}
