package cli

import (
	"fmt"
	"sort"
	"strings"

	"github.com/sigc-dev/sigc/ir/diag"
	"github.com/sigc-dev/sigc/ir/lower"
	"github.com/sigc-dev/sigc/rules"
)

// unit is one Sigma document on its way through the stages, with every
// diagnostic that concerns it.
type unit struct {
	*lower.Lowered
	// diags holds the loader's diagnostics for this document followed by
	// lowering's and later stages'.
	diags diag.List
}

// failed reports whether any stage found an error in this document.
func (u *unit) failed() bool { return u.diags.HasErrors() }

// loaded is the result of the load and lower stages for a run.
type loaded struct {
	set   *rules.Set
	units []*unit
	// orphan holds diagnostics that belong to no document (unreadable
	// files, YAML that does not parse at all).
	orphan diag.List
	// hidden are the rules that correlations refer to without
	// `generate: true` (filled by the commands that need it).
	hidden map[*unit]bool
}

// load reads paths and lowers every document, attributing each loader
// diagnostic to the document whose range contains it.
func load(paths []string, stdin interface{ Read([]byte) (int, error) }) *loaded {
	set, all := rules.Load(paths, stdin, rules.DefaultLimits())
	out := &loaded{set: set}
	// Diagnostics about paths rather than files (a path that does not
	// exist) are in the merged list only; per-file ones are taken below
	// from set.FileDiags, which no other file's warnings can crowd out.
	files := map[string]bool{}
	for _, f := range set.Files {
		files[f] = true
	}
	for _, d := range all.Items() {
		if !files[d.Pos.File] {
			out.orphan.Add(d)
		}
	}
	if len(set.Files) == 0 && !out.orphan.HasErrors() {
		out.orphan.ErrorHint(diag.CodeIO, diag.Pos{File: strings.Join(paths, " ")},
			"name Sigma rule files, or directories that contain *.yml / *.yaml files",
			"no Sigma files found")
	}
	// Documents by file, in order, to attribute diagnostics by line.
	byFile := map[string][]*unit{}
	lowered := lower.Collection(set.Docs)
	for _, lo := range lowered {
		u := &unit{Lowered: lo}
		out.units = append(out.units, u)
		if lo.Doc.Kind != rules.KindFilter || lo.Rule != nil {
			byFile[lo.Doc.File] = append(byFile[lo.Doc.File], u)
		}
	}
	for f := range byFile {
		us := byFile[f]
		sort.SliceStable(us, func(i, j int) bool { return us[i].Doc.Index < us[j].Doc.Index })
	}
	// Per-file lists: the merged list of Load is capped, and a large run
	// must not lose a rule's diagnostics to another file's warnings.
	for i, f := range set.Files {
		fd := set.FileDiags[i]
		us := byFile[f]
		for _, d := range fd.Items() {
			var owner *unit
			for _, u := range us {
				if u.Doc.Pos.Line <= d.Pos.Line || owner == nil {
					owner = u
				}
			}
			if owner == nil {
				out.orphan.Add(d)
				continue
			}
			owner.diags.Add(d)
		}
		if fd.Dropped() > 0 {
			sev := diag.Warning
			if fd.DroppedErrors() > 0 {
				sev = diag.Error
			}
			out.orphan.Add(diag.Diagnostic{Code: diag.CodeTooLarge, Severity: sev, Pos: diag.Pos{File: f},
				Msg: fmt.Sprintf("%d more diagnostics for this file were not shown", fd.Dropped())})
		}
	}
	for _, u := range out.units {
		// A document with loader errors was not lowered meaningfully: its
		// lowering diagnostics would only repeat the cause.
		if u.diags.HasErrors() {
			u.Rule, u.Correlation = nil, nil
			continue
		}
		u.diags.Append(u.Lowered.Diags)
	}
	return out
}
