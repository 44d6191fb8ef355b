package splunk

import (
	"strings"
	"testing"
	"time"

	"github.com/sigc-dev/sigc/backends"
	"github.com/sigc-dev/sigc/ir"
)

func TestMultipleConditionsAndTable(t *testing.T) {
	r := ruleOf(str("a", "1"), re("b", "x", ""))
	r.Fields = []string{"a", "b c", "bad\"name"}
	qs, l := convertOne(t, r, "")
	want := []string{`a="1" | table a,"b c"`, `* | where match('b', "x") | table a,"b c"`}
	if strings.Join(qs, "\n") != strings.Join(want, "\n") {
		t.Errorf("got %q", qs)
	}
	if l.HasErrors() || len(l.Codes()) != 1 || l.Codes()[0] != "backend/unsupported" {
		t.Errorf("want one warning for the unquotable field, got %v", l)
	}
}

func TestFinishDefault(t *testing.T) {
	res := []backends.Result{
		{Rule: ruleOf(), Output: &backends.Output{Queries: []string{"a=1", "b=2"}}},
		{Output: nil},
		{Output: &backends.Output{Queries: []string{"c=3"}}},
	}
	got, l := New().Finish(res, backends.Options{Format: FormatDefault})
	if got != "a=1\nb=2\nc=3\n" || l.Len() != 0 {
		t.Errorf("got %q %v", got, l)
	}
}

func TestSavedSearches(t *testing.T) {
	r1 := ruleOf(str("a", "1"))
	r1.Title = "Evil [thing]"
	r1.Description = "line one\nline two \\"
	r1.Level = "critical"
	r2 := ruleOf(str("b", "2"), str("c", "3"))
	r2.Title = "Evil thing" // same stanza name as r1 once brackets go
	r2.Level = "low"
	res := []backends.Result{
		{Rule: r1, Output: &backends.Output{Queries: []string{`a="1" | where match('x', "a | b")`}}},
		{Rule: r2, Output: &backends.Output{Queries: []string{`b="2"`, `c="3"`}}},
	}
	got, l := New().Finish(res, backends.Options{Format: FormatSavedSearches,
		Params: map[string]string{"min_time": "-24h", "cron_schedule": "*/5 * * * *", "action.webhook": "1"}})
	if l.Len() != 0 {
		t.Fatal(l)
	}
	want := `[default]
dispatch.earliest_time = -24h
dispatch.latest_time = now
enableSched = 1
cron_schedule = */5 * * * *
counttype = number of events
relation = greater than
quantity = 0
alert.track = 1
alert.digest_mode = 1
alert.suppress = 0
action.email = 0
action.webhook = 1

[Evil thing]
description = line one \
line two
search = a="1" \
| where match('x', "a | b")
alert.severity = 6

[Evil thing (condition 1)]
search = b="2"
alert.severity = 3

[Evil thing (condition 2)]
search = c="3"
alert.severity = 3
`
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	// A duplicate stanza name gets a counter.
	got, _ = New().Finish([]backends.Result{res[0], res[0]}, backends.Options{Format: FormatSavedSearches})
	if !strings.Contains(got, "\n[Evil thing (2)]\n") {
		t.Errorf("no deduplicated stanza in\n%s", got)
	}
	// Bad option keys and multi-line values are refused.
	_, l = New().Finish(res, backends.Options{Format: FormatSavedSearches, Params: map[string]string{"a b": "1", "x": "1\n[evil]"}})
	if got := l.Codes(); len(got) != 2 {
		t.Errorf("want 2 diagnostics, got %v", got)
	}
}

func TestSplitPipes(t *testing.T) {
	tests := map[string][]string{
		`a | b`:                      {"a", "b"},
		`a="x | y" | where 'f | g'`:  {`a="x | y"`, `where 'f | g'`},
		`a="\" | " | b`:              {`a="\" | "`, "b"},
		`[| inputlookup x | f] | c`:  {"[| inputlookup x | f]", "c"},
		`match(x, "(a | b)") | c`:    {`match(x, "(a | b)")`, "c"},
		`| tstats x | convert y`:     {"| tstats x", "convert y"},
		`no pipes at all`:            {"no pipes at all"},
		`x \ | y`:                    {`x \ | y`},
		`x=1 | table a,"b c" | z=""`: {"x=1", `table a,"b c"`, `z=""`},
	}
	for in, want := range tests {
		if got := splitPipes(in); strings.Join(got, "¦") != strings.Join(want, "¦") {
			t.Errorf("splitPipes(%q) = %q, want %q", in, got, want)
		}
	}
}

func corr(typ ir.CorrelationType, rs ...*ir.Rule) *ir.Correlation {
	c := &ir.Correlation{Meta: ir.Meta{Title: "C", Pos: tpos}, Type: typ, Timespan: "15m", TimespanDur: 15 * time.Minute,
		GroupBy: []string{"User", "Src Ip"}}
	for _, r := range rs {
		c.Rules = append(c.Rules, r)
		c.RuleRefs = append(c.RuleRefs, r.Name)
	}
	return c
}

func TestCorrelations(t *testing.T) {
	r1 := ruleOf(str("EventID", "4625"))
	r1.Name = "failed_logon"
	r2 := ruleOf(re("CommandLine", "x+", ""))
	r2.Name = "proc"
	ec := corr(ir.EventCount, r1)
	ec.Condition = &ir.CorrelationCondition{Op: ir.OpGte, Value: 10}
	vc := corr(ir.ValueCount, r1)
	vc.Timespan = "1M"
	vc.Condition = &ir.CorrelationCondition{Op: ir.OpLt, Value: 3, Field: []string{"TargetUserName"}}
	tc := corr(ir.Temporal, r1, r2)
	tc.Aliases = []ir.Alias{{Name: "host", ByRule: []ir.Attr{{Key: "failed_logon", Value: "Computer"}, {Key: "proc", Value: "dest"}}}}
	tests := []struct {
		name string
		c    *ir.Correlation
		want string
	}{
		{"event_count", ec, `EventID="4625" | bin _time span=15m | stats count as event_count by _time User "Src Ip" | search event_count>=10`},
		{"value_count", vc, `EventID="4625" | bin _time span=1mon | stats dc(TargetUserName) as value_count by _time User "Src Ip" | search value_count<3`},
		{"temporal", tc, `| multisearch [ search EventID="4625" | rename Computer as host | eval event_type="failed_logon" ] [ search * | where match('CommandLine', "x+") | rename dest as host | eval event_type="proc" ] | bin _time span=15m | stats dc(event_type) as event_type_count by _time User "Src Ip" | search event_type_count>=2`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, l := New().ConvertCorrelation(tt.c, backends.Options{})
			if l.HasErrors() {
				t.Fatal(l)
			}
			if out.Queries[0] != tt.want {
				t.Errorf("got  %s\nwant %s", out.Queries[0], tt.want)
			}
			if _, err := parseSPL(out.Queries[0]); err != nil {
				t.Errorf("does not parse: %v", err)
			}
		})
	}
	for _, typ := range []ir.CorrelationType{ir.TemporalOrdered, ir.ValueSum} {
		if _, l := New().ConvertCorrelation(corr(typ, r1), backends.Options{}); l.Codes()[0] != "backend/unsupported" {
			t.Errorf("%s: want backend/unsupported, got %v", typ, l)
		}
	}
	bad := corr(ir.EventCount, r1)
	bad.Timespan = "15x"
	if _, l := New().ConvertCorrelation(bad, backends.Options{}); l.Codes()[0] != "correlation/timespan" {
		t.Errorf("bad timespan: %v", l)
	}
}

func TestUnwritableField(t *testing.T) {
	_, l := New().Convert(ruleOf(re("it's", "x", "")), backends.Options{})
	if got := l.Codes(); len(got) != 1 || got[0] != "backend/unsupported" || l.Items()[0].Pos != tpos {
		t.Errorf("got %v", l)
	}
	// The same field is fine where the search can take it.
	if qs, l := convertOne(t, ruleOf(str("it's", "x")), ""); l.HasErrors() || qs[0] != `"it's"="x"` {
		t.Errorf("got %q %v", qs, l)
	}
}

func TestQueryExprUnderOrWithWhere(t *testing.T) {
	qe := &ir.Match{P: tpos, Field: "User", Op: ir.OpEq, Value: ir.QueryExpr{Text: "[| inputlookup x]"}}
	_, l := New().Convert(ruleOf(or(qe, re("a", "b", ""))), backends.Options{})
	if got := l.Codes(); len(got) != 1 || got[0] != "backend/unsupported" {
		t.Errorf("got %v", l)
	}
	// Next to where-only constructs under a top-level AND it is fine.
	qs, l := convertOne(t, ruleOf(and(qe, re("a", "b", ""))), "")
	if l.HasErrors() || qs[0] != `[| inputlookup x] | where match('a', "b")` {
		t.Errorf("got %q %v", qs, l)
	}
}
