package golden

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sebdah/goldie/v2"

	"github.com/sigc-dev/sigc/backends/all"
	"github.com/sigc-dev/sigc/cmd/cli"
)

// run drives the CLI like a user and returns its output and status.
func run(args ...string) (stdout, stderr string, status int) {
	var out, errb bytes.Buffer
	status = cli.Do(args, strings.NewReader(""), &out, &errb)
	return out.String(), errb.String(), status
}

// caseFiles lists dir/*.yml as (case name, path) pairs.
func caseFiles(t *testing.T, dir string) map[string]string {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", dir, "*.yml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) == 0 {
		t.Fatalf("no cases in testdata/%s", dir)
	}
	out := map[string]string{}
	for _, p := range paths {
		out[strings.TrimSuffix(filepath.Base(p), ".yml")] = filepath.ToSlash(p)
	}
	return out
}

func newGoldie(t *testing.T) *goldie.Goldie {
	return goldie.New(t, goldie.WithFixtureDir("testdata"), goldie.WithDiffEngine(goldie.ColoredDiff))
}

// TestGolden converts every valid case with every target. A conversion
// that fails has its rendered diagnostics as golden instead
// (<target>.err.golden), so a target's refusals are claims too.
func TestGolden(t *testing.T) {
	reg := all.New()
	valid := caseFiles(t, "rules")
	invalid := caseFiles(t, "invalid")
	for name := range invalid {
		if _, dup := valid[name]; dup {
			t.Fatalf("case %q exists in both rules/ and invalid/", name)
		}
	}
	for name, path := range valid {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if out, errOut, st := run("check", "--no-warnings", path); st != cli.ExitOK {
				t.Fatalf("valid case does not pass check (status %d):\n%s%s", st, out, errOut)
			}
			for _, target := range reg.Names() {
				out, errOut, st := run("convert", "-t", target, path)
				g := newGoldie(t)
				if st == cli.ExitOK {
					g.Assert(t, name+"/"+target, []byte(out))
					assertAbsent(t, filepath.Join("testdata", name, target+".err.golden"))
				} else {
					g.Assert(t, name+"/"+target+".err", []byte(errOut))
					assertAbsent(t, filepath.Join("testdata", name, target+".golden"))
				}
			}
		})
	}
}

// TestInvalid checks that every invalid case fails `sigc check` with
// exit status 1, and compares the rendered diagnostics.
func TestInvalid(t *testing.T) {
	for name, path := range caseFiles(t, "invalid") {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			out, errOut, st := run("check", path)
			if st != cli.ExitFail {
				t.Fatalf("invalid case: check returned %d, want %d\n%s%s", st, cli.ExitFail, out, errOut)
			}
			newGoldie(t).Assert(t, name+"/check", []byte(out))
		})
	}
}

// assertAbsent fails when a stale golden of the other outcome remains.
func assertAbsent(t *testing.T, path string) {
	t.Helper()
	if *updateFlag() {
		os.Remove(path)
		return
	}
	if _, err := os.Stat(path); err == nil {
		t.Errorf("stale golden file %s: the outcome changed; run with -update and review", path)
	}
}
