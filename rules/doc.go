// Package rules reads Sigma files: detection rules, correlation rules and
// meta filters (specification v2.1), from files, directories and standard
// input, single- or multi-document, keeping the position of every node.
//
// Input: YAML bytes. Output: Documents (the rule model of model.go) and a
// diag.List of everything wrong with them. Validation of the attributes the
// specification defines happens here; the meaning of the detection
// (modifiers, values, conditions) is checked when ir/lower lowers it.
package rules
