package native

import (
	"net/netip"
	"testing"

	"github.com/sigc-dev/sigc/ir"
	"github.com/sigc-dev/sigc/ir/diag"
)

// Builders for hand-written IR.

var at = diag.Pos{File: "t.yml", Line: 3, Col: 5}

func str(field, sigma string) *ir.Match {
	return &ir.Match{P: at, Field: field, Op: ir.OpEq, Value: ir.String{Pattern: ir.ParseSigmaString(sigma, false)}}
}

func cased(m *ir.Match) *ir.Match { m.Cased = true; return m }

func num(field string, f float64) *ir.Match {
	v := ir.Number{Text: canonicalFloat(f), Float: f, IsInt: f == float64(int64(f)), Int: int64(f)}
	return &ir.Match{P: at, Field: field, Op: ir.OpEq, Value: v}
}

func cmp(field string, op ir.Op, f float64) *ir.Match {
	m := num(field, f)
	m.Op = op
	return m
}

func boolm(field string, b bool) *ir.Match {
	return &ir.Match{P: at, Field: field, Op: ir.OpEq, Value: ir.Bool{Value: b}}
}

func re(field, src, flags string) *ir.Match {
	return &ir.Match{P: at, Field: field, Op: ir.OpRegex, Value: ir.Regex{Source: src, Flags: flags}}
}

func cidr(field, p string) *ir.Match {
	return &ir.Match{P: at, Field: field, Op: ir.OpCIDR, Value: ir.CIDR{Prefix: netip.MustParsePrefix(p)}}
}

func exists(field string) *ir.Match { return &ir.Match{P: at, Field: field, Op: ir.OpExists} }
func null(field string) *ir.Match   { return &ir.Match{P: at, Field: field, Op: ir.OpNull} }

func fref(field, other string, lead, trail bool) *ir.Match {
	return &ir.Match{P: at, Field: field, Op: ir.OpFieldRef, Value: ir.FieldRef{Name: other, Lead: lead, Trail: trail}}
}

func part(m *ir.Match, p ir.TimePart) *ir.Match { m.Part = p; return m }

func and(ts ...ir.Expr) ir.Expr { return &ir.And{P: at, Terms: ts} }
func or(ts ...ir.Expr) ir.Expr  { return &ir.Or{P: at, Terms: ts} }
func not(x ir.Expr) ir.Expr     { return &ir.Not{P: at, X: x} }

func rule(title string, qs ...ir.Expr) *ir.Rule {
	r := &ir.Rule{Meta: ir.Meta{Title: title, ID: title}}
	for _, q := range qs {
		r.Queries = append(r.Queries, ir.Query{Pos: at, Condition: "sel", Expr: q})
	}
	return r
}

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
