package native

import (
	"hash/maphash"
	"unsafe"
)

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

// memoHash hashes a value for field index f.
func memoHash(f *fieldIndex, s string) uint64 {
	return maphash.String(seed, s) ^ uint64(uintptr(unsafe.Pointer(f)))*0x9E3779B97F4A7C15
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
