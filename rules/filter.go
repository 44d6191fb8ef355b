package rules

import (
	"gopkg.in/yaml.v3"

	"github.com/sigc-dev/sigc/ir/diag"
)

// filter converts the filter section of a meta filter: the rules it
// applies to plus search identifiers and one condition string, converted
// like a detection.
func (c *docCtx) filter(k, v *yaml.Node) {
	f := c.doc.Filter
	hasRules := false
	opts := &detectionOpts{
		stringCondition: true,
		reserved: func(kv pair) bool {
			if kv.k.Value != "rules" {
				return false
			}
			hasRules = true
			f.Rules, f.Any = c.ruleRefs(kv.k, resolve(kv.v), true)
			return true
		},
	}
	f.Detection = c.detection(k, v, opts)
	if !hasRules && resolve(v).Kind == yaml.MappingNode {
		c.diags.ErrorHint(diag.CodeMissingField, c.pos(k), "list rule ids or names, or write `rules: any`",
			"filter needs a rules attribute naming the rules it applies to")
	}
}
