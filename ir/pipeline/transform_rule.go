package pipeline

import (
	"slices"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/sigc-dev/sigc/ir"
	"github.com/sigc-dev/sigc/ir/diag"
)

// transforms is the table of transformation types (nest is handled in
// parseItem).
var transforms = map[string]transformSpec{
	"field_name_mapping":            {scopeDetection, parseFieldMapping},
	"field_name_prefix_mapping":     {scopeDetection, parsePrefixMapping},
	"field_name_prefix":             {scopeDetection, parseAffix("prefix")},
	"field_name_suffix":             {scopeDetection, parseAffix("suffix")},
	"drop_detection_item":           {scopeDetection, fixed(dropTransform{})},
	"strict_field_mapping_failure":  {scopeDetection, fixed(strictMappingTransform{})},
	"add_condition":                 {scopeRule, parseAddCondition},
	"change_logsource":              {scopeRule, parseChangeLogsource},
	"replace_string":                {scopeDetection, parseReplaceString},
	"map_string":                    {scopeDetection, parseMapString},
	"case":                          {scopeDetection, parseCase},
	"convert_type":                  {scopeDetection, parseConvertType},
	"hashes_fields":                 {scopeDetection, parseHashes},
	"value_placeholders":            {scopeDetection, parseValuePlaceholders},
	"wildcard_placeholders":         {scopeDetection, parseWildcardPlaceholders},
	"query_expression_placeholders": {scopeDetection, parseQueryPlaceholders},
	"rule_failure":                  {scopeRule, parseFailure(false)},
	"detection_item_failure":        {scopeDetection, parseFailure(true)},
	"set_state":                     {scopeRule, parseSetState},
	"set_custom_attribute":          {scopeRule, parseSetCustom},
	"add_field":                     {scopeRule, parseFieldsEdit("add_field", "field")},
	"remove_field":                  {scopeRule, parseFieldsEdit("remove_field", "field")},
	"set_field":                     {scopeRule, parseFieldsEdit("set_field", "fields")},
}

// fixed is the parser of a transformation without parameters.
func fixed(t transform) func(*reader, *obj, int) (transform, bool) {
	return func(*reader, *obj, int) (transform, bool) { return t, true }
}

// nestTransform runs its own items under the outer item's conditions.
type nestTransform struct{ items []*Item }

func parseNest(rd *reader, o *obj, depth int) (transform, bool) {
	if depth >= maxNestDepth {
		rd.l.Errorf(diag.CodePipelineParam, rd.pos(o.node), "nest is nested more than %d levels deep", maxNestDepth)
		return nil, false
	}
	n := o.get("items")
	if n == nil {
		rd.l.Errorf(diag.CodePipelineParam, rd.pos(o.node), "nest needs the parameter %q", "items")
		return nil, false
	}
	t := &nestTransform{}
	forEach(rd, n, "items", func(c *yaml.Node) {
		if it := parseItem(rd, c, depth+1); it != nil {
			t.items = append(t.items, it)
		}
	})
	return t, true
}

func (t *nestTransform) apply(e *env, _ *Item) {
	for _, it := range t.items {
		it.run(e)
	}
}

// addCondition is add_condition: `cond and (query)` for every query, or
// `not cond and (query)` when negated. The condition is an And over its
// fields of an Or over each field's values; the field `null` is a keyword.
// With template, $category, $product and $service in string values are
// replaced from the rule's logsource first. The `name` parameter (the
// detection's name in pySigma) is accepted; the IR has no named searches.
type addCondition struct {
	pos      diag.Pos
	entries  []condEntry
	template bool
	negated  bool
	built    ir.Expr // the condition, prebuilt when there is no template
}

type condEntry struct {
	field  string
	pos    diag.Pos
	values []any
}

func parseAddCondition(rd *reader, o *obj, _ int) (transform, bool) {
	t := &addCondition{pos: rd.pos(o.node)}
	o.str("name", "")
	t.template = o.boolean("template", false)
	t.negated = o.boolean("negated", false)
	n := o.get("conditions")
	if n == nil {
		rd.l.Errorf(diag.CodePipelineParam, t.pos, "add_condition needs the parameter %q", "conditions")
		return nil, false
	}
	co := rd.object(n, `"conditions"`)
	if co == nil {
		return nil, false
	}
	ok := true
	for i, e := range co.entries {
		co.used[i] = true
		v, good := rd.value(e.val)
		if !good {
			ok = false
			continue
		}
		vals, isList := v.([]any)
		if !isList {
			vals = []any{v}
		}
		for _, x := range vals {
			if !isScalarValue(x) {
				rd.l.Errorf(diag.CodePipelineParam, rd.pos(e.val), "add_condition: values of %q must be scalars", e.key.Value)
				ok = false
			}
		}
		field := e.key.Value
		if e.key.ShortTag() == "!!null" {
			field = ""
		}
		t.entries = append(t.entries, condEntry{field: field, pos: rd.pos(e.val), values: vals})
	}
	if !t.template {
		t.built = t.build(ir.Logsource{})
	}
	return t, ok
}

// build makes the condition expression for a rule's logsource.
func (t *addCondition) build(ls ir.Logsource) ir.Expr {
	terms := make([]ir.Expr, 0, len(t.entries))
	for _, ce := range t.entries {
		alts := make([]ir.Expr, 0, len(ce.values))
		for _, v := range ce.values {
			m := &ir.Match{P: ce.pos, Field: ce.field}
			if s, ok := v.(string); ok && t.template {
				v = expandTemplate(s, ls)
			}
			iv, _ := irValue(v)
			if iv == nil {
				m.Op = ir.OpNull
			} else {
				m.Value = iv
			}
			alts = append(alts, m)
		}
		if len(alts) == 0 {
			// An empty value list means "field is null", as in a rule.
			alts = append(alts, &ir.Match{P: ce.pos, Field: ce.field, Op: ir.OpNull})
		}
		terms = append(terms, ir.NewOr(ce.pos, alts...))
	}
	c := ir.NewAnd(t.pos, terms...)
	if t.negated {
		c = &ir.Not{P: t.pos, X: c}
	}
	return c
}

// expandTemplate is Python's string.Template.safe_substitute over the
// logsource: $name and ${name}; $$ is a dollar; unknown names stay.
func expandTemplate(s string, ls ir.Logsource) string {
	vals := map[string]string{"category": ls.Category, "product": ls.Product, "service": ls.Service}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '$' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		if s[i+1] == '$' {
			b.WriteByte('$')
			i++
			continue
		}
		rest, braced := s[i+1:], false
		if rest[0] == '{' {
			rest, braced = rest[1:], true
		}
		j := 0
		for j < len(rest) && (rest[j] == '_' || rest[j] >= 'a' && rest[j] <= 'z' || rest[j] >= 'A' && rest[j] <= 'Z' || j > 0 && rest[j] >= '0' && rest[j] <= '9') {
			j++
		}
		v, known := vals[rest[:j]]
		if !known || (braced && (j == len(rest) || rest[j] != '}')) {
			b.WriteByte('$')
			continue
		}
		b.WriteString(v)
		i += j
		if braced {
			i += 2
		}
	}
	return b.String()
}

func (t *addCondition) apply(e *env, it *Item) {
	if e.rule == nil {
		return
	}
	for i := range e.rule.Queries {
		var c ir.Expr
		if t.template {
			c = t.build(e.rule.Logsource)
		} else {
			c = ir.Clone(t.built)
		}
		if it.ID != "" {
			for _, m := range ir.Matches(c) {
				markApplied(m, it.ID)
			}
		}
		q := &e.rule.Queries[i]
		// The new condition goes first: pySigma wraps the old condition, so
		// a later add_condition ends up leftmost.
		q.Expr = &ir.And{P: t.pos, Terms: []ir.Expr{c, q.Expr}}
	}
}

// changeLogsource is change_logsource: the whole logsource is replaced.
type changeLogsource struct{ ls ir.Logsource }

func parseChangeLogsource(rd *reader, o *obj, _ int) (transform, bool) {
	return &changeLogsource{ls: ir.Logsource{Category: o.str("category", ""), Product: o.str("product", ""), Service: o.str("service", "")}}, true
}

func (t *changeLogsource) apply(e *env, _ *Item) {
	switch {
	case e.rule != nil:
		e.rule.Logsource = t.ls
	case e.corr != nil:
		e.corr.Logsource = t.ls
	}
}

// setState is set_state.
type setState struct {
	key string
	val any
}

func parseSetState(rd *reader, o *obj, _ int) (transform, bool) {
	key, ok := o.required("key", "set_state")
	v, ok2 := o.requiredValue("val", "set_state")
	return &setState{key: key, val: v}, ok && ok2
}

func (t *setState) apply(e *env, _ *Item) { e.state[t.key] = t.val }

// setCustom is set_custom_attribute.
type setCustom struct {
	attr string
	val  any
}

func parseSetCustom(rd *reader, o *obj, _ int) (transform, bool) {
	attr, ok := o.required("attribute", "set_custom_attribute")
	v, ok2 := o.requiredValue("value", "set_custom_attribute")
	return &setCustom{attr: attr, val: v}, ok && ok2
}

func (t *setCustom) apply(e *env, _ *Item) { e.meta.SetCustom(t.attr, t.val) }

// fieldsEdit is add_field, remove_field and set_field on the rule's
// fields list.
type fieldsEdit struct {
	op     string
	fields []string
}

func parseFieldsEdit(op, key string) func(*reader, *obj, int) (transform, bool) {
	return func(rd *reader, o *obj, _ int) (transform, bool) {
		if !o.has(key) {
			rd.l.Errorf(diag.CodePipelineParam, rd.pos(o.node), "%s needs the parameter %q", op, key)
			return nil, false
		}
		return &fieldsEdit{op: op, fields: o.strList(key)}, true
	}
}

func (t *fieldsEdit) apply(e *env, _ *Item) {
	var list *[]string
	switch {
	case e.rule != nil:
		list = &e.rule.Fields
	case e.corr != nil:
		list = &e.corr.Fields
	default:
		return
	}
	switch t.op {
	case "set_field":
		*list = slices.Clone(t.fields)
	case "add_field":
		for _, f := range t.fields {
			if !slices.Contains(*list, f) {
				*list = append(*list, f)
			}
		}
	case "remove_field":
		*list = slices.DeleteFunc(*list, func(f string) bool { return slices.Contains(t.fields, f) })
	}
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
