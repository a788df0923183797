package coord

// consoleCSP keeps the console to its own origin: inline script and style
// (the page is one document), fetches to itself only, nothing else loaded.
const consoleCSP = "default-src 'none'; connect-src 'self'; img-src 'self' data:; script-src 'unsafe-inline'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// consolePage is the operator console (GET /console): one document with its
// style and script, no data of its own. Its script reads GET
// /v1/cluster/console every 2 s with the cluster token, which it takes from
// the URL's fragment (#token=…, never sent to the server) or a form, and
// keeps in the tab's session storage.
const consolePage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Meadow coordinator console</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:14px/1.4 system-ui,sans-serif;max-width:70rem;margin:1.5rem auto;padding:0 1rem;color:#1b2330;background:#f5f7fa}
h1{font-size:1.35rem;margin:0} h2{font-size:1rem;margin:1.3rem 0 .4rem} .sub{color:#5a6473}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(12rem,1fr));gap:.8rem;margin:1rem 0}
.card{background:#fff;border:1px solid #dde3ea;border-radius:.5rem;padding:.7rem}
.card b{display:block;font-size:1.3rem} .card small{color:#5a6473}
table{width:100%;border-collapse:collapse;background:#fff;border:1px solid #dde3ea;border-radius:.5rem}
th,td{text-align:left;padding:.3rem .5rem;border-top:1px solid #edf0f4;font-size:.85rem;vertical-align:top} th{background:#f0f3f7;border-top:0}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.ok{color:#1f7a3a;font-weight:600} .bad{color:#b3261e;font-weight:600} .lead{background:#e8f4ea}
#login{background:#fff3d6;border:1px solid #ecd08f;border-radius:.5rem;padding:.8rem;margin:1rem 0}
#problem{color:#b3261e} code{font-size:.85rem} td.msg{word-break:break-word}
</style></head>
<body>
<h1>Meadow coordinator console</h1>
<div class="sub">Answered by member <b id="member">…</b> · leader <b id="leader">…</b> · term <b id="term">…</b> · <span id="updated">not loaded yet</span></div>
<form id="login" hidden>
<p>The console's figures need the cluster token (<code>--cluster-token</code>), as every operator route does. It stays in this tab only.
You can also open <code>/console#token=…</code>: a URL fragment never reaches the server.</p>
<input id="token" type="password" autocomplete="off" placeholder="cluster token" size="40"> <button id="go" type="submit">Open</button>
<p id="problem"></p>
</form>
<div id="view" hidden>
<h2>Members</h2>
<table id="members"><thead><tr><th>id</th><th>HTTP</th><th>Raft</th><th>role</th><th>reachable</th><th class="n">lag (entries)</th><th class="n">applied</th><th class="n">answer (ms)</th><th>version</th></tr></thead><tbody></tbody></table>
<div class="grid">
<div class="card">Tasks per second<b id="tasks_per_s">0</b><small><span id="tasks_total">0</span> tasks in all · over <span id="window_s">0</span> s</small></div>
<div class="card">Verdicts per second<b id="verdicts_per_s">0</b><small><span id="verdicts_total">0</span> tasks decided in all</small></div>
<div class="card">Nodes<b id="nodes">0</b><small><span id="nodes_seen">0</span> heard from in 5 minutes</small></div>
<div class="card">Blob store<b id="blob_bytes" data-bytes="0">0 B</b><small><span id="blobs">0</span> blobs <span id="blob_where">on this member</span></small></div>
<div class="card">Disk<b id="disk_free" data-bytes="0">0 B</b><small>free; <span id="disk_state">ok</span></small></div>
</div>
<h2>Jobs by state</h2>
<table id="jobs"><tbody></tbody></table>
<h2>Nodes by reputation</h2>
<table id="bands"><thead><tr><th>band</th><th>reputation</th><th class="n">nodes</th></tr></thead><tbody></tbody></table>
<h2>Last errors on this member</h2>
<table id="errors"><thead><tr><th>last (UTC)</th><th class="n">times</th><th>message</th><th>details (the last time)</th></tr></thead><tbody></tbody></table>
</div>
<script>
const $ = id => document.getElementById(id);
const KEY = 'meadow-console-token';
let token = sessionStorage.getItem(KEY) || '';
const frag = location.hash.match(/token=([^&]+)/);
if (frag) { token = decodeURIComponent(frag[1]); sessionStorage.setItem(KEY, token); history.replaceState(null, '', location.pathname); }
function bytes(n){ const u = ['B','KiB','MiB','GiB','TiB']; let i = 0; while (n >= 1024 && i < u.length-1) { n /= 1024; i++; } return (i ? n.toFixed(1) : String(n)) + ' ' + u[i]; }
function cell(tr, text, cls){ const td = document.createElement('td'); td.textContent = text; if (cls) td.className = cls; tr.appendChild(td); return td; }
function rows(id, list, fill){ const tb = $(id).tBodies[0]; tb.replaceChildren(); for (const x of list) { const tr = document.createElement('tr'); fill(tr, x); tb.appendChild(tr); } if (!list.length) { const tr = document.createElement('tr'); cell(tr, 'none'); tb.appendChild(tr); } }
let refreshed = 0;
function show(v){
  $('member').textContent = v.id; $('leader').textContent = v.leader || 'none (election)'; $('term').textContent = v.term;
  $('updated').textContent = 'as of ' + new Date(v.now_ms).toISOString().slice(11, 19) + ' UTC';
  rows('members', v.members, (tr, m) => {
    const h = m.health || {};
    tr.id = 'member-' + m.id; tr.dataset.reachable = !!h.reachable; tr.dataset.lag = h.lag || 0; tr.dataset.leader = !!m.leader;
    if (m.leader) tr.className = 'lead';
    cell(tr, m.id); cell(tr, m.http_addr || ''); cell(tr, m.raft_addr);
    cell(tr, (m.leader ? 'leader' : (h.state || '').toLowerCase() || 'unknown') + (m.voter ? '' : ' (non-voter)'));
    const r = cell(tr, h.reachable ? 'yes' : 'no: ' + (h.error || 'no answer'), h.reachable ? 'ok' : 'bad');
    r.classList.add('reach');
    cell(tr, h.reachable ? String(h.lag) : '–', 'n lag'); cell(tr, h.reachable ? String(h.state_index || 0) : '–', 'n'); cell(tr, h.reachable ? String(h.rtt_ms) : '–', 'n'); cell(tr, h.reachable ? (h.version || '?') : '–', 'version');
  });
  const r = v.rates;
  $('tasks_per_s').textContent = r.tasks_per_s.toFixed(2); $('verdicts_per_s').textContent = r.verdicts_per_s.toFixed(2);
  $('tasks_total').textContent = r.tasks; $('verdicts_total').textContent = r.verdicts; $('window_s').textContent = Math.round(r.window_s);
  $('nodes').textContent = v.nodes; $('nodes_seen').textContent = v.nodes_seen;
  $('blob_bytes').textContent = bytes(v.blobs.bytes); $('blob_bytes').dataset.bytes = v.blobs.bytes; $('blobs').textContent = v.blobs.blobs; $('blob_where').textContent = v.blobs.shared ? 'in the object store' : 'on this member';
  $('disk_free').textContent = bytes(v.disk.free_bytes); $('disk_free').dataset.bytes = v.disk.free_bytes;
  $('disk_state').textContent = v.disk.low ? 'LOW: under the reserve of ' + bytes(v.disk.reserve_bytes) : (v.disk.persist_error ? 'snapshot failing: ' + v.disk.persist_error : 'above the reserve of ' + bytes(v.disk.reserve_bytes));
  rows('jobs', Object.keys(v.jobs).sort(), (tr, s) => { tr.id = 'jobs-' + s; cell(tr, s); cell(tr, String(v.jobs[s]), 'n'); });
  rows('bands', v.node_bands, (tr, b) => { tr.dataset.band = b.name; cell(tr, b.name); cell(tr, (b.min/1e4).toFixed(0) + '% to ' + Math.min(100, b.max/1e4).toFixed(0) + '%'); cell(tr, String(b.nodes), 'n'); });
  rows('errors', v.errors, (tr, e) => { tr.dataset.time = e.time_ms; cell(tr, new Date(e.time_ms).toISOString().slice(0, 19).replace('T', ' ')); cell(tr, String(e.count), 'n count'); cell(tr, e.message, 'msg'); cell(tr, e.attrs || '', 'msg'); });
  $('view').hidden = false; $('login').hidden = true;
  document.body.dataset.refreshed = ++refreshed;
}
async function load(){
  if (!token) { $('login').hidden = false; return; }
  let res;
  try { res = await fetch('/v1/cluster/console', {headers: {'Meadow-Cluster-Token': token}, cache: 'no-store'}); }
  catch (e) { $('updated').textContent = 'this member does not answer: ' + e; return; }
  if (res.ok) { show(await res.json()); return; }
  let msg = res.status + ' ' + res.statusText;
  try { const b = await res.json(); msg = b.error.message || msg; } catch (e) {}
  if (res.status === 401 || res.status === 403) { token = ''; sessionStorage.removeItem(KEY); $('login').hidden = false; $('problem').textContent = msg; }
  else { $('updated').textContent = 'the last read failed: ' + msg; }
}
$('login').addEventListener('submit', ev => { ev.preventDefault(); token = $('token').value.trim(); sessionStorage.setItem(KEY, token); $('problem').textContent = ''; load(); });
load(); setInterval(load, 2000);
</script>
</body></html>
`
