package native

import (
	"testing"
)

var sinkU int

func BenchmarkZZTouch(b *testing.B) {
	_, events := loadBench(b)
	b.ResetTimer()
	s := 0
	for i := 0; i < b.N; i++ {
		ev := events[i%len(events)]
		for j := range ev.fields {
			f := &ev.fields[j]
			s += len(f.Name) + int(f.Value.Kind)
			if len(f.Value.Str) > 0 {
				s += int(f.Value.Str[0]) + int(f.Value.Str[len(f.Value.Str)-1])
			}
		}
	}
	sinkU = s
}

func BenchmarkZZTouchGet(b *testing.B) {
	_, events := loadBench(b)
	keys := []Key{NewKey("Channel"), NewKey("EventID"), NewKey("Image"), NewKey("CommandLine"), NewKey("User")}
	b.ResetTimer()
	s := 0
	for i := 0; i < b.N; i++ {
		ev := events[i%len(events)]
		for _, k := range keys {
			v, _ := ev.Get(k)
			s += len(v.Str)
		}
	}
	sinkU = s
}
