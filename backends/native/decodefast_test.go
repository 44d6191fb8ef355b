package native

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"
)

// decodeBoth decodes data with and without decodeFast and reports any
// difference: the error (its presence and text), the fields in order
// (names, kinds, texts, elements), and the arena the keyword search
// reads.
func decodeBoth(data []byte, format Format) (fast bool, diff string) {
	var df, ds Decoder
	ds.slowOnly = true
	var ef, es Flat
	var probe Flat
	fast = df.decodeFast(data, format, &probe)
	errF := df.Decode(data, format, &ef)
	errS := ds.Decode(data, format, &es)
	if (errF == nil) != (errS == nil) || errF != nil && errF.Error() != errS.Error() {
		return fast, fmt.Sprintf("errors differ: fast %v, fastjson %v", errF, errS)
	}
	if errS != nil {
		return fast, ""
	}
	if got, want := flatString(&ef), flatString(&es); got != want {
		return fast, fmt.Sprintf("events differ:\nfast     %s\nfastjson %s", got, want)
	}
	if !bytes.Equal(ef.arena, es.arena) || ef.packed != es.packed || ef.ascii != es.ascii {
		return fast, fmt.Sprintf("arenas differ: %q (packed %v, ascii %v) vs %q (packed %v, ascii %v)",
			ef.arena, ef.packed, ef.ascii, es.arena, es.packed, es.ascii)
	}
	return fast, ""
}

// flatString renders an event's fields in order.
func flatString(f *Flat) string {
	var b strings.Builder
	for i := 0; i < f.Len(); i++ {
		name, v := f.At(i)
		fmt.Fprintf(&b, "%q=%s ", name, render(v, true))
	}
	return b.String()
}

// TestDecodeFast checks the one-pass decoder against the fastjson path on
// hand-picked shapes, on every benchmark event and on every regression
// event of the corpus, and that it takes the common shape itself.
func TestDecodeFast(t *testing.T) {
	cases := []struct {
		js   string
		fast bool
	}{
		{`{"a":"x","b":1,"c":-20,"d":true,"e":false,"f":null,"g":{"h":"i","j":{}}}`, true},
		{` {"a" : "C:\\Windows\\x\"y\/z\b\f\n\r\t" , "b":"" } `, true},
		{`{"a":1,"a":"two","a":null}`, true},
		{`{"n":007,"m":-0,"z":0}`, true},
		{`{}`, true},
		{`{"a":"é raw \u00e9"}`, false},
		{`{"a\"b":1}`, false},
		{`{"a":[1,2]}`, false},
		{`{"a":1.5}`, false},
		{`{"a":1e3}`, false},
		{`{"a":1-2}`, false},
		{`{"a":nan}`, false},
		{`{"Event":{"System":{"EventID":1}}}`, false},
		{`{"a":1,}`, false},
		{`{"a":1} x`, false},
		{`{"a":tru}`, false},
		{`{"a":truex}`, false},
		{`{"a":"unterminated}`, false},
		{`{"a":"bad \x escape"}`, false},
		{`[{"a":1}]`, false},
		{`"x"`, false},
		{``, false},
		{"{\"a\":\"raw\nnewline\"}", true},
		{`{"a":` + strings.Repeat(`{"b":`, 100) + `1` + strings.Repeat(`}`, 101), false},
	}
	for _, tc := range cases {
		fast, diff := decodeBoth([]byte(tc.js), FormatAuto)
		if diff != "" {
			t.Errorf("%s: %s", tc.js, diff)
		}
		if fast != tc.fast {
			t.Errorf("%s: fast path taken = %v, want %v", tc.js, fast, tc.fast)
		}
	}

	raw, _ := loadBench(t)
	docs := bytes.Split(raw, []byte("\n"))
	for _, p := range regressionFiles(t) {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, bytes.Split(b, []byte("\n"))...)
	}
	nfast, failures := 0, 0
	for _, doc := range docs {
		if len(bytes.TrimSpace(doc)) == 0 {
			continue
		}
		for _, format := range []Format{FormatAuto, FormatJSON} {
			fast, diff := decodeBoth(doc, format)
			if fast {
				nfast++
			}
			if diff != "" {
				if failures++; failures <= 5 {
					t.Errorf("%.200s: %s", doc, diff)
				}
			}
		}
	}
	if nfast < len(docs) {
		t.Errorf("fast path took %d of %d decodes; the benchmark events are its shape", nfast, 2*len(docs))
	}
}

// FuzzDecodeFast: on any input the one-pass decoder and the fastjson path
// agree.
func FuzzDecodeFast(f *testing.F) {
	for _, s := range []string{`{"a":"x","b":{"c":1}}`, `{"a":"\n\\\""}`, `{"a":-1,"b":null}`, `{"a":[1]}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, format := range []Format{FormatAuto, FormatJSON, FormatWinJSON} {
			if _, diff := decodeBoth(data, format); diff != "" {
				t.Fatalf("%q: %s", data, diff)
			}
		}
	})
}

// readStream reads data as Read does, with the whole-line path or (withWhole
// false) with every document cut out by the scanner first, and renders
// the events and errors in order.
func readStream(data []byte, format Format, withWhole bool) string {
	var out strings.Builder
	rd := &Reader{Format: format, OnError: func(e *DecodeError) error {
		fmt.Fprintf(&out, "error %v\n", e)
		return nil
	}}
	emit := func(ev Event) error {
		out.WriteString(flatString(ev.(*Flat)) + "\n")
		return nil
	}
	if withWhole {
		if err := rd.Read(bytes.NewReader(data), emit); err != nil {
			fmt.Fprintf(&out, "stop %v\n", err)
		}
		return out.String()
	}
	var d Decoder
	var ev Flat
	err := rd.splitJSON(bufio.NewReaderSize(bytes.NewReader(data), 1<<20), nil, func(doc []byte, line int) error {
		if err := d.Decode(doc, format, &ev); err != nil {
			return rd.fail(&DecodeError{Line: line, Err: err})
		}
		return emit(&ev)
	})
	if err != nil {
		fmt.Fprintf(&out, "stop %v\n", err)
	}
	return out.String()
}

// FuzzReadWholeLines: a stream reads the same, events and errors with
// their lines, whether lines of the common shape skip the scanner or not.
func FuzzReadWholeLines(f *testing.F) {
	for _, s := range []string{
		"{\"a\":1}\n{\"a\":2}\n", "{\n \"a\": \"}\"\n}\n{\"b\":[1]}\n", "[\n{\"a\":1},\n{\"a\":2}\n]\n",
		"{\"a\":1}\nnope\n{\"a\":2}", "{\"a\":1}{\"b\":2}\n{\"c\":\"x\\\"\n}\"}\n", "\n\n  {\"a\":tru}\n{\"a\":\"\\u00e9\"}\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, format := range []Format{FormatAuto, FormatJSON} {
			if got, want := readStream(data, format, true), readStream(data, format, false); got != want {
				t.Fatalf("%q:\nwhole lines:\n%s\nscanner only:\n%s", data, got, want)
			}
		}
	})
}
