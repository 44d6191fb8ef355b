package pipeline

import (
	"slices"
	"strings"
	"testing"

	"github.com/sigc-dev/sigc/ir"
	"github.com/sigc-dev/sigc/ir/diag"
)

// Builders for hand-made rules. Every node gets a distinct position so
// that diagnostics can be asserted.

var line = 0

func at() diag.Pos {
	line++
	return diag.Pos{File: "rule.yml", Line: line, Col: 5}
}

// m is a string Match; the value is a Sigma string with placeholders.
func m(field, value string) *ir.Match {
	return &ir.Match{P: at(), Field: field, Value: ir.String{Pattern: ir.ParseSigmaString(value, true)}}
}

// kw is a keyword Match.
func kw(value string) *ir.Match { return m("", value) }

func num(field string, n int64) *ir.Match {
	v, _ := irValue(n)
	return &ir.Match{P: at(), Field: field, Value: v}
}

func null(field string) *ir.Match { return &ir.Match{P: at(), Field: field, Op: ir.OpNull} }

func ref(field, other string) *ir.Match {
	return &ir.Match{P: at(), Field: field, Op: ir.OpFieldRef, Value: ir.FieldRef{Name: other}}
}

func and(ts ...ir.Expr) ir.Expr { return &ir.And{P: at(), Terms: ts} }
func or(ts ...ir.Expr) ir.Expr  { return &ir.Or{P: at(), Terms: ts} }
func not(x ir.Expr) ir.Expr     { return &ir.Not{P: at(), X: x} }

// winRule is a Windows process_creation rule with one query per expr.
func winRule(exprs ...ir.Expr) *ir.Rule {
	return rule(ir.Logsource{Product: "windows", Category: "process_creation"}, exprs...)
}

func rule(ls ir.Logsource, exprs ...ir.Expr) *ir.Rule {
	r := &ir.Rule{Meta: ir.Meta{Pos: diag.Pos{File: "rule.yml", Line: 1, Col: 1}, Title: "Test Rule", Level: "high", Status: "test",
		Tags: []string{"attack.execution", "attack.t1059"}}, Logsource: ls}
	for i, e := range exprs {
		r.Queries = append(r.Queries, ir.Query{Pos: at(), Condition: "c" + string(rune('0'+i)), Expr: e})
	}
	return r
}

// mustChain parses pipeline sources into a chain, failing on any error.
func mustChain(t *testing.T, srcs ...string) Chain {
	t.Helper()
	var c Chain
	for i, src := range srcs {
		p, l := Parse("p"+string(rune('0'+i))+".yml", []byte(src))
		if l.HasErrors() || p == nil {
			t.Fatalf("pipeline %d does not parse:\n%s", i, l.Error())
		}
		c = append(c, p)
	}
	return c
}

// queries renders the queries of r compactly, one per line.
func queries(r *ir.Rule) string {
	var out []string
	for _, q := range r.Queries {
		out = append(out, ir.Key(q.Expr))
	}
	return strings.Join(out, "\n")
}

func codes(l diag.List) string {
	var out []string
	for _, c := range l.Codes() {
		out = append(out, string(c))
	}
	return strings.Join(out, ",")
}

// applied returns the Applied lists of every Match of r, for assertions.
func applied(r *ir.Rule) [][]string {
	var out [][]string
	for _, q := range r.Queries {
		for _, mt := range ir.Matches(q.Expr) {
			out = append(out, slices.Clone(mt.Applied))
		}
	}
	return out
}
