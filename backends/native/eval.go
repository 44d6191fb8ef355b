package native

import (
	sigrt "github.com/sigc-dev/sigc/backends/internal/rt"
	"net/netip"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/sigc-dev/sigc/ir"
)

// node is one compiled boolean expression (cel-go's Interpretable).
type node interface {
	eval(ev Event) bool
}

type andNode []node

func (n andNode) eval(ev Event) bool {
	for _, t := range n {
		if !t.eval(ev) {
			return false
		}
	}
	return true
}

type orNode []node

func (n orNode) eval(ev Event) bool {
	for _, t := range n {
		if t.eval(ev) {
			return true
		}
	}
	return false
}

type notNode struct{ x node }

func (n notNode) eval(ev Event) bool { return !n.x.eval(ev) }

type constNode bool

func (n constNode) eval(Event) bool { return bool(n) }

// fieldNode tests one field. An absent field makes every positive test
// false, which is what lets Not(fieldNode) implement neq on missing fields.
type fieldNode struct {
	key Key
	p   pred
}

func (n fieldNode) eval(ev Event) bool {
	v, ok := ev.Get(n.key)
	return ok && testValue(v, n.p)
}

// keywordNode searches every value of the event.
type keywordNode struct{ p pred }

func (n keywordNode) eval(ev Event) bool {
	for i, l := 0, ev.Len(); i < l; i++ {
		if _, v := ev.At(i); testValue(v, n.p) {
			return true
		}
	}
	return false
}

type existsNode struct{ key Key }

func (n existsNode) eval(ev Event) bool {
	_, ok := ev.Get(n.key)
	return ok
}

type nullNode struct{ key Key }

func (n nullNode) eval(ev Event) bool {
	v, ok := ev.Get(n.key)
	return !ok || v.Kind == KindNull
}

// fieldRefNode compares a field with another field's value: equality, or
// endswith (lead), startswith (trail) or contains (both). With arrays on
// either side any pair may match.
type fieldRefNode struct {
	key, ref    Key
	lead, trail bool
	cased       bool
}

func (n fieldRefNode) eval(ev Event) bool {
	a, ok := ev.Get(n.key)
	if !ok {
		return false
	}
	b, ok := ev.Get(n.ref)
	if !ok {
		return false
	}
	return n.anyPair(a, b)
}

func (n fieldRefNode) anyPair(a, b Value) bool {
	switch {
	case a.Kind == KindArray:
		for _, e := range a.Elems {
			if n.anyPair(e, b) {
				return true
			}
		}
		return false
	case b.Kind == KindArray:
		for _, e := range b.Elems {
			if n.anyPair(a, e) {
				return true
			}
		}
		return false
	case !a.IsScalar() || !b.IsScalar():
		return false
	}
	s, t := a.Str, b.Str
	switch {
	case n.lead && n.trail:
		if n.cased {
			return strings.Contains(s, t)
		}
		return t == "" || containsFoldSlow(s, canonical(t))
	case n.lead:
		if n.cased {
			return hasSuffixFold(s, t, true)
		}
		return hasSuffixFold(s, canonical(t), false)
	case n.trail:
		if n.cased {
			return strings.HasPrefix(s, t)
		}
		_, ok := prefixFold(s, t, false)
		return ok
	}
	if n.cased {
		return s == t
	}
	k, ok := prefixFold(s, t, false)
	return ok && k == len(s)
}

// canonical folds t when it is not ASCII. Substring and suffix searches
// take their constant canonical (a KELVIN SIGN is one byte shorter as k,
// and they bound their search by the constant's length); a referenced
// field's value is such a constant. Prefix and equality tests fold both
// sides rune by rune and need no copy.
func canonical(t string) string {
	if isASCII(t) {
		return t
	}
	return foldString(t)
}

// pred is a test on the text of one scalar value.
type pred interface {
	test(s string) bool
}

// testValue applies p to a scalar, or to each element of an array. Null
// and object markers never satisfy a positive test.
func testValue(v Value, p pred) bool {
	switch v.Kind {
	case KindString, KindNumber, KindBool:
		return p.test(v.Str)
	case KindArray:
		for _, e := range v.Elems {
			if testValue(e, p) {
				return true
			}
		}
	}
	return false
}

type constPred bool

func (p constPred) test(string) bool { return bool(p) }

type exactPred struct {
	lit   string
	cased bool
}

func (p exactPred) test(s string) bool { return equalFold(s, p.lit, p.cased) }

type prefixPred struct {
	lit   string
	cased bool
}

func (p prefixPred) test(s string) bool { return hasPrefixFold(s, p.lit, p.cased) }

type suffixPred struct {
	lit   string
	cased bool
}

func (p suffixPred) test(s string) bool {
	return len(s) >= len(p.lit) && hasSuffixFold(s, p.lit, p.cased)
}

type containsPred struct{ n needle }

func (p containsPred) test(s string) bool { return p.n.in(s) }

// globPred matches a wildcard pattern, after checking that the value
// contains the pattern's longest literal: a glob that starts with `*`
// retries every position of the value, while the substring search is
// vectorised and rules most values out.
type globPred struct {
	g    *glob
	need needle
}

func newGlobPred(g *glob) globPred {
	p := globPred{g: g}
	for _, t := range g.parts {
		if t != "*" && t != "?" && len(t)-1 > len(p.need.lit) {
			p.need = newNeedle(t[1:], g.cased)
		}
	}
	return p
}

func (p globPred) test(s string) bool { return p.need.in(s) && p.g.match(s) }

// anyPred is the merged Or of one field's predicates.
type anyPred []pred

func (p anyPred) test(s string) bool {
	for _, q := range p {
		if q.test(s) {
			return true
		}
	}
	return false
}

// nonASCIIPred groups needles with non-ASCII canonical runes, which no
// ASCII value can contain.
type nonASCIIPred []pred

func (p nonASCIIPred) test(s string) bool {
	if isASCII(s) {
		return false
	}
	for _, q := range p {
		if q.test(s) {
			return true
		}
	}
	return false
}

// setPred is a hash-set of folded exact literals.
type setPred struct {
	set    map[string]struct{}
	lits   []string
	maxLen int
}

func newSetPred(lits []string) *setPred {
	p := &setPred{set: make(map[string]struct{}, len(lits)), lits: lits}
	for _, l := range lits {
		p.set[l] = struct{}{}
		p.maxLen = max(p.maxLen, len(l))
	}
	return p
}

func (p *setPred) test(s string) bool {
	// A folded rune is at most 4 times shorter than the original, so a
	// longer value cannot fold to any member.
	if len(s) > 4*p.maxLen {
		return false
	}
	var buf [128]byte
	if len(s) <= len(buf) {
		ascii := true
		for i := 0; i < len(s); i++ {
			c := s[i]
			if c >= utf8.RuneSelf {
				ascii = false
				break
			}
			buf[i] = lowerASCII[c]
		}
		if ascii {
			// The compiler turns a map index with string(bytes) into a
			// lookup without allocation.
			_, ok := p.set[string(buf[:len(s)])]
			return ok
		}
	}
	for _, l := range p.lits {
		if equalFold(s, l, false) {
			return true
		}
	}
	return false
}

// numEqPred is equality with a YAML number: same canonical text, or a
// numeric string of the same value ("4624", 4624, "4624.0").
type numEqPred struct {
	text string
	f    float64
}

func (p numEqPred) test(s string) bool {
	if s == p.text {
		return true
	}
	f, ok := sigrt.ParseNum(s)
	return ok && f == p.f
}

type cmpPred struct {
	op ir.Op
	f  float64
}

func (p cmpPred) test(s string) bool {
	f, ok := sigrt.ParseNum(s)
	return ok && p.cmp(f)
}

func (p cmpPred) cmp(f float64) bool {
	switch p.op {
	case ir.OpEq:
		return f == p.f
	case ir.OpLt:
		return f < p.f
	case ir.OpLte:
		return f <= p.f
	case ir.OpGt:
		return f > p.f
	case ir.OpGte:
		return f >= p.f
	}
	return false
}

// regexPred runs a regex, after checking that the value contains the
// literals every match of it contains (regexNeeds): most values lack one,
// and a vectorised substring search costs a fraction of a regex run.
type regexPred struct {
	re    *regexp.Regexp
	needs []needle
}

func (p regexPred) test(s string) bool {
	for i := range p.needs {
		if !p.needs[i].in(s) {
			return false
		}
	}
	return p.re.MatchString(s)
}

type cidrPred struct{ prefix netip.Prefix }

func (p cidrPred) test(s string) bool {
	a, ok := parseIP(s)
	if !ok {
		return false
	}
	// An IPv4-mapped IPv6 address (::ffff:10.0.0.1) belongs to IPv4
	// networks too.
	if p.prefix.Addr().Is4() {
		a = a.Unmap()
	}
	return p.prefix.Contains(a.WithZone(""))
}

// timePred extracts a part of a timestamp and compares it numerically.
type timePred struct {
	part ir.TimePart
	cmp  cmpPred
}

func (p timePred) test(s string) bool {
	v, ok := timePart(s, p.part)
	return ok && p.cmp.cmp(float64(v))
}

// parseIP parses an IPv4 or IPv6 address. IPv4 is parsed by hand and IPv6
// only after a character check, because netip's error values allocate and
// most values tested against a CIDR network in a busy event stream are not
// addresses at all.
func parseIP(s string) (netip.Addr, bool) {
	if len(s) == 0 || len(s) > 64 {
		return netip.Addr{}, false
	}
	var b [4]byte
	n, acc, digits := 0, 0, 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == '.' {
			if digits == 0 || n == 4 {
				n = -1
				break
			}
			b[n] = byte(acc)
			n++
			acc, digits = 0, 0
			continue
		}
		c := s[i]
		if c < '0' || c > '9' || (digits > 0 && acc == 0) {
			n = -1
			break
		}
		acc = acc*10 + int(c-'0')
		digits++
		if acc > 255 {
			n = -1
			break
		}
	}
	if n == 4 {
		return netip.AddrFrom4(b), true
	}
	if strings.IndexByte(s, ':') < 0 {
		return netip.Addr{}, false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' || c == ':' || c == '.' || c == '%' || c == '[' || c == ']') && !(strings.IndexByte(s[:i], '%') >= 0) {
			return netip.Addr{}, false
		}
	}
	a, err := netip.ParseAddr(strings.TrimSuffix(strings.TrimPrefix(s, "["), "]"))
	return a, err == nil
}
