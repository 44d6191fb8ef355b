package native

import "unsafe"

// skipScan is a Wu-Manber search for the literals of a small substring
// index: a window of m bytes (m the shortest literal's length, at most 8)
// slides over the value, and the byte pair at its end decides how far it
// may jump. A pair that ends no literal's first m bytes lets the window
// jump m-1 bytes at once, so a value is read a few bytes in eight rather
// than byte by byte; only where the pair ends some literal's head are the
// literals with that pair compared.
//
// Why: the keyword index (every value of an event searched for the
// Mimikatz literals, for one) and the small per-field indexes are read in
// full on every event, and with the pair bitmap of grams.go they cost a
// nanosecond per byte; skipping cuts that by about the window size.
type skipScan struct {
	m int
	// shift holds, per folded pair hash, how far the window may move;
	// colliding pairs keep the smaller shift, which is only slower.
	shift [skipBuckets]uint8
	// tail holds each literal's pair hash at offset m-2 (its head's end),
	// in the order of the index's literals.
	tail []uint16
}

const (
	skipBits    = 12
	skipBuckets = 1 << skipBits
	// maxSkipLits bounds the literals of a skipping index: past it most
	// pairs end some literal's head and the window rarely jumps.
	maxSkipLits = 64
	// minSkip is the shortest literal length worth skipping over.
	minSkip = 4
)

// skipHash maps a pair read as a little-endian uint16 to its bucket, with
// bit 5 of both bytes set (the fold grams use; verify compares exactly).
func skipHash(pr uint16) uint16 {
	return uint16((uint32(pr|0x2020) * 0x9E3779B1) >> (32 - skipBits))
}

// newSkipScan returns a skipping scan for folded literals, or nil when
// they are too many or too short for skipping to pay off.
func newSkipScan(lits []string) *skipScan {
	if len(lits) == 0 || len(lits) > maxSkipLits {
		return nil
	}
	m := 8
	for _, l := range lits {
		m = min(m, len(l))
	}
	if m < minSkip {
		return nil
	}
	sk := &skipScan{m: m, tail: make([]uint16, len(lits))}
	for i := range sk.shift {
		sk.shift[i] = uint8(m - 1)
	}
	for li, l := range lits {
		for j := 1; j < m; j++ {
			h := skipHash(uint16(l[j-1]) | uint16(l[j])<<8)
			sk.shift[h] = min(sk.shift[h], uint8(m-1-j))
		}
		sk.tail[li] = skipHash(uint16(l[m-2]) | uint16(l[m-1])<<8)
	}
	return sk
}

// skipScan posts every literal of gi found in s, which must be ASCII or
// folded.
func (m *Matcher) skipScan(gi *gramIndex, s string) {
	sk := gi.skip
	p := unsafe.Pointer(unsafe.StringData(s))
	n, w := len(s), sk.m
	for e := w - 1; e < n; {
		h := skipHash(*(*uint16)(unsafe.Add(p, e-1)))
		if d := sk.shift[h]; d != 0 {
			e += int(d)
			continue
		}
		start := e - w + 1
		for li, t := range sk.tail {
			if t != h {
				continue
			}
			lit := gi.lits[li]
			if start+len(lit) <= n && asciiEqualFoldAt(s[start:start+len(lit)], lit) {
				m.post(gi.pats[li].post)
			}
		}
		e++
	}
}
