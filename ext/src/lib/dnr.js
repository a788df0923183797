// declarativeNetRequest session rules for the extension's own requests
// (issue 17, item 10). The browser applies them before DNS, to every
// request the extension makes, whichever code path makes it: a second wall
// behind lib/policy.js's checkURL for what can be told from the URL alone,
// private and loopback IP literals and names that only mean something on a
// local network. Exceptions: the coordinators and the DoH resolver the user
// configured, and (development builds only) the allow-listed IPv4 prefixes
// of test sites. No browser APIs here: background.js installs the rules.

import { parsePrefix } from './policy.js';

/** RULE_IDS are the session rule ids this file owns (1 is the User-Agent rule). */
export const RULE_IDS = [2, 3, 4, 5];
const FIRST_ALLOW_ID = 100;

// (URLs with user:password are refused by the policy and not matched here:
// each optional part costs regex memory, which the browser caps at 2 KB.)
const HOST_START = '^https?://';
const HOST_END = '\\.?(?::[0-9]+)?(?:[/?#]|$)';

// Non-public IPv4 literals (the browser has already turned 0x7f.1 and
// 2130706433 into dotted decimal): this network, private, loopback,
// CGNAT, link-local, 192.0.0/24 and 192.0.2/24, benchmarking, multicast
// and reserved.
const V4 = HOST_START + '(?:0|10|127|22[4-9]|2[3-5][0-9]|100\\.(?:6[4-9]|[7-9][0-9]|1[01][0-9]|12[0-7])|169\\.254|172\\.(?:1[6-9]|2[0-9]|3[01])|192\\.168|192\\.0\\.[02]|198\\.1[89])\\.[0-9.]+' + HOST_END;
// IPv6 literals, as the browser writes them (compressed, lower case, no
// dotted quad): unspecified, loopback, IPv4-mapped and -compatible,
// unique local, link- and site-local, multicast, local-use NAT64.
const V6 = HOST_START + '\\[(?:::(?:ffff:)?(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4})?)?|f[c-f][0-9a-f]{2}:[^\\]]*|64:ff9b:1:[^\\]]*)\\]' + '(?::[0-9]+)?(?:[/?#]|$)';
// Names for the LAN: the local suffixes (requestDomains matches the domain
// and every name under it) and single labels.
const LOCAL_DOMAINS = ['localhost', 'local', 'lan', 'home.arpa', 'internal', 'home', 'localdomain', 'intranet', 'corp', 'private', 'fritz.box'];
const SINGLE = HOST_START + '[^./?#@:\\[]+' + HOST_END;

const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** v4PrefixRegex is a regexFilter for http(s) URLs whose host is an IPv4 literal inside prefix p, or null (IPv6). */
export function v4PrefixRegex(p) {
  const { bytes, bits } = typeof p === 'string' ? parsePrefix(p) : p;
  if (bytes.length !== 4) return null;
  const parts = [];
  for (let i = 0; i < 4; i++) {
    const keep = Math.max(0, Math.min(8, bits - 8 * i));
    if (keep === 8) { parts.push(String(bytes[i])); continue; }
    if (keep === 0) { parts.push('[0-9]{1,3}'); continue; }
    const lo = bytes[i] & ((0xff << (8 - keep)) & 0xff);
    const hi = lo + (1 << (8 - keep)) - 1;
    const alts = [];
    for (let v = lo; v <= hi; v++) alts.push(String(v));
    parts.push(`(?:${alts.join('|')})`);
  }
  return HOST_START + parts.join('\\.') + '(?::[0-9]+)?(?:[/?#]|$)';
}

/**
 * safetyRules returns the session rules for an extension whose id is
 * extId: blocks (priority 1) and allows (priority 2) for the configured
 * coordinator and resolver origins and the development allow-list.
 */
export function safetyRules(extId, { coordinators = [], resolverURL = '', allowList = [] } = {}) {
  const cond = (c) => ({ initiatorDomains: [extId], ...c });
  const block = (id, c) => ({ id, priority: 1, action: { type: 'block' }, condition: cond(c) });
  const rules = [
    block(RULE_IDS[0], { regexFilter: V4 }),
    block(RULE_IDS[1], { regexFilter: V6 }),
    block(RULE_IDS[2], { requestDomains: LOCAL_DOMAINS }),
    block(RULE_IDS[3], { regexFilter: SINGLE }),
  ];
  let id = FIRST_ALLOW_ID;
  const origins = new Set();
  for (const u of [...coordinators, resolverURL]) {
    try { origins.add(new URL(u).origin); } catch { /* validated elsewhere */ }
  }
  for (const o of origins) rules.push({ id: id++, priority: 2, action: { type: 'allow' }, condition: cond({ regexFilter: '^' + esc(o) + '(?:[/?#]|$)' }) });
  for (const p of allowList) {
    const re = v4PrefixRegex(p);
    if (re) rules.push({ id: id++, priority: 2, action: { type: 'allow' }, condition: cond({ regexFilter: re }) });
  }
  return rules;
}

export { V4, V6, LOCAL_DOMAINS, SINGLE };
