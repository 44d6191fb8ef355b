package native

import (
	"errors"
	sigrt "github.com/sigc-dev/sigc/backends/internal/rt"
	"hash/maphash"
	"unsafe"

	"github.com/valyala/fastjson"
)

// Format says how a stream of events is encoded.
type Format uint8

// Event formats.
const (
	// FormatAuto detects the format: EVTX by its file magic, otherwise
	// JSON; a JSON object whose "Event" member holds "System" is flattened
	// as a Windows event, any other object as nested JSON.
	FormatAuto Format = iota
	// FormatJSON is JSON objects (JSON Lines, concatenated objects, or one
	// array of objects); nested objects are reachable by dotted paths.
	FormatJSON
	// FormatWinJSON is evtx_dump-style Windows JSON, flattened as the
	// package documentation describes.
	FormatWinJSON
	// FormatEVTX is a Windows .evtx file.
	FormatEVTX
)

// String returns the format's name as the CLI spells it.
func (f Format) String() string {
	switch f {
	case FormatAuto:
		return "auto"
	case FormatJSON:
		return "json"
	case FormatWinJSON:
		return "evtx-json"
	case FormatEVTX:
		return "evtx"
	}
	return "format(?)"
}

// Decoder turns one JSON document into a Flat event. It reuses its parser
// and name table across calls, so one Decoder serves one goroutine.
type Decoder struct {
	p     fastjson.Parser
	path  []byte
	names map[string]name
	// recent caches names by a cheap hash of their bytes, in front of
	// names: an event's forty-odd names then cost a comparison each
	// rather than a map lookup.
	recent [256]recentName
	// slowOnly turns decodeFast off, so that tests can compare it with
	// the fastjson path.
	slowOnly bool
}

// recentName is an entry of Decoder.recent.
type recentName struct {
	name
	ok bool
}

// name is an interned field name with its hash and number (fieldID):
// field names repeat across events, so they are allocated, hashed and
// numbered once per Decoder.
type name struct {
	s  string
	h  uint64
	id uint16
}

// maxNames bounds the name table against hostile inputs with ever-new keys;
// past it names are copied into the event's arena instead.
const maxNames = 1 << 16

var trueText, falseText = []byte("true"), []byte("false")

var errNotObject = errors.New("event is not a JSON object")

// Decode parses data, one JSON object, into ev (which is Reset first)
// according to format; FormatEVTX is not valid here. Strings in ev point
// into ev's own memory, so ev stays valid after the next Decode into
// another Flat.
func (d *Decoder) Decode(data []byte, format Format, ev *Flat) error {
	if d.tryFast(data, format, ev) {
		return nil
	}
	ev.Reset()
	v, err := d.p.ParseBytes(data)
	if err != nil {
		return err
	}
	o, err := v.Object()
	if err != nil {
		return errNotObject
	}
	if format == FormatWinJSON || format == FormatAuto {
		if evo := o.Get("Event"); evo != nil && evo.Type() == fastjson.TypeObject && evo.Get("System") != nil {
			d.winChildren(ev, evo, "Event")
		} else if format == FormatWinJSON {
			return errors.New(`event has no "Event.System" object`)
		}
	}
	d.path = d.path[:0]
	d.object(ev, o)
	ev.pack()
	return nil
}

// tryFast decodes data into ev (reset first) with decodeFast, reporting
// whether it could.
func (d *Decoder) tryFast(data []byte, format Format, ev *Flat) bool {
	ev.Reset()
	if d.slowOnly || !d.decodeFast(data, format, ev) {
		return false
	}
	ev.pack()
	return true
}

// object adds every member of o under d.path (a dotted prefix).
func (d *Decoder) object(ev *Flat, o *fastjson.Object) {
	base := len(d.path)
	o.Visit(func(k []byte, v *fastjson.Value) {
		d.path = append(d.path[:base], k...)
		d.member(ev, v)
	})
	d.path = d.path[:base]
}

// member adds v under the name d.path.
func (d *Decoder) member(ev *Flat, v *fastjson.Value) {
	switch v.Type() {
	case fastjson.TypeObject:
		d.set(ev, d.path, Value{Kind: KindObject})
		o, _ := v.Object()
		d.path = append(d.path, '.')
		d.object(ev, o)
	case fastjson.TypeArray:
		arr, _ := v.Array()
		base := len(d.path)
		elems := make([]Value, 0, len(arr))
		for _, e := range arr {
			if e.Type() == fastjson.TypeObject {
				// Objects inside arrays add their leaves under the array's
				// path, where repeated names merge into arrays.
				o, _ := e.Object()
				d.path = append(d.path[:base], '.')
				d.object(ev, o)
				d.path = d.path[:base]
				continue
			}
			elems = append(elems, d.scalar(ev, e))
		}
		d.set(ev, d.path, Value{Kind: KindArray, Elems: elems})
	default:
		d.set(ev, d.path, d.scalar(ev, v))
	}
}

// scalar converts a non-object value; nested arrays flatten into one.
func (d *Decoder) scalar(ev *Flat, v *fastjson.Value) Value {
	switch v.Type() {
	case fastjson.TypeString:
		b, _ := v.StringBytes()
		return Value{Kind: KindString, Str: ev.intern(b)}
	case fastjson.TypeNumber:
		start := len(ev.arena)
		ev.arena = v.MarshalTo(ev.arena)
		return ev.number(unsafe.String(unsafe.SliceData(ev.arena[start:]), len(ev.arena)-start))
	case fastjson.TypeTrue:
		return Value{Kind: KindBool, Str: ev.intern(trueText)}
	case fastjson.TypeFalse:
		return Value{Kind: KindBool, Str: ev.intern(falseText)}
	case fastjson.TypeArray:
		arr, _ := v.Array()
		elems := make([]Value, 0, len(arr))
		for _, e := range arr {
			if e.Type() != fastjson.TypeObject {
				elems = append(elems, d.scalar(ev, e))
			}
		}
		return Value{Kind: KindArray, Elems: elems}
	}
	return Null()
}

// winChildren flattens the children of the XML element tag (evtx_dump
// shape): attributes become tag_attr, "#text" becomes tag, child elements
// become their own names.
func (d *Decoder) winChildren(ev *Flat, v *fastjson.Value, tag string) {
	o, err := v.Object()
	if err != nil {
		return
	}
	o.Visit(func(k []byte, c *fastjson.Value) {
		switch string(k) {
		case "#attributes":
			attrs, err := c.Object()
			if err != nil {
				return
			}
			attrs.Visit(func(a []byte, av *fastjson.Value) {
				d.path = append(append(append(d.path[:0], tag...), '_'), a...)
				d.winLeaf(ev, av)
			})
		case "#text":
			d.path = append(d.path[:0], tag...)
			d.winLeaf(ev, c)
		default:
			d.winElem(ev, string(k), c)
		}
	})
}

// winElem flattens one child element named k.
func (d *Decoder) winElem(ev *Flat, k string, c *fastjson.Value) {
	switch c.Type() {
	case fastjson.TypeObject:
		d.winChildren(ev, c, d.name(k).s)
	case fastjson.TypeArray:
		arr, _ := c.Array()
		for _, e := range arr {
			d.winElem(ev, k, e)
		}
	default:
		d.path = append(d.path[:0], k...)
		d.winLeaf(ev, c)
	}
}

func (d *Decoder) winLeaf(ev *Flat, v *fastjson.Value) {
	if v.Type() == fastjson.TypeObject {
		return
	}
	d.set(ev, d.path, d.scalar(ev, v))
}

// set adds a field named by the bytes of nm.
func (d *Decoder) set(ev *Flat, nm []byte, v Value) {
	n := d.name2(ev, nm)
	ev.setHashed(n.s, n.h, n.id, v)
}

func (d *Decoder) name(k string) name {
	return d.name2(nil, unsafe.Slice(unsafe.StringData(k), len(k)))
}

func (d *Decoder) name2(ev *Flat, nm []byte) name {
	r := &d.recent[recentSlot(nm)]
	if r.ok && r.s == string(nm) {
		return r.name
	}
	if n, ok := d.names[string(nm)]; ok {
		*r = recentName{n, true}
		return n
	}
	if d.names == nil {
		d.names = make(map[string]name)
	}
	if len(d.names) >= maxNames && ev != nil {
		s := ev.intern(nm)
		return name{s: s, h: maphash.String(seed, s)}
	}
	s := string(nm)
	n := name{s: s, h: maphash.String(seed, s)}
	if len(d.names) < maxNames {
		n.id = fieldID(s)
		d.names[s] = n
		*r = recentName{n, true}
	}
	return n
}

// recentSlot picks the Decoder.recent entry of a name from its length and
// three of its bytes.
func recentSlot(nm []byte) int {
	n := len(nm)
	if n == 0 {
		return 0
	}
	h := uint32(n) | uint32(nm[0])<<8 | uint32(nm[n-1])<<16 | uint32(nm[n/2])<<24
	return int((h * 0x9E3779B1) >> 24)
}

// number returns the number value of raw, a number's text as written and
// already in the arena, with its canonical text (interned too when it
// differs: the event's text must hold what keywords search, Flat.packed).
func (f *Flat) number(raw string) Value {
	c := sigrt.CanonicalNumber(raw)
	if c != raw {
		c = f.intern([]byte(c))
	}
	return Value{Kind: KindNumber, Str: c}
}

// pack marks the event packed, when every scalar's text was interned
// into its arena, and notes whether that text is all ASCII.
func (f *Flat) pack() {
	f.packed = true
	f.ascii = isASCII(unsafeString(f.arena))
}

// intern copies b into the event's arena and returns it as a string. The
// arena may be reallocated as it grows; strings made earlier keep the old
// backing array alive, so they stay valid until Reset.
func (f *Flat) intern(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	start := len(f.arena)
	f.arena = append(f.arena, b...)
	return unsafe.String(unsafe.SliceData(f.arena[start:]), len(b))
}

// setHashed is Set with the name's hash and number (0: none) already
// known.
func (f *Flat) setHashed(name string, h uint64, id uint16, v Value) {
	if 2*(len(f.fields)+1) > len(f.index) {
		f.grow()
	}
	mask := uint64(len(f.index) - 1)
	i := h & mask
	for ; f.index[i] != 0; i = (i + 1) & mask {
		fl := &f.fields[f.index[i]-1]
		if fl.hash == h && fl.Name == name {
			f.store(fl, merge(f.value(fl), v))
			return
		}
	}
	f.fields = append(f.fields, field{Name: name, hash: h, id: id})
	f.store(&f.fields[len(f.fields)-1], v)
	f.index[i] = int32(len(f.fields))
}
