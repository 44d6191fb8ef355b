package splunk

// A parser for the subset of SPL this backend emits, used by the tests as a
// syntax checker (balanced quotes and parentheses, valid command sequence,
// known eval functions with their arities) and, through evalSearch and
// evalWhere, as a small interpreter for differential tests against Sigma's
// semantics.

import (
	"fmt"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
)

type tokKind int

const (
	tWord tokKind = iota
	tStr
	tField // 'single quoted'
	tMacro
	tOp // = == != < <= > >=
	tPunct
	tEOF
)

type token struct {
	kind tokKind
	text string // decoded for tStr/tField
	raw  string
}

func lex(s string) ([]token, error) {
	var out []token
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ':
			i++
		case isControl(c):
			return nil, fmt.Errorf("raw control character %#x at %d", c, i)
		case c == '"':
			var b strings.Builder
			j := i + 1
			for ; j < len(s) && s[j] != '"'; j++ {
				if isControl(s[j]) {
					return nil, fmt.Errorf("control character in string at %d", j)
				}
				if s[j] == '\\' && j+1 < len(s) {
					if s[j+1] == '\\' || s[j+1] == '"' {
						b.WriteByte(s[j+1])
					} else {
						b.WriteByte('\\')
						b.WriteByte(s[j+1])
					}
					j++
					continue
				}
				b.WriteByte(s[j])
			}
			if j >= len(s) {
				return nil, fmt.Errorf("unterminated string at %d", i)
			}
			out = append(out, token{kind: tStr, text: b.String(), raw: s[i : j+1]})
			i = j + 1
		case c == '\'' || c == '`':
			j := strings.IndexByte(s[i+1:], c)
			if j < 0 {
				return nil, fmt.Errorf("unterminated %c at %d", c, i)
			}
			k := tField
			if c == '`' {
				k = tMacro
			}
			out = append(out, token{kind: k, text: s[i+1 : i+1+j], raw: s[i : i+2+j]})
			i += j + 2
		case strings.IndexByte("|()[],", c) >= 0:
			out = append(out, token{kind: tPunct, text: string(c), raw: string(c)})
			i++
		case strings.IndexByte("=<>!", c) >= 0:
			j := i + 1
			if j < len(s) && s[j] == '=' {
				j++
			}
			op := s[i:j]
			if op == "!" {
				return nil, fmt.Errorf("lone ! at %d", i)
			}
			out = append(out, token{kind: tOp, text: op, raw: op})
			i = j
		default:
			j := i
			for j < len(s) && s[j] != ' ' && !isControl(s[j]) && strings.IndexByte("\"'`|()[],=<>!", s[j]) < 0 {
				j++
			}
			out = append(out, token{kind: tWord, text: s[i:j], raw: s[i:j]})
			i = j
		}
	}
	return append(out, token{kind: tEOF}), nil
}

// snode is a search-language expression.
type snode struct {
	kind   string // and, or, not, cmp, in, term, sub
	field  string
	op     string
	value  string
	quoted bool
	values []token
	kids   []*snode
}

// enode is an eval-language expression.
type enode struct {
	kind string // and, or, not, cmp, call, field, str, num, concat
	name string
	kids []*enode
}

// splCmd is one command after a pipe.
type splCmd struct {
	name   string
	where  *enode
	search *snode
	args   []token
	subs   []*splQuery
}

// splQuery is a parsed pipeline.
type splQuery struct {
	search  *snode // nil when the pipeline starts with a generating command
	cmds    []splCmd
	regexes []string
}

type parser struct {
	toks    []token
	pos     int
	regexes *[]string
	stopBy  bool // tstats: a bare `by` ends the where clause
}

func (p *parser) peek() token { return p.toks[p.pos] }
func (p *parser) next() token { t := p.toks[p.pos]; p.pos++; return t }
func (p *parser) is(k tokKind, text string) bool {
	t := p.peek()
	return t.kind == k && t.text == text
}
func (p *parser) expect(k tokKind, text string) error {
	if !p.is(k, text) {
		return fmt.Errorf("expected %q, got %q at token %d", text, p.peek().raw, p.pos)
	}
	p.pos++
	return nil
}

// parseSPL parses a whole query.
func parseSPL(s string) (*splQuery, error) {
	toks, err := lex(s)
	if err != nil {
		return nil, err
	}
	var regexes []string
	p := &parser{toks: toks, regexes: &regexes}
	q, err := p.pipeline(false)
	if err != nil {
		return nil, err
	}
	if p.peek().kind != tEOF {
		return nil, fmt.Errorf("trailing tokens at %d: %q", p.pos, p.peek().raw)
	}
	q.regexes = regexes
	return q, nil
}

func (p *parser) atEnd(sub bool) bool {
	t := p.peek()
	return t.kind == tEOF || (t.kind == tPunct && t.text == "|") || (sub && t.kind == tPunct && t.text == "]")
}

func (p *parser) pipeline(sub bool) (*splQuery, error) {
	q := &splQuery{}
	if !p.is(tPunct, "|") {
		if sub {
			if err := p.expect(tWord, "search"); err != nil {
				return nil, err
			}
		}
		s, err := p.sexpr(sub)
		if err != nil {
			return nil, err
		}
		q.search = s
	}
	for p.is(tPunct, "|") {
		p.next()
		c, err := p.command(sub, len(q.cmds) == 0 && q.search == nil)
		if err != nil {
			return nil, err
		}
		q.cmds = append(q.cmds, c)
	}
	return q, nil
}

func (p *parser) command(sub, first bool) (splCmd, error) {
	t := p.next()
	if t.kind == tMacro {
		return splCmd{name: "`" + t.text + "`"}, nil
	}
	if t.kind != tWord {
		return splCmd{}, fmt.Errorf("expected a command, got %q", t.raw)
	}
	c := splCmd{name: t.text}
	generating := c.name == "tstats" || c.name == "multisearch"
	if generating != first {
		return c, fmt.Errorf("command %s at the wrong place", c.name)
	}
	switch c.name {
	case "where":
		e, err := p.eor()
		if err != nil {
			return c, err
		}
		c.where = e
	case "search":
		s, err := p.sexpr(sub)
		if err != nil {
			return c, err
		}
		c.search = s
	case "multisearch":
		for p.is(tPunct, "[") {
			p.next()
			sq, err := p.pipeline(true)
			if err != nil {
				return c, err
			}
			if err := p.expect(tPunct, "]"); err != nil {
				return c, err
			}
			c.subs = append(c.subs, sq)
		}
		if len(c.subs) < 2 {
			return c, fmt.Errorf("multisearch needs two subsearches")
		}
	case "tstats":
		for !p.atEnd(sub) && !p.is(tWord, "where") && !p.is(tWord, "by") {
			if err := p.balancedArg(&c); err != nil {
				return c, err
			}
		}
		if p.is(tWord, "where") {
			p.next()
			p.stopBy = true
			_, err := p.sexpr(sub)
			p.stopBy = false
			if err != nil {
				return c, err
			}
		}
		if p.is(tWord, "by") {
			p.next()
			for !p.atEnd(sub) {
				c.args = append(c.args, p.next())
			}
		}
	case "table", "bin", "stats", "eval", "rename", "convert":
		for !p.atEnd(sub) {
			if err := p.balancedArg(&c); err != nil {
				return c, err
			}
		}
		if c.name == "eval" {
			if len(c.args) != 3 || c.args[1].text != "=" || c.args[2].kind != tStr {
				return c, fmt.Errorf("eval: want name=\"string\"")
			}
		}
	default:
		return c, fmt.Errorf("unexpected command %q", c.name)
	}
	return c, nil
}

// balancedArg consumes one argument token, or a parenthesised group.
func (p *parser) balancedArg(c *splCmd) error {
	t := p.next()
	if t.kind == tEOF {
		return fmt.Errorf("unexpected end")
	}
	c.args = append(c.args, t)
	if t.kind == tPunct && t.text == "(" {
		for !p.is(tPunct, ")") {
			if err := p.balancedArg(c); err != nil {
				return err
			}
		}
		c.args = append(c.args, p.next())
	} else if t.kind == tPunct && (t.text == ")" || t.text == "[" || t.text == "]") {
		return fmt.Errorf("unbalanced %s", t.text)
	}
	return nil
}

// Search language: NOT, then OR, then AND.
func (p *parser) sexpr(sub bool) (*snode, error) {
	var kids []*snode
	for !p.atEnd(sub) && !p.is(tPunct, ")") && !(p.stopBy && p.is(tWord, "by")) {
		if p.is(tWord, "AND") {
			p.next()
			continue
		}
		k, err := p.sor(sub)
		if err != nil {
			return nil, err
		}
		kids = append(kids, k)
	}
	switch len(kids) {
	case 0:
		return nil, fmt.Errorf("empty search expression at token %d", p.pos)
	case 1:
		return kids[0], nil
	}
	return &snode{kind: "and", kids: kids}, nil
}

func (p *parser) sor(sub bool) (*snode, error) {
	k, err := p.snot(sub)
	if err != nil {
		return nil, err
	}
	kids := []*snode{k}
	for p.is(tWord, "OR") {
		p.next()
		k, err := p.snot(sub)
		if err != nil {
			return nil, err
		}
		kids = append(kids, k)
	}
	if len(kids) == 1 {
		return k, nil
	}
	return &snode{kind: "or", kids: kids}, nil
}

func (p *parser) snot(sub bool) (*snode, error) {
	if p.is(tWord, "NOT") {
		p.next()
		k, err := p.snot(sub)
		if err != nil {
			return nil, err
		}
		return &snode{kind: "not", kids: []*snode{k}}, nil
	}
	if p.is(tPunct, "(") {
		p.next()
		e, err := p.sexpr(sub)
		if err != nil {
			return nil, err
		}
		return e, p.expect(tPunct, ")")
	}
	return p.sterm()
}

func (p *parser) sterm() (*snode, error) {
	t := p.next()
	switch {
	case t.kind == tPunct && t.text == "[":
		depth := 1
		for depth > 0 {
			u := p.next()
			switch {
			case u.kind == tEOF:
				return nil, fmt.Errorf("unterminated subsearch")
			case u.kind == tPunct && u.text == "[":
				depth++
			case u.kind == tPunct && u.text == "]":
				depth--
			}
		}
		return &snode{kind: "sub"}, nil
	case t.kind != tWord && t.kind != tStr:
		return nil, fmt.Errorf("unexpected %q in search", t.raw)
	case t.kind == tWord && (t.text == "OR" || t.text == "NOT" || t.text == "IN"):
		return nil, fmt.Errorf("operator %s without operand", t.text)
	}
	if p.peek().kind == tOp {
		op := p.next()
		v := p.next()
		if v.kind != tWord && v.kind != tStr {
			return nil, fmt.Errorf("field %q: missing value", t.text)
		}
		if v.kind == tWord && (v.text == "OR" || v.text == "NOT" || v.text == "AND") {
			return nil, fmt.Errorf("field %q: operator as value", t.text)
		}
		if op.text != "=" && op.text != "!=" {
			if _, err := strconv.ParseFloat(v.text, 64); err != nil || v.kind != tWord {
				return nil, fmt.Errorf("comparison %s with non-number %q", op.text, v.raw)
			}
		}
		return &snode{kind: "cmp", field: t.text, op: op.text, value: v.text, quoted: v.kind == tStr}, nil
	}
	if p.is(tWord, "IN") {
		p.next()
		if err := p.expect(tPunct, "("); err != nil {
			return nil, err
		}
		n := &snode{kind: "in", field: t.text}
		for {
			v := p.next()
			if v.kind != tWord && v.kind != tStr {
				return nil, fmt.Errorf("IN: bad value %q", v.raw)
			}
			n.values = append(n.values, v)
			if p.is(tPunct, ")") {
				p.next()
				return n, nil
			}
			if err := p.expect(tPunct, ","); err != nil {
				return nil, err
			}
		}
	}
	return &snode{kind: "term", value: t.text, quoted: t.kind == tStr}, nil
}

// Eval language: NOT, then AND, then OR; comparison; `.` concatenation.
func (p *parser) eor() (*enode, error) { return p.ejunction("OR", p.eand) }
func (p *parser) eand() (*enode, error) {
	return p.ejunction("AND", p.enot)
}

func (p *parser) ejunction(op string, sub func() (*enode, error)) (*enode, error) {
	k, err := sub()
	if err != nil {
		return nil, err
	}
	kids := []*enode{k}
	for p.is(tWord, op) {
		p.next()
		k, err := sub()
		if err != nil {
			return nil, err
		}
		kids = append(kids, k)
	}
	if len(kids) == 1 {
		return k, nil
	}
	return &enode{kind: strings.ToLower(op), kids: kids}, nil
}

func (p *parser) enot() (*enode, error) {
	if p.is(tWord, "NOT") {
		p.next()
		k, err := p.enot()
		if err != nil {
			return nil, err
		}
		return &enode{kind: "not", kids: []*enode{k}}, nil
	}
	l, err := p.econcat()
	if err != nil {
		return nil, err
	}
	if p.peek().kind == tOp {
		op := p.next().text
		if op == "=" {
			op = "=="
		}
		r, err := p.econcat()
		if err != nil {
			return nil, err
		}
		return &enode{kind: "cmp", name: op, kids: []*enode{l, r}}, nil
	}
	return l, nil
}

func (p *parser) econcat() (*enode, error) {
	k, err := p.eprimary()
	if err != nil {
		return nil, err
	}
	kids := []*enode{k}
	for p.is(tWord, ".") {
		p.next()
		k, err := p.eprimary()
		if err != nil {
			return nil, err
		}
		kids = append(kids, k)
	}
	if len(kids) == 1 {
		return k, nil
	}
	return &enode{kind: "concat", kids: kids}, nil
}

// evalFuncs are the eval functions the backend emits, with their arities.
var evalFuncs = map[string]int{
	"match": 2, "lower": 1, "isnull": 1, "isnotnull": 1, "cidrmatch": 2,
	"replace": 3, "true": 0, "false": 0,
}

var numRE = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)

func (p *parser) eprimary() (*enode, error) {
	t := p.next()
	switch t.kind {
	case tPunct:
		if t.text != "(" {
			return nil, fmt.Errorf("unexpected %q in eval", t.raw)
		}
		e, err := p.eor()
		if err != nil {
			return nil, err
		}
		return e, p.expect(tPunct, ")")
	case tStr:
		return &enode{kind: "str", name: t.text}, nil
	case tField:
		return &enode{kind: "field", name: t.text}, nil
	case tWord:
		if p.is(tPunct, "(") {
			p.next()
			n := &enode{kind: "call", name: t.text}
			for !p.is(tPunct, ")") {
				if len(n.kids) > 0 {
					if err := p.expect(tPunct, ","); err != nil {
						return nil, err
					}
				}
				a, err := p.eor()
				if err != nil {
					return nil, err
				}
				n.kids = append(n.kids, a)
			}
			p.next()
			want, ok := evalFuncs[n.name]
			if !ok || want != len(n.kids) {
				return nil, fmt.Errorf("unknown eval function %s/%d", n.name, len(n.kids))
			}
			if (n.name == "match" || n.name == "replace") && n.kids[1].kind == "str" {
				*p.regexes = append(*p.regexes, n.kids[1].name)
			}
			return n, nil
		}
		if numRE.MatchString(t.text) {
			return &enode{kind: "num", name: t.text}, nil
		}
		if t.text == "_raw" {
			return &enode{kind: "field", name: t.text}, nil
		}
	}
	return nil, fmt.Errorf("unexpected %q in eval", t.raw)
}

// --- interpreter -------------------------------------------------------

// event is a flat event for the interpreter: absent keys are null.
type event map[string]string

// globMatch matches a search-language value (`*` wildcard) against s,
// case-insensitively.
func globMatch(pat, s string) bool {
	re := "(?is)^" + strings.ReplaceAll(regexp.QuoteMeta(pat), `\*`, ".*") + `\z`
	return regexp.MustCompile(re).MatchString(s)
}

func cmpNum(op string, a string, b string) bool {
	x, err1 := strconv.ParseFloat(a, 64)
	y, err2 := strconv.ParseFloat(b, 64)
	if err1 != nil || err2 != nil {
		return false
	}
	switch op {
	case "<":
		return x < y
	case "<=":
		return x <= y
	case ">":
		return x > y
	case ">=":
		return x >= y
	case "==", "=":
		return x == y
	}
	return x != y
}

// fieldName decodes a search-language field token (quoted or not).
func fieldName(f string) string {
	if len(f) >= 2 && f[0] == '"' {
		return f[1 : len(f)-1]
	}
	return f
}

// evalSearch evaluates a search expression the way Splunk's search command
// does for single-valued fields.
func evalSearch(n *snode, ev event) bool {
	switch n.kind {
	case "and":
		for _, k := range n.kids {
			if !evalSearch(k, ev) {
				return false
			}
		}
		return true
	case "or":
		for _, k := range n.kids {
			if evalSearch(k, ev) {
				return true
			}
		}
		return false
	case "not":
		return !evalSearch(n.kids[0], ev)
	case "term":
		return n.value == "*"
	case "in":
		v, ok := ev[fieldName(n.field)]
		if !ok {
			return false
		}
		for _, x := range n.values {
			if globMatch(x.text, v) {
				return true
			}
		}
		return false
	case "cmp":
		v, ok := ev[fieldName(n.field)]
		if !ok {
			return false
		}
		switch n.op {
		case "=":
			if pfx, err := netip.ParsePrefix(n.value); err == nil && strings.Contains(n.value, "/") {
				a, err := netip.ParseAddr(v)
				return err == nil && pfx.Contains(a)
			}
			return globMatch(n.value, v)
		default:
			return cmpNum(n.op, v, n.value)
		}
	}
	return false
}

// evalWhere evaluates an eval expression with null propagation; the
// result is (value, isNull). Booleans are "true"/"false".
func evalWhere(n *enode, ev event) (string, bool) {
	b := func(x bool) (string, bool) {
		if x {
			return "true", false
		}
		return "false", false
	}
	switch n.kind {
	case "str", "num":
		return n.name, false
	case "field":
		v, ok := ev[n.name]
		return v, !ok
	case "concat":
		var s strings.Builder
		for _, k := range n.kids {
			v, null := evalWhere(k, ev)
			if null {
				return "", true
			}
			s.WriteString(v)
		}
		return s.String(), false
	case "not":
		v, null := evalWhere(n.kids[0], ev)
		if null {
			return "", true
		}
		return b(v != "true")
	case "and", "or":
		isAnd := n.kind == "and"
		sawNull := false
		for _, k := range n.kids {
			v, null := evalWhere(k, ev)
			switch {
			case null:
				sawNull = true
			case (v == "true") != isAnd:
				return b(!isAnd)
			}
		}
		if sawNull {
			return "", true
		}
		return b(isAnd)
	case "cmp":
		l, n1 := evalWhere(n.kids[0], ev)
		r, n2 := evalWhere(n.kids[1], ev)
		if n1 || n2 {
			return "", true
		}
		if n.name == "==" || n.name == "!=" {
			_, e1 := strconv.ParseFloat(l, 64)
			_, e2 := strconv.ParseFloat(r, 64)
			eq := l == r
			if e1 == nil && e2 == nil {
				eq = cmpNum("==", l, r)
			}
			return b(eq == (n.name == "=="))
		}
		return b(cmpNum(n.name, l, r))
	case "call":
		args := make([]string, len(n.kids))
		for i, k := range n.kids {
			v, null := evalWhere(k, ev)
			if null && n.name != "isnull" && n.name != "isnotnull" {
				return "", true
			}
			if null {
				return b((n.name == "isnull") == null)
			}
			args[i] = v
		}
		switch n.name {
		case "isnull":
			return b(false)
		case "isnotnull":
			return b(true)
		case "true":
			return b(true)
		case "false":
			return b(false)
		case "lower":
			return strings.ToLower(args[0]), false
		case "match":
			re, err := regexp.Compile(args[1])
			if err != nil {
				return "", true
			}
			return b(re.MatchString(args[0]))
		case "replace":
			re, err := regexp.Compile(args[1])
			if err != nil {
				return "", true
			}
			// PCRE-style replacement: \\ is a backslash, \N a group.
			repl := strings.NewReplacer(`\\`, `\`, `\1`, `${1}`).Replace(args[2])
			return re.ReplaceAllString(args[0], repl), false
		case "cidrmatch":
			pfx, err1 := netip.ParsePrefix(args[0])
			a, err2 := netip.ParseAddr(args[1])
			return b(err1 == nil && err2 == nil && pfx.Contains(a))
		}
	}
	return "", true
}

// runQuery evaluates a parsed query of this backend's shape (search, then
// optional where, then table) on one event.
func runQuery(q *splQuery, ev event) bool {
	if q.search == nil || !evalSearch(q.search, ev) {
		return false
	}
	for _, c := range q.cmds {
		if c.name == "where" {
			v, null := evalWhere(c.where, ev)
			if null || v != "true" {
				return false
			}
		}
	}
	return true
}
