package lower

import "sort"

// ModifierInfo describes one value modifier for `sigc list modifiers`.
type ModifierInfo struct {
	Name     string
	Aliases  []string
	Category string
	Summary  string
}

// modifiers is the one table of modifier names sigc accepts: the
// specification's appendix plus pySigma's aliases for the regex flags.
var modifiers = []ModifierInfo{
	{"contains", nil, "generic", "value anywhere in the field (adds * around it)"},
	{"startswith", nil, "generic", "value at the start of the field (adds * after it)"},
	{"endswith", nil, "generic", "value at the end of the field (adds * before it)"},
	{"all", nil, "generic", "link the values of a list with AND instead of OR"},
	{"exists", nil, "generic", "true/false: the field is present (even empty or null) or absent; must be first"},
	{"cased", nil, "generic", "match case-sensitively"},
	{"neq", nil, "generic", "the field differs from every value (true when the field is absent)"},
	{"windash", nil, "string", "every -, /, en dash, em dash and horizontal bar variant of command-line flags"},
	{"re", nil, "regex", "value is a regular expression (Sigma's PCRE subset), case-sensitive; must be first"},
	{"i", []string{"ignorecase"}, "regex", "regex flag: case-insensitive; only after re"},
	{"m", []string{"multiline"}, "regex", "regex flag: ^ and $ match at line breaks; only after re"},
	{"s", []string{"dotall"}, "regex", "regex flag: . matches newlines; only after re"},
	{"base64", nil, "encoding", "Base64 of the value (with = padding); the value must have no wildcards"},
	{"base64offset", nil, "encoding", "the three Base64 forms of the value at byte offsets 0, 1 and 2; combine with contains"},
	{"utf16le", []string{"wide"}, "encoding", "UTF-16 little-endian bytes of the value (wide is an alias)"},
	{"utf16be", nil, "encoding", "UTF-16 big-endian bytes of the value"},
	{"utf16", nil, "encoding", "byte order mark FF FE followed by UTF-16 little-endian bytes"},
	{"lt", nil, "numeric", "field is less than the number"},
	{"lte", nil, "numeric", "field is less than or equal to the number"},
	{"gt", nil, "numeric", "field is greater than the number"},
	{"gte", nil, "numeric", "field is greater than or equal to the number"},
	{"minute", nil, "time", "compare the minute (0-59) of a timestamp field"},
	{"hour", nil, "time", "compare the hour (0-23) of a timestamp field"},
	{"day", nil, "time", "compare the day of month (1-31) of a timestamp field"},
	{"week", nil, "time", "compare the ISO week (1-53) of a timestamp field"},
	{"month", nil, "time", "compare the month (1-12) of a timestamp field"},
	{"year", nil, "time", "compare the year of a timestamp field"},
	{"cidr", nil, "ip", "field is an IPv4/IPv6 address inside the network; must be first"},
	{"expand", nil, "specific", "%name% in the value is a placeholder, resolved by a pipeline"},
	{"fieldref", nil, "specific", "value names another field of the same event to compare with"},
}

// canonicalModifier maps every accepted name (and alias) to its canonical
// name.
var canonicalModifier = func() map[string]string {
	m := map[string]string{}
	for _, mi := range modifiers {
		m[mi.Name] = mi.Name
		for _, a := range mi.Aliases {
			m[a] = mi.Name
		}
	}
	return m
}()

// Modifiers returns the modifier table sorted by category, then name.
func Modifiers() []ModifierInfo {
	out := append([]ModifierInfo(nil), modifiers...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Category < out[j].Category })
	return out
}

// closestModifier suggests a known modifier for a misspelt one, by edit
// distance, or "" when nothing is close.
func closestModifier(name string) string {
	best, bestD := "", 3
	for _, mi := range modifiers { // table order: deterministic on ties
		for _, n := range append([]string{mi.Name}, mi.Aliases...) {
			if d := editDistance(name, n); d < bestD {
				best, bestD = n, d
			}
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
