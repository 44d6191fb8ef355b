// Package golang is the `go` target (`sigc convert -t go`): it compiles
// Sigma rules into Go source.
//
// Input: lowered, pipeline-processed ir.Rules. Output: Convert renders one
// rule's declarations (a matcher func `MatchTitleInCamelCase(ev Event)
// bool` and package-level variables for its regexes, networks and value
// sets); Finish assembles every rule of a run into one gofmt-clean Go file,
// package `sigcrules` unless `-O package=name` says otherwise, holding:
//
//   - `type Event interface { Get(field string) (any, bool); Range(fn
//     func(field string, value any) bool) }`, what the matchers read, and
//     `Fields`, an Event over a decoded JSON object (map[string]any);
//   - `type Rule struct { ID, Title, Status, Level string; Tags []string;
//     Match func(Event) bool }` and `var Rules []Rule`, in input order;
//   - one matcher func per rule;
//   - the runtime helpers the matchers call (glob matching, Unicode case
//     folding, CIDR, number text, time parts), copied from
//     internal/rt — only those used.
//
// The generated package imports the standard library only: no YAML, no
// sigc. Everything that can be done once is done by the generator:
// constants are case-folded, regexes become package-level
// regexp.MustCompile variables (compiled by the generator first, so they
// cannot panic), four or more exact values of one field become a map
// literal. The matching semantics are the native matcher's
// (backends/native, "Matching semantics"), which the package tests check
// on every SigmaHQ regression event.
package golang
