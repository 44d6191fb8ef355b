package native

import (
	"math/bits"
	"sort"
	"strconv"
	"strings"
	"unsafe"
)

// gramIndex finds which of a field's literals (prefixes, suffixes,
// substrings) occur in a value. Each literal is filed under one of its
// grams, the one that the fewest literals of the rule set share: a
// prefix or suffix under a gram 8 bytes long when it has 8 (in an index
// of many), else 4, else 3; a substring under a gram of 4 bytes, or 3
// when it has only 3, and in an index of many under a gram of 3. A scan
// slides over the value testing every gram against a bitmap of the filed
// grams' hashes; only on a hit does it look the gram up and compare the
// literals filed under it.
//
// Why not Aho-Corasick: with thousands of literals on CommandLine the
// dense DFA held tens of megabytes and cost a cache miss per byte; the
// bitmaps are a few kilobytes and stay in L1, so a scan costs about a
// nanosecond per byte and most positions reject at the first test.
//
// Why 3-byte grams for many substrings: a scan tests one gram per
// position instead of two (8 and 3 bytes, as it did). On the command
// lines of the benchmark events, filed under their rarest 3-gram the
// literals hit 12.5 grams per value and compared 16.5 literals, against
// 11.0 and 12.1 with 8-byte grams for those that have them; the halved
// probes outweigh that (+0.5 to +5.0%, median +1.4%, in eleven
// same-process runs). Hex digests, where 3-grams would hit everywhere,
// have their own indexes (eq and stride).
type gramIndex struct {
	// anchor is atomContains for a sliding scan; for atomPrefix and
	// atomSuffix indexes, grams are only tested where an anchored literal
	// can have them: at the offsets (from the start, or from the end) in
	// at, so a lookup costs a few probes whatever the value's length.
	anchor atomKind
	// pairs, for a substring index with few distinct pairs, marks the
	// first two bytes (bit 5 set, as grams fold) of every filed gram: a
	// scan makes one bitmap test per position and hashes grams only where
	// a filed one starts (nil: slide each gram size over the value).
	pairs *[1 << 10]uint64
	// skip, for a substring index of few long enough literals, replaces
	// the gram scan (skip.go).
	skip *skipScan
	// eq says that every literal is filed under the 8-byte gram at its
	// first "=" (eqAnchor): a scan probes only at the value's "=" bytes.
	eq bool
	// stride, when above 1, says that every literal (a substring) is filed
	// under its 8-byte grams at offsets 0 to stride-1, so a scan tests
	// every stride-th position only (hex digests named without their
	// "ALGO=" prefix; those with it are in an eq index).
	stride int
	sizes  [numGramSizes]gramSize
	refs   []gramRef
	lits   []string
	// blob holds the literals end to end, and posts their postings, those
	// of literal i at posts[postAt[i]:postAt[i+1]] (gramRef locates both).
	blob   string
	posts  []int32
	postAt []uint32
}

// Gram sizes, longest first.
var gramSizes = [...]int{8, 4, 3}

const numGramSizes = len(gramSizes)

// gramSize holds the grams of one size: the hash bitmap (nil when no
// literal is filed under a gram of that size) and, for anchored indexes,
// the offsets to probe.
//
// The bitmap doubles as the table from a gram to the literals filed under
// it: the literals of the grams hashing to the bits of one bitmap word
// are a bucket, found by the word's start in the refs, and each ref names
// its bit. A bucket may mix grams that collide; verify compares each
// literal anyway. Why not a hash table keyed by the gram: at tens of
// bytes per slot it held hundreds of kilobytes for a field such as
// CommandLine, and nearly every lookup missed the cache; the starts are
// a few kilobytes.
type gramSize struct {
	bits  []uint64
	shift uint32 // hash → bitmap bit: h >> shift
	at    []int
	// The refs filed under the bits of bitmap word w are
	// refs[wstart[w]:wstart[w+1]], in the order of their bits.
	wstart []uint32
}

// bucket returns the refs filed under the bitmap word of bit h, which is
// set; verify skips those of the word's other bits (gramRef.bit).
//
// Why by word: a bit's own bucket took its rank in a table of per-word
// counts and then a start in a table of per-bit offsets, two dependent
// loads, mostly cache misses, before the refs; at about one set bit in
// thirty-two, a word holds a bit or two, so the few refs of its other
// bits cost less than the extra load.
func (gs *gramSize) bucket(refs []gramRef, h uint64) []gramRef {
	w := h >> 6
	return refs[gs.wstart[w]:gs.wstart[w+1]]
}

// gramRef is a literal filed under a gram found at offset off in it,
// with what verify needs to place and compare it and post its rules: its
// first and last eight bytes (or four, or three) held in the ref, the
// rest in the index's blob, and its postings in the index's posting slab.
//
// Why: a gram hit then reads the word's start, the ref and the postings,
// dependent loads that most often miss the cache, and the literal's bytes
// come with the ref. Going through the literal and pattern tables (string
// and slice headers in arrays of thousands) had cost two more loads
// (measured in one process: +2 to +4% on the benchmark events without
// them); the literal in the blob and a bucket per bit (a rank, then a
// start) two more again (+0.2 to +4.5%, median +2.4%, in seven runs).
type gramRef struct {
	head, tail uint64 // see newGramRefs
	lit        uint32 // offset of the literal in gramIndex.blob
	post       uint32 // offset of its postings in gramIndex.posts
	nPost      uint16
	off        int8
	n          uint8 // the literal's length (at most maxAnchored)
	kind       atomKind
	bit        uint8 // the bitmap bit it is filed under, within its word
}

// maxRefPosts is the most postings one ref holds; a literal with more
// has a ref per maxRefPosts of them.
const maxRefPosts = 1<<16 - 1

// newGramRefs returns the refs of literal l, filed under the gram at
// offset off in it, whose bytes are at lit in the blob and whose postings
// are posts[post:post+nPost].
func newGramRefs(l string, kind atomKind, off int, lit, post, nPost uint32) []gramRef {
	r := gramRef{lit: lit, off: int8(off), n: uint8(len(l)), kind: kind}
	n := len(l)
	switch {
	case n >= 8:
		r.head, r.tail = load64(l, 0), load64(l, n-8)
	case n >= 4:
		r.head = uint64(load32(l, 0)) | uint64(load32(l, n-4))<<32
	default:
		for i := n - 1; i >= 0; i-- {
			r.head = r.head<<8 | uint64(l[i])
		}
	}
	var out []gramRef
	for {
		r.post, r.nPost = post, uint16(min(nPost, maxRefPosts))
		out = append(out, r)
		if nPost <= maxRefPosts {
			return out
		}
		post, nPost = post+maxRefPosts, nPost-maxRefPosts
	}
}

// equal reports whether s, as long as the literal, folds to it (s is
// ASCII or folded): the bytes held in the ref compare a word at a time,
// and only a literal longer than 16 bytes reads the blob, for its middle.
func (r *gramRef) equal(s, blob string) bool {
	n := len(s)
	switch {
	case n >= 8:
		return lower8(load64(s, 0)) == r.head && lower8(load64(s, n-8)) == r.tail &&
			(n <= 16 || asciiEqualFoldAt(s[8:n-8], blob[r.lit+8:r.lit+uint32(n)-8]))
	case n >= 4:
		return uint64(lower4(load32(s, 0)))|uint64(lower4(load32(s, n-4)))<<32 == r.head
	}
	var w uint64
	for i := n - 1; i >= 0; i-- {
		w = w<<8 | uint64(lowerASCII[s[i]])
	}
	return w == r.head
}

// load64 and load32 read eight and four bytes of s at i, which must lie
// within s.
func load64(s string, i int) uint64 {
	_ = s[i+7]
	return *(*uint64)(unsafe.Add(unsafe.Pointer(unsafe.StringData(s)), i))
}

func load32(s string, i int) uint32 {
	_ = s[i+3]
	return *(*uint32)(unsafe.Add(unsafe.Pointer(unsafe.StringData(s)), i))
}

// lower8 lowers the ASCII capital letters among eight bytes and leaves
// the others, as lowerASCII does byte by byte: with the high bits
// cleared, adding 0x80-'A' to a byte sets its high bit when it is at
// least 'A', and adding 0x80-'Z'-1 when it is past 'Z'; no sum carries
// into the next byte, and bytes whose high bit was set are left alone.
func lower8(w uint64) uint64 {
	const hi = 0x8080808080808080
	x := w &^ hi
	return w | ((x+0x3f3f3f3f3f3f3f3f)&^(x+0x2525252525252525)&^w&hi)>>2
}

// lower4 is lower8 for four bytes.
func lower4(w uint32) uint32 {
	const hi = 0x80808080
	x := w &^ hi
	return w | ((x+0x3f3f3f3f)&^(x+0x25252525)&^w&hi)>>2
}

type gramID struct {
	size int
	g    uint64
}

// gramFold sets bit 5 of every byte of a gram. That folds ASCII letters
// (and merges a few punctuation pairs, such as `\` and `|`, which only
// costs a rare extra comparison): a gram is a filter, and verify compares
// the folded literal exactly.
const gramFold = 0x2020202020202020

// gramAt returns the folded gram of s at i.
func gramAt(s string, i, size int) uint64 {
	var g uint64
	for k := size - 1; k >= 0; k-- {
		g = g<<8 | uint64(s[i+k])
	}
	return g | gramFold>>(64-8*size)
}

func gramHash(g uint64, shift uint32) uint64 { return (g * gramMul) >> shift }

// gramMul is the multiplier of gramHash (Fibonacci hashing).
const gramMul = 0x9E3779B97F4A7C15

// gramSizeFor returns the gram size a literal of n bytes is filed under,
// at most maxSize.
func gramSizeFor(n, maxSize int) int {
	for _, s := range gramSizes {
		if n >= s && s <= maxSize {
			return s
		}
	}
	return 0
}

// longGrams is how many literals make an index one of many: its prefixes
// and suffixes take 8-byte grams (with few literals 4-byte grams rarely
// hit anyway), and its substrings 3-byte grams alone (see gramIndex).
const longGrams = 256

// gramCounts adds to count, for each gram of each size, how many of lits
// contain it.
func gramCounts(count map[gramID]int, lits []string) {
	for _, l := range lits {
		seen := map[gramID]bool{}
		for _, size := range gramSizes {
			for i := 0; i+size <= len(l); i++ {
				id := gramID{size, gramAt(l, i, size)}
				if !seen[id] {
					seen[id] = true
					count[id]++
				}
			}
		}
	}
}

// maxPairs is the most distinct byte pairs a substring index may start
// its grams with and still use the pair filter: past it (hex digests,
// thousands of command-line literals) most positions of a value hit a
// pair, and sliding each gram size over the value costs less.
const maxPairs = 128

// newGramIndex files folded literals (each at least 3 bytes long) that
// all have the anchoring kind; pats holds their postings, in the same
// order. count is gramCounts over every literal of the rule set: grams
// common among rules' literals are common in events too. With eq, every
// literal (a substring) has an eqAnchor, and is filed under the gram
// there.
func newGramIndex(kind atomKind, lits []string, pats []acPat, count map[gramID]int, eq bool) *gramIndex {
	// The literals are copied into one block, so that comparing the
	// literals of a bucket reads neighbouring memory.
	blob := strings.Join(lits, "")
	packed := make([]string, len(lits))
	litOff := make([]uint32, len(lits))
	for i, off := 0, 0; i < len(lits); i++ {
		packed[i] = blob[off : off+len(lits[i])]
		litOff[i] = uint32(off)
		off += len(lits[i])
	}
	lits = packed
	gi := &gramIndex{anchor: kind, lits: lits, blob: blob, eq: eq}
	gi.setPostings(pats)
	ref := func(id, off int) []gramRef {
		at := gi.postAt[id]
		return newGramRefs(lits[id], kind, off, litOff[id], at, gi.postAt[id+1]-at)
	}
	type filed struct {
		id  gramID
		ref []gramRef
	}
	var all []filed
	nBySize := map[int]int{}
	seenAt := map[[2]int]bool{}
	maxSize := 4
	if len(lits) >= longGrams {
		maxSize = 8
	}
	if kind == atomContains && len(lits) > maxSkipLits && !eq {
		shortest := maxLiteral
		for _, l := range lits {
			shortest = min(shortest, len(l))
		}
		if shortest >= 8+gramStride-1 {
			gi.stride = gramStride
		}
	}
	for id, l := range lits {
		if eq {
			off := eqAnchor(l)
			all = append(all, filed{gramID{8, gramAt(l, off, 8)}, ref(id, off)})
			nBySize[8]++
			continue
		}
		if gi.stride > 1 {
			// Every literal is long enough to hold a gram at each of the
			// first stride offsets, and a scan tests every stride-th
			// position: one of them falls on one of those grams.
			for off := 0; off < gi.stride; off++ {
				all = append(all, filed{gramID{8, gramAt(l, off, 8)}, ref(id, off)})
				nBySize[8]++
			}
			continue
		}
		size := gramSizeFor(len(l), maxSize)
		if kind == atomContains && len(lits) >= longGrams {
			size = 3 // see the type's doc
		}
		bestOff, bestN := 0, -1
		for i := 0; i+size <= len(l); i++ {
			// Later grams win ties: the end of a path or command is the
			// most distinctive part.
			if n := count[gramID{size, gramAt(l, i, size)}]; bestN < 0 || n <= bestN {
				bestOff, bestN = i, n
			}
		}
		all = append(all, filed{gramID{size, gramAt(l, bestOff, size)}, ref(id, bestOff)})
		nBySize[size]++
		at := bestOff
		if kind == atomSuffix {
			at = len(l) - bestOff
		}
		if !seenAt[[2]int{size, at}] {
			seenAt[[2]int{size, at}] = true
			gs := gi.size(size)
			gs.at = append(gs.at, at)
		}
	}
	for si, s := range gramSizes {
		n := nBySize[s]
		if n == 0 {
			continue
		}
		// About 32 bits per gram keeps false hits near 3%.
		nbits := 512
		for nbits < 32*n && nbits < 1<<20 {
			nbits *= 2
		}
		gs := &gi.sizes[si]
		gs.bits = make([]uint64, nbits/64)
		gs.shift = uint32(64 - bits.TrailingZeros(uint(nbits)))
		sort.Ints(gs.at)
	}
	for _, f := range all {
		gs := gi.size(f.id.size)
		h := gramHash(f.id.g, gs.shift)
		gs.bits[h>>6] |= 1 << (h & 63)
		if kind == atomContains && !eq {
			if gi.pairs == nil {
				gi.pairs = new([1 << 10]uint64)
			}
			pr := uint16(f.id.g)
			gi.pairs[pr>>6] |= 1 << (pr & 63)
		}
	}
	if gi.pairs != nil && (popcount(gi.pairs[:]) > maxPairs || gi.stride > 1) {
		gi.pairs = nil
	}
	if kind == atomContains && !eq {
		gi.skip = newSkipScan(lits)
	}
	// Buckets: refs in the order of their size and bit.
	type keyed struct {
		si  int
		h   uint64
		ref gramRef
	}
	var ks []keyed
	for _, f := range all {
		si := sizeSlot(f.id.size)
		h := gramHash(f.id.g, gi.sizes[si].shift)
		for _, r := range f.ref {
			r.bit = uint8(h & 63)
			ks = append(ks, keyed{si, h, r})
		}
	}
	sort.SliceStable(ks, func(a, b int) bool {
		if ks[a].si != ks[b].si {
			return ks[a].si < ks[b].si
		}
		return ks[a].h < ks[b].h
	})
	k := 0
	for si := range gi.sizes {
		gs := &gi.sizes[si]
		if gs.bits == nil {
			continue
		}
		gs.wstart = make([]uint32, 0, len(gs.bits)+1)
		for w := range gs.bits {
			gs.wstart = append(gs.wstart, uint32(len(gi.refs)))
			for ; k < len(ks) && ks[k].si == si && ks[k].h>>6 == uint64(w); k++ {
				gi.refs = append(gi.refs, ks[k].ref)
			}
		}
		gs.wstart = append(gs.wstart, uint32(len(gi.refs)))
	}
	return gi
}

// setPostings copies the postings of the index's literals, in their
// order, into one slab.
func (gi *gramIndex) setPostings(pats []acPat) {
	gi.posts, gi.postAt = nil, make([]uint32, 0, len(pats)+1)
	for _, p := range pats {
		gi.postAt = append(gi.postAt, uint32(len(gi.posts)))
		gi.posts = append(gi.posts, p.post...)
	}
	gi.postAt = append(gi.postAt, uint32(len(gi.posts)))
}

// postsOf returns the postings of literal i.
func (gi *gramIndex) postsOf(i int) []int32 { return gi.posts[gi.postAt[i]:gi.postAt[i+1]] }

func (gi *gramIndex) size(size int) *gramSize { return &gi.sizes[sizeSlot(size)] }

// sizeSlot returns the index of a gram size in gramSizes.
func sizeSlot(size int) int {
	for si, s := range gramSizes {
		if s == size {
			return si
		}
	}
	panic("native: no gram size " + strconv.Itoa(size))
}

// bytes returns the memory the index holds.
func (gi *gramIndex) bytes() int {
	n := int(unsafe.Sizeof(gramRef{}))*len(gi.refs) + 4*len(gi.posts) + 4*len(gi.postAt)
	if gi.pairs != nil {
		n += 8 * len(gi.pairs)
	}
	for _, gs := range gi.sizes {
		n += 8*len(gs.bits) + 4*len(gs.wstart)
	}
	for _, l := range gi.lits {
		n += len(l)
	}
	return n
}

// scanGrams posts every literal of gi that occurs in the value s with its
// anchoring. An ASCII value is read as it is (grams fold ASCII letters
// themselves); when the part of s the index reads has a non-ASCII byte,
// s is folded rune by rune first, so that multi-byte folds (KELVIN SIGN →
// k) are found too.
func (m *Matcher) scanGrams(gi *gramIndex, s string) {
	if gi.anchor == atomContains {
		// The pair filter reads the raw bytes first: an extra hit only
		// costs an extra rule evaluation, and it reports whether the value
		// is ASCII, having read every byte; a value that is not is
		// scanned again folded rune by rune. The other scans read an
		// ASCII or folded value.
		if gi.pairs != nil && gi.skip == nil {
			if !m.slidePairs(gi, s) {
				m.slidePairs(gi, m.folded(s))
			}
			return
		}
		if !m.isASCII(s) {
			s = m.folded(s)
		}
		switch {
		case gi.eq:
			m.scanEq(gi, s)
		case gi.skip != nil:
			m.skipScan(gi, s)
		case gi.stride > 1:
			m.slideStrided(gi, s)
		default:
			m.slideAll(gi, s)
		}
		return
	}
	// An anchored literal lies within maxAnchored bytes of its end of s;
	// when those bytes are ASCII they fold in place.
	w := s
	if gi.anchor == atomPrefix && len(w) > maxAnchored {
		w = w[:maxAnchored]
	} else if gi.anchor == atomSuffix && len(w) > maxAnchored {
		w = w[len(w)-maxAnchored:]
	}
	if !m.isASCII(w) {
		s = m.folded(s)
	}
	for si, size := range gramSizes {
		gs := &gi.sizes[si]
		if gs.bits == nil {
			continue
		}
		for _, d := range gs.at {
			i := d
			if gi.anchor == atomSuffix {
				i = len(s) - d
			}
			if i < 0 || i+size > len(s) {
				continue
			}
			g := loadGram(s, i, size)
			if h := gramHash(g, gs.shift); gs.bits[h>>6]&(1<<(h&63)) != 0 {
				m.verify(gi, s, i, gs.bucket(gi.refs, h), h)
			}
		}
	}
}

// loadGram is gramAt with one unaligned load for grams of 8 and 4 bytes,
// and for a 3-byte gram that has a byte after it.
func loadGram(s string, i, size int) uint64 {
	p := unsafe.Pointer(unsafe.StringData(s))
	switch {
	case size == 8:
		return *(*uint64)(unsafe.Add(p, i)) | gramFold
	case size == 4:
		return uint64(*(*uint32)(unsafe.Add(p, i)) | gramFold&0xFFFFFFFF)
	case size == 3 && i+4 <= len(s):
		return uint64(*(*uint32)(unsafe.Add(p, i))&0xFFFFFF | gramFold&0xFFFFFF)
	}
	return gramAt(s, i, size)
}

// folded returns the canonical fold of s in the Matcher's buffer.
func (m *Matcher) folded(s string) string {
	m.buf = foldInto(m.buf[:0], s, false)
	return unsafeString(m.buf)
}

// slidePairs finds the literals of a substring index in s, one position at a
// time: a bitmap test of the byte pair there, and only where a filed gram
// starts with that pair, a test of each gram size. It reports whether s
// is ASCII, having read every byte anyway.
func (m *Matcher) slidePairs(gi *gramIndex, s string) bool {
	pairs := gi.pairs
	p := unsafe.Pointer(unsafe.StringData(s))
	var seen uint16
	n := len(s)
	for i := 0; i+2 <= n; i++ {
		pr := *(*uint16)(unsafe.Add(p, i))
		seen |= pr
		if pr |= 0x2020; pairs[pr>>6]&(1<<(pr&63)) != 0 {
			m.probe(gi, s, i)
		}
	}
	if n&1 == 1 || n < 2 {
		// The loop read the last byte unless n < 2.
		if n > 0 {
			seen |= uint16(s[n-1])
		}
	}
	return seen&0x8080 == 0
}

// probe tests the grams of every size that start at position i of s.
func (m *Matcher) probe(gi *gramIndex, s string, i int) {
	for si := range gi.sizes {
		gs := &gi.sizes[si]
		size := gramSizes[si]
		if gs.bits == nil || i+size > len(s) {
			continue
		}
		g := loadGram(s, i, size)
		if h := gramHash(g, gs.shift); gs.bits[h>>6]&(1<<(h&63)) != 0 {
			m.verify(gi, s, i, gs.bucket(gi.refs, h), h)
		}
	}
}

// slideAll tests every gram of s, which must be ASCII or folded: in an
// index of many substrings, the 3-byte grams alone (slideOne); in a
// smaller one, the 4- and 3-byte grams, masked from one 8-byte load per
// position (slideTwo) while the value has eight bytes left, then one by
// one. A sliding index files no substring under an 8-byte gram.
func (m *Matcher) slideAll(gi *gramIndex, s string) {
	g4, g3 := &gi.sizes[1], &gi.sizes[2]
	if g4.bits == nil {
		m.slideOne(gi, s)
		return
	}
	n := len(s)
	i := 0
	if g3.bits != nil {
		i = m.slideTwo(gi, s)
	}
	for ; i+3 <= n; i++ {
		if i+4 <= n {
			g := loadGram(s, i, 4)
			if h := gramHash(g, g4.shift); g4.bits[h>>6]&(1<<(h&63)) != 0 {
				m.verify(gi, s, i, g4.bucket(gi.refs, h), h)
			}
		}
		if g3.bits != nil {
			g := loadGram(s, i, 3)
			if h := gramHash(g, g3.shift); g3.bits[h>>6]&(1<<(h&63)) != 0 {
				m.verify(gi, s, i, g3.bucket(gi.refs, h), h)
			}
		}
	}
}

// slideOne is slideAll for an index of 3-byte grams alone: one probe per
// position, the bitmap in registers.
func (m *Matcher) slideOne(gi *gramIndex, s string) {
	gs := &gi.sizes[2]
	pm := gs.probeMap()
	p := unsafe.Pointer(unsafe.StringData(s))
	n := len(s)
	i := 0
	for ; i+4 <= n; i++ {
		if h, ok := pm.has(uint64(*(*uint32)(unsafe.Add(p, i))&0xFFFFFF | gramFold&0xFFFFFF)); ok {
			m.verify(gi, s, i, gs.bucket(gi.refs, h), h)
		}
	}
	// The last gram has no byte after it to load with.
	if i+3 <= n {
		if h, ok := pm.has(gramAt(s, i, 3)); ok {
			m.verify(gi, s, i, gs.bucket(gi.refs, h), h)
		}
	}
}

// gramStride is the stride of an index of long substrings.
const gramStride = 4

// slideStrided tests the 8-byte grams at every stride-th position of s,
// which must be ASCII or folded.
func (m *Matcher) slideStrided(gi *gramIndex, s string) {
	pm := gi.sizes[0].probeMap()
	p := unsafe.Pointer(unsafe.StringData(s))
	for i, stride := 0, gi.stride; i+8 <= len(s); i += stride {
		if h, ok := pm.has(*(*uint64)(unsafe.Add(p, i)) | gramFold); ok {
			m.verify(gi, s, i, gi.sizes[0].bucket(gi.refs, h), h)
		}
	}
}

// scanEq tests the 8-byte gram at every "=" of s, which must be ASCII or
// folded, against an index whose literals are filed there (gramIndex.eq).
//
// Why: the digests of Sysmon's Hashes ("SHA1=…,MD5=…,SHA256=…,IMPHASH=…")
// are what hundreds of rules test, nearly always with their "ALGO="
// prefix; a strided scan of a 200-byte value made about fifty probes,
// while the value has four "=". Measured in one process against the
// strided index: -0.5 to +4.9% (median +1.5%) in six runs on the
// benchmark events.
func (m *Matcher) scanEq(gi *gramIndex, s string) {
	gs := &gi.sizes[0]
	pm := gs.probeMap()
	p := unsafe.Pointer(unsafe.StringData(s))
	// The "=" bytes are found eight at a time: a byte equal to "=" is a
	// zero byte of w^eqBytes. A flag may be false where a borrow runs
	// past a true one, so each is checked. The words start at every
	// multiple of eight up to last, the last position with a gram, so
	// together they cover every position that can start one.
	last := len(s) - 8
	for base := 0; base <= last; base += 8 {
		x := *(*uint64)(unsafe.Add(p, base)) ^ eqBytes
		z := (x - lowBytes) &^ x & highBits
		for z != 0 {
			i := base + bits.TrailingZeros64(z)>>3
			z &= z - 1
			if i > last || s[i] != '=' {
				continue
			}
			if h, ok := pm.has(*(*uint64)(unsafe.Add(p, i)) | gramFold); ok {
				m.verify(gi, s, i, gs.bucket(gi.refs, h), h)
			}
		}
	}
}

const (
	eqBytes  = 0x3D3D3D3D3D3D3D3D // "=" in every byte
	lowBytes = 0x0101010101010101
	highBits = 0x8080808080808080
)

// verify compares the literals filed under bitmap bit h, for a gram found
// at position i; refs are those of h's word (gramSize.bucket).
func (m *Matcher) verify(gi *gramIndex, s string, i int, refs []gramRef, h uint64) {
	bit := uint8(h & 63)
	for k := range refs {
		r := &refs[k]
		start := i - int(r.off)
		end := start + int(r.n)
		if r.bit != bit || start < 0 || end > len(s) ||
			(r.kind == atomPrefix && start != 0) || (r.kind == atomSuffix && end != len(s)) ||
			!r.equal(s[start:end], gi.blob) {
			continue
		}
		m.post(gi.posts[r.post : r.post+uint32(r.nPost)])
	}
}

// probeMap is a gram bitmap as a scan loop reads it: held in locals, with
// the word index masked instead of bounds-checked (the bitmap's length is
// a power of two) and the shift known to be below 64, so that a test
// compiles to a handful of instructions.
type probeMap struct {
	words unsafe.Pointer
	mask  uint64
	shift uint64
}

func (gs *gramSize) probeMap() probeMap {
	return probeMap{words: unsafe.Pointer(unsafe.SliceData(gs.bits)), mask: uint64(len(gs.bits) - 1), shift: uint64(gs.shift) & 63}
}

// has returns the bitmap bit of gram g and whether it is set.
func (pm probeMap) has(g uint64) (uint64, bool) {
	h := (g * gramMul) >> pm.shift
	w := *(*uint64)(unsafe.Add(pm.words, ((h>>6)&pm.mask)*8))
	return h, w&(1<<(h&63)) != 0
}

// slideTwo tests the 4- and 3-byte grams of s at every position that has
// eight bytes left, masked from one load, with the bitmaps in registers;
// it returns the first position it did not test.
func (m *Matcher) slideTwo(gi *gramIndex, s string) int {
	g4, g3 := &gi.sizes[1], &gi.sizes[2]
	p4, p3 := g4.probeMap(), g3.probeMap()
	p := unsafe.Pointer(unsafe.StringData(s))
	i := 0
	for ; i+8 <= len(s); i++ {
		w := *(*uint64)(unsafe.Add(p, i)) | gramFold
		if h, ok := p4.has(w & 0xFFFFFFFF); ok {
			m.verify(gi, s, i, g4.bucket(gi.refs, h), h)
		}
		if h, ok := p3.has(w & 0xFFFFFF); ok {
			m.verify(gi, s, i, g3.bucket(gi.refs, h), h)
		}
	}
	return i
}
