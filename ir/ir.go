// Package ir is sigc's intermediate representation of Sigma rules: the one
// form every backend reads and every pipeline rewrites.
//
// Input: ir/lower builds Rules and Correlations from parsed Sigma documents.
// Output: ir/pipeline rewrites them; backends/* print or execute them.
//
// A rule's detection is lowered into one boolean expression per condition
// (Rule.Queries). Expressions are a closed set of node types — And, Or, Not,
// Match and Const — sealed by an unexported marker method, so a switch over
// them is exhaustive by construction. Every node carries the diag.Pos of the
// YAML it came from. Modifiers are fully applied during lowering: a Match
// holds one operator and one already-parsed value, so no backend ever parses
// Sigma escapes, wildcards, or modifier chains.
//
// The IR imports no rule model (OPA's ir package imports no AST either): it
// is plain data, and ir.Print gives its canonical text form.
package ir

import (
	"fmt"
	"net/netip"

	"github.com/sigc-dev/sigc/ir/diag"
)

// Expr is a boolean expression over one event. The implementations are
// And, Or, Not, Match and Const.
type Expr interface {
	// Pos returns the source position the node was lowered from.
	Pos() diag.Pos
	isExpr()
}

// And is true when every term is true. An And with no terms is true.
type And struct {
	P     diag.Pos
	Terms []Expr
}

// Or is true when any term is true. An Or with no terms is false.
type Or struct {
	P     diag.Pos
	Terms []Expr
}

// Not negates X.
type Not struct {
	P diag.Pos
	X Expr
}

// Const is a constant truth value; lowering produces it for quantifiers
// over empty sets, and Simplify folds it away wherever it can.
type Const struct {
	P     diag.Pos
	Value bool
}

// Op is the comparison a Match performs.
type Op uint8

// Match operators. The Value type each accepts is listed.
const (
	// OpEq: String (pattern match, case-insensitive unless Cased), Number
	// (equality of canonical text or numeric value) or Bool. Contains,
	// startswith and endswith are OpEq with `*` added to the pattern.
	OpEq Op = iota
	// OpRegex: Regex, an unanchored search.
	OpRegex
	// OpCIDR: CIDR, the field is an IP address inside the network.
	OpCIDR
	// OpLt, OpLte, OpGt, OpGte: Number, numeric comparison.
	OpLt
	OpLte
	OpGt
	OpGte
	// OpExists: no value; the field is present (even empty or null).
	OpExists
	// OpNull: no value; the field is absent or null.
	OpNull
	// OpFieldRef: FieldRef, the field equals (or contains, starts or ends
	// with) the value of another field of the same event.
	OpFieldRef
)

var opNames = [...]string{
	OpEq: "=", OpRegex: "re", OpCIDR: "cidr", OpLt: "<", OpLte: "<=", OpGt: ">",
	OpGte: ">=", OpExists: "exists", OpNull: "null", OpFieldRef: "fieldref",
}

// String returns the operator as written in the IR dump.
func (o Op) String() string {
	if int(o) < len(opNames) {
		return opNames[o]
	}
	return fmt.Sprintf("op(%d)", int(o))
}

// TimePart selects a component of a timestamp field (time modifiers).
type TimePart uint8

// Time parts; PartNone means the field's own value is compared.
const (
	PartNone TimePart = iota
	PartMinute
	PartHour
	PartDay
	PartWeek
	PartMonth
	PartYear
)

var partNames = [...]string{"", "minute", "hour", "day", "week", "month", "year"}

// String returns the modifier name of the part ("" for PartNone).
func (p TimePart) String() string {
	if int(p) < len(partNames) {
		return partNames[p]
	}
	return fmt.Sprintf("part(%d)", int(p))
}

// Match tests one field of the event (or, for a keyword, every string
// value of the event) against one value.
type Match struct {
	P diag.Pos
	// Field is the field name as written in the rule (after pipelines,
	// the target's name). Empty means a keyword: the value is searched in
	// every string value of the event.
	Field string
	Op    Op
	// Value is nil for OpExists and OpNull.
	Value Value
	// Cased makes a String comparison case-sensitive (the cased modifier).
	Cased bool
	// Part applies a time modifier to the field before comparing.
	Part TimePart
	// Applied lists the ids of pipeline items that changed this match;
	// pipeline conditions read it (processing_item_applied).
	Applied []string
}

// IsKeyword reports whether m is a field-less keyword search.
func (m *Match) IsKeyword() bool { return m.Field == "" }

// Pos implements Expr.
func (e *And) Pos() diag.Pos { return e.P }

// Pos implements Expr.
func (e *Or) Pos() diag.Pos { return e.P }

// Pos implements Expr.
func (e *Not) Pos() diag.Pos { return e.P }

// Pos implements Expr.
func (e *Const) Pos() diag.Pos { return e.P }

// Pos implements Expr.
func (e *Match) Pos() diag.Pos { return e.P }

func (*And) isExpr()   {}
func (*Or) isExpr()    {}
func (*Not) isExpr()   {}
func (*Const) isExpr() {}
func (*Match) isExpr() {}

// Value is the right-hand side of a Match. The implementations are String,
// Number, Bool, Regex, CIDR, FieldRef and QueryExpr.
type Value interface {
	isValue()
}

// String is a parsed Sigma string: literals, wildcards, placeholders.
type String struct {
	Pattern Pattern
}

// Number is a YAML number. Text is its canonical text (integers without a
// fraction, floats in shortest form), which is what Sigma compares against
// string event values.
type Number struct {
	Text  string
	Float float64
	// IsInt is true when the YAML number was an integer.
	IsInt bool
	Int   int64
}

// Bool is a YAML boolean.
type Bool struct {
	Value bool
}

// Regex is a regular expression in Sigma's flavour (a PCRE subset that RE2
// also accepts). Flags holds the sorted set of "i", "m", "s".
type Regex struct {
	Source string
	Flags  string
}

// CIDR is an IPv4 or IPv6 network.
type CIDR struct {
	Prefix netip.Prefix
}

// FieldRef names another field of the same event. Lead and Trail widen
// equality to endswith (Lead), startswith (Trail) or contains (both).
type FieldRef struct {
	Name        string
	Lead, Trail bool
}

// QueryExpr is target query text produced by a pipeline
// (query_expression_placeholders); text backends insert it verbatim.
type QueryExpr struct {
	Text string
}

func (String) isValue()    {}
func (Number) isValue()    {}
func (Bool) isValue()      {}
func (Regex) isValue()     {}
func (CIDR) isValue()      {}
func (FieldRef) isValue()  {}
func (QueryExpr) isValue() {}
