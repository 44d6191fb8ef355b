package native

import (
	"fmt"
	"testing"
	"time"
	"unsafe"
)

func TestZZSkipStats(t *testing.T) {
	_, events := loadBench(t)
	rules, _ := benchRules(t)
	rs, _ := NewRuleSet(rules)
	warm(rs, events)
	m := rs.NewMatcher()
	rt := m.routing(events[1])
	gi := rt.kw.grams[atomContains]
	sk := gi.skip
	fmt.Println("m", sk.m, "b", sk.b, "lits", len(gi.lits))
	hist := map[int]int{}
	steps, zero, bytes := 0, 0, 0
	for _, ev := range events {
		s := unsafeString(ev.arena)
		bytes += len(s)
		p := unsafe.Pointer(unsafe.StringData(s))
		for e := sk.m - 1; e < len(s); {
			blk := *(*uint32)(unsafe.Add(p, e-3)) >> 8
			d := sk.shift[skipHash(blk)]
			steps++
			hist[int(d)]++
			if d == 0 {
				zero++
				e++
				continue
			}
			e += int(d)
		}
	}
	fmt.Println("bytes/event", bytes/20000, "steps/event", steps/20000, "zero/event", zero/20000, hist)
}

func TestZZKwTime(t *testing.T) {
	_, events := loadBench(t)
	rules, _ := benchRules(t)
	rs, _ := NewRuleSet(rules)
	warm(rs, events)
	m := rs.NewMatcher()
	rt := m.routing(events[1])
	gi := rt.kw.grams[atomContains]
	packed := 0
	for _, ev := range events {
		if ev.packed {
			packed++
		}
	}
	fmt.Println("packed", packed, "onlySkip", rt.kw.onlySkip() != nil)
	const reps = 8
	st := nowNs()
	for _, ev := range events {
		for r := 0; r < reps; r++ {
			m.skipScan(gi, unsafeString(ev.arena))
		}
	}
	fmt.Printf("skip on arena %.0f ns/event\n", float64(nowNs()-st)/reps/20000)
	st = nowNs()
	for _, ev := range events {
		for r := 0; r < reps; r++ {
			isASCII(unsafeString(ev.arena))
		}
	}
	fmt.Printf("isASCII %.0f ns/event\n", float64(nowNs()-st)/reps/20000)
	st = nowNs()
	for _, ev := range events {
		for r := 0; r < reps; r++ {
			m.scanKeywords(rt.kw, ev)
		}
	}
	fmt.Printf("scanKeywords %.0f ns/event\n", float64(nowNs()-st)/reps/20000)
}

func nowNs() int64 { return time.Now().UnixNano() }
