package pipeline

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"github.com/sigc-dev/sigc/ir"
	"github.com/sigc-dev/sigc/ir/diag"
)

// stringMatch returns the pattern of an equality Match on a string value.
func stringMatch(m *ir.Match) (ir.Pattern, bool) {
	s, ok := m.Value.(ir.String)
	if !ok || m.Op != ir.OpEq {
		return nil, false
	}
	return s.Pattern, true
}

// patternTransform rewrites the string values of Matches one by one;
// a result with several patterns becomes an Or of copies.
type patternTransform struct {
	fn func(e *env, m *ir.Match, p ir.Pattern) []ir.Pattern
}

func (t *patternTransform) apply(e *env, it *Item) {
	it.eachMatch(e, true, func(m *ir.Match) ir.Expr {
		p, ok := stringMatch(m)
		if !ok {
			return m
		}
		out := t.fn(e, m, p)
		if out == nil || (len(out) == 1 && out[0].Equal(p)) {
			return m
		}
		return matchCopies(m, it.ID, out)
	})
}

// matchCopies returns m with each pattern as its value, Or-ed.
func matchCopies(m *ir.Match, id string, ps []ir.Pattern) ir.Expr {
	terms := make([]ir.Expr, len(ps))
	for i, p := range ps {
		c := *m
		c.Value = ir.String{Pattern: p}
		markApplied(&c, id)
		terms[i] = &c
	}
	return ir.NewOr(m.P, terms...)
}

// parseReplaceString builds replace_string. The regex runs over the value
// as a rule author writes it (see render), then the result is parsed as a
// Sigma string again, so wildcards and placeholders survive. With
// skip_special it runs over each literal run instead, never touching
// wildcards. The replacement is literal text (its `*` and `?` are escaped)
// unless interpret_special is set. Python group references (\1, \g<name>)
// are accepted. Only string values change: pySigma also rewrites numbers
// as text, which silently turns them into strings.
func parseReplaceString(rd *reader, o *obj, _ int) (transform, bool) {
	src, ok := o.required("regex", "replace_string")
	repl := o.str("replacement", "")
	skip := o.boolean("skip_special", false)
	interp := o.boolean("interpret_special", false)
	if !ok {
		return nil, false
	}
	re, err := regexp.Compile(src)
	if err != nil {
		rd.l.Errorf(diag.CodePipelineParam, o.keyPos("regex"), "%q is not a valid regular expression: %v", "regex", err)
		return nil, false
	}
	escape := !skip && !interp
	tmpl := pythonReplacement(repl, escape)
	return &patternTransform{fn: func(_ *env, _ *ir.Match, p ir.Pattern) []ir.Pattern {
		if !skip {
			return []ir.Pattern{ir.ParseSigmaString(re.ReplaceAllString(render(p), tmpl), true)}
		}
		out := make([]ir.Pattern, 0, len(p))
		for _, t := range p {
			if t.Kind != ir.TokLit {
				out = append(out, ir.Pattern{t})
				continue
			}
			s := re.ReplaceAllString(t.Text, tmpl)
			if interp {
				out = append(out, ir.ParseSigmaString(s, false))
			} else {
				out = append(out, ir.Lit(s))
			}
		}
		return []ir.Pattern{ir.Concat(out...)}
	}}, true
}

// pythonReplacement converts a Python re.sub replacement into Go's
// Regexp.Expand syntax; escape renders its literal parts in Sigma
// notation so that they stay literal when the result is re-parsed.
func pythonReplacement(s string, escape bool) string {
	var b, lit strings.Builder
	flush := func() {
		t := lit.String()
		if escape {
			t = render(ir.Lit(t))
		}
		b.WriteString(strings.ReplaceAll(t, "$", "$$"))
		lit.Reset()
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 == len(s) {
			lit.WriteByte(c)
			continue
		}
		n := s[i+1]
		switch {
		case n >= '0' && n <= '9':
			j := i + 1
			for j < len(s) && j < i+3 && s[j] >= '0' && s[j] <= '9' {
				j++
			}
			flush()
			b.WriteString("${" + s[i+1:j] + "}")
			i = j - 1
		case n == 'g' && i+2 < len(s) && s[i+2] == '<':
			end := strings.IndexByte(s[i+3:], '>')
			if end < 0 {
				lit.WriteByte(c)
				continue
			}
			flush()
			b.WriteString("${" + s[i+3:i+3+end] + "}")
			i += 3 + end
		case n == 'n':
			lit.WriteByte('\n')
			i++
		case n == 't':
			lit.WriteByte('\t')
			i++
		case n == '\\':
			lit.WriteByte('\\')
			i++
		default:
			lit.WriteByte(c)
		}
	}
	flush()
	return b.String()
}

// parseMapString builds map_string: a value equal to a mapping key (both
// read as Sigma strings) is replaced by the target value(s).
func parseMapString(rd *reader, o *obj, _ int) (transform, bool) {
	n := o.get("mapping")
	if n == nil {
		rd.l.Errorf(diag.CodePipelineParam, rd.pos(o.node), "map_string needs the parameter %q", "mapping")
		return nil, false
	}
	mo := rd.object(n, `"mapping"`)
	if mo == nil {
		return nil, false
	}
	m := make(map[string][]ir.Pattern, len(mo.entries))
	for i, e := range mo.entries {
		mo.used[i] = true
		var ps []ir.Pattern
		for _, s := range rd.strings(deref(e.val), "map_string values") {
			ps = append(ps, ir.ParseSigmaString(s, false))
		}
		m[render(ir.ParseSigmaString(e.key.Value, false))] = ps
	}
	return &patternTransform{fn: func(_ *env, _ *ir.Match, p ir.Pattern) []ir.Pattern {
		return m[render(p)]
	}}, true
}

// parseCase builds case: lower, upper or snake_case of literal text.
func parseCase(rd *reader, o *obj, _ int) (transform, bool) {
	method := o.oneOf("method", "lower", "lower", "upper", "snake_case")
	conv := map[string]func(string) string{"lower": strings.ToLower, "upper": strings.ToUpper, "snake_case": snakeCase}[method]
	return &patternTransform{fn: func(_ *env, _ *ir.Match, p ir.Pattern) []ir.Pattern {
		out := make(ir.Pattern, len(p))
		for i, t := range p {
			if t.Kind == ir.TokLit {
				t.Text = conv(t.Text)
			}
			out[i] = t
		}
		return []ir.Pattern{out}
	}}, true
}

// snakeCase lower-cases s and puts `_` before an upper-case letter that
// follows a lower-case letter or digit, and in place of spaces and dashes
// (Python's common "CamelCase" → "camel_case" idiom).
func snakeCase(s string) string {
	var b strings.Builder
	var prev rune
	for i, r := range s {
		switch {
		case r == ' ' || r == '-':
			b.WriteByte('_')
		case unicode.IsUpper(r):
			if i > 0 && (unicode.IsLower(prev) || unicode.IsDigit(prev)) {
				b.WriteByte('_')
			}
			b.WriteRune(unicode.ToLower(r))
		default:
			b.WriteRune(r)
		}
		prev = r
	}
	return b.String()
}

// convertTypeTransform is convert_type: numbers to strings ("str") or
// literal strings to numbers ("num"); a string that is no number is an
// error at the Match.
type convertTypeTransform struct{ toNum bool }

func parseConvertType(rd *reader, o *obj, _ int) (transform, bool) {
	if !o.has("target_type") {
		rd.l.Errorf(diag.CodePipelineParam, rd.pos(o.node), "convert_type needs the parameter %q", "target_type")
		return nil, false
	}
	return &convertTypeTransform{toNum: o.oneOf("target_type", "str", "str", "num") == "num"}, true
}

func (t *convertTypeTransform) apply(e *env, it *Item) {
	it.eachMatch(e, true, func(m *ir.Match) ir.Expr {
		switch v := m.Value.(type) {
		case ir.Number:
			if !t.toNum && m.Op == ir.OpEq {
				m.Value = ir.String{Pattern: ir.Lit(v.Text)}
				markApplied(m, it.ID)
			}
		case ir.String:
			if !t.toNum || m.Op != ir.OpEq {
				return m
			}
			f, err := strconv.ParseFloat(v.Pattern.Literal(), 64)
			if !v.Pattern.IsLiteral() || err != nil {
				e.l.Errorf(diag.CodePipelineFailure, m.P, "rule %q: convert_type: value %s of field %q is not a number",
					e.meta.Title, ir.FormatValue(v), m.Field)
				return m
			}
			n := floatNumber(f)
			if i, err := strconv.ParseInt(v.Pattern.Literal(), 10, 64); err == nil {
				n = ir.Number{Text: strconv.FormatInt(i, 10), Float: float64(i), IsInt: true, Int: i}
			}
			m.Value = n
			markApplied(m, it.ID)
		}
		return m
	})
}

// failureTransform is rule_failure (rule scope) and detection_item_failure
// (one error per rule, at the first matching item, as pySigma stops at
// the first).
type failureTransform struct {
	message string
	item    bool
}

func parseFailure(item bool) func(rd *reader, o *obj, _ int) (transform, bool) {
	return func(rd *reader, o *obj, _ int) (transform, bool) {
		msg, ok := o.required("message", "a failure transformation")
		return &failureTransform{message: msg, item: item}, ok
	}
}

func (t *failureTransform) apply(e *env, it *Item) {
	if !t.item {
		e.l.Errorf(diag.CodePipelineFailure, e.meta.Pos, "rule %q refused by the pipeline: %s", e.meta.Title, t.message)
		return
	}
	done := false
	it.eachMatch(e, true, func(m *ir.Match) ir.Expr {
		if !done {
			done = true
			field := m.Field
			if m.IsKeyword() {
				field = "(keyword)"
			}
			e.l.Errorf(diag.CodePipelineFailure, m.P, "rule %q: field %s refused by the pipeline: %s", e.meta.Title, field, t.message)
		}
		return m
	})
}

// hashesTransform is hashes_fields: a Hashes value `ALGO=hash` (or
// `ALGO|hash`, or a bare hash recognised by its length) becomes a test of
// the field <field_prefix><ALGO> for the bare hash. Values of algorithms
// outside valid_hash_algos are dropped; a query left with none of its hash
// values is an error (pySigma raises when an item keeps no valid hash).
type hashesTransform struct {
	valid    map[string]bool
	prefix   string
	dropAlgo bool
	fields   map[string]bool
}

var hashLengths = map[int]string{32: "MD5", 40: "SHA1", 64: "SHA256", 128: "SHA512"}

func parseHashes(rd *reader, o *obj, _ int) (transform, bool) {
	if !o.has("valid_hash_algos") {
		rd.l.Errorf(diag.CodePipelineParam, rd.pos(o.node), "hashes_fields needs the parameter %q", "valid_hash_algos")
		return nil, false
	}
	t := &hashesTransform{valid: map[string]bool{}, fields: map[string]bool{}}
	for _, a := range o.strList("valid_hash_algos") {
		t.valid[strings.ToUpper(a)] = true
	}
	t.prefix = o.str("field_prefix", "File")
	t.dropAlgo = o.boolean("drop_algo_prefix", false)
	fields := o.strList("field_to_parse")
	if len(fields) == 0 {
		fields = []string{"Hashes", "Hash"}
	}
	for _, f := range fields {
		t.fields[f] = true
	}
	return t, true
}

func (t *hashesTransform) apply(e *env, it *Item) {
	if e.rule == nil {
		return
	}
	for qi := range e.rule.Queries {
		var first *ir.Match
		kept := false
		q := &e.rule.Queries[qi]
		q.Expr = rewriteExpr(q.Expr, func(m *ir.Match) ir.Expr {
			p, ok := stringMatch(m)
			if !ok || !t.fields[m.Field] || !it.matchOK(e, m, true) {
				return m
			}
			if first == nil {
				first = m
			}
			algo, hash := t.split(p)
			if algo == "" {
				return nil
			}
			kept = true
			c := *m
			c.Field = t.prefix + algo
			if t.dropAlgo {
				c.Field = t.prefix
			}
			c.Value = ir.String{Pattern: ir.Lit(hash)}
			markApplied(&c, it.ID)
			return &c
		})
		if first != nil && !kept {
			e.l.Errorf(diag.CodePipelineFailure, first.P, "rule %q: no value of field %q is a hash of %s",
				e.meta.Title, first.Field, strings.Join(sortedKeys(t.valid), ", "))
		}
	}
	queries := e.rule.Queries[:0]
	for _, q := range e.rule.Queries {
		if q.Expr != nil {
			queries = append(queries, q)
		}
	}
	e.rule.Queries = queries
}

// split parses `ALGO=hash`, `ALGO|hash` or a bare hash, ignoring the
// wildcards that contains/startswith modifiers put around it.
func (t *hashesTransform) split(p ir.Pattern) (algo, hash string) {
	for len(p) > 0 && p[0].Kind == ir.TokStar {
		p = p[1:]
	}
	for len(p) > 0 && p[len(p)-1].Kind == ir.TokStar {
		p = p[:len(p)-1]
	}
	if !p.IsLiteral() {
		return "", ""
	}
	s := p.Literal()
	if i := strings.IndexAny(s, "=|"); i >= 0 {
		algo, hash = strings.ToUpper(s[:i]), s[i+1:]
	} else {
		algo, hash = hashLengths[len(s)], s
	}
	if !t.valid[algo] || hash == "" {
		return "", ""
	}
	return algo, hash
}
