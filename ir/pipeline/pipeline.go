package pipeline

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/sigc-dev/sigc/ir/diag"
)

// Pipeline is one parsed processing pipeline file.
type Pipeline struct {
	Name string
	// Description is the first line of the file's leading comment; it is
	// what `sigc list pipelines` shows. (pySigma's format has no key for
	// it, and unknown keys are errors, so a comment keeps files portable.)
	Description string
	// Priority orders user pipelines (lower first).
	Priority int
	// Vars are the values of placeholders (value_placeholders).
	Vars map[string][]any
	// AllowedBackends restricts a named pipeline to some targets; empty
	// means any.
	AllowedBackends []string
	Items           []*Item
	Postprocessing  []*PostItem
	Finalizers      []*Finalizer
	// Source is the file the pipeline was read from, or "builtin:<name>".
	Source string
	// Builtin is true for pipelines from the embedded catalog; only those
	// are checked against AllowedBackends (pySigma checks named pipelines
	// only).
	Builtin bool
}

// Item is one processing item: a transformation and the conditions that
// gate it.
type Item struct {
	// ID names the item for processing_item_applied conditions; empty
	// when the file gives none.
	ID string
	// Type is the transformation type as written.
	Type string
	// Pos is the position of the item in the pipeline file.
	Pos   diag.Pos
	rule  gate[ruleCond]
	det   gate[detCond]
	field gate[fieldCond]
	t     transform
}

// transform is the compiled transformation of an Item.
type transform interface {
	apply(e *env, it *Item)
}

// scope says which conditions a transformation accepts.
type scope uint8

const (
	// scopeRule transformations act on the rule as a whole and accept
	// rule conditions only.
	scopeRule scope = iota
	// scopeDetection transformations act on Matches and also accept
	// detection-item and field-name conditions.
	scopeDetection
)

// maxNestDepth bounds `nest` recursion in a pipeline file.
const maxNestDepth = 8

// topKeys are the keys of a pipeline file, in pySigma's order.
var topKeys = []string{"name", "priority", "vars", "allowed_backends", "transformations", "postprocessing", "finalizers"}

// Parse reads a pipeline file in pySigma's YAML format. Every problem is a
// diagnostic at its file:line:col; the pipeline is returned even when
// diagnostics contain errors, but callers must not apply it then.
func Parse(file string, src []byte) (p *Pipeline, l diag.List) {
	rd := &reader{file: file, l: &l}
	var doc yaml.Node
	if err := safeUnmarshal(src, &doc); err != nil {
		l.Errorf(diag.CodePipelineSyntax, yamlErrorPos(file, err), "%s", strings.TrimPrefix(err.Error(), "yaml: "))
		return nil, l
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		l.Errorf(diag.CodePipelineSyntax, diag.Pos{File: file, Line: 1, Col: 1}, "the pipeline file is empty")
		return nil, l
	}
	root := doc.Content[0]
	o := rd.object(root, "a pipeline file")
	if o == nil {
		return nil, l
	}
	comments := []string{doc.HeadComment, root.HeadComment}
	if len(root.Content) > 0 {
		// yaml.v3 attaches a leading comment to the first key.
		comments = append(comments, root.Content[0].HeadComment)
	}
	p = &Pipeline{Source: file, Description: firstCommentLine(comments...)}
	p.Name = o.str("name", "")
	p.Priority = o.integer("priority", 0)
	p.Vars = parseVars(rd, o.get("vars"))
	p.AllowedBackends = o.strList("allowed_backends")
	forEach(rd, o.get("transformations"), "transformations", func(n *yaml.Node) {
		if it := parseItem(rd, n, 0); it != nil {
			p.Items = append(p.Items, it)
		}
	})
	forEach(rd, o.get("postprocessing"), "postprocessing", func(n *yaml.Node) {
		if it := parsePostItem(rd, n, 0); it != nil {
			p.Postprocessing = append(p.Postprocessing, it)
		}
	})
	forEach(rd, o.get("finalizers"), "finalizers", func(n *yaml.Node) {
		if f := parseFinalizer(rd, n); f != nil {
			p.Finalizers = append(p.Finalizers, f)
		}
	})
	o.done(diag.CodePipelineSyntax, "the pipeline (known keys: "+strings.Join(topKeys, ", ")+")")
	return p, l
}

// safeUnmarshal parses YAML, turning a panic of the YAML library on
// hostile input into an error: bad input must never crash sigc.
func safeUnmarshal(src []byte, doc *yaml.Node) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("yaml: the YAML parser failed: %v", r)
		}
	}()
	return yaml.Unmarshal(src, doc)
}

var yamlLineRE = regexp.MustCompile(`line (\d+)`)

// yamlErrorPos extracts the line yaml.v3 names in its error text (it
// reports no column).
func yamlErrorPos(file string, err error) diag.Pos {
	if m := yamlLineRE.FindStringSubmatch(err.Error()); m != nil {
		if n, e := strconv.Atoi(m[1]); e == nil {
			return diag.Pos{File: file, Line: n}
		}
	}
	return diag.Pos{File: file}
}

func firstCommentLine(comments ...string) string {
	// The first sentence of the first comment paragraph, which may wrap
	// over several lines.
	var words []string
	for _, c := range comments {
		for _, line := range strings.Split(c, "\n") {
			line = strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(line), "#"))
			if line == "" {
				if len(words) > 0 {
					return sentence(words)
				}
				continue
			}
			words = append(words, line)
		}
		if len(words) > 0 {
			return sentence(words)
		}
	}
	return ""
}

// sentenceEnd is a full stop followed by the start of a new sentence
// (not the "..." of an elided example).
var sentenceEnd = regexp.MustCompile(`[^.]\.\s`)

// sentence joins lines and cuts after the first full stop.
func sentence(lines []string) string {
	s := strings.Join(lines, " ")
	if loc := sentenceEnd.FindStringIndex(s); loc != nil {
		s = s[:loc[0]+2]
	}
	return s
}

// forEach calls fn for every entry of an optional list.
func forEach(rd *reader, n *yaml.Node, what string, fn func(*yaml.Node)) {
	if n == nil || (n.Kind == yaml.ScalarNode && n.Tag == "!!null") {
		return
	}
	if n.Kind != yaml.SequenceNode {
		rd.l.Errorf(diag.CodePipelineSyntax, rd.pos(n), "%q must be a list, not %s", what, kindName(n))
		return
	}
	for _, c := range n.Content {
		fn(deref(c))
	}
}

func parseVars(rd *reader, n *yaml.Node) map[string][]any {
	if n == nil {
		return nil
	}
	o := rd.object(n, `"vars"`)
	if o == nil {
		return nil
	}
	vars := make(map[string][]any, len(o.entries))
	for i, e := range o.entries {
		o.used[i] = true
		v, ok := rd.value(e.val)
		if !ok {
			continue
		}
		switch v := v.(type) {
		case []any:
			for _, x := range v {
				if !isScalarValue(x) {
					rd.l.Errorf(diag.CodePipelineParam, rd.pos(e.val), "vars %q: values must be strings or numbers", e.key.Value)
				}
			}
			vars[e.key.Value] = v
		case map[string]any:
			rd.l.Errorf(diag.CodePipelineParam, rd.pos(e.val), "vars %q: a value must be a scalar or a list", e.key.Value)
		default:
			vars[e.key.Value] = []any{v}
		}
	}
	return vars
}

func isScalarValue(v any) bool {
	switch v.(type) {
	case []any, map[string]any:
		return false
	}
	return true
}

// transformSpec describes one transformation type.
type transformSpec struct {
	scope scope
	parse func(rd *reader, o *obj, depth int) (transform, bool)
}

// parseItem reads one processing item; depth counts `nest` levels.
func parseItem(rd *reader, n *yaml.Node, depth int) *Item {
	o := rd.object(n, "a transformation")
	if o == nil {
		return nil
	}
	it := &Item{Pos: rd.pos(n), ID: o.str("id", "")}
	typ, ok := o.required("type", "a transformation")
	it.Type = typ
	it.rule = parseGate(rd, o, "rule_conditions", "rule_cond", ruleConds, "rule")
	it.det = parseGate(rd, o, "detection_item_conditions", "detection_item_cond", detConds, "detection item")
	it.field = parseGate(rd, o, "field_name_conditions", "field_name_cond", fieldConds, "field name")
	if !ok {
		return nil
	}
	spec, known := transforms[typ]
	if typ == "nest" {
		// nest is not in the table: its parser calls parseItem, and a table
		// entry would make an initialisation cycle.
		spec, known = transformSpec{scope: scopeRule, parse: parseNest}, true
	}
	if !known {
		rd.l.ErrorHint(diag.CodePipelineType, o.keyPos("type"), "known types: "+strings.Join(transformNames(), ", "),
			"unknown transformation type %q", typ)
		return nil
	}
	if spec.scope == scopeRule && (!it.det.empty() || !it.field.empty()) {
		rd.l.Errorf(diag.CodePipelineParam, it.Pos, "%s acts on whole rules: it accepts rule conditions only", typ)
	}
	t, ok := spec.parse(rd, o, depth)
	o.done(diag.CodePipelineParam, typ+" transformation")
	if !ok {
		return nil
	}
	it.t = t
	return it
}

func transformNames() []string {
	names := []string{"nest"}
	for k := range transforms {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}
