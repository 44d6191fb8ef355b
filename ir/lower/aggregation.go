package lower

import (
	"github.com/sigc-dev/sigc/ir"
	"github.com/sigc-dev/sigc/ir/diag"
	"github.com/sigc-dev/sigc/rules"
	"github.com/sigc-dev/sigc/rules/condition"
)

// aggregation lowers a rule whose condition carries a Sigma v1 pipe
// aggregation (`selection | count(User) by Host > 10`, with the window in
// the detection's `timeframe:`) into what the specification replaced it
// with: the search as a rule of its own, and a correlation over it.
// pySigma refuses these rules; their meaning is unambiguous, so we keep it.
func aggregation(doc *rules.Document, base *ir.Rule, l *diag.List) *ir.Correlation {
	det := &doc.Rule.Detection
	var agg *condition.Aggregation
	for _, c := range det.Conditions {
		if c.Agg != nil {
			if len(det.Conditions) > 1 {
				l.ErrorHint(diag.CodeCondPipe, c.Agg.P, "put the aggregation in a rule with a single condition",
					"a v1 aggregation cannot be part of a condition list")
				return nil
			}
			agg = c.Agg
		}
	}
	types := map[string]ir.CorrelationType{"count": ir.ValueCount, "sum": ir.ValueSum, "avg": ir.ValueAvg, "near": ir.Temporal}
	typ, ok := types[agg.Func]
	if !ok {
		l.ErrorHint(diag.CodeCondPipe, agg.P, "Sigma correlations count events or values, sum or average them",
			"the v1 aggregation %s() has no correlation type", agg.Func)
		return nil
	}
	if agg.Func == "count" && agg.Field == "" {
		typ = ir.EventCount
	}
	if det.Timeframe == "" {
		l.ErrorHint(diag.CodeTimespan, agg.P, "add `timeframe: 10m` (the window of the aggregation) to the detection",
			"the v1 aggregation has no timeframe")
		return nil
	}
	// The base search keeps the document's attributes under a name of its
	// own; the correlation carries the id, since it is what the rule means.
	base.Name = "sigc_v1_search_" + refName(&doc.Rule.Meta)
	baseID := base.ID
	base.ID = ""
	c := &ir.Correlation{
		Meta:         base.Meta,
		Type:         typ,
		Rules:        []any{base},
		RuleRefs:     []string{base.Name},
		Timespan:     det.Timeframe,
		Logsource:    base.Logsource,
		Fields:       append([]string(nil), base.Fields...),
		ConditionPos: agg.P,
		Derived:      true,
	}
	c.ID, c.Name = baseID, doc.Rule.Name
	if agg.GroupBy != "" {
		c.GroupBy = []string{agg.GroupBy}
	}
	if agg.Func == "near" {
		// `a | near b and c`: events of a, b and c within the timeframe,
		// which is a temporal correlation over one rule per search.
		for _, name := range agg.Near {
			r := nearRule(doc, base, name, agg.P, l)
			if r == nil {
				return nil
			}
			c.Rules = append(c.Rules, r)
			c.RuleRefs = append(c.RuleRefs, r.Name)
		}
		c.Condition = &ir.CorrelationCondition{Op: ir.OpGte, Value: float64(len(c.Rules))}
	} else {
		op := map[string]ir.Op{">": ir.OpGt, ">=": ir.OpGte, "<": ir.OpLt, "<=": ir.OpLte, "=": ir.OpEq}[agg.Op]
		c.Condition = &ir.CorrelationCondition{Op: op, Value: agg.Value}
		if agg.Field != "" {
			c.Condition.Field = []string{agg.Field}
		}
	}
	if d, ok := parseTimespan(det.Timeframe); ok {
		c.TimespanDur = d
	} else {
		l.ErrorHint(diag.CodeTimespan, det.TimeframePos, "write a number and a unit: 30s, 5m, 1h, 7d",
			"invalid timeframe %q", det.Timeframe)
		return nil
	}
	return c
}

// nearRule lowers one search of a near aggregation into a rule of its own,
// with the attributes of the base search.
func nearRule(doc *rules.Document, base *ir.Rule, name string, at diag.Pos, l *diag.List) *ir.Rule {
	lw := &lowerer{det: &doc.Rule.Detection, searches: map[string]ir.Expr{}}
	e := lw.search(name, at)
	l.Append(lw.diags)
	if e == nil {
		return nil
	}
	r := ir.CloneRule(base)
	r.Name = "sigc_v1_near_" + refName(&doc.Rule.Meta) + "_" + name
	r.Queries = []ir.Query{{Pos: at, Condition: name, Expr: ir.Simplify(e)}}
	return r
}

// refName is a stable name for a rule: its id, else its name, else its
// title.
func refName(m *rules.Meta) string {
	switch {
	case m.ID != "":
		return m.ID
	case m.Name != "":
		return m.Name
	}
	return m.Title
}
