package rules

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/sigc-dev/sigc/ir/diag"
)

// writeFiles creates files (path → contents) under dir.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, src := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// titled returns okRule with another title.
func titled(title string) string {
	return "title: " + title + "\n" + okRule[len("title: T\n"):]
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"b.yaml":         titled("B"),
		"a.yml":          titled("A") + "---\n" + titled("A2"),
		"sub/c.yml":      titled("C"),
		"sub/z.YML":      titled("Z"),
		".git/d.yml":     titled("hidden"),
		"notes.txt":      "not yaml: [",
		"other/rule.txt": titled("Explicit"),
		"bad.yml":        "title: [\n",
	})
	stdin := strings.NewReader(titled("Stdin"))
	paths := []string{dir, "-", filepath.Join(dir, "other", "rule.txt"), filepath.Join(dir, "a.yml"), filepath.Join(dir, "missing.yml")}
	set, dl := Load(paths, stdin, Limits{})

	rel := func(p string) string {
		if r, err := filepath.Rel(dir, p); err == nil && !strings.HasPrefix(r, "..") {
			return filepath.ToSlash(r)
		}
		return p
	}
	var files []string
	for _, f := range set.Files {
		files = append(files, rel(f))
	}
	wantFiles := []string{"a.yml", "b.yaml", "bad.yml", "sub/c.yml", "sub/z.YML", StdinName, "other/rule.txt"}
	if !reflect.DeepEqual(files, wantFiles) {
		t.Errorf("files = %q, want %q", files, wantFiles)
	}
	var titles []string
	for _, d := range set.Docs {
		titles = append(titles, d.Meta().Title)
	}
	wantTitles := []string{"A", "A2", "B", "C", "Z", "Stdin", "Explicit"}
	if !reflect.DeepEqual(titles, wantTitles) {
		t.Errorf("titles = %q, want %q", titles, wantTitles)
	}
	if set.Docs[5].File != StdinName || string(set.Sources[StdinName]) != titled("Stdin") {
		t.Errorf("stdin document file %q, source %q", set.Docs[5].File, set.Sources[StdinName])
	}
	if len(set.FileDiags) != len(set.Files) || set.FileDiags[2].Len() != 1 || set.FileDiags[0].Len() != 0 {
		t.Errorf("file diagnostics = %v", set.FileDiags)
	}
	var got []string
	for _, d := range dl.Items() {
		got = append(got, rel(d.Pos.File)+" "+string(d.Code))
	}
	want := []string{"bad.yml yaml/syntax", "missing.yml input/io"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("diagnostics = %q, want %q", got, want)
	}
}

func TestLoadLimitsAndErrors(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"big.yml": titled(strings.Repeat("x", 200)), "small.yml": titled("S")})
	lim := Limits{MaxFileSize: 150}
	set, dl := Load([]string{dir, "-"}, strings.NewReader(titled(strings.Repeat("y", 200))), lim)
	codes := map[string]diag.Code{}
	for _, d := range dl.Items() {
		codes[filepath.Base(d.Pos.File)] = d.Code
		if d.Pos.Line != 0 {
			t.Errorf("%v: a whole-file error has no line", d)
		}
	}
	want := map[string]diag.Code{"big.yml": diag.CodeTooLarge, StdinName: diag.CodeTooLarge}
	if !reflect.DeepEqual(codes, want) {
		t.Errorf("codes = %v, want %v", codes, want)
	}
	if len(set.Docs) != 1 || set.Docs[0].Meta().Title != "S" {
		t.Errorf("docs = %v", set.Docs)
	}
	if _, ok := set.Sources[filepath.Join(dir, "big.yml")]; ok {
		t.Error("oversized file kept in Sources")
	}

	// An unreadable directory entry is reported, the rest still loads.
	if os.Getuid() != 0 {
		locked := filepath.Join(dir, "locked")
		writeFiles(t, dir, map[string]string{"locked/r.yml": titled("L")})
		if err := os.Chmod(locked, 0); err != nil {
			t.Fatal(err)
		}
		defer os.Chmod(locked, 0o755)
		_, dl := Load([]string{dir}, nil, Limits{})
		if c := dl.Codes(); len(c) == 0 || c[0] != diag.CodeIO {
			t.Errorf("codes = %v", c)
		}
	}
}

// TestLoadDeterministic loads many files twice and compares the order.
func TestLoadDeterministic(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{}
	for i := range 200 {
		files[filepath.Join("d", string(rune('a'+i%26)), strings.Repeat("r", 1+i/26)+".yml")] = titled(strings.Repeat("t", i+1))
	}
	writeFiles(t, dir, files)
	first, _ := Load([]string{dir}, nil, Limits{})
	for range 3 {
		again, _ := Load([]string{dir}, nil, Limits{})
		if !reflect.DeepEqual(first.Files, again.Files) || len(first.Docs) != len(again.Docs) {
			t.Fatal("file order differs between loads")
		}
		for i := range first.Docs {
			if first.Docs[i].Meta().Title != again.Docs[i].Meta().Title {
				t.Fatalf("document %d differs", i)
			}
		}
	}
	if len(first.Docs) != 200 {
		t.Errorf("docs = %d", len(first.Docs))
	}
}
