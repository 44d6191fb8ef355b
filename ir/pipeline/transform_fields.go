package pipeline

import (
	"github.com/sigc-dev/sigc/ir"
	"github.com/sigc-dev/sigc/ir/diag"
)

// fieldMapper maps one field name to its new names; false leaves the name
// alone (and unmapped, for strict_field_mapping_failure).
type fieldMapper interface {
	mapName(name string) ([]string, bool)
}

// mappingMapper is field_name_mapping: exact names, 1:n allowed.
type mappingMapper map[string][]string

func (m mappingMapper) mapName(name string) ([]string, bool) {
	t, ok := m[name]
	return t, ok
}

// prefixMapper is field_name_prefix_mapping: the first matching prefix in
// file order wins.
type prefixMapper []struct {
	prefix string
	to     []string
}

func (m prefixMapper) mapName(name string) ([]string, bool) {
	for _, e := range m {
		if len(name) >= len(e.prefix) && name[:len(e.prefix)] == e.prefix {
			out := make([]string, len(e.to))
			for i, t := range e.to {
				out[i] = t + name[len(e.prefix):]
			}
			return out, true
		}
	}
	return nil, false
}

// affixMapper is field_name_prefix / field_name_suffix.
type affixMapper struct{ prefix, suffix string }

func (m affixMapper) mapName(name string) ([]string, bool) {
	return []string{m.prefix + name + m.suffix}, true
}

// renameTransform renames fields everywhere a rule names them: Match
// fields, field references, the rule's fields list, and a correlation's
// group-by, alias and condition fields. A name mapped to several targets
// turns a Match into an Or of copies, one per target.
type renameTransform struct {
	mapper fieldMapper
	// keyword holds the targets of field_name_mapping's null key: keyword
	// items become field items with the value wrapped in `*…*`.
	keyword []string
}

func parseFieldMapping(rd *reader, o *obj, _ int) (transform, bool) {
	n := o.get("mapping")
	if n == nil {
		rd.l.Errorf(diag.CodePipelineParam, rd.pos(o.node), "field_name_mapping needs the parameter %q", "mapping")
		return nil, false
	}
	mo := rd.object(n, `"mapping"`)
	if mo == nil {
		return nil, false
	}
	t := &renameTransform{}
	m := mappingMapper{}
	for i, e := range mo.entries {
		mo.used[i] = true
		targets := rd.strings(deref(e.val), "mapping targets")
		if e.key.ShortTag() == "!!null" {
			t.keyword = targets
			continue
		}
		m[e.key.Value] = targets
	}
	t.mapper = m
	return t, true
}

func parsePrefixMapping(rd *reader, o *obj, _ int) (transform, bool) {
	n := o.get("mapping")
	if n == nil {
		rd.l.Errorf(diag.CodePipelineParam, rd.pos(o.node), "field_name_prefix_mapping needs the parameter %q", "mapping")
		return nil, false
	}
	mo := rd.object(n, `"mapping"`)
	if mo == nil {
		return nil, false
	}
	var m prefixMapper
	for i, e := range mo.entries {
		mo.used[i] = true
		m = append(m, struct {
			prefix string
			to     []string
		}{e.key.Value, rd.strings(deref(e.val), "mapping targets")})
	}
	return &renameTransform{mapper: m}, true
}

func parseAffix(key string) func(rd *reader, o *obj, _ int) (transform, bool) {
	return func(rd *reader, o *obj, _ int) (transform, bool) {
		s, ok := o.required(key, "field_name_"+key)
		m := affixMapper{}
		if key == "prefix" {
			m.prefix = s
		} else {
			m.suffix = s
		}
		return &renameTransform{mapper: m}, ok
	}
}

// rename maps one name if the item's field-name conditions let it.
func (t *renameTransform) rename(e *env, it *Item, name string) ([]string, bool) {
	if !it.fieldOK(e, name) {
		return nil, false
	}
	targets, ok := t.mapper.mapName(name)
	if ok {
		for _, n := range targets {
			e.markField(n, it.ID)
		}
	}
	return targets, ok
}

func (t *renameTransform) apply(e *env, it *Item) {
	if e.corr != nil {
		t.applyCorrelation(e, it)
		return
	}
	it.eachMatch(e, false, func(m *ir.Match) ir.Expr { return t.renameMatch(e, it, m) })
	// Detection-item conditions cannot be evaluated on an entry of the
	// fields list (it has no value), so an item that has them leaves the
	// list alone rather than renaming fields whose Matches it skipped.
	if it.det.empty() {
		e.rule.Fields = t.renameList(e, it, e.rule.Fields)
	}
}

func (t *renameTransform) renameMatch(e *env, it *Item, m *ir.Match) ir.Expr {
	fields := []string{m.Field}
	changed := false
	if m.IsKeyword() {
		if len(t.keyword) > 0 && it.fieldOK(e, "") {
			fields, changed = t.keyword, true
			for _, f := range t.keyword {
				e.markField(f, it.ID)
			}
			if s, ok := m.Value.(ir.String); ok && m.Op == ir.OpEq {
				m.Value = ir.String{Pattern: s.Pattern.WithStar(true, true)}
			}
		}
	} else if names, ok := t.rename(e, it, m.Field); ok {
		fields, changed = names, true
	}
	var refs []string
	ref, isRef := m.Value.(ir.FieldRef)
	if isRef {
		if names, ok := t.rename(e, it, ref.Name); ok {
			refs, changed = names, true
		}
	}
	if !changed {
		return m
	}
	if len(refs) == 0 {
		refs = []string{ref.Name}
	}
	terms := make([]ir.Expr, 0, len(fields)*len(refs))
	for _, f := range fields {
		for _, rn := range refs {
			c := *m
			c.Field = f
			if isRef {
				r := ref
				r.Name = rn
				c.Value = r
			}
			markApplied(&c, it.ID)
			terms = append(terms, &c)
		}
	}
	return ir.NewOr(m.P, terms...)
}

// renameList maps a list of field names; 1:n inserts every target.
func (t *renameTransform) renameList(e *env, it *Item, list []string) []string {
	if len(list) == 0 {
		return list
	}
	out := make([]string, 0, len(list))
	for _, f := range list {
		if names, ok := t.rename(e, it, f); ok {
			out = append(out, names...)
		} else {
			out = append(out, f)
		}
	}
	return out
}

// applyCorrelation maps the correlation's field names. Alias targets and
// the condition field must stay single names: a 1:n mapping there keeps
// the first target and reports an error, since a count over "any of
// several fields" has no meaning.
func (t *renameTransform) applyCorrelation(e *env, it *Item) {
	c := e.corr
	c.GroupBy = t.renameList(e, it, c.GroupBy)
	c.Fields = t.renameList(e, it, c.Fields)
	one := func(name string, pos diag.Pos) string {
		names, ok := t.rename(e, it, name)
		if !ok || len(names) == 0 {
			return name
		}
		if len(names) > 1 {
			e.l.Errorf(diag.CodePipelineFailure, pos, "correlation %q: field %q maps to several fields %v; a correlation needs one", c.Title, name, names)
		}
		return names[0]
	}
	for i := range c.Aliases {
		for j := range c.Aliases[i].ByRule {
			if s, ok := c.Aliases[i].ByRule[j].Value.(string); ok {
				c.Aliases[i].ByRule[j].Value = one(s, c.Pos)
			}
		}
	}
	if c.Condition != nil {
		for i, f := range c.Condition.Field {
			c.Condition.Field[i] = one(f, c.ConditionPos)
		}
	}
}

// dropTransform is drop_detection_item.
type dropTransform struct{}

func (dropTransform) apply(e *env, it *Item) {
	it.eachMatch(e, true, func(*ir.Match) ir.Expr { return nil })
}

// strictMappingTransform is strict_field_mapping_failure: every field
// still in the rule must have been produced by a field-name transformation
// earlier in the chain. One error per field name, at its first Match.
type strictMappingTransform struct{}

func (strictMappingTransform) apply(e *env, it *Item) {
	reported := map[string]bool{}
	it.eachMatch(e, true, func(m *ir.Match) ir.Expr {
		if !m.IsKeyword() && len(e.fieldApplied[m.Field]) == 0 && !reported[m.Field] {
			reported[m.Field] = true
			e.l.ErrorHint(diag.CodePipelineUnmapped, m.P, "add the field to a field_name_mapping of the pipeline",
				"rule %q: field %q is not mapped by the pipeline (%s)", e.meta.Title, m.Field, it.Pos)
		}
		return m
	})
}
