package native

import (
	"strings"
	"sync"
)

// fieldIDs numbers field names process-wide. A decoded field carries its
// name's number (field.id), and a routing bucket lists its indexed fields
// by number (routing.byID), so that the matcher finds whether it indexes
// a field with one load instead of hashing and comparing the name.
//
// Why process-wide: decoders and rule sets are made independently (one
// decoder per goroutine, any number of rule sets), and a number must mean
// the same name to both. A decoder numbers a name when it first meets it,
// and an index its fields when it is built, under the lock; matching
// never takes it.
var fieldIDs struct {
	mu  sync.Mutex
	ids map[string]uint16
}

// maxFieldIDs bounds the numbered names against inputs with ever-new
// keys; past it names get no number (0), and are looked up by hash.
const maxFieldIDs = 1<<16 - 1

// fieldID returns the number of a field name, numbering it if there is
// room, or 0.
func fieldID(name string) uint16 {
	fieldIDs.mu.Lock()
	defer fieldIDs.mu.Unlock()
	if id, ok := fieldIDs.ids[name]; ok {
		return id
	}
	if len(fieldIDs.ids) >= maxFieldIDs {
		return 0
	}
	if fieldIDs.ids == nil {
		fieldIDs.ids = map[string]uint16{}
	}
	id := uint16(len(fieldIDs.ids) + 1)
	fieldIDs.ids[strings.Clone(name)] = id
	return id
}
