package golang

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/sigc-dev/sigc/backends/internal/rt"
	"github.com/sigc-dev/sigc/ir"
	"github.com/sigc-dev/sigc/ir/diag"
)

// gen renders one rule as Go declarations: package-level variables for
// what is compiled once (regexes, networks, sets) and the matcher func.
type gen struct {
	fn    string          // matcher func name
	vars  []string        // package-level variable declarations
	uses  map[string]bool // runtime names the code calls
	imps  map[string]bool // standard packages the code itself imports
	diags diag.List
}

func newGen(fn string) *gen {
	return &gen{fn: fn, uses: map[string]bool{}, imps: map[string]bool{}}
}

// rule renders the matcher func (with its variables before it).
func (g *gen) rule(r *ir.Rule) string {
	var qs []string
	for _, q := range r.Queries {
		if q.Expr == nil {
			g.diags.Errorf(diag.CodeInternal, q.Pos, "query %q has no expression", q.Condition)
			continue
		}
		qs = append(qs, g.expr(q.Expr))
	}
	body := "false"
	if len(qs) > 0 {
		body = strings.Join(qs, " ||\n")
	}
	var b strings.Builder
	if len(g.vars) > 0 {
		b.WriteString("var (\n")
		for _, v := range g.vars {
			b.WriteString(v + "\n")
		}
		b.WriteString(")\n\n")
	}
	fmt.Fprintf(&b, "// %s reports whether ev matches the rule %s", g.fn, strconv.Quote(oneLine(r.Title)))
	if r.ID != "" {
		fmt.Fprintf(&b, " (id %s)", oneLine(r.ID))
	}
	b.WriteString(".\n")
	for _, q := range r.Queries {
		fmt.Fprintf(&b, "// Condition: %s\n", oneLine(q.Condition))
	}
	fmt.Fprintf(&b, "func %s(ev Event) bool {\n\treturn %s\n}\n", g.fn, body)
	return b.String()
}

// expr renders a boolean expression. Every And and Or with more than one
// term is parenthesised, so precedence never depends on the context.
func (g *gen) expr(e ir.Expr) string {
	switch n := e.(type) {
	case *ir.And:
		terms := make([]string, 0, len(n.Terms))
		for _, t := range n.Terms {
			terms = append(terms, g.expr(t))
		}
		return junction(terms, " &&\n", "true")
	case *ir.Or:
		return g.or(n)
	case *ir.Not:
		return "!" + g.expr(n.X)
	case *ir.Const:
		return strconv.FormatBool(n.Value)
	case *ir.Match:
		return g.match(n)
	}
	g.diags.Errorf(diag.CodeInternal, e.Pos(), "unknown IR node %T", e)
	return "false"
}

func junction(terms []string, sep, empty string) string {
	switch len(terms) {
	case 0:
		return empty
	case 1:
		return terms[0]
	}
	return "(" + strings.Join(terms, sep) + ")"
}

// or renders an Or. Predicate tests on one field are merged into one
// field access with one predicate func (a Sigma value list is exactly this
// shape), as the native matcher does; any-element semantics make the
// merge exact: some element satisfies p or q iff some value satisfies
// p, or some value satisfies q.
func (g *gen) or(n *ir.Or) string {
	type group struct {
		field string
		ms    []*ir.Match
	}
	var groups []*group
	byField := map[string]*group{}
	var rest []string
	for _, t := range n.Terms {
		m, ok := t.(*ir.Match)
		if !ok || !predOp(m) {
			rest = append(rest, g.expr(t))
			continue
		}
		gr := byField[m.Field]
		if gr == nil {
			gr = &group{field: m.Field}
			byField[m.Field] = gr
			groups = append(groups, gr)
		}
		gr.ms = append(gr.ms, m)
	}
	terms := make([]string, 0, len(groups)+len(rest))
	for _, gr := range groups {
		terms = append(terms, g.access(gr.field, g.preds(gr.ms)))
	}
	terms = append(terms, rest...)
	return junction(terms, " ||\n", "false")
}

// predOp reports whether a match is "a field (every value, for a keyword)
// satisfies a predicate on its text", the shape that merges.
func predOp(m *ir.Match) bool {
	switch m.Op {
	case ir.OpEq, ir.OpRegex, ir.OpCIDR, ir.OpLt, ir.OpLte, ir.OpGt, ir.OpGte:
		return true
	}
	return false
}

// access wraps a predicate on s into a test of a field, or of every value
// for a keyword. The func literal captures nothing, so it costs no
// allocation.
func (g *gen) access(field, pred string) string {
	lit := "func(s string) bool {\nreturn " + pred + "\n}"
	if field == "" {
		g.uses["keyword"] = true
		return "keyword(ev, " + lit + ")"
	}
	g.uses["field"] = true
	return "field(ev, " + quote(field) + ", " + lit + ")"
}

func (g *gen) match(m *ir.Match) string {
	switch m.Op {
	case ir.OpExists, ir.OpNull:
		if m.Field == "" {
			g.diags.Errorf(diag.CodeUnsupported, m.P, "%s needs a field", m.Op)
			return "false"
		}
		name := map[ir.Op]string{ir.OpExists: "exists", ir.OpNull: "isNull"}[m.Op]
		g.uses[name] = true
		return name + "(ev, " + quote(m.Field) + ")"
	case ir.OpFieldRef:
		ref, ok := m.Value.(ir.FieldRef)
		if !ok || m.Field == "" || ref.Name == "" {
			g.diags.Errorf(diag.CodeModifierValue, m.P, "fieldref needs a field and a field name value, got %s", valueName(m.Value))
			return "false"
		}
		g.uses["fieldRef"] = true
		return fmt.Sprintf("fieldRef(ev, %s, %s, %t, %t, %t)", quote(m.Field), quote(ref.Name), ref.Lead, ref.Trail, m.Cased)
	}
	if !predOp(m) {
		g.diags.Errorf(diag.CodeInternal, m.P, "unknown operator %s", m.Op)
		return "false"
	}
	return g.access(m.Field, g.preds([]*ir.Match{m}))
}

// preds renders the Or of the predicates of one field's matches. Four or
// more case-insensitive exact literals become a set lookup.
func (g *gen) preds(ms []*ir.Match) string {
	var exact []string
	var others []string
	for _, m := range ms {
		if lit, ok := foldedExact(m); ok {
			exact = append(exact, lit)
			continue
		}
		others = append(others, g.pred(m))
	}
	if len(exact) >= 4 {
		name := g.varName("Set")
		var b strings.Builder
		fmt.Fprintf(&b, "%s = map[string]struct{}{\n", name)
		seen := map[string]bool{}
		for _, l := range exact {
			if !seen[l] {
				seen[l] = true
				fmt.Fprintf(&b, "%s: {},\n", quote(l))
			}
		}
		b.WriteString("}")
		g.vars = append(g.vars, b.String())
		g.uses["inSet"] = true
		others = append([]string{"inSet(s, " + name + ")"}, others...)
	} else if len(exact) > 0 {
		g.uses["equalFold"] = true
		lits := make([]string, 0, len(exact)+len(others))
		for _, l := range exact {
			lits = append(lits, "equalFold(s, "+quote(l)+")")
		}
		others = append(lits, others...)
	}
	if len(others) == 1 {
		return others[0]
	}
	return strings.Join(others, " ||\n")
}

// foldedExact returns the folded literal of a case-insensitive exact
// string match, the members of a set.
func foldedExact(m *ir.Match) (string, bool) {
	if m.Op != ir.OpEq || m.Cased || m.Part != ir.PartNone {
		return "", false
	}
	v, ok := m.Value.(ir.String)
	if !ok || v.Pattern.HasPlaceholders() {
		return "", false
	}
	if shape, lit := v.Pattern.Classify(); shape == ir.ShapeExact {
		return fold(lit), true
	}
	return "", false
}

// varName returns a fresh package-level variable name for this rule.
func (g *gen) varName(kind string) string {
	first, w := utf8.DecodeRuneInString(g.fn)
	return fmt.Sprintf("%c%s%s%d", unicode.ToLower(first), g.fn[w:], kind, len(g.vars))
}

// pred renders the value side of one predicate match as a Go boolean
// expression over s, the text of one scalar value.
func (g *gen) pred(m *ir.Match) string {
	if m.Part != ir.PartNone {
		v, ok := m.Value.(ir.Number)
		if !ok || (m.Op != ir.OpEq && !isCompare(m.Op)) {
			g.diags.Errorf(diag.CodeModifierValue, m.P, "the %s modifier needs a number and =, <, <=, > or >=; got %s %s", m.Part, m.Op, valueName(m.Value))
			return "false"
		}
		g.uses["timePart"] = true
		return fmt.Sprintf("timePart(s, %q, %q, %s)", m.Part.String(), opText(m.Op), g.float(v.Float))
	}
	switch v := m.Value.(type) {
	case ir.String:
		if m.Op == ir.OpEq {
			return g.stringPred(m, v.Pattern)
		}
	case ir.Number:
		if m.Op == ir.OpEq {
			g.uses["numEq"] = true
			return fmt.Sprintf("numEq(s, %s, %s)", quote(v.Text), g.float(v.Float))
		}
		if isCompare(m.Op) {
			g.uses["numCmp"] = true
			return fmt.Sprintf("numCmp(s, %q, %s)", opText(m.Op), g.float(v.Float))
		}
	case ir.Bool:
		if m.Op == ir.OpEq {
			g.uses["equalFold"] = true
			return fmt.Sprintf("equalFold(s, %q)", strconv.FormatBool(v.Value))
		}
	case ir.Regex:
		if m.Op == ir.OpRegex {
			return g.regexPred(m, v)
		}
	case ir.CIDR:
		if m.Op == ir.OpCIDR && v.Prefix.IsValid() {
			name := g.varName("Net")
			g.vars = append(g.vars, fmt.Sprintf("%s = netip.MustParsePrefix(%q)", name, v.Prefix.Masked().String()))
			g.imps["net/netip"] = true
			g.uses["inCIDR"] = true
			return "inCIDR(s, " + name + ")"
		}
	case ir.QueryExpr:
		g.diags.Errorf(diag.CodeUnsupported, m.P, "target go cannot run query expression %q", v.Text)
		return "false"
	}
	g.diags.Errorf(diag.CodeModifierValue, m.P, "operator %s cannot take a %s value", m.Op, valueName(m.Value))
	return "false"
}

func isCompare(op ir.Op) bool {
	return op == ir.OpLt || op == ir.OpLte || op == ir.OpGt || op == ir.OpGte
}

func opText(op ir.Op) string {
	if op == ir.OpEq {
		return "="
	}
	return op.String()
}

// float renders a float64 as a Go expression; YAML can spell infinities
// and NaN, which have no literal.
func (g *gen) float(f float64) string {
	switch {
	case math.IsNaN(f):
		g.imps["math"] = true
		return "math.NaN()"
	case math.IsInf(f, 1):
		g.imps["math"] = true
		return "math.Inf(1)"
	case math.IsInf(f, -1):
		g.imps["math"] = true
		return "math.Inf(-1)"
	}
	s := strconv.FormatFloat(f, 'g', -1, 64)
	if s == "-0" {
		return "0"
	}
	return s
}

// stringPred renders a string pattern by shape. Keyword patterns are
// already explicit (`*v*` for a plain keyword) after lowering, so they are
// used as they are.
func (g *gen) stringPred(m *ir.Match, p ir.Pattern) string {
	if p.HasPlaceholders() {
		g.diags.ErrorHint(diag.CodePipelinePlaceholder, m.P,
			"resolve placeholders with a pipeline (value_placeholders or wildcard_placeholders)",
			"unresolved placeholder in %q", p.SigmaString())
		return "false"
	}
	lit := func(s string) string {
		if m.Cased {
			return quote(s)
		}
		return quote(fold(s))
	}
	call := func(cased, folded, l string) string {
		if m.Cased {
			g.imps["strings"] = true
			return cased + "(s, " + lit(l) + ")"
		}
		g.uses[folded] = true
		return folded + "(s, " + lit(l) + ")"
	}
	shape, l := p.Classify()
	switch shape {
	case ir.ShapeExact:
		if m.Cased {
			return "s == " + quote(l)
		}
		return call("", "equalFold", l)
	case ir.ShapePrefix:
		return call("strings.HasPrefix", "hasPrefixFold", l)
	case ir.ShapeSuffix:
		return call("strings.HasSuffix", "hasSuffixFold", l)
	case ir.ShapeContains:
		return call("strings.Contains", "containsFold", l)
	case ir.ShapeAny:
		return "true"
	}
	// A glob: each part is tagged by its first byte ('=' literal, '*',
	// '?'), so literal stars and question marks need no escaping.
	parts := []string{}
	for _, t := range p {
		switch t.Kind {
		case ir.TokLit:
			parts = append(parts, lit("="+t.Text))
		case ir.TokStar:
			if k := len(parts); k > 0 && parts[k-1] == `"*"` {
				continue // `**` means `*`
			}
			parts = append(parts, `"*"`)
		case ir.TokQuestion:
			parts = append(parts, `"?"`)
		}
	}
	g.uses["globMatch"] = true
	return fmt.Sprintf("globMatch(s, %t, %s)", m.Cased, strings.Join(parts, ", "))
}

func (g *gen) regexPred(m *ir.Match, v ir.Regex) string {
	for _, f := range v.Flags {
		if f != 'i' && f != 'm' && f != 's' {
			g.diags.Errorf(diag.CodeRegex, m.P, "unknown regex flag %q", f)
			return "false"
		}
	}
	src := v.Source
	if v.Flags != "" {
		src = "(?" + v.Flags + ")" + src
	}
	// Compiled here too, so that the generated MustCompile cannot panic.
	if _, err := regexp.Compile(src); err != nil {
		g.diags.Errorf(diag.CodeRegex, m.P, "regex does not compile: %v", err)
		return "false"
	}
	name := g.varName("Re")
	g.vars = append(g.vars, fmt.Sprintf("%s = regexp.MustCompile(%s)", name, quote(src)))
	g.imps["regexp"] = true
	return name + ".MatchString(s)"
}

func valueName(v ir.Value) string {
	if v == nil {
		return "missing"
	}
	return strings.ToLower(strings.TrimPrefix(fmt.Sprintf("%T", v), "ir."))
}

// quote renders a Go string literal: raw when that is readable (Windows
// paths without doubled backslashes), interpreted otherwise.
func quote(s string) string {
	if strings.ContainsRune(s, '\\') && strconv.CanBackquote(s) && utf8.ValidString(s) {
		return "`" + s + "`"
	}
	return strconv.Quote(s)
}

// oneLine keeps a comment on one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// fold returns the canonical case fold of s, the form the runtime's
// comparisons expect of constants.
func fold(s string) string { return rt.FoldString(s) }
