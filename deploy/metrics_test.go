package deploy

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/buyer"
	"github.com/meadow-net/meadow/coord/coordtest"
)

const (
	alertsFile     = "prometheus/alerts.yml"
	alertsTestFile = "alerts_test.yml" // in prometheus/
	dashboardFile  = "grafana/meadow.json"
)

// promtoolHow says where promtool comes from.
const promtoolHow = "Debian's prometheus package; scripts/deps.sh installs it (apt-get install prometheus)"

// TestAlertRules checks the alert rules with promtool, and runs their unit
// tests (prometheus/alerts_test.yml: no leader, a member unreachable, a
// late settlement).
func TestAlertRules(t *testing.T) {
	promtool := need(t, "promtool", promtoolHow)
	out := run(t, promtool, "check", "rules", alertsFile)
	t.Logf("%s", strings.TrimSpace(out))
	cmd := exec.Command(promtool, "test", "rules", alertsTestFile)
	cmd.Dir = "prometheus"
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("promtool test rules %s: %v\n%s", alertsTestFile, err, b)
	}
}

// ruleExprs returns the expression of every rule in the alert rules.
func ruleExprs(t *testing.T) map[string]string {
	t.Helper()
	b, err := os.ReadFile(alertsFile)
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Groups []struct {
			Name  string `yaml:"name"`
			Rules []struct {
				Alert  string `yaml:"alert"`
				Record string `yaml:"record"`
				Expr   string `yaml:"expr"`
			} `yaml:"rules"`
		} `yaml:"groups"`
	}
	if err := yaml.Unmarshal(b, &f); err != nil {
		t.Fatalf("%s: %v", alertsFile, err)
	}
	exprs := map[string]string{}
	for _, g := range f.Groups {
		for _, r := range g.Rules {
			exprs["alert "+r.Alert+r.Record] = r.Expr
		}
	}
	if len(exprs) == 0 {
		t.Fatalf("%s: no rules", alertsFile)
	}
	return exprs
}

// dashboard is the part of a Grafana dashboard the tests read.
type dashboard struct {
	UID        string  `json:"uid"`
	Panels     []panel `json:"panels"`
	Templating struct {
		List []struct {
			Name  string          `json:"name"`
			Type  string          `json:"type"`
			Query json.RawMessage `json:"query"`
		} `json:"list"`
	} `json:"templating"`
}

type panel struct {
	ID         int    `json:"id"`
	Title      string `json:"title"`
	Type       string `json:"type"`
	Datasource *struct {
		UID string `json:"uid"`
	} `json:"datasource"`
	Targets []struct {
		Expr string `json:"expr"`
	} `json:"targets"`
	Panels []panel `json:"panels"` // a collapsed row's
}

// dashboardQueries returns the dashboard's PromQL queries by where they
// are, and the metrics its template variables read.
func dashboardQueries(t *testing.T) (queries map[string]string, varMetrics []string) {
	t.Helper()
	b, err := os.ReadFile(dashboardFile)
	if err != nil {
		t.Fatal(err)
	}
	var d dashboard
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatalf("%s: %v", dashboardFile, err)
	}
	queries = map[string]string{}
	ids := map[int]bool{}
	var walk func([]panel)
	walk = func(ps []panel) {
		for _, p := range ps {
			if ids[p.ID] {
				t.Errorf("%s: panel id %d used twice", dashboardFile, p.ID)
			}
			ids[p.ID] = true
			if p.Type != "row" && (p.Datasource == nil || p.Datasource.UID != "${datasource}") {
				t.Errorf("%s: panel %q: expected the datasource ${datasource}, so that the dashboard imports into any Grafana", dashboardFile, p.Title)
			}
			for i, tg := range p.Targets {
				queries[fmt.Sprintf("panel %q query %d", p.Title, i)] = tg.Expr
			}
			walk(p.Panels)
		}
	}
	walk(d.Panels)
	labelValues := regexp.MustCompile(`^label_values\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)`)
	for _, v := range d.Templating.List {
		if v.Type != "query" {
			continue
		}
		var q struct {
			Query string `json:"query"`
		}
		if err := json.Unmarshal(v.Query, &q); err != nil {
			t.Fatalf("%s: variable %s: query: %v", dashboardFile, v.Name, err)
		}
		m := labelValues.FindStringSubmatch(q.Query)
		if m == nil {
			t.Fatalf("%s: variable %s: expected label_values(METRIC, LABEL), got %q", dashboardFile, v.Name, q.Query)
		}
		varMetrics = append(varMetrics, m[1])
	}
	if len(queries) == 0 {
		t.Fatalf("%s: no queries", dashboardFile)
	}
	return queries, varMetrics
}

// TestDashboardQueriesParse checks every query of the Grafana dashboard
// with promtool, as recording rules, its variables given values.
func TestDashboardQueriesParse(t *testing.T) {
	promtool := need(t, "promtool", promtoolHow)
	queries, _ := dashboardQueries(t)
	vars := strings.NewReplacer("$__rate_interval", "5m", "$instance", ".*")
	var rules strings.Builder
	rules.WriteString("groups:\n  - name: dashboard\n    rules:\n")
	keys := slices.Sorted(func(yield func(string) bool) {
		for k := range queries {
			if !yield(k) {
				return
			}
		}
	})
	for i, k := range keys {
		q, _ := json.Marshal(vars.Replace(queries[k])) // a JSON string is a YAML string
		fmt.Fprintf(&rules, "      - record: dashboard:query_%d\n        expr: %s\n", i, q)
	}
	path := filepath.Join(t.TempDir(), "dashboard-rules.yml")
	if err := os.WriteFile(path, []byte(rules.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(promtool, "check", "rules", path).CombinedOutput(); err != nil {
		t.Fatalf("the dashboard's queries as rules (%s, in order: %q): %v\n%s", path, keys, err, out)
	}
}

// prometheusOwn are the series Prometheus itself makes for every target.
var prometheusOwn = map[string]bool{"up": true}

// TestReferencedMetricsAreExported starts a dev network (three
// coordinators on a chain), settles an epoch so that every metric has a
// value, scrapes every member's /metrics, and checks that each metric the
// alert rules and the dashboard read is one of them: a renamed metric must
// not leave an alert that can never fire.
func TestReferencedMetricsAreExported(t *testing.T) {
	nw := network(t)
	// A crawl job done and paid for, and its epoch settled, as an operator
	// would: then the work, blob, payment and settlement metrics all have
	// values.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute*coordtest.Scale())
	defer cancel()
	b, err := buyer.New(buyer.Config{Coordinators: nw.CoordURLs, Key: nw.Chain.Buyer, ChainID: nw.ChainID()})
	if err != nil {
		t.Fatal(err)
	}
	static, _ := nw.Site.ArticleURLs(nw.SiteURL)
	job, err := b.Submit(ctx, api.JobSpec{Kind: api.JobCrawl, Name: "metrics", Crawl: &api.CrawlSpec{
		URLs: static[:min(len(static), 10)], Fields: []api.FieldRule{{Name: "title", Selector: "h1.title"}},
		TextSelector: "article", TaskSize: 10,
	}})
	if err != nil {
		t.Fatalf("submit: %v", err)
	}
	var last api.JobStatus
	if _, err := b.Wait(ctx, job.ID, 100*time.Millisecond, func(st api.JobStatus) { last = st }); err != nil {
		t.Fatalf("crawl job: %v; last status %+v", err, last)
	}
	if _, err := b.Pay(ctx, nw.Chain.Chain, job.ID, 25*time.Millisecond); err != nil {
		t.Fatalf("pay: %v", err)
	}
	req, err := http.NewRequest(http.MethodPost, nw.CoordURLs[0]+"/v1/cluster/settle", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Meadow-Cluster-Token", nw.ClusterToken())
	resp, err := (&http.Client{Timeout: time.Minute}).Do(req)
	if err != nil {
		t.Fatalf("settle: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("settle: %s: %s", resp.Status, body)
	}

	// Some series appear only after a while: each member's view of the
	// others after its first clock comparison, the watcher's on the leader
	// after a poll. Wait until the union of the members' metrics holds
	// the ones these need.
	wantSoon := []string{"meadow_member_reachable", "meadow_payment_watcher_last_poll_timestamp_seconds", "meadow_settle_last_posted_timestamp_seconds"}
	exported := map[string]bool{}
	waitFor(t, 30*time.Second, "every member's metrics", func() (bool, string) {
		exported = map[string]bool{}
		for _, u := range nw.CoordURLs {
			names, err := scrape(u + "/metrics")
			if err != nil {
				return false, err.Error()
			}
			for n := range names {
				exported[n] = true
			}
		}
		for _, n := range wantSoon {
			if !exported[n] {
				return false, n + " not exported yet"
			}
		}
		return true, ""
	})
	t.Logf("the coordinators export %d metric names", len(exported))

	check := func(where, expr string, names []string) {
		if len(names) == 0 {
			t.Errorf("%s: %q reads no metric", where, expr)
		}
		for _, n := range names {
			if !exported[n] && !prometheusOwn[n] {
				t.Errorf("%s reads %s, which no coordinator exports (expression %q)", where, n, expr)
			}
		}
	}
	rules := ruleExprs(t)
	for where, expr := range rules {
		check(alertsFile+": "+where, expr, metricNames(expr))
	}
	queries, varMetrics := dashboardQueries(t)
	for where, expr := range queries {
		check(dashboardFile+": "+where, expr, metricNames(expr))
	}
	for _, n := range varMetrics {
		check(dashboardFile+": a variable", "label_values("+n+", …)", []string{n})
	}
	t.Logf("checked %d rule expressions and %d dashboard queries", len(rules), len(queries))
}
