package cli

import (
	"encoding/json"
	"fmt"

	"github.com/sigc-dev/sigc/ir/diag"
	"github.com/sigc-dev/sigc/rules"
)

type checkCmd struct {
	Paths    []string `arg:"" name:"path" help:"Sigma files or directories (recursive, *.yml/*.yaml); - reads standard input."`
	Format   string   `short:"f" enum:"text,json" default:"text" help:"Output format: text (file:line:col with the source line) or json."`
	Warnings bool     `name:"warnings" default:"true" negatable:"" help:"Show warnings as well as errors (--no-warnings hides them)."`
	Strict   bool     `help:"Exit 1 on warnings too (pre-commit hooks that want a clean tree)."`
}

// checkReport is the JSON form of a check run.
type checkReport struct {
	Diagnostics []diag.Diagnostic `json:"diagnostics"`
	Summary     checkSummary      `json:"summary"`
}

type checkSummary struct {
	Files        int `json:"files"`
	Rules        int `json:"rules"`
	Correlations int `json:"correlations"`
	Filters      int `json:"filters"`
	Errors       int `json:"errors"`
	Warnings     int `json:"warnings"`
}

func (c *checkCmd) run(e *env) int {
	ld := load(c.Paths, e.stdin)
	var all diag.List
	all.Append(ld.orphan)
	for _, u := range ld.units {
		all.Append(u.diags)
	}
	sum := checkSummary{Files: len(ld.set.Files)}
	for _, d := range ld.set.Docs {
		switch d.Kind {
		case rules.KindRule:
			sum.Rules++
		case rules.KindCorrelation:
			sum.Correlations++
		case rules.KindFilter:
			sum.Filters++
		}
	}
	var shown diag.List
	for _, d := range all.Items() {
		switch d.Severity {
		case diag.Error:
			sum.Errors++
		case diag.Warning:
			sum.Warnings++
		}
		if d.Severity == diag.Error || c.Warnings {
			shown.Add(d)
		}
	}
	sum.Errors += all.Dropped()
	if c.Format == "json" {
		rep := checkReport{Diagnostics: shown.Items(), Summary: sum}
		if rep.Diagnostics == nil {
			rep.Diagnostics = []diag.Diagnostic{}
		}
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(rep)
	} else {
		fmt.Fprint(e.stdout, diag.Render(shown, ld.set.Sources))
		fmt.Fprintf(e.stdout, "checked %d files: %d rules, %d correlations, %d filters; %d errors, %d warnings\n",
			sum.Files, sum.Rules, sum.Correlations, sum.Filters, sum.Errors, sum.Warnings)
	}
	if sum.Errors > 0 || (c.Strict && sum.Warnings > 0) {
		return ExitFail
	}
	return ExitOK
}
