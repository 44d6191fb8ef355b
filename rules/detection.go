package rules

import (
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/sigc-dev/sigc/ir/diag"
	"github.com/sigc-dev/sigc/rules/condition"
)

// detectionOpts adapts detection to the filter section of meta filters.
type detectionOpts struct {
	// reserved consumes keys that are not search identifiers (`rules` in a
	// filter) and reports whether it did.
	reserved func(kv pair) bool
	// stringCondition refuses a list of conditions (filters take one).
	stringCondition bool
}

// detection converts a detection section (k is its key): every key but
// `condition` is a search identifier, in document order.
func (c *docCtx) detection(k, v *yaml.Node, o *detectionOpts) Detection {
	det := Detection{Pos: c.pos(v)}
	v = resolve(v)
	if v.Kind != yaml.MappingNode {
		c.diags.Errorf(diag.CodeDetection, c.pos(v), "%s must be a mapping of search identifiers and a condition, found %s", k.Value, kindName(v))
		return det
	}
	var cond *pair
	for _, kv := range c.pairs(v) {
		name := kv.k.Value
		switch {
		case name == "condition":
			cond = &pair{k: kv.k, v: kv.v}
		case o != nil && o.reserved != nil && o.reserved(kv):
		case name == "timeframe":
			// Sigma v1 put the aggregation window here. pySigma reads it as
			// an ordinary keyword search that nothing references; we keep it
			// for a v1 aggregation in the condition, out of the searches.
			if tv := resolve(kv.v); isString(tv) || tv.Tag == tagInt {
				det.Timeframe, det.TimeframePos = tv.Value, c.pos(tv)
			} else {
				c.diags.Errorf(diag.CodeFieldType, c.pos(tv), "timeframe must be a duration such as 5m, found %s", kindName(tv))
			}
		default:
			det.Searches = append(det.Searches, c.search(kv.k, kv.v))
		}
	}
	if len(det.Searches) == 0 {
		c.diags.Errorf(diag.CodeNoSearch, c.pos(k), "%s defines no search identifier", k.Value)
	}
	if cond == nil {
		c.diags.Errorf(diag.CodeNoCondition, c.pos(k), "%s has no condition", k.Value)
		return det
	}
	c.conditions(&det, cond.k, cond.v, o != nil && o.stringCondition)
	c.checkReferences(&det)
	if det.Timeframe != "" && !hasAggregation(&det) {
		c.diags.Add(diag.Diagnostic{Code: diag.CodeLegacyTimeframe, Severity: diag.Warning, Pos: det.TimeframePos,
			Msg:  "timeframe in a detection is Sigma v1 syntax and is ignored without a `|` aggregation in the condition",
			Hint: "express time windows with a correlation rule (timespan)"})
	}
	return det
}

// search converts one search identifier.
func (c *docCtx) search(k, v *yaml.Node) *Search {
	s := &Search{Name: k.Value, Pos: c.pos(k)}
	if !isSearchName(s.Name) {
		c.diags.Add(diag.Diagnostic{Code: diag.CodeSearchName, Severity: diag.Warning, Pos: s.Pos,
			Msg:  "search identifier " + quoteName(s.Name) + " cannot be used in a condition",
			Hint: "name search identifiers with letters, digits, _ and - only"})
	}
	v = resolve(v)
	switch v.Kind {
	case yaml.MappingNode:
		s.Elems = []Elem{c.selection(v)}
	case yaml.SequenceNode:
		s.IsList = true
		s.Elems = make([]Elem, 0, len(v.Content))
		for _, e := range v.Content {
			e = resolve(e)
			switch e.Kind {
			case yaml.MappingNode:
				s.Elems = append(s.Elems, c.selection(e))
			case yaml.ScalarNode:
				val := c.value(e)
				if val.Kind == ValNull {
					c.diags.Errorf(diag.CodeNullInList, val.Pos, "null in the list of search %s; a keyword list holds values", quoteName(s.Name))
				}
				s.Elems = append(s.Elems, Elem{Pos: val.Pos, Keyword: &val})
			default:
				c.diags.Errorf(diag.CodeValueType, c.pos(e), "search %s: a list may hold maps and values, not %s", quoteName(s.Name), kindName(e))
			}
		}
	case yaml.ScalarNode:
		// A single value is a one-keyword search; null gives a ValNull
		// keyword, which lowering reports if it cannot use it.
		val := c.value(v)
		s.Elems = []Elem{{Pos: val.Pos, Keyword: &val}}
	}
	return s
}

// isSearchName reports whether a search identifier can be referenced from
// a condition.
func isSearchName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// quoteName quotes a name for a message.
func quoteName(s string) string { return "`" + s + "`" }

// selection converts a selection map: an AND of items in key order.
func (c *docCtx) selection(m *yaml.Node) Elem {
	e := Elem{Pos: c.pos(m), IsMap: true}
	kvs := c.pairs(m)
	e.Items = make([]*Item, 0, len(kvs))
	for _, kv := range kvs {
		e.Items = append(e.Items, c.item(kv.k, kv.v))
	}
	return e
}

// item converts one `field|mod|mod: value(s)` entry.
func (c *docCtx) item(k, v *yaml.Node) *Item {
	it := &Item{Pos: c.pos(k), Key: k.Value}
	field, mods, hasMods := strings.Cut(k.Value, "|")
	it.Field = field
	if hasMods {
		// Modifier positions are exact for plain and single-line quoted keys
		// (escapes in double-quoted keys aside).
		base := it.Pos.Col
		if k.Style&(yaml.SingleQuotedStyle|yaml.DoubleQuotedStyle) != 0 {
			base++
		}
		off := len(field) + 1
		for name := range strings.SplitSeq(mods, "|") {
			it.Modifiers = append(it.Modifiers, Modifier{Name: name, Pos: diag.Pos{File: it.Pos.File, Line: it.Pos.Line, Col: base + off}})
			off += len(name) + 1
		}
	}
	it.ValuePos = c.pos(v)
	v = resolve(v)
	switch v.Kind {
	case yaml.ScalarNode:
		it.Values = []Value{c.value(v)}
	case yaml.SequenceNode:
		it.IsList = true
		it.Values = make([]Value, 0, len(v.Content))
		for _, e := range v.Content {
			e = resolve(e)
			if e.Kind != yaml.ScalarNode {
				c.diags.Errorf(diag.CodeValueType, c.pos(e), "the values of %s must be scalars, found %s", quoteName(it.Key), kindName(e))
				continue
			}
			val := c.value(e)
			if val.Kind == ValNull {
				c.diags.ErrorHint(diag.CodeNullInList, val.Pos, "use a separate selection `"+it.Key+": null` joined with `or`",
					"null inside the value list of %s", quoteName(it.Key))
			}
			it.Values = append(it.Values, val)
		}
	default:
		c.diags.Errorf(diag.CodeValueType, c.pos(v), "the value of %s must be a scalar or a list of scalars, found %s", quoteName(it.Key), kindName(v))
	}
	return it
}

// hasAggregation reports whether any condition has a v1 aggregation.
func hasAggregation(d *Detection) bool {
	for _, c := range d.Conditions {
		if c.Agg != nil {
			return true
		}
	}
	return false
}

// offsetPos returns the position of byte off of src, which starts at pos.
func offsetPos(pos diag.Pos, src string, off int) diag.Pos {
	head := src[:off]
	nl := strings.LastIndexByte(head, '\n')
	if nl < 0 {
		return pos.Shift(1, off+1)
	}
	return pos.Shift(strings.Count(head, "\n")+1, off-nl)
}

// yaml11Int is PyYAML's resolver for integers (binary, octal, decimal,
// hexadecimal; sexagesimal left out: yaml.v3 does not produce it).
var yaml11Int = regexp.MustCompile(`^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+)$`)

// yaml11Float is PyYAML's resolver for floats: a dot is required.
var yaml11Float = regexp.MustCompile(`^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$`)

// value converts a scalar detection value, keeping its YAML type.
func (c *docCtx) value(n *yaml.Node) Value {
	v := Value{Pos: c.pos(n), Text: n.Value}
	switch {
	case n.Style&yaml.SingleQuotedStyle != 0:
		v.Quote = '\''
	case n.Style&yaml.DoubleQuotedStyle != 0:
		v.Quote = '"'
	case n.Style&yaml.LiteralStyle != 0:
		v.Quote = '|'
	case n.Style&yaml.FoldedStyle != 0:
		v.Quote = '>'
	default:
		v.Plain = c.onOneLine(n)
	}
	switch n.Tag {
	case tagStr, tagTimestamp, tagBinary:
		// Dates and binary data are written by rule authors as text.
		v.Kind = ValString
	case tagInt:
		if v.Quote == 0 && !yaml11Int.MatchString(n.Value) {
			// YAML 1.1 (PyYAML, hence pySigma and every rule author's
			// tooling) reads `00000429` as a string; yaml.v3 as the int
			// 429. Keep the 1.1 reading so such values stay text.
			v.Kind = ValString
			break
		}
		v.Kind = ValInt
		if n.Decode(&v.Int) != nil {
			c.diags.Errorf(diag.CodeValueType, v.Pos, "integer %s does not fit in 64 bits; quote it to match it as text", n.Value)
			v.Kind = ValString
			break
		}
		v.Text = strconv.FormatInt(v.Int, 10)
	case tagFloat:
		if v.Quote == 0 && !yaml11Float.MatchString(n.Value) {
			v.Kind = ValString // as for integers: `00000429`, `1e5` are text in YAML 1.1
			break
		}
		v.Kind = ValFloat
		if n.Decode(&v.Float) != nil {
			c.diags.Errorf(diag.CodeValueType, v.Pos, "invalid number %s", n.Value)
			v.Kind = ValString
			break
		}
		v.Text = canonicalFloat(v.Float)
	case tagBool:
		v.Kind = ValBool
		if n.Decode(&v.Bool) != nil {
			c.diags.Errorf(diag.CodeValueType, v.Pos, "invalid boolean %s", n.Value)
			v.Kind = ValString
			break
		}
		v.Text = "false"
		if v.Bool {
			v.Text = "true"
		}
	case tagNull:
		v.Kind = ValNull
		v.Text = ""
	default:
		c.diags.Errorf(diag.CodeValueType, v.Pos, "values with YAML tag %s are not supported", n.Tag)
		v.Kind = ValString
	}
	return v
}

// onOneLine reports whether a plain scalar sits on a single line: YAML
// folds the lines of a multi-line plain scalar, so its value then differs
// from the text that follows its start in the source.
func (c *docCtx) onOneLine(n *yaml.Node) bool {
	line := c.line(n.Line)
	pos := c.pos(n)
	if pos.Col < 1 || pos.Col-1 > len(line) {
		return false
	}
	rest := line[pos.Col-1:]
	return len(rest) >= len(n.Value) && string(rest[:len(n.Value)]) == n.Value
}

// conditions converts the condition (a string or a list of strings) and
// parses each.
func (c *docCtx) conditions(det *Detection, k, v *yaml.Node, single bool) {
	v = resolve(v)
	var elems []*yaml.Node
	switch {
	case v.Kind == yaml.SequenceNode && single:
		c.diags.Errorf(diag.CodeFilter, c.pos(v), "the condition of a filter must be a single string, found a list")
		return
	case v.Kind == yaml.SequenceNode:
		elems = v.Content
		if len(elems) == 0 {
			c.diags.Errorf(diag.CodeNoCondition, c.pos(v), "the condition list is empty")
		}
	case isNull(v):
		c.diags.Errorf(diag.CodeNoCondition, c.pos(v), "the condition is empty")
		return
	default:
		elems = []*yaml.Node{v}
	}
	for _, e := range elems {
		e = resolve(e)
		if !isString(e) {
			c.diags.Errorf(diag.CodeFieldType, c.pos(e), "a condition must be a string, found %s", kindName(e))
			continue
		}
		if strings.TrimSpace(e.Value) == "" {
			c.diags.Errorf(diag.CodeNoCondition, c.pos(e), "the condition is empty")
			continue
		}
		src, pos := c.sourceText(e)
		cond := Condition{Text: e.Value, Pos: pos}
		if i := condition.SplitPipe(src); i >= 0 && !single {
			// Sigma v1: `search | aggregation`. The search part is an
			// ordinary condition; the aggregation becomes a correlation.
			agg, al := condition.ParseAggregation(src[i+1:], offsetPos(pos, src, i+1))
			c.diags.Append(al)
			cond.Agg = agg
			src = src[:i]
		}
		expr, dl := condition.Parse(src, pos)
		c.diags.Append(dl)
		if !dl.HasErrors() {
			cond.Expr = expr
		}
		det.Conditions = append(det.Conditions, cond)
	}
}

// sourceText returns the text of a string scalar as it stands in the
// file, from its first to its last non-blank character, and the position
// of its first character, for parsers that report positions inside it
// (conditions). YAML folds line breaks and strips the indentation of
// multi-line scalars, so positions computed on the value drift after its
// first line; whitespace is insignificant to those parsers, so parsing the
// source text instead gives the same result with exact positions on every
// line. The source text is used only when it has the value's words in the
// same order separated by nothing but whitespace; otherwise (escape
// sequences, comments) the value is returned with the position of its
// first character, exact on the first line only.
func (c *docCtx) sourceText(n *yaml.Node) (string, diag.Pos) {
	pos := c.textPos(n)
	// The fallback starts at the first word too, so that pos is exact for
	// it.
	value := strings.TrimLeft(n.Value, " \t\n\r\f")
	c.ensureLines()
	if !pos.IsValid() || pos.Line > len(c.lineStarts) {
		return value, pos
	}
	start := c.lineStarts[pos.Line-1] + pos.Col - 1
	i := start
	for _, f := range strings.Fields(value) {
		for i < len(c.src) && isASCIISpace(c.src[i]) {
			i++
		}
		end := i + len(f)
		if end > len(c.src) || string(c.src[i:end]) != f {
			return value, pos
		}
		i = end
	}
	return string(c.src[start:i]), pos
}

// isASCIISpace reports whether b is whitespace to the condition lexer.
func isASCIISpace(b byte) bool {
	return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '\f'
}

// textPos returns the position of the first character of a string
// scalar's text:
//   - plain: the node position;
//   - quoted: one column after the opening quote;
//   - block (| or >): the first non-blank character after the indicator
//     line (the indentation of the first content line).
//
// Leading blanks of the value itself are skipped for quoted scalars too,
// so that the position is that of the first word.
func (c *docCtx) textPos(n *yaml.Node) diag.Pos {
	pos := c.pos(n)
	c.ensureLines()
	switch {
	case n.Style&(yaml.SingleQuotedStyle|yaml.DoubleQuotedStyle) != 0:
		pos.Col++
	case n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0:
		if n.Line >= len(c.lineStarts) {
			return pos
		}
		pos.Line, pos.Col = n.Line+1, 1
	default:
		return pos
	}
	// Skip blanks (and line breaks) to the first character of the text.
	if pos.Line > len(c.lineStarts) {
		return pos
	}
	off := c.lineStarts[pos.Line-1] + pos.Col - 1
	for off < len(c.src) && isASCIISpace(c.src[off]) {
		off++
	}
	if off >= len(c.src) {
		return pos
	}
	return c.offsetPos(off)
}
