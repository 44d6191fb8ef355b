package ir

import "testing"

func TestParseSigmaString(t *testing.T) {
	tests := []struct {
		in     string
		expand bool
		want   string // FormatPattern
	}{
		{`C:\Windows\System32`, false, `"C:\\Windows\\System32"`},
		{`C:\\Windows`, false, `"C:\\Windows"`},
		{`C:\Windows\*`, false, `"C:\\Windows*"`},
		{`C:\Windows\\*`, false, `"C:\\Windows\\"*`},
		{`a\\\*b`, false, `"a\\*b"`},
		{`a\\\\b`, false, `"a\\\\b"`},
		{`\\\\\*\\IPC$`, false, `"\\\\*\\IPC$"`},
		{`a\?b`, false, `"a?b"`},
		{`a**b`, false, `"a"**"b"`},
		{`a\`, false, `"a\\"`},
		{`*\cmd.exe`, false, `*"\\cmd.exe"`},
		{`a?b`, false, `"a"?"b"`},
		{``, false, `""`},
		{`%VAR%`, false, `"%VAR%"`},
		{`%VAR%\x`, true, `%VAR%"\\x"`},
		{`a\%b%`, true, `"a%b%"`},
		{`100%`, true, `"100%"`},
		{`%a%%b%`, true, `%a%%b%`},
	}
	for _, tt := range tests {
		got := FormatPattern(ParseSigmaString(tt.in, tt.expand))
		if got != tt.want {
			t.Errorf("ParseSigmaString(%q, %v) = %s, want %s", tt.in, tt.expand, got, tt.want)
		}
	}
}

func TestSigmaStringRoundTrip(t *testing.T) {
	for _, s := range []string{`C:\Windows\*`, `a\\\*b`, `*x?y*`, `%p%\%`, `a\`, `\\\\`, `tail\\`} {
		p := ParseSigmaString(s, true)
		back := ParseSigmaString(p.SigmaString(), true)
		if !p.Equal(back) {
			t.Errorf("round trip of %q: %s -> %q -> %s", s, FormatPattern(p), p.SigmaString(), FormatPattern(back))
		}
	}
}

func TestClassify(t *testing.T) {
	tests := []struct {
		in    string
		shape Shape
		lit   string
	}{
		{`abc`, ShapeExact, "abc"},
		{`abc*`, ShapePrefix, "abc"},
		{`*abc`, ShapeSuffix, "abc"},
		{`*abc*`, ShapeContains, "abc"},
		{`**abc**`, ShapeContains, "abc"},
		{`*`, ShapeAny, ""},
		{``, ShapeExact, ""},
		{`a*c`, ShapeGlob, ""},
		{`a?`, ShapeGlob, ""},
		{`a\*`, ShapeExact, "a*"},
	}
	for _, tt := range tests {
		s, lit := ParseSigmaString(tt.in, false).Classify()
		if s != tt.shape || lit != tt.lit {
			t.Errorf("Classify(%q) = %v %q, want %v %q", tt.in, s, lit, tt.shape, tt.lit)
		}
	}
}

func TestSimplify(t *testing.T) {
	m := func(f, v string) Expr { return &Match{Field: f, Op: OpEq, Value: String{Pattern: Lit(v)}} }
	tests := []struct {
		in   Expr
		want string
	}{
		{&And{Terms: []Expr{m("a", "1"), &And{Terms: []Expr{m("b", "2"), m("c", "3")}}}}, `(and ["a" = "1"] ["b" = "2"] ["c" = "3"])`},
		{&Or{Terms: []Expr{m("a", "1"), m("a", "1")}}, `["a" = "1"]`},
		{&Not{X: &Not{X: m("a", "1")}}, `["a" = "1"]`},
		{&And{Terms: []Expr{m("a", "1"), &Const{Value: true}}}, `["a" = "1"]`},
		{&And{Terms: []Expr{m("a", "1"), &Const{Value: false}}}, `false`},
		{&Or{Terms: []Expr{m("a", "1"), &Const{Value: true}}}, `true`},
		{&Or{Terms: []Expr{&Const{Value: false}, &Not{X: &Const{Value: true}}}}, `false`},
		{&And{Terms: []Expr{&Or{Terms: []Expr{m("a", "1"), &Or{Terms: []Expr{m("b", "1")}}}}}}, `(or ["a" = "1"] ["b" = "1"])`},
	}
	for _, tt := range tests {
		if got := Key(Simplify(tt.in)); got != tt.want {
			t.Errorf("Simplify(%s) = %s, want %s", Key(tt.in), got, tt.want)
		}
	}
}
