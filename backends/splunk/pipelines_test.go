package splunk

import (
	"strings"
	"testing"

	"github.com/sigc-dev/sigc/backends"
	"github.com/sigc-dev/sigc/ir"
	"github.com/sigc-dev/sigc/ir/pipeline"
)

// chainOf parses the named shipped pipelines into a chain.
func chainOf(t testing.TB, names ...string) pipeline.Chain {
	t.Helper()
	src := New().Pipelines()
	var ps []*pipeline.Pipeline
	for _, n := range names {
		p, l := pipeline.Parse(n+".yml", src[n])
		if l.Len() > 0 || p == nil {
			t.Fatalf("pipeline %s: %v", n, l)
		}
		ps = append(ps, p)
	}
	return pipeline.NewChain(nil, ps, nil)
}

func TestPipelinesParse(t *testing.T) {
	src := New().Pipelines()
	if len(src) != 3 {
		t.Fatalf("want 3 pipelines, got %d", len(src))
	}
	for name := range src {
		chainOf(t, name)
	}
}

// applyConvert runs a chain and the backend the way the CLI does.
func applyConvert(t *testing.T, c pipeline.Chain, r *ir.Rule, format string) (string, string) {
	t.Helper()
	r2, l := c.Apply(r)
	if l.HasErrors() {
		return "", l.Error()
	}
	ir.SimplifyRule(r2)
	if cl := ir.Check(r2, New().Caps(), "splunk"); cl.HasErrors() {
		return "", cl.Error()
	}
	qs, cl := convertOne(t, r2, format)
	if cl.HasErrors() {
		return "", cl.Error()
	}
	return strings.Join(qs, "\n"), ""
}

func TestPipelinesApply(t *testing.T) {
	withLS := func(ls ir.Logsource, e ir.Expr) *ir.Rule {
		r := ruleOf(e)
		r.Logsource = ls
		return r
	}
	sec := ir.Logsource{Product: "windows", Service: "security"}
	ps := ir.Logsource{Product: "windows", Service: "powershell"}
	proc := ir.Logsource{Product: "windows", Category: "process_creation"}
	regDel := ir.Logsource{Product: "windows", Category: "registry_delete"}
	aws := ir.Logsource{Product: "aws", Service: "cloudtrail"}
	tests := []struct {
		name, pipeline, format string
		r                      *ir.Rule
		want, wantErr          string
	}{
		{"security source", "splunk_windows", "", withLS(sec, num("EventID", ir.OpEq, "4624")),
			`source="WinEventLog:Security" EventCode=4624`, ""},
		{"powershell sources", "splunk_windows", "", withLS(ps, str("ScriptBlockText", "*x*")),
			`source IN ("WinEventLog:Microsoft-Windows-PowerShell/Operational", "WinEventLog:PowerShellCore/Operational") ScriptBlockText="*x*"`, ""},
		{"windows keeps other logsources", "splunk_windows", "", withLS(proc, str("Image", "*\\x.exe")),
			`Image="*\\x.exe"`, ""},
		{"sysmon process_creation", "splunk_sysmon", "", withLS(proc, str("Image", "*\\x.exe")),
			`source="WinEventLog:Microsoft-Windows-Sysmon/Operational" EventCode=1 Image="*\\x.exe"`, ""},
		{"sysmon registry_delete", "splunk_sysmon", "", withLS(regDel, str("TargetObject", "*\\Run*")),
			`source="WinEventLog:Microsoft-Windows-Sysmon/Operational" EventCode=12 EventType IN ("DeleteKey", "DeleteValue") TargetObject="*\\Run*"`, ""},
		{"cim process", "splunk_cim", "data_model", withLS(proc, and(str("Image", "*\\x.exe"), str("CommandLine", "*-enc*"))),
			"| tstats summariesonly=false allow_old_summaries=true fillnull_value=\"null\" count min(_time) as firstTime max(_time) as lastTime from datamodel=Endpoint.Processes where Processes.process_path=\"*\\\\x.exe\" Processes.process=\"*-enc*\" by Processes.process Processes.dest Processes.process_current_directory Processes.process_path Processes.process_integrity_level Processes.original_file_name Processes.parent_process Processes.parent_process_path Processes.parent_process_guid Processes.parent_process_id Processes.process_guid Processes.process_id Processes.user | `drop_dm_object_name(Processes)` | convert timeformat=\"%Y-%m-%dT%H:%M:%S\" ctime(firstTime) ctime(lastTime)", ""},
		{"cim proxy", "splunk_cim", "data_model", withLS(ir.Logsource{Category: "proxy"}, str("c-uri", "*/x.php")),
			"| tstats summariesonly=false allow_old_summaries=true fillnull_value=\"null\" count min(_time) as firstTime max(_time) as lastTime from datamodel=Web.Proxy where Web.url=\"*/x.php\" by Web.src Web.url Web.uri_query Web.uri_path Web.http_user_agent Web.cookie Web.dest Web.http_method Web.http_referrer Web.status | `drop_dm_object_name(Web)` | convert timeformat=\"%Y-%m-%dT%H:%M:%S\" ctime(firstTime) ctime(lastTime)", ""},
		{"cim unmapped field", "splunk_cim", "data_model", withLS(proc, str("Hashes", "*x*")), "", "pipeline/rule-failure"},
		{"cim other logsource", "splunk_cim", "data_model", withLS(aws, str("eventName", "x")), "", "pipeline/rule-failure"},
		{"cim regex refused", "splunk_cim", "data_model", withLS(proc, re("CommandLine", "a.b", "")), "", "backend/unsupported"},
		{"data_model without state", "splunk_windows", "data_model", withLS(sec, num("EventID", ir.OpEq, "1")), "", "backend/error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := applyConvert(t, chainOf(t, tt.pipeline), tt.r, tt.format)
			if tt.wantErr != "" {
				if !strings.Contains(err, tt.wantErr) {
					t.Fatalf("want error %s, got %q / %q", tt.wantErr, err, got)
				}
				return
			}
			if err != "" {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

// The data_model format refuses a rule with no data model state.
func TestDataModelNeedsState(t *testing.T) {
	_, l := New().Convert(ruleOf(str("a", "b")), backends.Options{Format: FormatDataModel})
	if got := l.Codes(); len(got) != 1 || got[0] != "backend/error" {
		t.Fatalf("codes %v", got)
	}
}
