// Package native is sigc's executable backend: it compiles lowered Sigma
// rules (ir.Rule) into matchers that evaluate events directly.
//
// Input: *ir.Rule values after lowering and pipelines, and events — flat or
// nested JSON objects, evtx_dump-style Windows JSON, or .evtx files.
// Output: match decisions (Program.Match, RuleSet.Match) and, for streams,
// the matching rules per event (ReadEvents, MatchStream).
//
// The design follows cel-go's planner: Compile does every piece of work that
// can be done once. Patterns are classified into exact, prefix, suffix,
// contains, any and glob shapes; case-insensitive constants are folded once;
// an Or of equality tests on one field becomes a hash-set lookup; regular
// expressions are compiled once (a bad one is a diagnostic at the node's
// position); field names become Keys whose hash is computed once. The
// per-event path never parses, compiles or allocates, and a Program that
// compiled never fails or panics while matching.
//
// # Matching semantics
//
// Field names are case-sensitive; values compare case-insensitively unless
// the match is cased. Case folding is Unicode simple folding (the semantics
// of strings.EqualFold) with an ASCII fast path. `*` matches any sequence of
// characters, `?` exactly one character (rune). Numbers and strings compare
// by canonical text (EventID 4624 matches the number 4624 and the string
// "4624"); a Number value also equals a numeric string of the same value.
// Arrays match when any element matches. null holds when the field is absent
// or JSON null; exists holds when the key is present, whatever its value.
// Every positive comparison on an absent (or null) field is false, so
// Not(match) — how neq is lowered — is true on a missing field. A keyword
// (field-less match) holds when any scalar value of the event (strings,
// numbers by their text, booleans as true/false) matches its pattern as an
// anchored glob; lowering has already written a plain keyword as `*v*`
// and a `|startswith` keyword as `v*`, so the matcher adds no wildcards.
// Regexes are unanchored RE2 searches with the flags i, m, s.
// CIDR matches string IP addresses, v4 and v6. A field reference compares a
// field with another field's value of the same event. Time parts (minute …
// year, week = ISO week) are taken from a timestamp string in RFC 3339 or a
// common Windows form such as "2024-01-02 03:04:05.678". A rule matches when
// any of its queries (condition list) does.
//
// # Windows event flattening
//
// evtx_dump JSON and .evtx records ({"Event": {"System": …, "EventData":
// …}}) are flattened so that Sigma field names work unchanged:
//
//   - Event.EventData.<Name> → Name
//   - Event.System.<Tag> → Tag
//   - XML attributes → <Tag>_<Attr> (Provider_Name, Execution_ProcessID,
//     TimeCreated_SystemTime, Security_UserID)
//   - Event.UserData.<X>.<Name> → Name
//   - an element with attributes and text ("#text") → its text under <Tag>
//
// Every leaf is also kept under its full dotted path
// (Event.System.Provider.#attributes.Name). When two leaves flatten to the
// same short name the field holds both values as an array, so a rule
// matches either (any-element semantics).
package native
