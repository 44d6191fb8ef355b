package cli

import (
	"runtime"
	"sort"
	"sync"

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
}

// load reads paths and lowers every document, attributing each loader
// diagnostic to the document whose range contains it.
func load(paths []string, stdin interface{ Read([]byte) (int, error) }) *loaded {
	set, ldiags := rules.Load(paths, stdin, rules.DefaultLimits())
	out := &loaded{set: set}
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
	for _, d := range ldiags.Items() {
		us := byFile[d.Pos.File]
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
	if ldiags.Dropped() > 0 {
		out.orphan.Errorf(diag.CodeInternal, diag.Pos{}, "%d more loader diagnostics were dropped", ldiags.Dropped())
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

// parallel runs fn over n items on every core, keeping results in place.
func parallel(n int, fn func(i int)) {
	workers := runtime.GOMAXPROCS(0)
	if workers > n {
		workers = n
	}
	var wg sync.WaitGroup
	next := make(chan int, n)
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				fn(i)
			}
		}()
	}
	wg.Wait()
}
