package pipeline

import (
	"embed"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/sigc-dev/sigc/ir/diag"
)

// Catalog is a set of named pipelines (the built-ins, or a backend's).
type Catalog interface {
	// Lookup returns the pipeline called name.
	Lookup(name string) (*Pipeline, bool)
	// Names returns the names of all pipelines, sorted.
	Names() []string
}

// MapCatalog is a Catalog backed by a map from name to pipeline.
type MapCatalog map[string]*Pipeline

// Lookup implements Catalog.
func (m MapCatalog) Lookup(name string) (*Pipeline, bool) {
	p, ok := m[name]
	return p, ok
}

// Names implements Catalog.
func (m MapCatalog) Names() []string { return sortedKeys(m) }

//go:embed builtin/*.yml
var builtinFS embed.FS

// Builtins returns the catalog of pipelines embedded in the binary,
// parsed from ir/pipeline/builtin/*.yml; a pipeline's name is its file
// name without extension and its description the file's first comment
// line. The files are parsed on every call, so callers that need the
// catalog often keep the result. (The package tests guarantee that every
// embedded file parses without diagnostics.)
func Builtins() Catalog {
	cat, _ := loadBuiltins()
	return cat
}

func loadBuiltins() (MapCatalog, diag.List) {
	var l diag.List
	cat := MapCatalog{}
	entries, err := builtinFS.ReadDir("builtin")
	if err != nil {
		l.Errorf(diag.CodeInternal, diag.Pos{File: "builtin"}, "embedded pipelines unreadable: %v", err)
		return cat, l
	}
	for _, e := range entries {
		name := strings.TrimSuffix(e.Name(), ".yml")
		src, err := builtinFS.ReadFile("builtin/" + e.Name())
		if err != nil {
			l.Errorf(diag.CodeInternal, diag.Pos{File: e.Name()}, "embedded pipeline unreadable: %v", err)
			continue
		}
		p, dl := Parse("builtin:"+name, src)
		l.Append(dl)
		if p != nil && !dl.HasErrors() {
			p.Builtin = true
			cat[name] = p
		}
	}
	return cat, l
}

// BuiltinSource returns the YAML text of a built-in pipeline, for
// rendering diagnostics that point into it and for `sigc list`.
func BuiltinSource(name string) ([]byte, bool) {
	b, err := builtinFS.ReadFile("builtin/" + name + ".yml")
	return b, err == nil
}

// Resolve turns -p arguments into pipelines: a name in cat, a pipeline
// file, or a directory whose *.yml files are all pipelines. The result is
// sorted by (priority, spec) — the spec string of a directory member is its
// path — as pySigma's ProcessingPipelineResolver does, so the order of -p
// flags matters only between pipelines of equal priority and spec.
func Resolve(specs []string, cat Catalog) ([]*Pipeline, diag.List) {
	type resolved struct {
		p    *Pipeline
		spec string
	}
	var l diag.List
	var out []resolved
	load := func(path string) {
		src, err := os.ReadFile(path)
		if err != nil {
			l.Errorf(diag.CodeIO, diag.Pos{File: path}, "cannot read pipeline: %v", err)
			return
		}
		p, dl := Parse(path, src)
		l.Append(dl)
		if p != nil {
			out = append(out, resolved{p, path})
		}
	}
	for _, spec := range specs {
		if cat != nil {
			if p, ok := cat.Lookup(spec); ok {
				out = append(out, resolved{p, spec})
				continue
			}
		}
		st, err := os.Stat(spec)
		switch {
		case err != nil:
			hint := "sigc list pipelines shows the built-in pipelines"
			if cat != nil {
				hint = "known pipelines: " + strings.Join(cat.Names(), ", ")
			}
			l.ErrorHint(diag.CodePipelineUnknown, diag.Pos{File: spec}, hint,
				"%q is neither a known pipeline nor a file or directory", spec)
		case st.IsDir():
			files, _ := filepath.Glob(filepath.Join(spec, "*.yml"))
			sort.Strings(files)
			if len(files) == 0 {
				l.Errorf(diag.CodePipelineUnknown, diag.Pos{File: spec}, "directory %q holds no *.yml pipeline", spec)
			}
			for _, f := range files {
				load(f)
			}
		default:
			load(spec)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].p.Priority != out[j].p.Priority {
			return out[i].p.Priority < out[j].p.Priority
		}
		return out[i].spec < out[j].spec
	})
	ps := make([]*Pipeline, len(out))
	for i, r := range out {
		ps[i] = r.p
	}
	return ps, l
}
