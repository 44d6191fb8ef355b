package rules

import (
	"strconv"

	"gopkg.in/yaml.v3"

	"github.com/sigc-dev/sigc/ir/diag"
)

// checkTree walks a document once before it is converted and enforces the
// structural rules that yaml.v3 leaves to us:
//   - nesting deeper than MaxDepth is refused (CodeYAMLTooDeep);
//   - the node count, with every alias expanded as often as it is used, is
//     bounded by MaxNodes (CodeYAMLAlias): yaml.v3 keeps aliases as pointers,
//     so an alias bomb is tiny in memory until someone walks it;
//   - duplicate mapping keys are reported (CodeYAMLDupKey), because decoding
//     into yaml.Node accepts them silently.
//
// It returns false when the document must not be converted. Since every
// later walk visits at most the nodes counted here, conversion is bounded
// too.
func (p *parser) checkTree(root *yaml.Node) bool {
	c := treeChecker{p: p, budget: p.lim.MaxNodes}
	return c.walk(root, 0, nil)
}

type treeChecker struct {
	p      *parser
	budget int
}

// walk visits n, which is inside depth collections. alias is the outermost alias node through
// which n was reached (nil when n is reached directly): duplicate keys are
// reported only on direct visits, so that each is reported once.
func (c *treeChecker) walk(n *yaml.Node, depth int, alias *yaml.Node) bool {
	if n.Kind == yaml.SequenceNode || n.Kind == yaml.MappingNode {
		depth++
	}
	c.budget--
	if c.budget < 0 {
		at := n
		if alias != nil {
			at = alias
		}
		c.p.diags.ErrorHint(diag.CodeYAMLAlias, c.p.pos(at),
			"do not use YAML anchors and aliases to repeat large structures",
			"the document expands to more than %d YAML nodes through aliases", c.p.lim.MaxNodes)
		return false
	}
	if depth > c.p.lim.MaxDepth {
		c.p.diags.Errorf(diag.CodeYAMLTooDeep, c.p.pos(n), "YAML nesting is deeper than the limit of %d", c.p.lim.MaxDepth)
		return false
	}
	// depth counts collections: the root mapping is at depth 1, a list in
	// it at depth 2. Scalars do not nest anything.
	switch n.Kind {
	case yaml.AliasNode:
		if n.Alias == nil {
			return true
		}
		if alias == nil {
			alias = n
		}
		return c.walk(n.Alias, depth, alias)
	case yaml.DocumentNode:
		for _, ch := range n.Content {
			if !c.walk(ch, 0, alias) {
				return false
			}
		}
	case yaml.SequenceNode, yaml.MappingNode:
		if n.Kind == yaml.MappingNode && alias == nil {
			c.dupKeys(n)
		}
		for _, ch := range n.Content {
			if !c.walk(ch, depth, alias) {
				return false
			}
		}
	}
	return true
}

// dupKeys reports every key of a mapping that repeats an earlier scalar
// key. Sigma maps are small, so a quadratic scan beats a hash map until a
// few dozen keys.
func (c *treeChecker) dupKeys(m *yaml.Node) {
	keys := m.Content
	var seen map[string]*yaml.Node
	if len(keys) > 64 {
		seen = make(map[string]*yaml.Node, len(keys)/2)
	}
	for i := 0; i+1 < len(keys); i += 2 {
		k := keys[i]
		if k.Kind != yaml.ScalarNode {
			continue
		}
		var first *yaml.Node
		if seen != nil {
			first = seen[k.Value]
			if first == nil {
				seen[k.Value] = k
			}
		} else {
			for j := 0; j < i; j += 2 {
				if keys[j].Kind == yaml.ScalarNode && keys[j].Value == k.Value {
					first = keys[j]
					break
				}
			}
		}
		if first != nil {
			c.p.diags.ErrorHint(diag.CodeYAMLDupKey, c.p.pos(k),
				"YAML keeps only one of them; merge the two entries or rename one",
				"duplicate key %q (first defined on line %d)", k.Value, first.Line)
		}
	}
}

// resolve follows aliases to the node they stand for.
func resolve(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

// pair is one key/value entry of a mapping.
type pair struct {
	k, v *yaml.Node
}

// pairs returns the entries of a mapping in document order, keeping only
// the first of duplicate keys (checkTree reported the others). Non-scalar
// keys are reported here and left out.
func (p *parser) pairs(m *yaml.Node) []pair {
	out := make([]pair, 0, len(m.Content)/2)
	// As in dupKeys: linear scans for small maps, a set for large ones, so
	// that a hostile map with many keys stays linear.
	var seen map[string]bool
	if len(m.Content) > 64 {
		seen = make(map[string]bool, len(m.Content)/2)
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		rk := resolve(k)
		if rk.Kind != yaml.ScalarNode {
			p.diags.Errorf(diag.CodeYAMLType, p.pos(k), "a mapping key must be a scalar, found %s", kindName(rk))
			continue
		}
		dup := false
		if seen != nil {
			dup = seen[rk.Value]
			seen[rk.Value] = true
		} else {
			for _, q := range out {
				if q.k.Value == rk.Value {
					dup = true
					break
				}
			}
		}
		if !dup {
			out = append(out, pair{k: rk, v: v})
		}
	}
	return out
}

// YAML tags of the core schema, as yaml.v3 resolves them.
const (
	tagStr       = "!!str"
	tagInt       = "!!int"
	tagFloat     = "!!float"
	tagBool      = "!!bool"
	tagNull      = "!!null"
	tagTimestamp = "!!timestamp"
	tagBinary    = "!!binary"
)

// isNull reports whether n (resolved) is a YAML null.
func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == tagNull
}

// isString reports whether n (resolved) is a string scalar.
func isString(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == tagStr
}

// kindName names the YAML type of n for messages.
func kindName(n *yaml.Node) string {
	n = resolve(n)
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.DocumentNode:
		return "a document"
	case yaml.ScalarNode:
		switch n.Tag {
		case tagStr:
			return "a string"
		case tagInt:
			return "an integer"
		case tagFloat:
			return "a number"
		case tagBool:
			return "a boolean"
		case tagNull:
			return "null"
		case tagTimestamp:
			return "a date"
		case tagBinary:
			return "binary data"
		}
		return "a " + n.Tag + " scalar"
	}
	return "an unknown node"
}

// plainValue converts a node into plain Go data (string, bool, int64,
// float64, nil, []any, map[string]any) for custom attributes. Dates stay
// strings as written; integers beyond int64 become float64. checkTree has
// bounded the walk.
func plainValue(n *yaml.Node) any {
	n = resolve(n)
	switch n.Kind {
	case yaml.SequenceNode:
		out := make([]any, len(n.Content))
		for i, c := range n.Content {
			out[i] = plainValue(c)
		}
		return out
	case yaml.MappingNode:
		out := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := resolve(n.Content[i])
			key := k.Value
			if k.Kind != yaml.ScalarNode {
				key = kindName(k)
			}
			if _, dup := out[key]; !dup {
				out[key] = plainValue(n.Content[i+1])
			}
		}
		return out
	case yaml.ScalarNode:
		return plainScalar(n)
	}
	return nil
}

// plainScalar converts a scalar by its resolved tag.
func plainScalar(n *yaml.Node) any {
	switch n.Tag {
	case tagNull:
		return nil
	case tagBool:
		var b bool
		if n.Decode(&b) == nil {
			return b
		}
	case tagInt:
		var i int64
		if n.Decode(&i) == nil {
			return i
		}
		var f float64
		if n.Decode(&f) == nil {
			return f
		}
	case tagFloat:
		var f float64
		if n.Decode(&f) == nil {
			return f
		}
	}
	return n.Value
}

// canonicalFloat renders a float as the shortest decimal text that parses
// back to it, without exponent.
func canonicalFloat(f float64) string {
	return strconv.FormatFloat(f, 'f', -1, 64)
}
