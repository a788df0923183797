package deploy

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

// metricNames returns the metric names a PromQL expression (or a Grafana
// query, with its $variables) reads, sorted and each once. It is a lexer,
// not a parser: promtool checks the syntax; this only needs to tell metric
// names from functions, aggregations, keywords, label names and literals.
// An identifier followed by "(" is a function or aggregation; label
// matchers ({...}), ranges ([...]), strings, numbers and durations,
// comments and Grafana variables are skipped, and so is the label list
// after by, without, on, ignoring, group_left and group_right.
func metricNames(expr string) []string {
	seen := map[string]bool{}
	s := expr
	i := 0
	// skipSpace returns the index of the next character that is not white
	// space.
	skipSpace := func(j int) int {
		for j < len(s) && strings.IndexByte(" \t\r\n", s[j]) >= 0 {
			j++
		}
		return j
	}
	// skipTo returns the index just past the closing byte matching the
	// opening one at j, skipping strings inside.
	skipTo := func(j int, open, close byte) int {
		depth := 0
		for j < len(s) {
			switch c := s[j]; {
			case c == '"' || c == '\'' || c == '`':
				j = skipString(s, j)
				continue
			case c == open:
				depth++
			case c == close:
				depth--
				if depth == 0 {
					return j + 1
				}
			}
			j++
		}
		return j
	}
	for i < len(s) {
		c := s[i]
		switch {
		case c == '"' || c == '\'' || c == '`':
			i = skipString(s, i)
		case c == '{':
			i = skipTo(i, '{', '}')
		case c == '[':
			i = skipTo(i, '[', ']')
		case c == '#':
			for i < len(s) && s[i] != '\n' {
				i++
			}
		case c == '$':
			i++
			if i < len(s) && s[i] == '{' {
				i = skipTo(i, '{', '}')
				continue
			}
			for i < len(s) && isIdent(s[i], false) {
				i++
			}
		case c >= '0' && c <= '9' || c == '.':
			for i < len(s) && (isIdent(s[i], false) || s[i] == '.') {
				i++
			}
		case isIdent(c, true):
			j := i
			for j < len(s) && isIdent(s[j], false) {
				j++
			}
			word := s[i:j]
			next := skipSpace(j)
			lower := strings.ToLower(word)
			switch {
			case labelListKeywords[lower]:
				if next < len(s) && s[next] == '(' {
					j = skipTo(next, '(', ')')
				}
			case keywords[lower]:
			case next < len(s) && s[next] == '(':
				// a function or aggregation
			case aggregationModifier(s[next:]):
				// an aggregation with its label list first: sum by (x) (...)
			default:
				seen[word] = true
			}
			i = j
		default:
			i++
		}
	}
	names := make([]string, 0, len(seen))
	for n := range seen {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// aggregationModifier reports whether s starts with by or without as a
// word.
func aggregationModifier(s string) bool {
	for _, kw := range []string{"by", "without"} {
		if len(s) >= len(kw) && strings.EqualFold(s[:len(kw)], kw) && (len(s) == len(kw) || !isIdent(s[len(kw)], false)) {
			return true
		}
	}
	return false
}

// skipString returns the index just past the string literal starting at i.
func skipString(s string, i int) int {
	q := s[i]
	i++
	for i < len(s) {
		switch s[i] {
		case '\\':
			if q != '`' {
				i++
			}
		case q:
			return i + 1
		}
		i++
	}
	return i
}

func isIdent(c byte, first bool) bool {
	return c == '_' || c == ':' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || !first && c >= '0' && c <= '9'
}

var (
	labelListKeywords = map[string]bool{"by": true, "without": true, "on": true, "ignoring": true, "group_left": true, "group_right": true}
	keywords          = map[string]bool{"and": true, "or": true, "unless": true, "bool": true, "offset": true, "atan2": true, "inf": true, "nan": true}
)

func TestMetricNames(t *testing.T) {
	tests := []struct {
		name, expr string
		want       []string
	}{
		{name: "plain", expr: "meadow_disk_low == 1", want: []string{"meadow_disk_low"}},
		{name: "matchers and range", expr: `rate(meadow_fsm_commands_applied_total{instance=~"$instance", type="x{y}"}[$__rate_interval])`, want: []string{"meadow_fsm_commands_applied_total"}},
		{name: "aggregation label lists", expr: "sum by (le) (rate(a_bucket[5m])) / on(instance) group_left(state) b", want: []string{"a_bucket", "b"}},
		{name: "by after", expr: "sum(rate(x[1m])) without (type) > bool 3", want: []string{"x"}},
		{name: "functions and literals", expr: "(max(m) or vector(0)) < 1 and time() - n > 24 * 3600 offset 5m", want: []string{"m", "n"}},
		{name: "grafana label_values", expr: "label_values(meadow_raft_term, instance)", want: []string{"instance", "meadow_raft_term"}},
		{name: "numbers", expr: "x > 1e3 and y < 0x1f and z != Inf", want: []string{"x", "y", "z"}},
		{name: "comment", expr: "a # b c\n + d", want: []string{"a", "d"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := metricNames(tt.expr); !slices.Equal(got, tt.want) {
				t.Errorf("metricNames(%q) = %q, want %q", tt.expr, got, tt.want)
			}
		})
	}
}

var identRE = regexp.MustCompile(`^[a-zA-Z_:][a-zA-Z0-9_:]*$`)

// FuzzMetricNames: any input ends, and every name found is an identifier
// that occurs in the input.
func FuzzMetricNames(f *testing.F) {
	for _, s := range []string{"meadow_disk_low == 1", `sum by (le) (rate(x{a="}"}[5m]))`, "label_values(m, i)", "'unterminated", "{{{", "$__x ${y} z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, expr string) {
		for _, n := range metricNames(expr) {
			if !identRE.MatchString(n) || !strings.Contains(expr, n) {
				t.Fatalf("metricNames(%q) gave %q", expr, n)
			}
		}
	})
}
