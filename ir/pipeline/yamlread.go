package pipeline

import (
	"fmt"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/sigc-dev/sigc/ir/diag"
)

// maxValueDepth bounds the nesting of free-form values (vars, set_state,
// set_custom_attribute). Pipelines never need deep values; hostile files
// with alias chains must not make decoding explode.
const maxValueDepth = 16

// maxValueNodes bounds the number of nodes one free-form value may expand
// to through aliases (an alias bomb reuses one anchor many times).
const maxValueNodes = 10000

// reader turns yaml.v3 nodes into Go values, reporting every problem at the
// node's position in file.
type reader struct {
	file string
	l    *diag.List
}

func (rd *reader) pos(n *yaml.Node) diag.Pos {
	if n == nil {
		return diag.Pos{File: rd.file}
	}
	return diag.Pos{File: rd.file, Line: n.Line, Col: n.Column}
}

// deref follows alias nodes to their anchors.
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 100; i++ {
		n = n.Alias
	}
	return n
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "null"
		}
		return "a scalar"
	}
	return "a document"
}

// entry is one key/value pair of a mapping, in document order.
type entry struct {
	key, val *yaml.Node
}

// obj is a mapping whose keys are consumed one by one; keys never consumed
// are reported by done as unknown.
type obj struct {
	rd      *reader
	node    *yaml.Node
	entries []entry
	byKey   map[string]int
	used    []bool
}

// object reads n as a mapping with scalar, unique keys. It returns nil
// (after a diagnostic) when n is not a mapping.
func (rd *reader) object(n *yaml.Node, what string) *obj {
	n = deref(n)
	if n == nil || n.Kind != yaml.MappingNode {
		if n != nil {
			rd.l.Errorf(diag.CodePipelineSyntax, rd.pos(n), "%s must be a mapping, not %s", what, kindName(n))
		}
		return nil
	}
	o := &obj{rd: rd, node: n, byKey: make(map[string]int, len(n.Content)/2)}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			rd.l.Errorf(diag.CodePipelineSyntax, rd.pos(k), "%s keys must be scalars", what)
			continue
		}
		if j, dup := o.byKey[k.Value]; dup {
			rd.l.Errorf(diag.CodePipelineSyntax, rd.pos(k), "duplicate key %q in %s (first at line %d)", k.Value, what, o.entries[j].key.Line)
			continue
		}
		o.byKey[k.Value] = len(o.entries)
		o.entries = append(o.entries, entry{key: k, val: v})
	}
	o.used = make([]bool, len(o.entries))
	return o
}

// has reports whether key is present, without consuming it.
func (o *obj) has(key string) bool {
	_, ok := o.byKey[key]
	return ok
}

// get consumes key and returns its value node (aliases resolved), or nil.
func (o *obj) get(key string) *yaml.Node {
	i, ok := o.byKey[key]
	if !ok {
		return nil
	}
	o.used[i] = true
	return deref(o.entries[i].val)
}

// keyPos returns the position of key, or of the mapping when it is absent.
func (o *obj) keyPos(key string) diag.Pos {
	if i, ok := o.byKey[key]; ok {
		return o.rd.pos(o.entries[i].key)
	}
	return o.rd.pos(o.node)
}

// scalar reads a non-null scalar as text.
func (rd *reader) scalar(n *yaml.Node, what string) (string, bool) {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		rd.l.Errorf(diag.CodePipelineParam, rd.pos(n), "%s must be a scalar, not %s", what, kindName(n))
		return "", false
	}
	return n.Value, true
}

// str reads an optional string parameter.
func (o *obj) str(key, def string) string {
	n := o.get(key)
	if n == nil {
		return def
	}
	s, ok := o.rd.scalar(n, fmt.Sprintf("%q", key))
	if !ok {
		return def
	}
	return s
}

// required reads a mandatory string parameter.
func (o *obj) required(key, what string) (string, bool) {
	n := o.get(key)
	if n == nil {
		o.rd.l.Errorf(diag.CodePipelineParam, o.rd.pos(o.node), "%s needs the parameter %q", what, key)
		return "", false
	}
	return o.rd.scalar(n, fmt.Sprintf("%q", key))
}

// requiredValue reads a parameter of any YAML type that must be present.
func (o *obj) requiredValue(key, what string) (any, bool) {
	n := o.get(key)
	if n == nil {
		o.rd.l.Errorf(diag.CodePipelineParam, o.rd.pos(o.node), "%s needs the parameter %q", what, key)
		return nil, false
	}
	return o.rd.value(n)
}

// strList reads a parameter that is a string or a list of strings.
func (o *obj) strList(key string) []string {
	n := o.get(key)
	if n == nil {
		return nil
	}
	return o.rd.strings(n, fmt.Sprintf("%q", key))
}

func (rd *reader) strings(n *yaml.Node, what string) []string {
	if n.Kind == yaml.SequenceNode {
		out := make([]string, 0, len(n.Content))
		for _, c := range n.Content {
			if s, ok := rd.scalar(deref(c), what+" entries"); ok {
				out = append(out, s)
			}
		}
		return out
	}
	if s, ok := rd.scalar(n, what); ok {
		return []string{s}
	}
	return nil
}

// boolean reads an optional boolean parameter.
func (o *obj) boolean(key string, def bool) bool {
	n := o.get(key)
	if n == nil {
		return def
	}
	var b bool
	if n.Kind != yaml.ScalarNode || n.Decode(&b) != nil {
		o.rd.l.Errorf(diag.CodePipelineParam, o.rd.pos(n), "%q must be true or false", key)
		return def
	}
	return b
}

// integer reads an optional integer parameter.
func (o *obj) integer(key string, def int) int {
	n := o.get(key)
	if n == nil {
		return def
	}
	i, err := strconv.Atoi(n.Value)
	if n.Kind != yaml.ScalarNode || err != nil {
		o.rd.l.Errorf(diag.CodePipelineParam, o.rd.pos(n), "%q must be an integer", key)
		return def
	}
	return i
}

// oneOf reads an optional string parameter restricted to choices.
func (o *obj) oneOf(key, def string, choices ...string) string {
	s := o.str(key, def)
	for _, c := range choices {
		if s == c {
			return s
		}
	}
	o.rd.l.Errorf(diag.CodePipelineParam, o.keyPos(key), "%q must be one of %s, not %q", key, strings.Join(choices, ", "), s)
	return def
}

// done reports every key that was never consumed.
func (o *obj) done(code diag.Code, what string) {
	var unknown []entry
	for i, e := range o.entries {
		if !o.used[i] {
			unknown = append(unknown, e)
		}
	}
	if len(unknown) == 0 {
		return
	}
	for _, e := range unknown {
		o.rd.l.Errorf(code, o.rd.pos(e.key), "unknown key %q in %s", e.key.Value, what)
	}
}

// value converts a node into plain Go data: string, bool, int64, float64,
// nil, []any or map[string]any.
func (rd *reader) value(n *yaml.Node) (any, bool) {
	budget := maxValueNodes
	return rd.valueAt(n, 0, &budget)
}

func (rd *reader) valueAt(n *yaml.Node, depth int, budget *int) (any, bool) {
	n = deref(n)
	*budget--
	if n == nil || depth > maxValueDepth || *budget < 0 {
		rd.l.Errorf(diag.CodePipelineParam, rd.pos(n), "value is nested too deeply or too large")
		return nil, false
	}
	switch n.Kind {
	case yaml.ScalarNode:
		return scalarValue(n), true
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			v, ok := rd.valueAt(c, depth+1, budget)
			if !ok {
				return nil, false
			}
			out = append(out, v)
		}
		return out, true
	case yaml.MappingNode:
		out := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			v, ok := rd.valueAt(n.Content[i+1], depth+1, budget)
			if !ok {
				return nil, false
			}
			out[n.Content[i].Value] = v
		}
		return out, true
	}
	rd.l.Errorf(diag.CodePipelineParam, rd.pos(n), "unsupported value")
	return nil, false
}

// scalarValue types a scalar by its resolved YAML tag.
func scalarValue(n *yaml.Node) any {
	switch n.ShortTag() {
	case "!!null":
		return nil
	case "!!bool":
		var b bool
		if n.Decode(&b) == nil {
			return b
		}
	case "!!int":
		var i int64
		if n.Decode(&i) == nil {
			return i
		}
	case "!!float":
		var f float64
		if n.Decode(&f) == nil {
			return f
		}
	}
	return n.Value
}

// formatValue renders a plain value as text for comparisons and templates.
func formatValue(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	}
	return fmt.Sprint(v)
}
