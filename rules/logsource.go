package rules

import (
	"gopkg.in/yaml.v3"

	"github.com/sigc-dev/sigc/ir/diag"
)

// logsource converts the logsource section of a rule or filter: a mapping
// of strings with at least one of category, product and service. Other
// keys are kept in Custom.
func (c *docCtx) logsource(k, v *yaml.Node) Logsource {
	ls := Logsource{Pos: c.pos(v)}
	v = resolve(v)
	if v.Kind != yaml.MappingNode {
		c.diags.Errorf(diag.CodeLogsource, c.pos(v), "logsource must be a mapping, found %s", kindName(v))
		return ls
	}
	for _, kv := range c.pairs(v) {
		val := resolve(kv.v)
		if !isString(val) {
			c.diags.Errorf(diag.CodeLogsource, c.pos(val), "logsource %s must be a string, found %s", kv.k.Value, kindName(val))
			continue
		}
		switch kv.k.Value {
		case "category":
			ls.Category = val.Value
		case "product":
			ls.Product = val.Value
		case "service":
			ls.Service = val.Value
		case "definition":
			ls.Definition = val.Value
		default:
			ls.Custom = append(ls.Custom, Attr{Key: kv.k.Value, Value: val.Value, Pos: c.pos(kv.k)})
		}
	}
	if ls.Category == "" && ls.Product == "" && ls.Service == "" {
		c.diags.Errorf(diag.CodeLogsource, c.pos(k), "logsource needs at least one of category, product and service")
	}
	return ls
}
