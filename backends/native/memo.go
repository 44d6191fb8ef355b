package native

import "unsafe"

// memo remembers, per Matcher and per field index, which postings the
// scan of a field value produced, so that a value seen again is answered
// without scanning.
//
// Why: event streams repeat most values (the same images, parents,
// companies, users and directories come back all day), and scanning a
// value against a field's literals costs from tens of nanoseconds to a
// microsecond, and reads index memory that is cold by then. A value's
// postings depend only on the value and the field index, both immutable,
// so a remembered answer is exact; keys are compared byte for byte.
//
// Why one table per field: with one table for all fields, the values of
// fields that rarely repeat (command lines, hashes) evicted those that
// nearly always do (images), and a field whose values never repeat paid
// for probes that never hit. Each field's table now keeps its own values
// and watches its own hit rate (fieldMemo.rest).
type memo struct {
	// fields holds the tables by fieldIndex.memoID, created when a field
	// is first scanned.
	fields []*fieldMemo
}

// fieldMemo is the memo of one field index: a 2-way set-associative table
// of entries, the slabs that hold their keys and postings, a doorkeeper,
// and the counters that switch lookups off for a field whose values do
// not repeat.
//
// A value is remembered on its second sighting only (the doorkeeper holds
// hash tags of values seen once): hex digests, GUIDs and most command
// lines never repeat and would only evict the values that do.
//
// Keys and postings are appended to the slabs of the current generation;
// when one is full, the generation advances and takes over the slabs of
// the generation before last, whose entries thereby lapse. Why: values
// vary in length (a user name, a command line), and fixed room per entry
// for the longest either wasted most of the memory or left long values
// out; two generations of slabs hold what the entries need, and nothing
// is allocated after the table is made.
type fieldMemo struct {
	ents  []memoEntry // set s is ents[2*s], ents[2*s+1]
	mask  uint64      // number of sets - 1
	keys  [2][]byte   // by generation parity
	posts [2][]int32
	gen   uint32
	// kn and pn are the lengths used in the current generation's slabs.
	kn, pn int
	door   []uint32
	// clock alternates the way that is replaced.
	clock uint8
	// probes and hits count the lookups of the current window; rest, when
	// above zero, is how many values to scan without a lookup.
	probes, hits uint32
	rest         uint32
	windows      uint32
}

// memoEntry is one remembered scan: its key at keys[gen&1][koff:], klen
// bytes (plus one: 0 marks an empty entry), and its postings at
// posts[gen&1][poff:], plen of them.
type memoEntry struct {
	hash       uint64
	gen        uint32
	koff, poff uint32
	klen, plen uint16
}

// memoSize is the room of one field's memo.
type memoSize struct{ sets, keyBytes, posts int }

var (
	// memoSmall serves fields with a few distinct values (companies,
	// integrity levels); memoLarge, fields whose scan costs most and
	// whose values are many (images, command lines).
	memoSmall = memoSize{sets: 256, keyBytes: 8 << 10, posts: 2 << 10}
	memoLarge = memoSize{sets: 1024, keyBytes: 64 << 10, posts: 8 << 10}
)

const (
	memoDoor = 4096
	// maxMemo is the longest value remembered; longer values rarely
	// repeat, and copying them costs more.
	maxMemo = 256
	// memoPosts is the most postings an entry holds; a value that hits
	// more is scanned every time.
	memoPosts = 128
	// A field's lookups are judged in windows of memoWindow, after the
	// first memoWarm (the table starts empty): when fewer than one in
	// memoMinHit hit, its next memoRest values are scanned without
	// lookups, then it is tried again.
	memoWindow = 1024
	memoMinHit = 16
	memoRest   = 64 * 1024
	memoWarm   = 4
	// memoLargeLits is the fewest literals that give a field the large
	// memo.
	memoLargeLits = 256
)

// newFieldMemo allocates a field's table and slabs up front, so that
// remembering never allocates.
func newFieldMemo(sz memoSize) *fieldMemo {
	fm := &fieldMemo{
		ents: make([]memoEntry, 2*sz.sets),
		mask: uint64(sz.sets - 1),
		door: make([]uint32, memoDoor),
	}
	for g := range fm.keys {
		fm.keys[g] = make([]byte, sz.keyBytes)
		fm.posts[g] = make([]int32, sz.posts)
	}
	return fm
}

// fieldMemo returns the Matcher's table for f, creating it on first use.
func (m *Matcher) fieldMemo(f *fieldIndex) *fieldMemo {
	id := int(f.memoID)
	if id < len(m.memo.fields) {
		if fm := m.memo.fields[id]; fm != nil {
			return fm
		}
	} else {
		m.memo.fields = append(m.memo.fields, make([]*fieldMemo, id+1-len(m.memo.fields))...)
	}
	sz := memoSmall
	if f.lits() >= memoLargeLits {
		sz = memoLarge
	}
	fm := newFieldMemo(sz)
	m.memo.fields[id] = fm
	return fm
}

// memoHash hashes a value from its length and a sample of its bytes: its
// first and last eight, and eight at each quarter.
//
// Why a sample: a memo probe then costs a few loads instead of a pass
// over the value (a third of the probe's cost with a full hash), and a
// collision only costs a byte-for-byte comparison that fails, or a value
// remembered on its first sighting; the answer is exact either way.
func memoHash(s string) uint64 {
	n := len(s)
	h := uint64(n) * 0x9E3779B97F4A7C15
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
	fm := m.fieldMemo(f)
	if fm.rest > 0 {
		fm.rest--
		m.scanString(f, s)
		return
	}
	h := memoHash(s)
	set := 2 * (h & fm.mask)
	for i := set; i < set+2; i++ {
		e := &fm.ents[i]
		if e.hash == h && int(e.klen) == len(s)+1 && fm.gen-e.gen <= 1 &&
			unsafeString(fm.keys[e.gen&1][e.koff:e.koff+uint32(len(s))]) == s {
			fm.hits++
			fm.judge()
			m.post(fm.posts[e.gen&1][e.poff : e.poff+uint32(e.plen)])
			return
		}
	}
	fm.judge()
	tag := uint32(h>>32) | 1
	if d := &fm.door[(h>>8)&(memoDoor-1)]; *d != tag {
		*d = tag
		m.scanString(f, s)
		return
	}
	m.rec = m.rec[:0]
	m.recording = true
	m.scanString(f, s)
	m.recording = false
	n := 0
	for _, p := range m.rec {
		n += len(p)
	}
	if n > memoPosts {
		return
	}
	if fm.kn+len(s) > len(fm.keys[0]) || fm.pn+n > len(fm.posts[0]) {
		// The current slabs are full: the next generation reuses those of
		// the generation before last, whose entries lapse.
		fm.gen++
		fm.kn, fm.pn = 0, 0
	}
	g := fm.gen & 1
	fm.clock ^= 1
	e := &fm.ents[set+uint64(fm.clock)]
	*e = memoEntry{hash: h, gen: fm.gen, koff: uint32(fm.kn), poff: uint32(fm.pn), klen: uint16(len(s) + 1), plen: uint16(n)}
	fm.kn += copy(fm.keys[g][fm.kn:], s)
	for _, p := range m.rec {
		fm.pn += copy(fm.posts[g][fm.pn:], p)
	}
}

// judge counts a lookup and, at the end of a window in which too few
// hit, rests the field's memo.
func (fm *fieldMemo) judge() {
	fm.probes++
	if fm.probes < memoWindow {
		return
	}
	// The first windows are not judged: the table starts empty.
	if fm.hits < memoWindow/memoMinHit && fm.windows >= memoWarm {
		fm.rest = memoRest
	}
	fm.probes, fm.hits = 0, 0
	fm.windows++
}
