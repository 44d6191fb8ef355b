package native

// decodeFast is Decode for the common shape of an event: one JSON object
// of strings, plain integers, booleans, nulls and nested objects, read in
// one pass straight into ev. It reports false, leaving ev to be reset,
// for anything else (arrays, other numbers, \u escapes, an "Event" member
// that may be evtx_dump's, malformed input), which Decode then reads with
// fastjson, so that both paths give the same event and the same errors.
//
// Why: parsing into fastjson's tree and then walking it touches every
// value twice and costs about two thirds of decoding; streams of Sysmon
// or Security events are nearly all of this shape.
func (d *Decoder) decodeFast(data []byte, format Format, ev *Flat) bool {
	if format != FormatJSON && format != FormatAuto {
		return false
	}
	p := fastParser{d: d, ev: ev, b: data, auto: format == FormatAuto}
	p.ws()
	if p.i >= len(p.b) || p.b[p.i] != '{' {
		return false
	}
	d.path = d.path[:0]
	if !p.object(0) {
		return false
	}
	p.ws()
	return p.i == len(p.b)
}

// fastParser is the state of one decodeFast.
type fastParser struct {
	d    *Decoder
	ev   *Flat
	b    []byte
	i    int
	auto bool
}

// maxFastDepth bounds the nesting decodeFast follows.
const maxFastDepth = 64

// ws skips the white space JSON allows.
func (p *fastParser) ws() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

// object reads an object whose '{' is at p.i, adding its members under
// d.path.
func (p *fastParser) object(depth int) bool {
	if depth > maxFastDepth {
		return false
	}
	p.i++ // '{'
	p.ws()
	if p.i < len(p.b) && p.b[p.i] == '}' {
		p.i++
		return true
	}
	d := p.d
	base := len(d.path)
	for {
		if p.i >= len(p.b) || p.b[p.i] != '"' {
			return false
		}
		key, ok := p.rawString()
		if !ok {
			return false
		}
		if depth == 0 && p.auto && string(key) == "Event" {
			// Possibly evtx_dump's shape, which Decode flattens.
			return false
		}
		d.path = append(d.path[:base], key...)
		p.ws()
		if p.i >= len(p.b) || p.b[p.i] != ':' {
			return false
		}
		p.i++
		p.ws()
		if !p.value(depth) {
			return false
		}
		p.ws()
		if p.i >= len(p.b) {
			return false
		}
		switch p.b[p.i] {
		case ',':
			p.i++
			p.ws()
		case '}':
			p.i++
			d.path = d.path[:base]
			return true
		default:
			return false
		}
	}
}

// value reads the value at p.i and adds it under d.path.
func (p *fastParser) value(depth int) bool {
	if p.i >= len(p.b) {
		return false
	}
	d, ev := p.d, p.ev
	switch c := p.b[p.i]; {
	case c == '"':
		s, ok := p.stringValue()
		if !ok {
			return false
		}
		d.set(ev, d.path, Value{Kind: KindString, Str: s})
	case c == '{':
		d.set(ev, d.path, Value{Kind: KindObject})
		d.path = append(d.path, '.')
		return p.object(depth + 1)
	case c == 't':
		if !p.literal("true") {
			return false
		}
		d.set(ev, d.path, Value{Kind: KindBool, Str: ev.intern(trueText)})
	case c == 'f':
		if !p.literal("false") {
			return false
		}
		d.set(ev, d.path, Value{Kind: KindBool, Str: ev.intern(falseText)})
	case c == 'n':
		if !p.literal("null") {
			return false
		}
		d.set(ev, d.path, Null())
	case c == '-' || c >= '0' && c <= '9':
		return p.integer()
	default:
		return false
	}
	return true
}

// literal consumes word, which must end the value (fastjson's rule: what
// follows is checked by the caller).
func (p *fastParser) literal(word string) bool {
	if len(p.b)-p.i < len(word) || string(p.b[p.i:p.i+len(word)]) != word {
		return false
	}
	p.i += len(word)
	return true
}

// integer reads a number made of digits (after an optional '-'); any
// other number character in the token (a fraction, an exponent, a sign
// inside it) is left to fastjson.
func (p *fastParser) integer() bool {
	start := p.i
	if p.b[p.i] == '-' {
		p.i++
	}
	digits := p.i
	for p.i < len(p.b) && p.b[p.i] >= '0' && p.b[p.i] <= '9' {
		p.i++
	}
	if p.i == digits {
		return false
	}
	if p.i < len(p.b) {
		switch p.b[p.i] {
		case '.', '-', '+', 'e', 'E':
			return false
		}
	}
	ev := p.ev
	p.d.set(ev, p.d.path, ev.number(ev.intern(p.b[start:p.i])))
	return true
}

// rawString reads the string at p.i ('"') that has no escapes, returning
// its bytes inside the input.
func (p *fastParser) rawString() ([]byte, bool) {
	start := p.i + 1
	end := stringStop(p.b, start)
	if end == len(p.b) || p.b[end] != '"' {
		return nil, false
	}
	p.i = end + 1
	return p.b[start:end], true
}

// stringValue reads the string at p.i into the event's arena, resolving
// the escapes that stand for one byte.
func (p *fastParser) stringValue() (string, bool) {
	start := p.i + 1
	end := stringStop(p.b, start)
	if end == len(p.b) {
		return "", false
	}
	if p.b[end] == '"' {
		p.i = end + 1
		return p.ev.intern(p.b[start:end]), true
	}
	// Escapes: unescape into the arena directly.
	ev := p.ev
	at := len(ev.arena)
	ev.arena = append(ev.arena, p.b[start:end]...)
	i := end
	for {
		// p.b[i] is a backslash.
		if i+1 >= len(p.b) {
			return "", false
		}
		var c byte
		switch p.b[i+1] {
		case '"', '\\', '/':
			c = p.b[i+1]
		case 'b':
			c = '\b'
		case 'f':
			c = '\f'
		case 'n':
			c = '\n'
		case 'r':
			c = '\r'
		case 't':
			c = '\t'
		default:
			// \u and invalid escapes are fastjson's.
			return "", false
		}
		ev.arena = append(ev.arena, c)
		i += 2
		j := stringStop(p.b, i)
		if j == len(p.b) {
			return "", false
		}
		ev.arena = append(ev.arena, p.b[i:j]...)
		if p.b[j] == '"' {
			p.i = j + 1
			if len(ev.arena) == at {
				return "", true
			}
			return unsafeString(ev.arena[at:]), true
		}
		i = j
	}
}
