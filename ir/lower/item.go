package lower

import (
	"encoding/base64"
	"fmt"
	"net/netip"
	"strings"

	"github.com/sigc-dev/sigc/ir"
	"github.com/sigc-dev/sigc/ir/diag"
	"github.com/sigc-dev/sigc/rules"
)

// chain is a detection item's modifier chain, checked and folded into the
// few facts that lowering needs.
type chain struct {
	mods     []rules.Modifier // canonical names
	all      bool
	neq      bool
	cased    bool
	expand   bool
	first    string // re, cidr or exists when the chain starts with one
	compare  ir.Op  // OpLt..OpGte or OpEq
	part     ir.TimePart
	fieldref bool
	flags    string // sorted regex flags
}

// parseChain resolves modifier names and checks the rules that do not
// depend on the value: known names, re/cidr/exists first, regex flags only
// after re, at most one comparison, at most one time part.
func parseChain(it *rules.Item, l *diag.List) (*chain, bool) {
	c := &chain{compare: ir.OpEq}
	ok := true
	flagSet := map[byte]bool{}
	for i, m := range it.Modifiers {
		name, known := canonicalModifier[m.Name]
		if !known {
			hint := "see `sigc list modifiers` for the modifiers Sigma defines"
			if s := closestModifier(m.Name); s != "" {
				hint = fmt.Sprintf("did you mean %q? (see `sigc list modifiers`)", s)
			}
			l.ErrorHint(diag.CodeUnknownModifier, m.Pos, hint, "unknown modifier %q", m.Name)
			ok = false
			continue
		}
		c.mods = append(c.mods, rules.Modifier{Name: name, Pos: m.Pos})
		switch name {
		case "re", "cidr", "exists":
			if i != 0 {
				l.ErrorHint(diag.CodeModifierChain, m.Pos, "put "+name+" first: |"+name+"|...",
					"modifier %q applies only to the unmodified value, so it must come first", name)
				ok = false
			}
			c.first = name
		case "i", "m", "s":
			if c.first != "re" {
				l.ErrorHint(diag.CodeModifierChain, m.Pos, "write |re|"+name,
					"regex flag %q is only valid after the re modifier", m.Name)
				ok = false
			}
			flagSet[name[0]] = true
		case "all":
			c.all = true
		case "neq":
			c.neq = true
		case "cased":
			c.cased = true
		case "expand":
			c.expand = true
		case "fieldref":
			c.fieldref = true
		case "lt", "lte", "gt", "gte":
			if c.compare != ir.OpEq {
				l.Errorf(diag.CodeModifierChain, m.Pos, "only one comparison modifier (lt, lte, gt, gte) may be used")
				ok = false
			}
			c.compare = map[string]ir.Op{"lt": ir.OpLt, "lte": ir.OpLte, "gt": ir.OpGt, "gte": ir.OpGte}[name]
		case "minute", "hour", "day", "week", "month", "year":
			if c.part != ir.PartNone {
				l.Errorf(diag.CodeModifierChain, m.Pos, "only one time modifier may be used")
				ok = false
			}
			c.part = map[string]ir.TimePart{"minute": ir.PartMinute, "hour": ir.PartHour, "day": ir.PartDay,
				"week": ir.PartWeek, "month": ir.PartMonth, "year": ir.PartYear}[name]
		}
	}
	for _, f := range "ims" {
		if flagSet[byte(f)] {
			c.flags += string(f)
		}
	}
	// Combinations whose meaning is undefined, whatever the value.
	switch c.first {
	case "re", "cidr", "exists":
		for _, m := range c.mods[1:] {
			if !allowedAfter(c.first, m.Name) {
				l.Errorf(diag.CodeModifierChain, m.Pos, "modifier %q cannot be combined with %q", m.Name, c.first)
				ok = false
			}
		}
	}
	if c.fieldref {
		for _, m := range c.mods {
			switch m.Name {
			case "fieldref", "contains", "startswith", "endswith", "neq", "all", "cased":
			default:
				l.Errorf(diag.CodeModifierChain, m.Pos, "modifier %q cannot be combined with fieldref", m.Name)
				ok = false
			}
		}
	}
	if it.Field == "" {
		for _, m := range c.mods {
			switch m.Name {
			case "exists", "fieldref", "cidr", "lt", "lte", "gt", "gte", "minute", "hour", "day", "week", "month", "year", "neq":
				l.ErrorHint(diag.CodeModifierChain, m.Pos, "name the field: Field|"+m.Name+": ...",
					"modifier %q needs a field; it cannot apply to a keyword search", m.Name)
				ok = false
			}
		}
	}
	return c, ok
}

// allowedAfter lists what may follow re, cidr and exists in a chain.
func allowedAfter(first, mod string) bool {
	switch first {
	case "re":
		switch mod {
		case "i", "m", "s", "all", "neq", "contains", "startswith", "endswith":
			return true
		}
	case "cidr":
		return mod == "all" || mod == "neq"
	}
	return false
}

// item lowers one detection item to an expression.
func (lw *lowerer) item(it *rules.Item) ir.Expr {
	c, ok := parseChain(it, &lw.diags)
	if !ok {
		return nil
	}
	values := it.Values
	if it.IsList && len(values) == 0 {
		// pySigma turns `f: []` into `f is null`; we follow it but say so,
		// because it is rarely what the author meant.
		lw.diags.Warnf(diag.CodeValueType, it.ValuePos, "empty value list for %q is read as null (field absent)", it.Field)
		values = []rules.Value{{Pos: it.ValuePos, Kind: rules.ValNull}}
	}
	if c.all && len(values) < 2 && !lw.quiet {
		lw.diags.Warnf(diag.CodeModifierChain, it.Pos, "the all modifier on a single value has no effect (the specification does not allow it)")
	}
	var terms []ir.Expr
	hasNull := false
	for i := range values {
		v := &values[i]
		if v.Kind == rules.ValNull {
			hasNull = true
		}
		e := lw.value(it, c, v)
		if e == nil {
			continue
		}
		terms = append(terms, e)
	}
	if hasNull && len(values) > 1 {
		lw.diags.Warnf(diag.CodeNullInList, it.ValuePos, "null inside a value list of %q is read as \"or the field is absent\"; the specification does not allow it", it.Field)
	}
	if len(terms) != len(values) {
		return nil
	}
	var e ir.Expr
	if c.all {
		e = ir.NewAnd(it.Pos, terms...)
	} else {
		e = ir.NewOr(it.Pos, terms...)
	}
	if c.neq {
		// pySigma and the specification: neq negates the whole item, so
		// `f|neq: [a, b]` is NOT (f=a OR f=b), true when f is absent.
		e = &ir.Not{P: it.Pos, X: e}
	}
	return e
}

// value lowers one value of an item; nil after a diagnostic.
func (lw *lowerer) value(it *rules.Item, c *chain, v *rules.Value) ir.Expr {
	m := func(op ir.Op, val ir.Value) *ir.Match {
		return &ir.Match{P: v.Pos, Field: it.Field, Op: op, Value: val, Cased: c.cased, Part: c.part}
	}
	fail := func(code diag.Code, hint, format string, args ...any) ir.Expr {
		lw.diags.ErrorHint(code, v.Pos, hint, format, args...)
		return nil
	}
	switch c.first {
	case "exists":
		if v.Kind != rules.ValBool {
			return fail(diag.CodeModifierValue, "write `"+it.Field+"|exists: true` or `false`", "exists takes a boolean, not a %s", v.Kind)
		}
		e := ir.Expr(m(ir.OpExists, nil))
		if !v.Bool {
			e = &ir.Not{P: v.Pos, X: e}
		}
		return e
	case "cidr":
		if v.Kind != rules.ValString {
			return fail(diag.CodeModifierValue, "", "cidr takes a network such as 10.0.0.0/8, not a %s", v.Kind)
		}
		p, err := netip.ParsePrefix(strings.TrimSpace(v.Text))
		if err != nil {
			if a, err2 := netip.ParseAddr(strings.TrimSpace(v.Text)); err2 == nil {
				p = netip.PrefixFrom(a, a.BitLen())
			} else {
				return fail(diag.CodeCIDR, "write an IPv4 or IPv6 network such as 192.168.0.0/16 or fe80::/10", "invalid CIDR %q: %v", v.Text, err)
			}
		}
		if p.Masked() != p {
			return fail(diag.CodeCIDR, fmt.Sprintf("did you mean %s?", p.Masked()), "CIDR %q has host bits set", v.Text)
		}
		return m(ir.OpCIDR, ir.CIDR{Prefix: p})
	case "re":
		if v.Kind != rules.ValString {
			return fail(diag.CodeModifierValue, "quote the value", "re takes a string, not a %s", v.Kind)
		}
		if msg, off, code := checkRegex(v.Text, c.flags); msg != "" {
			pos := v.Pos
			if off >= 0 {
				pos = valueOffset(v, off)
			}
			lw.diags.ErrorHint(code, pos, "Sigma regexes use the PCRE subset of the specification (modifiers appendix)", "%s", msg)
			return nil
		}
		return m(ir.OpRegex, ir.Regex{Source: v.Text, Flags: c.flags})
	}

	if v.Kind == rules.ValNull {
		for _, md := range c.mods {
			if md.Name != "neq" && md.Name != "all" {
				return fail(diag.CodeModifierValue, "", "modifier %q cannot apply to null", md.Name)
			}
		}
		return m(ir.OpNull, nil)
	}

	if c.compare != ir.OpEq || c.part != ir.PartNone {
		if v.Kind != rules.ValInt && v.Kind != rules.ValFloat {
			return fail(diag.CodeValueType, "write the number without quotes", "%s needs a YAML number, not a %s", compareName(c), v.Kind)
		}
		for _, md := range c.mods {
			switch md.Name {
			case "lt", "lte", "gt", "gte", "minute", "hour", "day", "week", "month", "year", "neq", "all":
			default:
				return fail(diag.CodeModifierChain, "", "modifier %q cannot be combined with %s", md.Name, compareName(c))
			}
		}
		return m(c.compare, numberOf(v))
	}

	if c.fieldref {
		if v.Kind != rules.ValString {
			return fail(diag.CodeModifierValue, "", "fieldref takes a field name, not a %s", v.Kind)
		}
		if strings.ContainsAny(v.Text, "*?") {
			return fail(diag.CodeModifierValue, "name exactly one field", "fieldref value %q contains a wildcard", v.Text)
		}
		ref := ir.FieldRef{Name: v.Text}
		for _, md := range c.mods {
			switch md.Name {
			case "contains":
				ref.Lead, ref.Trail = true, true
			case "startswith":
				ref.Trail = true
			case "endswith":
				ref.Lead = true
			}
		}
		return m(ir.OpFieldRef, ref)
	}

	// Numbers and booleans compare as themselves; as keywords, numbers are
	// searched as text.
	if v.Kind == rules.ValBool && it.Field == "" {
		return fail(diag.CodeValueType, "quote it to search for the text", "a boolean cannot be a keyword")
	}
	if (v.Kind == rules.ValInt || v.Kind == rules.ValFloat || v.Kind == rules.ValBool) && it.Field != "" {
		for _, md := range c.mods {
			switch md.Name {
			case "all", "neq", "cased":
			default:
				return fail(diag.CodeValueType, fmt.Sprintf("quote the value ('%s') to use it as a string", v.Text),
					"modifier %q needs a string, but the value is a %s", md.Name, v.Kind)
			}
		}
		if v.Kind == rules.ValBool {
			return m(ir.OpEq, ir.Bool{Value: v.Bool})
		}
		return m(ir.OpEq, numberOf(v))
	}

	// Strings: parse once, then apply the modifiers left to right.
	pats := []ir.Pattern{ir.ParseSigmaString(v.Text, c.expand && v.Kind == rules.ValString)}
	for _, md := range c.mods {
		switch md.Name {
		case "contains", "startswith", "endswith":
			lead, trail := md.Name != "startswith", md.Name != "endswith"
			for i := range pats {
				pats[i] = pats[i].WithStar(lead, trail)
			}
		case "windash":
			var out []ir.Pattern
			for _, p := range pats {
				vs, n, ok := windash(p, MaxExpansion/len(pats))
				if !ok {
					return fail(diag.CodeExpansion, "split the value into several values or selections",
						"windash would expand this value into 5^%d variants, over the limit of %d", n, MaxExpansion)
				}
				out = append(out, vs...)
			}
			pats = out
		case "base64", "base64offset":
			var out []ir.Pattern
			for _, p := range pats {
				if !p.IsLiteral() {
					return fail(diag.CodeModifierChain, "apply "+md.Name+" before contains/startswith/endswith: |"+md.Name+"|contains",
						"%s cannot encode a value with wildcards or placeholders", md.Name)
				}
				if md.Name == "base64" {
					out = append(out, ir.Lit(base64.StdEncoding.EncodeToString([]byte(p.Literal()))))
					continue
				}
				for _, s := range base64Offsets(p.Literal()) {
					out = append(out, ir.Lit(s))
				}
			}
			pats = out
		case "utf16le", "utf16be", "utf16":
			for i := range pats {
				pats[i] = utf16Encode(pats[i], md.Name == "utf16be", md.Name == "utf16")
			}
		}
	}
	if it.Field == "" {
		// A keyword is searched anywhere in the event's values: make that
		// explicit as `*v*`, so `|startswith` keywords keep their anchor.
		plain := true
		for _, md := range c.mods {
			if md.Name == "contains" || md.Name == "startswith" || md.Name == "endswith" {
				plain = false
			}
		}
		if plain {
			for i := range pats {
				pats[i] = pats[i].WithStar(true, true)
			}
		}
	}
	terms := make([]ir.Expr, len(pats))
	for i, p := range pats {
		terms[i] = m(ir.OpEq, ir.String{Pattern: p})
	}
	// Expansions (windash, base64offset) stay OR-linked even under all.
	return ir.NewOr(v.Pos, terms...)
}

func compareName(c *chain) string {
	var parts []string
	for _, m := range c.mods {
		switch m.Name {
		case "lt", "lte", "gt", "gte", "minute", "hour", "day", "week", "month", "year":
			parts = append(parts, m.Name)
		}
	}
	return strings.Join(parts, "|")
}

func numberOf(v *rules.Value) ir.Number {
	n := ir.Number{Text: v.Text}
	switch v.Kind {
	case rules.ValInt:
		n.IsInt, n.Int, n.Float = true, v.Int, float64(v.Int)
	case rules.ValFloat:
		n.Float = v.Float
	}
	return n
}

// valueOffset returns the position of byte off inside a string value, exact
// for single-line plain and quoted scalars, else the value's position.
func valueOffset(v *rules.Value, off int) diag.Pos {
	if strings.Contains(v.Text[:min(off, len(v.Text))], "\n") {
		return v.Pos
	}
	switch v.Quote {
	case 0:
		return diag.Pos{File: v.Pos.File, Line: v.Pos.Line, Col: v.Pos.Col + off}
	case '\'':
		// '' inside single quotes is one quote in Text: count them.
		extra := strings.Count(v.Text[:off], "'")
		return diag.Pos{File: v.Pos.File, Line: v.Pos.Line, Col: v.Pos.Col + 1 + off + extra}
	}
	return v.Pos
}
