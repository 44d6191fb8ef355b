package cli

import (
	"encoding/json"
	"fmt"
	"runtime/debug"
	"sort"
	"strings"

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
	// A batch over a rule repository allocates many short-lived YAML
	// nodes: trading memory for fewer collections speeds it up by a third.
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	ld := load(c.Paths, e.stdin)
	// A plain slice, not a diag.List: a whole-corpus check may report more
	// than one list's cap, and every finding must reach the user.
	all := ld.orphan.Items()
	for _, u := range ld.units {
		all = append(all, u.diags.Items()...)
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].Pos.Before(all[j].Pos) })
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
	shown := []diag.Diagnostic{}
	for _, d := range all {
		switch d.Severity {
		case diag.Error:
			sum.Errors++
		case diag.Warning:
			sum.Warnings++
		}
		if d.Severity == diag.Error || c.Warnings {
			shown = append(shown, d)
		}
	}
	if c.Format == "json" {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(checkReport{Diagnostics: shown, Summary: sum})
	} else {
		var b strings.Builder
		for _, d := range shown {
			diag.RenderOne(&b, d, ld.set.Sources)
		}
		fmt.Fprint(e.stdout, b.String())
		fmt.Fprintf(e.stdout, "checked %d files: %d rules, %d correlations, %d filters; %d errors, %d warnings\n",
			sum.Files, sum.Rules, sum.Correlations, sum.Filters, sum.Errors, sum.Warnings)
	}
	if sum.Errors > 0 || (c.Strict && sum.Warnings > 0) {
		return ExitFail
	}
	return ExitOK
}
