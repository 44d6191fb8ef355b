package native

import "unsafe"

// skipScan is a Wu-Manber search for the literals of a small substring
// index: a window of m bytes (m the shortest literal's length, at most
// maxSkipWindow) slides over the value, and the block of bytes at its end
// (three bytes, or two when m is short) decides how far it may jump. A
// block that ends no literal's first m bytes lets the window jump m-b+1
// bytes at once, so a value is read a few bytes in eight rather than
// byte by byte; only where the block ends some literal's head are the
// literals with that block compared.
//
// Why: the keyword index (every value of an event searched for the
// Mimikatz literals, for one) and the small per-field indexes are read in
// full on every event, and with the pair bitmap of grams.go they cost a
// nanosecond per byte; skipping cuts that by about the window size.
// Three-byte blocks: the pairs of English text ("er", "in") end some
// literal's head so often that two-byte blocks rarely jump far.
type skipScan struct {
	m int
	// b is the block length, 2 or 3.
	b int
	// shift holds, per folded block hash, how far the window may move;
	// colliding blocks keep the smaller shift, which is only slower.
	shift [skipBuckets]uint8
	// tail holds each literal's block hash at its head's end, in the order
	// of the index's literals.
	tail []uint16
}

const (
	skipBits    = 12
	skipBuckets = 1 << skipBits
	// maxSkipLits bounds the literals of a skipping index: past it most
	// blocks end some literal's head and the window rarely jumps.
	maxSkipLits = 64
	// minSkip is the shortest literal length worth skipping over.
	minSkip = 4
	// maxSkipWindow bounds the window (literals are at most maxLiteral
	// bytes anyway).
	maxSkipWindow = 12
	// minBlock3 is the shortest window that takes three-byte blocks.
	minBlock3 = 6
)

// skipHash maps a block read as a little-endian integer (two or three
// bytes) to its bucket, with bit 5 of every byte set (the fold grams use;
// verify compares exactly).
func skipHash(blk uint32) uint16 {
	return uint16(((blk | 0x202020) * 0x9E3779B1) >> (32 - skipBits))
}

// blockAt returns the block of b bytes of l ending at index e.
func blockAt(l string, e, b int) uint32 {
	var v uint32
	for k := e; k > e-b; k-- {
		v = v<<8 | uint32(l[k])
	}
	return v
}

// newSkipScan returns a skipping scan for folded literals, or nil when
// they are too many or too short for skipping to pay off.
func newSkipScan(lits []string) *skipScan {
	if len(lits) == 0 || len(lits) > maxSkipLits {
		return nil
	}
	m := maxSkipWindow
	for _, l := range lits {
		m = min(m, len(l))
	}
	if m < minSkip {
		return nil
	}
	b := 2
	if m >= minBlock3 {
		b = 3
	}
	sk := &skipScan{m: m, b: b, tail: make([]uint16, len(lits))}
	for i := range sk.shift {
		sk.shift[i] = uint8(m - b + 1)
	}
	for li, l := range lits {
		for j := b - 1; j < m; j++ {
			h := skipHash(blockAt(l, j, b))
			sk.shift[h] = min(sk.shift[h], uint8(m-1-j))
		}
		sk.tail[li] = skipHash(blockAt(l, m-1, b))
	}
	return sk
}

// skipScan posts every literal of gi found in s, which must be ASCII or
// folded. A long text is cut into four runs of window ends scanned in
// step with each other.
//
// Why: each jump depends on the table entry the previous one read, so a
// single run waits on a chain of loads (about 16 cycles a step); four
// independent runs keep the core busy during that wait. The four steps
// are written out: a helper per step was not inlined and measured slower.
func (m *Matcher) skipScan(gi *gramIndex, s string) {
	sk := gi.skip
	n, w := len(s), sk.m
	if n < minInterleave {
		m.skipRun(gi, s, w-1, n)
		return
	}
	q := (n - (w - 1)) / 4
	e0, e1, e2, e3 := w-1, w-1+q, w-1+2*q, w-1+3*q
	l0, l1, l2 := e1, e2, e3
	for e0 < l0 && e1 < l1 && e2 < l2 && e3 < n {
		h0, h1, h2, h3 := sk.blockHash(s, e0), sk.blockHash(s, e1), sk.blockHash(s, e2), sk.blockHash(s, e3)
		d0, d1, d2, d3 := sk.shift[h0], sk.shift[h1], sk.shift[h2], sk.shift[h3]
		if d0 == 0 {
			m.skipVerify(gi, s, e0, h0)
			d0 = 1
		}
		if d1 == 0 {
			m.skipVerify(gi, s, e1, h1)
			d1 = 1
		}
		if d2 == 0 {
			m.skipVerify(gi, s, e2, h2)
			d2 = 1
		}
		if d3 == 0 {
			m.skipVerify(gi, s, e3, h3)
			d3 = 1
		}
		e0, e1, e2, e3 = e0+int(d0), e1+int(d1), e2+int(d2), e3+int(d3)
	}
	m.skipRun(gi, s, e0, l0)
	m.skipRun(gi, s, e1, l1)
	m.skipRun(gi, s, e2, l2)
	m.skipRun(gi, s, e3, n)
}

// minInterleave is the shortest text scanned as four runs.
const minInterleave = 256

// blockHash returns the bucket of the block ending at e (e >= m-1). The
// block is read with one load: two bytes at e-1, or four at e-3 shifted
// down to the three at e-2 (m >= minBlock3 keeps e-3 in the text).
func (sk *skipScan) blockHash(s string, e int) uint16 {
	p := unsafe.Pointer(unsafe.StringData(s))
	if sk.b == 3 {
		return skipHash(*(*uint32)(unsafe.Add(p, e-3)) >> 8)
	}
	return skipHash(uint32(*(*uint16)(unsafe.Add(p, e-1))))
}

// skipRun scans the windows of s ending at e up to (not including) end.
func (m *Matcher) skipRun(gi *gramIndex, s string, e, end int) {
	sk := gi.skip
	for e < end {
		h := sk.blockHash(s, e)
		if d := sk.shift[h]; d != 0 {
			e += int(d)
			continue
		}
		m.skipVerify(gi, s, e, h)
		e++
	}
}

// skipVerify compares the literals whose head ends with block hash h
// against the window of s ending at e.
func (m *Matcher) skipVerify(gi *gramIndex, s string, e int, h uint16) {
	sk := gi.skip
	start := e - sk.m + 1
	for li, t := range sk.tail {
		if t != h {
			continue
		}
		lit := gi.lits[li]
		if start+len(lit) <= len(s) && asciiEqualFoldAt(s[start:start+len(lit)], lit) {
			m.post(gi.postsOf(li))
		}
	}
}
