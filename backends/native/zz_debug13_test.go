package native

import "testing"

func touchEvent(ev *Flat) int {
	s := 0
	for j := range ev.fields {
		f := &ev.fields[j]
		s += len(f.Name) + int(f.Value.Kind)
		if len(f.Value.Str) > 0 {
			s += int(f.Value.Str[0])
		}
	}
	for j := 0; j < len(ev.index); j += 16 {
		s += int(ev.index[j])
	}
	for j := 0; j < len(ev.arena); j += 64 {
		s += int(ev.arena[j])
	}
	return s
}

func BenchmarkZZTouched(b *testing.B) {
	_, events := loadBench(b)
	rules, _ := benchRules(b)
	rs, _ := NewRuleSet(rules)
	warm(rs, events)
	m := rs.NewMatcher()
	var dst []*Program
	b.ResetTimer()
	s := 0
	for i := 0; i < b.N; i++ {
		ev := events[i%len(events)]
		s += touchEvent(ev)
		dst = m.Match(ev, dst[:0])
	}
	sinkU = s
}

func BenchmarkZZTouchOnly(b *testing.B) {
	_, events := loadBench(b)
	b.ResetTimer()
	s := 0
	for i := 0; i < b.N; i++ {
		s += touchEvent(events[i%len(events)])
	}
	sinkU = s
}
