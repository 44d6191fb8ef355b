package rules

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/sigc-dev/sigc/ir/diag"
)

// Length limits of the specification (JSON schemas).
const (
	maxShortText = 256
	maxLongText  = 65535
)

// Enumerations of the specification; values are compared lower-cased, as
// pySigma does.
var (
	statuses     = []string{"stable", "test", "experimental", "deprecated", "unsupported"}
	levels       = []string{"informational", "low", "medium", "high", "critical"}
	relatedTypes = []string{"derived", "obsolete", "merged", "renamed", "similar", "correlation"}
)

// tagPattern is the tag syntax of the specification (namespace.name).
var tagPattern = regexp.MustCompile(`^[a-z0-9_-]+\.[a-z0-9._-]+$`)

// metaHandlers converts the attributes common to every document type. v is
// already resolved.
var metaHandlers = map[string]func(c *docCtx, k, v *yaml.Node){
	"title": func(c *docCtx, k, v *yaml.Node) {
		c.meta.Title, _ = c.text(k, v, true, maxShortText)
	},
	"id": func(c *docCtx, k, v *yaml.Node) {
		if s, ok := c.text(k, v, false, 0); ok && c.uuid(k.Value, s, v) {
			c.meta.ID = s
		}
	},
	"name": func(c *docCtx, k, v *yaml.Node) {
		c.meta.Name, _ = c.text(k, v, true, maxShortText)
	},
	"taxonomy": func(c *docCtx, k, v *yaml.Node) {
		c.meta.Taxonomy, _ = c.text(k, v, false, maxShortText)
	},
	"status": func(c *docCtx, k, v *yaml.Node) {
		c.meta.Status = c.enum(k, v, statuses, diag.CodeInvalidStatus)
	},
	"level": func(c *docCtx, k, v *yaml.Node) {
		c.meta.Level = c.enum(k, v, levels, diag.CodeInvalidLevel)
	},
	"description": func(c *docCtx, k, v *yaml.Node) {
		c.meta.Description, _ = c.text(k, v, false, maxLongText)
	},
	"license": func(c *docCtx, k, v *yaml.Node) {
		c.meta.License, _ = c.text(k, v, false, 0)
	},
	"author": func(c *docCtx, k, v *yaml.Node) {
		c.meta.Author, _ = c.text(k, v, false, 0)
	},
	"date": func(c *docCtx, k, v *yaml.Node) {
		c.meta.Date = c.date(k, v)
	},
	"modified": func(c *docCtx, k, v *yaml.Node) {
		c.meta.Modified = c.date(k, v)
	},
	"references": func(c *docCtx, k, v *yaml.Node) {
		c.meta.References = c.stringList(k, v, listOpts{unique: true})
	},
	"tags": func(c *docCtx, k, v *yaml.Node) {
		c.meta.Tags = c.stringList(k, v, listOpts{unique: true, check: c.tag})
	},
	"falsepositives": func(c *docCtx, k, v *yaml.Node) {
		c.meta.Falsepositives = c.stringList(k, v, listOpts{scalarOK: true, warnScalar: true})
	},
	"scope": func(c *docCtx, k, v *yaml.Node) {
		c.meta.Scope = c.stringList(k, v, listOpts{})
	},
	"fields": func(c *docCtx, k, v *yaml.Node) {
		c.meta.Fields = c.stringList(k, v, listOpts{unique: true})
	},
	"related": func(c *docCtx, k, v *yaml.Node) {
		c.related(k, v)
	},
}

// optionalNull handles a null value of an attribute: it is treated as
// absent, with a warning, or an error for a required attribute. It returns
// true when v is null.
func (c *docCtx) optionalNull(k, v *yaml.Node, required bool) bool {
	if !isNull(v) {
		return false
	}
	if required {
		c.diags.Errorf(diag.CodeEmptyValue, c.pos(v), "%s must not be empty", k.Value)
	} else {
		c.diags.Warnf(diag.CodeEmptyValue, c.pos(v), "%s is empty (null); remove it or give a value", k.Value)
	}
	return true
}

// text reads a string attribute. nonEmpty refuses "" and null; max > 0
// bounds the length in characters.
func (c *docCtx) text(k, v *yaml.Node, nonEmpty bool, max int) (string, bool) {
	if c.optionalNull(k, v, nonEmpty) {
		return "", false
	}
	if !isString(v) {
		c.diags.Errorf(diag.CodeFieldType, c.pos(v), "%s must be a string, found %s", k.Value, kindName(v))
		return "", false
	}
	if nonEmpty && strings.TrimSpace(v.Value) == "" {
		c.diags.Errorf(diag.CodeEmptyValue, c.pos(v), "%s must not be empty", k.Value)
		return "", false
	}
	if max > 0 && len(v.Value) > max {
		if n := len([]rune(v.Value)); n > max {
			c.diags.Errorf(diag.CodeTooLong, c.pos(v), "%s is %d characters long; the limit is %d", k.Value, n, max)
		}
	}
	return v.Value, true
}

// enum reads a case-insensitive enumerated attribute and returns it
// lower-cased, or "" when invalid.
func (c *docCtx) enum(k, v *yaml.Node, allowed []string, code diag.Code) string {
	s, ok := c.text(k, v, false, 0)
	if !ok {
		return ""
	}
	low := strings.ToLower(s)
	if slices.Contains(allowed, low) {
		return low
	}
	c.diags.ErrorHint(code, c.pos(v), "use one of: "+strings.Join(allowed, ", "), "invalid %s %q", k.Value, s)
	return ""
}

// isUUID reports whether s has the 8-4-4-4-12 hexadecimal UUID form (any
// version, either case).
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				return false
			}
		}
	}
	return true
}

// uuid reports a value that is not a UUID.
func (c *docCtx) uuid(what, s string, v *yaml.Node) bool {
	if isUUID(s) {
		return true
	}
	c.diags.ErrorHint(diag.CodeInvalidID, c.pos(v), "an id is a UUID such as 929a690e-bef0-4204-a928-ef5e620d6fcc",
		"%s %q is not a UUID", what, s)
	return false
}

// datePattern accepts the specification's YYYY-MM-DD and the legacy forms
// pySigma still reads (YYYY/MM/DD, one-digit month or day).
var datePattern = regexp.MustCompile(`^(\d{4})([-/])(\d{1,2})[-/](\d{1,2})$`)

// date reads date or modified, a YYYY-MM-DD string or a YAML date, and
// returns it normalised to YYYY-MM-DD ("" when invalid).
func (c *docCtx) date(k, v *yaml.Node) string {
	if c.optionalNull(k, v, false) {
		return ""
	}
	if v.Kind != yaml.ScalarNode || v.Tag != tagStr && v.Tag != tagTimestamp {
		c.diags.Errorf(diag.CodeFieldType, c.pos(v), "%s must be a date (YYYY-MM-DD), found %s", k.Value, kindName(v))
		return ""
	}
	m := datePattern.FindStringSubmatch(v.Value)
	if m == nil {
		c.diags.ErrorHint(diag.CodeInvalidDate, c.pos(v), "write the date as YYYY-MM-DD", "invalid %s %q", k.Value, v.Value)
		return ""
	}
	y, _ := strconv.Atoi(m[1])
	mo, _ := strconv.Atoi(m[3])
	d, _ := strconv.Atoi(m[4])
	t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC)
	if t.Year() != y || int(t.Month()) != mo || t.Day() != d {
		c.diags.Errorf(diag.CodeInvalidDate, c.pos(v), "invalid %s %q: no such day", k.Value, v.Value)
		return ""
	}
	norm := fmt.Sprintf("%04d-%02d-%02d", y, mo, d)
	if norm != v.Value {
		c.diags.Add(diag.Diagnostic{Code: diag.CodeInvalidDate, Severity: diag.Warning, Pos: c.pos(v),
			Msg:  fmt.Sprintf("legacy %s format %q", k.Value, v.Value),
			Hint: "write " + norm})
	}
	return norm
}

// listOpts says how stringList treats a list attribute.
type listOpts struct {
	unique     bool // duplicates get a CodeDuplicateItem warning
	scalarOK   bool // a single string stands for a one-element list
	warnScalar bool // ... with a warning
	// check validates one element; false drops it.
	check func(k, v *yaml.Node) bool
}

// stringList reads a list of strings.
func (c *docCtx) stringList(k, v *yaml.Node, o listOpts) []string {
	if c.optionalNull(k, v, false) {
		return nil
	}
	var elems []*yaml.Node
	switch {
	case v.Kind == yaml.SequenceNode:
		elems = v.Content
	case o.scalarOK && isString(v):
		if o.warnScalar {
			c.diags.Add(diag.Diagnostic{Code: diag.CodeFieldType, Severity: diag.Warning, Pos: c.pos(v),
				Msg:  fmt.Sprintf("%s should be a list of strings, found a single string", k.Value),
				Hint: fmt.Sprintf("write it as a list item: `- %s`", v.Value)})
		}
		elems = []*yaml.Node{v}
	default:
		c.diags.Errorf(diag.CodeFieldType, c.pos(v), "%s must be a list of strings, found %s", k.Value, kindName(v))
		return nil
	}
	out := make([]string, 0, len(elems))
	var firstAt map[string]int
	if o.unique {
		firstAt = make(map[string]int, len(elems))
	}
	for _, e := range elems {
		e = resolve(e)
		if !isString(e) {
			c.diags.Errorf(diag.CodeFieldType, c.pos(e), "%s entries must be strings, found %s", k.Value, kindName(e))
			continue
		}
		if o.check != nil && !o.check(k, e) {
			continue
		}
		if o.unique {
			if line, dup := firstAt[e.Value]; dup {
				c.diags.Warnf(diag.CodeDuplicateItem, c.pos(e), "%s repeats %q (first on line %d)", k.Value, e.Value, line)
				continue
			}
			firstAt[e.Value] = e.Line
		}
		out = append(out, e.Value)
	}
	return out
}

// tag validates one tag.
func (c *docCtx) tag(_, v *yaml.Node) bool {
	if tagPattern.MatchString(v.Value) {
		return true
	}
	c.diags.ErrorHint(diag.CodeInvalidTag, c.pos(v),
		"a tag is namespace.name in lower case, such as attack.t1059.001 or attack.execution",
		"invalid tag %q", v.Value)
	return false
}

// related reads the related list.
func (c *docCtx) related(k, v *yaml.Node) {
	if c.optionalNull(k, v, false) {
		return
	}
	if v.Kind != yaml.SequenceNode {
		c.diags.Errorf(diag.CodeFieldType, c.pos(v), "related must be a list of {id, type} entries, found %s", kindName(v))
		return
	}
	for _, e := range v.Content {
		e = resolve(e)
		if e.Kind != yaml.MappingNode {
			c.diags.Errorf(diag.CodeInvalidRelated, c.pos(e), "a related entry must be a mapping with id and type, found %s", kindName(e))
			continue
		}
		r := Related{Pos: c.pos(e)}
		var hasID, hasType, ok = false, false, true
		for _, kv := range c.pairs(e) {
			ev := resolve(kv.v)
			switch kv.k.Value {
			case "id":
				hasID = true
				if !isString(ev) {
					c.diags.Errorf(diag.CodeInvalidRelated, c.pos(ev), "related id must be a string, found %s", kindName(ev))
					ok = false
				} else if !isUUID(ev.Value) {
					c.diags.ErrorHint(diag.CodeInvalidRelated, c.pos(ev), "an id is a UUID such as 929a690e-bef0-4204-a928-ef5e620d6fcc",
						"related id %q is not a UUID", ev.Value)
					ok = false
				}
				r.ID = ev.Value
			case "type":
				hasType = true
				low := strings.ToLower(ev.Value)
				if !isString(ev) || !slices.Contains(relatedTypes, low) {
					c.diags.ErrorHint(diag.CodeInvalidRelated, c.pos(ev), "use one of: "+strings.Join(relatedTypes, ", "),
						"invalid related type %q", ev.Value)
					ok = false
				}
				r.Type = low
			default:
				c.diags.Warnf(diag.CodeUnknownField, c.pos(kv.k), "unknown key %q in a related entry", kv.k.Value)
			}
		}
		if !hasID || !hasType {
			missing := "an id"
			if hasID {
				missing = "a type"
			}
			c.diags.Errorf(diag.CodeInvalidRelated, r.Pos, "a related entry needs %s", missing)
			ok = false
		}
		if ok {
			c.meta.Related = append(c.meta.Related, r)
		}
	}
}
