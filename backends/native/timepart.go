package native

import (
	sigrt "github.com/sigc-dev/sigc/backends/internal/rt"
	"github.com/sigc-dev/sigc/ir"
)

// timePart extracts a component of a timestamp (sigrt.ParseTime says which
// forms are read) as the time modifiers define it; week is the ISO week.
func timePart(s string, part ir.TimePart) (int, bool) {
	t, ok := sigrt.ParseTime(s)
	if !ok {
		return 0, false
	}
	switch part {
	case ir.PartMinute:
		return t.Minute(), true
	case ir.PartHour:
		return t.Hour(), true
	case ir.PartDay:
		return t.Day(), true
	case ir.PartWeek:
		_, w := t.ISOWeek()
		return w, true
	case ir.PartMonth:
		return int(t.Month()), true
	case ir.PartYear:
		return t.Year(), true
	}
	return 0, false
}
