package diag

import (
	"strings"
	"testing"
)

func TestListCapAndSeverity(t *testing.T) {
	var l List
	for i := 0; i < MaxDiagnostics+10; i++ {
		l.Warnf(CodeUnknownField, Pos{File: "f", Line: i + 1}, "w")
	}
	if l.Len() != MaxDiagnostics || l.Dropped() != 10 || l.HasErrors() {
		t.Fatalf("warnings only: len %d dropped %d errors %v", l.Len(), l.Dropped(), l.HasErrors())
	}
	l.Errorf(CodeYAMLSyntax, Pos{File: "f", Line: 1}, "e")
	if !l.HasErrors() || l.DroppedErrors() != 1 {
		t.Fatalf("dropped error must count: %v %d", l.HasErrors(), l.DroppedErrors())
	}
	var m List
	m.Append(l)
	if !m.HasErrors() || m.Dropped() != l.Dropped() {
		t.Fatalf("append: errors %v dropped %d", m.HasErrors(), m.Dropped())
	}
}

func TestSortAndRender(t *testing.T) {
	var l List
	l.ErrorHint(CodeUnknownModifier, Pos{File: "r.yml", Line: 3, Col: 11}, "did you mean \"contains\"?", "unknown modifier %q", "contians")
	l.Warnf(CodeCondUnused, Pos{File: "r.yml", Line: 2, Col: 5}, "unused")
	l.Errorf(CodeIO, Pos{File: "a.yml"}, "cannot read")
	if got := l.Codes(); strings.Join([]string{string(got[0]), string(got[1]), string(got[2])}, ",") != "input/io,cond/unused-search,modifier/unknown" {
		t.Fatalf("order: %v", got)
	}
	src := SourceMap{"r.yml": []byte("title: x\n    sel:\n    Image|contians: foo\n")}
	want := `a.yml: error[input/io]: cannot read
r.yml:2:5: warning[cond/unused-search]: unused
    2 |     sel:
      |     ^
r.yml:3:11: error[modifier/unknown]: unknown modifier "contians"
    3 |     Image|contians: foo
      |           ^
  hint: did you mean "contains"?
`
	if got := Render(l, src); got != want {
		t.Errorf("Render:\n%s\nwant:\n%s", got, want)
	}
}

func TestPosShift(t *testing.T) {
	p := Pos{File: "f", Line: 10, Col: 16}
	if got := p.Shift(1, 5); got != (Pos{"f", 10, 20}) {
		t.Errorf("same line: %v", got)
	}
	if got := p.Shift(3, 2); got != (Pos{"f", 12, 2}) {
		t.Errorf("later line: %v", got)
	}
}
