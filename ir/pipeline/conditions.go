package pipeline

import (
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/sigc-dev/sigc/ir"
	"github.com/sigc-dev/sigc/ir/diag"
)

// env is the per-rule processing context: the rule being rewritten and the
// pipeline state that pySigma resets for every rule.
type env struct {
	rule *ir.Rule        // set for detection rules
	corr *ir.Correlation // set for correlation rules
	meta *ir.Meta
	// state is the set_state store (the rule's State for detection rules).
	state map[string]any
	// applied holds the ids of items whose rule conditions held.
	applied map[string]bool
	// fieldApplied records, per field name produced by a field-name
	// transformation, the ids of the items that produced it (field-name
	// processing_item_applied) — and thereby which fields were mapped
	// (strict_field_mapping_failure).
	fieldApplied map[string][]string
	vars         map[string][]any
	pipe         *Pipeline
	l            *diag.List
}

func (e *env) markField(name, id string) {
	ids := e.fieldApplied[name]
	if !slices.Contains(ids, id) {
		e.fieldApplied[name] = append(ids, id)
	}
}

// ruleCond is a rule condition.
type ruleCond interface {
	testRule(e *env) bool
}

// detCond is a detection-item condition, evaluated per ir.Match.
type detCond interface {
	testMatch(e *env, m *ir.Match) bool
}

// fieldCond is a field-name condition; name "" is a keyword (field-less)
// item.
type fieldCond interface {
	testField(e *env, name string) bool
}

var ruleConds = map[string]condParser[ruleCond]{
	"logsource": func(rd *reader, o *obj, _ string) (ruleCond, bool) {
		return &logsourceCond{category: o.str("category", ""), product: o.str("product", ""), service: o.str("service", "")}, true
	},
	"tag": func(rd *reader, o *obj, typ string) (ruleCond, bool) {
		t, ok := o.required("tag", typ+" condition")
		return &tagCond{tag: t}, ok
	},
	"rule_attribute": parseRuleAttribute,
	"contains_field": func(rd *reader, o *obj, typ string) (ruleCond, bool) {
		f, ok := o.required("field", typ+" condition")
		return &containsFieldCond{field: f}, ok
	},
	"contains_detection_item": func(rd *reader, o *obj, typ string) (ruleCond, bool) {
		f, ok := o.required("field", typ+" condition")
		v, null, ok2 := requiredIRValue(rd, o, "value", typ+" condition")
		return &containsItemCond{field: f, value: v, null: null}, ok && ok2
	},
	"processing_item_applied": func(rd *reader, o *obj, typ string) (ruleCond, bool) {
		id, ok := o.required("processing_item_id", typ+" condition")
		return appliedCond(id), ok
	},
	"processing_state":          parseStateCond[ruleCond],
	"is_sigma_rule":             func(*reader, *obj, string) (ruleCond, bool) { return kindCond(false), true },
	"is_sigma_correlation_rule": func(*reader, *obj, string) (ruleCond, bool) { return kindCond(true), true },
}

var detConds = map[string]condParser[detCond]{
	"match_string": func(rd *reader, o *obj, typ string) (detCond, bool) {
		parseQuantifier(o)
		pat, ok := o.required("pattern", typ+" condition")
		neg := o.boolean("negate", false)
		re, ok2 := compileAnchored(rd, o, "pattern", pat)
		return &matchStringCond{re: re, negate: neg}, ok && ok2
	},
	"match_value": func(rd *reader, o *obj, typ string) (detCond, bool) {
		parseQuantifier(o)
		v, null, ok := requiredIRValue(rd, o, "value", typ+" condition")
		return &matchValueCond{value: v, null: null}, ok
	},
	"is_null": func(rd *reader, o *obj, _ string) (detCond, bool) {
		parseQuantifier(o)
		return isNullCond{}, true
	},
	"contains_wildcard": func(rd *reader, o *obj, _ string) (detCond, bool) {
		parseQuantifier(o)
		return wildcardCond{}, true
	},
	"processing_item_applied": func(rd *reader, o *obj, typ string) (detCond, bool) {
		id, ok := o.required("processing_item_id", typ+" condition")
		return appliedCond(id), ok
	},
	"processing_state": parseStateCond[detCond],
}

var fieldConds = map[string]condParser[fieldCond]{
	"include_fields": func(rd *reader, o *obj, typ string) (fieldCond, bool) {
		s, ok := parseFieldSet(rd, o, typ)
		return &includeFieldsCond{set: s}, ok
	},
	"exclude_fields": func(rd *reader, o *obj, typ string) (fieldCond, bool) {
		s, ok := parseFieldSet(rd, o, typ)
		return &includeFieldsCond{set: s, exclude: true}, ok
	},
	"processing_item_applied": func(rd *reader, o *obj, typ string) (fieldCond, bool) {
		id, ok := o.required("processing_item_id", typ+" condition")
		return appliedCond(id), ok
	},
	"processing_state": parseStateCond[fieldCond],
}

// parseQuantifier validates the `cond: any|all` parameter. Detection-item
// conditions are evaluated per Match (one value), where any and all agree.
func parseQuantifier(o *obj) {
	if o.has("cond") {
		o.oneOf("cond", "any", "any", "all")
	}
}

// compileAnchored compiles a Python re.match pattern: anchored at the start
// only.
func compileAnchored(rd *reader, o *obj, key, pat string) (*regexp.Regexp, bool) {
	if _, err := regexp.Compile(pat); err != nil {
		rd.l.Errorf(diag.CodePipelineParam, o.keyPos(key), "%q is not a valid regular expression: %v", key, err)
		return nil, false
	}
	re, err := regexp.Compile(`^(?:` + pat + `)`)
	if err != nil {
		rd.l.Errorf(diag.CodePipelineParam, o.keyPos(key), "%q is not a valid regular expression: %v", key, err)
		return nil, false
	}
	return re, true
}

func requiredIRValue(rd *reader, o *obj, key, what string) (ir.Value, bool, bool) {
	n := o.get(key)
	if n == nil {
		rd.l.Errorf(diag.CodePipelineParam, rd.pos(o.node), "%s needs the parameter %q", what, key)
		return nil, false, false
	}
	v, ok := rd.value(n)
	if !ok {
		return nil, false, false
	}
	iv, ok := irValue(v)
	if !ok {
		rd.l.Errorf(diag.CodePipelineParam, rd.pos(n), "%q must be a string, number, boolean or null", key)
		return nil, false, false
	}
	return iv, v == nil, true
}

// irValue converts a plain YAML value to an IR value the way a rule's
// detection value is lowered: strings are Sigma strings with wildcards.
func irValue(v any) (ir.Value, bool) {
	switch v := v.(type) {
	case nil:
		return nil, true
	case string:
		return ir.String{Pattern: ir.ParseSigmaString(v, false)}, true
	case bool:
		return ir.Bool{Value: v}, true
	case int64:
		return ir.Number{Text: strconv.FormatInt(v, 10), Float: float64(v), IsInt: true, Int: v}, true
	case float64:
		return floatNumber(v), true
	}
	return nil, false
}

func floatNumber(f float64) ir.Number {
	n := ir.Number{Text: strconv.FormatFloat(f, 'f', -1, 64), Float: f}
	if f == float64(int64(f)) {
		n.IsInt, n.Int = true, int64(f)
	}
	return n
}

// valueEqual is typed equality of IR values (match_value,
// contains_detection_item).
func valueEqual(a, b ir.Value) bool {
	switch a := a.(type) {
	case ir.String:
		b, ok := b.(ir.String)
		return ok && a.Pattern.Equal(b.Pattern)
	case ir.Number:
		b, ok := b.(ir.Number)
		return ok && a.Float == b.Float
	case ir.Bool:
		b, ok := b.(ir.Bool)
		return ok && a == b
	}
	return a != nil && b != nil && ir.FormatValue(a) == ir.FormatValue(b)
}

// matchHasValue reports whether m tests for value (null: the null test).
func matchHasValue(m *ir.Match, value ir.Value, null bool) bool {
	if null {
		return m.Op == ir.OpNull
	}
	return m.Op == ir.OpEq && valueEqual(m.Value, value)
}

type logsourceCond struct{ category, product, service string }

func (c *logsourceCond) match(l ir.Logsource) bool {
	return (c.category == "" || c.category == l.Category) &&
		(c.product == "" || c.product == l.Product) &&
		(c.service == "" || c.service == l.Service)
}

// testRule: for a correlation, pySigma's rule matches when any referenced
// rule's logsource does.
func (c *logsourceCond) testRule(e *env) bool {
	if e.rule != nil {
		return c.match(e.rule.Logsource)
	}
	return c.matchCorrelation(e.corr, 0)
}

func (c *logsourceCond) matchCorrelation(corr *ir.Correlation, depth int) bool {
	if corr == nil || depth > 16 {
		return false
	}
	for _, r := range corr.Rules {
		switch r := r.(type) {
		case *ir.Rule:
			if c.match(r.Logsource) {
				return true
			}
		case *ir.Correlation:
			if c.matchCorrelation(r, depth+1) {
				return true
			}
		}
	}
	return false
}

type tagCond struct{ tag string }

// testRule compares tags case-insensitively: the specification writes
// tags in lower case, and a pipeline written as `attack.T1059` means it.
func (c *tagCond) testRule(e *env) bool {
	for _, t := range e.meta.Tags {
		if strings.EqualFold(t, c.tag) {
			return true
		}
	}
	return false
}

type containsFieldCond struct{ field string }

func (c *containsFieldCond) testRule(e *env) bool {
	return e.rule != nil && anyMatch(e.rule, func(m *ir.Match) bool { return m.Field == c.field && !m.IsKeyword() })
}

type containsItemCond struct {
	field string
	value ir.Value
	null  bool
}

func (c *containsItemCond) testRule(e *env) bool {
	return e.rule != nil && anyMatch(e.rule, func(m *ir.Match) bool {
		return m.Field == c.field && matchHasValue(m, c.value, c.null)
	})
}

func anyMatch(r *ir.Rule, f func(*ir.Match) bool) bool {
	found := false
	for _, q := range r.Queries {
		ir.Walk(q.Expr, func(x ir.Expr) bool {
			if m, ok := x.(*ir.Match); ok && f(m) {
				found = true
			}
			return !found
		})
		if found {
			return true
		}
	}
	return false
}

// appliedCond is processing_item_applied in all three scopes: the rule's
// applied set, the Match's Applied list, or the field's mapping history.
type appliedCond string

func (c appliedCond) testRule(e *env) bool { return e.applied[string(c)] }
func (c appliedCond) testMatch(_ *env, m *ir.Match) bool {
	return slices.Contains(m.Applied, string(c))
}
func (c appliedCond) testField(e *env, name string) bool {
	return slices.Contains(e.fieldApplied[name], string(c))
}

// kindCond is is_sigma_rule (false) / is_sigma_correlation_rule (true).
type kindCond bool

func (c kindCond) testRule(e *env) bool { return (e.corr != nil) == bool(c) }

// stateCond is processing_state in all three scopes; a missing key is
// false, as in pySigma.
type stateCond struct {
	key, op string
	val     any
}

func parseStateCond[C any](rd *reader, o *obj, typ string) (C, bool) {
	key, ok := o.required("key", typ+" condition")
	v, ok2 := o.requiredValue("val", typ+" condition")
	op := o.oneOf("op", "eq", "eq", "ne", "gte", "gt", "lte", "lt")
	c, isC := any(&stateCond{key: key, op: op, val: v}).(C)
	return c, ok && ok2 && isC
}

func (c *stateCond) test(e *env) bool {
	v, ok := e.state[c.key]
	return ok && compare(v, c.val, c.op, nil)
}

func (c *stateCond) testRule(e *env) bool               { return c.test(e) }
func (c *stateCond) testMatch(e *env, _ *ir.Match) bool { return c.test(e) }
func (c *stateCond) testField(e *env, _ string) bool    { return c.test(e) }

// compare applies a comparison operator. rank, when set, orders the
// values (level, status); otherwise numbers compare numerically and
// anything else as text.
func compare(a, b any, op string, rank map[string]int) bool {
	var c int
	as, bs := formatValue(a), formatValue(b)
	switch {
	case rank != nil:
		ra, oka := rank[as]
		rb, okb := rank[bs]
		if !oka || !okb {
			return op == "ne" && as != bs
		}
		c = ra - rb
	default:
		af, aerr := strconv.ParseFloat(as, 64)
		bf, berr := strconv.ParseFloat(bs, 64)
		if aerr == nil && berr == nil {
			switch {
			case af < bf:
				c = -1
			case af > bf:
				c = 1
			}
		} else {
			c = strings.Compare(as, bs)
		}
	}
	switch op {
	case "eq":
		return c == 0
	case "ne":
		return c != 0
	case "gt":
		return c > 0
	case "gte":
		return c >= 0
	case "lt":
		return c < 0
	case "lte":
		return c <= 0
	}
	return false
}

var levelRank = map[string]int{"informational": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}
var statusRank = map[string]int{"unsupported": 0, "deprecated": 1, "experimental": 2, "test": 3, "stable": 4}

// ruleAttrCond is rule_attribute: a built-in attribute (level and status
// ordered by severity and maturity, dates as text) or a custom one.
type ruleAttrCond struct {
	attr, op string
	value    any
	values   map[string]bool // in / not_in
}

func parseRuleAttribute(rd *reader, o *obj, typ string) (ruleCond, bool) {
	attr, ok := o.required("attribute", typ+" condition")
	v, ok2 := o.requiredValue("value", typ+" condition")
	c := &ruleAttrCond{attr: attr, value: v, op: o.oneOf("op", "eq", "eq", "ne", "gte", "gt", "lte", "lt", "in", "not_in")}
	if ok2 && (c.op == "in" || c.op == "not_in") {
		c.values = map[string]bool{}
		for _, s := range rd.strings(o.get("value"), `"value"`) {
			c.values[s] = true
		}
	}
	return c, ok && ok2
}

func (c *ruleAttrCond) testRule(e *env) bool {
	m := e.meta
	var v any
	var rank map[string]int
	switch c.attr {
	case "title":
		v = m.Title
	case "id":
		v = m.ID
	case "name":
		v = m.Name
	case "status":
		v, rank = m.Status, statusRank
	case "level":
		v, rank = m.Level, levelRank
	case "description":
		v = m.Description
	case "author":
		v = m.Author
	case "license":
		v = m.License
	case "taxonomy":
		v = m.Taxonomy
	case "date":
		v = m.Date
	case "modified":
		v = m.Modified
	default:
		cv, ok := m.CustomValue(c.attr)
		if !ok {
			return c.op == "not_in" || c.op == "ne"
		}
		v = cv
	}
	switch c.op {
	case "in":
		return c.values[formatValue(v)]
	case "not_in":
		return !c.values[formatValue(v)]
	}
	if (c.attr == "date" || c.attr == "modified") && v == "" {
		return c.op == "ne"
	}
	return compare(v, c.value, c.op, rank)
}

type matchStringCond struct {
	re     *regexp.Regexp
	negate bool
}

// testMatch matches the value in Sigma notation (wildcards as `*`/`?`);
// values other than strings do not match (before negation), as in pySigma.
func (c *matchStringCond) testMatch(_ *env, m *ir.Match) bool {
	s, ok := m.Value.(ir.String)
	return (ok && m.Op == ir.OpEq && c.re.MatchString(render(s.Pattern))) != c.negate
}

type matchValueCond struct {
	value ir.Value
	null  bool
}

func (c *matchValueCond) testMatch(_ *env, m *ir.Match) bool {
	return matchHasValue(m, c.value, c.null)
}

type isNullCond struct{}

func (isNullCond) testMatch(_ *env, m *ir.Match) bool { return m.Op == ir.OpNull }

type wildcardCond struct{}

func (wildcardCond) testMatch(_ *env, m *ir.Match) bool {
	s, ok := m.Value.(ir.String)
	return ok && s.Pattern.HasWildcards()
}

// fieldSet is a list of field names, plain or regular expressions
// (re.match semantics: anchored at the start).
type fieldSet struct {
	plain map[string]bool
	res   []*regexp.Regexp
}

func parseFieldSet(rd *reader, o *obj, typ string) (fieldSet, bool) {
	if !o.has("fields") {
		rd.l.Errorf(diag.CodePipelineParam, rd.pos(o.node), "%s condition needs the parameter %q", typ, "fields")
		return fieldSet{}, false
	}
	fields := o.strList("fields")
	mode := o.oneOf("mode", "plain", "plain", "re")
	s := fieldSet{plain: map[string]bool{}}
	ok := true
	for _, f := range fields {
		if mode == "plain" {
			s.plain[f] = true
			continue
		}
		re, good := compileAnchored(rd, o, "fields", f)
		ok = ok && good
		if good {
			s.res = append(s.res, re)
		}
	}
	return s, ok
}

func (s *fieldSet) has(name string) bool {
	if s.plain[name] {
		return true
	}
	for _, re := range s.res {
		if re.MatchString(name) {
			return true
		}
	}
	return false
}

type includeFieldsCond struct {
	set     fieldSet
	exclude bool
}

// testField: a keyword item has no field; pySigma never includes it and
// always "excludes" it (exclude_fields is true for keywords).
func (c *includeFieldsCond) testField(_ *env, name string) bool {
	if name == "" {
		return c.exclude
	}
	return c.set.has(name) != c.exclude
}

func tableNames[C any](t map[string]condParser[C]) string {
	names := make([]string, 0, len(t))
	for k := range t {
		names = append(names, k)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}
