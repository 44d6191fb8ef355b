package splunk

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/sigc-dev/sigc/backends"
	"github.com/sigc-dev/sigc/ir"
	"github.com/sigc-dev/sigc/ir/diag"
)

var timespanRE = regexp.MustCompile(`^([0-9]+)([smhdwMy])$`)

// ConvertCorrelation implements backends.CorrelationConverter for
// event_count, value_count and temporal, with pySigma's stats method:
// referenced rules' searches (a multisearch when there are several), fixed
// time buckets with `bin _time span=…`, `stats … by _time group-by…`, and
// the threshold as a final `search`. Unlike pySigma, the whole pipeline
// stays on one line so that the output stays one search per line.
func (b *Backend) ConvertCorrelation(c *ir.Correlation, o backends.Options) (*backends.Output, diag.List) {
	var l diag.List
	switch c.Type {
	case ir.EventCount, ir.ValueCount, ir.Temporal:
	default:
		l.ErrorHint(diag.CodeUnsupported, c.Pos, "use event_count, value_count or temporal",
			"target splunk cannot express %s correlations", c.Type)
		return nil, l
	}
	m := timespanRE.FindStringSubmatch(c.Timespan)
	if m == nil {
		l.Errorf(diag.CodeTimespan, c.Pos, "timespan %q is not <number><s|m|h|d|w|M|y>", c.Timespan)
		return nil, l
	}
	unit := m[2]
	if unit == "M" {
		unit = "mon" // Splunk's month unit; "m" is minutes
	}
	span := m[1] + unit

	var subs []string // one per referenced rule condition: search text
	var names []string
	rd := renderer{l: &l}
	for i, ref := range c.Rules {
		r, ok := ref.(*ir.Rule)
		if !ok {
			l.Errorf(diag.CodeUnsupported, c.Pos, "target splunk cannot express a correlation of correlations")
			return nil, l
		}
		name := r.Name
		if i < len(c.RuleRefs) {
			name = c.RuleRefs[i]
		}
		renames := aliasRenames(c, r, name, &l)
		for _, q := range r.Queries {
			s := rd.render(q.Expr).String() + renames
			subs = append(subs, s)
			names = append(names, name)
		}
	}
	var by []string
	by = append(by, "_time")
	for _, g := range c.GroupBy {
		f, ok := searchField(g)
		if !ok {
			l.Errorf(diag.CodeUnsupported, c.Pos, "target splunk cannot write the group-by field %q", g)
			continue
		}
		by = append(by, f)
	}
	if l.HasErrors() || len(subs) == 0 {
		if len(subs) == 0 {
			l.Errorf(diag.CodeUnsupported, c.Pos, "correlation %q references no convertible rule", c.Title)
		}
		return nil, l
	}

	var q strings.Builder
	tag := c.Type == ir.Temporal
	if len(subs) == 1 {
		q.WriteString(subs[0])
		if tag {
			q.WriteString(" | eval event_type=" + quoteSPL(names[0]))
		}
	} else {
		// multisearch runs its subsearches as streaming searches and
		// merges their events; each tags its events with the rule name.
		q.WriteString("| multisearch")
		for i, s := range subs {
			q.WriteString(" [ search " + s + " | eval event_type=" + quoteSPL(names[i]) + " ]")
		}
	}
	q.WriteString(" | bin _time span=" + span + " | stats ")
	var metric string
	switch c.Type {
	case ir.EventCount:
		q.WriteString("count as event_count")
		metric = "event_count"
	case ir.ValueCount:
		if c.Condition == nil || len(c.Condition.Field) == 0 {
			l.Errorf(diag.CodeCorrelation, c.ConditionPos, "value_count needs condition.field")
			return nil, l
		}
		f, ok := searchField(c.Condition.Field[0])
		if !ok {
			l.Errorf(diag.CodeUnsupported, c.ConditionPos, "target splunk cannot write the field %q", c.Condition.Field[0])
			return nil, l
		}
		q.WriteString("dc(" + f + ") as value_count")
		metric = "value_count"
	case ir.Temporal:
		q.WriteString("dc(event_type) as event_type_count")
		metric = "event_type_count"
	}
	q.WriteString(" by " + strings.Join(by, " "))
	op, val := ">=", float64(len(c.Rules))
	if cc := c.Condition; cc != nil {
		val = cc.Value
		switch {
		case cc.Negate:
			op = "!="
		case cc.Op == ir.OpEq:
			op = "="
		default:
			op = cc.Op.String()
		}
	}
	q.WriteString(" | search " + metric + op + strconv.FormatFloat(val, 'f', -1, 64))
	return &backends.Output{Queries: []string{q.String()}}, l
}

// aliasRenames returns ` | rename field as alias` for every alias that
// names a field of this rule.
func aliasRenames(c *ir.Correlation, r *ir.Rule, ref string, l *diag.List) string {
	var b strings.Builder
	for _, a := range c.Aliases {
		for _, br := range a.ByRule {
			if br.Key != ref && br.Key != r.Name && br.Key != r.ID {
				continue
			}
			field, _ := br.Value.(string)
			src, ok1 := searchField(field)
			dst, ok2 := searchField(a.Name)
			if !ok1 || !ok2 {
				l.Errorf(diag.CodeUnsupported, c.Pos, "target splunk cannot write the alias %q → %q", field, a.Name)
				continue
			}
			b.WriteString(" | rename " + src + " as " + dst)
		}
	}
	return b.String()
}
