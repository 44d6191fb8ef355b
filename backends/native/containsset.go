package native

import "unsafe"

// containsSetPred is an Or of case-insensitive contains tests on one field
// (a `|contains` list) searched in one pass: every position of the value
// is tested against a bitmap of the needles' first two folded bytes, and
// only where a needle can start are the needles with that pair compared.
//
// Why: lists of 20 to 60 substrings are common (the command-line lists
// of process-creation rules), and looking for each needle in turn read
// the value once per needle.
type containsSetPred struct {
	bits    [pairBits / 64]uint64
	byPair  map[uint16][]int32
	needles []needle
}

const (
	pairHashBits = 10
	pairBits     = 1 << pairHashBits
	// minContainsSet is how many needles make a set worth building.
	minContainsSet = 6
)

// pairHash maps a folded byte pair, read little-endian, to a bitmap bit.
func pairHash(pr uint16) uint32 { return (uint32(pr) * 0x9E3779B1) >> (32 - pairHashBits) }

// containsSettable reports whether p can join a containsSetPred: a
// caseless ASCII needle of at least two bytes.
func containsSettable(p pred) (containsPred, bool) {
	c, ok := p.(containsPred)
	return c, ok && c.n.ascii && !c.n.cased && len(c.n.lit) >= 2
}

func newContainsSetPred(ps []containsPred) *containsSetPred {
	p := &containsSetPred{byPair: map[uint16][]int32{}}
	for i, c := range ps {
		p.needles = append(p.needles, c.n)
		pr := (uint16(c.n.lit[0]) | uint16(c.n.lit[1])<<8) | 0x2020
		h := pairHash(pr)
		p.bits[h/64] |= 1 << (h % 64)
		p.byPair[pr] = append(p.byPair[pr], int32(i))
	}
	return p
}

func (p *containsSetPred) test(s string) bool {
	if !isASCII(s) {
		// Non-ASCII values may hold runes that fold to ASCII letters
		// (KELVIN SIGN); the needles' own search handles them.
		for i := range p.needles {
			if p.needles[i].in(s) {
				return true
			}
		}
		return false
	}
	ptr := unsafe.Pointer(unsafe.StringData(s))
	for i := 0; i+2 <= len(s); i++ {
		pr := *(*uint16)(unsafe.Add(ptr, i)) | 0x2020
		if h := pairHash(pr); p.bits[h/64]&(1<<(h%64)) == 0 {
			continue
		}
		for _, id := range p.byPair[pr] {
			lit := p.needles[id].lit
			if i+len(lit) <= len(s) && asciiEqualFoldAt(s[i:i+len(lit)], lit) {
				return true
			}
		}
	}
	return false
}
