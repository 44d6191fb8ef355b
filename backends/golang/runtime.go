package golang

import (
	"go/ast"
	"go/parser"
	"go/token"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/sigc-dev/sigc/backends/internal/rt"
)

// runtimeLib is the parsed runtime source: every top-level declaration
// with its text, the top-level names and packages it refers to.
type runtimeLib struct {
	decls   map[string]*rtDecl // by declared name (methods under "Type.Method")
	order   []string           // declaration order, for stable output
	methods map[string][]string
	err     error
}

type rtDecl struct {
	text    string
	refs    []string // top-level names used
	imports []string // import paths used
}

// skipped are runtime declarations that only serve the generator itself.
var skipped = map[string]bool{"Source": true}

// shared are the runtime helpers the native matcher imports too, so they
// are exported in rt; the generated package keeps them unexported.
var shared = regexp.MustCompile(`\b(CanonicalFloat|CanonicalNumber|ParseNum|ParseTime|` +
	`LowerASCII|FoldRune|FoldString|IsASCII|PrefixFold|EqualFold|HasPrefixFold|HasSuffixFold|` +
	`ASCIIEqualFoldAt|ContainsFoldSlow|GlobMatch)\b`)

// unexport renames the shared names in text to their unexported form. A
// name after a dot is another package's (strings.EqualFold) and is left
// alone.
func unexport(text string) string {
	var b strings.Builder
	last := 0
	for _, m := range shared.FindAllStringIndex(text, -1) {
		if m[0] > 0 && text[m[0]-1] == '.' {
			continue
		}
		b.WriteString(text[last:m[0]])
		b.WriteString(lowerFirst(text[m[0]:m[1]]))
		last = m[1]
	}
	b.WriteString(text[last:])
	return b.String()
}

// lowerFirst unexports a name the way Go spells it: a leading initialism is
// lower-cased whole (ASCIIEqualFoldAt → asciiEqualFoldAt, IsASCII →
// isASCII).
func lowerFirst(name string) string {
	n := 0
	for n < len(name) && 'A' <= name[n] && name[n] <= 'Z' {
		n++
	}
	if n > 1 && n < len(name) {
		n-- // the last capital starts the next word
	}
	return strings.ToLower(name[:n]) + name[n:]
}

var (
	libOnce sync.Once
	lib     runtimeLib
)

// runtime returns the parsed runtime, parsed once per process.
func runtime() *runtimeLib {
	libOnce.Do(func() { lib = parseRuntime(rt.Source) })
	return &lib
}

func parseRuntime(src string) runtimeLib {
	l := runtimeLib{decls: map[string]*rtDecl{}, methods: map[string][]string{}}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "runtime.go", src, parser.ParseComments)
	if err != nil {
		l.err = err
		return l
	}
	imports := map[string]string{} // local name → path
	for _, im := range f.Imports {
		path, _ := strconv.Unquote(im.Path.Value)
		name := path[strings.LastIndexByte(path, '/')+1:]
		if im.Name != nil {
			name = im.Name.Name
		}
		imports[name] = path
	}
	top := map[string]bool{}
	for _, d := range f.Decls {
		for _, n := range declNames(d) {
			top[n] = true
		}
	}
	off := func(p token.Pos) int { return fset.Position(p).Offset }
	for _, d := range f.Decls {
		names := declNames(d)
		if len(names) == 0 || skipped[names[0]] {
			continue
		}
		start := d.Pos()
		switch x := d.(type) {
		case *ast.FuncDecl:
			if x.Doc != nil {
				start = x.Doc.Pos()
			}
		case *ast.GenDecl:
			if x.Doc != nil {
				start = x.Doc.Pos()
			}
		}
		rd := &rtDecl{text: unexport(src[off(start):off(d.End())])}
		seenRef, seenImp := map[string]bool{}, map[string]bool{}
		ast.Inspect(d, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.SelectorExpr:
				if id, ok := x.X.(*ast.Ident); ok {
					if path, ok := imports[id.Name]; ok && !seenImp[path] {
						seenImp[path] = true
						rd.imports = append(rd.imports, path)
					}
				}
			case *ast.Ident:
				// Over-approximation is harmless: a local that shares a
				// top-level name only pulls in one more declaration.
				if top[x.Name] && !seenRef[x.Name] && x.Name != names[0] {
					seenRef[x.Name] = true
					rd.refs = append(rd.refs, unexport(x.Name))
				}
			}
			return true
		})
		key := unexport(names[0])
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv != nil {
			typ := recvType(fd)
			key = typ + "." + fd.Name.Name
			l.methods[typ] = append(l.methods[typ], key)
		}
		l.decls[key] = rd
		l.order = append(l.order, key)
	}
	return l
}

// declNames lists the names a top-level declaration introduces; for a
// method, its receiver type comes first so that its dependencies follow
// the type.
func declNames(d ast.Decl) []string {
	switch x := d.(type) {
	case *ast.FuncDecl:
		if x.Recv != nil {
			return []string{recvType(x)}
		}
		return []string{x.Name.Name}
	case *ast.GenDecl:
		var out []string
		for _, s := range x.Specs {
			switch sp := s.(type) {
			case *ast.TypeSpec:
				out = append(out, sp.Name.Name)
			case *ast.ValueSpec:
				for _, n := range sp.Names {
					out = append(out, n.Name)
				}
			}
		}
		return out
	}
	return nil
}

func recvType(fd *ast.FuncDecl) string {
	t := fd.Recv.List[0].Type
	if s, ok := t.(*ast.StarExpr); ok {
		t = s.X
	}
	if id, ok := t.(*ast.Ident); ok {
		return id.Name
	}
	return ""
}

// closure returns the runtime declarations (text, in source order) that
// roots need, transitively, and the import paths they use.
func (l *runtimeLib) closure(roots []string) (decls []string, imports []string) {
	need := map[string]bool{}
	var visit func(string)
	visit = func(n string) {
		d, ok := l.decls[n]
		if !ok || need[n] {
			return
		}
		need[n] = true
		for _, r := range d.refs {
			visit(r)
		}
		for _, m := range l.methods[n] {
			visit(m)
		}
	}
	for _, r := range roots {
		visit(r)
	}
	imp := map[string]bool{}
	for _, n := range l.order {
		if need[n] {
			decls = append(decls, l.decls[n].text)
			for _, p := range l.decls[n].imports {
				imp[p] = true
			}
		}
	}
	for p := range imp {
		imports = append(imports, p)
	}
	sort.Strings(imports)
	return decls, imports
}
