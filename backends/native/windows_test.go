package native

import (
	"fmt"
	"github.com/sigc-dev/sigc/rules/corpus"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

const winEvent = `{"Event": {"#attributes": {"xmlns": "http://schemas.microsoft.com/win/2004/08/events/event"},
 "System": {"Provider": {"#attributes": {"Name": "Microsoft-Windows-Sysmon", "Guid": "5770"}},
  "EventID": 11, "Level": 4, "TimeCreated": {"#attributes": {"SystemTime": "2025-10-24T23:41:00.601559Z"}},
  "Correlation": null, "Execution": {"#attributes": {"ProcessID": 3308, "ThreadID": 4008}},
  "Channel": "Microsoft-Windows-Sysmon/Operational", "Security": {"#attributes": {"UserID": "S-1-5-18"}}},
 "EventData": {"#attributes": {"Name": "TaskDisabled"}, "Image": "C:\\Windows\\system32\\cmd.exe", "ProcessId": 10048},
 "UserData": {"Op": {"#attributes": {"xmlns": "u"}, "User": "dom\\x", "Id": {"#attributes": {"Kind": "k"}, "#text": "T"}}}}}`

// TestWindowsFlattening checks every rule of the documented flattening.
func TestWindowsFlattening(t *testing.T) {
	ev := event(t, winEvent)
	tests := []struct{ field, want string }{
		{"Provider_Name", "Microsoft-Windows-Sysmon"},
		{"Provider_Guid", "5770"},
		{"EventID", "11"},
		{"Channel", "Microsoft-Windows-Sysmon/Operational"},
		{"TimeCreated_SystemTime", "2025-10-24T23:41:00.601559Z"},
		{"Execution_ProcessID", "3308"},
		{"Security_UserID", "S-1-5-18"},
		{"Image", `C:\Windows\system32\cmd.exe`},
		{"ProcessId", "10048"},
		{"EventData_Name", "TaskDisabled"},
		{"Event_xmlns", "http://schemas.microsoft.com/win/2004/08/events/event"},
		{"User", `dom\x`},
		{"Op_xmlns", "u"},
		{"Id", "T"},
		{"Id_Kind", "k"},
		{"Event.System.Provider.#attributes.Name", "Microsoft-Windows-Sysmon"},
		{"Event.EventData.Image", `C:\Windows\system32\cmd.exe`},
		{"Event.UserData.Op.User", `dom\x`},
	}
	for _, tt := range tests {
		v, ok := ev.Lookup(tt.field)
		if !ok || v.Str != tt.want {
			t.Errorf("%s = %q (present %v), want %q", tt.field, v.Str, ok, tt.want)
		}
	}
	if v, ok := ev.Lookup("Correlation"); !ok || v.Kind != KindNull {
		t.Errorf("Correlation = %+v %v, want present null", v, ok)
	}
	if v, _ := ev.Lookup("EventID"); v.Kind != KindNumber {
		t.Errorf("EventID kind = %v, want number", v.Kind)
	}
}

// corpusDir is the shared corpus locator (skips, or fails in CI, when absent).
var corpusDir = corpus.Dir

// readAll decodes a file into snapshots of its events' short fields.
func readAll(tb testing.TB, path string, format Format) []map[string]string {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var out []map[string]string
	err = ReadEvents(f, format, func(ev Event) error {
		m := map[string]string{}
		for i := 0; i < ev.Len(); i++ {
			name, v := ev.At(i)
			if strings.Contains(name, ".") || v.Kind == KindObject || v.Kind == KindNull {
				continue
			}
			// Values are only valid during the callback: copy them.
			m[strings.Clone(name)] = strings.Clone(render(v, false))
		}
		out = append(out, m)
		return nil
	})
	if err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	return out
}

// render renders a value's text, arrays element by element; kinds adds
// each scalar's kind.
func render(v Value, kinds bool) string {
	if v.Kind != KindArray {
		if kinds {
			return fmt.Sprintf("%d:%q", v.Kind, v.Str)
		}
		return v.Str
	}
	var parts []string
	for _, e := range v.Elems {
		parts = append(parts, render(e, kinds))
	}
	return "[" + strings.Join(parts, ",") + "]"
}

// TestEVTXMatchesJSON reads every regression .evtx natively and checks that
// it flattens to the same fields and values as its evtx_dump .json sibling.
func TestEVTXMatchesJSON(t *testing.T) {
	dir := filepath.Join(corpusDir(t), "regression_data")
	var files []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".evtx") {
			files = append(files, p)
		}
		return nil
	})
	if len(files) == 0 {
		t.Fatal("no .evtx files in regression_data")
	}
	events := 0
	for _, ev := range files {
		js := strings.TrimSuffix(ev, ".evtx") + ".json"
		if _, err := os.Stat(js); err != nil {
			continue
		}
		a, b := readAll(t, ev, FormatAuto), readAll(t, js, FormatAuto)
		if len(a) != len(b) {
			t.Errorf("%s: %d evtx events, %d json events", ev, len(a), len(b))
			continue
		}
		for i := range a {
			events++
			if d := diffFields(a[i], b[i]); d != "" {
				t.Errorf("%s event %d: %s", filepath.Base(ev), i, d)
			}
		}
	}
	t.Logf("%d files, %d events compared", len(files), events)
}

// diffFields compares two flattened events. Three differences are
// inherent and ignored: the EVTX library drops the Event element's xmlns
// attribute and merges EventData's own attributes into its data, and
// evtx_dump prints SystemTime with 6 fractional digits where the record
// holds 7.
func diffFields(a, b map[string]string) string {
	delete(b, "Event_xmlns")
	if n, ok := b["EventData_Name"]; ok && a["Name"] == n {
		delete(b, "EventData_Name")
		delete(a, "Name")
	}
	// The library also drops trailing zeros of the fraction.
	ta := strings.TrimRight(strings.TrimSuffix(a["TimeCreated_SystemTime"], "Z"), "0")
	tb := strings.TrimRight(strings.TrimSuffix(b["TimeCreated_SystemTime"], "Z"), "0")
	if len(ta) >= len(tb) && strings.HasPrefix(ta, tb) {
		a["TimeCreated_SystemTime"] = b["TimeCreated_SystemTime"]
	}
	var out []string
	for k, v := range a {
		// Case is compared loosely: one regression .json differs from its
		// .evtx only in the case of a value (matching is case-insensitive).
		if w, ok := b[k]; !ok || !strings.EqualFold(w, v) {
			out = append(out, fmt.Sprintf("%s: evtx %q json %q", k, v, w))
		}
	}
	for k, w := range b {
		if _, ok := a[k]; !ok {
			out = append(out, fmt.Sprintf("%s: evtx missing, json %q", k, w))
		}
	}
	sort.Strings(out)
	return strings.Join(out, "; ")
}
