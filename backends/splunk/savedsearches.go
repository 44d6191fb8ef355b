package splunk

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/sigc-dev/sigc/backends"
	"github.com/sigc-dev/sigc/ir/diag"
)

// savedSearchDefaults are the [default] settings of the savedsearches
// format, in output order: an hourly scheduled alert over the last hour
// that fires once per matching event batch, with no action enabled (an
// admin turns on the actions they use). Every key can be overridden, and
// any other key added, with -O key=value.
var savedSearchDefaults = [][2]string{
	{"dispatch.earliest_time", "-1h"},
	{"dispatch.latest_time", "now"},
	{"enableSched", "1"},
	{"cron_schedule", "0 * * * *"},
	{"counttype", "number of events"},
	{"relation", "greater than"},
	{"quantity", "0"},
	{"alert.track", "1"},
	{"alert.digest_mode", "1"},
	{"alert.suppress", "0"},
	{"action.email", "0"},
}

// optionAliases are pySigma's option names for two of the settings.
var optionAliases = map[string]string{
	"min_time": "dispatch.earliest_time",
	"max_time": "dispatch.latest_time",
}

// severityByLevel maps Sigma levels to Splunk alert.severity
// (1 debug, 2 info, 3 warn, 4 error, 5 severe, 6 fatal).
var severityByLevel = map[string]string{
	"informational": "2", "low": "3", "medium": "4", "high": "5", "critical": "6",
}

var confKeyRE = regexp.MustCompile(`^[A-Za-z0-9_.:\-]+$`)

// savedSearches renders a savedsearches.conf: [default] then one stanza
// per query.
func savedSearches(results []backends.Result, o backends.Options) (string, diag.List) {
	var l diag.List
	settings := map[string]string{}
	for _, kv := range savedSearchDefaults {
		settings[kv[0]] = kv[1]
	}
	var extra []string
	for k, v := range o.Params {
		if a, ok := optionAliases[k]; ok {
			k = a
		}
		if !confKeyRE.MatchString(k) || hasControl(v) {
			l.Errorf(diag.CodeBackend, diag.Pos{File: "-O"}, "savedsearches: option %q is not a valid savedsearches.conf setting (key of letters, digits, . _ : -; value on one line)", k)
			continue
		}
		if _, known := settings[k]; !known {
			extra = append(extra, k)
		}
		settings[k] = v
	}
	sort.Strings(extra)
	var b strings.Builder
	b.WriteString("[default]\n")
	for _, kv := range savedSearchDefaults {
		fmt.Fprintf(&b, "%s = %s\n", kv[0], settings[kv[0]])
	}
	for _, k := range extra {
		fmt.Fprintf(&b, "%s = %s\n", k, settings[k])
	}
	_, userSeverity := settings["alert.severity"]
	seen := map[string]int{}
	for i, r := range results {
		if r.Output == nil {
			continue
		}
		title, desc, level := "", "", ""
		if m := r.Meta(); m != nil {
			title, desc, level = m.Title, m.Description, m.Level
		}
		base := stanzaName(title)
		if base == "" {
			base = fmt.Sprintf("sigc rule %d", i+1)
		}
		for qi, q := range r.Output.Queries {
			name := base
			if len(r.Output.Queries) > 1 {
				name = fmt.Sprintf("%s (condition %d)", base, qi+1)
			}
			// Splunk merges stanzas of one name: keep them apart.
			seen[name]++
			if n := seen[name]; n > 1 {
				name = fmt.Sprintf("%s (%d)", name, n)
			}
			b.WriteString("\n[" + name + "]\n")
			if d := confValue(desc); d != "" {
				b.WriteString("description = " + d + "\n")
			}
			s, ok := searchLines(q)
			if !ok {
				l.Errorf(diag.CodeBackend, diag.Pos{}, "savedsearches: the search of %q ends with a backslash, which savedsearches.conf reads as a line continuation", name)
			}
			b.WriteString("search = " + s + "\n")
			if sev, ok := severityByLevel[level]; ok && !userSeverity {
				b.WriteString("alert.severity = " + sev + "\n")
			}
		}
	}
	return b.String(), l
}

// stanzaName cleans a title for a stanza header: no brackets (pySigma
// strips them too), no control characters, trimmed.
func stanzaName(t string) string {
	t = strings.Map(func(r rune) rune {
		switch {
		case r == '[' || r == ']':
			return -1
		case r < 0x20 || r == 0x7f:
			return ' '
		}
		return r
	}, t)
	return strings.TrimSpace(t)
}

// confValue writes a multi-line text as a .conf value: lines joined with a
// ` \` continuation (as pySigma does), other control characters as spaces,
// and trailing backslashes of the last line removed so that it cannot
// continue into the next setting.
func confValue(s string) string {
	s = strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
	lines := strings.Split(s, "\n")
	for i, ln := range lines {
		lines[i] = strings.Map(func(r rune) rune {
			if r < 0x20 || r == 0x7f {
				return ' '
			}
			return r
		}, ln)
	}
	last := len(lines) - 1
	lines[last] = strings.TrimRight(lines[last], `\ `)
	return strings.Join(lines, " \\\n")
}

// searchLines splits a search at its top-level pipes into continuation
// lines. It reports false when the search ends with a backslash (only a
// verbatim query expression can do that).
func searchLines(q string) (string, bool) {
	parts := splitPipes(q)
	return strings.Join(parts, " \\\n| "), !strings.HasSuffix(q, `\`)
}

// splitPipes splits an SPL pipeline at ` | ` outside quoted strings,
// single-quoted field names, parentheses and subsearch brackets.
func splitPipes(q string) []string {
	var parts []string
	depth, start := 0, 0
	var quote byte
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case quote != 0:
			if c == '\\' && quote == '"' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '(' || c == '[':
			depth++
		case c == ')' || c == ']':
			depth--
		case c == '|' && depth == 0 && i > 0 && q[i-1] == ' ' && i+1 < len(q) && q[i+1] == ' ' && !strings.HasSuffix(q[start:i-1], `\`):
			parts = append(parts, q[start:i-1])
			start = i + 2
		}
	}
	return append(parts, q[start:])
}
