// Package splunk is the Splunk SPL target (`sigc convert -t splunk`).
//
// Input: lowered, pipeline-processed ir.Rules (and ir.Correlations).
// Output: one SPL search per Sigma condition, assembled by Finish into one
// search per line (formats default and data_model) or a savedsearches.conf
// (format savedsearches). The package also ships the pipelines
// splunk_windows, splunk_sysmon and splunk_cim as embedded YAML.
//
// # Exactness
//
// pySigma's Splunk backend widens `?` to `*`, writes a literal `*` as `\*`
// (which Splunk's search command does not honour), renders keywords as
// segment-matching terms and refuses field references under OR. sigc
// instead emits an exact query for every construct:
//
//	construct                   search form (index)          | where form (eval)
//	f = "v", "v*", "*v", "*v*"  f="v" f="v*" ...              match('f', "(?i)^v\z") ...
//	f in list                   f IN ("a", "b*")
//	f = "a?b" (one character)   prefilter f="a*b"            match('f', "(?is)^a.b\z")
//	f = literal "a*b"           prefilter f="a*b"            match('f', "(?i)^a\*b\z")
//	cased                       prefilter f="v" (superset)   match('f', "^v\z")
//	re (i, m, s flags)          -                            match('f', "(?ims)src")
//	keyword                     -                            match(_raw, "(?i)v")
//	fieldref (eq)               -                            lower('a')==lower('b')
//	fieldref (contains, ...)    -                            match('a', "(?i)" . replace('b', <meta>, "\\\1"))
//	cidr (v4 and v6)            f="10.0.0.0/8"               cidrmatch("10.0.0.0/8", 'f')
//	gt/gte/lt/lte               f>5                          'f'>5
//	exists / null               f=* / NOT f=*                isnotnull('f') / isnull('f')
//	query expression            verbatim                     (refused under OR/NOT with where forms)
//
// A condition is split at its top-level AND: conjuncts with an exact search
// form go into the search; all others go, whole, into one `| where`
// expression, so arbitrary AND/OR/NOT mixes stay exact. Each `| where`
// conjunct also contributes a necessary condition (prefilter) to the search
// when it has one.
//
// # Precedence
//
// The search command evaluates NOT, then OR, then AND (implicit or
// explicit); eval and where evaluate NOT, AND, OR. The search printer adds
// parentheses only where SPL needs them (an AND inside an OR, a compound
// operand of NOT); the where printer parenthesises every compound operand.
//
// # Known limits
//
// Time-part modifiers are not in Caps. In `| where`, eval functions see
// multivalue fields the way eval does (not "any value matches" as search
// does); `?` is one character of PCRE's `.`. Keyword conditions scan _raw
// without an index prefilter.
package splunk
