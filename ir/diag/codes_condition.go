package diag

// Condition-parser codes added by rules/condition (see codes.go for the
// shared ones: CodeCondSyntax, CodeCondTooDeep, CodeCondPipe...).
const (
	// CodeCondTooLong reports a condition string longer than the parser's
	// size limit (condition.MaxLen); it is refused before tokenising.
	CodeCondTooLong Code = "cond/too-long"
)
