package condition

import (
	"reflect"
	"testing"

	"github.com/sigc-dev/sigc/ir/diag"
)

func TestParseAggregation(t *testing.T) {
	at := diag.Pos{File: "r.yml", Line: 9, Col: 30}
	tests := []struct {
		in   string
		want Aggregation
		code diag.Code
	}{
		{" count() > 5", Aggregation{P: diag.Pos{File: "r.yml", Line: 9, Col: 31}, Func: "count", Op: ">", Value: 5}, ""},
		{" count(TargetUserName) by IpAddress > 10", Aggregation{P: diag.Pos{File: "r.yml", Line: 9, Col: 31}, Func: "count", Field: "TargetUserName", GroupBy: "IpAddress", Op: ">", Value: 10}, ""},
		{"sum(message_size) by src_ip >= 300000", Aggregation{P: diag.Pos{File: "r.yml", Line: 9, Col: 30}, Func: "sum", Field: "message_size", GroupBy: "src_ip", Op: ">=", Value: 300000}, ""},
		{" count() by TaskName < 5", Aggregation{P: diag.Pos{File: "r.yml", Line: 9, Col: 31}, Func: "count", GroupBy: "TaskName", Op: "<", Value: 5}, ""},
		{" count() == 1", Aggregation{P: diag.Pos{File: "r.yml", Line: 9, Col: 31}, Func: "count", Op: "=", Value: 1}, ""},
		{" near selection1 and not filter", Aggregation{}, diag.CodeCondPipe},
		{" sum() > 5", Aggregation{}, diag.CodeCondPipe},
		{" count() by", Aggregation{}, diag.CodeCondPipe},
	}
	for _, tt := range tests {
		a, l := ParseAggregation(tt.in, at)
		if tt.code != "" {
			if a != nil || len(l.Codes()) != 1 || l.Codes()[0] != tt.code {
				t.Errorf("%q: got %+v %v, want %s", tt.in, a, l.Codes(), tt.code)
			}
			continue
		}
		if a == nil || !reflect.DeepEqual(*a, tt.want) {
			t.Errorf("%q: got %+v (%v), want %+v", tt.in, a, l, tt.want)
		}
	}
}

func TestParseNear(t *testing.T) {
	a, l := ParseAggregation(" near sel2 and sel3 ", diag.Pos{File: "r.yml", Line: 3, Col: 20})
	if l.HasErrors() || a.Func != "near" || len(a.Near) != 2 || a.Near[0] != "sel2" || a.Near[1] != "sel3" || a.P.Col != 21 {
		t.Fatalf("%+v %v", a, l)
	}
}
