package rules

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

// billionLaughs builds an alias bomb: level i is a list of ten aliases of
// level i-1, so the last level expands to 10^levels nodes.
func billionLaughs(levels int) string {
	var b strings.Builder
	b.WriteString("title: T\nlogsource: {product: w}\nx0: &a0 [lol]\n")
	for i := 1; i <= levels; i++ {
		fmt.Fprintf(&b, "x%d: &a%d [", i, i)
		for j := range 10 {
			if j > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "*a%d", i-1)
		}
		b.WriteString("]\n")
	}
	fmt.Fprintf(&b, "detection:\n  sel: *a%d\n  condition: sel\n", levels)
	return b.String()
}

// TestHostileInput checks that each hostile input is refused fast with
// its code, and without a document.
func TestHostileInput(t *testing.T) {
	nested := func(depth int, open, close string) string {
		return "title: T\nx: " + strings.Repeat(open, depth) + "a" + strings.Repeat(close, depth) + "\n"
	}
	var blockNested strings.Builder
	blockNested.WriteString("title: T\nx:\n")
	for i := range 150 {
		fmt.Fprintf(&blockNested, "%s- \n", strings.Repeat("  ", i))
	}
	tests := []struct {
		name string
		src  string
		lim  Limits
		want string
	}{
		{"billion laughs", billionLaughs(9), Limits{}, "9:15 E yaml/alias"},
		{"alias bomb under a small budget", billionLaughs(3), Limits{MaxNodes: 500}, "6:10 E yaml/alias"},
		{"deep flow sequences", nested(500, "[", "]"), Limits{}, "2:103 E yaml/too-deep"},
		{"deep flow mappings", nested(150, "{a: ", "}"), Limits{}, "2:400 E yaml/too-deep"},
		{"deep block sequences", blockNested.String(), Limits{}, "102:199 E yaml/too-deep"},
		{"too large", okRule + "description: " + strings.Repeat("x", 2000) + "\n", Limits{MaxFileSize: 1000}, "0:0 E input/too-large"},
		{"millions of nodes", "[" + strings.Repeat("1,", 3<<20) + "1]\n", Limits{}, "1:1 E input/too-large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			docs, dl := ParseFile("t.yml", []byte(tt.src), tt.lim)
			// Generous bounds (the race detector is slow): the point is to
			// catch super-linear work, which would take minutes.
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("took %v", d)
			}
			got := summary(dl)
			if len(got) != 1 || got[0] != tt.want {
				t.Errorf("diagnostics = %q, want [%q]", got, tt.want)
			}
			if len(docs) != 0 {
				t.Errorf("got %d documents", len(docs))
			}
		})
	}
}

// TestLargeButLegalInput checks that big inputs within the limits stay
// linear: a single line of 100,000 values after non-ASCII text, and a
// detection of 20,000 searches all referenced from one condition.
func TestLargeButLegalInput(t *testing.T) {
	line := rule("  sel:\n    é: [" + strings.Repeat("ü, ", 100_000) + "x]\n  condition: sel\n")
	var searches, refs strings.Builder
	for i := range 20_000 {
		fmt.Fprintf(&searches, "  s%d: v\n", i)
		if refs.Len() < 60_000 {
			fmt.Fprintf(&refs, "s%d or ", 19_999-i)
		}
	}
	many := rule(searches.String() + "  condition: " + refs.String() + "1 of s* or 1 of s*\n")
	for name, src := range map[string]string{"long line": line, "many searches": many} {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			docs, dl := ParseFile("t.yml", []byte(src), Limits{})
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("took %v", d)
			}
			if dl.HasErrors() || len(docs) != 1 {
				t.Fatalf("errors: %v", summary(dl)[:min(5, dl.Len())])
			}
		})
	}
}

// TestDepthLimitBoundary checks that MaxDepth itself is accepted.
func TestDepthLimitBoundary(t *testing.T) {
	lim := Limits{MaxDepth: 10}
	// The root mapping is depth 1; nine more levels of lists under key x.
	ok := "title: T\nx: " + strings.Repeat("[", 9) + strings.Repeat("]", 9) + "\n" + okRule[len("title: T\n"):]
	if _, dl := ParseFile("t.yml", []byte(ok), lim); dl.Len() != 0 {
		t.Errorf("depth 10: %v", dl)
	}
	deep := "title: T\nx: " + strings.Repeat("[", 10) + strings.Repeat("]", 10) + "\n" + okRule[len("title: T\n"):]
	if _, dl := ParseFile("t.yml", []byte(deep), lim); strings.Join(summary(dl), ",") != "2:13 E yaml/too-deep" {
		t.Errorf("depth 11: %q", summary(dl))
	}
}

// TestEstimateNodesIsUpperBound checks the node estimate against the real
// node count on assorted YAML shapes.
func TestEstimateNodesIsUpperBound(t *testing.T) {
	inputs := []string{
		okRule,
		"{a, b, c, d}",
		"[a, [b, [c]], {d: e}, {f}]",
		"- - - a\n  - b\n- ? x\n  : y\n",
		"- a: 1\n  b: 2\n- {c: 3}\n",
		"a:\n  b:\n    c: [1,2,3]\n    d: |\n      text\n      more\n",
		"? a\n? b\n? c\n",
		"--- a\n--- b\n--- [c]\n",
		"a: &x [1, 2]\nb: *x\n",
		"[{a: b}, {c: d}, [e, f]]",
		"[a: b, c: d]",
		"- !!str\n- &a\n- !t x\n",
	}
	for _, in := range inputs {
		dec := yaml.NewDecoder(strings.NewReader(in))
		nodes := 0
		for {
			var n yaml.Node
			if err := dec.Decode(&n); err != nil {
				break
			}
			nodes += countNodes(&n)
		}
		if est := estimateNodes([]byte(in)); est < nodes {
			t.Errorf("estimateNodes(%q) = %d < %d nodes", in, est, nodes)
		}
	}
}

// countNodes counts the nodes of a tree without following aliases.
func countNodes(n *yaml.Node) int {
	c := 1
	for _, ch := range n.Content {
		c += countNodes(ch)
	}
	return c
}
