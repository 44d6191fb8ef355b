package condition

import (
	"errors"
	"github.com/sigc-dev/sigc/rules/corpus"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sigc-dev/sigc/ir/diag"
	"gopkg.in/yaml.v3"
)

// corpusDir is the shared corpus locator (skips, or fails in CI, when absent).
var corpusDir = corpus.Dir

// repoRoot walks up from the working directory to the go.mod.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("go.mod not found above the working directory")
		}
		dir = parent
	}
}

// corpusCondition is one detection.condition string with its YAML position.
type corpusCondition struct {
	src string
	at  diag.Pos
}

// corpusConditions reads every condition of the rules*/ folders.
func corpusConditions(t *testing.T, dir string) []corpusCondition {
	t.Helper()
	roots, err := filepath.Glob(filepath.Join(dir, "rules*"))
	if err != nil || len(roots) == 0 {
		t.Fatalf("no rules* folders in %s (%v)", dir, err)
	}
	var out []corpusCondition
	for _, root := range roots {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".yml") {
				return err
			}
			f, err := os.Open(path)
			if err != nil {
				return err
			}
			defer f.Close()
			dec := yaml.NewDecoder(f)
			for {
				var doc yaml.Node
				if err := dec.Decode(&doc); errors.Is(err, io.EOF) {
					return nil
				} else if err != nil {
					t.Errorf("%s: %v", path, err)
					return nil
				}
				for _, n := range conditionNodes(&doc) {
					out = append(out, corpusCondition{n.Value, diag.Pos{File: path, Line: n.Line, Col: n.Column}})
				}
			}
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// conditionNodes returns the scalar node(s) of detection.condition.
func conditionNodes(doc *yaml.Node) []*yaml.Node {
	if doc.Kind == yaml.DocumentNode && len(doc.Content) == 1 {
		doc = doc.Content[0]
	}
	cond := mapValue(mapValue(doc, "detection"), "condition")
	switch {
	case cond == nil:
		return nil
	case cond.Kind == yaml.SequenceNode:
		return cond.Content
	}
	return []*yaml.Node{cond}
}

func mapValue(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

func TestCorpusConditionsParse(t *testing.T) {
	conds := corpusConditions(t, corpusDir(t))
	// SigmaHQ holds ~3,780 rules; far fewer means the walk is broken.
	if len(conds) < 3000 {
		t.Fatalf("found only %d conditions", len(conds))
	}
	for _, c := range conds {
		e, l := Parse(c.src, c.at)
		if l.Len() != 0 {
			t.Errorf("%q:\n%s", c.src, diag.Render(l, nil))
			continue
		}
		// The canonical form of every real condition round-trips too.
		if got := Format(e); Format(mustParse(t, got)) != got {
			t.Errorf("%s: Format not stable for %q", c.at, c.src)
		}
	}
	t.Logf("%d conditions parsed", len(conds))
}

func mustParse(t *testing.T, src string) Expr {
	t.Helper()
	e, l := Parse(src, diag.Pos{})
	if l.Len() != 0 {
		t.Fatalf("Parse(%q): %v", src, l)
	}
	return e
}
