package condition

import "strings"

// Binding strength of each node kind, loosest first, as in the spec's
// operator precedence table.
const (
	precOr = iota + 1
	precAnd
	precNot
	precAtom
)

// Format returns the canonical text of e: lower-case keywords, single
// spaces, `1 of` for both `1 of` and `any of`, and parentheses exactly where
// the tree differs from what precedence alone would give (so a nested And
// inside an And, which Parse only builds from explicit parentheses, keeps
// them). Parse(Format(e)) yields a tree equal to e apart from positions.
func Format(e Expr) string {
	var b strings.Builder
	format(&b, e, 0)
	return b.String()
}

func precOf(e Expr) int {
	switch e.(type) {
	case *Or:
		return precOr
	case *And:
		return precAnd
	case *Not:
		return precNot
	}
	return precAtom
}

// format writes e, parenthesised if it binds more loosely than min.
func format(b *strings.Builder, e Expr, min int) {
	if isNil(e) {
		// Only hand-built trees hold nil; Format is a dump and must not
		// panic, so it shows the hole.
		b.WriteString("<nil>")
		return
	}
	if precOf(e) < min {
		b.WriteByte('(')
		defer b.WriteByte(')')
	}
	switch e := e.(type) {
	case *Or:
		formatTerms(b, e.Terms, " or ", precOr+1)
	case *And:
		formatTerms(b, e.Terms, " and ", precAnd+1)
	case *Not:
		b.WriteString("not ")
		format(b, e.X, precNot)
	case *Ref:
		b.WriteString(e.Name)
	case *Quant:
		if e.All {
			b.WriteString("all of ")
		} else {
			b.WriteString("1 of ")
		}
		if e.Them {
			b.WriteString("them")
		} else {
			b.WriteString(e.Pattern)
		}
	}
}

// isNil reports whether e is nil or a typed nil node.
func isNil(e Expr) bool {
	switch e := e.(type) {
	case *Or:
		return e == nil
	case *And:
		return e == nil
	case *Not:
		return e == nil
	case *Ref:
		return e == nil
	case *Quant:
		return e == nil
	}
	return e == nil
}

func formatTerms(b *strings.Builder, terms []Expr, sep string, min int) {
	for i, t := range terms {
		if i > 0 {
			b.WriteString(sep)
		}
		format(b, t, min)
	}
}
