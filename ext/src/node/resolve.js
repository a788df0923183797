// Resolving a task's host names before the browser connects (issue 17,
// item 10). The browser gives an extension no hook between its own DNS
// lookup and the connection, so the extension asks first:
//
//  1. a DNS-over-HTTPS resolver (RFC 8484, GET with dns=, the resolver URL
//     is a setting), for A and AAAA. Any answer that is not public refuses
//     the URL before a single request goes to the host, robots.txt
//     included. A resolver that cannot be reached, answers an error or
//     something that is not DNS refuses the URL too (fail closed), and the
//     refusal says so.
//  2. the browser's own resolver, where the browser offers it to
//     extensions (chrome.dns; Chromium builds without a release channel,
//     Debian's among them, do; Chrome's stable channel does not). It sees
//     what the connection will use: hosts files, the LAN's DNS server,
//     the browser's Secure DNS.
//
// What both can miss (a name that answers differently to the browser a
// moment later: DNS rebinding, split-horizon DNS) is left to the fetch
// itself, which declares that its target is public (targetAddressSpace,
// Chromium's Local Network Access check at connect time), and last to the
// address the browser reports it connected to (net.js).

import { encodeQuery, parseAnswer, base64url, RCODES, TYPE_A, TYPE_AAAA } from '../lib/doh.js';
import { parseIP, Refusal } from '../lib/policy.js';

const MIN_TTL_MS = 5000;
const MAX_TTL_MS = 300000;

function portOf(u) { return u.port === '' ? (u.protocol === 'https:' ? 443 : 80) : Number(u.port); }

/**
 * Resolver checks that a URL's host name resolves only to addresses the
 * policy admits. url: the DoH endpoint (an RFC 8484 URL such as
 * https://cloudflare-dns.com/dns-query); policy: lib/policy.js's Policy;
 * browserResolve: async (host) => {resultCode, address} (chrome.dns.resolve)
 * or null where the browser offers none.
 */
export class Resolver {
  constructor({ url, policy, fetchImpl = globalThis.fetch.bind(globalThis), browserResolve = null, timeoutMs = 5000 }) {
    if (!url) throw new Error('no DNS-over-HTTPS resolver URL is set (options page)');
    this.url = url;
    this.policy = policy;
    this.fetch = fetchImpl;
    this.browserResolve = browserResolve;
    this.timeoutMs = timeoutMs;
    this.cache = new Map(); // host -> {expires, promise of [addresses]}
    this.lookups = 0; // DoH queries sent, for tests
  }

  /**
   * check throws a Refusal unless every address u's host resolves to (by
   * the DoH resolver, and by the browser's resolver where there is one) is
   * one the policy admits. IP-literal hosts are the policy's (checkURL).
   */
  async check(u, signal) {
    const host = u.hostname.replace(/\.$/, '').toLowerCase();
    if (parseIP(host)) return;
    const port = portOf(u);
    const addrs = await this.lookup(host, signal);
    for (const a of addrs) this.judge(host, a, port, `the resolver ${this.url}`);
    await this.checkBrowser(host, port);
  }

  /** checkBrowser asks the browser's own resolver (when there is one) and judges its answer. */
  async checkBrowser(host, port) {
    if (!this.browserResolve || parseIP(host)) return;
    let r;
    try { r = await this.browserResolve(host); } catch { return; }
    // The browser's own failure to resolve will fail the fetch as well.
    if (r && r.resultCode === 0 && typeof r.address === 'string') this.judge(host, r.address, port, "the browser's resolver");
  }

  judge(host, addr, port, by) {
    try {
      this.policy.checkAddr(addr, port);
    } catch (e) {
      if (e instanceof Refusal) throw new Refusal('unsafe_address', `host ${host} resolves to ${e.detail} (asked ${by} before any request)`);
      throw e;
    }
  }

  /** lookup returns host's A and AAAA addresses, cached for their TTL (5 s to 5 min). */
  lookup(host, signal) {
    const c = this.cache.get(host);
    if (c && c.expires > Date.now()) return c.promise;
    const entry = { expires: Infinity };
    entry.promise = Promise.all([this.query(host, TYPE_A, signal), this.query(host, TYPE_AAAA, signal)]).then(([a, aaaa]) => {
      const addrs = [...a.addresses, ...aaaa.addresses];
      if (a.rcode === 3) throw new Refusal('http_error', `host ${host} does not exist (NXDOMAIN from the resolver ${this.url})`);
      if (addrs.length === 0) throw new Refusal('http_error', `host ${host} has no address (the resolver ${this.url} answered ${RCODES[a.rcode] ?? a.rcode} with no A or AAAA record)`);
      entry.expires = Date.now() + Math.min(MAX_TTL_MS, Math.max(MIN_TTL_MS, 1000 * Math.min(a.addresses.length ? a.ttl : Infinity, aaaa.addresses.length ? aaaa.ttl : Infinity)));
      return addrs;
    });
    entry.promise.catch(() => { if (this.cache.get(host) === entry) this.cache.delete(host); });
    this.cache.set(host, entry);
    return entry.promise;
  }

  /** query sends one RFC 8484 GET and returns parseAnswer's result; every failure refuses (fail closed). */
  async query(host, type, signal) {
    const closed = (why) => new Refusal('unsafe_address', `host ${host} could not be checked before connecting: ${why}; the extension does not let the browser resolve a name it could not check`);
    let q;
    try { q = encodeQuery(host, type); } catch (e) { throw closed(e.message); }
    const url = `${this.url}${this.url.includes('?') ? '&' : '?'}dns=${base64url(q)}`;
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), this.timeoutMs);
    const onAbort = () => ac.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    this.lookups++;
    try {
      let resp, body;
      try {
        resp = await this.fetch(url, { headers: { Accept: 'application/dns-message' }, credentials: 'omit', cache: 'no-store', referrerPolicy: 'no-referrer', redirect: 'error', signal: ac.signal });
        body = new Uint8Array(await resp.arrayBuffer());
      } catch (e) {
        if (signal?.aborted) throw new Refusal('timeout', `${host}: the task ended while resolving it`);
        throw closed(`the resolver ${this.url} ${ac.signal.aborted ? `did not answer in ${this.timeoutMs} ms` : `could not be reached (${e.message || e})`}`);
      }
      if (resp.status !== 200) throw closed(`the resolver ${this.url} answered HTTP ${resp.status}`);
      let r;
      try { r = parseAnswer(body, type); } catch (e) { throw closed(`the resolver ${this.url} answered something that is not a DNS message (${e.message})`); }
      if (r.truncated) throw closed(`the resolver ${this.url} sent a truncated answer`);
      if (r.rcode !== 0 && r.rcode !== 3) throw closed(`the resolver ${this.url} answered ${RCODES[r.rcode] ?? 'rcode ' + r.rcode}`);
      return r;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }
}
