package native

// fieldTab finds the indexed fields of a routing bucket by the hash a
// Flat stores with every field name; fields that carry their name's
// number (fieldid.go) are found by it instead, without the table.
//
// Why: looking the bucket's fields up one by one (Flat.Get) hops through
// the event's hash index to a field and then to its bytes, each a likely
// cache miss when events stream through memory; walking the event's
// fields in order and asking this small table, which stays in cache,
// whether the bucket indexes each one reads the event front to back.
type fieldTab struct {
	slots []tabSlot
	mask  uint64
}

// tabSlot is one field of the table; fi < 0 marks an empty slot.
type tabSlot struct {
	hash uint64
	name string
	fi   int32
}

// newFieldTab returns the table of the named fields of idx, and the
// keyword pseudo-field if fields lists it.
func newFieldTab(idx *index, fields []int32) (fieldTab, *fieldIndex) {
	var kw *fieldIndex
	n := 8
	for n < 4*len(fields) {
		n *= 2
	}
	t := fieldTab{slots: make([]tabSlot, n), mask: uint64(n - 1)}
	for i := range t.slots {
		t.slots[i].fi = -1
	}
	for _, fi := range fields {
		f := &idx.fields[fi]
		if f.any {
			kw = f
			continue
		}
		j := f.key.Hash & t.mask
		for t.slots[j].fi >= 0 {
			j = (j + 1) & t.mask
		}
		t.slots[j] = tabSlot{hash: f.key.Hash, name: f.key.Name, fi: fi}
	}
	return t, kw
}

// find returns the field index of the table entry for a field name with
// hash h, or -1.
func (t *fieldTab) find(h uint64, name string) int32 {
	for j := h & t.mask; ; j = (j + 1) & t.mask {
		s := &t.slots[j]
		if s.fi < 0 || (s.hash == h && s.name == name) {
			return s.fi
		}
	}
}

// filterFlat is filter's pass over a Flat: keyword atoms over the
// event's text at once, then every field the bucket indexes, in the
// event's order.
func (m *Matcher) filterFlat(fl *Flat, rt *routing) {
	idx := rt.idx
	if rt.kw != nil {
		m.scanKeywords(rt.kw, fl)
	}
	if len(rt.fields) == 0 || (len(rt.fields) == 1 && rt.kw != nil) {
		return
	}
	for i := range fl.fields {
		f := &fl.fields[i]
		fi := int32(-1)
		if id := int(f.id); id == 0 {
			fi = rt.tab.find(f.hash, f.Name)
		} else if id < len(rt.byID) {
			// Every indexed name was numbered when the bucket was made,
			// so a number past the table is not indexed.
			fi = rt.byID[id]
		}
		if fi >= 0 {
			m.scanValue(&idx.fields[fi], fl.value(f))
		}
	}
}

// scanKeywords finds the keyword atoms of f in the scalar values of fl.
// When f is a plain substring index and the event's text is packed (every
// scalar's text lies in its arena), the arena is searched in one go: a
// literal found across two adjacent values is a false hit, which only
// costs the rule's evaluation, and no true hit is missed.
func (m *Matcher) scanKeywords(f *fieldIndex, fl *Flat) {
	if gi := f.onlySkip(); gi != nil && fl.packed {
		s := unsafeString(fl.arena)
		if !m.isASCII(s) {
			s = m.folded(s)
		}
		m.skipScan(gi, s)
		return
	}
	m.scanAll(f, fl)
}
