// Command sigc compiles Sigma rules into SIEM queries and evaluates them
// natively. All behaviour lives in package cli so that tests can drive it.
package main

import (
	"os"

	"github.com/sigc-dev/sigc/cmd/cli"
)

func main() {
	os.Exit(cli.Do(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
