// Package cli is sigc's command line: the kong grammar and the wiring of
// the stages (load, lower, pipelines, backends) behind each command.
//
// Input: arguments and standard streams. Output: text on stdout/stderr and
// an exit status (0 success, 1 rule errors, 2 usage errors). main calls Do;
// tests (including the golden tests) drive Do directly.
package cli

import (
	"errors"
	"fmt"
	"io"
	"runtime/debug"

	"github.com/alecthomas/kong"

	"github.com/sigc-dev/sigc/backends"
	"github.com/sigc-dev/sigc/backends/all"
)

// Exit statuses.
const (
	ExitOK    = 0
	ExitFail  = 1 // a rule, event or test failed
	ExitUsage = 2 // the command line was wrong
)

// Version is the release version, set with -ldflags at build time.
var Version = "dev"

// env is what a command runs with.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	reg            *backends.Registry
}

// grammar is the kong command-line structure.
type grammar struct {
	Check   checkCmd   `cmd:"" help:"Validate Sigma rules and report every problem with file:line:col."`
	Convert convertCmd `cmd:"" help:"Convert Sigma rules into queries for a target."`
	Match   matchCmd   `cmd:"" help:"Evaluate rules against events (JSON Lines, evtx_dump JSON, EVTX) and print one JSON line per match."`
	Test    testCmd    `cmd:"" help:"Run rules' regression cases (regression_tests_path) and sigc test files; exit 1 on any failure."`
	List    listCmd    `cmd:"" help:"List modifiers, targets or pipelines."`
	Version versionCmd `cmd:"" help:"Print the sigc version."`
}

// exitCode is panicked by kong's Exit hook so that --help returns from Do
// instead of ending the process.
type exitCode int

// Do runs sigc with args (without the program name) and returns the exit
// status.
func Do(args []string, stdin io.Reader, stdout, stderr io.Writer) (status int) {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr, reg: all.New()}
	var g grammar
	defer func() {
		if r := recover(); r != nil {
			if c, ok := r.(exitCode); ok {
				status = int(c)
				return
			}
			// A panic is a bug in sigc: report it as such instead of a
			// stack dump the user cannot act on.
			fmt.Fprintf(stderr, "sigc: internal error: %v\nplease report this with the input that caused it\n%s", r, debug.Stack())
			status = ExitFail
		}
	}()
	parser, err := kong.New(&g,
		kong.Name("sigc"),
		kong.Description("sigc compiles Sigma detection rules into SIEM queries and evaluates them natively."),
		kong.Writers(stdout, stderr),
		kong.Exit(func(c int) { panic(exitCode(c)) }),
		kong.ConfigureHelp(kong.HelpOptions{Compact: true, Summary: true}),
		kong.UsageOnError(),
	)
	if err != nil {
		fmt.Fprintf(stderr, "sigc: %v\n", err)
		return ExitFail
	}
	ctx, err := parser.Parse(args)
	if err != nil {
		var pe *kong.ParseError
		if errors.As(err, &pe) {
			fmt.Fprintf(stderr, "sigc: %v\n", err)
			fmt.Fprintln(stderr, "run `sigc --help` for usage")
			return ExitUsage
		}
		fmt.Fprintf(stderr, "sigc: %v\n", err)
		return ExitUsage
	}
	cmd, ok := ctx.Selected().Target.Addr().Interface().(interface{ run(*env) int })
	if !ok {
		fmt.Fprintln(stderr, "sigc: no command given; run `sigc --help`")
		return ExitUsage
	}
	return cmd.run(e)
}

// usageError reports a command-line problem found after parsing.
func (e *env) usageError(format string, args ...any) int {
	fmt.Fprintf(e.stderr, "sigc: "+format+"\n", args...)
	return ExitUsage
}

type versionCmd struct{}

func (versionCmd) run(e *env) int {
	v := Version
	if bi, ok := debug.ReadBuildInfo(); ok && v == "dev" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		v = bi.Main.Version
	}
	fmt.Fprintf(e.stdout, "sigc %s\n", v)
	return ExitOK
}
