package rules

import (
	"fmt"
	"strings"
	"testing"

	"github.com/sigc-dev/sigc/ir/diag"
)

// summary renders diagnostics as "line:col severity code" lines, in
// position order, for compact expectations.
func summary(l diag.List) []string {
	var out []string
	for _, d := range l.Items() {
		sev := "E"
		if d.Severity != diag.Error {
			sev = "W"
		}
		out = append(out, fmt.Sprintf("%d:%d %s %s", d.Pos.Line, d.Pos.Col, sev, d.Code))
	}
	return out
}

// parse parses src as file "t.yml" with default limits.
func parse(t *testing.T, src string) ([]*Document, diag.List) {
	t.Helper()
	return ParseFile("t.yml", []byte(src), Limits{})
}

// checkDiags compares the diagnostics of src with want (summary lines).
func checkDiags(t *testing.T, src string, want ...string) []*Document {
	t.Helper()
	docs, dl := parse(t, src)
	got := summary(dl)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("diagnostics:\n got: %q\nwant: %q\n%s", got, want, diag.Render(dl, diag.SourceMap{"t.yml": []byte(src)}))
	}
	return docs
}

// okRule is a minimal valid rule; tests append or replace attributes.
const okRule = `title: T
logsource:
  product: windows
detection:
  sel:
    Image: a
  condition: sel
`
