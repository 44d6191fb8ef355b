package native

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sigc-dev/sigc/ir"
	"github.com/sigc-dev/sigc/ir/irtest"
)

// Builders for hand-written IR (shared with the other backends' tests).

var at = irtest.At

func str(field, sigma string) *ir.Match { return irtest.Str(field, sigma, false) }

func num(field string, f float64) *ir.Match { return irtest.Number(field, ir.OpEq, f) }

var (
	cased  = irtest.Cased
	cmp    = irtest.Number
	boolm  = irtest.Bool
	re     = irtest.Regex
	cidr   = irtest.CIDR
	fref   = irtest.FieldRef
	part   = irtest.Part
	and    = irtest.And
	or     = irtest.Or
	not    = irtest.Not
	rule   = irtest.Rule
	exists = func(field string) *ir.Match { return irtest.Op(field, ir.OpExists) }
	null   = func(field string) *ir.Match { return irtest.Op(field, ir.OpNull) }
)

// event decodes one JSON object (nested objects become dotted paths).
func event(tb testing.TB, js string) *Flat {
	tb.Helper()
	var d Decoder
	ev := &Flat{}
	if err := d.Decode([]byte(js), FormatAuto, ev); err != nil {
		tb.Fatalf("decode %s: %v", js, err)
	}
	return ev
}

func mustCompile(tb testing.TB, r *ir.Rule) *Program {
	tb.Helper()
	p, d := Compile(r)
	if p == nil || d.HasErrors() {
		tb.Fatalf("compile %s: %v", r.Title, d)
	}
	return p
}

// regressionFiles lists the corpus's regression event files (*.json).
func regressionFiles(tb testing.TB) []string {
	var out []string
	dir := filepath.Join(corpusDir(tb), "regression_data")
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".json") {
			out = append(out, p)
		}
		return nil
	})
	return out
}
