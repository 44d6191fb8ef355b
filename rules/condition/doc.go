// Package condition parses Sigma condition strings (`sel and not 1 of
// filter_*`) into a small sealed AST, with participle/v2.
//
// Input: the condition text and the position of its first character in the
// YAML file. Output: an Expr whose nodes carry file positions, or a
// diag.List pointing at the exact column of a syntax error.
package condition
