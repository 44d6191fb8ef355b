package golden

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/sigc-dev/sigc/cmd/cli"
)

// TestCases runs the executable golden cases (testdata/cases/*.yml: rules
// with events that must and must not match) through `sigc test`, which
// evaluates them with the native matcher, the oracle every query backend
// is held to.
func TestCases(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "cases", "*.yml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no case files: %v", err)
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".yml"), func(t *testing.T) {
			t.Parallel()
			out, errOut, st := run("test", "--without-pipeline", f)
			if st != cli.ExitOK {
				t.Errorf("sigc test %s: status %d\n%s%s", f, st, out, errOut)
			}
			if !strings.Contains(errOut, " 0 failed") {
				t.Errorf("summary: %s", errOut)
			}
		})
	}
}
