package native

import (
	sigrt "github.com/sigc-dev/sigc/backends/internal/rt"
	"hash/maphash"
	"strconv"
	"unsafe"
)

// Kind is the JSON type of an event value.
type Kind uint8

// Value kinds.
const (
	// KindString is a string; Value.Str holds it.
	KindString Kind = iota
	// KindNumber is a number; Value.Str holds its canonical text
	// (integers without fraction, other numbers in shortest form).
	KindNumber
	// KindBool is a boolean; Value.Str is "true" or "false".
	KindBool
	// KindNull is JSON null.
	KindNull
	// KindArray is an array; Value.Elems holds the elements.
	KindArray
	// KindObject is a nested object whose leaves are separate fields
	// (dotted paths). It only makes exists true.
	KindObject
)

// Value is one event value. It is a small struct rather than an interface
// so that field access never allocates.
type Value struct {
	// Str is the text of a scalar: the string itself, a number's canonical
	// text, or "true"/"false".
	Str   string
	Kind  Kind
	Elems []Value
}

// IsScalar reports whether v is a string, number or boolean.
func (v Value) IsScalar() bool { return v.Kind <= KindBool }

// String returns a string value.
func String(s string) Value { return Value{Str: s, Kind: KindString} }

// Int returns a number value.
func Int(i int64) Value { return Value{Str: strconv.FormatInt(i, 10), Kind: KindNumber} }

// Float returns a number value with canonical text.
func Float(f float64) Value { return Value{Str: sigrt.CanonicalFloat(f), Kind: KindNumber} }

// Bool returns a boolean value.
func Bool(b bool) Value {
	if b {
		return Value{Str: "true", Kind: KindBool}
	}
	return Value{Str: "false", Kind: KindBool}
}

// Null returns the JSON null value.
func Null() Value { return Value{Kind: KindNull} }

// Array returns an array value.
func Array(elems ...Value) Value { return Value{Kind: KindArray, Elems: elems} }

// seed is the hash seed of Keys and Flat indexes. It is fixed for the life
// of the process so that a Key computed at compile time finds the field in
// every event decoded later.
var seed = maphash.MakeSeed()

// Key is a field name with its hash computed once, at compile time, so that
// an event's index lookup costs one probe.
type Key struct {
	Name string
	Hash uint64
}

// NewKey returns the Key of a field name.
func NewKey(name string) Key { return Key{Name: name, Hash: maphash.String(seed, name)} }

// Event is what a Program matches: a set of named values. Implementations
// must not allocate in Get and must be safe to read from several goroutines
// when the caller shares one event between them.
type Event interface {
	// Get returns the value of the field k.Name and whether it is
	// present. k.Hash is NewKey(k.Name).Hash; implementations may use it.
	Get(k Key) (Value, bool)
	// Len returns the number of fields, for keyword searches.
	Len() int
	// At returns the i-th field, 0 <= i < Len().
	At(i int) (name string, v Value)
}

// field is one named value of a Flat event: a Value's text and kind
// inline, its elements (for an array) in Flat.elems.
//
// Why not a Value: its element slice makes a field 72 bytes, and events
// held in memory are read field by field, cache line after cache line;
// at 48 bytes an event's fields take a third fewer lines.
type field struct {
	Name string
	str  string
	hash uint64
	// elems is the position+1 of the field's elements in Flat.elems, 0
	// for a scalar.
	elems int32
	kind  Kind
	// id is the name's number (fieldID), 0 when it has none: fields set
	// by hand (Flat.Set) are looked up by hash.
	id uint16
}

// Flat is the pre-decoded event the decoders produce: fields in insertion
// order plus an open-addressing hash index over their names. A Flat is
// reusable: Reset keeps its memory.
type Flat struct {
	fields []field
	// elems holds the elements of array fields.
	elems [][]Value
	// index holds field position+1, 0 meaning empty; its length is a power
	// of two at least twice the number of fields so probes stay short.
	index []int32
	// arena holds the bytes of decoded strings; see Decoder.
	arena []byte
	// packed reports that the text of every scalar value is in arena
	// (the Decoder and cloneFlat intern all of them), so a keyword search
	// may read the arena as a whole; Set clears it.
	packed bool
	// ascii reports, for a packed event, that its arena is all ASCII, so
	// that every scalar's text is: the decoder finds out while the bytes
	// are in cache, and matching skips its per-value checks.
	ascii bool
}

// unsafeString views b as a string without copying; b must not change
// while the string is in use.
func unsafeString(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// Reset empties the event, keeping its memory for the next decode. Values
// obtained before Reset must not be used after it when the event was
// filled by a Decoder that reuses its arena.
func (f *Flat) Reset() {
	clear(f.fields)
	f.fields = f.fields[:0]
	clear(f.elems)
	f.elems = f.elems[:0]
	clear(f.index)
	f.arena = f.arena[:0]
	f.packed, f.ascii = false, false
}

// Len implements Event.
func (f *Flat) Len() int { return len(f.fields) }

// At implements Event.
func (f *Flat) At(i int) (string, Value) { return f.fields[i].Name, f.value(&f.fields[i]) }

// value returns the value of field fl of f.
func (f *Flat) value(fl *field) Value {
	v := Value{Str: fl.str, Kind: fl.kind}
	if fl.elems > 0 {
		v.Elems = f.elems[fl.elems-1]
	}
	return v
}

// store sets the value of field fl of f.
func (f *Flat) store(fl *field, v Value) {
	fl.str, fl.kind = v.Str, v.Kind
	switch {
	case v.Elems == nil:
		fl.elems = 0
	case fl.elems > 0:
		f.elems[fl.elems-1] = v.Elems
	default:
		f.elems = append(f.elems, v.Elems)
		fl.elems = int32(len(f.elems))
	}
}

// Get implements Event.
func (f *Flat) Get(k Key) (Value, bool) {
	if len(f.index) == 0 {
		return Value{}, false
	}
	mask := uint64(len(f.index) - 1)
	for i := k.Hash & mask; ; i = (i + 1) & mask {
		p := f.index[i]
		if p == 0 {
			return Value{}, false
		}
		fl := &f.fields[p-1]
		if fl.hash == k.Hash && fl.Name == k.Name {
			return f.value(fl), true
		}
	}
}

// Lookup returns the value of a field by name; it is Get for callers
// without a precomputed Key.
func (f *Flat) Lookup(name string) (Value, bool) { return f.Get(NewKey(name)) }

// Set adds a field, or adds v to an existing field of the same name, which
// then holds an array of both (any-element semantics).
func (f *Flat) Set(name string, v Value) {
	f.packed, f.ascii = false, false
	f.setHashed(name, maphash.String(seed, name), 0, v)
}

// merge combines two values of one field into an array. An object marker
// gives way to a real value so that exists and comparisons both work.
func merge(old, v Value) Value {
	switch {
	case old.Kind == KindObject:
		return v
	case v.Kind == KindObject:
		return old
	case old.Kind == KindArray:
		old.Elems = append(old.Elems, v)
		return old
	}
	return Value{Kind: KindArray, Elems: []Value{old, v}}
}

func (f *Flat) grow() {
	n := 16
	for n < 2*(len(f.fields)+1) {
		n *= 2
	}
	if cap(f.index) >= n {
		f.index = f.index[:n]
		clear(f.index)
	} else {
		f.index = make([]int32, n)
	}
	mask := uint64(n - 1)
	for p := range f.fields {
		i := f.fields[p].hash & mask
		for f.index[i] != 0 {
			i = (i + 1) & mask
		}
		f.index[i] = int32(p + 1)
	}
}

// NewFlat builds a Flat event from a Go map of plain JSON-like data
// (string, bool, nil, float64, int, int64, json.Number-like fmt.Stringer
// numbers are not accepted; []any, map[string]any). Nested maps become
// dotted paths. It is meant for tests and small tools, not for speed.
func NewFlat(m map[string]any) *Flat {
	f := &Flat{}
	for k, v := range m {
		addGo(f, k, v)
	}
	return f
}

func addGo(f *Flat, name string, v any) {
	if obj, ok := v.(map[string]any); ok {
		f.Set(name, Value{Kind: KindObject})
		for k, x := range obj {
			addGo(f, name+"."+k, x)
		}
		return
	}
	f.Set(name, goValue(v))
}

func goValue(v any) Value {
	switch x := v.(type) {
	case nil:
		return Null()
	case string:
		return String(x)
	case bool:
		return Bool(x)
	case int:
		return Int(int64(x))
	case int64:
		return Int(x)
	case float64:
		return Float(x)
	case []any:
		out := make([]Value, 0, len(x))
		for _, e := range x {
			out = append(out, goValue(e))
		}
		return Array(out...)
	case map[string]any:
		return Value{Kind: KindObject}
	}
	return Null()
}

// prefetch reads one word of every cache line of the event (its text,
// field table and hash index) and returns a sum the caller keeps, so the
// reads are not optimised away.
//
// Why: a RuleSet then visits the event in an order set by the rules
// (routing fields, keyword text, indexed fields, evaluated rules), each
// visit a chain of dependent loads; when the event comes from memory
// rather than cache, every link of those chains would wait on a miss.
// These loads are independent of each other, so the core has many of
// them in flight at once, and the visits that follow find the event in
// cache.
func (f *Flat) prefetch() uint64 {
	var s uint64
	a := f.arena
	for i := 0; i < len(a); i += 64 {
		s += uint64(a[i])
	}
	fs := f.fields
	for i := range fs {
		s += fs[i].hash
	}
	ix := f.index
	for i := 0; i < len(ix); i += 16 {
		s += uint64(ix[i])
	}
	return s
}
