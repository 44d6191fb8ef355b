package native

import (
	"time"

	"github.com/sigc-dev/sigc/ir"
)

// timePart extracts a component of a timestamp. Accepted forms are RFC 3339
// ("2024-01-02T03:04:05.678Z", "…+02:00") and the Windows/Sysmon form
// ("2024-01-02 03:04:05.678"), with or without fractional seconds, and a
// bare date. A timestamp with an offset is converted to UTC first; one
// without is taken as UTC (Windows logs write UTC). The parser is written
// by hand because time.Parse allocates its error on every non-timestamp.
func timePart(s string, part ir.TimePart) (int, bool) {
	num := func(i, n int) (int, bool) {
		if i+n > len(s) {
			return 0, false
		}
		v := 0
		for k := i; k < i+n; k++ {
			c := s[k]
			if c < '0' || c > '9' {
				return 0, false
			}
			v = v*10 + int(c-'0')
		}
		return v, true
	}
	year, ok1 := num(0, 4)
	month, ok2 := num(5, 2)
	day, ok3 := num(8, 2)
	if !ok1 || !ok2 || !ok3 || s[4] != '-' || s[7] != '-' || month < 1 || month > 12 || day < 1 || day > 31 {
		return 0, false
	}
	var hour, min, sec int
	i := 10
	if i < len(s) {
		if s[i] != 'T' && s[i] != 't' && s[i] != ' ' {
			return 0, false
		}
		var ok bool
		if hour, ok = num(11, 2); !ok || len(s) < 16 || s[13] != ':' {
			return 0, false
		}
		if min, ok = num(14, 2); !ok {
			return 0, false
		}
		i = 16
		if i < len(s) && s[i] == ':' {
			if sec, ok = num(17, 2); !ok {
				return 0, false
			}
			i = 19
			if i < len(s) && (s[i] == '.' || s[i] == ',') {
				i++
				for i < len(s) && s[i] >= '0' && s[i] <= '9' {
					i++
				}
			}
		}
		if hour > 23 || min > 59 || sec > 60 {
			return 0, false
		}
	}
	offset := 0
	switch {
	case i == len(s):
	case s[i] == 'Z' || s[i] == 'z':
		i++
	case s[i] == '+' || s[i] == '-':
		oh, ok1 := num(i+1, 2)
		om, ok2 := num(i+4, 2)
		if !ok1 || !ok2 || s[i+3] != ':' {
			return 0, false
		}
		offset = (oh*60 + om) * 60
		if s[i] == '+' {
			offset = -offset
		}
		i += 6
	}
	if i != len(s) {
		return 0, false
	}
	t := time.Date(year, time.Month(month), day, hour, min, sec, 0, time.UTC).Add(time.Duration(offset) * time.Second)
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
