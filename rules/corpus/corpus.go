// Package corpus locates the SigmaHQ corpus for tests and benchmarks.
//
// Tests read the corpus in place, from $SIGC_CORPUS or ../shared/sigmahq
// beside the checkout. When it is absent they skip with a message, unless
// SIGC_REQUIRE_CORPUS=1 (set by .ci/run), which turns the skip into a
// failure so CI can never pass without having run them.
package corpus

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// EnvDir and EnvRequire are the environment variables the package reads.
const (
	EnvDir     = "SIGC_CORPUS"
	EnvRequire = "SIGC_REQUIRE_CORPUS"
)

// Path returns the corpus directory and whether it exists.
func Path() (string, bool) {
	dir := os.Getenv(EnvDir)
	if dir == "" {
		// The repository root is three levels above this file.
		_, file, _, _ := runtime.Caller(0)
		dir = filepath.Join(filepath.Dir(file), "..", "..", "..", "shared", "sigmahq")
	}
	st, err := os.Stat(filepath.Join(dir, "rules"))
	return dir, err == nil && st.IsDir()
}

// Dir returns the corpus directory, or skips (fails under
// SIGC_REQUIRE_CORPUS=1) the test when the corpus is absent.
func Dir(tb testing.TB) string {
	tb.Helper()
	dir, ok := Path()
	if !ok {
		if os.Getenv(EnvRequire) == "1" {
			tb.Fatalf("SigmaHQ corpus not found at %s (set %s); it is required in CI", dir, EnvDir)
		}
		tb.Skipf("SigmaHQ corpus not found at %s; set %s to run corpus tests", dir, EnvDir)
	}
	return dir
}

// RuleDirs returns the corpus's rules* folders (the 3,780 rules).
func RuleDirs(tb testing.TB) []string {
	dir := Dir(tb)
	var out []string
	for _, d := range []string{"rules", "rules-emerging-threats", "rules-threat-hunting", "rules-placeholder", "rules-compliance"} {
		p := filepath.Join(dir, d)
		if _, err := os.Stat(p); err == nil {
			out = append(out, p)
		}
	}
	return out
}
