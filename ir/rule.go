package ir

import (
	"time"

	"github.com/sigc-dev/sigc/ir/diag"
)

// Meta holds the descriptive attributes shared by detection and correlation
// rules. Pipelines test them (rule_attribute, tag) and output formats print
// them (savedsearches stanzas, JSON).
type Meta struct {
	// Pos is the position of the document (its first key).
	Pos            diag.Pos
	ID             string
	Name           string
	Title          string
	Status         string
	Level          string
	Description    string
	Author         string
	License        string
	Taxonomy       string
	Date           string // YYYY-MM-DD or ""
	Modified       string // YYYY-MM-DD or ""
	References     []string
	Tags           []string
	Falsepositives []string
	Scope          []string
	Related        []Related
	// Custom holds attributes outside the specification, in document
	// order (for example regression_tests_path). Values are plain Go data:
	// string, bool, int64, float64, nil, []any, or map[string]any.
	Custom []Attr
}

// Related is one entry of the related list.
type Related struct {
	ID   string
	Type string
}

// Attr is a custom attribute.
type Attr struct {
	Key   string
	Value any
}

// CustomValue returns the custom attribute key and whether it is set.
func (m *Meta) CustomValue(key string) (any, bool) {
	for _, a := range m.Custom {
		if a.Key == key {
			return a.Value, true
		}
	}
	return nil, false
}

// SetCustom sets or replaces a custom attribute.
func (m *Meta) SetCustom(key string, v any) {
	for i := range m.Custom {
		if m.Custom[i].Key == key {
			m.Custom[i].Value = v
			return
		}
	}
	m.Custom = append(m.Custom, Attr{Key: key, Value: v})
}

// Logsource says which events a rule applies to.
type Logsource struct {
	Category   string
	Product    string
	Service    string
	Definition string
	// Custom holds non-standard logsource keys in document order.
	Custom []Attr
}

// Query is the expression of one Sigma condition. A rule with a condition
// list has several queries; the rule matches when any of them does.
type Query struct {
	// Pos is the position of the condition string.
	Pos diag.Pos
	// Condition is the condition as written, for reference in output.
	Condition string
	Expr      Expr
}

// Rule is a lowered Sigma detection rule.
type Rule struct {
	Meta
	Logsource Logsource
	// Fields is the rule's fields list (fields to show in results).
	Fields  []string
	Queries []Query
	// State is the pipeline state after processing (set_state), read by
	// backends: index, query_table, data_model_set and the like.
	State map[string]any
}

// CorrelationType is one of the Sigma correlation types.
type CorrelationType string

// Correlation types of the specification.
const (
	EventCount      CorrelationType = "event_count"
	ValueCount      CorrelationType = "value_count"
	Temporal        CorrelationType = "temporal"
	TemporalOrdered CorrelationType = "temporal_ordered"
	ValueSum        CorrelationType = "value_sum"
	ValueAvg        CorrelationType = "value_avg"
	ValuePercentile CorrelationType = "value_percentile"
)

// Correlation is a lowered Sigma correlation rule.
type Correlation struct {
	Meta
	Type CorrelationType
	// Rules are the referenced rules, resolved by id or name. Each is a
	// *Rule or a *Correlation.
	Rules    []any
	RuleRefs []string
	GroupBy  []string
	// Timespan as written ("5m") and as a duration.
	Timespan     string
	TimespanDur  time.Duration
	Condition    *CorrelationCondition
	Aliases      []Alias
	Generate     bool
	Fields       []string
	Logsource    Logsource
	ConditionPos diag.Pos
	// Derived is true for a correlation lowered from a Sigma v1 pipe
	// aggregation: Rules[0] is then the rule's own search, generated from
	// the same document rather than referenced.
	Derived bool
}

// CorrelationCondition is the threshold of a counting correlation.
type CorrelationCondition struct {
	Op         Op // OpGt, OpGte, OpLt, OpLte, OpEq (as OpEq) or neq (Negate)
	Negate     bool
	Value      float64
	Field      []string
	Percentile float64
}

// Alias maps one alias field name to a field per referenced rule.
type Alias struct {
	Name   string
	ByRule []Attr // rule name → field name (Value is a string)
}
