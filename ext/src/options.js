// The options page: coordinator URLs, chain id, caps, where claims pay and
// the highest relay fee; in a development build also the loopback
// allow-list. Settings are checked (validateSettings) before
// they are stored; the error names the setting.

import { BOUNDS, DEV, DEFAULTS, MiB, validateSettings } from './node/config.js';
import { bpsPercent, parsePercentBps } from './lib/claim.js';
import { parsePrefix } from './lib/policy.js';

const $ = (id) => document.getElementById(id);
const lines = (s) => s.split(/\r?\n/).map((x) => x.trim()).filter((x) => x !== '');

// Shown value ↔ stored value.
const UNITS = { bytesPerDay: MiB, maxResponseBytes: 1024, fetchTimeoutMs: 1000 };

async function load() {
  const { settings } = await chrome.storage.local.get('settings');
  const s = { ...DEFAULTS, ...(settings || {}) };
  $('dev').hidden = !DEV;
  $('devbox').hidden = !DEV;
  $('coordinators').value = s.coordinators.join('\n');
  $('allowList').value = (s.allowList || []).join('\n');
  $('resolverURL').value = s.resolverURL;
  $('payout').value = s.payout;
  $('maxRelayFee').value = bpsPercent(s.maxRelayFeeBps).replace(/%$/, '');
  for (const k of ['chainId', 'bytesPerDay', 'maxResponseBytes', 'maxConcurrent', 'pagesPerMinute', 'fetchTimeoutMs', 'perHostDelayMs']) {
    $(k).value = String(Math.round(s[k] / (UNITS[k] || 1)));
    const [lo, hi] = BOUNDS[k];
    $(k).min = String(Math.ceil(lo / (UNITS[k] || 1)));
    $(k).max = String(Math.floor(hi / (UNITS[k] || 1)));
  }
}

$('form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  $('saved').textContent = '';
  $('error').hidden = true;
  try {
    const { settings: old } = await chrome.storage.local.get('settings');
    const next = { ...DEFAULTS, ...(old || {}), coordinators: lines($('coordinators').value), resolverURL: $('resolverURL').value.trim() };
    for (const k of ['chainId', 'bytesPerDay', 'maxResponseBytes', 'maxConcurrent', 'pagesPerMinute', 'fetchTimeoutMs', 'perHostDelayMs']) {
      const raw = $(k).value.trim();
      if (!/^\d+$/.test(raw)) throw new Error(`${$(k).labels[0].textContent}: expected a whole number`);
      next[k] = Number(raw) * (UNITS[k] || 1);
    }
    next.payout = $('payout').value.trim();
    const fee = $('maxRelayFee').value.trim();
    next.maxRelayFeeBps = fee === '' ? DEFAULTS.maxRelayFeeBps : parsePercentBps(fee);
    if (DEV) {
      next.allowList = lines($('allowList').value);
      next.allowList.forEach(parsePrefix);
    } else next.allowList = [];
    const s = validateSettings(next);
    await chrome.storage.local.set({ settings: s });
    $('saved').textContent = 'Saved.';
  } catch (e) {
    $('error').hidden = false;
    $('error').textContent = e.message;
  }
});

load();
