// Package pipeline implements processing pipelines: ordered IR-to-IR
// transformations that bridge the field names and log sources of Sigma rules
// to those of a target (pySigma's sigma/processing).
//
// Input: pipeline YAML in pySigma's format (Parse, Resolve, Builtins) and
// lowered rules (*ir.Rule, *ir.Correlation). Output: rewritten copies of the
// rules (Chain.Apply, Chain.ApplyCorrelation), post-processed query text
// (Chain.Postprocess, Chain.Finalize) and diagnostics with file:line:col
// positions in the pipeline or rule file.
//
// Mapping pySigma onto the IR. pySigma transforms "detection items" (one
// field with a list of values); in the IR a rule's detection is already a
// tree of ir.And/Or/Not over ir.Match nodes, one Match per (field, value).
// A detection item therefore corresponds to the Matches lowered from it, and
// detection-item conditions are evaluated per Match: `cond: all` over a
// multi-valued item is evaluated per value. For single values this is
// exactly pySigma's behaviour; for value lists it means a transformation may
// apply to some values of an item and not to others (pySigma would apply it
// to the whole item only when every value passes).
//
// Everything that can be decided once is decided in Parse: conditions and
// their rule_cond_expr expressions are compiled, regular expressions are
// compiled, add_condition expressions without templates are built. Applying
// a chain to a rule walks each query once per item and never reflects.
package pipeline
