package native

// automaton is an Aho-Corasick automaton compiled to a dense DFA over
// byte classes. Patterns are folded literals (see fold.go); the class
// table maps both cases of an ASCII letter to one class, so an ASCII value
// can be scanned as it is, and any other value is folded first.
//
// Why a DFA: the inner loop is one table load per byte. Bytes that occur
// in no pattern share class 0, which keeps rows short; one automaton per
// field (index.go) keeps the state count small, and a field is only
// scanned when a candidate rule needs it.
type automaton struct {
	class [256]uint8
	ncls  int32
	// delta holds row offsets (state*ncls); a negative entry (^off) marks
	// a state with outputs.
	delta []int32
	// outs[outAt[s]:outAt[s+1]] are the pattern ids ending in state s,
	// failure chain included.
	outAt  []int32
	outs   []int32
	states int
}

// newAutomaton builds the automaton of folded patterns; pattern ids are
// indexes into pats.
func newAutomaton(pats []string) *automaton {
	a := &automaton{}
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
	// Trie, with edges in one map keyed by state and class.
	next := map[int64]int32{}
	edge := func(s int32, c uint8) int64 { return int64(s)<<8 | int64(c) }
	out := [][]int32{nil}
	for id, p := range pats {
		s := int32(0)
		for i := 0; i < len(p); i++ {
			c := clsOf[p[i]]
			nx, ok := next[edge(s, c)]
			if !ok {
				nx = int32(len(out))
				out = append(out, nil)
				next[edge(s, c)] = nx
			}
			s = nx
		}
		out[s] = append(out[s], int32(id))
	}
	ns := int32(len(out))
	a.states = int(ns)
	goto_ := make([]int32, ns*n)
	fail := make([]int32, ns)
	// BFS from the root fills the DFA rows: a missing edge follows the
	// failure link, whose row is already complete.
	queue := make([]int32, 0, ns)
	for c := int32(0); c < n; c++ {
		if nx, ok := next[edge(0, uint8(c))]; ok {
			goto_[c] = nx
			queue = append(queue, nx)
		}
	}
	for qi := 0; qi < len(queue); qi++ {
		s := queue[qi]
		out[s] = append(out[s], out[fail[s]]...)
		for c := int32(0); c < n; c++ {
			if nx, ok := next[edge(s, uint8(c))]; ok {
				fail[nx] = goto_[fail[s]*n+c]
				goto_[s*n+c] = nx
				queue = append(queue, nx)
			} else {
				goto_[s*n+c] = goto_[fail[s]*n+c]
			}
		}
	}
	a.outAt = make([]int32, ns+1)
	for s := range out {
		a.outAt[s+1] = a.outAt[s] + int32(len(out[s]))
		a.outs = append(a.outs, out[s]...)
	}
	a.delta = make([]int32, ns*n)
	for i, t := range goto_ {
		off := t * n
		if len(out[t]) > 0 {
			off = ^off
		}
		a.delta[i] = off
	}
	return a
}

// bytes returns the memory the automaton holds.
func (a *automaton) bytes() int { return 4 * (len(a.delta) + len(a.outAt) + len(a.outs)) }
