package pipeline

import (
	"strings"

	"github.com/sigc-dev/sigc/ir"
	"github.com/sigc-dev/sigc/ir/diag"
)

// maxExpansions bounds the Or that value_placeholders builds from one
// value (the product of the value counts of its placeholders).
const maxExpansions = 4096

// placeholderSel selects placeholders by name: include only these, or all
// but the excluded ones, or (neither given) all.
type placeholderSel struct {
	include, exclude map[string]bool
}

func parseSel(rd *reader, o *obj, typ string) (placeholderSel, bool) {
	var s placeholderSel
	if o.has("include") && o.has("exclude") {
		o.get("include")
		o.get("exclude")
		rd.l.Errorf(diag.CodePipelineParam, o.keyPos("exclude"), "%s: include and exclude cannot be combined", typ)
		return s, false
	}
	toSet := func(list []string) map[string]bool {
		m := make(map[string]bool, len(list))
		for _, x := range list {
			m[x] = true
		}
		return m
	}
	if o.has("include") {
		s.include = toSet(o.strList("include"))
	}
	if o.has("exclude") {
		s.exclude = toSet(o.strList("exclude"))
	}
	return s, true
}

func (s placeholderSel) ok(name string) bool {
	if s.include != nil {
		return s.include[name]
	}
	return !s.exclude[name]
}

// parseValuePlaceholders builds value_placeholders: each selected
// placeholder is replaced by the values of the var of its name, parsed as
// Sigma strings (wildcards active); several values (or several
// placeholders) give an Or over every combination. A placeholder without a
// var is left for Unresolved to report after the whole chain.
func parseValuePlaceholders(rd *reader, o *obj, _ int) (transform, bool) {
	sel, ok := parseSel(rd, o, "value_placeholders")
	return &patternTransform{fn: func(e *env, m *ir.Match, p ir.Pattern) []ir.Pattern {
		if !p.HasPlaceholders() {
			return nil
		}
		out := []ir.Pattern{{}}
		for _, t := range p {
			vals, has := e.vars[t.Text]
			if t.Kind != ir.TokPlaceholder || !sel.ok(t.Text) || !has {
				for i := range out {
					out[i] = ir.Concat(out[i], ir.Pattern{t})
				}
				continue
			}
			if len(out)*len(vals) > maxExpansions {
				e.l.Errorf(diag.CodePipelinePlaceholder, m.P, "rule %q: placeholders of field %q expand to more than %d values",
					e.meta.Title, m.Field, maxExpansions)
				return nil
			}
			next := make([]ir.Pattern, 0, len(out)*len(vals))
			for _, prefix := range out {
				for _, v := range vals {
					next = append(next, ir.Concat(prefix, varPattern(v)))
				}
			}
			out = next
		}
		return out
	}}, ok
}

// varPattern turns one var value into a pattern: strings are Sigma strings,
// numbers and booleans their text.
func varPattern(v any) ir.Pattern {
	if s, ok := v.(string); ok {
		return ir.ParseSigmaString(s, false)
	}
	return ir.Lit(formatValue(v))
}

// parseWildcardPlaceholders builds wildcard_placeholders: each selected
// placeholder becomes `*`.
func parseWildcardPlaceholders(rd *reader, o *obj, _ int) (transform, bool) {
	sel, ok := parseSel(rd, o, "wildcard_placeholders")
	return &patternTransform{fn: func(_ *env, _ *ir.Match, p ir.Pattern) []ir.Pattern {
		if !p.HasPlaceholders() {
			return nil
		}
		out := make(ir.Pattern, 0, len(p))
		for _, t := range p {
			if t.Kind == ir.TokPlaceholder && sel.ok(t.Text) {
				t = ir.Token{Kind: ir.TokStar}
			}
			out = append(out, t)
		}
		return []ir.Pattern{out}
	}}, ok
}

// queryPlaceholders is query_expression_placeholders: a value that is
// exactly one selected placeholder becomes target query text, the
// expression with {field} and {id} filled in (id from mapping, else the
// placeholder name). A selected placeholder inside a longer value is an
// error: query text cannot be spliced into a string.
type queryPlaceholders struct {
	sel        placeholderSel
	expression string
	mapping    map[string]string
}

func parseQueryPlaceholders(rd *reader, o *obj, _ int) (transform, bool) {
	expr, ok := o.required("expression", "query_expression_placeholders")
	t := &queryPlaceholders{expression: expr, mapping: map[string]string{}}
	if n := o.get("mapping"); n != nil {
		if mo := rd.object(n, `"mapping"`); mo != nil {
			for i, e := range mo.entries {
				mo.used[i] = true
				if s, good := rd.scalar(deref(e.val), "mapping values"); good {
					t.mapping[e.key.Value] = s
				}
			}
		}
	}
	sel, ok2 := parseSel(rd, o, "query_expression_placeholders")
	t.sel = sel
	return t, ok && ok2
}

func (t *queryPlaceholders) apply(e *env, it *Item) {
	it.eachMatch(e, true, func(m *ir.Match) ir.Expr {
		p, ok := stringMatch(m)
		if !ok || !p.HasPlaceholders() {
			return m
		}
		if len(p) != 1 {
			for _, tok := range p {
				if tok.Kind == ir.TokPlaceholder && t.sel.ok(tok.Text) {
					e.l.Errorf(diag.CodePipelinePlaceholder, m.P,
						"rule %q: field %q: query_expression_placeholders needs a value that is only the placeholder %%%s%%",
						e.meta.Title, m.Field, tok.Text)
					break
				}
			}
			return m
		}
		name := p[0].Text
		if !t.sel.ok(name) {
			return m
		}
		id := name
		if v, ok := t.mapping[name]; ok {
			id = v
		}
		text := strings.NewReplacer("{field}", m.Field, "{id}", id).Replace(t.expression)
		m.Value = ir.QueryExpr{Text: text}
		markApplied(m, it.ID)
		return m
	})
}
