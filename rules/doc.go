// Package rules reads Sigma files: detection rules, correlation rules and
// meta filters (specification v2.1), from files, directories and standard
// input, single- or multi-document, keeping the position of every node.
//
// Input: YAML bytes. Output: Documents (the rule model of model.go) and a
// diag.List of everything wrong with them. Validation of the attributes the
// specification defines happens here; the meaning of the detection
// (modifiers, values, conditions) is checked when ir/lower lowers it.
//
// Entry points: Load (paths, directories, stdin; parallel, deterministic
// order) and ParseFile (the bytes of one file).
//
// Decisions that shape the model:
//
//   - The kind of a document is told by its section: detection (rule),
//     correlation or filter. Sigma v1 `action: global|reset|repeat`
//     documents are refused (rule/legacy-action), other documents without a
//     section are rule/unknown-kind errors. Empty documents (a trailing
//     `---`) are skipped.
//   - A document is returned even when some of its attributes are wrong;
//     those are left empty. Check the diagnostics before using it.
//   - Missing required attributes are rule/missing-field, except a missing
//     detection condition (detection/no-condition). A null optional
//     attribute counts as absent, with a rule/empty-value warning.
//   - Top-level keys the specification does not define are kept in
//     Meta.Custom without a diagnostic: custom attributes are legal.
//   - A search whose value is null is one keyword element of kind ValNull;
//     `[]` and `{}` are kept as an empty list and an empty map. Lowering
//     decides what they mean.
//   - `timeframe:` in a detection is Sigma v1 syntax: a warning, and no
//     search.
//   - Values keep their YAML type (yaml.v3, YAML 1.2 core schema: `yes` is
//     a string). Dates in detection values stay strings as written.
//   - A correlation condition compares with exactly one operator (as in
//     pySigma); the specification's two-operator range is refused with a
//     hint to chain correlations.
//
// Positions are 1-based lines and byte columns (yaml.v3 counts characters;
// columns are converted on non-ASCII lines). A condition is parsed from its
// source text when that text differs from the YAML value only by
// whitespace (multi-line plain, quoted and block scalars), so positions in
// it are exact on every line; otherwise they are exact on its first line.
//
// Hostile input is bounded by Limits: file size, YAML node count with
// aliases expanded (alias bombs), and nesting depth. A byte-level estimate
// refuses files that could hold more nodes than the limit before yaml.v3
// builds them, since it needs about 200 bytes per node.
package rules
