package rules

import (
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/sigc-dev/sigc/ir/diag"
)

// collection applies the Sigma v1 collection actions of a multi-document
// file, as pySigma does: `action: global` documents are deep-merged into
// every following document, `action: reset` forgets them, and
// `action: repeat` repeats the previous document updated by its own keys.
// Merged nodes keep the positions of the document they came from, so a
// diagnostic still points at the line that says it.
type collection struct {
	global *yaml.Node // mapping, or nil
	prev   *yaml.Node // the last rule document, merged
}

// apply returns the document root to process for root, or nil when root
// was an action document that produces no rule of its own.
func (c *collection) apply(p *parser, root *yaml.Node) *yaml.Node {
	if root.Kind != yaml.MappingNode {
		return root
	}
	action, rest, key := splitAction(root)
	var at diag.Pos
	if key != nil {
		at = p.pos(key)
	}
	switch action {
	case "":
		if c.global != nil {
			root = merge(c.global, root)
		}
		c.prev = root
		return root
	case "global":
		if c.global == nil {
			c.global = rest
		} else {
			c.global = merge(c.global, rest)
		}
		return nil
	case "reset":
		c.global = nil
		return nil
	case "repeat":
		if c.prev == nil {
			p.diags.ErrorHint(diag.CodeLegacyAction, at, "put the document to repeat before this one",
				"`action: repeat` has no previous document to repeat")
			return nil
		}
		root = merge(c.prev, rest)
		c.prev = root
		return root
	}
	p.diags.ErrorHint(diag.CodeLegacyAction, at, "use global, reset or repeat, or drop the key",
		"unknown Sigma v1 action %q", action)
	return nil
}

// legacyActions are the Sigma v1 collection actions.
var legacyActions = map[string]bool{"global": true, "reset": true, "repeat": true}

// splitAction returns the lower-cased value of a legacy `action` key (""
// if none, or if it is not one of the v1 actions: then it is an ordinary
// custom attribute), the mapping without it, and the key node.
func splitAction(m *yaml.Node) (string, *yaml.Node, *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], resolve(m.Content[i+1])
		if k.Value != "action" || !isString(v) || !legacyActions[strings.ToLower(v.Value)] {
			continue
		}
		rest := *m
		rest.Content = append(append([]*yaml.Node(nil), m.Content[:i]...), m.Content[i+2:]...)
		return strings.ToLower(v.Value), &rest, k
	}
	return "", m, nil
}

// merge returns base updated by over: mappings merge key by key,
// recursively; any other value of over replaces base's. Neither input is
// modified.
func merge(base, over *yaml.Node) *yaml.Node {
	base, over = resolve(base), resolve(over)
	if base.Kind != yaml.MappingNode || over.Kind != yaml.MappingNode {
		return over
	}
	out := *base
	out.Content = append([]*yaml.Node(nil), base.Content...)
	for i := 0; i+1 < len(over.Content); i += 2 {
		k, v := over.Content[i], over.Content[i+1]
		replaced := false
		for j := 0; j+1 < len(out.Content); j += 2 {
			if out.Content[j].Value == k.Value {
				out.Content[j+1] = merge(out.Content[j+1], v)
				replaced = true
				break
			}
		}
		if !replaced {
			out.Content = append(out.Content, k, v)
		}
	}
	return &out
}
