// The popup: on/off, today's bytes against the cap, tasks done, and what the
// coordinator says about this node (accepted rows, work units, earnings).

const $ = (id) => document.getElementById(id);

function send(type, extra = {}) {
  return chrome.runtime.sendMessage({ target: 'background', type, ...extra }).then((r) => {
    if (!r) throw new Error('the extension did not answer');
    if (!r.ok) throw new Error(r.error);
    return r.value;
  });
}

export function formatBytes(n) {
  if (!(n >= 0)) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return `${n < 10 && i > 0 ? n.toFixed(1) : Math.round(n)} ${units[i]}`;
}

// The node record's fields have several spellings across versions; take the first present.
function pick(rec, ...keys) {
  if (!rec || typeof rec !== 'object') return undefined;
  for (const k of keys) {
    const path = k.split('.');
    let v = rec;
    for (const p of path) v = v && typeof v === 'object' ? v[p] : undefined;
    if (v !== undefined && v !== null) return v;
  }
  return undefined;
}

function render(s) {
  $('dev').hidden = !s.dev;
  $('enabled').checked = s.enabled;
  $('address').textContent = s.address;
  $('version').textContent = 'v' + s.version;
  $('activity').textContent = s.enabled ? s.activity : 'Paused: no pages are fetched.';
  const cap = s.usage.cap;
  $('bytes').textContent = `${formatBytes(s.usage.bytes)} of ${formatBytes(cap)}`;
  $('bytesbar').style.width = `${Math.min(100, (100 * s.usage.bytes) / cap).toFixed(1)}%`;
  $('tasks').textContent = String(s.stats?.tasksDone ?? 0);
  const rec = s.record;
  const fmt = (v) => (v === undefined ? '–' : typeof v === 'number' ? v.toLocaleString() : String(v));
  // The coordinator's node record (coord/state.Node): units are the work
  // units its accepted rows earned (10 a crawl row), reputation is in parts
  // per million.
  $('accepted').textContent = fmt(pick(rec, 'accepted_rows', 'units'));
  $('units').textContent = fmt(pick(rec, 'tasks'));
  $('earnings').textContent = fmt(pick(rec, 'earnings', 'balance', 'rewards.balance'));
  const rep = pick(rec, 'reputation');
  $('reputation').textContent = typeof rep === 'number' ? `${(rep / 10000).toFixed(1)} %` : '–';
  const err = s.lastError && Date.now() - s.lastErrorAt < 10 * 60 * 1000 ? s.lastError : (s.coordinators.length === 0 ? 'No coordinator is set yet: open Settings.' : null);
  $('error').hidden = !err;
  $('error').textContent = err || '';
}

async function refresh() {
  try { render(await send('status')); } catch (e) { $('activity').textContent = e.message; }
}

$('enabled').addEventListener('change', async (ev) => {
  try { await send('setEnabled', { enabled: ev.target.checked }); } catch (e) { $('error').hidden = false; $('error').textContent = e.message; }
  refresh();
});

$('copy').addEventListener('click', async () => {
  const a = $('address').textContent;
  try {
    await navigator.clipboard.writeText(a);
  } catch {
    const r = document.createRange();
    r.selectNodeContents($('address'));
    getSelection().removeAllRanges();
    getSelection().addRange(r);
    document.execCommand('copy');
  }
  $('copy').textContent = 'Copied';
  setTimeout(() => { $('copy').textContent = 'Copy'; }, 1500);
});

$('options').addEventListener('click', (ev) => { ev.preventDefault(); chrome.runtime.openOptionsPage(); });

refresh();
send('record').then(refresh, () => {});
setInterval(refresh, 2000);
