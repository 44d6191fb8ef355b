package rules

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/sigc-dev/sigc/ir/diag"
)

// ParseFile parses the bytes of one file, which may hold any number of YAML
// documents separated by `---`, into Sigma documents. name is used in
// positions only. Empty documents (such as one after a trailing `---`) are
// skipped; a file without any document gets a warning.
//
// Documents are returned even when they have errors, except those that are
// not Sigma documents at all (not a mapping, unknown kind, legacy action
// documents, or over the Limits).
func ParseFile(name string, src []byte, lim Limits) ([]*Document, diag.List) {
	lim = lim.withDefaults()
	p := &parser{file: name, src: src, lim: lim}
	docs := p.parseAll()
	return docs, p.diags
}

// parser holds the state of parsing one file.
type parser struct {
	file  string
	src   []byte
	lim   Limits
	diags diag.List
	// lineStarts[i] is the byte offset of line i+1; built on first use.
	lineStarts []int
	// lineRunes caches runeStarts per line (nil for ASCII lines).
	lineRunes map[int][]int32
}

func (p *parser) parseAll() (docs []*Document) {
	if int64(len(p.src)) > p.lim.MaxFileSize {
		p.diags.Errorf(diag.CodeTooLarge, diag.Pos{File: p.file}, "%s is larger than the limit of %d bytes", p.file, p.lim.MaxFileSize)
		return nil
	}
	// yaml.v3 builds the whole node tree of a document before we see it,
	// at roughly 200 bytes per node: 8 MiB of "1,1,1,..." would cost close
	// to 1 GB. estimateNodes bounds the tree size from the raw bytes first.
	if est := estimateNodes(p.src); est > p.lim.MaxNodes {
		p.diags.Errorf(diag.CodeTooLarge, diag.Pos{File: p.file, Line: 1, Col: 1},
			"%s may hold up to %d YAML nodes, over the limit of %d", p.file, est, p.lim.MaxNodes)
		return nil
	}
	next := documents(p.src)
	seenContent := false
	var coll collection
	for idx := 0; ; idx++ {
		var n yaml.Node
		err := next(&n)
		if err == io.EOF {
			break
		}
		if err != nil {
			p.syntaxError(err)
			// The decoder cannot resynchronise after an error: later
			// documents of the file are lost.
			return docs
		}
		if isEmptyDocument(&n) {
			continue
		}
		seenContent = true
		if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
			// Merging only walks top-level mappings; the limits on nodes,
			// depth and aliases are checked on the result by document.
			root := coll.apply(p, resolve(n.Content[0]))
			if root == nil {
				continue // a v1 global/reset document: nothing of its own
			}
			n.Content[0] = root
		}
		if d := p.document(&n, idx); d != nil {
			docs = append(docs, d)
		}
	}
	if !seenContent {
		p.diags.Warnf(diag.CodeYAMLEmptyDoc, diag.Pos{File: p.file, Line: 1, Col: 1}, "%s holds no YAML document", p.file)
	}
	return docs
}

// documents returns a function that decodes the next document of src
// into n, returning io.EOF after the last. A panic inside yaml.v3 becomes
// an error: whatever the input, parsing must not crash the caller.
func documents(src []byte) func(n *yaml.Node) error {
	dec := yaml.NewDecoder(bytes.NewReader(src))
	return func(n *yaml.Node) (err error) {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("yaml: internal parser failure: %v", r)
			}
		}()
		return dec.Decode(n)
	}
}

// isEmptyDocument reports whether a document has no content at all, which
// is what yaml.v3 produces for a trailing `---` or a comment-only document.
// An explicit `~` or `null` is content, and gets a diagnostic later.
func isEmptyDocument(n *yaml.Node) bool {
	if n.Kind != yaml.DocumentNode || len(n.Content) == 0 {
		return true
	}
	c := n.Content[0]
	return c.Kind == yaml.ScalarNode && c.Tag == "!!null" && c.Value == "" && c.Style == 0 && c.Anchor == ""
}

// syntaxError reports a yaml.v3 error. yaml.v3 gives only a line, inside
// the message ("yaml: line 12: did not find expected key"); some errors
// (bad bytes) have none, and for those the offending byte is located here.
func (p *parser) syntaxError(err error) {
	msg := err.Error()
	if te, ok := err.(*yaml.TypeError); ok {
		msg = strings.Join(te.Errors, "; ")
	}
	msg = strings.TrimPrefix(msg, "yaml: ")
	pos := diag.Pos{File: p.file, Line: 1, Col: 1}
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if i := strings.IndexByte(rest, ':'); i > 0 {
			if line, err := strconv.Atoi(rest[:i]); err == nil {
				pos = diag.Pos{File: p.file, Line: line}
				msg = strings.TrimSpace(rest[i+1:])
			}
		}
	} else if off := badByteOffset(p.src); off >= 0 {
		pos = p.offsetPos(off)
	}
	p.diags.Errorf(diag.CodeYAMLSyntax, pos, "invalid YAML: %s", msg)
}

// badByteOffset returns the offset of the first byte that YAML refuses
// (invalid UTF-8 or a control character other than tab and line breaks),
// or -1.
func badByteOffset(src []byte) int {
	for i := 0; i < len(src); {
		r, size := utf8.DecodeRune(src[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0x7f {
			return i
		}
		i += size
	}
	return -1
}

// estimateNodes returns an upper bound of the number of nodes yaml.v3 can
// build from src, without parsing it. Every node but the first is
// introduced by one of the indicators `- , [ { : ?` or by a line that
// starts with content, and no indicator introduces more than two nodes
// (`- key: v` makes the mapping and its first key; `{a, b}` a key and its
// implicit null value), so twice their count, plus one, bounds the tree.
// Indicators inside quoted strings and comments are counted too, which only
// loosens the bound; real Sigma files are two orders of magnitude below it.
func estimateNodes(src []byte) int {
	n := 0
	lineStart := true
	for _, c := range src {
		switch byteClass[c] {
		case classIndicator:
			n++
			if lineStart {
				n++
				lineStart = false
			}
		case classBreak:
			lineStart = true
		case classBlank:
		case classComment:
			// A comment line introduces no node.
			lineStart = false
		default:
			if lineStart {
				n++
				lineStart = false
			}
		}
	}
	return 2*n + 1
}

// Byte classes of estimateNodes.
const (
	classOther = iota
	classIndicator
	classBreak
	classBlank
	classComment
)

// byteClass classifies bytes for estimateNodes.
var byteClass = func() (t [256]uint8) {
	for _, c := range []byte("-,[{:?") {
		t[c] = classIndicator
	}
	t['\n'], t['\r'] = classBreak, classBreak
	t[' '], t['\t'] = classBlank, classBlank
	t['#'] = classComment
	return t
}()

// ensureLines builds the line index of the source.
func (p *parser) ensureLines() {
	if p.lineStarts != nil {
		return
	}
	starts := make([]int, 1, bytes.Count(p.src, []byte{'\n'})+1)
	for i, c := range p.src {
		if c == '\n' {
			starts = append(starts, i+1)
		}
	}
	p.lineStarts = starts
}

// line returns the text of the 1-based line without its line break.
func (p *parser) line(n int) []byte {
	p.ensureLines()
	if n < 1 || n > len(p.lineStarts) {
		return nil
	}
	start := p.lineStarts[n-1]
	end := len(p.src)
	if n < len(p.lineStarts) {
		end = p.lineStarts[n] - 1
	}
	return bytes.TrimSuffix(p.src[start:end], []byte{'\r'})
}

// offsetPos converts a byte offset into a position.
func (p *parser) offsetPos(off int) diag.Pos {
	p.ensureLines()
	lo, hi := 0, len(p.lineStarts)-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if p.lineStarts[mid] <= off {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return diag.Pos{File: p.file, Line: lo + 1, Col: off - p.lineStarts[lo] + 1}
}

// at converts a yaml.v3 mark into a position. yaml.v3 counts columns in
// characters, while diag.Pos counts bytes (what offsets into the line
// need), so columns on lines with non-ASCII text are converted. The
// conversion is O(1) after a first pass over each such line, so that a
// hostile file with one huge line of values stays linear.
func (p *parser) at(line, col int) diag.Pos {
	pos := diag.Pos{File: p.file, Line: line, Col: col}
	if col <= 1 {
		return pos
	}
	if offs := p.runeStarts(line); offs != nil && col-1 < len(offs) {
		pos.Col = int(offs[col-1]) + 1
	}
	return pos
}

// runeStarts returns the byte offset of each character of a line that
// holds non-ASCII text, or nil for an ASCII line (and out-of-range lines).
func (p *parser) runeStarts(line int) []int32 {
	p.ensureLines()
	if line < 1 || line > len(p.lineStarts) {
		return nil
	}
	if p.lineRunes == nil {
		p.lineRunes = make(map[int][]int32)
	} else if offs, ok := p.lineRunes[line]; ok {
		return offs
	}
	text := p.line(line)
	var offs []int32
	for i := 0; i < len(text); i++ {
		if text[i] >= utf8.RuneSelf {
			offs = make([]int32, 0, len(text))
			for j := range string(text) {
				offs = append(offs, int32(j))
			}
			break
		}
	}
	p.lineRunes[line] = offs
	return offs
}

// pos returns the position of a node.
func (p *parser) pos(n *yaml.Node) diag.Pos { return p.at(n.Line, n.Column) }
