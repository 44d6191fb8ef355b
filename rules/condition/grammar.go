package condition

import (
	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// The parse tree below follows participle's sql example: precedence comes
// from nesting (or → and → not → term), so `a and b or c` is
// `(a and b) or c` and `not a and b` is `(not a) and b`. Repetition
// (@@ ( 'and' @@ )*) keeps the binary operators left-associative and
// already flat: `a and b and c` is one andNode with three terms. Tags use
// the `parser:"..."` form with single-quoted literals so go vet can read
// them.
//
// Keyword literals are matched case-insensitively (participle.CaseInsensitive
// on the Ident token). Why: the spec writes them in lower case and pySigma
// accepts only that, but sigma-go and most users' hand-written conditions
// treat `AND`/`Or`/`NOT` as the same operators, and refusing them would gain
// nothing: a search identifier literally named `AND` is not referencable in
// either reading.

type orNode struct {
	Pos   lexer.Position
	Terms []*andNode `parser:"@@ ( 'or' @@ )*"`
}

type andNode struct {
	Pos   lexer.Position
	Terms []*notNode `parser:"@@ ( 'and' @@ )*"`
}

type notNode struct {
	Pos  lexer.Position
	Not  *notNode  `parser:"  'not' @@"`
	Term *termNode `parser:"| @@"`
}

type termNode struct {
	Pos   lexer.Position
	Quant *quantNode `parser:"  @@"`
	Group *orNode    `parser:"| '(' @@ ')'"`
	// Reserved words cannot name a search: `them` alone or `a and or` must
	// be errors, not references. `1`, `any` and `all` stay usable as names
	// (pySigma accepts them) because they are quantifiers only before `of`.
	Ref string `parser:"| (?! 'and' | 'or' | 'not' | 'of' | 'them') @Ident"`
}

type quantNode struct {
	Pos     lexer.Position
	Count   string `parser:"@( '1' | 'any' | 'all' ) 'of'"`
	Them    bool   `parser:"( @'them'"`
	Pattern string `parser:"| (?! 'and' | 'or' | 'not' | 'of' ) @( Ident | Pattern ) )"`
}

// parser is built once; participle parsers are safe for concurrent use.
// Lookahead 2 lets `any`, `all` and `1` be tried as a quantifier (`any of`)
// and fall back to a plain reference when no `of` follows.
var parser = participle.MustBuild[orNode](
	participle.Lexer(condLexer),
	participle.Elide("Whitespace"),
	participle.CaseInsensitive("Ident"),
	participle.UseLookahead(2),
)
