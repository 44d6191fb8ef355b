package condition

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/sigc-dev/sigc/ir/diag"
)

// Aggregation is a Sigma v1 pipe aggregation, the text after `|` in
// `selection | count(User) by Host > 10`. The specification replaced it by
// correlation rules; sigc lowers it into one (see ir/lower), where pySigma
// refuses the rule.
type Aggregation struct {
	// P is the position of the aggregation function.
	P diag.Pos
	// Func is count, sum, avg, min or max.
	Func string
	// Field is the aggregated field ("" for count()).
	Field string
	// GroupBy is the `by` field, or "".
	GroupBy string
	// Op is one of < <= > >= = (== is read as =).
	Op    string
	Value float64
	// Near lists the searches of a `near a and b` aggregation (Func
	// "near"): events of each must occur within the timeframe.
	Near []string
}

var nearRE = regexp.MustCompile(`^(\s*)near\s+(.*?)\s*$`)

var aggRE = regexp.MustCompile(`^(\s*)(count|sum|avg|min|max)\s*\(\s*([^()\s]*)\s*\)\s*(?:by\s+([^\s<>=]+)\s*)?(<=|>=|==|=|<|>)\s*(-?\d+(?:\.\d+)?)\s*$`)

// SplitPipe returns the byte offset of the `|` that starts a v1
// aggregation in src, or -1. `|` cannot occur in a condition otherwise.
func SplitPipe(src string) int { return strings.IndexByte(src, '|') }

// ParseAggregation parses the text after the `|` of a v1 condition; at is
// the position of its first character.
func ParseAggregation(src string, at diag.Pos) (*Aggregation, diag.List) {
	var l diag.List
	m := aggRE.FindStringSubmatch(src)
	if m == nil {
		trimmed := strings.TrimSpace(src)
		lead := len(src) - len(strings.TrimLeft(src, asciiSpace))
		pos := at.Shift(1, lead+1)
		if nm := nearRE.FindStringSubmatch(src); nm != nil {
			return parseNear(nm[2], at.Shift(1, len(nm[1])+1), pos, l)
		}
		l.ErrorHint(diag.CodeCondPipe, pos,
			"write `| count() by field > N`, `| count(field) by group > N`, `| sum(field) by group > N` or `| avg(...)`; or rewrite it as a correlation rule",
			"cannot read the Sigma v1 aggregation %q", trimmed)
		return nil, l
	}
	v, _ := strconv.ParseFloat(m[6], 64)
	op := m[5]
	if op == "==" {
		op = "="
	}
	a := &Aggregation{P: at.Shift(1, len(m[1])+1), Func: m[2], Field: m[3], GroupBy: m[4], Op: op, Value: v}
	if a.Func != "count" && a.Field == "" {
		l.Errorf(diag.CodeCondPipe, a.P, "%s() needs a field to aggregate", a.Func)
		return nil, l
	}
	return a, l
}

// parseNear reads `near a and b and ...`. A negated term (`and not c`)
// asks for the absence of events, which no correlation type expresses.
func parseNear(terms string, at, textPos diag.Pos, l diag.List) (*Aggregation, diag.List) {
	a := &Aggregation{P: at, Func: "near"}
	for _, t := range strings.Split(terms, " and ") {
		t = strings.TrimSpace(t)
		if strings.HasPrefix(t, "not ") {
			l.ErrorHint(diag.CodeCondPipe, textPos, "drop the negated search, or express the exclusion in each search",
				"the Sigma v1 near aggregation %q requires the absence of events, which no correlation type expresses", strings.TrimSpace(terms))
			return nil, l
		}
		if t == "" || strings.ContainsAny(t, " ()") {
			l.ErrorHint(diag.CodeCondPipe, textPos, "write `| near search1 and search2`",
				"cannot read the Sigma v1 near aggregation %q", strings.TrimSpace(terms))
			return nil, l
		}
		a.Near = append(a.Near, t)
	}
	return a, l
}
