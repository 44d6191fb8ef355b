// Package irtest builds hand-written IR for tests of the packages that
// consume it (backends, pipelines). Every node gets the position At.
package irtest

import (
	"net/netip"
	"strconv"

	"github.com/sigc-dev/sigc/ir"
	"github.com/sigc-dev/sigc/ir/diag"
)

// At is the position stamped on every node built here.
var At = diag.Pos{File: "t.yml", Line: 3, Col: 5}

// Str matches field against a Sigma string (escapes and wildcards parsed;
// placeholders too when expand is set).
func Str(field, sigma string, expand bool) *ir.Match {
	return &ir.Match{P: At, Field: field, Op: ir.OpEq, Value: ir.String{Pattern: ir.ParseSigmaString(sigma, expand)}}
}

// Keyword is a field-less match of v anywhere in a value, as lowering
// builds plain keywords.
func Keyword(v string) *ir.Match {
	return &ir.Match{P: At, Op: ir.OpEq, Value: ir.String{Pattern: ir.ParseSigmaString(v, false).WithStar(true, true)}}
}

// Cased makes m case-sensitive.
func Cased(m *ir.Match) *ir.Match { m.Cased = true; return m }

// Number compares field with a number using op; text is its canonical
// text.
func Number(field string, op ir.Op, f float64) *ir.Match {
	v := ir.Number{Text: strconv.FormatFloat(f, 'f', -1, 64), Float: f}
	if f == float64(int64(f)) {
		v.IsInt, v.Int = true, int64(f)
	}
	return &ir.Match{P: At, Field: field, Op: op, Value: v}
}

// NumberText compares field with a number given only by its text.
func NumberText(field string, op ir.Op, text string) *ir.Match {
	return &ir.Match{P: At, Field: field, Op: op, Value: ir.Number{Text: text}}
}

// Bool matches field against a boolean.
func Bool(field string, b bool) *ir.Match {
	return &ir.Match{P: At, Field: field, Op: ir.OpEq, Value: ir.Bool{Value: b}}
}

// Regex matches field against a regex with flags.
func Regex(field, src, flags string) *ir.Match {
	return &ir.Match{P: At, Field: field, Op: ir.OpRegex, Value: ir.Regex{Source: src, Flags: flags}}
}

// CIDR matches field against a network.
func CIDR(field, p string) *ir.Match {
	return &ir.Match{P: At, Field: field, Op: ir.OpCIDR, Value: ir.CIDR{Prefix: netip.MustParsePrefix(p)}}
}

// Op is a value-less match (OpExists, OpNull).
func Op(field string, o ir.Op) *ir.Match { return &ir.Match{P: At, Field: field, Op: o} }

// FieldRef compares field with another field.
func FieldRef(field, other string, lead, trail bool) *ir.Match {
	return &ir.Match{P: At, Field: field, Op: ir.OpFieldRef, Value: ir.FieldRef{Name: other, Lead: lead, Trail: trail}}
}

// Part applies a time modifier to m.
func Part(m *ir.Match, p ir.TimePart) *ir.Match { m.Part = p; return m }

// And, Or and Not build junctions.
func And(ts ...ir.Expr) ir.Expr { return &ir.And{P: At, Terms: ts} }

// Or builds a disjunction.
func Or(ts ...ir.Expr) ir.Expr { return &ir.Or{P: At, Terms: ts} }

// Not negates x.
func Not(x ir.Expr) ir.Expr { return &ir.Not{P: At, X: x} }

// Rule builds a rule with one query per expression.
func Rule(title string, qs ...ir.Expr) *ir.Rule {
	r := &ir.Rule{Meta: ir.Meta{Title: title, ID: title, Pos: At}}
	for _, q := range qs {
		r.Queries = append(r.Queries, ir.Query{Pos: At, Condition: "sel", Expr: q})
	}
	return r
}
