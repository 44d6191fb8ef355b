package condition

import (
	"io"
	"strings"
	"unicode/utf8"

	"github.com/alecthomas/participle/v2/lexer"
)

// Token types of the condition lexer (participle pseudo-runes, below EOF).
//
// Why one Ident class for keywords and identifiers: a keyword is then a
// whole token by construction, so `notepad`, `android`, `order` and `not_x`
// lex as single identifiers. pySigma matches the operators as literal
// prefixes and splits `notepad` into `not epad`; we must not.
//
// Why a separate Pattern class (a word holding `*`): wildcards are only
// legal after `1 of`/`any of`/`all of`, and a distinct token type lets the
// grammar say so without post-checks.
//
// Why a catch-all Other class: lexing never fails, so every bad character
// reaches the parser as a token with a position and gets the same precise
// "unexpected ..." diagnostic as any other syntax error.
const (
	ttPattern lexer.TokenType = lexer.EOF - 1 - iota
	ttIdent
	ttPunct
	ttWhitespace
	ttOther
)

// asciiSpace is the whitespace between tokens; anything else that is not
// an identifier byte or "(", ")", "|" is an Other token.
const asciiSpace = " \t\n\f\r"

// condLexer is a hand-written participle lexer.Definition. Why not
// lexer.MustSimple: its regexp-per-token scanning made lexing a 64 KiB
// hostile condition take a noticeable fraction of a second, while this
// byte loop is linear and allocation-free per token. Positions carry the
// byte Offset, which is all Parse uses; Column counts bytes.
type condLexDef struct{}

var condLexer lexer.Definition = condLexDef{}

// Symbols implements lexer.Definition.
func (condLexDef) Symbols() map[string]lexer.TokenType {
	return map[string]lexer.TokenType{
		"EOF":        lexer.EOF,
		"Pattern":    ttPattern,
		"Ident":      ttIdent,
		"Punct":      ttPunct,
		"Whitespace": ttWhitespace,
		"Other":      ttOther,
	}
}

// Lex implements lexer.Definition.
func (d condLexDef) Lex(filename string, r io.Reader) (lexer.Lexer, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	return d.LexString(filename, string(b))
}

// LexString implements lexer.StringDefinition (participle's fast path).
func (condLexDef) LexString(filename string, src string) (lexer.Lexer, error) {
	return newCondLex(filename, src), nil
}

func newCondLex(filename, src string) *condLex {
	return &condLex{src: src, pos: lexer.Position{Filename: filename, Line: 1, Column: 1}}
}

type condLex struct {
	src string
	pos lexer.Position
}

// Next implements lexer.Lexer.
func (l *condLex) Next() (lexer.Token, error) {
	start := l.pos.Offset
	if start >= len(l.src) {
		return lexer.EOFToken(l.pos), nil
	}
	end := start + 1
	var tt lexer.TokenType
	switch c := l.src[start]; {
	case isSpace(c):
		tt = ttWhitespace
		for end < len(l.src) && isSpace(l.src[end]) {
			end++
		}
	case isWordByte(c):
		for end < len(l.src) && isWordByte(l.src[end]) {
			end++
		}
		tt = ttIdent
		if strings.IndexByte(l.src[start:end], '*') >= 0 {
			tt = ttPattern
		}
	case c == '(' || c == ')' || c == '|':
		tt = ttPunct
	default:
		// One character, or one byte of invalid UTF-8.
		_, size := utf8.DecodeRuneInString(l.src[start:])
		end = start + size
		tt = ttOther
	}
	tok := lexer.Token{Type: tt, Value: l.src[start:end], Pos: l.pos}
	l.advance(tok.Value)
	return tok, nil
}

// advance moves the position past text (bytes, not runes, per column).
func (l *condLex) advance(text string) {
	l.pos.Offset += len(text)
	if i := strings.LastIndexByte(text, '\n'); i >= 0 {
		l.pos.Line += strings.Count(text, "\n")
		l.pos.Column = len(text) - i
		return
	}
	l.pos.Column += len(text)
}

func isSpace(c byte) bool { return strings.IndexByte(asciiSpace, c) >= 0 }

// isWordByte reports whether c belongs to an Ident or Pattern token.
func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '_' || c == '-' || c == '*'
}
