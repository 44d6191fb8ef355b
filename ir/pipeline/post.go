package pipeline

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/sigc-dev/sigc/ir"
	"github.com/sigc-dev/sigc/ir/diag"
)

// PostItem is a postprocessing item: it rewrites the query text of every
// rule whose rule conditions hold, after the backend has printed it.
type PostItem struct {
	ID   string
	Type string
	Pos  diag.Pos
	rule gate[ruleCond]
	fn   func(e *env, query string) string
}

// Finalizer combines the queries of all rules into the final output.
type Finalizer struct {
	Type string
	Pos  diag.Pos
	fn   func(queries []string) (string, error)
}

func parsePostItem(rd *reader, n *yaml.Node, depth int) *PostItem {
	o := rd.object(n, "a postprocessing item")
	if o == nil {
		return nil
	}
	it := &PostItem{Pos: rd.pos(n), ID: o.str("id", "")}
	typ, ok := o.required("type", "a postprocessing item")
	it.Type = typ
	it.rule = parseGate(rd, o, "rule_conditions", "rule_cond", ruleConds, "rule")
	if !ok {
		return nil
	}
	switch typ {
	case "embed":
		prefix, suffix := o.str("prefix", ""), o.str("suffix", "")
		it.fn = func(_ *env, q string) string { return prefix + q + suffix }
	case "simple_template":
		src, good := o.required("template", typ)
		tmpl, good2 := compileTemplate(rd, o, src)
		ok = good && good2
		it.fn = tmpl.expand
	case "replace":
		pat, good := o.required("pattern", typ)
		repl := pythonReplacement(o.str("replacement", ""), false)
		re, err := regexp.Compile(pat)
		if good && err != nil {
			rd.l.Errorf(diag.CodePipelineParam, o.keyPos("pattern"), "%q is not a valid regular expression: %v", "pattern", err)
			good = false
		}
		ok = good
		it.fn = func(_ *env, q string) string { return re.ReplaceAllString(q, repl) }
	case "json":
		tmpl, good := o.required("json_template", typ)
		ok = good
		it.fn = func(_ *env, q string) string {
			b, _ := json.Marshal(q)
			return strings.ReplaceAll(tmpl, "%QUERY%", string(b[1:len(b)-1]))
		}
	case "nest":
		var items []*PostItem
		if depth >= maxNestDepth {
			rd.l.Errorf(diag.CodePipelineParam, it.Pos, "nest is nested more than %d levels deep", maxNestDepth)
			ok = false
		} else if c := o.get("items"); c == nil {
			rd.l.Errorf(diag.CodePipelineParam, it.Pos, "nest needs the parameter %q", "items")
			ok = false
		} else {
			forEach(rd, c, "items", func(n *yaml.Node) {
				if sub := parsePostItem(rd, n, depth+1); sub != nil {
					items = append(items, sub)
				}
			})
		}
		it.fn = func(e *env, q string) string {
			for _, sub := range items {
				q = sub.run(e, q)
			}
			return q
		}
	default:
		rd.l.ErrorHint(diag.CodePipelineType, o.keyPos("type"), "known types: embed, json, nest, replace, simple_template",
			"unknown postprocessing type %q", typ)
		return nil
	}
	o.done(diag.CodePipelineParam, typ+" postprocessing item")
	if !ok {
		return nil
	}
	return it
}

func (it *PostItem) run(e *env, q string) string {
	if !it.rule.eval(func(c ruleCond) bool { return c.testRule(e) }) {
		return q
	}
	if it.ID != "" {
		e.applied[it.ID] = true
	}
	return it.fn(e, q)
}

// template is a compiled simple_template: Python str.format with the
// fields {query}, {rule} / {rule.<attribute>} and {pipeline} /
// {pipeline.name}; `{{` and `}}` are literal braces.
type template struct {
	parts []tmplPart
}

type tmplPart struct {
	lit string
	ref string // "" for a literal part
}

var ruleAttrs = map[string]func(m *ir.Meta) string{
	"title": func(m *ir.Meta) string { return m.Title }, "id": func(m *ir.Meta) string { return m.ID },
	"name": func(m *ir.Meta) string { return m.Name }, "status": func(m *ir.Meta) string { return m.Status },
	"level": func(m *ir.Meta) string { return m.Level }, "description": func(m *ir.Meta) string { return m.Description },
	"author": func(m *ir.Meta) string { return m.Author }, "date": func(m *ir.Meta) string { return m.Date },
	"modified": func(m *ir.Meta) string { return m.Modified }, "license": func(m *ir.Meta) string { return m.License },
	"tags": func(m *ir.Meta) string { return strings.Join(m.Tags, ", ") },
}

func compileTemplate(rd *reader, o *obj, src string) (*template, bool) {
	t := &template{}
	var lit strings.Builder
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch {
		case (c == '{' || c == '}') && i+1 < len(src) && src[i+1] == c:
			lit.WriteByte(c)
			i++
		case c == '{':
			end := strings.IndexByte(src[i:], '}')
			if end < 0 {
				rd.l.Errorf(diag.CodePipelineParam, o.keyPos("template"), "template: unclosed {")
				return t, false
			}
			ref := src[i+1 : i+end]
			if !validRef(ref) {
				rd.l.ErrorHint(diag.CodePipelineParam, o.keyPos("template"),
					"use {query}, {rule}, {rule.<attribute>} or {pipeline.name}", "template: unknown field {%s}", ref)
				return t, false
			}
			t.parts = append(t.parts, tmplPart{lit: lit.String()}, tmplPart{ref: ref})
			lit.Reset()
			i += end
		case c == '}':
			rd.l.Errorf(diag.CodePipelineParam, o.keyPos("template"), "template: single } (write }})")
			return t, false
		default:
			lit.WriteByte(c)
		}
	}
	t.parts = append(t.parts, tmplPart{lit: lit.String()})
	return t, true
}

func validRef(ref string) bool {
	switch ref {
	case "query", "rule", "pipeline", "pipeline.name":
		return true
	}
	attr, ok := strings.CutPrefix(ref, "rule.")
	return ok && attr != ""
}

func (t *template) expand(e *env, q string) string {
	var b strings.Builder
	for _, p := range t.parts {
		switch p.ref {
		case "":
			b.WriteString(p.lit)
		case "query":
			b.WriteString(q)
		case "rule":
			b.WriteString(e.meta.Title)
		case "pipeline", "pipeline.name":
			if e.pipe != nil {
				b.WriteString(e.pipe.Name)
			}
		default:
			attr := strings.TrimPrefix(p.ref, "rule.")
			if f, ok := ruleAttrs[attr]; ok {
				b.WriteString(f(e.meta))
			} else if v, ok := e.meta.CustomValue(attr); ok {
				b.WriteString(formatValue(v))
			}
		}
	}
	return b.String()
}

func parseFinalizer(rd *reader, n *yaml.Node) *Finalizer {
	o := rd.object(n, "a finalizer")
	if o == nil {
		return nil
	}
	f := &Finalizer{Pos: rd.pos(n)}
	typ, ok := o.required("type", "a finalizer")
	if !ok {
		return nil
	}
	f.Type = typ
	switch typ {
	case "concat":
		sep, prefix, suffix := o.str("separator", "\n"), o.str("prefix", ""), o.str("suffix", "")
		f.fn = func(qs []string) (string, error) { return prefix + strings.Join(qs, sep) + suffix, nil }
	case "json":
		indent := o.integer("indent", 0)
		f.fn = func(qs []string) (string, error) {
			var b []byte
			var err error
			if indent > 0 {
				b, err = json.MarshalIndent(qs, "", strings.Repeat(" ", indent))
			} else {
				b, err = json.Marshal(qs)
			}
			return string(b), err
		}
	case "yaml":
		indent := o.integer("indent", 2)
		if indent < 1 {
			indent = 2
		}
		f.fn = func(qs []string) (string, error) {
			var b bytes.Buffer
			enc := yaml.NewEncoder(&b)
			enc.SetIndent(indent)
			if err := enc.Encode(qs); err != nil {
				return "", err
			}
			err := enc.Close()
			return b.String(), err
		}
	default:
		rd.l.ErrorHint(diag.CodePipelineType, o.keyPos("type"), "known types: concat, json, yaml", "unknown finalizer type %q", typ)
		return nil
	}
	o.done(diag.CodePipelineParam, typ+" finalizer")
	return f
}

// Postprocess applies the postprocessing items of the chain, in order, to
// the query text the backend produced for r (the rule as Apply returned
// it). processing_item_applied conditions here see the ids recorded on
// the rule's Matches and the postprocessing items applied before.
func (c Chain) Postprocess(r *ir.Rule, query string) (string, diag.List) {
	var l diag.List
	e := c.newEnv(c.Vars(), &l)
	e.rule, e.meta, e.state = r, &r.Meta, r.State
	if e.state == nil {
		e.state = map[string]any{}
	}
	for _, q := range r.Queries {
		for _, m := range ir.Matches(q.Expr) {
			for _, id := range m.Applied {
				e.applied[id] = true
			}
		}
	}
	for _, p := range c {
		e.pipe = p
		for _, it := range p.Postprocessing {
			query = it.run(e, query)
		}
	}
	return query, l
}

// HasFinalizers reports whether any pipeline of the chain has finalizers;
// without them the caller joins queries its own way.
func (c Chain) HasFinalizers() bool {
	for _, p := range c {
		if len(p.Finalizers) > 0 {
			return true
		}
	}
	return false
}

// Finalize combines the queries of all rules with the chain's finalizers,
// in order: the first receives the queries, each later one the previous
// output as a single element. Without finalizers the queries are joined
// by newlines.
func (c Chain) Finalize(queries []string) (string, diag.List) {
	var l diag.List
	out, first := strings.Join(queries, "\n"), true
	for _, p := range c {
		for _, f := range p.Finalizers {
			in := queries
			if !first {
				in = []string{out}
			}
			s, err := f.fn(in)
			if err != nil {
				l.Errorf(diag.CodePipelineFailure, f.Pos, "%s finalizer: %v", f.Type, err)
				continue
			}
			out, first = s, false
		}
	}
	return out, l
}

// String renders an item for diagnostics and listings.
func (it *Item) String() string {
	if it.ID != "" {
		return fmt.Sprintf("%s (%s)", it.ID, it.Type)
	}
	return it.Type
}
