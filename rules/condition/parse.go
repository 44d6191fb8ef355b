package condition

import (
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/alecthomas/participle/v2/lexer"
	"github.com/sigc-dev/sigc/ir/diag"
)

// MaxDepth is the deepest nesting of parentheses and `not` chains a
// condition may have. Real rules stay below 5; the limit only exists so that
// hostile input cannot exhaust the stack of the recursive-descent parser.
const MaxDepth = 200

// MaxLen is the longest condition, in bytes, that Parse accepts. The longest
// condition in SigmaHQ is well under 1 KiB.
const MaxLen = 64 << 10

// Parse parses one Sigma condition string. at is the file position of the
// condition's first character; every node and diagnostic position is
// computed from it (a zero at is treated as line 1, column 1, so positions
// are then relative to src). On any error the Expr is nil and the List holds
// exactly one error diagnostic: cond/syntax, cond/pipe, cond/too-deep or
// cond/too-long.
func Parse(src string, at diag.Pos) (Expr, diag.List) {
	var l diag.List
	if !at.IsValid() {
		at = diag.Pos{File: at.File, Line: 1, Col: 1}
	}
	if strings.Trim(src, asciiSpace) == "" {
		l.ErrorHint(diag.CodeCondSyntax, at,
			`write at least one search identifier, for example "condition: selection"`,
			"condition is empty")
		return nil, l
	}
	lines := newLineIndex(src)
	// The depth scan runs before the length check and before participle:
	// it stops at the first token past MaxDepth, so even a megabyte of
	// "((((" is rejected after reading about MaxDepth bytes, and the
	// recursive parser never sees input that could exhaust its stack.
	if off, deep := depthExceeded(src); deep {
		l.ErrorHint(diag.CodeCondTooDeep, lines.pos(at, off),
			"flatten the condition or split it into several rules",
			"condition nests parentheses and \"not\" deeper than %d levels", MaxDepth)
		return nil, l
	}
	if len(src) > MaxLen {
		l.ErrorHint(diag.CodeCondTooLong, at,
			`use "1 of pattern*" or "all of pattern*" instead of listing identifiers`,
			"condition is %d bytes long, more than the limit of %d", len(src), MaxLen)
		return nil, l
	}
	tree, err := parseTree(src)
	if err != nil {
		l.Add(syntaxError(src, err, lines, at))
		return nil, l
	}
	c := converter{lines: lines, at: at}
	return c.or(tree), l
}

// depthExceeded reports whether src nests deeper than MaxDepth, and the
// byte offset of the token that crosses the limit. It is a byte scan that
// over-approximates the parser's recursion: every "(" and every `not` that
// still waits for its operand count one level. A word other than `not`
// completes the pending `not`s of its level, and ")" completes its group
// together with the `not`s that were waiting for that group.
func depthExceeded(src string) (int, bool) {
	depth, nots := 0, 0
	var pending []int // `not`s waiting before each open "("
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == '(':
			pending = append(pending, nots)
			nots = 0
			depth++
			if depth > MaxDepth {
				return i, true
			}
			i++
		case c == ')':
			depth -= nots
			nots = 0
			if n := len(pending); n > 0 {
				depth -= 1 + pending[n-1]
				pending = pending[:n-1]
			}
			i++
		case isWordByte(c):
			j := i + 1
			for j < len(src) && isWordByte(src[j]) {
				j++
			}
			if strings.EqualFold(src[i:j], "not") {
				nots++
				depth++
				if depth > MaxDepth {
					return i, true
				}
			} else {
				depth -= nots
				nots = 0
			}
			i = j
		default:
			i++
		}
	}
	return 0, false
}

// lineIndex maps byte offsets of a condition to 1-based line and byte
// column. Why not participle's Position.Column: it counts runes, while
// diag.Pos columns count bytes (as yaml.v3 does).
type lineIndex struct {
	starts []int // byte offset of the start of every line after the first
}

func newLineIndex(src string) lineIndex {
	var li lineIndex
	for i := 0; i < len(src); i++ {
		if src[i] == '\n' {
			li.starts = append(li.starts, i+1)
		}
	}
	return li
}

// pos returns the file position of byte offset off of a text starting at at.
func (li lineIndex) pos(at diag.Pos, off int) diag.Pos {
	// n is the number of line starts at or before off, i.e. line-1.
	n := sort.SearchInts(li.starts, off+1)
	if n == 0 {
		return at.Shift(1, off+1)
	}
	return at.Shift(n+1, off-li.starts[n-1]+1)
}

// converter turns the unexported parse tree into the exported AST.
type converter struct {
	lines lineIndex
	at    diag.Pos
}

func (c converter) pos(p lexer.Position) diag.Pos { return c.lines.pos(c.at, p.Offset) }

func (c converter) or(n *orNode) Expr {
	if len(n.Terms) == 1 {
		return c.and(n.Terms[0])
	}
	return &Or{P: c.pos(n.Pos), Terms: convertAll(n.Terms, c.and)}
}

func (c converter) and(n *andNode) Expr {
	if len(n.Terms) == 1 {
		return c.not(n.Terms[0])
	}
	return &And{P: c.pos(n.Pos), Terms: convertAll(n.Terms, c.not)}
}

func (c converter) not(n *notNode) Expr {
	if n.Not != nil {
		return &Not{P: c.pos(n.Pos), X: c.not(n.Not)}
	}
	return c.term(n.Term)
}

func (c converter) term(n *termNode) Expr {
	switch {
	case n.Quant != nil:
		q := &Quant{
			P:       c.pos(n.Pos),
			All:     strings.EqualFold(n.Quant.Count, "all"),
			Pattern: n.Quant.Pattern,
			Them:    n.Quant.Them,
		}
		if q.Them {
			q.Pattern = "*"
		}
		return q
	case n.Group != nil:
		// No group node: parentheses only shape the tree. The inner
		// expression keeps the position of its own first token.
		return c.or(n.Group)
	}
	return &Ref{P: c.pos(n.Pos), Name: n.Ref}
}

func convertAll[T any](in []T, conv func(T) Expr) []Expr {
	out := make([]Expr, len(in))
	for i, t := range in {
		out[i] = conv(t)
	}
	return out
}

// treeCache keeps the parse trees of conditions already seen. A rule set
// repeats a few hundred condition texts thousands of times ("selection",
// "all of selection_*"), and participle is the costly part of a parse. The
// trees hold positions relative to the text, so one tree serves every
// file; converter adds the file position. Trees are never modified.
var treeCache sync.Map // string -> *orNode

// treeCacheMax bounds the cache so hostile input cannot grow it without
// limit; past it, conditions are parsed without caching.
const treeCacheMax = 1 << 14

var treeCacheLen atomic.Int64

func parseTree(src string) (*orNode, error) {
	if t, ok := treeCache.Load(src); ok {
		return t.(*orNode), nil
	}
	tree, err := parser.ParseString("", src)
	if err != nil {
		return nil, err
	}
	if treeCacheLen.Load() < treeCacheMax {
		if _, loaded := treeCache.LoadOrStore(src, tree); !loaded {
			treeCacheLen.Add(1)
		}
	}
	return tree, nil
}
