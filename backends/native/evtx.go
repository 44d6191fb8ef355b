package native

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/0xrawsec/golang-evtx/evtx"
	evtxlog "github.com/0xrawsec/golang-utils/log"
)

// quietEVTX silences the EVTX library's own logger, which otherwise writes
// parse errors to stderr; sigc reports them itself. It is process-wide
// state of that library, set once.
var quietEVTX sync.Once

// readEVTX reads a .evtx file. The library needs an io.ReadSeeker, so the
// input is read into memory first (EVTX files are at most a few hundred
// MB; the matching cost dominates anyway).
//
// The library's convenience iterators run in their own goroutines and
// panic on corrupt chunks, which nothing could recover; sigc walks chunks
// and records itself, in this goroutine, and turns any panic into a
// DecodeError. Records are converted to the evtx_dump JSON shape and
// flattened by the same code as evtx_dump JSON, so both inputs give
// identical field names.
func (rd *Reader) readEVTX(r io.Reader, fn func(Event) error) error {
	quietEVTX.Do(func() { evtxlog.SetLogLevel(evtxlog.LCritical) })
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	var ef evtx.File
	if err := catch(func() error {
		var err error
		ef, err = evtx.New(bytes.NewReader(data))
		return err
	}); err != nil {
		return rd.fail(&DecodeError{Line: 0, Err: fmt.Errorf("evtx header: %w", err)})
	}
	var d Decoder
	var ev Flat
	var doc []byte
	record := 0
	for i := uint16(0); i < ef.Header.ChunkCount; i++ {
		var c evtx.Chunk
		off := int64(ef.Header.ChunkDataOffset) + int64(evtx.ChunkSize)*int64(i)
		if err := catch(func() error {
			var err error
			c, err = ef.FetchChunk(off)
			return err
		}); err != nil {
			if err := rd.fail(&DecodeError{Line: record + 1, Err: fmt.Errorf("evtx chunk %d: %w", i, err)}); err != nil {
				return err
			}
			continue
		}
		for _, eo := range c.EventOffsets {
			record++
			var m *evtx.GoEvtxMap
			err := catch(func() error {
				var err error
				m, err = c.ParseEvent(int64(eo)).GoEvtxMap(&c)
				if err == nil && m != nil {
					doc, err = json.Marshal(dumpShape(*m))
				}
				return err
			})
			if errors.Is(err, evtx.ErrInvalidEvent) {
				// The library lists a trailing offset past the last
				// record of a chunk; it is not an event.
				record--
				continue
			}
			if err == nil && m == nil {
				err = fmt.Errorf("empty record")
			}
			if err == nil {
				err = d.Decode(doc, FormatWinJSON, &ev)
			}
			if err != nil {
				if err := rd.fail(&DecodeError{Line: record, Err: err}); err != nil {
					return err
				}
				continue
			}
			if err := fn(&ev); err != nil {
				return err
			}
		}
	}
	return nil
}

// catch runs f and turns a panic into an error.
func catch(f func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("corrupt input: %v", p)
		}
	}()
	return f()
}

// dumpShape rewrites the library's map into evtx_dump's JSON shape, which
// the regression data (and most tooling) uses:
//
//   - the library merges XML attributes into the element's map; under
//     System every element with a map value has only attributes
//     (Provider, TimeCreated, Execution, Security, Correlation), so they
//     move under "#attributes", and so does an "xmlns" key of a UserData
//     element;
//   - strings are trimmed of surrounding white space, as evtx_dump trims
//     XML text (a command line written with a trailing blank must match
//     rules written against evtx_dump output);
//   - hexadecimal integers, which the library prints zero-padded to their
//     width ("0x0003e7"), are printed without padding ("0x3e7") as
//     evtx_dump and Windows do; rules test LogonId: '0x3e7'.
func dumpShape(m evtx.GoEvtxMap) map[string]any {
	out := normalize(map[string]any(m)).(map[string]any)
	ev, ok := out["Event"].(map[string]any)
	if !ok {
		return out
	}
	if sys, ok := ev["System"].(map[string]any); ok {
		for k, v := range sys {
			if attrs, ok := v.(map[string]any); ok {
				sys[k] = map[string]any{"#attributes": attrs}
			}
		}
	}
	if ud, ok := ev["UserData"].(map[string]any); ok {
		for _, v := range ud {
			if el, ok := v.(map[string]any); ok {
				if ns, ok := el["xmlns"]; ok {
					delete(el, "xmlns")
					el["#attributes"] = map[string]any{"xmlns": ns}
				}
			}
		}
	}
	return out
}

func normalize(v any) any {
	switch x := v.(type) {
	case evtx.GoEvtxMap:
		return normalize(map[string]any(x))
	case map[string]any:
		for k, e := range x {
			x[k] = normalize(e)
		}
		return x
	case []any:
		for i, e := range x {
			x[i] = normalize(e)
		}
		return x
	case string:
		return unpadHex(strings.TrimSpace(x))
	}
	return v
}

// unpadHex strips the zero padding of a fixed-width hex number (8 or 16
// digits after 0x).
func unpadHex(s string) string {
	if (len(s) != 10 && len(s) != 18) || !strings.HasPrefix(s, "0x0") {
		return s
	}
	for i := 2; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return s
		}
	}
	t := strings.TrimLeft(s[2:], "0")
	if t == "" {
		t = "0"
	}
	return "0x" + t
}
