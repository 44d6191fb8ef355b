package cli

import (
	"sort"

	"github.com/sigc-dev/sigc/backends"
	"github.com/sigc-dev/sigc/ir/diag"
	"github.com/sigc-dev/sigc/ir/pipeline"
)

// catalog is every named pipeline a run can use: sigc's built-ins plus the
// pipelines the target ships (backends.PipelineProvider).
type catalog struct {
	base  pipeline.Catalog
	extra map[string]*pipeline.Pipeline
	desc  map[string]string
}

func newCatalog(be backends.Backend) (*catalog, diag.List) {
	c := &catalog{base: pipeline.Builtins(), extra: map[string]*pipeline.Pipeline{}}
	var l diag.List
	if pp, ok := be.(backends.PipelineProvider); ok {
		for name, src := range pp.Pipelines() {
			p, pd := pipeline.Parse(be.Name()+":"+name+".yml", src)
			l.Append(pd)
			if p != nil {
				c.extra[name] = p
			}
		}
	}
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
// user's -p pipelines sorted by priority.
func resolveChain(be backends.Backend, specs []string, without bool, o backends.Options) (pipeline.Chain, diag.List) {
	cat, l := newCatalog(be)
	var chain pipeline.Chain
	if pp, ok := be.(backends.PipelineProvider); ok && !without {
		for _, name := range pp.BasePipelines(o) {
			p, found := cat.Lookup(name)
			if !found {
				l.Errorf(diag.CodePipelineUnknown, diag.Pos{}, "target %s names base pipeline %q, which does not exist", be.Name(), name)
				continue
			}
			chain = append(chain, p)
		}
	}
	user, ud := pipeline.Resolve(specs, cat)
	l.Append(ud)
	chain = append(chain, user...)
	return chain, l
}
