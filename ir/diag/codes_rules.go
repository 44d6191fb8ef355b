package diag

// Codes added by the rules package (Sigma document loading).
const (
	// CodeLegacyTimeframe flags the Sigma v1 `timeframe:` key inside a
	// detection section (a warning): it is not a search identifier, and
	// time windows belong in correlation rules.
	CodeLegacyTimeframe Code = "detection/legacy-timeframe"
)
