package golden

import (
	"encoding/json"
	"io"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/sigc-dev/sigc"

// allowedImports is the house design's import direction (data flows rules
// → ir/lower → ir → backends, never back). Keys are package paths relative
// to the module; a key ending in "/*" covers the packages below it.
var allowedImports = map[string][]string{
	"ir/diag":         {},
	"ir/irtest":       {"ir", "ir/diag"},
	"ir/par":          {},
	"ir":              {"ir/diag"},
	"rules/condition": {"ir/diag"},
	"rules/corpus":    {},
	"rules":           {"ir/diag", "rules/condition"},
	"ir/lower":        {"rules", "rules/condition", "ir", "ir/diag", "ir/par"},
	"ir/pipeline":     {"ir", "ir/diag"},
	"backends":        {"ir", "ir/diag", "ir/pipeline"},
	"backends/*":      {"backends", "ir", "ir/diag", "ir/pipeline", "backends/internal/*"},
	// Helpers shared by the executing targets (native, go), importing
	// nothing of the project.
	"backends/internal/*": {},
	"backends/all":        {"backends", "backends/*"},
	"cmd/cli":             {"*"},
	"cmd/sigc":            {"cmd/cli"},
	"golden":              {"*"},
}

// TestImportDirection reads `go list -json ./...` and fails on any
// non-test import of a project package that the table does not allow.
func TestImportDirection(t *testing.T) {
	if testing.Short() {
		t.Skip("needs the go tool")
	}
	cmd := exec.Command("go", "list", "-json", "../...")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Skipf("go tool not available: %v", err)
	}
	dec := json.NewDecoder(out)
	for {
		var p struct {
			ImportPath string
			Imports    []string
		}
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		rel := strings.TrimPrefix(strings.TrimPrefix(variantOf(p.ImportPath), module), "/")
		allowed, ok := rulesFor(rel)
		if !ok {
			t.Errorf("package %s is not in the import table; add it with its allowed imports", rel)
			continue
		}
		for _, imp := range p.Imports {
			imp = variantOf(imp)
			if !strings.HasPrefix(imp, module+"/") {
				continue
			}
			dep := strings.TrimPrefix(imp, module+"/")
			if !permits(allowed, dep) {
				t.Errorf("%s imports %s, against the import direction", rel, dep)
			}
		}
	}
	if err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
}

// variantOf strips the build variant go list appends to a package path:
// the packages cmd/sigc depends on are also built with its profile-guided
// optimisation profile, and listed as "path [module/cmd/sigc]".
func variantOf(path string) string {
	if i := strings.Index(path, " ["); i >= 0 {
		return path[:i]
	}
	return path
}

func rulesFor(pkg string) ([]string, bool) {
	if a, ok := allowedImports[pkg]; ok {
		return a, true
	}
	// Longest matching "prefix/*" entry.
	best, found := "", false
	for k := range allowedImports {
		if strings.HasSuffix(k, "/*") && strings.HasPrefix(pkg, strings.TrimSuffix(k, "*")) && len(k) > len(best) {
			best, found = k, true
		}
	}
	return allowedImports[best], found
}

func permits(allowed []string, dep string) bool {
	for _, a := range allowed {
		if a == "*" || a == dep || (strings.HasSuffix(a, "/*") && strings.HasPrefix(dep, strings.TrimSuffix(a, "*"))) {
			return true
		}
	}
	return false
}
