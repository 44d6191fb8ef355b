package splunk

import (
	"regexp"
	"strings"

	"github.com/sigc-dev/sigc/ir"
	"github.com/sigc-dev/sigc/ir/diag"
)

// dataModel is what the data_model format needs from the pipeline state:
// the accelerated data model (set_state data_model_set, for example
// "Endpoint.Processes") and the fields to group by (set_state fields).
type dataModel struct {
	name   string   // Endpoint.Processes
	object string   // Processes: the dataset, as drop_dm_object_name wants it
	by     []string // group-by fields, already rendered
}

var dataModelRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+$`)

// dataModelOf reads the data model of a rule from its pipeline state, or
// reports why it cannot.
func dataModelOf(r *ir.Rule, l *diag.List) *dataModel {
	name, _ := r.State["data_model_set"].(string)
	if name == "" {
		l.ErrorHint(diag.CodeBackend, r.Pos, "convert with -p splunk_cim (or a pipeline that sets the state data_model_set)",
			"format data_model needs a data model: the pipeline state data_model_set is not set for this rule")
		return nil
	}
	if !dataModelRE.MatchString(name) {
		l.Errorf(diag.CodeBackend, r.Pos, "format data_model: data_model_set %q is not a data model name such as Endpoint.Processes", name)
		return nil
	}
	dm := &dataModel{name: name, object: strings.Split(name, ".")[1]}
	var fields []string
	switch v := r.State["fields"].(type) {
	case string:
		fields = strings.Fields(v)
	case []string:
		fields = v
	case []any:
		for _, x := range v {
			if s, ok := x.(string); ok {
				fields = append(fields, s)
			}
		}
	}
	if len(fields) == 0 {
		// No list in the state: group by the data-model fields the rule
		// tests, in order of first use.
		seen := map[string]bool{}
		for _, q := range r.Queries {
			for _, m := range ir.Matches(q.Expr) {
				if strings.HasPrefix(m.Field, dm.object+".") && !seen[m.Field] {
					seen[m.Field] = true
					fields = append(fields, m.Field)
				}
			}
		}
	}
	if len(fields) > 0 {
		// The fields' own prefix names the dataset to strip: Web.Proxy's
		// fields are Web.url, Web.status, ...
		if i := strings.IndexByte(fields[0], '.'); i > 0 {
			dm.object = fields[0][:i]
		}
	}
	for _, f := range fields {
		q, ok := searchField(f)
		if !ok {
			l.Errorf(diag.CodeBackend, r.Pos, "format data_model: group-by field %q cannot be written in SPL", f)
			return nil
		}
		dm.by = append(dm.by, q)
	}
	return dm
}

// query wraps a rendered condition in the tstats search of the data model.
// tstats filters with the search language only: a condition that needs
// `| where` cannot be expressed.
func (d *dataModel) query(q query, pos diag.Pos, l *diag.List) string {
	if q.where != "" {
		l.ErrorHint(diag.CodeUnsupported, pos, "use the default format, which expresses these constructs with | where",
			"format data_model cannot express regex, fieldref, cased, `?`, literal `*` or keyword matches: tstats has no | where")
		return ""
	}
	var b strings.Builder
	b.WriteString(`| tstats summariesonly=false allow_old_summaries=true fillnull_value="null" count min(_time) as firstTime max(_time) as lastTime from datamodel=`)
	b.WriteString(d.name)
	if q.search != "*" {
		b.WriteString(" where ")
		b.WriteString(q.search)
	}
	if len(d.by) > 0 {
		b.WriteString(" by ")
		b.WriteString(strings.Join(d.by, " "))
	}
	b.WriteString(" | `drop_dm_object_name(" + d.object + ")`")
	b.WriteString(` | convert timeformat="%Y-%m-%dT%H:%M:%S" ctime(firstTime) ctime(lastTime)`)
	return b.String()
}
