package node

import (
	"encoding/json"
	"fmt"
	"html/template"
	"net"
	"net/http"
	"strings"
	"time"
)

// Status is what the dashboard and `meadow node status` show.
type Status struct {
	Address  string `json:"address"`
	Operator string `json:"operator,omitempty"`
	Version  string `json:"version"`
	// State is "running", "paused" (by the user), "capped" (a cap was
	// reached; Reason says which), "offline" (no coordinator answers) or
	// "stopping".
	State       string    `json:"state"`
	Reason      string    `json:"reason,omitempty"`
	Coordinator string    `json:"coordinator,omitempty"` // the one last answering
	Started     time.Time `json:"started"`

	TasksDone     int64 `json:"tasks_done"`
	TasksAccepted int64 `json:"tasks_accepted"`
	RowsAccepted  int64 `json:"rows_accepted"`
	RowsRejected  int64 `json:"rows_rejected"`
	WorkUnits     int64 `json:"work_units"`
	// PendingRewards is the coordinator's estimate of MEADOW owed and not yet
	// claimed, a decimal string of base units.
	PendingRewards string `json:"pending_rewards"`

	BytesToday  int64    `json:"bytes_today"`
	BytesPerDay int64    `json:"bytes_per_day"`
	PagesToday  int64    `json:"pages_today"`
	Limits      Limits   `json:"limits"`
	Refusals    []Refuse `json:"recent_refusals"`
	GPUs        []string `json:"gpus,omitempty"`
	// Update is the last check for a new release (update.go); nil before
	// the first or when the network publishes none.
	Update *UpdateStatus `json:"update,omitempty"`
}

// Refuse is one URL the node would not fetch, and why.
type Refuse struct {
	Time   time.Time `json:"time"`
	URL    string    `json:"url"`
	Reason string    `json:"reason"`
	Detail string    `json:"detail,omitempty"`
}

// Controller is what the dashboard needs of the running node.
type Controller interface {
	Status() Status
	Pause()
	Resume()
}

// dashboardHeader must be on every state-changing request. A web page the user
// visits cannot add it to a cross-origin request without a CORS preflight,
// which the dashboard never answers, so other sites cannot pause the node.
const dashboardHeader = "X-Meadow-Dashboard"

// NewDashboard returns the handler of the local dashboard: a page at /, the
// status as JSON at /api/status, and POST /api/pause and /api/resume. It
// answers only requests whose Host is a loopback name, so that a DNS
// rebinding attack cannot read it from a web page.
func NewDashboard(c Controller) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Security-Policy", "default-src 'self'; script-src 'unsafe-inline' 'self'; style-src 'unsafe-inline'")
		if err := dashboardPage.Execute(w, c.Status()); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
		}
	})
	mux.HandleFunc("GET /api/status", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(c.Status())
	})
	action := func(f func()) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get(dashboardHeader) != "1" {
				http.Error(w, "missing "+dashboardHeader+" header", http.StatusForbidden)
				return
			}
			f()
			w.Header().Set("Content-Type", "application/json")
			json.NewEncoder(w).Encode(c.Status())
		}
	}
	mux.Handle("POST /api/pause", action(c.Pause))
	mux.Handle("POST /api/resume", action(c.Resume))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !loopbackHost(r.Host) {
			http.Error(w, "the dashboard answers only on localhost", http.StatusForbidden)
			return
		}
		mux.ServeHTTP(w, r)
	})
}

func loopbackHost(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.Trim(host, "[]")
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

var dashboardPage = template.Must(template.New("dashboard").Funcs(template.FuncMap{
	"pct": func(a, b int64) int64 {
		if b <= 0 {
			return 0
		}
		return min(100, a*100/b)
	},
	"mib": func(n int64) string { return humanMiB(n) },
}).Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Meadow node</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:15px/1.4 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#1d2a1d;background:#f7faf5}
h1{font-size:1.4rem;margin:0 0 .2rem} .addr{font-family:monospace;color:#555;font-size:.85rem}
.state{display:inline-block;padding:.15rem .6rem;border-radius:1rem;font-weight:600;background:#cfe8c8}
.state.paused,.state.capped{background:#f5dfa8} .state.offline{background:#f2c4c4}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(10rem,1fr));gap:.8rem;margin:1.2rem 0}
.card{background:#fff;border:1px solid #dfe8da;border-radius:.5rem;padding:.7rem}
.card b{display:block;font-size:1.3rem} .bar{height:.5rem;background:#e4ece0;border-radius:.25rem;overflow:hidden}
.bar i{display:block;height:100%;background:#5c9c4a} button{font-size:1rem;padding:.4rem 1.2rem}
table{width:100%;border-collapse:collapse;font-size:.85rem} td{border-top:1px solid #e4ece0;padding:.25rem;word-break:break-all}
</style></head>
<body>
<h1>Meadow node</h1>
<div class="addr" id="address">{{.Address}}</div>
{{with .Update}}{{if .Available}}<p id="update">Update available: {{.Latest}} (running {{.Current}}){{if not .Auto}}; run meadow node update --apply{{end}}</p>{{end}}{{end}}
<p>State: <span id="state" class="state {{.State}}">{{.State}}</span> <span id="reason">{{.Reason}}</span></p>
<p><button id="toggle" type="button">{{if eq .State "paused"}}Resume{{else}}Pause{{end}}</button></p>
<div class="grid">
<div class="card">Tasks done<b id="tasks_done">{{.TasksDone}}</b></div>
<div class="card">Tasks accepted<b id="tasks_accepted">{{.TasksAccepted}}</b></div>
<div class="card">Rows accepted<b id="rows_accepted">{{.RowsAccepted}}</b></div>
<div class="card">Work units<b id="work_units">{{.WorkUnits}}</b></div>
<div class="card">Pending rewards<b id="pending_rewards">{{.PendingRewards}}</b></div>
<div class="card">Bytes today<b id="bytes"><span id="bytes_today">{{mib .BytesToday}}</span> / {{mib .BytesPerDay}}</b>
<div class="bar"><i id="bytes_bar" style="width:{{pct .BytesToday .BytesPerDay}}%"></i></div></div>
</div>
<h2>Recent refusals</h2>
<table id="refusals">{{range .Refusals}}<tr><td>{{.Time.Format "15:04:05"}}</td><td>{{.URL}}</td><td>{{.Reason}}</td></tr>{{else}}<tr><td>None: every URL so far was safe to fetch.</td></tr>{{end}}</table>
<script>
const $ = id => document.getElementById(id);
function mib(n){return (n/1048576).toFixed(1)+' MiB'}
function show(s){
  $('state').textContent = s.state; $('state').className = 'state ' + s.state;
  $('reason').textContent = s.reason || '';
  $('toggle').textContent = s.state === 'paused' ? 'Resume' : 'Pause';
  for (const k of ['tasks_done','tasks_accepted','rows_accepted','work_units','pending_rewards']) $(k).textContent = s[k];
  $('bytes_today').textContent = mib(s.bytes_today);
  $('bytes_bar').style.width = Math.min(100, s.bytes_per_day ? s.bytes_today*100/s.bytes_per_day : 0) + '%';
}
async function act(path){
  const r = await fetch(path, {method:'POST', headers:{'X-Meadow-Dashboard':'1'}});
  if (r.ok) show(await r.json());
}
$('toggle').addEventListener('click', () => act($('state').textContent === 'paused' ? '/api/resume' : '/api/pause'));
setInterval(async () => { try { show(await (await fetch('/api/status')).json()); } catch (e) {} }, 2000);
</script>
</body></html>
`))

func humanMiB(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }
