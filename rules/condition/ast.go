package condition

import "github.com/sigc-dev/sigc/ir/diag"

// Expr is a parsed Sigma condition. The implementations are And, Or, Not,
// Ref and Quant; the set is sealed.
type Expr interface {
	// Pos returns the position of the node's first token in the YAML file.
	Pos() diag.Pos
	isExpr()
}

// And is `a and b and ...` (flattened: Terms has two or more entries).
type And struct {
	P     diag.Pos
	Terms []Expr
}

// Or is `a or b or ...` (flattened: Terms has two or more entries).
type Or struct {
	P     diag.Pos
	Terms []Expr
}

// Not is `not x`.
type Not struct {
	P diag.Pos
	X Expr
}

// Ref names one search identifier.
type Ref struct {
	P    diag.Pos
	Name string
}

// Quant is `1 of pattern`, `any of pattern` (All false) or `all of pattern`
// (All true). Pattern may contain `*` wildcards; `them` is Them=true with
// Pattern "*" (and excludes identifiers that start with `_`).
type Quant struct {
	P       diag.Pos
	All     bool
	Pattern string
	Them    bool
}

// Pos implements Expr.
func (e *And) Pos() diag.Pos { return e.P }

// Pos implements Expr.
func (e *Or) Pos() diag.Pos { return e.P }

// Pos implements Expr.
func (e *Not) Pos() diag.Pos { return e.P }

// Pos implements Expr.
func (e *Ref) Pos() diag.Pos { return e.P }

// Pos implements Expr.
func (e *Quant) Pos() diag.Pos { return e.P }

func (*And) isExpr()   {}
func (*Or) isExpr()    {}
func (*Not) isExpr()   {}
func (*Ref) isExpr()   {}
func (*Quant) isExpr() {}
