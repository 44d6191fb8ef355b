package rules

import (
	"github.com/sigc-dev/sigc/ir/diag"
	"github.com/sigc-dev/sigc/rules/condition"
)

// Kind says which of the three Sigma document types a document is.
type Kind uint8

// Document kinds.
const (
	KindRule        Kind = iota // detection rule (has detection:)
	KindCorrelation             // correlation rule (has correlation:)
	KindFilter                  // meta filter (has filter:)
)

// String names the kind as the specification does.
func (k Kind) String() string {
	switch k {
	case KindRule:
		return "rule"
	case KindCorrelation:
		return "correlation"
	case KindFilter:
		return "filter"
	}
	return "unknown"
}

// Document is one YAML document of a Sigma file. Exactly one of Rule,
// Correlation and Filter is set, matching Kind.
type Document struct {
	// File is the path the document was read from ("-" or "<stdin>" for
	// standard input).
	File string
	// Index is the 0-based position of the document in a multi-document file.
	Index int
	// Pos is the position of the document's first key.
	Pos         diag.Pos
	Kind        Kind
	Rule        *Rule
	Correlation *Correlation
	Filter      *Filter
}

// Meta returns the common attributes of whichever document type d is.
func (d *Document) Meta() *Meta {
	switch {
	case d.Rule != nil:
		return &d.Rule.Meta
	case d.Correlation != nil:
		return &d.Correlation.Meta
	case d.Filter != nil:
		return &d.Filter.Meta
	}
	return nil
}

// Meta holds the attributes common to every Sigma document type. Strings
// are empty and lists nil when the attribute is absent.
type Meta struct {
	Title          string
	ID             string
	Name           string
	Status         string // lower-cased
	Level          string // lower-cased
	Description    string
	Author         string
	License        string
	Taxonomy       string
	Date           string // YYYY-MM-DD (normalised from YAML dates)
	Modified       string // YYYY-MM-DD
	References     []string
	Tags           []string
	Falsepositives []string
	Scope          []string
	Fields         []string
	Related        []Related
	// Custom holds attributes that the specification does not define, in
	// document order.
	Custom []Attr
	// Positions maps each attribute name present in the document to the
	// position of its value.
	Positions map[string]diag.Pos
}

// At returns the position of attribute key's value, or def if absent.
func (m *Meta) At(key string, def diag.Pos) diag.Pos {
	if p, ok := m.Positions[key]; ok {
		return p
	}
	return def
}

// Related is one entry of the related list.
type Related struct {
	ID   string
	Type string // lower-cased
	Pos  diag.Pos
}

// Attr is a custom attribute. Value is plain Go data decoded from YAML:
// string, bool, int64, float64, nil, []any or map[string]any.
type Attr struct {
	Key   string
	Value any
	Pos   diag.Pos
}

// Logsource is the logsource section.
type Logsource struct {
	Pos        diag.Pos
	Category   string
	Product    string
	Service    string
	Definition string
	// Custom holds non-standard keys in document order (values are strings).
	Custom []Attr
}

// Rule is a Sigma detection rule.
type Rule struct {
	Meta
	Logsource Logsource
	Detection Detection
}

// Detection is a detection section (of a rule, or the filter section of a
// filter document).
type Detection struct {
	Pos diag.Pos
	// Searches are the search identifiers in document order.
	Searches []*Search
	// Conditions holds one entry per condition (a condition list has
	// several; a plain string has one).
	Conditions []Condition
	// Timeframe is the Sigma v1 aggregation window (`timeframe: 5m`), kept
	// for conditions with a pipe aggregation; "" when absent.
	Timeframe    string
	TimeframePos diag.Pos
}

// Search returns the search identifier called name, or nil.
func (d *Detection) Search(name string) *Search {
	for _, s := range d.Searches {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// Condition is one condition string, parsed.
type Condition struct {
	Text string
	// Pos is the position of the condition's first character in the file.
	Pos diag.Pos
	// Expr is nil when the condition failed to parse.
	Expr condition.Expr
	// Agg is the Sigma v1 pipe aggregation after `|`, when there is one.
	Agg *condition.Aggregation
}

// Search is one search identifier: a map (AND of items), a list (OR of its
// elements: maps and keyword scalars), a single keyword scalar, or null.
type Search struct {
	Name string
	// Pos is the position of the identifier (the mapping key).
	Pos diag.Pos
	// IsList is true when the YAML value was a sequence.
	IsList bool
	// Elems are the OR-linked elements. A search whose value is a map has
	// exactly one element.
	Elems []Elem
}

// Elem is one element of a search: a selection map, or a keyword value.
// Exactly one of Items (possibly empty for `{}`) or Keyword is meaningful,
// as told by IsMap.
type Elem struct {
	Pos     diag.Pos
	IsMap   bool
	Items   []*Item
	Keyword *Value
}

// Item is one `field|mod|mod: value(s)` entry of a selection map.
type Item struct {
	// Pos is the position of the key.
	Pos diag.Pos
	// Key is the key as written.
	Key string
	// Field is the part before the first `|`. Empty for keyword items
	// such as `'|all':`.
	Field     string
	Modifiers []Modifier
	// Values has one entry for a scalar value and one per element for a
	// sequence (IsList). An empty sequence gives no values.
	Values []Value
	IsList bool
	// ValuePos is the position of the value node.
	ValuePos diag.Pos
}

// Modifier is one modifier name of an item key, with its position.
type Modifier struct {
	Name string
	Pos  diag.Pos
}

// ValueKind is the YAML type of a detection value.
type ValueKind uint8

// Value kinds.
const (
	ValString ValueKind = iota
	ValInt
	ValFloat
	ValBool
	ValNull
)

// String names the kind for messages.
func (k ValueKind) String() string {
	switch k {
	case ValString:
		return "string"
	case ValInt:
		return "integer"
	case ValFloat:
		return "number"
	case ValBool:
		return "boolean"
	case ValNull:
		return "null"
	}
	return "unknown"
}

// Value is one scalar detection value.
type Value struct {
	Pos  diag.Pos
	Kind ValueKind
	// Text is the string for ValString (after YAML unquoting, before any
	// Sigma escape processing) and the canonical text for numbers and
	// booleans ("4688", "1.5", "true").
	Text  string
	Int   int64
	Float float64
	Bool  bool
	// Plain is true when the YAML scalar was unquoted and on one line, so
	// that Pos plus a byte offset into Text is an exact position.
	Plain bool
	// Quote is the scalar style: 0 plain, '\'' single, '"' double, '|' or
	// '>' block. A position inside a single-line quoted scalar is Pos plus
	// one plus the offset (escapes aside).
	Quote byte
}

// Correlation is a Sigma correlation rule.
type Correlation struct {
	Meta
	Type    string // lower-cased
	TypePos diag.Pos
	// Rules are the referenced rule ids or names.
	Rules    []Ref
	GroupBy  []string
	Timespan string
	// TimespanPos is the position of the timespan value.
	TimespanPos diag.Pos
	Condition   *CorrelationCondition
	// Extended holds a string condition of temporal correlations
	// (pySigma's extended temporal form) when given.
	Extended    string
	ExtendedPos diag.Pos
	Aliases     []Alias
	Generate    bool
	Pos         diag.Pos // position of the correlation: key's value
}

// Ref is a reference to another rule by id or name.
type Ref struct {
	Name string
	Pos  diag.Pos
}

// CorrelationCondition is the map form of a correlation condition.
type CorrelationCondition struct {
	Pos diag.Pos
	// Op is one of gt, gte, lt, lte, eq, neq.
	Op    string
	Value float64
	// Field is set for value_* correlations (one or more field names).
	Field      []string
	Percentile float64
	HasPct     bool
}

// Alias is one entry of a correlation's aliases map.
type Alias struct {
	Name   string
	Pos    diag.Pos
	ByRule []Attr // rule id/name → field name (string)
}

// Filter is a Sigma meta filter.
type Filter struct {
	Meta
	Logsource Logsource
	// Rules are the referenced rule ids or names; Any is true for the
	// pySigma form `rules: any` (or an empty list), which applies the
	// filter to every rule of a matching logsource.
	Rules     []Ref
	Any       bool
	Detection Detection
}
