package native

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/bits"
)

// DecodeError reports an event that could not be decoded, with the 1-based
// line where it starts (for EVTX, the record number) so the CLI can point
// at it with a diag.Pos.
type DecodeError struct {
	Line int
	Err  error
}

// Error implements error.
func (e *DecodeError) Error() string { return fmt.Sprintf("event at line %d: %v", e.Line, e.Err) }

// Unwrap returns the underlying error.
func (e *DecodeError) Unwrap() error { return e.Err }

// Reader streams events from an io.Reader.
type Reader struct {
	// Format of the input; FormatAuto detects it.
	Format Format
	// OnError, if set, is called for each event that cannot be decoded;
	// returning nil skips the event and goes on, returning an error stops
	// reading with it. Without OnError the first bad event stops reading.
	OnError func(*DecodeError) error
	// MaxEventSize bounds one JSON event (default 64 MiB), so that a
	// stream without structure cannot make the reader buffer everything.
	MaxEventSize int
}

// ReadEvents calls fn for every event of r in order, stopping at the first
// error fn or the input returns. The Event passed to fn is reused for the
// next event: fn must not keep it (copy what it needs).
func ReadEvents(r io.Reader, format Format, fn func(Event) error) error {
	return (&Reader{Format: format}).Read(r, fn)
}

// evtxMagic starts every .evtx file.
var evtxMagic = []byte("ElfFile\x00")

// Read streams the events of r to fn (see ReadEvents).
func (rd *Reader) Read(r io.Reader, fn func(Event) error) error {
	br := bufio.NewReaderSize(r, 1<<20)
	format := rd.Format
	if format == FormatAuto {
		head, _ := br.Peek(len(evtxMagic))
		if bytes.Equal(head, evtxMagic) {
			format = FormatEVTX
		}
	}
	if format == FormatEVTX {
		return rd.readEVTX(br, fn)
	}
	var d Decoder
	var ev Flat
	// A line that is one event of the common shape is decoded as it is,
	// without first being cut out by the scanner.
	whole := func(line []byte) (bool, error) {
		if !d.tryFast(line, format, &ev) {
			return false, nil
		}
		return true, fn(&ev)
	}
	return rd.splitJSON(br, whole, func(doc []byte, line int) error {
		if err := d.Decode(doc, format, &ev); err != nil {
			return rd.fail(&DecodeError{Line: line, Err: err})
		}
		return fn(&ev)
	})
}

func (rd *Reader) fail(e *DecodeError) error {
	if rd.OnError == nil {
		return e
	}
	return rd.OnError(e)
}

// splitJSON cuts a stream of JSON values — one per line, concatenated and
// pretty-printed, or the elements of one top-level array — into documents
// without parsing them: a byte scanner tracks string state and nesting.
//
// whole, when not nil, is offered every complete line that starts a
// document first; when it reports that it took the line as one event
// (and passed it on itself), the scanner skips the line.
func (rd *Reader) splitJSON(br *bufio.Reader, whole func(line []byte) (bool, error), fn func(doc []byte, line int) error) error {
	limit := rd.MaxEventSize
	if limit <= 0 {
		limit = 64 << 20
	}
	var buf []byte
	line := 1
	inArray := false
	first := true
	for {
		// Skip white space and, inside a top-level array, separators.
		c, err := br.ReadByte()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		switch c {
		case '\n':
			line++
			continue
		case ' ', '\t', '\r':
			continue
		case ',', ']':
			if inArray {
				continue
			}
		case '[':
			if first {
				inArray = true
				first = false
				continue
			}
		}
		first = false
		start := line
		buf = append(buf[:0], c)
		if c != '{' {
			// Not an object: consume the rest of the line as one bad
			// document so the error names it and reading can go on.
			rest, _ := br.ReadSlice('\n')
			if len(rest) > 0 && rest[len(rest)-1] == '\n' {
				line++
			}
			if err := rd.fail(&DecodeError{Line: start, Err: errNotObject}); err != nil {
				return err
			}
			continue
		}
		depth, inStr, esc := 1, false, false
		// pending is a first chunk read for whole and left to the scanner.
		var pending []byte
		var pendingErr error
		if whole != nil {
			br.UnreadByte()
			chunk, err := br.ReadSlice('\n')
			if err == nil && len(chunk) <= limit {
				took, ferr := whole(chunk)
				if ferr != nil {
					return ferr
				}
				if took {
					line++
					continue
				}
			}
			pending, pendingErr = chunk[1:], err
		}
		for depth > 0 {
			chunk, err := pending, pendingErr
			if pending != nil {
				pending = nil
			} else {
				chunk, err = br.ReadSlice('\n')
			}
			if len(buf)+len(chunk) > limit {
				return rd.fail(&DecodeError{Line: start, Err: fmt.Errorf("event larger than %d bytes", limit)})
			}
			i := 0
			for ; i < len(chunk) && depth > 0; i++ {
				b := chunk[i]
				switch {
				case esc:
					esc = false
				case inStr:
					// Most of a document's bytes are string contents:
					// jump to the string's next quote or backslash.
					i = stringStop(chunk, i)
					switch {
					case i == len(chunk):
						i--
					case chunk[i] == '\\':
						esc = true
					default:
						inStr = false
					}
				case b == '"':
					inStr = true
				case b == '{' || b == '[':
					depth++
				case b == '}' || b == ']':
					depth--
				}
			}
			buf = append(buf, chunk[:i]...)
			if i < len(chunk) {
				// The document ended mid-chunk; push the rest back by
				// handling it as the start of the next round.
				if err := fn(buf, start); err != nil {
					return err
				}
				rest := chunk[i:]
				if rest[len(rest)-1] == '\n' {
					line++
				}
				if err := rd.rest(rest, start); err != nil {
					return err
				}
				break
			}
			if len(chunk) > 0 && chunk[len(chunk)-1] == '\n' {
				line++
			}
			if depth == 0 {
				if err := fn(buf, start); err != nil {
					return err
				}
				break
			}
			if err == io.EOF {
				return rd.fail(&DecodeError{Line: start, Err: errors.New("unexpected end of input inside an event")})
			}
			if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
				return err
			}
		}
	}
}

// stringStop returns the index of the first '"' or '\\' in b at or after
// i, or len(b). It tests eight bytes at a time: JSON strings are mostly
// short, too short for bytes.IndexByte's setup to pay.
func stringStop(b []byte, i int) int {
	const (
		ones  = 0x0101010101010101
		highs = 0x8080808080808080
		quote = '"' * ones
		slash = '\\' * ones
	)
	for ; i+8 <= len(b); i += 8 {
		w := binary.LittleEndian.Uint64(b[i:])
		q, s := w^quote, w^slash
		// A byte of q or s is zero where w has a quote or a backslash;
		// the lowest flagged byte is always a true one.
		if m := ((q-ones)&^q | (s-ones)&^s) & highs; m != 0 {
			return i + bits.TrailingZeros64(m)>>3
		}
	}
	for ; i < len(b); i++ {
		if b[i] == '"' || b[i] == '\\' {
			return i
		}
	}
	return len(b)
}

// rest checks what follows a document on the same line: only white space
// and array separators are allowed (two objects on one line are read as
// one document followed by garbage, which is reported).
func (rd *Reader) rest(b []byte, line int) error {
	for _, c := range b {
		switch c {
		case ' ', '\t', '\r', '\n', ',', ']':
		default:
			return rd.fail(&DecodeError{Line: line, Err: fmt.Errorf("unexpected %q after an event", c)})
		}
	}
	return nil
}
