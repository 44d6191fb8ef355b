package diag

// Code is a stable diagnostic identifier, "area/name". Codes never change
// meaning once released: tests, CI scripts and users' exclusion lists key on
// them. Add new codes; do not rename old ones.
type Code string

// Input and YAML codes.
const (
	CodeIO           Code = "input/io"            // file or directory cannot be read
	CodeTooLarge     Code = "input/too-large"     // file exceeds the size limit
	CodeYAMLSyntax   Code = "yaml/syntax"         // YAML does not parse
	CodeYAMLDupKey   Code = "yaml/duplicate-key"  // a mapping repeats a key
	CodeYAMLAlias    Code = "yaml/alias"          // alias expansion over budget (alias bomb)
	CodeYAMLTooDeep  Code = "yaml/too-deep"       // nesting deeper than the limit
	CodeYAMLType     Code = "yaml/type"           // a node has the wrong YAML kind
	CodeYAMLEmptyDoc Code = "yaml/empty-document" // a document holds nothing
)

// Rule-model codes (rules package).
const (
	CodeDocKind         Code = "rule/unknown-kind"        // neither detection, correlation nor filter
	CodeMissingField    Code = "rule/missing-field"       // a required attribute is absent
	CodeUnknownField    Code = "rule/unknown-field"       // attribute not in the spec (warning)
	CodeFieldType       Code = "rule/field-type"          // attribute of the wrong type
	CodeEmptyValue      Code = "rule/empty-value"         // attribute present but empty
	CodeTooLong         Code = "rule/too-long"            // string longer than the spec allows
	CodeInvalidID       Code = "rule/invalid-id"          // id or related id is not a UUID
	CodeInvalidDate     Code = "rule/invalid-date"        // date/modified not YYYY-MM-DD
	CodeInvalidStatus   Code = "rule/invalid-status"      // status not in the enum
	CodeInvalidLevel    Code = "rule/invalid-level"       // level not in the enum
	CodeInvalidTag      Code = "rule/invalid-tag"         // tag does not match namespace.name
	CodeDuplicateItem   Code = "rule/duplicate-item"      // repeated entry in a unique list
	CodeInvalidRelated  Code = "rule/invalid-related"     // related entry malformed
	CodeLogsource       Code = "rule/logsource"           // logsource malformed
	CodeLegacyAction    Code = "rule/legacy-action"       // v1 action: global/reset/repeat document
	CodeDetection       Code = "detection/shape"          // detection section malformed
	CodeNoCondition     Code = "detection/no-condition"   // condition missing
	CodeNoSearch        Code = "detection/no-search"      // no search identifier defined
	CodeSearchName      Code = "detection/search-name"    // search identifier not referencable
	CodeValueType       Code = "detection/value-type"     // a value has a type the context refuses
	CodeNullInList      Code = "detection/null-in-list"   // null mixed into a value list
	CodeUnknownModifier Code = "modifier/unknown"         // unknown modifier name
	CodeModifierChain   Code = "modifier/illegal-chain"   // modifiers that cannot be combined
	CodeModifierValue   Code = "modifier/value"           // value not valid for the modifier
	CodeRegex           Code = "modifier/regex"           // regex does not compile
	CodeRegexFlavour    Code = "modifier/regex-flavour"   // regex outside the Sigma flavour
	CodeCIDR            Code = "modifier/cidr"            // bad CIDR network
	CodeExpansion       Code = "modifier/expansion-limit" // windash/base64offset expansion too large
	CodePlaceholder     Code = "modifier/placeholder"     // malformed placeholder
	CodeCorrelation     Code = "correlation/shape"        // correlation section malformed
	CodeCorrelationType Code = "correlation/type"         // unknown correlation type
	CodeCorrelationRef  Code = "correlation/unknown-rule" // referenced rule not found
	CodeTimespan        Code = "correlation/timespan"     // timespan malformed
	CodeFilter          Code = "filter/shape"             // filter section malformed
	CodeFilterRef       Code = "filter/unknown-rule"      // referenced rule not found
)

// Condition codes (rules/condition and lowering).
const (
	CodeCondSyntax    Code = "cond/syntax"        // condition does not parse
	CodeCondTooDeep   Code = "cond/too-deep"      // nesting deeper than the limit
	CodeCondUndefined Code = "cond/undefined"     // identifier not defined in detection
	CodeCondNoMatch   Code = "cond/pattern-empty" // x of pattern matches nothing (warning)
	CodeCondPipe      Code = "cond/pipe"          // legacy | aggregation
	CodeCondUnused    Code = "cond/unused-search" // search never referenced (warning)
	CodeCondTooLarge  Code = "cond/too-large"     // lowered condition exceeds node budget
)

// Pipeline codes (ir/pipeline).
const (
	CodePipelineSyntax      Code = "pipeline/syntax"        // pipeline file malformed
	CodePipelineUnknown     Code = "pipeline/unknown"       // named pipeline not found
	CodePipelineType        Code = "pipeline/unknown-type"  // unknown transformation/condition type
	CodePipelineParam       Code = "pipeline/param"         // bad or missing parameter
	CodePipelineFailure     Code = "pipeline/rule-failure"  // rule_failure / detection_item_failure
	CodePipelineUnmapped    Code = "pipeline/unmapped"      // strict_field_mapping_failure
	CodePipelinePlaceholder Code = "pipeline/placeholder"   // placeholder unresolved
	CodePipelineBackend     Code = "pipeline/wrong-backend" // allowed_backends excludes the target
)

// Backend codes.
const (
	CodeUnsupported Code = "backend/unsupported" // target cannot express a construct
	CodeBackend     Code = "backend/error"       // other conversion failure
	CodeInternal    Code = "internal/error"      // a bug in sigc: please report
)

// Matcher/test codes.
const (
	CodeEvent      Code = "event/parse"      // an event cannot be decoded
	CodeTestCase   Code = "test/case"        // a test case is malformed
	CodeTestFailed Code = "test/failed"      // a test case did not hold
	CodeTestExtra  Code = "test/extra-match" // more matches than expected (warning)
)
