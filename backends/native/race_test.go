//go:build race

package native

// raceEnabled reports a -race build: sync.Pool drops items at random
// under the race detector (regexp's backtracker state among them), so
// allocation counts mean nothing there.
const raceEnabled = true
