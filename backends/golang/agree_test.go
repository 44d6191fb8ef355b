package golang

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/sigc-dev/sigc/backends"
	"github.com/sigc-dev/sigc/backends/native"
	"github.com/sigc-dev/sigc/ir"
	"github.com/sigc-dev/sigc/ir/lower"
	"github.com/sigc-dev/sigc/ir/pipeline"
	"github.com/sigc-dev/sigc/rules"
	"github.com/sigc-dev/sigc/rules/corpus"
)

// benchEvents is how many events of ../shared/bench are added to the
// regression events, so that the comparison also sees many non-matching,
// realistic values.
const benchEvents = 3000

// TestAgreesWithNative generates one package from every corpus rule that
// has regression tests plus hand-written rules covering every construct,
// compiles it with the go tool, runs it over the regression events (and
// some benchmark and hand-written events), and checks that every rule
// matches exactly the events the native interpreter matches.
func TestAgreesWithNative(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a generated Go program")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go tool not found")
	}
	dir := corpus.Dir(t)
	irRules, eventFiles := regressionRules(t, dir)
	if len(irRules) < 100 {
		t.Fatalf("only %d regression rules converted", len(irRules))
	}
	irRules = append(irRules, constructRules()...)
	// The executable golden cases (golden/testdata/cases) are shared with
	// this backend: the native matcher is held to their expectations by
	// golden.TestCases, and here the generated code to the native matcher
	// on their rules and events.
	caseRules, caseEvents := goldenCases(t)
	irRules = append(irRules, caseRules...)

	var progs []*native.Program
	var results []backends.Result
	for _, r := range irRules {
		p, d := native.Compile(r)
		if p == nil || d.HasErrors() {
			t.Fatalf("native compile %q: %v", r.Title, d)
		}
		progs = append(progs, p)
		results = append(results, backends.Result{Rule: r})
	}
	src, d := New().Finish(results, backends.Options{})
	if d.Len() > 0 {
		t.Fatalf("finish: %v", d)
	}

	events := collectEvents(t, dir, eventFiles, caseEvents)
	tmp := t.TempDir()
	writeModule(t, tmp, src, events)

	// go vet proves the generated code is clean, go run that it compiles
	// and what it decides.
	for _, args := range [][]string{{"vet", "./..."}, {"run", ".", "events.jsonl"}} {
		cmd := exec.Command(goTool, args...)
		cmd.Dir = tmp
		cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
		}
		if args[0] != "run" {
			continue
		}
		compare(t, stdout.String(), progs, events)
	}
}

// compare checks the generated program's "event rule" lines against the
// native matcher.
func compare(t *testing.T, out string, progs []*native.Program, events []*native.Flat) {
	got := map[[2]int]bool{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var i, j int
		if _, err := fmt.Sscanf(line, "%d %d", &i, &j); err != nil {
			t.Fatalf("bad harness line %q", line)
		}
		got[[2]int{i, j}] = true
	}
	bad, matches := 0, 0
	for i, ev := range events {
		for j, p := range progs {
			want := p.Match(ev)
			if want {
				matches++
			}
			if want == got[[2]int{i, j}] {
				continue
			}
			bad++
			if bad <= 20 {
				t.Errorf("event %d, rule %q: native %v, generated %v", i, p.Rule().Title, want, !want)
			}
		}
	}
	t.Logf("%d rules × %d events: %d matches, %d disagreements", len(progs), len(events), matches, bad)
	if matches == 0 {
		t.Errorf("no rule matched any event: the comparison proves nothing")
	}
}

// regressionRules loads the corpus rules that name regression tests, lowers
// them and applies the windows-logsources pipeline, as `sigc test` does.
// It returns the rules and the JSON event files of their tests.
func regressionRules(t *testing.T, dir string) ([]*ir.Rule, []string) {
	t.Helper()
	var paths []string
	for _, root := range corpus.RuleDirs(t) {
		err := filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
			if err != nil || e.IsDir() || !strings.HasSuffix(p, ".yml") {
				return err
			}
			data, err := os.ReadFile(p)
			if err == nil && bytes.Contains(data, []byte("\nregression_tests_path:")) {
				paths = append(paths, p)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	set, _ := rules.Load(paths, nil, rules.Limits{})
	pipe, ok := pipeline.Builtins().Lookup("windows-logsources")
	if !ok {
		t.Fatal("built-in pipeline windows-logsources not found")
	}
	chain := pipeline.NewChain(nil, []*pipeline.Pipeline{pipe}, nil)
	var out []*ir.Rule
	var files []string
	for _, lo := range lower.Collection(set.Docs) {
		if !lo.OK() || lo.Rule == nil {
			continue
		}
		r, d := chain.Apply(lo.Rule)
		if r == nil || d.HasErrors() {
			t.Logf("pipeline %q: %v", lo.Rule.Title, d)
			continue
		}
		ir.SimplifyRule(r)
		if cd := ir.Check(r, New().Caps(), "go"); cd.HasErrors() {
			t.Logf("caps %q: %v", r.Title, cd)
			continue
		}
		out = append(out, r)
		if v, ok := r.CustomValue("regression_tests_path"); ok {
			if s, ok := v.(string); ok {
				js, _ := filepath.Glob(filepath.Join(dir, filepath.Dir(s), "*.json"))
				files = append(files, js...)
			}
		}
	}
	t.Logf("%d of %d regression rules converted, %d event files", len(out), len(paths), len(files))
	return out, files
}

// collectEvents decodes the regression events and the first benchEvents
// benchmark events with the native decoder (the evtx_dump flattening),
// then appends hand-written events for the construct rules.
func collectEvents(t *testing.T, dir string, files []string, extra []string) []*native.Flat {
	t.Helper()
	var out []*native.Flat
	// A file may hold several concatenated events; the Reader splits them
	// and reuses its event, so each one is copied.
	add := func(doc []byte, where string) {
		err := native.ReadEvents(bytes.NewReader(doc), native.FormatAuto, func(ev native.Event) error {
			f := &native.Flat{}
			for i := 0; i < ev.Len(); i++ {
				name, v := ev.At(i)
				f.Set(strings.Clone(name), cloneValue(v))
			}
			out = append(out, f)
			return nil
		})
		if err != nil {
			t.Fatalf("%s: %v", where, err)
		}
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		add(data, f)
	}
	if f, err := os.Open(filepath.Join(dir, "..", "bench", "windows-events-20k.jsonl.gz")); err == nil {
		defer f.Close()
		zr, err := gzip.NewReader(f)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(zr)
		sc.Buffer(nil, 1<<24)
		for n := 0; n < benchEvents && sc.Scan(); n++ {
			add(sc.Bytes(), "bench event")
		}
	}
	for _, js := range append(append([]string(nil), constructEvents...), extra...) {
		add([]byte(js), js)
	}
	return out
}

// goldenCases loads the rules and events of golden/testdata/cases as they
// are evaluated there (lowered, no pipeline), events as JSON text.
func goldenCases(t *testing.T) ([]*ir.Rule, []string) {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join("..", "..", "golden", "testdata", "cases", "*.yml"))
	if len(files) == 0 {
		t.Fatal("no golden case files")
	}
	var rs []*ir.Rule
	var events []string
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Cases []struct {
				Rule   string
				Events []struct{ Event map[string]any }
			}
		}
		if err := yaml.Unmarshal(src, &doc); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for i, c := range doc.Cases {
			docs, l := rules.ParseFile(fmt.Sprintf("%s#%d", f, i+1), []byte(c.Rule), rules.DefaultLimits())
			if l.HasErrors() || len(docs) != 1 {
				t.Fatalf("%s case %d: %v", f, i+1, l)
			}
			r, l := lower.Rule(docs[0])
			if r == nil {
				t.Fatalf("%s case %d: %v", f, i+1, l)
			}
			ir.SimplifyRule(r)
			rs = append(rs, r)
			for _, e := range c.Events {
				b, err := json.Marshal(e.Event)
				if err != nil {
					t.Fatalf("%s case %d: %v", f, i+1, err)
				}
				events = append(events, string(b))
			}
		}
	}
	return rs, events
}

func cloneValue(v native.Value) native.Value {
	v.Str = strings.Clone(v.Str)
	if v.Elems != nil {
		elems := make([]native.Value, len(v.Elems))
		for i, e := range v.Elems {
			elems[i] = cloneValue(e)
		}
		v.Elems = elems
	}
	return v
}

// writeModule writes the generated package, a harness printing "event
// rule" for every match, and the events as flat JSON objects.
func writeModule(t *testing.T, tmp, src string, events []*native.Flat) {
	t.Helper()
	var ev bytes.Buffer
	for _, f := range events {
		m := map[string]any{}
		for i := 0; i < f.Len(); i++ {
			name, v := f.At(i)
			m[name] = plain(v)
		}
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		ev.Write(b)
		ev.WriteByte('\n')
	}
	files := map[string]string{
		"go.mod":                 "module gen\n\ngo 1.24\n",
		"sigcrules/sigcrules.go": src,
		"main.go":                harness,
		"events.jsonl":           ev.String(),
	}
	for name, body := range files {
		p := filepath.Join(tmp, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// plain converts a native value to the JSON data the generated Fields
// reads: numbers keep their canonical text, objects become empty objects
// (present, never a value).
func plain(v native.Value) any {
	switch v.Kind {
	case native.KindString:
		return v.Str
	case native.KindNumber:
		return json.Number(v.Str)
	case native.KindBool:
		return v.Str == "true"
	case native.KindArray:
		out := make([]any, len(v.Elems))
		for i, e := range v.Elems {
			out[i] = plain(e)
		}
		return out
	case native.KindObject:
		return map[string]any{}
	}
	return nil
}

const harness = `package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"

	"gen/sigcrules"
)

func main() {
	f, err := os.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<26)
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	for i := 0; sc.Scan(); i++ {
		d := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		d.UseNumber()
		var ev sigcrules.Fields
		if err := d.Decode(&ev); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		for j, r := range sigcrules.Rules {
			if r.Match(ev) {
				fmt.Fprintf(w, "%d %d\n", i, j)
			}
		}
	}
}
`

// constructRules cover what the regression rules may not: every operator,
// cased and folded strings, globs, keywords, sets, negation on missing
// fields, condition lists.
func constructRules() []*ir.Rule {
	return []*ir.Rule{
		rule("fieldref eq", fref("A", "B", false, false)),
		rule("fieldref contains", fref("A", "B", true, true)),
		rule("fieldref endswith", fref("A", "B", true, false)),
		rule("fieldref startswith cased", func() ir.Expr { m := fref("A", "B", false, true); m.Cased = true; return m }()),
		rule("cidr", or(cidr("Ip", "10.0.0.0/8"), cidr("Ip", "fe80::/10"))),
		rule("time", and(part(num("T", ir.OpEq, 3), ir.PartHour), part(num("T", ir.OpGte, 2024), ir.PartYear))),
		rule("week", part(num("T", ir.OpLt, 10), ir.PartWeek)),
		rule("null and exists", and(op("A", ir.OpNull), op("B", ir.OpExists))),
		rule("neq on missing", not(str("Z", "x"))),
		rule("cased", or(cased(str("A", "Foo*")), cased(str("B", "*Bar")), cased(str("A", "*o?b*")))),
		rule("glob", or(str("A", `c:\\users\\*\\appdata\\*.exe`), str("A", "a?c"))),
		rule("keyword", or(str("", "*kelvin*"), str("", "start*"))),
		rule("set", or(str("A", "one"), str("A", "two"), str("A", "three"), str("A", "ärger"), str("A", "*ix"))),
		rule("numbers", or(num("N", ir.OpEq, 4624), num("N", ir.OpGt, 1e6), num("F", ir.OpEq, 1.5))),
		rule("bool", &ir.Match{P: at, Field: "Bo", Op: ir.OpEq, Value: ir.Bool{Value: true}}),
		rule("regex", or(re("A", `^f.o$`, "i"), re("B", `a.b`, "s"), re("B", `^x$`, "m"))),
		rule("condition list", str("A", "one"), str("B", "two")),
		rule("const", &ir.Const{P: at, Value: true}),
		rule("any value", str("A", "*")),
	}
}

var constructEvents = []string{
	`{"A": "Foobar", "B": "foo"}`,
	`{"A": "foobar", "B": "BAR"}`,
	`{"A": "FOO", "B": "FOO"}`,
	`{"A": ["x", "FOObar"], "B": ["foo", "y"]}`,
	`{"A": "fOo", "B": "a\nb", "Bo": "True"}`,
	`{"A": null, "B": null}`,
	`{"A": {"nested": 1}, "B": 2}`,
	`{"Ip": "10.1.2.3"}`,
	`{"Ip": "::ffff:10.1.2.3"}`,
	`{"Ip": "fe80::1%eth0"}`,
	`{"Ip": "[10.1.2.3]"}`,
	`{"Ip": "11.1.2.3", "B": "x\ny"}`,
	`{"T": "2024-01-02T03:04:05.678Z"}`,
	`{"T": "2024-01-02 05:04:05+02:00"}`,
	`{"T": "2023-03-01"}`,
	`{"T": "not a time"}`,
	`{"Z": "X"}`,
	`{"A": "C:\\Users\\bob\\AppData\\x.EXE"}`,
	`{"A": "abc"}`,
	`{"A": "aéc"}`,
	`{"C": "\u212Aelvin sign"}`,
	`{"A": "xkey", "B": "\u212AEY"}`,
	`{"C": "START here"}`,
	`{"C": "not start"}`,
	`{"A": "ONE"}`,
	`{"A": "ÄRGER"}`,
	`{"A": "SIX"}`,
	`{"N": 4624}`,
	`{"N": "4624.0"}`,
	`{"N": "0x1210"}`,
	`{"N": 2e6, "F": "1.50"}`,
	`{"Bo": true}`,
	`{"Bo": false}`,
	`{"B": "two"}`,
	`{"A": ""}`,
	`{"A": 12}`,
	`{}`,
}
