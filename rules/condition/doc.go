// Package condition parses Sigma condition strings (`sel and not 1 of
// filter_*`) into a small sealed AST, with participle/v2.
//
// Input: the condition text and the position of its first character in the
// YAML file. Output: an Expr whose nodes carry file positions, or a
// diag.List pointing at the exact column of a syntax error.
//
// The grammar is the Sigma specification v2.1 plus pySigma's `any of`:
//
//	condition := or
//	or        := and ( "or" and )*
//	and       := not ( "and" not )*
//	not       := "not" not | term
//	term      := "(" or ")" | quant "of" pattern | IDENT
//	quant     := "1" | "any" | "all"
//	pattern   := IDENT | PATTERN | "them"
//	IDENT     := [A-Za-z0-9_-]+        (not a keyword)
//	PATTERN   := [A-Za-z0-9_*-]+       (holding at least one "*")
//
// Keywords (and, or, not, of, them, and any/all/1 before "of") are whole
// words and case-insensitive; identifiers are case-sensitive. Parse refuses
// the Sigma v1 pipe aggregations (`| count() by x > 5`, `| near`) with
// cond/pipe, nesting deeper than MaxDepth with cond/too-deep and text longer
// than MaxLen with cond/too-long. Format prints an Expr back in canonical
// form.
package condition
