//go:build !race

package native

// raceEnabled reports a -race build (see race_test.go).
const raceEnabled = false
