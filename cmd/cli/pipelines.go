package cli

import (
	"os"
	"path/filepath"
	"sort"

	"github.com/sigc-dev/sigc/backends"
	"github.com/sigc-dev/sigc/ir/diag"
	"github.com/sigc-dev/sigc/ir/pipeline"
)

// catalog is every named pipeline a run can use: sigc's built-ins plus the
// pipelines the targets ship (backends.PipelineProvider). Every target's
// pipelines are offered, so that `-t ir -p splunk_windows` shows what the
// Splunk pipeline does; the chosen target's own win a name clash.
type catalog struct {
	base  pipeline.Catalog
	extra map[string]*pipeline.Pipeline
}

func newCatalog(reg *backends.Registry, be backends.Backend) (*catalog, diag.List) {
	c := &catalog{base: pipeline.Builtins(), extra: map[string]*pipeline.Pipeline{}}
	var l diag.List
	add := func(b backends.Backend) {
		pp, ok := b.(backends.PipelineProvider)
		if !ok {
			return
		}
		for name, src := range pp.Pipelines() {
			p, pd := pipeline.Parse(b.Name()+":"+name+".yml", src)
			l.Append(pd)
			if p != nil {
				c.extra[name] = p
			}
		}
	}
	for _, n := range reg.Names() {
		if n != be.Name() {
			if b, ok := reg.Lookup(n); ok {
				add(b)
			}
		}
	}
	add(be)
	return c, l
}

// Lookup implements pipeline.Catalog.
func (c *catalog) Lookup(name string) (*pipeline.Pipeline, bool) {
	if p, ok := c.extra[name]; ok {
		return p, true
	}
	return c.base.Lookup(name)
}

// Names implements pipeline.Catalog.
func (c *catalog) Names() []string {
	names := c.base.Names()
	for n := range c.extra {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// resolveChain builds the pipeline chain of a conversion in pySigma's
// order: the target's base pipelines (unless --without-pipeline), then the
// user's -p pipelines sorted by priority, then the pipelines the output
// format requires. Named pipelines whose allowed_backends exclude the
// target are refused, as sigma-cli does.
func resolveChain(reg *backends.Registry, be backends.Backend, specs []string, without bool, o backends.Options) (pipeline.Chain, diag.List) {
	cat, l := newCatalog(reg, be)
	named := func(names []string) []*pipeline.Pipeline {
		var out []*pipeline.Pipeline
		for _, name := range names {
			p, found := cat.Lookup(name)
			if !found {
				l.Errorf(diag.CodePipelineUnknown, diag.Pos{}, "target %s names pipeline %q, which does not exist", be.Name(), name)
				continue
			}
			out = append(out, p)
		}
		return out
	}
	var base, format []*pipeline.Pipeline
	if pp, ok := be.(backends.PipelineProvider); ok {
		if !without {
			base = named(pp.BasePipelines(o))
		}
		format = named(pp.FormatPipelines(o))
	}
	user, ud := pipeline.Resolve(specs, cat)
	l.Append(ud)
	chain := pipeline.NewChain(base, user, format)
	l.Append(chain.CheckBackend(be.Name()))
	return chain, l
}

// pipelineSources reads the pipeline files named on the command line so
// that their diagnostics show the offending line.
func pipelineSources(specs []string) diag.SourceMap {
	m := diag.SourceMap{}
	for _, s := range specs {
		if src, ok := pipeline.BuiltinSource(s); ok {
			m[s] = src
			continue
		}
		files := []string{s}
		if st, err := os.Stat(s); err == nil && st.IsDir() {
			files, _ = filepath.Glob(filepath.Join(s, "*.y*ml"))
		}
		for _, f := range files {
			if b, err := os.ReadFile(f); err == nil && len(b) < 8<<20 {
				m[f] = b
			}
		}
	}
	return m
}
