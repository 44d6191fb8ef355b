package native

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"runtime"
	"sync"
)

// Match is one event with the rules it matched, handed to a MatchStream
// callback.
type Match struct {
	// Line is the 1-based line where the event starts (record number for
	// EVTX).
	Line int
	// Raw is the event's JSON text as read (nil for EVTX records).
	Raw      []byte
	Event    Event
	Programs []*Program
}

// MatchStream reads events from r and matches them against rs on
// `workers` goroutines (GOMAXPROCS when workers <= 0), calling emit for
// every event that matched at least one rule.
//
// Output is ordered: emit sees events in input order, from a single
// goroutine, so a CLI can write them straight out. Ordering costs little:
// events travel in batches, and a finished batch waits only for the
// batches before it. The Match passed to emit (and its Event and Raw) is
// valid only during the call. JSON input is decoded in the workers, so
// decoding scales with cores too; EVTX records are decoded by the reading
// goroutine (the EVTX library is not safe to share) and matched in the
// workers.
func MatchStream(r io.Reader, rd *Reader, rs *RuleSet, workers int, emit func(Match) error) error {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if rd == nil {
		rd = &Reader{}
	}
	const batchSize = 256
	type item struct {
		line int
		doc  []byte // JSON text, or nil when ev is set (EVTX)
		ev   *Flat
	}
	type batch struct {
		seq     int
		buf     []byte // backing store of the items' docs
		items   []item
		matches []Match
		progs   []*Program // backing store of the matches' Programs
		counts  []int      // how many of progs each match has
		// kept holds the decoded events of the matches; spare holds
		// events from an earlier use of the batch, to decode into.
		kept, spare []*Flat
		err         error
	}
	// Batches are recycled once emitted, with their buffers and events,
	// so that a long stream allocates nothing per event.
	free := make(chan *batch, 2*workers+2)
	newBatch := func() *batch {
		select {
		case b := <-free:
			b.buf, b.items, b.matches, b.progs, b.counts, b.err = b.buf[:0], b.items[:0], b.matches[:0], b.progs[:0], b.counts[:0], nil
			b.spare = append(b.spare, b.kept...)
			b.kept = b.kept[:0]
			return b
		default:
			return &batch{}
		}
	}
	work := make(chan *batch, workers)
	done := make(chan *batch, workers)
	stop := make(chan struct{})
	var stopOnce sync.Once
	halt := func() { stopOnce.Do(func() { close(stop) }) }

	// Reader: cut the input into batches.
	readErr := make(chan error, 1)
	go func() {
		defer close(work)
		seq := 0
		cur := newBatch()
		send := func() bool {
			cur.seq = seq
			seq++
			select {
			case work <- cur:
			case <-stop:
				return false
			}
			cur = newBatch()
			return true
		}
		errStopped := errors.New("stopped")
		add := func(it item) error {
			cur.items = append(cur.items, it)
			if len(cur.items) == batchSize && !send() {
				return errStopped
			}
			return nil
		}
		var err error
		br := bufio.NewReaderSize(r, 1<<20)
		format := rd.Format
		if format == FormatAuto {
			if head, _ := br.Peek(len(evtxMagic)); bytes.Equal(head, evtxMagic) {
				format = FormatEVTX
			}
		}
		if format == FormatEVTX {
			line := 0
			err = rd.readEVTX(br, func(ev Event) error {
				line++
				// The reader reuses its event; keep a copy for the worker.
				return add(item{line: line, ev: cloneFlat(ev.(*Flat))})
			})
		} else {
			err = rd.splitJSON(br, nil, func(doc []byte, line int) error {
				start := len(cur.buf)
				cur.buf = append(cur.buf, doc...)
				return add(item{line: line, doc: cur.buf[start:len(cur.buf):len(cur.buf)]})
			})
		}
		if err == nil && len(cur.items) > 0 {
			send()
		}
		if errors.Is(err, errStopped) {
			err = nil
		}
		readErr <- err
	}()

	// Workers: decode and match.
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m := rs.NewMatcher()
			var d Decoder
			ev := &Flat{}
			var progs []*Program
			for b := range work {
				for _, it := range b.items {
					e := it.ev
					if e == nil {
						if err := d.Decode(it.doc, format(rd.Format), ev); err != nil {
							if err := rd.fail(&DecodeError{Line: it.line, Err: err}); err != nil {
								b.err = err
								break
							}
							continue
						}
						e = ev
					}
					progs = m.Match(e, progs[:0])
					if len(progs) == 0 {
						continue
					}
					b.progs = append(b.progs, progs...)
					b.counts = append(b.counts, len(progs))
					b.matches = append(b.matches, Match{Line: it.line, Raw: it.doc, Event: e})
					if e == ev {
						// The event is kept until emitted; decode the next
						// one into a spare.
						b.kept = append(b.kept, ev)
						if n := len(b.spare); n > 0 {
							ev, b.spare = b.spare[n-1], b.spare[:n-1]
						} else {
							ev = &Flat{}
						}
					}
				}
				// Programs slices are cut only now: b.progs may have moved
				// while it grew.
				off := 0
				for i := range b.matches {
					n := b.counts[i]
					b.matches[i].Programs = b.progs[off : off+n : off+n]
					off += n
				}
				select {
				case done <- b:
				case <-stop:
					return
				}
			}
		}()
	}
	go func() {
		wg.Wait()
		close(done)
	}()

	// Collector: emit in order.
	var err error
	pending := map[int]*batch{}
	next := 0
	for b := range done {
		if err != nil {
			continue
		}
		pending[b.seq] = b
		for {
			nb, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			next++
			if nb.err != nil {
				err = nb.err
				halt()
				break
			}
			for _, m := range nb.matches {
				if err = emit(m); err != nil {
					halt()
					break
				}
			}
			if err != nil {
				break
			}
			select {
			case free <- nb:
			default:
			}
		}
	}
	if rerr := <-readErr; err == nil {
		err = rerr
	}
	return err
}

// format maps FormatAuto to what a worker decodes: JSON with Windows
// detection. (EVTX never reaches workers as text.)
func format(f Format) Format {
	if f == FormatEVTX {
		return FormatAuto
	}
	return f
}

// cloneFlat copies an event out of a reader's reused buffers.
func cloneFlat(f *Flat) *Flat {
	out := &Flat{}
	for i := range f.fields {
		fl := &f.fields[i]
		out.setHashed(out.intern([]byte(fl.Name)), fl.hash, fl.id, cloneValue(f.value(fl), out))
	}
	out.pack()
	return out
}

func cloneValue(v Value, f *Flat) Value {
	if v.Kind == KindArray {
		elems := make([]Value, len(v.Elems))
		for i, e := range v.Elems {
			elems[i] = cloneValue(e, f)
		}
		return Value{Kind: KindArray, Elems: elems}
	}
	v.Str = f.intern([]byte(v.Str))
	return v
}
