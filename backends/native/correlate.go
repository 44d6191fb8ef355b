package native

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/sigc-dev/sigc/backends"
	"github.com/sigc-dev/sigc/ir"
	"github.com/sigc-dev/sigc/ir/diag"
)

// Correlator evaluates one Sigma correlation rule over a stream of events
// whose base-rule matches are reported to it in time order.
//
// Semantics (the specification leaves the window kind open): a sliding
// window of the correlation's timespan per group-by key. Each base-rule
// match is added to its group's window, entries older than timespan
// before it are dropped, and the condition is evaluated; when it holds,
// the correlation fires and the group's window is cleared, so the events
// of one alert never count towards the next. Count conditions with lt/lte
// would need end-of-window evaluation and are refused at construction.
type Correlator struct {
	c      *ir.Correlation
	rules  map[*ir.Rule]int // base rule → its index in c.Rules
	field  []Key            // value_* field(s)
	group  []Key
	alias  map[*ir.Rule][]Key // per rule: group-by fields after aliases
	groups map[string]*window
}

type window struct {
	entries []entry
}

type entry struct {
	at    time.Time
	rule  int
	value string
	num   float64
}

// Fire is one firing of a correlation.
type Fire struct {
	Correlation *ir.Correlation
	// Group holds the group-by values, in group-by order.
	Group []string
	// Count is how many base-rule matches the window held.
	Count int
	At    time.Time
}

// NewCorrelator prepares a correlation whose referenced detection rules
// are evaluated by the caller. Only detection rules can be referenced
// (a correlation of correlations is refused with a diagnostic).
func NewCorrelator(c *ir.Correlation) (*Correlator, diag.List) {
	var l diag.List
	k := &Correlator{c: c, rules: map[*ir.Rule]int{}, groups: map[string]*window{}, alias: map[*ir.Rule][]Key{}}
	for i, ref := range c.Rules {
		r, ok := ref.(*ir.Rule)
		if !ok {
			l.ErrorHint(diag.CodeUnsupported, c.Pos, "correlate the detection rules directly",
				"the native matcher does not evaluate correlations of correlations")
			return nil, l
		}
		k.rules[r] = i
	}
	for _, g := range c.GroupBy {
		k.group = append(k.group, NewKey(g))
	}
	// Aliases: a group-by name that is an alias reads, per rule, the field
	// the alias maps that rule to.
	for r, i := range k.rules {
		keys := make([]Key, len(c.GroupBy))
		for gi, g := range c.GroupBy {
			keys[gi] = NewKey(g)
			for _, a := range c.Aliases {
				if a.Name != g {
					continue
				}
				for _, br := range a.ByRule {
					if br.Key == c.RuleRefs[i] || br.Key == r.Name || br.Key == r.ID {
						if f, ok := br.Value.(string); ok {
							keys[gi] = NewKey(f)
						}
					}
				}
			}
		}
		k.alias[r] = keys
	}
	cond := c.Condition
	switch c.Type {
	case ir.EventCount, ir.Temporal, ir.TemporalOrdered:
		if cond != nil && (cond.Op == ir.OpLt || cond.Op == ir.OpLte) {
			l.ErrorHint(diag.CodeUnsupported, c.ConditionPos, "use gt/gte, or a query backend",
				"the native matcher evaluates correlations as events arrive; fewer-than conditions need the window's end")
			return nil, l
		}
	case ir.ValueCount, ir.ValueSum, ir.ValueAvg, ir.ValuePercentile:
		if cond == nil || len(cond.Field) == 0 {
			l.Errorf(diag.CodeCorrelation, c.ConditionPos, "%s needs condition.field", c.Type)
			return nil, l
		}
		for _, f := range cond.Field {
			k.field = append(k.field, NewKey(f))
		}
		if c.Type == ir.ValueCount && (cond.Op == ir.OpLt || cond.Op == ir.OpLte) {
			l.ErrorHint(diag.CodeUnsupported, c.ConditionPos, "use gt/gte, or a query backend",
				"the native matcher evaluates correlations as events arrive; fewer-than conditions need the window's end")
			return nil, l
		}
	default:
		l.Errorf(diag.CodeUnsupported, c.Pos, "correlation type %q is not supported by the native matcher", c.Type)
		return nil, l
	}
	if c.TimespanDur <= 0 {
		l.Errorf(diag.CodeTimespan, c.Pos, "correlation has no timespan")
		return nil, l
	}
	return k, l
}

// Correlation returns the correlation rule.
func (k *Correlator) Correlation() *ir.Correlation { return k.c }

// Uses reports whether r is one of the correlation's base rules.
func (k *Correlator) Uses(r *ir.Rule) bool { _, ok := k.rules[r]; return ok }

// Observe records that ev, at time at, matched base rule r, and returns
// the firing when the condition now holds. Events must come in time order
// per group; an event older than its group's window start is counted as
// arriving at the window's newest time.
func (k *Correlator) Observe(ev Event, at time.Time, r *ir.Rule) (Fire, bool) {
	idx, ok := k.rules[r]
	if !ok {
		return Fire{}, false
	}
	keys := k.alias[r]
	group := make([]string, len(keys))
	for i, key := range keys {
		if v, ok := ev.Get(key); ok && v.Kind != KindNull {
			group[i] = scalarText(v)
		} else {
			// pySigma's backends group absent values together (null); so
			// do we, under an empty value.
			group[i] = ""
		}
	}
	gk := strings.Join(group, "\x00")
	w := k.groups[gk]
	if w == nil {
		w = &window{}
		k.groups[gk] = w
	}
	e := entry{at: at, rule: idx}
	if len(k.field) > 0 {
		for _, f := range k.field {
			if v, ok := ev.Get(f); ok && v.Kind != KindNull {
				e.value += scalarText(v) + "\x00"
			}
		}
		e.value = strings.TrimSuffix(e.value, "\x00")
		e.num, _ = strconv.ParseFloat(e.value, 64)
	}
	if n := len(w.entries); n > 0 && at.Before(w.entries[n-1].at) {
		e.at = w.entries[n-1].at
	}
	w.entries = append(w.entries, e)
	cut := e.at.Add(-k.c.TimespanDur)
	drop := 0
	for drop < len(w.entries) && w.entries[drop].at.Before(cut) {
		drop++
	}
	w.entries = w.entries[drop:]
	if !k.holds(w.entries) {
		return Fire{}, false
	}
	f := Fire{Correlation: k.c, Group: group, Count: len(w.entries), At: e.at}
	w.entries = nil
	return f, true
}

// holds evaluates the correlation condition over a window.
func (k *Correlator) holds(es []entry) bool {
	cond := k.c.Condition
	var x float64
	switch k.c.Type {
	case ir.EventCount:
		x = float64(len(es))
	case ir.ValueCount:
		seen := map[string]bool{}
		for _, e := range es {
			if e.value != "" {
				seen[e.value] = true
			}
		}
		x = float64(len(seen))
	case ir.ValueSum, ir.ValueAvg:
		n := 0
		for _, e := range es {
			if e.value != "" {
				x += e.num
				n++
			}
		}
		if k.c.Type == ir.ValueAvg {
			if n == 0 {
				return false
			}
			x /= float64(n)
		}
	case ir.ValuePercentile:
		var vs []float64
		for _, e := range es {
			if e.value != "" {
				vs = append(vs, e.num)
			}
		}
		if len(vs) == 0 {
			return false
		}
		sort.Float64s(vs)
		p := cond.Percentile
		if p <= 0 {
			p = 50
		}
		x = vs[int(math.Min(float64(len(vs)-1), math.Ceil(p/100*float64(len(vs)))-1))]
	case ir.Temporal, ir.TemporalOrdered:
		x = float64(k.distinctRules(es, k.c.Type == ir.TemporalOrdered))
	}
	if cond == nil {
		return x >= float64(len(k.rules))
	}
	switch {
	case cond.Negate:
		return x != cond.Value
	case cond.Op == ir.OpGt:
		return x > cond.Value
	case cond.Op == ir.OpGte:
		return x >= cond.Value
	case cond.Op == ir.OpLt:
		return x < cond.Value
	case cond.Op == ir.OpLte:
		return x <= cond.Value
	}
	return x == cond.Value
}

// distinctRules counts the base rules seen in the window; ordered counts
// the longest prefix of the rule list seen in order.
func (k *Correlator) distinctRules(es []entry, ordered bool) int {
	if !ordered {
		seen := map[int]bool{}
		for _, e := range es {
			seen[e.rule] = true
		}
		return len(seen)
	}
	next := 0
	for _, e := range es {
		if e.rule == next {
			next++
		}
	}
	return next
}

// scalarText is the text of a scalar or the texts of an array's elements.
func scalarText(v Value) string {
	if v.Kind == KindArray {
		parts := make([]string, len(v.Elems))
		for i, e := range v.Elems {
			parts[i] = scalarText(e)
		}
		return strings.Join(parts, ",")
	}
	return v.Str
}

// EventTime reads an event's timestamp from the first of fields present
// that parses (RFC 3339, or "2006-01-02 15:04:05.999999999" taken as UTC).
func EventTime(ev Event, fields []Key) (time.Time, error) {
	for _, f := range fields {
		v, ok := ev.Get(f)
		if !ok || v.Kind != KindString {
			continue
		}
		for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999"} {
			if t, err := time.Parse(layout, v.Str); err == nil {
				return t, nil
			}
		}
	}
	return time.Time{}, fmt.Errorf("no timestamp in any of the fields %s", keyNames(fields))
}

func keyNames(ks []Key) string {
	names := make([]string, len(ks))
	for i, k := range ks {
		names[i] = k.Name
	}
	return strings.Join(names, ", ")
}

// ConvertCorrelation implements backends.CorrelationConverter: it checks
// that the matcher can evaluate the correlation (NewCorrelator) and dumps
// the plans of its rules followed by the correlation, as the golden files
// record it. `sigc match` evaluates it.
func (*Backend) ConvertCorrelation(c *ir.Correlation, _ backends.Options) (*backends.Output, diag.List) {
	if _, l := NewCorrelator(c); l.HasErrors() {
		return nil, l
	}
	var b strings.Builder
	var l diag.List
	for _, ref := range c.Rules {
		if r, ok := ref.(*ir.Rule); ok {
			p, pl := Compile(r)
			l.Append(pl)
			if pl.HasErrors() {
				return nil, l
			}
			b.WriteString(p.Plan())
			b.WriteString("\n")
		}
	}
	b.WriteString(ir.PrintCorrelation(c))
	return &backends.Output{Queries: []string{b.String()}}, l
}
