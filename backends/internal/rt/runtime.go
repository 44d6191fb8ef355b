// Package rt is the runtime of the Go code that the `go` target generates.
//
// Input: nothing at run time; its source text (Source) is the input of the
// generator. Output: the declarations a generated package needs, copied
// into that package verbatim, so that generated code depends on the
// standard library only.
//
// Why a real package rather than a string template: the helpers are
// compiled, vetted and unit-tested like any other code, and the generator
// picks the declarations a rule set uses (with everything they refer to) by
// parsing this file. Every declaration below is self-contained apart from
// references to other top-level names of this file and to standard
// packages.
//
// The semantics are those of backends/native (see its package comment,
// "Matching semantics"): values compare by text, case-insensitively by
// Unicode simple folding unless cased, arrays match when any element does,
// null and nested objects never satisfy a positive test.
package rt

import (
	_ "embed"
	"encoding/json"
	"math"
	"net/netip"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Source is the text of this file, which the generator copies from.
//
//go:embed runtime.go
var Source string

// Event is what the generated matchers read: a set of named values.
//
// Values are Go data as encoding/json decodes it: string, bool, float64,
// json.Number (or int, int64), nil for JSON null, []any for arrays (a test
// holds when any element satisfies it), and map[string]any for objects
// (an object is only present: it satisfies exists, nothing else).
type Event interface {
	// Get returns the value of a field and whether the field is present.
	Get(field string) (any, bool)
	// Range calls fn with every field and its value until fn returns
	// false; keyword (field-less) searches use it.
	Range(fn func(field string, value any) bool)
}

// Fields is a ready-made Event over a decoded JSON object. A field name
// that is not a key of the map is looked up as a dotted path through nested
// objects ("Event.System.Channel"), so both flat and nested JSON work.
// Windows events are best flattened first, as sigc's native matcher does
// (Event.EventData.X and Event.System.X under their short names).
type Fields map[string]any

// Get implements Event.
func (f Fields) Get(field string) (any, bool) {
	if v, ok := f[field]; ok {
		return v, true
	}
	m := map[string]any(f)
	for {
		i := strings.IndexByte(field, '.')
		if i < 0 {
			v, ok := m[field]
			return v, ok
		}
		// The longest prefix need not be tried first: keys with dots are
		// found by the direct lookup above.
		next, ok := m[field[:i]].(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok := next[field[i+1:]]; ok {
			return v, true
		}
		m, field = next, field[i+1:]
	}
}

// Range implements Event. Nested objects are walked, so keywords also see
// their leaves.
func (f Fields) Range(fn func(field string, value any) bool) {
	rangeMap(map[string]any(f), fn)
}

func rangeMap(m map[string]any, fn func(string, any) bool) bool {
	for k, v := range m {
		if sub, ok := v.(map[string]any); ok {
			if !rangeMap(sub, fn) {
				return false
			}
			continue
		}
		if !fn(k, v) {
			return false
		}
	}
	return true
}

// field reports whether the field is present and one of its values
// satisfies p. An absent field fails every positive test, which is what
// makes a negated test (neq) true on a missing field.
func field(ev Event, name string, p func(string) bool) bool {
	v, ok := ev.Get(name)
	return ok && testValue(v, p)
}

// keyword reports whether any value of the event satisfies p.
func keyword(ev Event, p func(string) bool) bool {
	found := false
	ev.Range(func(_ string, v any) bool {
		found = testValue(v, p)
		return !found
	})
	return found
}

// exists reports whether the field is present, whatever its value.
func exists(ev Event, name string) bool {
	_, ok := ev.Get(name)
	return ok
}

// isNull reports whether the field is absent or null.
func isNull(ev Event, name string) bool {
	v, ok := ev.Get(name)
	return !ok || v == nil
}

// testValue applies p to the text of a scalar, or to each element of an
// array.
func testValue(v any, p func(string) bool) bool {
	if a, ok := v.([]any); ok {
		for _, e := range a {
			if testValue(e, p) {
				return true
			}
		}
		return false
	}
	s, ok := scalarText(v)
	return ok && p(s)
}

// scalarText returns the text a scalar compares by: the string itself, a
// number's canonical text (integers without a fraction), "true" or
// "false". Null, arrays and objects have none.
func scalarText(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case bool:
		if x {
			return "true", true
		}
		return "false", true
	case float64:
		return CanonicalFloat(x), true
	case int:
		return strconv.Itoa(x), true
	case int64:
		return strconv.FormatInt(x, 10), true
	case json.Number:
		return CanonicalNumber(string(x)), true
	}
	return "", false
}

// fieldRef compares a field with another field's value: equality, or
// endswith (lead), startswith (trail) or contains (both). With arrays on
// either side any pair may match.
func fieldRef(ev Event, name, ref string, lead, trail, cased bool) bool {
	a, ok := ev.Get(name)
	if !ok {
		return false
	}
	b, ok := ev.Get(ref)
	if !ok {
		return false
	}
	return anyPair(a, b, lead, trail, cased)
}

func anyPair(a, b any, lead, trail, cased bool) bool {
	if x, ok := a.([]any); ok {
		for _, e := range x {
			if anyPair(e, b, lead, trail, cased) {
				return true
			}
		}
		return false
	}
	if y, ok := b.([]any); ok {
		for _, e := range y {
			if anyPair(a, e, lead, trail, cased) {
				return true
			}
		}
		return false
	}
	s, ok1 := scalarText(a)
	t, ok2 := scalarText(b)
	if !ok1 || !ok2 {
		return false
	}
	if !cased && !IsASCII(t) {
		// The folding comparisons expect the constant side canonical.
		t = FoldString(t)
	}
	switch {
	case lead && trail:
		if cased {
			return strings.Contains(s, t)
		}
		return t == "" || ContainsFoldSlow(s, t)
	case lead:
		if cased {
			return strings.HasSuffix(s, t)
		}
		return HasSuffixFold(s, t)
	case trail:
		if cased {
			return strings.HasPrefix(s, t)
		}
		_, ok := PrefixFold(s, t)
		return ok
	}
	if cased {
		return s == t
	}
	n, ok := PrefixFold(s, t)
	return ok && n == len(s)
}

// Case folding. Sigma compares values case-insensitively; sigc gives that
// the meaning of strings.EqualFold (Unicode simple folding). Constants are
// folded once, when a rule is compiled or generated, to a canonical form;
// event values are folded on the fly, with an ASCII fast path that covers
// nearly every real value. The native matcher uses these helpers too, so
// both targets fold alike.

// LowerASCII maps a byte to its ASCII lower case and every other byte to
// itself. A table rather than a comparison because the matchers index it
// in their innermost loops.
var LowerASCII = func() (t [256]byte) {
	for i := range t {
		t[i] = byte(i)
		if 'A' <= i && i <= 'Z' {
			t[i] += 'a' - 'A'
		}
	}
	return t
}()

// FoldRune returns the canonical case fold of r: the ASCII lower-case
// letter of its fold orbit when the orbit has one (so K, k and U+212A
// KELVIN SIGN all become 'k'), else the smallest rune of the orbit. Two
// runes are equal under strings.EqualFold exactly when their canonical
// folds are equal. A canonical rune is never longer in UTF-8 than any rune
// of its orbit, so a value that matches a folded constant is at least as
// long, in bytes, as the constant.
func FoldRune(r rune) rune {
	if r < utf8.RuneSelf {
		return rune(LowerASCII[r])
	}
	least := r
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		if f < utf8.RuneSelf {
			return rune(LowerASCII[f])
		}
		least = min(least, f)
	}
	return least
}

// FoldString returns the canonical case fold of s; constants are folded
// with it.
func FoldString(s string) string {
	if IsASCII(s) {
		// strings.Map returns s itself when nothing changes.
		return strings.Map(func(r rune) rune { return rune(LowerASCII[r]) }, s)
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		b.WriteRune(FoldRune(r))
	}
	return b.String()
}

// IsASCII reports whether s is all ASCII. It tests eight bytes at a time:
// the high bit of any byte marks non-ASCII.
func IsASCII(s string) bool {
	for len(s) >= 16 {
		if (load64(s)|load64(s[8:]))&0x8080808080808080 != 0 {
			return false
		}
		s = s[16:]
	}
	if len(s) >= 8 {
		if load64(s)&0x8080808080808080 != 0 {
			return false
		}
		s = s[8:]
	}
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// load64 reads the first eight bytes of s as one word. The compiler turns
// the expression into a single load, without unsafe; byte order does not
// matter to IsASCII.
func load64(s string) uint64 {
	_ = s[7] // one bounds check for the eight reads
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// PrefixFold reports whether s starts with lit under case folding and how
// many bytes of s the prefix spans. Both sides are folded, so lit may be a
// folded constant or another event value (fieldref).
func PrefixFold(s, lit string) (int, bool) {
	i, j := 0, 0
	for j < len(lit) {
		if i >= len(s) {
			return 0, false
		}
		a, b := s[i], lit[j]
		if a < utf8.RuneSelf && b < utf8.RuneSelf {
			if LowerASCII[a] != LowerASCII[b] {
				return 0, false
			}
			i++
			j++
			continue
		}
		ra, na := utf8.DecodeRuneInString(s[i:])
		rb, nb := utf8.DecodeRuneInString(lit[j:])
		if FoldRune(ra) != FoldRune(rb) {
			return 0, false
		}
		i += na
		j += nb
	}
	return i, true
}

// EqualFold reports whether s equals the folded constant lit under case
// folding.
func EqualFold(s, lit string) bool {
	if len(s) < len(lit) {
		return false
	}
	if len(s) == len(lit) {
		// Same length: compare bytes with lit as it is (it is folded);
		// fall back to runes at the first non-ASCII byte.
		for i := 0; i < len(s); i++ {
			a := s[i]
			if a >= utf8.RuneSelf || lit[i] >= utf8.RuneSelf {
				n, ok := PrefixFold(s[i:], lit[i:])
				return ok && n == len(s)-i
			}
			if LowerASCII[a] != lit[i] {
				return false
			}
		}
		return true
	}
	// A longer value can only match through multi-byte runes.
	n, ok := PrefixFold(s, lit)
	return ok && n == len(s)
}

// HasPrefixFold reports whether s starts with the folded constant lit. The
// length test is valid because lit is canonical (see FoldRune).
func HasPrefixFold(s, lit string) bool {
	if len(s) < len(lit) {
		return false
	}
	_, ok := PrefixFold(s, lit)
	return ok
}

// HasSuffixFold reports whether s ends with lit under case folding; like
// PrefixFold it folds both sides.
func HasSuffixFold(s, lit string) bool {
	i, j := len(s), len(lit)
	for j > 0 {
		if i <= 0 {
			return false
		}
		a, b := s[i-1], lit[j-1]
		if a < utf8.RuneSelf && b < utf8.RuneSelf {
			if LowerASCII[a] != LowerASCII[b] {
				return false
			}
			i--
			j--
			continue
		}
		ra, na := utf8.DecodeLastRuneInString(s[:i])
		rb, nb := utf8.DecodeLastRuneInString(lit[:j])
		if FoldRune(ra) != FoldRune(rb) {
			return false
		}
		i -= na
		j -= nb
	}
	return true
}

// ASCIIEqualFoldAt reports whether the ASCII text s, which is at least as
// long as lit, starts with the folded ASCII constant lit.
func ASCIIEqualFoldAt(s, lit string) bool {
	for i := 0; i < len(lit); i++ {
		if LowerASCII[s[i]] != lit[i] {
			return false
		}
	}
	return true
}

// containsFold reports whether s contains the folded constant lit. Both
// sides being ASCII (nearly every real value) takes a byte loop.
func containsFold(s, lit string) bool {
	if lit == "" {
		return true
	}
	if IsASCII(s) && IsASCII(lit) {
		c0 := lit[0]
		for i := 0; i+len(lit) <= len(s); i++ {
			if LowerASCII[s[i]] == c0 && ASCIIEqualFoldAt(s[i:], lit) {
				return true
			}
		}
		return false
	}
	return ContainsFoldSlow(s, lit)
}

// ContainsFoldSlow reports whether s contains the folded constant lit,
// trying PrefixFold at every rune of s: the general case, for values or
// constants that are not ASCII. It stops len(lit) bytes before the end of
// s, which is exact only for a canonical lit (see FoldRune).
func ContainsFoldSlow(s, lit string) bool {
	for i := 0; i+len(lit) <= len(s); {
		if _, ok := PrefixFold(s[i:], lit); ok {
			return true
		}
		_, w := utf8.DecodeRuneInString(s[i:])
		i += w
	}
	return false
}

// inSet reports whether the canonical fold of s is a member of set.
func inSet(s string, set map[string]struct{}) bool {
	if IsASCII(s) {
		var buf [128]byte
		if len(s) <= len(buf) {
			for i := 0; i < len(s); i++ {
				buf[i] = LowerASCII[s[i]]
			}
			_, ok := set[string(buf[:len(s)])]
			return ok
		}
	}
	_, ok := set[FoldString(s)]
	return ok
}

// GlobMatch matches s against a Sigma wildcard pattern given as its parts:
// "*", "?" (one rune), and literal runs tagged with a leading '=' (folded
// unless cased), so that a literal `*` or `?` ("=*") needs no escaping. One
// backtrack point, the last star, is enough: the match is linear in
// len(s) times the number of parts, with no recursion.
func GlobMatch(s string, cased bool, parts ...string) bool {
	ti, si := 0, 0
	starT, starS := -1, 0
	for {
		if ti < len(parts) {
			switch t := parts[ti]; t {
			case "*":
				starT, starS = ti, si
				ti++
				continue
			case "?":
				if si < len(s) {
					_, w := utf8.DecodeRuneInString(s[si:])
					si += w
					ti++
					continue
				}
			default:
				t = t[1:] // the '=' tag of a literal
				if cased {
					if strings.HasPrefix(s[si:], t) {
						si += len(t)
						ti++
						continue
					}
				} else if n, ok := PrefixFold(s[si:], t); ok {
					si += n
					ti++
					continue
				}
			}
		} else if si == len(s) {
			return true
		}
		if starT < 0 || starS >= len(s) {
			return false
		}
		_, w := utf8.DecodeRuneInString(s[starS:])
		starS += w
		si, ti = starS, starT+1
	}
}

// numEq is equality with a rule's number: the same canonical text, or a
// numeric string of the same value ("4624", 4624, "4624.0").
func numEq(s, text string, f float64) bool {
	if s == text {
		return true
	}
	g, ok := ParseNum(s)
	return ok && g == f
}

// numCmp compares the number s with f by op ("<", "<=", ">", ">=", "=").
// Text that is not a number never satisfies a comparison.
func numCmp(s, op string, f float64) bool {
	g, ok := ParseNum(s)
	return ok && cmpFloat(g, op, f)
}

func cmpFloat(g float64, op string, f float64) bool {
	switch op {
	case "<":
		return g < f
	case "<=":
		return g <= f
	case ">":
		return g > f
	case ">=":
		return g >= f
	case "=":
		return g == f
	}
	return false
}

// CanonicalFloat renders a number as Sigma compares it: integers without a
// fraction, others in shortest form.
func CanonicalFloat(f float64) string {
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return strconv.FormatInt(int64(f), 10)
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// CanonicalNumber returns the canonical text of a JSON number literal:
// plain integers unchanged, everything else through float64.
func CanonicalNumber(raw string) string {
	i := 0
	if i < len(raw) && raw[i] == '-' {
		i++
	}
	plain := i < len(raw) && (raw[i] != '0' || len(raw) == i+1)
	for j := i; j < len(raw); j++ {
		if raw[j] < '0' || raw[j] > '9' {
			plain = false
			break
		}
	}
	if plain && raw != "-0" {
		return raw
	}
	if f, ok := ParseNum(raw); ok {
		return CanonicalFloat(f)
	}
	return raw
}

// ParseNum parses a decimal number (JSON syntax, optional leading '+');
// the syntax is checked first so that hexadecimal, "Inf" and "NaN" are not
// numbers.
func ParseNum(s string) (float64, bool) {
	i := 0
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		i++
	}
	digits := 0
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		digits++
	}
	if i < len(s) && s[i] == '.' {
		for i++; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
			digits++
		}
	}
	if digits == 0 {
		return 0, false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '-' || s[i] == '+') {
			i++
		}
		exp := 0
		for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
			exp++
		}
		if exp == 0 {
			return 0, false
		}
	}
	if i != len(s) {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil
}

// inCIDR reports whether s is an IP address inside the network. An
// IPv4-mapped IPv6 address belongs to IPv4 networks too; a zone is
// ignored; brackets are accepted around IPv6 addresses only.
func inCIDR(s string, p netip.Prefix) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	if strings.IndexByte(s, ':') >= 0 {
		s = strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return false
	}
	if p.Addr().Is4() {
		a = a.Unmap()
	}
	return p.Contains(a.WithZone(""))
}

// ParseTime reads a timestamp: RFC 3339 ("2024-01-02T03:04:05.678Z",
// "…+02:00"), the Windows/Sysmon form ("2024-01-02 03:04:05.678"), with or
// without fractional seconds, or a bare date; a value with an offset is
// converted to UTC, one without is taken as UTC (Windows logs write UTC).
// It is written by hand because time.Parse allocates its error on every
// value that is not a timestamp.
func ParseTime(s string) (time.Time, bool) {
	num := func(i, n int) (int, bool) {
		if i+n > len(s) {
			return 0, false
		}
		v := 0
		for k := i; k < i+n; k++ {
			if s[k] < '0' || s[k] > '9' {
				return 0, false
			}
			v = v*10 + int(s[k]-'0')
		}
		return v, true
	}
	year, ok1 := num(0, 4)
	month, ok2 := num(5, 2)
	day, ok3 := num(8, 2)
	if !ok1 || !ok2 || !ok3 || s[4] != '-' || s[7] != '-' || month < 1 || month > 12 || day < 1 || day > 31 {
		return time.Time{}, false
	}
	var hour, minute, sec int
	i := 10
	if i < len(s) {
		if s[i] != 'T' && s[i] != 't' && s[i] != ' ' {
			return time.Time{}, false
		}
		var ok bool
		if hour, ok = num(11, 2); !ok || len(s) < 16 || s[13] != ':' {
			return time.Time{}, false
		}
		if minute, ok = num(14, 2); !ok {
			return time.Time{}, false
		}
		i = 16
		if i < len(s) && s[i] == ':' {
			if sec, ok = num(17, 2); !ok {
				return time.Time{}, false
			}
			i = 19
			if i < len(s) && (s[i] == '.' || s[i] == ',') {
				for i++; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
				}
			}
		}
		if hour > 23 || minute > 59 || sec > 60 {
			return time.Time{}, false
		}
	}
	offset := 0
	switch {
	case i == len(s):
	case s[i] == 'Z' || s[i] == 'z':
		i++
	case s[i] == '+' || s[i] == '-':
		oh, ok1 := num(i+1, 2)
		om, ok2 := num(i+4, 2)
		if !ok1 || !ok2 || s[i+3] != ':' {
			return time.Time{}, false
		}
		offset = (oh*60 + om) * 60
		if s[i] == '+' {
			offset = -offset
		}
		i += 6
	}
	if i != len(s) {
		return time.Time{}, false
	}
	return time.Date(year, time.Month(month), day, hour, minute, sec, 0, time.UTC).Add(time.Duration(offset) * time.Second), true
}

// timePart compares a part of a timestamp ("minute", "hour", "day",
// "week" — the ISO week —, "month", "year") with f by op. Accepted forms
// are RFC 3339 and the Windows form "2024-01-02 03:04:05.678", with or
// without fraction, and a bare date; a timestamp without an offset is UTC.
func timePart(s, part, op string, f float64) bool {
	t, ok := ParseTime(s)
	if !ok {
		return false
	}
	var v int
	switch part {
	case "minute":
		v = t.Minute()
	case "hour":
		v = t.Hour()
	case "day":
		v = t.Day()
	case "week":
		_, v = t.ISOWeek()
	case "month":
		v = int(t.Month())
	case "year":
		v = t.Year()
	default:
		return false
	}
	return cmpFloat(float64(v), op, f)
}
