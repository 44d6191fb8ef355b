package pipeline

import (
	"fmt"
	"sort"
	"strings"
)

// bexpr is a compiled rule_cond_expr: a boolean expression over condition
// indices. Precedence, loosest first: or, and, not (pySigma's pyparsing
// infix notation uses the same order).
type bexpr struct {
	op   byte // 'v' variable, '!' not, '&' and, '|' or
	idx  int
	x, y *bexpr
}

func (e *bexpr) eval(v func(int) bool) bool {
	switch e.op {
	case 'v':
		return v(e.idx)
	case '!':
		return !e.x.eval(v)
	case '&':
		return e.x.eval(v) && e.y.eval(v)
	}
	return e.x.eval(v) || e.y.eval(v)
}

// maxExprDepth bounds nesting so that hostile expressions cannot exhaust
// the stack.
const maxExprDepth = 64

type bexprParser struct {
	toks  []string
	i     int
	names map[string]int
	used  map[string]bool
	err   string
	depth int
}

// parseBoolExpr compiles src; names maps condition names to indices. It
// returns a message instead of an expression when src is malformed or names
// an undefined condition. unused lists defined conditions the expression
// never references (a likely mistake, reported as a warning).
func parseBoolExpr(src string, names map[string]int) (e *bexpr, err string, unused []string) {
	p := &bexprParser{toks: tokenizeBoolExpr(src), names: names, used: map[string]bool{}}
	e = p.or()
	if p.err == "" && p.i < len(p.toks) {
		p.err = fmt.Sprintf("unexpected %q", p.toks[p.i])
	}
	if p.err != "" {
		return nil, p.err, nil
	}
	for n := range names {
		if !p.used[n] {
			unused = append(unused, n)
		}
	}
	sort.Strings(unused)
	return e, "", unused
}

func tokenizeBoolExpr(s string) []string {
	var toks []string
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '(' || c == ')':
			toks = append(toks, s[i:i+1])
			i++
		default:
			j := i
			for j < len(s) && !strings.ContainsRune(" \t\n\r()", rune(s[j])) {
				j++
			}
			toks = append(toks, s[i:j])
			i = j
		}
	}
	return toks
}

func (p *bexprParser) peek() string {
	if p.i < len(p.toks) {
		return p.toks[p.i]
	}
	return ""
}

func (p *bexprParser) or() *bexpr {
	x := p.and()
	for p.err == "" && p.peek() == "or" {
		p.i++
		x = &bexpr{op: '|', x: x, y: p.and()}
	}
	return x
}

func (p *bexprParser) and() *bexpr {
	x := p.unary()
	for p.err == "" && p.peek() == "and" {
		p.i++
		x = &bexpr{op: '&', x: x, y: p.unary()}
	}
	return x
}

func (p *bexprParser) unary() *bexpr {
	if p.err != "" {
		return nil
	}
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxExprDepth {
		p.err = "expression nested too deeply"
		return nil
	}
	t := p.peek()
	switch t {
	case "":
		p.err = "unexpected end of expression"
		return nil
	case "not":
		p.i++
		return &bexpr{op: '!', x: p.unary()}
	case "(":
		p.i++
		x := p.or()
		if p.err == "" && p.peek() != ")" {
			p.err = "missing )"
		}
		p.i++
		return x
	case ")", "and", "or":
		p.err = fmt.Sprintf("unexpected %q", t)
		return nil
	}
	p.i++
	idx, ok := p.names[t]
	if !ok {
		p.err = fmt.Sprintf("condition %q is not defined", t)
		return nil
	}
	p.used[t] = true
	return &bexpr{op: 'v', idx: idx}
}
