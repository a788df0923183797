// The popup: on/off, today's bytes against the cap, tasks done, and what the
// coordinators say about this node: its record (work units, decided tasks,
// reputation) and its rewards (GET /v1/node/{address}/rewards: units pending
// settlement, settled MEADOW and stable, the last settled epoch).

import { earningsView } from './lib/rewards.js';
import { claimErrorText, claimResultText, claimView } from './lib/claim.js';

const byId = (id) => document.getElementById(id);
// How often the popup, while open, has the service worker read the node's
// record and rewards again (its status is read every 2 s).
export const RECORD_POLL_MS = 15000;

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

/**
 * render shows the service worker's status s (background.js status()); $
 * finds an element by id (the popup's document; tests pass their own).
 */
export function render(s, $ = byId) {
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
  // units its accepted rows earned (10 a crawl row, 20 with main text: the
  // job's units_per_row), reputation is in parts
  // per million.
  $('units').textContent = fmt(pick(rec, 'tasks'));
  const rep = pick(rec, 'reputation');
  $('reputation').textContent = typeof rep === 'number' ? `${(rep / 10000).toFixed(1)} %` : '–';
  // Earnings: the rewards answer (checked again here; '–' when there is
  // none or it is malformed). Work units come from the record when the
  // rewards could not be read.
  const e = earningsView(s.rewards);
  const recUnits = pick(rec, 'units', 'accepted_rows');
  $('accepted').textContent = e.units !== '–' ? e.units : fmt(Number.isSafeInteger(recUnits) ? recUnits : undefined);
  $('pending').textContent = e.pending !== '–' ? e.pending
    : Number.isSafeInteger(recUnits) ? fmt(Number.isSafeInteger(rec.pending_units) ? rec.pending_units : 0) : '–';
  $('meadow').textContent = e.meadow;
  $('stable').textContent = e.stable;
  $('epoch').textContent = e.epoch;
  $('earnhint').textContent = e.hint;
  $('earnhint').hidden = e.hint === '';
  // Claim without gas: offered when there is something to claim and the
  // coordinators relay; the relayer's fee and the net amount are shown
  // before anything is sent, the transaction (or why not) after.
  const c = claimView(s.rewards, s.relay, s.claimLimits);
  const busy = !!s.claim?.busy;
  $('claimbox').hidden = !c.show && !busy;
  $('claimfee').textContent = c.fee;
  $('claimreceive').textContent = c.receive;
  $('claim').hidden = c.blocked && !busy;
  $('claim').disabled = busy;
  $('claim').textContent = busy ? 'Sending the claim…' : 'Claim without gas';
  const done = s.claim && !busy ? (s.claim.error ? claimErrorText(s.claim.error) : claimResultText(s.claim.result)) : '';
  $('claimresult').textContent = done;
  $('claimresult').hidden = done === '';
  $('claimresult').className = s.claim?.error ? 'error' : 'hint';
  const err = s.lastError && Date.now() - s.lastErrorAt < 10 * 60 * 1000 ? s.lastError : (s.coordinators.length === 0 ? 'No coordinator is set yet: open Settings.' : null);
  $('error').hidden = !err;
  $('error').textContent = err || '';
}

async function refresh() {
  try { render(await send('status')); } catch (e) { byId('activity').textContent = e.message; }
}

// The record and the rewards come from the coordinators through the service
// worker; a failure there shows as '–', never as an exception here.
let reading = false;
async function readRecord() {
  if (reading) return;
  reading = true;
  try { await send('record'); } catch { /* shown as '–' */ } finally { reading = false; }
  await refresh();
}

function start() {
  const $ = byId;
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

  $('claim').addEventListener('click', async () => {
    $('claim').disabled = true;
    $('claim').textContent = 'Sending the claim…';
    // The outcome (transaction and net amount, or the refusal in words)
    // comes back in the status.
    try { await send('claim'); } catch { /* in status().claim */ }
    refresh();
  });

  $('options').addEventListener('click', (ev) => { ev.preventDefault(); chrome.runtime.openOptionsPage(); });

  refresh();
  readRecord();
  setInterval(refresh, 2000);
  setInterval(readRecord, RECORD_POLL_MS);
}

// In the extension's popup page; not when a test imports render.
if (typeof document !== 'undefined' && globalThis.chrome?.runtime?.id) start();
