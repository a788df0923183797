package node

import (
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"math/big"
	"net"
	"net/http"
	"sort"
	"strings"
	"time"
)

// Status is what the dashboard and `meadow node status` show: the node's own
// counts, and the coordinators' view of it read back through the API's own
// types (api.NodeRecord, api.NodeRewards; dashboard_status.go).
type Status struct {
	Address  string `json:"address"`
	Operator string `json:"operator,omitempty"`
	// Referrer is the node this one named when it first registered, as
	// the coordinators' record says (api.NodeRecord.Referrer); "" for none.
	Referrer string `json:"referrer,omitempty"`
	Version  string `json:"version"`
	// Command is how the user runs this node's commands ("meadow node",
	// or "meadow-node node" for the node-only build), for the page's hints.
	Command string `json:"command"`
	// State is "running", "paused" (by the user), "capped" (a cap was
	// reached; Reason says which), "offline" (no coordinator answers) or
	// "stopping".
	State       string    `json:"state"`
	Reason      string    `json:"reason,omitempty"`
	Coordinator string    `json:"coordinator,omitempty"` // the one last answering
	Started     time.Time `json:"started"`
	// UptimeSeconds is the time since the node started; OnlineSeconds the
	// part of it the node could reach a coordinator.
	UptimeSeconds int64 `json:"uptime_s"`
	OnlineSeconds int64 `json:"online_s"`

	// TasksDone counts the tasks this run of the node finished.
	TasksDone int64 `json:"tasks_done"`
	// The rest of these figures are the coordinators' (api.NodeRecord):
	// TasksAccepted are verified tasks the node revealed rows for,
	// WorkUnits the units earned in all, PendingUnits those not yet in an
	// epoch posted on chain, Reputation in parts per million.
	TasksAccepted uint64 `json:"tasks_accepted"`
	RowsAccepted  uint64 `json:"rows_accepted"`
	RowsRejected  uint64 `json:"rows_rejected"`
	WorkUnits     uint64 `json:"work_units"`
	PendingUnits  uint64 `json:"pending_units"`
	Reputation    uint32 `json:"reputation"`
	// Epoch is the last epoch posted on chain, and SettledMeadow (18
	// decimals) and SettledStable (6) the node's cumulative amounts in its
	// reward tree, decimal base units (api.NodeRewards): what the node can
	// claim in all, less what it claimed before. Earnings are the last
	// EarningsEpochs epochs, oldest first.
	Epoch         uint64         `json:"epoch"`
	SettledMeadow string         `json:"settled_meadow"`
	SettledStable string         `json:"settled_stable"`
	Earnings      []EpochEarning `json:"earnings"`
	// RecordAt is when the coordinators last answered for the figures
	// above; RecordError why the last try failed, if it did.
	RecordAt    time.Time `json:"record_at,omitzero"`
	RecordError string    `json:"record_error,omitempty"`

	BytesToday  int64  `json:"bytes_today"`
	BytesPerDay int64  `json:"bytes_per_day"`
	PagesToday  int64  `json:"pages_today"`
	Limits      Limits `json:"limits"`
	// Refusals are the last 50 URLs refused; RefusalCounts every refusal
	// since the node started, by reason (api.RefusalReason).
	Refusals      []Refuse         `json:"recent_refusals"`
	RefusalCounts map[string]int64 `json:"refusal_counts"`
	GPUs          []string         `json:"gpus,omitempty"`
	// WasmModules are the buyers' WebAssembly modules (SHA-256, hex) the
	// node runs now, in its sandbox; never nil in JSON.
	WasmModules []string `json:"wasm_modules"`
	// WasmCache counts the work of the node's compiled-module cache since
	// the node started; all zero until its first wasm task.
	WasmCache WasmCache `json:"wasm_cache"`
	// Notices are lines shown above everything else (an update that is
	// available); never nil in JSON.
	Notices []Notice `json:"notices"`
	// Update is the last check for a new release (update.go); nil before
	// the first or when the network publishes none.
	Update *UpdateStatus `json:"update,omitempty"`
}

// WasmCache is the node's compiled-module cache (compute/wasm.CacheStats):
// every wasm task loads its module once, a miss when the sandbox
// instruments and compiles it (a module it refuses is a miss each time, as
// refusals are not cached), a hit when it finds it compiled. Hits over
// hits plus misses is the cache's hit rate. Entries and Bytes (their
// instrumented size) are what it holds now.
type WasmCache struct {
	Hits      uint64 `json:"hits"`
	Misses    uint64 `json:"misses"`
	Evictions uint64 `json:"evictions"`
	Entries   int    `json:"entries"`
	Bytes     int64  `json:"bytes"`
}

// String says what the cache did, as the dashboard and `meadow node status`
// show it (the page's script says the same from the JSON).
func (w WasmCache) String() string {
	if w.Hits+w.Misses == 0 {
		return "Compiled-module cache: no module loaded yet."
	}
	return fmt.Sprintf("Compiled-module cache: %d hits, %d misses (%d%% hits), %d evicted; %d modules, %s held.",
		w.Hits, w.Misses, w.Hits*100/(w.Hits+w.Misses), w.Evictions, w.Entries, humanMiB(w.Bytes))
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

// dashboardCSP keeps the page to its own origin: inline script and style
// (the page is one document), fetches and images from itself only.
const dashboardCSP = "default-src 'none'; connect-src 'self'; img-src 'self' data:; script-src 'unsafe-inline'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"

// dashboardHeader must be on every state-changing request. A web page the user
// visits cannot add it to a cross-origin request without a CORS preflight,
// which the dashboard never answers, so other sites cannot pause the node.
const dashboardHeader = "X-Meadow-Dashboard"

// NewDashboard returns the handler of the local dashboard: a page at /, the
// status as JSON at /api/status, the earnings chart alone (inline SVG) at
// /api/earnings.svg, and POST /api/pause and /api/resume. It answers only
// requests whose Host is a loopback name, so that a DNS rebinding attack
// cannot read it from a web page. Everything the page needs is in it: no
// script, style, font or image comes from anywhere else (the policy header
// says so to the browser too).
func NewDashboard(c Controller) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Security-Policy", dashboardCSP)
		if err := dashboardPage.Execute(w, c.Status()); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
		}
	})
	mux.HandleFunc("GET /api/status", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(c.Status())
	})
	mux.HandleFunc("GET /api/earnings.svg", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/svg+xml")
		w.Header().Set("Content-Security-Policy", dashboardCSP)
		io.WriteString(w, string(earningsChart(c.Status().Earnings)))
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
	"mib":      func(n int64) string { return humanMiB(n) },
	"meadow":   func(base string) string { return FormatAmount(base, 18) },
	"stable":   func(base string) string { return FormatAmount(base, 6) },
	"duration": func(s int64) string { return FormatDuration(time.Duration(s) * time.Second) },
	"online":   onlineShare,
	"rep":      func(ppm uint32) string { return fmt.Sprintf("%.1f%%", float64(ppm)/1e4) },
	"chart":    earningsChart,
	"reasons":  sortedReasons,
	"help":     func(reason string) string { return refusalHelp[reason] },
	"helpmap":  func() map[string]string { return refusalHelp },
}).Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Meadow node</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:15px/1.4 system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#1d2a1d;background:#f7faf5}
h1{font-size:1.4rem;margin:0 0 .2rem} h2{font-size:1.05rem;margin:1.4rem 0 .4rem} .addr{font-family:monospace;color:#555;font-size:.85rem}
.state{display:inline-block;padding:.15rem .6rem;border-radius:1rem;font-weight:600;background:#cfe8c8}
.state.paused,.state.capped{background:#f5dfa8} .state.offline{background:#f2c4c4}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(10rem,1fr));gap:.8rem;margin:1.2rem 0}
.card{background:#fff;border:1px solid #dfe8da;border-radius:.5rem;padding:.7rem}
.card b{display:block;font-size:1.3rem} .card small{color:#667} .bar{height:.5rem;background:#e4ece0;border-radius:.25rem;overflow:hidden;margin-top:.3rem}
.bar i{display:block;height:100%;background:#5c9c4a} button{font-size:1rem;padding:.4rem 1.2rem}
table{width:100%;border-collapse:collapse;font-size:.85rem} td{border-top:1px solid #e4ece0;padding:.25rem;word-break:break-all}
td.n{text-align:right;font-weight:600;width:4rem} #notices{list-style:none;padding:0;margin:.6rem 0} #notices li{padding:.4rem .7rem;border-radius:.4rem;background:#e3eefb;margin:.3rem 0}
#notices li.warn{background:#f5dfa8} #chart{background:#fff;border:1px solid #dfe8da;border-radius:.5rem;padding:.5rem}
#chart svg{width:100%;height:auto;display:block} .stale{color:#a33;font-size:.85rem}
</style></head>
<body>
<h1>Meadow node</h1>
<div class="addr" id="address">{{.Address}}</div>
<ul id="notices">{{range .Notices}}<li class="{{.Level}}">{{.Text}}</li>{{end}}</ul>
{{with .Update}}{{if .Available}}<p id="update">Update available: {{.Latest}} (running {{.Current}}){{if not .Auto}}; run {{$.Command}} update --apply{{end}}</p>{{end}}{{end}}
<p>State: <span id="state" class="state {{.State}}">{{.State}}</span> <span id="reason">{{.Reason}}</span></p>
<p id="wasm">{{if .WasmModules}}Running a buyer's WebAssembly module, sandboxed: {{range .WasmModules}}<code>{{.}}</code> {{end}}{{else}}{{if .Limits.NoWasm}}Buyers' WebAssembly modules: off (no_wasm).{{else}}Buyers' WebAssembly modules: allowed, sandboxed; none running.{{end}}{{end}}</p>
<p id="wasm_cache" data-hits="{{.WasmCache.Hits}}" data-misses="{{.WasmCache.Misses}}" data-evictions="{{.WasmCache.Evictions}}" data-entries="{{.WasmCache.Entries}}" data-bytes="{{.WasmCache.Bytes}}">{{.WasmCache}}</p>
<p id="referrer">{{if .Referrer}}Referred by <code>{{.Referrer}}</code>, which earns a share of your MEADOW from the network's referral reserve, never out of yours.{{end}}</p>
<p><button id="toggle" type="button">{{if eq .State "paused"}}Resume{{else}}Pause{{end}}</button></p>
<p class="stale" id="record_error">{{if .RecordError}}The coordinators did not answer the last read ({{.RecordError}}); the figures below are from before.{{end}}</p>
<div class="grid">
<div class="card">Settled rewards<b><span id="settled_meadow" data-base="{{.SettledMeadow}}">{{meadow .SettledMeadow}}</span> MEADOW</b><small>up to epoch <span id="epoch">{{.Epoch}}</span>; claim with <code>{{.Command}} claim</code></small></div>
<div class="card">Work units<b id="work_units">{{.WorkUnits}}</b><small><span id="pending_units">{{.PendingUnits}}</span> pending the next epoch</small></div>
<div class="card">Tasks accepted<b id="tasks_accepted">{{.TasksAccepted}}</b><small><span id="tasks_done">{{.TasksDone}}</span> done since start</small></div>
<div class="card">Rows accepted<b id="rows_accepted">{{.RowsAccepted}}</b><small><span id="rows_rejected">{{.RowsRejected}}</span> rejected by cross-checking</small></div>
<div class="card">Reputation<b id="reputation" data-ppm="{{.Reputation}}">{{rep .Reputation}}</b></div>
<div class="card">Bandwidth today<b id="bytes"><span id="bytes_today" data-bytes="{{.BytesToday}}">{{mib .BytesToday}}</span> / <span id="bytes_per_day" data-bytes="{{.BytesPerDay}}">{{mib .BytesPerDay}}</span></b>
<div class="bar"><i id="bytes_bar" style="width:{{pct .BytesToday .BytesPerDay}}%"></i></div></div>
<div class="card">Uptime<b id="uptime" data-seconds="{{.UptimeSeconds}}">{{duration .UptimeSeconds}}</b><small>online <span id="online" data-seconds="{{.OnlineSeconds}}">{{online .OnlineSeconds .UptimeSeconds}}</span> of it</small></div>
</div>
<h2>Earnings per epoch (last {{len .Earnings}} of at most 30)</h2>
<div id="chart" data-epoch="{{.Epoch}}">{{chart .Earnings}}</div>
<h2>Why URLs were refused</h2>
<table id="refusal_counts">{{range $r := reasons .RefusalCounts}}<tr data-reason="{{$r}}"><td>{{$r}}</td><td class="n">{{index $.RefusalCounts $r}}</td><td>{{help $r}}</td></tr>{{else}}<tr><td>None: every URL so far was safe and allowed to fetch.</td></tr>{{end}}</table>
<h2>Recent refusals</h2>
<table id="refusals">{{range .Refusals}}<tr><td>{{.Time.Format "15:04:05"}}</td><td>{{.URL}}</td><td>{{.Reason}}</td></tr>{{else}}<tr><td>None: every URL so far was safe to fetch.</td></tr>{{end}}</table>
<script>
const $ = id => document.getElementById(id);
const help = {{helpmap}};
function mib(n){return (n/1048576).toFixed(1)+' MiB'}
function amount(base, dec){
  if (!/^[0-9]+$/.test(base)) return base;
  const v = BigInt(base), scale = 10n ** BigInt(dec);
  return (v / scale).toString() + '.' + ((v % scale) * 10000n / scale).toString().padStart(4, '0');
}
function duration(s){
  if (s >= 86400) return Math.floor(s/86400)+'d '+Math.floor(s%86400/3600)+'h';
  if (s >= 3600) return Math.floor(s/3600)+'h '+Math.floor(s%3600/60)+'m';
  return Math.floor(s/60)+'m '+(s%60)+'s';
}
function online(on, up){return up > 0 ? (Math.floor(on*1000/up)/10).toFixed(1)+'%' : '0.0%'}
function cell(tr, text, cls){const td = document.createElement('td'); td.textContent = text; if (cls) td.className = cls; tr.appendChild(td)}
let refreshed = 0;
async function show(s){
  $('state').textContent = s.state; $('state').className = 'state ' + s.state;
  $('reason').textContent = s.reason || '';
  $('wasm').textContent = (s.wasm_modules || []).length ? "Running a buyer's WebAssembly module, sandboxed: " + s.wasm_modules.join(' ')
    : (s.limits && s.limits.no_wasm ? "Buyers' WebAssembly modules: off (no_wasm)." : "Buyers' WebAssembly modules: allowed, sandboxed; none running.");
  const wc = s.wasm_cache || {hits: 0, misses: 0, evictions: 0, entries: 0, bytes: 0};
  for (const k of ['hits','misses','evictions','entries','bytes']) $('wasm_cache').dataset[k] = wc[k];
  $('wasm_cache').textContent = wc.hits + wc.misses === 0 ? 'Compiled-module cache: no module loaded yet.'
    : 'Compiled-module cache: ' + wc.hits + ' hits, ' + wc.misses + ' misses (' + Math.floor(wc.hits*100/(wc.hits+wc.misses)) + '% hits), ' + wc.evictions + ' evicted; ' + wc.entries + ' modules, ' + mib(wc.bytes) + ' held.';
  $('referrer').textContent = s.referrer ? 'Referred by ' + s.referrer + ", which earns a share of your MEADOW from the network's referral reserve, never out of yours." : '';
  $('toggle').textContent = s.state === 'paused' ? 'Resume' : 'Pause';
  for (const k of ['work_units','pending_units','tasks_accepted','tasks_done','rows_accepted','rows_rejected','epoch']) $(k).textContent = s[k];
  $('settled_meadow').textContent = amount(s.settled_meadow, 18); $('settled_meadow').dataset.base = s.settled_meadow;
  $('reputation').textContent = (s.reputation/1e4).toFixed(1)+'%'; $('reputation').dataset.ppm = s.reputation;
  $('bytes_today').textContent = mib(s.bytes_today); $('bytes_today').dataset.bytes = s.bytes_today;
  $('bytes_per_day').textContent = mib(s.bytes_per_day); $('bytes_per_day').dataset.bytes = s.bytes_per_day;
  $('bytes_bar').style.width = Math.min(100, s.bytes_per_day ? s.bytes_today*100/s.bytes_per_day : 0) + '%';
  $('uptime').textContent = duration(s.uptime_s); $('uptime').dataset.seconds = s.uptime_s;
  $('online').textContent = online(s.online_s, s.uptime_s); $('online').dataset.seconds = s.online_s;
  $('record_error').textContent = s.record_error ? 'The coordinators did not answer the last read ('+s.record_error+'); the figures below are from before.' : '';
  const ul = $('notices'); ul.replaceChildren();
  for (const n of s.notices || []) { const li = document.createElement('li'); li.className = n.level; li.textContent = n.text; ul.appendChild(li); }
  const t = $('refusal_counts'); t.replaceChildren();
  const reasons = Object.keys(s.refusal_counts || {}).sort();
  for (const r of reasons) { const tr = document.createElement('tr'); tr.dataset.reason = r; cell(tr, r); cell(tr, s.refusal_counts[r], 'n'); cell(tr, help[r] || ''); t.appendChild(tr); }
  if (!reasons.length) { const tr = document.createElement('tr'); cell(tr, 'None: every URL so far was safe and allowed to fetch.'); t.appendChild(tr); }
  if ($('chart').dataset.epoch !== String(s.epoch)) {
    const r = await fetch('/api/earnings.svg');
    if (r.ok) { $('chart').innerHTML = await r.text(); $('chart').dataset.epoch = s.epoch; }
  }
  document.body.dataset.refreshed = ++refreshed;
}
async function act(path){
  const r = await fetch(path, {method:'POST', headers:{'X-Meadow-Dashboard':'1'}});
  if (r.ok) show(await r.json());
}
$('toggle').addEventListener('click', () => act($('state').textContent === 'paused' ? '/api/resume' : '/api/pause'));
async function poll(){ try { await show(await (await fetch('/api/status')).json()); } catch (e) {} }
poll(); setInterval(poll, 2000);
</script>
</body></html>
`))

func humanMiB(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }

// onlineShare is the part of the uptime spent online, as the page writes it.
func onlineShare(on, up int64) string {
	if up <= 0 {
		return "0.0%"
	}
	return fmt.Sprintf("%.1f%%", float64(on*1000/up)/10)
}

func sortedReasons(m map[string]int64) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// earningsChart draws the earnings of the last epochs as an inline SVG bar
// chart: one bar an epoch, its height the MEADOW it paid against the largest;
// each bar carries its epoch and base units (data-epoch, data-meadow) and a
// tooltip. Nothing in it loads anything.
func earningsChart(es []EpochEarning) template.HTML {
	const w, h, top, bottom, slots = 600, 170, 18, 22, EarningsEpochs
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" role="img" aria-label="MEADOW earned per epoch">`, w, h)
	if len(es) == 0 {
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" font-size="14" fill="#667">No epoch posted yet: earnings appear after the first settlement.</text></svg>`, w/2, h/2)
		return template.HTML(b.String())
	}
	vals := make([]float64, len(es))
	peak := 0.0
	for i, e := range es {
		if v, ok := new(big.Float).SetString(e.Meadow); ok {
			vals[i], _ = new(big.Float).Quo(v, big.NewFloat(1e18)).Float64()
		}
		peak = max(peak, vals[i])
	}
	plot := float64(h - top - bottom)
	slot := float64(w) / slots
	fmt.Fprintf(&b, `<line x1="0" y1="%d" x2="%d" y2="%d" stroke="#c9d6c3"/>`, h-bottom, w, h-bottom)
	fmt.Fprintf(&b, `<text x="2" y="12" font-size="11" fill="#667">%s MEADOW</text>`, template.HTMLEscapeString(FormatAmount(maxMeadow(es), 18)))
	for i, e := range es {
		bh := 1.0
		if peak > 0 {
			bh = max(1, vals[i]/peak*plot)
		}
		x := float64(i) * slot
		fmt.Fprintf(&b, `<rect class="epoch" data-epoch="%d" data-meadow="%s" data-units="%d" x="%.1f" y="%.1f" width="%.1f" height="%.1f" rx="2" fill="#5c9c4a"><title>epoch %d: %s MEADOW for %d work units</title></rect>`,
			e.Epoch, template.HTMLEscapeString(e.Meadow), e.Units, x+2, float64(h-bottom)-bh, slot-4, bh,
			e.Epoch, template.HTMLEscapeString(FormatAmount(e.Meadow, 18)), e.Units)
		// Every epoch's number while they fit, then every fifth and the last.
		if len(es) <= 15 || e.Epoch%5 == 0 || i == len(es)-1 {
			fmt.Fprintf(&b, `<text x="%.1f" y="%d" font-size="10" fill="#667" text-anchor="middle">%d</text>`, x+slot/2, h-8, e.Epoch)
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

func maxMeadow(es []EpochEarning) string {
	best := new(big.Int)
	for _, e := range es {
		if v, ok := new(big.Int).SetString(e.Meadow, 10); ok && v.Cmp(best) > 0 {
			best = v
		}
	}
	return best.String()
}
