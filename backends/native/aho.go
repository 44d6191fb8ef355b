package native

import "unicode/utf8"

// automaton is an Aho-Corasick automaton compiled to a dense DFA over
// byte classes, matching case-insensitively (ASCII folding; see fold.go for
// the two non-ASCII runes that fold to ASCII letters).
//
// Why a DFA: the prefilter scans every byte of every event, so the inner
// loop must be one table load per byte. Bytes that occur in no pattern
// share class 0, which keeps rows short (a few dozen classes), so the
// table stays small even for thousands of literals.
type automaton struct {
	class  [256]uint8
	ncls   int32
	delta  []int32   // row offsets (state*ncls); negative (^off) marks a state with outputs
	outs   [][]int32 // by state: pattern ids ending there, fail-chain included
	npats  int
	states int
}

// newAutomaton builds the automaton; patterns must be folded already.
func newAutomaton(pats []string) *automaton {
	a := &automaton{npats: len(pats)}
	// Byte classes over folded bytes.
	var used [256]bool
	for _, p := range pats {
		for i := 0; i < len(p); i++ {
			used[p[i]] = true
		}
	}
	n := int32(1)
	var clsOf [256]uint8
	for b := 0; b < 256; b++ {
		if used[b] {
			clsOf[b] = uint8(n)
			n++
		}
	}
	for b := 0; b < 256; b++ {
		a.class[b] = clsOf[lowerASCII[b]]
	}
	a.ncls = n
	// Trie.
	type tnode struct {
		next map[uint8]int32
		out  []int32
	}
	trie := []tnode{{next: map[uint8]int32{}}}
	for id, p := range pats {
		s := int32(0)
		for i := 0; i < len(p); i++ {
			c := clsOf[p[i]]
			nx, ok := trie[s].next[c]
			if !ok {
				nx = int32(len(trie))
				trie = append(trie, tnode{next: map[uint8]int32{}})
				trie[s].next[c] = nx
			}
			s = nx
		}
		trie[s].out = append(trie[s].out, int32(id))
	}
	ns := int32(len(trie))
	a.states = int(ns)
	goto_ := make([]int32, ns*n) // state ids
	fail := make([]int32, ns)
	a.outs = make([][]int32, ns)
	// BFS from the root fills the DFA rows: a missing edge follows the
	// failure link, whose row is already complete.
	queue := make([]int32, 0, ns)
	for c := int32(0); c < n; c++ {
		if nx, ok := trie[0].next[uint8(c)]; ok {
			goto_[c] = nx
			queue = append(queue, nx)
		}
	}
	for qi := 0; qi < len(queue); qi++ {
		s := queue[qi]
		a.outs[s] = append(append([]int32(nil), trie[s].out...), a.outs[fail[s]]...)
		for c := int32(0); c < n; c++ {
			if nx, ok := trie[s].next[uint8(c)]; ok {
				fail[nx] = goto_[fail[s]*n+c]
				goto_[s*n+c] = nx
				queue = append(queue, nx)
			} else {
				goto_[s*n+c] = goto_[fail[s]*n+c]
			}
		}
	}
	a.delta = make([]int32, ns*n)
	for i, t := range goto_ {
		off := t * n
		if len(a.outs[t]) > 0 {
			off = ^off
		}
		a.delta[i] = off
	}
	return a
}

// scan feeds s through the automaton and calls hit for every pattern that
// occurs in it (possibly more than once).
func (a *automaton) scan(s string, hit func(pat int32)) {
	delta, cls := a.delta, &a.class
	off := int32(0)
	for i := 0; i < len(s); i++ {
		b := s[i]
		c := int32(cls[b])
		if b >= utf8.RuneSelf {
			// KELVIN SIGN and LONG S fold to 'k' and 's'.
			if b == 0xE2 && i+2 < len(s) && s[i+1] == 0x84 && s[i+2] == 0xAA {
				c = int32(cls['k'])
				i += 2
			} else if b == 0xC5 && i+1 < len(s) && s[i+1] == 0xBF {
				c = int32(cls['s'])
				i++
			}
		}
		off = delta[off+c]
		if off < 0 {
			off = ^off
			for _, p := range a.outs[off/a.ncls] {
				hit(p)
			}
		}
	}
}

// bytes returns the approximate memory the automaton holds.
func (a *automaton) bytes() int {
	n := len(a.delta) * 4
	for _, o := range a.outs {
		n += 24 + 4*len(o)
	}
	return n
}
