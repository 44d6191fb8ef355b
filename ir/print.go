package ir

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Print returns the canonical text dump of a rule: metadata that pipelines
// and backends read, then one indented expression tree per query. It is the
// output of `sigc convert -t ir` and of the ir golden files.
//
// Value notation: string patterns are literal runs in Go quotes joined with
// bare `*`, `?` and `%name%` tokens (`*"\\cmd.exe"` is "ends with \cmd.exe");
// numbers and booleans are bare; regexes are `/"src"/flags`.
func Print(r *Rule) string {
	var p printer
	p.meta("rule", &r.Meta)
	p.line(1, "logsource: %s", FormatLogsource(r.Logsource))
	if len(r.Fields) > 0 {
		p.line(1, "fields: %s", strings.Join(r.Fields, ", "))
	}
	if len(r.State) > 0 {
		keys := make([]string, 0, len(r.State))
		for k := range r.State {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			p.line(1, "state %s: %v", k, r.State[k])
		}
	}
	for i, q := range r.Queries {
		p.line(1, "query %d: %s", i, strconv.Quote(q.Condition))
		p.expr(q.Expr, 2)
	}
	return p.b.String()
}

// PrintCorrelation returns the canonical dump of a correlation rule.
func PrintCorrelation(c *Correlation) string {
	var p printer
	p.meta("correlation", &c.Meta)
	p.line(1, "type: %s", c.Type)
	p.line(1, "rules: %s", strings.Join(c.RuleRefs, ", "))
	if len(c.GroupBy) > 0 {
		p.line(1, "group-by: %s", strings.Join(c.GroupBy, ", "))
	}
	p.line(1, "timespan: %s (%s)", c.Timespan, c.TimespanDur)
	if c.Condition != nil {
		cc := c.Condition
		op := cc.Op.String()
		if cc.Negate {
			op = "!="
		} else if cc.Op == OpEq {
			op = "=="
		}
		s := fmt.Sprintf("%s %s", op, strconv.FormatFloat(cc.Value, 'g', -1, 64))
		if len(cc.Field) > 0 {
			s = strings.Join(cc.Field, ",") + " " + s
		}
		p.line(1, "condition: %s", s)
	}
	for _, a := range c.Aliases {
		var parts []string
		for _, br := range a.ByRule {
			parts = append(parts, fmt.Sprintf("%s=%v", br.Key, br.Value))
		}
		p.line(1, "alias %s: %s", a.Name, strings.Join(parts, " "))
	}
	if c.Generate {
		p.line(1, "generate: true")
	}
	return p.b.String()
}

// FormatLogsource renders a logsource as space-separated key=value pairs.
func FormatLogsource(l Logsource) string {
	var parts []string
	add := func(k, v string) {
		if v != "" {
			parts = append(parts, k+"="+v)
		}
	}
	add("product", l.Product)
	add("category", l.Category)
	add("service", l.Service)
	for _, a := range l.Custom {
		parts = append(parts, fmt.Sprintf("%s=%v", a.Key, a.Value))
	}
	if len(parts) == 0 {
		return "(none)"
	}
	return strings.Join(parts, " ")
}

// FormatValue renders a value in dump notation.
func FormatValue(v Value) string {
	switch v := v.(type) {
	case String:
		return FormatPattern(v.Pattern)
	case Number:
		return v.Text
	case Bool:
		return strconv.FormatBool(v.Value)
	case Regex:
		return "/" + strconv.Quote(v.Source) + "/" + v.Flags
	case CIDR:
		return v.Prefix.String()
	case FieldRef:
		s := v.Name
		if v.Lead {
			s = "*" + s
		}
		if v.Trail {
			s += "*"
		}
		return "field(" + s + ")"
	case QueryExpr:
		return "query(" + strconv.Quote(v.Text) + ")"
	case nil:
		return ""
	}
	return fmt.Sprintf("<%T>", v)
}

// FormatPattern renders a pattern in dump notation.
func FormatPattern(p Pattern) string {
	if len(p) == 0 {
		return `""`
	}
	var b strings.Builder
	for _, t := range p {
		switch t.Kind {
		case TokLit:
			b.WriteString(strconv.Quote(t.Text))
		case TokStar:
			b.WriteByte('*')
		case TokQuestion:
			b.WriteByte('?')
		case TokPlaceholder:
			b.WriteString("%" + t.Text + "%")
		}
	}
	return b.String()
}

// FormatMatch renders one match as a single line.
func FormatMatch(m *Match) string {
	var b strings.Builder
	field := m.Field
	if m.IsKeyword() {
		field = "keyword"
	} else {
		field = strconv.Quote(field)
		if m.Part != PartNone {
			field = m.Part.String() + "(" + field + ")"
		}
	}
	b.WriteString(field)
	if m.IsKeyword() && m.Op == OpEq {
		b.WriteString(" ")
	} else {
		b.WriteString(" " + m.Op.String())
		if m.Value != nil {
			b.WriteString(" ")
		}
	}
	b.WriteString(FormatValue(m.Value))
	if m.Cased {
		b.WriteString(" cased")
	}
	return b.String()
}

type printer struct {
	b       strings.Builder
	compact bool
}

func (p *printer) line(depth int, format string, args ...any) {
	p.b.WriteString(strings.Repeat("  ", depth))
	fmt.Fprintf(&p.b, format, args...)
	p.b.WriteByte('\n')
}

// meta prints the header line of a rule or correlation and the
// attributes pipelines and backends act on.
func (p *printer) meta(kind string, m *Meta) {
	p.line(0, "%s %s", kind, strconv.Quote(m.Title))
	if m.ID != "" {
		p.line(1, "id: %s", m.ID)
	}
	if m.Name != "" {
		p.line(1, "name: %s", m.Name)
	}
	if m.Status != "" {
		p.line(1, "status: %s", m.Status)
	}
	if m.Level != "" {
		p.line(1, "level: %s", m.Level)
	}
	if len(m.Tags) > 0 {
		p.line(1, "tags: %s", strings.Join(m.Tags, ", "))
	}
}

// expr prints e as an indented tree, or in compact mode as one
// s-expression (used by Key).
func (p *printer) expr(e Expr, depth int) {
	if p.compact {
		p.compactExpr(e)
		return
	}
	switch n := e.(type) {
	case *And:
		p.line(depth, "and")
		for _, t := range n.Terms {
			p.expr(t, depth+1)
		}
	case *Or:
		p.line(depth, "or")
		for _, t := range n.Terms {
			p.expr(t, depth+1)
		}
	case *Not:
		p.line(depth, "not")
		p.expr(n.X, depth+1)
	case *Const:
		p.line(depth, "%t", n.Value)
	case *Match:
		p.line(depth, "%s", FormatMatch(n))
	default:
		p.line(depth, "<%T>", e)
	}
}

func (p *printer) compactExpr(e Expr) {
	switch n := e.(type) {
	case *And:
		p.b.WriteString("(and")
		for _, t := range n.Terms {
			p.b.WriteByte(' ')
			p.compactExpr(t)
		}
		p.b.WriteByte(')')
	case *Or:
		p.b.WriteString("(or")
		for _, t := range n.Terms {
			p.b.WriteByte(' ')
			p.compactExpr(t)
		}
		p.b.WriteByte(')')
	case *Not:
		p.b.WriteString("(not ")
		p.compactExpr(n.X)
		p.b.WriteByte(')')
	case *Const:
		fmt.Fprintf(&p.b, "%t", n.Value)
	case *Match:
		p.b.WriteByte('[')
		p.b.WriteString(FormatMatch(n))
		p.b.WriteByte(']')
	}
}
