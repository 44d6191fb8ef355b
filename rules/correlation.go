package rules

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/sigc-dev/sigc/ir/diag"
)

// correlationTypes are the types of the specification plus pySigma's
// value_median.
var correlationTypes = []string{
	"event_count", "value_count", "temporal", "temporal_ordered",
	"value_sum", "value_avg", "value_percentile", "value_median",
}

// correlationOps are the comparison keys of a condition map.
var correlationOps = []string{"gt", "gte", "lt", "lte", "eq", "neq"}

// timespanPattern is `<number><unit>`; pySigma adds w, M (month) and y to
// the specification's s, m, h, d.
var timespanPattern = regexp.MustCompile(`^\d+[smhdwMy]$`)

// isTemporal reports whether a correlation type counts rules, not events.
func isTemporal(typ string) bool { return typ == "temporal" || typ == "temporal_ordered" }

// correlation converts the correlation section.
func (c *docCtx) correlation(k, v *yaml.Node) {
	co := c.doc.Correlation
	co.Pos = c.pos(v)
	v = resolve(v)
	if v.Kind != yaml.MappingNode {
		c.diags.Errorf(diag.CodeCorrelation, c.pos(v), "correlation must be a mapping, found %s", kindName(v))
		return
	}
	var condKey, condVal *yaml.Node
	seen := map[string]bool{}
	for _, kv := range c.pairs(v) {
		val := resolve(kv.v)
		seen[kv.k.Value] = true
		switch kv.k.Value {
		case "type":
			co.TypePos = c.pos(val)
			if s, ok := c.text(kv.k, val, true, 0); ok {
				low := strings.ToLower(s)
				if slices.Contains(correlationTypes, low) {
					co.Type = low
				} else {
					c.diags.ErrorHint(diag.CodeCorrelationType, co.TypePos, "use one of: "+strings.Join(correlationTypes, ", "),
						"unknown correlation type %q", s)
				}
			}
		case "rules":
			co.Rules, _ = c.ruleRefs(kv.k, val, false)
		case "group-by":
			co.GroupBy = c.stringList(kv.k, val, listOpts{unique: true, scalarOK: true})
		case "timespan":
			co.TimespanPos = c.pos(val)
			if val.Kind == yaml.ScalarNode && timespanPattern.MatchString(val.Value) {
				co.Timespan = val.Value
			} else {
				c.diags.ErrorHint(diag.CodeTimespan, co.TimespanPos,
					"write a number and a unit: s, m, h, d (also w, M, y), e.g. 15m",
					"invalid timespan %q", val.Value)
			}
		case "condition":
			condKey, condVal = kv.k, val
		case "aliases":
			co.Aliases = c.aliases(val)
		case "generate":
			if b, ok := c.boolean(kv.k, val); ok {
				co.Generate = b
			}
		default:
			c.diags.Warnf(diag.CodeUnknownField, c.pos(kv.k), "unknown correlation attribute %q", kv.k.Value)
		}
	}
	for _, req := range []string{"type", "rules", "timespan"} {
		if !seen[req] {
			c.diags.Errorf(diag.CodeMissingField, c.pos(k), "correlation needs a %s attribute", req)
		}
	}
	if condVal != nil {
		c.correlationCondition(condKey, condVal)
	} else if co.Type != "" && !isTemporal(co.Type) {
		c.diags.Errorf(diag.CodeMissingField, c.pos(k), "a %s correlation needs a condition", co.Type)
	}
}

// correlationCondition converts the condition of a correlation: the map
// form, or for temporal types pySigma's extended string form.
func (c *docCtx) correlationCondition(k, v *yaml.Node) {
	co := c.doc.Correlation
	typ := co.Type
	if isString(v) {
		if typ != "" && !isTemporal(typ) {
			c.diags.Errorf(diag.CodeCorrelation, c.pos(v), "a string condition is only valid for temporal correlations, not %s", typ)
			return
		}
		co.Extended, co.ExtendedPos = v.Value, c.textPos(v)
		return
	}
	if v.Kind != yaml.MappingNode {
		c.diags.Errorf(diag.CodeCorrelation, c.pos(v), "the correlation condition must be a mapping such as `gte: 10`, found %s", kindName(v))
		return
	}
	cc := &CorrelationCondition{Pos: c.pos(v)}
	ok := true
	var opKey, fieldKey *yaml.Node
	for _, kv := range c.pairs(v) {
		val := resolve(kv.v)
		switch name := kv.k.Value; {
		case slices.Contains(correlationOps, name):
			if opKey != nil {
				c.diags.ErrorHint(diag.CodeCorrelation, c.pos(kv.k),
					"for a range, chain two correlation rules",
					"the condition already compares with %s (line %d); only one comparison is allowed", opKey.Value, opKey.Line)
				ok = false
				continue
			}
			opKey = kv.k
			cc.Op = name
			f, isNum := c.number(val)
			if !isNum {
				c.diags.Errorf(diag.CodeCorrelation, c.pos(val), "%s must be a number, found %s", name, kindName(val))
				ok = false
			}
			cc.Value = f
		case name == "field":
			fieldKey = kv.k
			cc.Field = c.stringList(kv.k, val, listOpts{scalarOK: true})
			if len(cc.Field) == 0 {
				c.diags.Errorf(diag.CodeCorrelation, c.pos(val), "field must name at least one field")
				ok = false
			}
		case name == "percentile":
			f, isNum := c.number(val)
			if !isNum || f < 0 || f > 100 {
				c.diags.Errorf(diag.CodeCorrelation, c.pos(val), "percentile must be a number from 0 to 100, found %s", val.Value)
				ok = false
			}
			if typ != "" && typ != "value_percentile" {
				c.diags.Errorf(diag.CodeCorrelation, c.pos(kv.k), "percentile is only valid for value_percentile, not %s", typ)
				ok = false
			}
			cc.Percentile, cc.HasPct = f, true
		default:
			c.diags.ErrorHint(diag.CodeCorrelation, c.pos(kv.k), "use one of gt, gte, lt, lte, eq, neq, plus field for value_* types",
				"unknown key %q in the correlation condition", name)
			ok = false
		}
	}
	if opKey == nil {
		c.diags.ErrorHint(diag.CodeCorrelation, cc.Pos, "add one comparison, such as `gte: 10`",
			"the correlation condition has no comparison (gt, gte, lt, lte, eq, neq)")
		ok = false
	}
	switch {
	case strings.HasPrefix(typ, "value_") && fieldKey == nil:
		c.diags.Errorf(diag.CodeCorrelation, cc.Pos, "a %s correlation needs `field` in its condition", typ)
		ok = false
	case typ != "" && !strings.HasPrefix(typ, "value_") && fieldKey != nil:
		c.diags.ErrorHint(diag.CodeCorrelation, c.pos(fieldKey), fieldHint(typ),
			"field is not valid in the condition of a %s correlation", typ)
		ok = false
	}
	if ok {
		co.Condition = cc
	}
}

// fieldHint explains what to do about a field in a non-value correlation.
func fieldHint(typ string) string {
	if typ == "event_count" {
		return "event_count counts events; to count distinct values of a field use value_count"
	}
	return fmt.Sprintf("%s counts matching rules; remove field", typ)
}

// number reads an integer or float scalar.
func (c *docCtx) number(v *yaml.Node) (float64, bool) {
	if v.Kind != yaml.ScalarNode || v.Tag != tagInt && v.Tag != tagFloat {
		return 0, false
	}
	var f float64
	return f, v.Decode(&f) == nil
}

// aliases converts `aliases: {alias: {rule: field}}`.
func (c *docCtx) aliases(v *yaml.Node) []Alias {
	if v.Kind != yaml.MappingNode {
		c.diags.Errorf(diag.CodeCorrelation, c.pos(v), "aliases must be a mapping of alias names to {rule: field} mappings, found %s", kindName(v))
		return nil
	}
	var out []Alias
	for _, kv := range c.pairs(v) {
		a := Alias{Name: kv.k.Value, Pos: c.pos(kv.k)}
		m := resolve(kv.v)
		if m.Kind != yaml.MappingNode {
			c.diags.Errorf(diag.CodeCorrelation, c.pos(m), "alias %s must map rule names to field names, found %s", quoteName(a.Name), kindName(m))
			continue
		}
		for _, rf := range c.pairs(m) {
			f := resolve(rf.v)
			if !isString(f) {
				c.diags.Errorf(diag.CodeCorrelation, c.pos(f), "alias %s: the field for rule %s must be a string, found %s",
					quoteName(a.Name), quoteName(rf.k.Value), kindName(f))
				continue
			}
			a.ByRule = append(a.ByRule, Attr{Key: rf.k.Value, Value: f.Value, Pos: c.pos(rf.k)})
		}
		out = append(out, a)
	}
	return out
}

// ruleRefs reads the rules list of a correlation or filter: rule ids or
// names, a single string standing for a one-element list. With anyOK (a
// filter), the string `any` or an empty list means every rule; it returns
// any=true then.
func (c *docCtx) ruleRefs(k, v *yaml.Node, anyOK bool) (refs []Ref, any bool) {
	if anyOK && (isNull(v) || isString(v) && strings.EqualFold(v.Value, "any")) {
		return nil, true
	}
	elems := []*yaml.Node{v}
	if v.Kind == yaml.SequenceNode {
		elems = v.Content
		if len(elems) == 0 {
			if anyOK {
				return nil, true
			}
			c.diags.Errorf(diag.CodeCorrelation, c.pos(v), "rules must name at least one rule")
			return nil, false
		}
	}
	code := diag.CodeCorrelation
	if anyOK {
		code = diag.CodeFilter
	}
	firstAt := make(map[string]int, len(elems))
	for _, e := range elems {
		e = resolve(e)
		if !isString(e) || e.Value == "" {
			c.diags.Errorf(code, c.pos(e), "%s entries must be rule ids or names, found %s", k.Value, kindName(e))
			continue
		}
		if line, dup := firstAt[e.Value]; dup {
			c.diags.Errorf(diag.CodeDuplicateItem, c.pos(e), "%s names %q twice (first on line %d)", k.Value, e.Value, line)
			continue
		}
		firstAt[e.Value] = e.Line
		refs = append(refs, Ref{Name: e.Value, Pos: c.pos(e)})
	}
	return refs, false
}
