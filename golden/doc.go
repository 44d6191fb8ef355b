// Package golden holds sigc's golden tests: every hand-written rule under
// testdata/rules runs through `sigc convert` for every registered target,
// every invalid rule under testdata/invalid through `sigc check`, and the
// output is compared with testdata/<case>/<target>.golden.
//
// Regenerate with `go test ./golden -update` (or `make golden`) and read
// every diff before committing: a golden file is a claim about correct
// output. A missing golden file fails the test.
package golden
