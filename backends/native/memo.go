package native

import "unsafe"

// memo remembers, per Matcher, which postings the scan of a field value
// produced, so that a value seen again is answered without scanning.
//
// Why: event streams repeat most values (the same images, parents,
// companies, users and directories come back all day), and scanning a
// value against a field's literals costs from tens of nanoseconds to a
// microsecond, and reads index memory that is cold by then. A value's
// postings depend only on the value and the field index, both immutable,
// so a remembered answer is exact; keys are compared byte for byte.
//
// A value is remembered on its second sighting only (a doorkeeper of
// hash tags): hex digests, GUIDs and most command lines never repeat and
// would only evict the values that do.
type memo struct {
	sets []memoEntry // 2-way set associative: sets[2*s], sets[2*s+1]
	mask uint64      // number of sets - 1
	door []uint32    // doorkeeper: hash tags of values seen once
	// clock alternates the way that is replaced.
	clock uint8
}

// memoEntry is one remembered scan.
type memoEntry struct {
	hash  uint64
	f     *fieldIndex
	key   []byte
	posts [][]int32
}

const (
	memoSets = 1024
	memoDoor = 8192
	// maxMemo is the longest value remembered; longer values rarely
	// repeat, and copying them costs more.
	maxMemo = 256
	// memoPosts is the most postings lists an entry holds; a value that
	// hits more is scanned every time.
	memoPosts = 6
)

// newMemo allocates the memo with room for every entry's key and
// postings up front, so that remembering never allocates.
func newMemo() *memo {
	mo := &memo{sets: make([]memoEntry, 2*memoSets), mask: memoSets - 1, door: make([]uint32, memoDoor)}
	keys := make([]byte, len(mo.sets)*maxMemo)
	posts := make([][]int32, len(mo.sets)*memoPosts)
	for i := range mo.sets {
		mo.sets[i].key = keys[i*maxMemo : i*maxMemo : (i+1)*maxMemo]
		mo.sets[i].posts = posts[i*memoPosts : i*memoPosts : (i+1)*memoPosts]
	}
	return mo
}

// memoHash hashes a value for field index f from its length and a sample
// of its bytes: its first and last eight, and eight at each quarter.
//
// Why a sample: a memo probe then costs a few loads instead of a pass
// over the value (a third of the probe's cost with a full hash), and a
// collision only costs a byte-for-byte comparison that fails, or a value
// remembered on its first sighting; the answer is exact either way.
func memoHash(f *fieldIndex, s string) uint64 {
	n := len(s)
	h := uint64(n)*0x9E3779B97F4A7C15 ^ uint64(uintptr(unsafe.Pointer(f)))
	p := unsafe.Pointer(unsafe.StringData(s))
	if n < 8 {
		var w uint64
		for i := 0; i < n; i++ {
			w = w<<8 | uint64(s[i])
		}
		return mix64(h ^ w)
	}
	// Independent products, so that the loads and multiplications
	// overlap; one finalizer mixes them.
	h ^= *(*uint64)(p) * 0xBF58476D1CE4E5B9
	h ^= *(*uint64)(unsafe.Add(p, n-8)) * 0x94D049BB133111EB
	if n > 16 {
		h ^= *(*uint64)(unsafe.Add(p, n/4)) * 0xD6E8FEB86659FD93
		h ^= *(*uint64)(unsafe.Add(p, n/2)) * 0xA0761D6478BD642F
		h ^= *(*uint64)(unsafe.Add(p, 3*n/4-8)) * 0xE7037ED1A0B428DB
	}
	return mix64(h)
}

// mix64 is a 64-bit finalizer (from SplitMix64).
func mix64(h uint64) uint64 {
	h ^= h >> 30
	h *= 0xBF58476D1CE4E5B9
	h ^= h >> 27
	h *= 0x94D049BB133111EB
	return h ^ h>>31
}

// scanMemo is scanString with the memo: it replays a remembered answer,
// or scans and, on a value's second sighting, remembers the answer.
func (m *Matcher) scanMemo(f *fieldIndex, s string) {
	mo := m.memo
	h := memoHash(f, s)
	set := mo.sets[2*(h&mo.mask) : 2*(h&mo.mask)+2]
	for w := range set {
		e := &set[w]
		if e.hash == h && e.f == f && string(e.key) == s {
			for _, p := range e.posts {
				m.post(p)
			}
			return
		}
	}
	tag := uint32(h>>32) | 1
	if d := &mo.door[(h>>8)&(memoDoor-1)]; *d != tag {
		*d = tag
		m.scanString(f, s)
		return
	}
	m.rec = m.rec[:0]
	m.recording = true
	m.scanString(f, s)
	m.recording = false
	if len(m.rec) > memoPosts {
		return
	}
	mo.clock ^= 1
	e := &set[mo.clock]
	e.hash, e.f = h, f
	e.key = append(e.key[:0], s...)
	e.posts = append(e.posts[:0], m.rec...)
}
