// Package diag is sigc's single diagnostics type: positions, stable codes,
// severities, collected lists and their rendering with a source snippet.
//
// Input: stages (rules, rules/condition, ir/lower, ir/pipeline, backends)
// create Diagnostics and collect them in a List. Output: the CLI and the
// golden tests render a List with Render. No stage prints anything itself.
//
// It is the one leaf package of the project: it imports only the standard
// library, so every other package may import it.
package diag

import (
	"fmt"
	"sort"
	"strings"
)

// Pos is a position in a source file. Line and Col are both 1-based; Col
// counts bytes of the line, as yaml.v3 and participle do. A zero Line means
// "the file as a whole" (for example a read error).
type Pos struct {
	File string `json:"file,omitempty"`
	Line int    `json:"line,omitempty"`
	Col  int    `json:"col,omitempty"`
}

// String renders the position as file:line:col, leaving out what is unknown.
func (p Pos) String() string {
	switch {
	case p.Line == 0:
		return p.File
	case p.Col == 0:
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// IsValid reports whether the position names a line.
func (p Pos) IsValid() bool { return p.Line > 0 }

// Shift returns the position of a 1-based (line, col) location inside a text
// that starts at p. It is how positions inside a condition string or a regex
// are mapped back into the YAML file.
func (p Pos) Shift(line, col int) Pos {
	if line <= 1 {
		return Pos{File: p.File, Line: p.Line, Col: p.Col + col - 1}
	}
	return Pos{File: p.File, Line: p.Line + line - 1, Col: col}
}

// Before orders positions by file, line and column.
func (p Pos) Before(q Pos) bool {
	if p.File != q.File {
		return p.File < q.File
	}
	if p.Line != q.Line {
		return p.Line < q.Line
	}
	return p.Col < q.Col
}

// Severity says whether a diagnostic stops a rule (Error) or only informs.
type Severity int

// Severities, most severe first.
const (
	Error Severity = iota
	Warning
	Info
)

// String returns the lower-case name of the severity.
func (s Severity) String() string {
	switch s {
	case Error:
		return "error"
	case Warning:
		return "warning"
	case Info:
		return "info"
	}
	return fmt.Sprintf("severity(%d)", int(s))
}

// MarshalText renders the severity by name in JSON output.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads a severity name, so JSON reports round-trip.
func (s *Severity) UnmarshalText(b []byte) error {
	for _, c := range []Severity{Error, Warning, Info} {
		if c.String() == string(b) {
			*s = c
			return nil
		}
	}
	return fmt.Errorf("unknown severity %q", b)
}

// Diagnostic is one finding about an input, at a position, with a stable code.
type Diagnostic struct {
	Code     Code     `json:"code"`
	Severity Severity `json:"severity"`
	Pos      Pos      `json:"pos"`
	Msg      string   `json:"message"`
	// Hint says what to do about it; rendered on its own line.
	Hint string `json:"hint,omitempty"`
}

// Error implements error as "file:line:col: severity[code]: message".
func (d Diagnostic) Error() string {
	return fmt.Sprintf("%s: %s[%s]: %s", d.Pos, d.Severity, d.Code, d.Msg)
}

// MaxDiagnostics caps a List, as cel-go does: past it, one more error says
// that the rest were dropped. Hostile inputs must not produce gigabytes of
// diagnostics.
const MaxDiagnostics = 200

// List collects diagnostics. The zero value is ready to use. It implements
// error so a stage can return it where an error is expected.
type List struct {
	items   []Diagnostic
	dropped int
	// droppedErrs counts the dropped diagnostics of Error severity, so
	// that dropping warnings never turns a clean result into a failure.
	droppedErrs int
}

// Add appends a diagnostic, or counts it as dropped past MaxDiagnostics.
func (l *List) Add(d Diagnostic) {
	if len(l.items) >= MaxDiagnostics {
		l.dropped++
		if d.Severity == Error {
			l.droppedErrs++
		}
		return
	}
	l.items = append(l.items, d)
}

// Errorf adds an error-severity diagnostic.
func (l *List) Errorf(code Code, pos Pos, format string, args ...any) {
	l.Add(Diagnostic{Code: code, Severity: Error, Pos: pos, Msg: fmt.Sprintf(format, args...)})
}

// Warnf adds a warning-severity diagnostic.
func (l *List) Warnf(code Code, pos Pos, format string, args ...any) {
	l.Add(Diagnostic{Code: code, Severity: Warning, Pos: pos, Msg: fmt.Sprintf(format, args...)})
}

// ErrorHint adds an error with a hint that tells the user what to do.
func (l *List) ErrorHint(code Code, pos Pos, hint string, format string, args ...any) {
	l.Add(Diagnostic{Code: code, Severity: Error, Pos: pos, Msg: fmt.Sprintf(format, args...), Hint: hint})
}

// Append adds every diagnostic of other.
func (l *List) Append(other List) {
	for _, d := range other.items {
		l.Add(d)
	}
	l.dropped += other.dropped
	l.droppedErrs += other.droppedErrs
}

// Len returns the number of diagnostics kept.
func (l List) Len() int { return len(l.items) }

// Items returns the diagnostics sorted by position (stable for equal
// positions, so the order of discovery breaks ties).
func (l List) Items() []Diagnostic {
	out := append([]Diagnostic(nil), l.items...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Pos.Before(out[j].Pos) })
	return out
}

// Dropped returns how many diagnostics were discarded past MaxDiagnostics.
func (l List) Dropped() int { return l.dropped }

// DroppedErrors returns how many of the dropped diagnostics were errors.
func (l List) DroppedErrors() int { return l.droppedErrs }

// HasErrors reports whether any diagnostic has Error severity.
func (l List) HasErrors() bool {
	if l.droppedErrs > 0 {
		return true
	}
	for _, d := range l.items {
		if d.Severity == Error {
			return true
		}
	}
	return false
}

// Codes returns the codes of all diagnostics in position order; tests
// assert on them.
func (l List) Codes() []Code {
	var out []Code
	for _, d := range l.Items() {
		out = append(out, d.Code)
	}
	return out
}

// Err returns the list as an error if it holds any error, else nil.
func (l List) Err() error {
	if l.HasErrors() {
		return l
	}
	return nil
}

// Error joins the diagnostics one per line.
func (l List) Error() string {
	var b strings.Builder
	for i, d := range l.Items() {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(d.Error())
	}
	if l.dropped > 0 {
		fmt.Fprintf(&b, "\n(%d more diagnostics not shown)", l.dropped)
	}
	return b.String()
}

// Sources gives Render the text of the files diagnostics point into.
type Sources interface {
	// Line returns the 1-based line of file without its newline.
	Line(file string, line int) (string, bool)
}

// SourceMap is a Sources backed by file contents held in memory.
type SourceMap map[string][]byte

// Line implements Sources.
func (m SourceMap) Line(file string, line int) (string, bool) {
	src, ok := m[file]
	if !ok || line < 1 {
		return "", false
	}
	for n := 1; ; n++ {
		i := strings.IndexByte(string(src), '\n')
		if n == line {
			if i < 0 {
				return strings.TrimSuffix(string(src), "\r"), true
			}
			return strings.TrimSuffix(string(src[:i]), "\r"), true
		}
		if i < 0 {
			return "", false
		}
		src = src[i+1:]
	}
}

// Render writes every diagnostic as
//
//	file:line:col: error[code]: message
//	   12 |     Image|contians: foo
//	      |          ^
//	  hint: ...
//
// src may be nil, in which case no snippet is shown.
func Render(l List, src Sources) string {
	var b strings.Builder
	for _, d := range l.Items() {
		RenderOne(&b, d, src)
	}
	if l.dropped > 0 {
		fmt.Fprintf(&b, "%d more diagnostics not shown\n", l.dropped)
	}
	return b.String()
}

// RenderOne writes a single diagnostic in the format of Render.
func RenderOne(b *strings.Builder, d Diagnostic, src Sources) {
	fmt.Fprintf(b, "%s\n", d.Error())
	if src != nil && d.Pos.IsValid() {
		if line, ok := src.Line(d.Pos.File, d.Pos.Line); ok {
			// Tabs are shown as a space so that the caret lines up.
			line = strings.ReplaceAll(line, "\t", " ")
			if len(line) > 200 {
				line = line[:200] + "…"
			}
			num := fmt.Sprintf("%5d", d.Pos.Line)
			fmt.Fprintf(b, "%s | %s\n", num, line)
			if d.Pos.Col > 0 {
				col := d.Pos.Col
				if col > len(line)+1 {
					col = len(line) + 1
				}
				fmt.Fprintf(b, "%s | %s^\n", strings.Repeat(" ", len(num)), strings.Repeat(" ", col-1))
			}
		}
	}
	if d.Hint != "" {
		fmt.Fprintf(b, "  hint: %s\n", d.Hint)
	}
}
