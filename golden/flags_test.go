package golden

import "flag"

// updateFlag returns goldie's -update flag, registered by goldie itself.
func updateFlag() *bool {
	if f := flag.Lookup("update"); f != nil {
		if g, ok := f.Value.(flag.Getter); ok {
			if b, ok := g.Get().(bool); ok {
				return &b
			}
		}
	}
	b := false
	return &b
}
