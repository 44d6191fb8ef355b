// Package all is the one explicit list of sigc's targets (no init()
// registration): the CLI and the golden tests both build their registry
// here, so a new backend automatically gets golden coverage.
package all

import (
	"github.com/sigc-dev/sigc/backends"
	"github.com/sigc-dev/sigc/backends/golang"
	"github.com/sigc-dev/sigc/backends/irdump"
	"github.com/sigc-dev/sigc/backends/native"
	"github.com/sigc-dev/sigc/backends/splunk"
)

// New returns a registry with every target.
func New() *backends.Registry {
	r, err := backends.NewRegistry(
		golang.New(),
		irdump.New(),
		native.NewBackend(),
		splunk.New(),
	)
	if err != nil {
		panic(err) // a duplicate name in this list is a programming error
	}
	return r
}
