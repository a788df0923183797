// Settings, defaults and the development switch.
//
// DEV is fixed when the extension is built: `make ext` builds the production
// extension (DEV false), and only the development build used by the tests
// (node ext/build.mjs --dev) sets it. In production the loopback allow-list
// cannot be set or honoured: the options page does not show it, the code
// that reads it is compiled out, and the policy is built without it.

import { DEFAULT_MAX_RELAY_FEE_BPS, MAX_RELAY_FEE_BPS, ZERO_ADDRESS } from '../lib/claim.js';
import { parseAddress, toChecksumAddress } from '../lib/envelope.js';

/* global __MEADOW_DEV__ */
export const DEV = typeof __MEADOW_DEV__ !== 'undefined' && __MEADOW_DEV__ === true;

export const MiB = 1 << 20;

export const DEFAULTS = Object.freeze({
  enabled: true,
  coordinators: [],
  chainId: 1337,
  bytesPerDay: 500 * MiB,
  maxConcurrent: 2,
  maxResponseBytes: 5 * MiB,
  fetchTimeoutMs: 20000,
  pagesPerMinute: 60,
  perHostDelayMs: 1000,
  allowList: [],
  // The DNS-over-HTTPS resolver (RFC 8484) that every task host name is
  // resolved with before the browser connects (node/resolve.js).
  resolverURL: 'https://cloudflare-dns.com/dns-query',
  // Claims without gas: where the tokens go ('' for this node's own
  // address) and the largest relayer's fee accepted, in basis points
  // (`meadow node claim --payout` and `--max-fee`).
  payout: '',
  maxRelayFeeBps: DEFAULT_MAX_RELAY_FEE_BPS,
});

// Bounds of each setting: [min, max]; the options page shows them.
export const BOUNDS = Object.freeze({
  bytesPerDay: [1 * MiB, 1024 * 1024 * MiB],
  maxConcurrent: [1, 8],
  maxResponseBytes: [64 << 10, 64 * MiB],
  fetchTimeoutMs: [1000, 120000],
  pagesPerMinute: [1, 10000],
  perHostDelayMs: [DEV ? 0 : 1000, 60000],
  chainId: [1, Number.MAX_SAFE_INTEGER],
  maxRelayFeeBps: [0, MAX_RELAY_FEE_BPS],
});

export const MAX_CRAWL_DELAY_MS = 60000;
export const MAX_RETRIES = 2;
export const MAX_RETRY_AFTER_MS = 30000;
export const MAX_REDIRECTS = 10;
export const ROBOTS_TTL_MS = 24 * 3600 * 1000;
export const ROBOTS_ERROR_TTL_MS = 5 * 60 * 1000;

/** userAgent names the network and where site owners learn about it. */
export function userAgent(version) { return `MeadowBot/ext-${version} (+https://meadow.network/bot)`; }

/**
 * validateSettings returns a complete, checked copy of s (missing keys take
 * their defaults) or throws an Error whose message names the setting and
 * what was expected. In production an allow-list is an error.
 */
export function validateSettings(s) {
  const out = { ...DEFAULTS, ...(s || {}) };
  const errs = [];
  for (const [k, [lo, hi]] of Object.entries(BOUNDS)) {
    const v = out[k];
    if (!Number.isSafeInteger(v) || v < lo || v > hi) errs.push(`${k} ${JSON.stringify(v)}: expected an integer from ${lo} to ${hi}`);
  }
  if (typeof out.enabled !== 'boolean') errs.push(`enabled ${JSON.stringify(out.enabled)}: expected true or false`);
  if (!Array.isArray(out.coordinators)) errs.push('coordinators: expected a list of URLs');
  else {
    out.coordinators = out.coordinators.map((u) => String(u).trim()).filter((u) => u !== '');
    out.coordinators.forEach((u, i) => {
      let p = null;
      try { p = new URL(u); } catch { /* below */ }
      if (!p || (p.protocol !== 'http:' && p.protocol !== 'https:') || p.search || p.hash || p.username) {
        errs.push(`coordinators[${i}] ${JSON.stringify(u)}: expected an http(s) URL such as https://coord.example.org`);
      } else if (p.protocol === 'http:' && !DEV) {
        errs.push(`coordinators[${i}] ${JSON.stringify(u)}: expected https (plain http only in a development build)`);
      } else out.coordinators[i] = p.href.replace(/\/+$/, '');
    });
    if (out.coordinators.length > 16) errs.push('coordinators: at most 16');
  }
  {
    let p = null;
    try { p = typeof out.resolverURL === 'string' ? new URL(out.resolverURL.trim()) : null; } catch { /* below */ }
    if (!p || (p.protocol !== 'https:' && p.protocol !== 'http:') || p.username || p.password || p.hash) {
      errs.push(`resolverURL ${JSON.stringify(out.resolverURL)}: expected a DNS-over-HTTPS URL such as https://cloudflare-dns.com/dns-query`);
    } else if (p.protocol === 'http:' && !DEV) {
      errs.push(`resolverURL ${JSON.stringify(out.resolverURL)}: expected https (plain http only in a development build)`);
    } else out.resolverURL = p.href;
  }
  if (typeof out.payout !== 'string') errs.push(`payout ${JSON.stringify(out.payout)}: expected an address, or empty for this node's own`);
  else if ((out.payout = out.payout.trim()) !== '') {
    try {
      const b = parseAddress(out.payout);
      if (out.payout.toLowerCase() === ZERO_ADDRESS) throw new TypeError('the zero address');
      out.payout = toChecksumAddress(b);
    } catch (e) {
      errs.push(`payout ${JSON.stringify(out.payout)}: expected an address such as 0x52908400098527886E0F7030069857D2E4169EE7, or empty for this node's own (${e.message})`);
    }
  }
  if (!Array.isArray(out.allowList)) errs.push('allowList: expected a list of CIDR prefixes');
  else if (out.allowList.length > 0 && !DEV) errs.push('allowList: expected empty (it lets the extension reach non-public addresses; only a development build may set it)');
  if (errs.length) throw new Error(errs.join('; '));
  return out;
}

/** utcDay names the UTC day of a time in ms, the period of the byte cap. */
export function utcDay(ms = Date.now()) { return new Date(ms).toISOString().slice(0, 10); }
