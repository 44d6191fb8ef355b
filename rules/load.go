package rules

import (
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/sigc-dev/sigc/ir/diag"
)

// StdinName is the file name given to documents read from standard input
// (the path "-").
const StdinName = "<stdin>"

// Limits bounds the work that one input file may cause, so that hostile
// files fail fast with a diagnostic instead of exhausting memory or time.
// A zero or negative field means "use the default" (see DefaultLimits).
type Limits struct {
	// MaxFileSize is the largest file accepted, in bytes (default 8 MiB).
	MaxFileSize int64
	// MaxNodes bounds the YAML nodes of a file, counting every node reached
	// through an alias again (default 1,000,000). It stops alias bombs
	// ("billion laughs") and files with millions of tiny nodes.
	MaxNodes int
	// MaxDepth bounds the nesting of YAML collections (default 100).
	MaxDepth int
}

// DefaultLimits returns the limits used when a Limits field is zero.
func DefaultLimits() Limits {
	return Limits{MaxFileSize: 8 << 20, MaxNodes: 1_000_000, MaxDepth: 100}
}

// withDefaults replaces unset fields by their defaults.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxFileSize <= 0 {
		l.MaxFileSize = d.MaxFileSize
	}
	if l.MaxNodes <= 0 {
		l.MaxNodes = d.MaxNodes
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = d.MaxDepth
	}
	return l
}

// Set is the result of Load: every document of every file, in input order.
type Set struct {
	// Docs are the documents of all files, file by file in the order of
	// Files, and in document order inside a file.
	Docs []*Document
	// Sources maps each file name to its contents, for diag.Render.
	Sources diag.SourceMap
	// Files lists the files read, in load order (directories expanded).
	Files []string
	// FileDiags holds each file's own diagnostics, parallel to Files. The
	// list returned by Load merges them but, like every diag.List, keeps at
	// most diag.MaxDiagnostics entries; callers that report per file (or
	// load thousands of files with warnings) should use these instead.
	FileDiags []diag.List
}

// loadJob is one file to read and parse.
type loadJob struct {
	name string
	// src is set for standard input, which is read before the workers
	// start; files are read by the workers themselves.
	src   []byte
	stdin bool
}

// loadResult is what a worker produced for one job.
type loadResult struct {
	src   []byte
	docs  []*Document
	diags diag.List
	ok    bool // src was read
}

// Load reads paths and parses every Sigma document in them. A path is a
// file (read whatever its extension), a directory (walked recursively in
// lexical order for *.yml and *.yaml files, skipping hidden directories) or
// "-" for stdin, which is read from the given reader under the name
// "<stdin>". A file named twice is read once.
//
// Files are read and parsed in parallel by runtime.GOMAXPROCS workers; the
// result does not depend on scheduling. Documents are returned even when
// they have errors (fields that failed validation are left empty), except
// documents whose kind cannot be told; check the diagnostics.
func Load(paths []string, stdin io.Reader, lim Limits) (*Set, diag.List) {
	lim = lim.withDefaults()
	var dl diag.List
	jobs := expandPaths(paths, stdin, lim, &dl)

	results := make([]loadResult, len(jobs))
	workers := min(runtime.GOMAXPROCS(0), len(jobs))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(jobs) {
					return
				}
				results[i] = runJob(jobs[i], lim)
			}
		}()
	}
	wg.Wait()

	set := &Set{Sources: make(diag.SourceMap, len(jobs))}
	for i, j := range jobs {
		r := results[i]
		set.Files = append(set.Files, j.name)
		set.FileDiags = append(set.FileDiags, r.diags)
		if r.ok {
			set.Sources[j.name] = r.src
		}
		set.Docs = append(set.Docs, r.docs...)
		dl.Append(r.diags)
	}
	return set, dl
}

// runJob reads (unless already read) and parses one file.
func runJob(j loadJob, lim Limits) loadResult {
	var r loadResult
	src := j.src
	if !j.stdin {
		var ok bool
		src, ok = readFile(j.name, lim, &r.diags)
		if !ok {
			return r
		}
	}
	r.src, r.ok = src, true
	r.docs, r.diags = ParseFile(j.name, src, lim)
	return r
}

// expandPaths turns the command-line paths into the ordered list of files
// to parse, reading stdin on the way. Errors (missing paths, unreadable
// directories, oversized stdin) go to dl.
func expandPaths(paths []string, stdin io.Reader, lim Limits, dl *diag.List) []loadJob {
	var jobs []loadJob
	seen := make(map[string]bool)
	add := func(j loadJob) {
		if seen[j.name] {
			return
		}
		seen[j.name] = true
		jobs = append(jobs, j)
	}
	for _, p := range paths {
		if p == "-" {
			if seen[StdinName] {
				continue
			}
			if src, ok := readLimited(stdin, StdinName, -1, lim, dl); ok {
				add(loadJob{name: StdinName, src: src, stdin: true})
			} else {
				// Mark stdin as handled so that a second "-" does not
				// report the same failure again.
				seen[StdinName] = true
			}
			continue
		}
		fi, err := os.Stat(p)
		if err != nil {
			dl.Errorf(diag.CodeIO, diag.Pos{File: p}, "cannot read %s: %v", p, unwrapPathErr(err))
			continue
		}
		if !fi.IsDir() {
			add(loadJob{name: filepath.Clean(p)})
			continue
		}
		walkDir(p, dl, func(name string) { add(loadJob{name: name}) })
	}
	return jobs
}

// walkDir calls add for every *.yml/*.yaml file under root, in lexical
// order. Hidden directories (".git", ".github") are skipped: they hold
// tooling, not rules.
func walkDir(root string, dl *diag.List, add func(string)) {
	root = filepath.Clean(root)
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			dl.Errorf(diag.CodeIO, diag.Pos{File: path}, "cannot read %s: %v", path, unwrapPathErr(err))
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if path != root && strings.HasPrefix(d.Name(), ".") {
				return fs.SkipDir
			}
			return nil
		}
		if isYAMLName(d.Name()) {
			add(path)
		}
		return nil
	})
	if err != nil {
		dl.Errorf(diag.CodeIO, diag.Pos{File: root}, "cannot walk %s: %v", root, err)
	}
}

// isYAMLName reports whether a file name has a YAML extension.
func isYAMLName(name string) bool {
	ext := filepath.Ext(name)
	return strings.EqualFold(ext, ".yml") || strings.EqualFold(ext, ".yaml")
}

// readFile reads a file after checking its size, so that an oversized file
// is refused without being read.
func readFile(name string, lim Limits, dl *diag.List) ([]byte, bool) {
	f, err := os.Open(name)
	if err != nil {
		dl.Errorf(diag.CodeIO, diag.Pos{File: name}, "cannot read %s: %v", name, unwrapPathErr(err))
		return nil, false
	}
	defer f.Close()
	size := int64(-1)
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
		size = fi.Size()
	}
	return readLimited(f, name, size, lim, dl)
}

// readLimited reads at most lim.MaxFileSize bytes from r. size is the
// expected size when known (-1 otherwise); a known size over the limit is
// refused before reading, and an unknown one is bounded by a LimitReader.
func readLimited(r io.Reader, name string, size int64, lim Limits, dl *diag.List) ([]byte, bool) {
	tooLarge := func() {
		dl.Errorf(diag.CodeTooLarge, diag.Pos{File: name}, "%s is larger than the limit of %d bytes", name, lim.MaxFileSize)
	}
	if size > lim.MaxFileSize {
		tooLarge()
		return nil, false
	}
	if r == nil {
		return nil, true
	}
	capHint := int64(512)
	if size >= 0 {
		// One allocation for the whole file; +1 lets the final read see EOF.
		capHint = size + 1
	}
	buf := make([]byte, 0, capHint)
	lr := io.LimitReader(r, lim.MaxFileSize+1)
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := lr.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			dl.Errorf(diag.CodeIO, diag.Pos{File: name}, "cannot read %s: %v", name, unwrapPathErr(err))
			return nil, false
		}
	}
	if int64(len(buf)) > lim.MaxFileSize {
		tooLarge()
		return nil, false
	}
	return buf, true
}

// unwrapPathErr drops the *PathError wrapper, whose message repeats the
// path that the diagnostic already names.
func unwrapPathErr(err error) error {
	if pe, ok := err.(*fs.PathError); ok {
		return pe.Err
	}
	return err
}
