package cli

import (
	"fmt"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/sigc-dev/sigc/backends"
	"github.com/sigc-dev/sigc/ir/lower"
	"github.com/sigc-dev/sigc/ir/pipeline"
)

type listCmd struct {
	What string `arg:"" enum:"modifiers,targets,pipelines" help:"What to list: modifiers, targets or pipelines."`
}

func (c *listCmd) run(e *env) int {
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	defer tw.Flush()
	switch c.What {
	case "modifiers":
		fmt.Fprintln(tw, "MODIFIER\tCATEGORY\tMEANING")
		for _, m := range lower.Modifiers() {
			name := m.Name
			if len(m.Aliases) > 0 {
				name += " (" + strings.Join(m.Aliases, ", ") + ")"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\n", name, m.Category, m.Summary)
		}
	case "targets":
		fmt.Fprintln(tw, "TARGET\tFORMATS\tDESCRIPTION")
		for _, n := range e.reg.Names() {
			b, _ := e.reg.Lookup(n)
			fmt.Fprintf(tw, "%s\t%s\t%s\n", n, strings.Join(append(b.Formats(), "json"), ", "), b.Description())
		}
	case "pipelines":
		fmt.Fprintln(tw, "PIPELINE\tPRIORITY\tSOURCE\tDESCRIPTION")
		base := pipeline.Builtins()
		for _, n := range base.Names() {
			p, _ := base.Lookup(n)
			fmt.Fprintf(tw, "%s\t%d\tsigc\t%s\n", n, p.Priority, p.Description)
		}
		for _, tn := range e.reg.Names() {
			b, _ := e.reg.Lookup(tn)
			pp, ok := b.(backends.PipelineProvider)
			if !ok {
				continue
			}
			srcs := pp.Pipelines()
			names := make([]string, 0, len(srcs))
			for n := range srcs {
				names = append(names, n)
			}
			sort.Strings(names)
			for _, n := range names {
				if p, _ := pipeline.Parse(n, srcs[n]); p != nil {
					fmt.Fprintf(tw, "%s\t%d\t%s\t%s\n", n, p.Priority, tn, p.Description)
				}
			}
		}
	}
	return ExitOK
}
