package rules

import (
	"gopkg.in/yaml.v3"

	"github.com/sigc-dev/sigc/ir/diag"
)

// sectionKinds maps the key that decides a document's kind to that kind,
// in order of precedence when a document (wrongly) has several.
var sectionKinds = []struct {
	key  string
	kind Kind
}{
	{"detection", KindRule},
	{"correlation", KindCorrelation},
	{"filter", KindFilter},
}

// document converts one YAML document (index idx of the file) into a
// Sigma document, or returns nil when it is not one.
func (p *parser) document(n *yaml.Node, idx int) *Document {
	if !p.checkTree(n) {
		return nil
	}
	root := resolve(n.Content[0])
	if root.Kind != yaml.MappingNode {
		p.diags.Errorf(diag.CodeYAMLType, p.pos(root), "a Sigma document must be a mapping, found %s", kindName(root))
		return nil
	}
	pairs := p.pairs(root)
	if len(pairs) == 0 {
		p.diags.Errorf(diag.CodeYAMLEmptyDoc, p.pos(root), "the document is an empty mapping")
		return nil
	}
	d := &Document{File: p.file, Index: idx, Pos: p.pos(pairs[0].k)}

	var section *pair
	for _, sk := range sectionKinds {
		for i := range pairs {
			if pairs[i].k.Value != sk.key {
				continue
			}
			if section == nil {
				section = &pairs[i]
				d.Kind = sk.kind
			} else {
				p.diags.Errorf(diag.CodeDocKind, p.pos(pairs[i].k),
					"a document has exactly one of detection, correlation and filter; this one also has %s (line %d)",
					section.k.Value, section.k.Line)
			}
		}
	}
	if section == nil {
		p.diags.ErrorHint(diag.CodeDocKind, d.Pos,
			"a rule has `detection:`, a correlation rule `correlation:`, a filter `filter:`",
			"not a Sigma document: it has no detection, correlation or filter section")
		return nil
	}

	c := &docCtx{parser: p, doc: d, root: root}
	switch d.Kind {
	case KindRule:
		d.Rule = &Rule{}
		c.meta = &d.Rule.Meta
	case KindCorrelation:
		d.Correlation = &Correlation{}
		c.meta = &d.Correlation.Meta
	case KindFilter:
		d.Filter = &Filter{}
		c.meta = &d.Filter.Meta
	}
	c.meta.Positions = make(map[string]diag.Pos, len(pairs))
	for _, kv := range pairs {
		c.topLevel(kv, section)
	}
	c.requireTop("title")
	switch d.Kind {
	case KindRule:
		c.requireTop("logsource")
	case KindFilter:
		c.requireTop("logsource")
	}
	return d
}

// docCtx is the state of converting one document.
type docCtx struct {
	*parser
	doc  *Document
	root *yaml.Node
	meta *Meta
}

// topLevel handles one top-level attribute.
func (c *docCtx) topLevel(kv pair, section *pair) {
	key := kv.k.Value
	c.meta.Positions[key] = c.pos(kv.v)
	if kv.k == section.k {
		switch c.doc.Kind {
		case KindRule:
			c.doc.Rule.Detection = c.detection(kv.k, kv.v, nil)
		case KindCorrelation:
			c.correlation(kv.k, kv.v)
		case KindFilter:
			c.filter(kv.k, kv.v)
		}
		return
	}
	if h, ok := metaHandlers[key]; ok {
		h(c, kv.k, resolve(kv.v))
		return
	}
	switch {
	case key == "detection" || key == "correlation" || key == "filter":
		// A second section: already reported as CodeDocKind.
		return
	case key == "logsource" && c.doc.Kind == KindRule:
		c.doc.Rule.Logsource = c.logsource(kv.k, kv.v)
		return
	case key == "logsource" && c.doc.Kind == KindFilter:
		c.doc.Filter.Logsource = c.logsource(kv.k, kv.v)
		return
	case key == "generate" && c.doc.Kind == KindCorrelation:
		// The specification lists generate among the top-level attributes
		// while pySigma reads it inside the correlation section; both work.
		if b, ok := c.boolean(kv.k, resolve(kv.v)); ok {
			c.doc.Correlation.Generate = b
		}
		return
	}
	c.meta.Custom = append(c.meta.Custom, Attr{Key: key, Value: plainValue(kv.v), Pos: c.pos(kv.k)})
}

// requireTop reports a missing required top-level attribute.
func (c *docCtx) requireTop(key string) {
	if _, ok := c.meta.Positions[key]; !ok {
		c.diags.Errorf(diag.CodeMissingField, c.doc.Pos, "a %s needs a %s attribute", c.doc.Kind, key)
	}
}

// boolean reads a boolean attribute.
func (c *docCtx) boolean(k, v *yaml.Node) (bool, bool) {
	if v.Kind == yaml.ScalarNode && v.Tag == tagBool {
		var b bool
		if v.Decode(&b) == nil {
			return b, true
		}
	}
	c.diags.Errorf(diag.CodeFieldType, c.pos(v), "%s must be true or false, found %s", k.Value, kindName(v))
	return false, false
}
