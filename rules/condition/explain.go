package condition

import (
	"fmt"
	"strings"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
	"github.com/sigc-dev/sigc/ir/diag"
)

// Why a second pass for errors: participle reports the deepest failure as
// `unexpected token "x" (expected <grammar fragment>)`, which names grammar
// internals and points at end-of-input for an unclosed "(". Participle stays
// the parser; when it fails, explain walks the same tokens with the
// grammar's follow sets (what may come after what) to say, in Sigma terms,
// what was expected, what was found and where. The fuzz test checks that
// explain and participle agree on which inputs are errors.

// Expected sets, worded for users.
const (
	wantOperand = `an identifier, "(", "not", "1 of", "any of" or "all of"`
	wantPattern = `an identifier pattern or "them"`
	wantOp      = `"and", "or" or end of condition`
	wantOpGroup = `"and", "or", ")" or end of condition`
)

const (
	hintOperand = `every "and", "or", "not" and "(" must be followed by a search identifier, a "(...)" group, "1 of pattern" or "all of pattern"`
	hintPattern = `name the search identifiers to count, e.g. "1 of selection_*" or "all of them"`
	hintJoin    = `join search identifiers with "and" or "or"`
	hintChars   = `search identifiers contain only letters, digits, "_" and "-"; patterns may add "*"`
	hintQuant   = `use "1 of" (at least one matches) or "all of" (every one matches)`
)

type tokKind int

const (
	kEOF tokKind = iota
	kIdent
	kPattern
	kLParen
	kRParen
	kPipe
	kOther
)

type token struct {
	kind tokKind
	val  string
	off  int
}

// is reports whether t is the keyword kw (case-insensitive, whole token).
func (t token) is(kw string) bool { return t.kind == kIdent && strings.EqualFold(t.val, kw) }

// reserved reports whether t is a keyword that can never name a search.
func (t token) reserved() bool {
	return t.is("and") || t.is("or") || t.is("not") || t.is("of") || t.is("them")
}

// describe names t for a message: `identifier "x"`, `"and"`, `"("`...
func (t token) describe() string {
	v := clip(t.val)
	switch {
	case t.kind == kEOF:
		return "end of condition"
	case t.kind == kOther:
		return fmt.Sprintf("character %q", v)
	case t.kind == kPattern:
		return fmt.Sprintf("pattern %q", v)
	case t.kind == kIdent && !t.reserved():
		return fmt.Sprintf("identifier %q", v)
	}
	return fmt.Sprintf("%q", v)
}

// kindOf maps the lexer's token types to the kinds explain works with;
// Punct is refined by value in tokenize.
var kindOf = map[lexer.TokenType]tokKind{
	ttIdent:   kIdent,
	ttPattern: kPattern,
	ttOther:   kOther,
}

var punctKind = map[string]tokKind{"(": kLParen, ")": kRParen, "|": kPipe}

// tokenize lexes src with the grammar's own lexer, whitespace dropped. The
// last token is always an EOF token at len(src).
func tokenize(src string) []token {
	var out []token
	lx := newCondLex("", src)
	for {
		t, _ := lx.Next() // condLex never fails
		if t.EOF() {
			return append(out, token{kind: kEOF, off: len(src)})
		}
		switch t.Type {
		case ttWhitespace:
		case ttPunct:
			out = append(out, token{kind: punctKind[t.Value], val: t.Value, off: t.Pos.Offset})
		default:
			out = append(out, token{kind: kindOf[t.Type], val: t.Value, off: t.Pos.Offset})
		}
	}
}

// syntaxErr is one located explanation of a parse failure.
type syntaxErr struct {
	off  int
	code diag.Code
	msg  string
	hint string
}

// syntaxError turns a participle failure into a diagnostic. explain
// normally finds the cause; participle's own message is only the fallback
// for a disagreement between the two, which the fuzz test hunts for.
func syntaxError(src string, perr error, lines lineIndex, at diag.Pos) diag.Diagnostic {
	e, ok := explain(src)
	if !ok {
		e = syntaxErr{code: diag.CodeCondSyntax, msg: perr.Error()}
		if pe, isPE := perr.(participle.Error); isPE {
			e.off, e.msg = pe.Position().Offset, pe.Message()
		}
	}
	return diag.Diagnostic{Code: e.code, Severity: diag.Error, Pos: lines.pos(at, e.off), Msg: e.msg, Hint: e.hint}
}

// Parser states of explain: what the next token must be.
const (
	stOperand  = iota // an operand: identifier, "(", "not", quantifier
	stPattern         // the pattern after "1 of" / "any of" / "all of"
	stOperator        // "and", "or", ")" or the end
)

// explain tokenizes src and returns the first syntax error, or ok=false
// when src is a valid condition.
func explain(src string) (syntaxErr, bool) {
	toks := tokenize(src)
	state := stOperand
	var open []int // offsets of the "(" not closed yet
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t.kind == kPipe {
			return pipeError(src, t), true
		}
		switch state {
		case stOperand:
			switch {
			case t.kind == kEOF:
				return atEnd(toks, i, wantOperand, hintOperand), true
			case t.kind == kLParen:
				open = append(open, t.off)
			case t.kind == kRParen && len(open) == 0:
				return stray(t), true
			case t.is("not"):
			case (t.kind == kIdent && !t.reserved() || t.kind == kPattern) && toks[i+1].is("of"):
				if !t.is("1") && !t.is("any") && !t.is("all") {
					return syntaxErr{t.off, diag.CodeCondSyntax,
						fmt.Sprintf(`unsupported quantifier "%s of": only "1 of", "any of" and "all of" are defined`, clip(t.val)),
						hintQuant}, true
				}
				i++
				state = stPattern
			case t.kind == kIdent && !t.reserved():
				state = stOperator
			case t.is("them"):
				return syntaxErr{t.off, diag.CodeCondSyntax,
					`"them" is only valid after "1 of", "any of" or "all of"`,
					`write "1 of them" or "all of them"`}, true
			case t.kind == kPattern:
				return syntaxErr{t.off, diag.CodeCondSyntax,
					fmt.Sprintf(`wildcard pattern %q is only valid after "1 of", "any of" or "all of"`, clip(t.val)),
					fmt.Sprintf(`write "1 of %s" or "all of %s"`, clip(t.val), clip(t.val))}, true
			default:
				return unexpected(t, wantOperand, hintOperand), true
			}
		case stPattern:
			switch {
			case t.kind == kEOF:
				return atEnd(toks, i, wantPattern, hintPattern), true
			case t.kind == kPattern, t.is("them"),
				t.kind == kIdent && !t.reserved():
				state = stOperator
			default:
				return unexpected(t, wantPattern, hintPattern), true
			}
		case stOperator:
			want := wantOp
			if len(open) > 0 {
				want = wantOpGroup
			}
			switch {
			case t.kind == kEOF && len(open) > 0:
				return unclosed(open), true
			case t.kind == kEOF:
				return syntaxErr{}, false
			case t.is("and"), t.is("or"):
				state = stOperand
			case t.kind == kRParen && len(open) == 0:
				return stray(t), true
			case t.kind == kRParen:
				open = open[:len(open)-1]
			case t.is("not"):
				return unexpected(t, want, `write "and not" or "or not"`), true
			default:
				return unexpected(t, want, hintJoin), true
			}
		}
	}
	return syntaxErr{}, false // unreachable: the EOF token always decides
}

// unexpected reports t where want was expected. A stray character gets the
// character-set hint whatever the state, since that is its likely cause.
func unexpected(t token, want, hint string) syntaxErr {
	if t.kind == kOther {
		hint = hintChars
	}
	return syntaxErr{t.off, diag.CodeCondSyntax, fmt.Sprintf("unexpected %s, expected %s", t.describe(), want), hint}
}

// atEnd reports a condition that stops where more was needed. It points at
// the dangling token (the "or" of `a or`), not past the end of the text.
func atEnd(toks []token, i int, want, hint string) syntaxErr {
	if i == 0 {
		return syntaxErr{toks[i].off, diag.CodeCondSyntax, "condition is empty", hint}
	}
	prev := toks[i-1]
	return syntaxErr{prev.off, diag.CodeCondSyntax,
		fmt.Sprintf("unexpected %s at end of condition, expected %s", prev.describe(), want), hint}
}

func stray(t token) syntaxErr {
	return syntaxErr{t.off, diag.CodeCondSyntax, `unmatched ")": no "(" is open here`,
		`remove this ")" or add the matching "("`}
}

// unclosed points at the innermost "(" that is still open at the end.
func unclosed(open []int) syntaxErr {
	msg := `unclosed "(": the condition ends before its ")"`
	if len(open) > 1 {
		msg += fmt.Sprintf(" (%d parentheses are unclosed)", len(open))
	}
	return syntaxErr{open[len(open)-1], diag.CodeCondSyntax, msg, `add the missing ")" or remove this "("`}
}

// pipeError reports the Sigma v1 aggregation syntax at its "|".
func pipeError(src string, pipe token) syntaxErr {
	agg := "|"
	if tail := clip(strings.Join(strings.Fields(src[pipe.off+1:]), " ")); tail != "" {
		agg += " " + tail
	}
	return syntaxErr{pipe.off, diag.CodeCondPipe,
		fmt.Sprintf(`the Sigma v1 pipe aggregation %q is obsolete and not supported`, agg),
		"rewrite the aggregation as a correlation rule (sigma-correlation-rules-specification.md) that references this rule"}
}

// clip shortens hostile megabyte-long tokens in messages.
func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}
