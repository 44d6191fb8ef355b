package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/sigc-dev/sigc/backends"
	"github.com/sigc-dev/sigc/backends/native"
	"github.com/sigc-dev/sigc/ir"
	"github.com/sigc-dev/sigc/ir/diag"
	"github.com/sigc-dev/sigc/ir/lower"
	"github.com/sigc-dev/sigc/rules"
)

type testCmd struct {
	Pipeline        []string `short:"p" name:"pipeline" sep:"none" help:"Processing pipeline: a built-in name, a YAML file or a directory (repeatable)."`
	WithoutPipeline bool     `name:"without-pipeline" help:"Do not apply the native target's default pipeline (Windows logsource routing)."`
	Format          string   `short:"f" enum:"text,json" default:"text" help:"Output format."`
	Verbose         bool     `short:"v" help:"List passing cases too."`
	Paths           []string `arg:"" name:"path" help:"Rules with regression_tests_path (files or directories) and sigc test files (YAML with a top-level cases: list)."`
}

// testResult is the outcome of one test case.
type testResult struct {
	Name     string   `json:"name"`
	Rule     string   `json:"rule"`
	RuleID   string   `json:"rule_id,omitempty"`
	Source   string   `json:"source"`
	Status   string   `json:"status"` // pass, fail, warn, skip
	Expected int      `json:"expected"`
	Got      int      `json:"got"`
	Message  string   `json:"message,omitempty"`
	Pos      diag.Pos `json:"-"`
}

// casesFile matches the top-level key of a sigc test file.
var casesFile = regexp.MustCompile(`(?m)^cases:\s*(#.*)?$`)

func (c *testCmd) run(e *env) int {
	rulePaths, caseFiles, err := splitTestInputs(c.Paths)
	if err != nil {
		return e.usageError("%v", err)
	}
	var results []testResult
	failedLoad := false
	if len(rulePaths) > 0 {
		kept, ld, report, ok := prepareRules(e, rulePaths, c.Pipeline, c.WithoutPipeline)
		if !ok {
			return ExitUsage
		}
		// Rules that cannot be evaluated fail the run only when they have
		// regression cases; others are not under test here.
		reportErrors(e, report, ld, len(kept))
		for _, u := range kept {
			if u.Rule != nil && u.Correlation == nil {
				results = append(results, regressionCases(u)...)
			}
		}
		for _, u := range ld.units {
			if u.failed() && hasRegression(u.Doc) {
				failedLoad = true
				results = append(results, testResult{Name: "regression", Rule: u.Doc.Meta().Title, Source: u.Doc.File,
					Status: "fail", Message: "rule cannot be evaluated (see the diagnostics above)"})
			}
		}
	}
	for _, f := range caseFiles {
		results = append(results, c.caseFile(e, f)...)
	}
	return c.report(e, results, failedLoad)
}

func (c *testCmd) report(e *env, results []testResult, failedLoad bool) int {
	counts := map[string]int{}
	for _, r := range results {
		counts[r.Status]++
	}
	if c.Format == "json" {
		enc := json.NewEncoder(e.stdout)
		for _, r := range results {
			_ = enc.Encode(r)
		}
	} else {
		for _, r := range results {
			if r.Status == "pass" && !c.Verbose || r.Status == "skip" && !c.Verbose {
				continue
			}
			where := r.Source
			if r.Pos.IsValid() {
				where = r.Pos.String()
			}
			fmt.Fprintf(e.stdout, "%s: %s %q (%s): expected %d match(es), got %d", strings.ToUpper(r.Status), r.Name, r.Rule, where, r.Expected, r.Got)
			if r.Message != "" {
				fmt.Fprintf(e.stdout, ": %s", r.Message)
			}
			fmt.Fprintln(e.stdout)
		}
	}
	// The closing line in the plain form test runners print.
	fmt.Fprintf(e.stderr, "%d passed, %d failed, %d skipped (%d warnings: more matches than expected)\n",
		counts["pass"]+counts["warn"], counts["fail"], counts["skip"], counts["warn"])
	if counts["fail"] > 0 || failedLoad {
		return ExitFail
	}
	if len(results) == 0 {
		fmt.Fprintln(e.stderr, "sigc: no test case found (rules need regression_tests_path, or pass files with a cases: list)")
		return ExitFail
	}
	return ExitOK
}

// splitTestInputs separates sigc test files from rule files, walking
// directories.
func splitTestInputs(paths []string) (rulePaths, caseFiles []string, err error) {
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, nil, fmt.Errorf("cannot read %s: %w", p, err)
		}
		if !st.IsDir() {
			if isCaseFile(p) {
				caseFiles = append(caseFiles, p)
			} else {
				rulePaths = append(rulePaths, p)
			}
			continue
		}
		err = filepath.WalkDir(p, func(f string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || !(strings.HasSuffix(f, ".yml") || strings.HasSuffix(f, ".yaml")) {
				return err
			}
			if isCaseFile(f) {
				caseFiles = append(caseFiles, f)
			} else {
				rulePaths = append(rulePaths, f)
			}
			return nil
		})
		if err != nil {
			return nil, nil, err
		}
	}
	return rulePaths, caseFiles, nil
}

func isCaseFile(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, 64<<10)
	n, _ := io.ReadFull(f, head)
	return casesFile.Match(head[:n])
}

func hasRegression(d *rules.Document) bool {
	m := d.Meta()
	if m == nil {
		return false
	}
	for _, a := range m.Custom {
		if a.Key == "regression_tests_path" {
			return true
		}
	}
	return false
}

// regressionInfo is SigmaHQ's info.yml.
type regressionInfo struct {
	Tests []struct {
		Name       string `yaml:"name"`
		Type       string `yaml:"type"`
		MatchCount *int   `yaml:"match_count"`
		Path       string `yaml:"path"`
	} `yaml:"regression_tests_info"`
}

// regressionCases runs the cases a rule names with regression_tests_path,
// judged as SigmaHQ's runner judges them: fewer matches than match_count
// fail, more only warn. A path missing from this checkout is "no case".
func regressionCases(u *unit) []testResult {
	r := u.Rule
	v, ok := r.CustomValue("regression_tests_path")
	if !ok {
		return nil
	}
	rel, _ := v.(string)
	base := testResult{Name: "regression", Rule: r.Title, RuleID: r.ID, Source: u.Doc.File}
	root, found := findUp(filepath.Dir(u.Doc.File), rel)
	if rel == "" || !found {
		base.Status, base.Message = "skip", fmt.Sprintf("regression case %s is not in this checkout", rel)
		return []testResult{base}
	}
	src, err := os.ReadFile(filepath.Join(root, rel))
	var info regressionInfo
	if err == nil {
		err = yaml.Unmarshal(src, &info)
	}
	if err != nil {
		base.Status, base.Message = "fail", fmt.Sprintf("cannot read %s: %v", rel, err)
		return []testResult{base}
	}
	prog, cd := native.Compile(r)
	if cd.HasErrors() {
		base.Status, base.Message = "fail", cd.Error()
		return []testResult{base}
	}
	var out []testResult
	for _, t := range info.Tests {
		res := base
		res.Name = "regression: " + t.Name
		// A positive detection test without match_count expects the rule
		// to fire at least once.
		res.Expected = 1
		if t.MatchCount != nil {
			res.Expected = *t.MatchCount
		}
		events := filepath.Join(root, t.Path)
		if _, err := os.Stat(events); err != nil {
			// evtx_dump's JSON beside the .evtx serves as well.
			if j := strings.TrimSuffix(events, filepath.Ext(events)) + ".json"; fileExists(j) {
				events = j
			} else {
				res.Status, res.Message = "skip", fmt.Sprintf("event file %s is not in this checkout", t.Path)
				out = append(out, res)
				continue
			}
		}
		n, err := countMatches(prog, events, native.FormatAuto)
		res.Got = n
		switch {
		case err != nil:
			res.Status, res.Message = "fail", err.Error()
		case n < res.Expected:
			res.Status = "fail"
		case n > res.Expected:
			res.Status, res.Message = "warn", "more matches than expected"
		default:
			res.Status = "pass"
		}
		out = append(out, res)
	}
	return out
}

func countMatches(prog *native.Program, path string, format native.Format) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	n := 0
	err = native.ReadEvents(f, format, func(ev native.Event) error {
		if prog.Match(ev) {
			n++
		}
		return nil
	})
	return n, err
}

// findUp looks for rel below dir and its parents; it returns the directory
// rel is relative to. SigmaHQ's paths are relative to the repository root.
func findUp(dir, rel string) (string, bool) {
	if rel == "" {
		return "", false
	}
	d, err := filepath.Abs(dir)
	if err != nil {
		return "", false
	}
	for {
		if fileExists(filepath.Join(d, rel)) {
			return d, true
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", false
		}
		d = parent
	}
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// caseFileDoc is the format of a sigc test file: rules with events that
// must and must not match.
type caseFileDoc struct {
	Cases []struct {
		Note   string     `yaml:"note"`
		Rule   string     `yaml:"rule"`
		Events []caseEvt  `yaml:"events"`
		Line   int        `yaml:"-"`
		Node   *yaml.Node `yaml:"-"`
	} `yaml:"cases"`
}

type caseEvt struct {
	Match *bool          `yaml:"match"`
	Event map[string]any `yaml:"event"`
}

// caseFile runs a sigc test file. Each case's rule goes through the same
// stages as any rule (lowering, the native default pipeline unless
// disabled, -p pipelines).
func (c *testCmd) caseFile(e *env, path string) []testResult {
	src, err := os.ReadFile(path)
	fail := func(msg string, pos diag.Pos) []testResult {
		return []testResult{{Name: "case file", Source: path, Status: "fail", Message: msg, Pos: pos}}
	}
	if err != nil {
		return fail(err.Error(), diag.Pos{})
	}
	var root yaml.Node
	if err := yaml.Unmarshal(src, &root); err != nil {
		return fail(err.Error(), diag.Pos{File: path})
	}
	var doc caseFileDoc
	if err := root.Decode(&doc); err != nil {
		return fail(err.Error(), diag.Pos{File: path})
	}
	lines := caseLines(&root)
	be := native.NewBackend()
	chain, pd := resolveChain(e.reg, be, c.Pipeline, c.WithoutPipeline, backends.Options{})
	if pd.HasErrors() {
		return fail(pd.Error(), diag.Pos{File: path})
	}
	var out []testResult
	for i, cs := range doc.Cases {
		pos := diag.Pos{File: path}
		if i < len(lines) {
			pos.Line = lines[i]
		}
		name := cs.Note
		if name == "" {
			name = fmt.Sprintf("case %d", i+1)
		}
		res := testResult{Name: name, Source: path, Pos: pos}
		r, msg := compileCaseRule(path, i, cs.Rule, chain)
		if msg != "" {
			res.Status, res.Message = "fail", msg
			out = append(out, res)
			continue
		}
		res.Rule, res.RuleID = r.Rule().Title, r.Rule().ID
		var bad []string
		for j, ev := range cs.Events {
			if ev.Match == nil {
				bad = append(bad, fmt.Sprintf("event %d has no match: true/false", j+1))
				continue
			}
			want := *ev.Match
			if want {
				res.Expected++
			}
			got := r.Match(native.NewFlat(ev.Event))
			if got {
				res.Got++
			}
			if got != want {
				b, _ := json.Marshal(ev.Event)
				bad = append(bad, fmt.Sprintf("event %d should %smatch: %s", j+1, map[bool]string{true: "", false: "not "}[want], b))
			}
		}
		res.Status = "pass"
		if len(bad) > 0 {
			res.Status, res.Message = "fail", strings.Join(bad, "; ")
		}
		out = append(out, res)
	}
	return out
}

// caseLines returns the line of each entry of the cases list.
func caseLines(root *yaml.Node) []int {
	if len(root.Content) == 0 {
		return nil
	}
	m := root.Content[0]
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == "cases" {
			var out []int
			for _, c := range m.Content[i+1].Content {
				out = append(out, c.Line)
			}
			return out
		}
	}
	return nil
}

// compileCaseRule parses, lowers, processes and compiles one inline rule.
func compileCaseRule(path string, i int, src string, chain interface {
	Apply(*ir.Rule) (*ir.Rule, diag.List)
}) (*native.Program, string) {
	name := fmt.Sprintf("%s#case%d", path, i+1)
	docs, l := rules.ParseFile(name, []byte(src), rules.DefaultLimits())
	if l.HasErrors() || len(docs) != 1 || docs[0].Rule == nil {
		return nil, "rule does not load: " + oneLine(l)
	}
	r, ld := lower.Rule(docs[0])
	if ld.HasErrors() {
		return nil, "rule does not lower: " + oneLine(ld)
	}
	r, ad := chain.Apply(r)
	if ad.HasErrors() {
		return nil, "pipeline: " + oneLine(ad)
	}
	ir.SimplifyRule(r)
	p, cd := native.Compile(r)
	if cd.HasErrors() {
		return nil, "rule does not compile: " + oneLine(cd)
	}
	return p, ""
}

func oneLine(l diag.List) string {
	var parts []string
	for _, d := range l.Items() {
		parts = append(parts, d.Error())
	}
	sort.Strings(parts)
	return string(bytes.ReplaceAll([]byte(strings.Join(parts, "; ")), []byte("\n"), []byte(" ")))
}
