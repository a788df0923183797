// Fetching for crawl tasks, with the browser's network stack (fetch) and the
// safety rules of crawl/static.go:
//
//  - Redirects are followed by hand (redirect: 'manual'), so that every hop
//    is checked before it is requested: the policy, and robots.txt of the
//    new location. fetch hides a redirect's Location from an extension
//    (an opaque redirect), so webRequest, which sees the extension's own
//    requests, supplies it, with the status and the address connected to.
//  - Before each request (robots.txt and every redirect hop included) the
//    host name is resolved by the extension itself (resolve.js: DNS over
//    HTTPS, and the browser's resolver where it offers one); a name with a
//    non-public address is refused without a request.
//  - Each fetch declares its target public (targetAddressSpace: 'public'):
//    Chromium's Local Network Access check then fails it at connect time,
//    before the request is sent, when the browser's own lookup gives a
//    loopback or private address after all (rebinding, split-horizon DNS).
//  - The address the browser connected to (webRequest's ip) is checked for
//    every response, redirects included; a non-public one is refused and
//    the body never read: the last line, for what the browser calls public
//    and the policy does not (documentation, benchmarking, CGNAT ranges…).
//  - No cookies, no cache, no referrer; a size cap enforced while reading.
//  - Politeness: one request at a time per host, spaced by the per-host
//    delay or the site's Crawl-delay, whichever is longer; a pages-per-
//    minute cap over all hosts; a per-day byte cap.

import { Refusal } from '../lib/policy.js';
import { parseRobots } from '../lib/robots.js';
import { MAX_CRAWL_DELAY_MS, MAX_REDIRECTS, ROBOTS_ERROR_TTL_MS, ROBOTS_TTL_MS } from './config.js';
import { MAX_ROBOTS_BYTES } from '../lib/robots.js';

const sleep = (ms, signal) => new Promise((resolve, reject) => {
  if (signal?.aborted) { reject(signal.reason); return; }
  const t = setTimeout(resolve, ms);
  signal?.addEventListener('abort', () => { clearTimeout(t); reject(signal.reason); }, { once: true });
});

/**
 * NetWatch follows the extension's own requests through chrome.webRequest
 * and hands each fetch its events: status, response headers, redirect
 * target and the IP address the browser connected to.
 */
export class NetWatch {
  constructor(webRequest, origin) {
    this.origin = origin;
    this.pending = new Map(); // url -> [records waiting for their request id]
    this.byId = new Map();
    const filter = { urls: ['http://*/*', 'https://*/*'], tabId: -1 };
    const mine = (d) => d.initiator === origin || (d.initiator === undefined && d.tabId === -1);
    webRequest.onBeforeRequest.addListener((d) => {
      if (!mine(d)) return;
      const q = this.pending.get(d.url);
      if (!q || q.length === 0) return;
      const rec = q.shift();
      if (q.length === 0) this.pending.delete(d.url);
      rec.id = d.requestId;
      this.byId.set(d.requestId, rec);
      rec.update({});
    }, filter);
    webRequest.onHeadersReceived.addListener((d) => this.on(d, { status: d.statusCode, headers: d.responseHeaders || [] }),
      filter, ['responseHeaders', 'extraHeaders']);
    webRequest.onBeforeRedirect.addListener((d) => this.on(d, { ip: d.ip ?? null, redirectUrl: d.redirectUrl, redirected: true }), filter);
    webRequest.onResponseStarted.addListener((d) => this.on(d, { ip: d.ip ?? null, status: d.statusCode, started: true }), filter);
    webRequest.onCompleted.addListener((d) => this.on(d, { ip: d.ip ?? null, done: true }), filter);
    webRequest.onErrorOccurred.addListener((d) => this.on(d, { error: d.error, done: true }), filter);
  }

  on(d, patch) {
    const rec = this.byId.get(d.requestId);
    if (!rec) return;
    if (patch.ip === null && rec.ip) delete patch.ip;
    rec.update(patch);
  }

  /** expect returns a record that the next request of the extension to url attaches to. */
  expect(url) {
    const rec = {
      id: null, url, waiters: [],
      update(p) { Object.assign(this, p); for (const w of this.waiters.slice()) w(); },
      when(pred, ms) {
        return new Promise((resolve) => {
          if (pred(this)) { resolve(true); return; }
          const t = setTimeout(() => { this.waiters = this.waiters.filter((x) => x !== check); resolve(false); }, ms);
          const check = () => { if (pred(this)) { clearTimeout(t); this.waiters = this.waiters.filter((x) => x !== check); resolve(true); } };
          this.waiters.push(check);
        });
      },
    };
    if (!this.pending.has(url)) this.pending.set(url, []);
    this.pending.get(url).push(rec);
    return rec;
  }

  release(rec) {
    const q = this.pending.get(rec.url);
    if (q) { const i = q.indexOf(rec); if (i >= 0) q.splice(i, 1); if (q.length === 0) this.pending.delete(rec.url); }
    if (rec.id !== null) this.byId.delete(rec.id);
  }
}

function headerBytes(headers) {
  let n = 16;
  for (const h of headers || []) n += h.name.length + (h.value || '').length + 4;
  return n;
}

function headerGet(headers, name) {
  const l = name.toLowerCase();
  const h = (headers || []).find((x) => x.name.toLowerCase() === l);
  return h ? h.value : null;
}

function portOf(u) { return u.port === '' ? (u.protocol === 'https:' ? 443 : 80) : Number(u.port); }

/** HostLimiter: one request at a time per host, spaced by max(delay, Crawl-delay); back-off on 429/503. */
export class HostLimiter {
  constructor(delayMs) { this.delayMs = delayMs; this.hosts = new Map(); }
  state(host) {
    let s = this.hosts.get(host);
    if (!s) { s = { chain: Promise.resolve(), last: 0, crawlDelay: 0, backOff: 0 }; this.hosts.set(host, s); }
    return s;
  }
  setCrawlDelay(host, ms) { this.state(host).crawlDelay = ms; }
  backOff(host, until) { const s = this.state(host); s.backOff = Math.max(s.backOff, until); }
  /** run calls fn in the host's next slot. */
  run(host, fn, signal) {
    const s = this.state(host);
    const go = async () => {
      const wait = Math.max(s.last + Math.max(this.delayMs, s.crawlDelay), s.backOff) - Date.now();
      if (wait > 0) await sleep(wait, signal);
      s.last = Date.now();
      return fn();
    };
    const p = s.chain.then(go, go);
    s.chain = p.then(() => {}, () => {});
    return p;
  }
}

/** PageRate caps pages started in any 60 s window. */
export class PageRate {
  constructor(perMinute) { this.perMinute = perMinute; this.starts = []; }
  async take(signal) {
    for (;;) {
      const now = Date.now();
      while (this.starts.length && this.starts[0] <= now - 60000) this.starts.shift();
      if (this.starts.length < this.perMinute) { this.starts.push(now); return; }
      await sleep(this.starts[0] + 60000 - now + 5, signal);
    }
  }
}

/** Semaphore bounds the fetches in flight. */
export class Semaphore {
  constructor(n) { this.n = n; this.q = []; }
  async acquire() { if (this.n > 0) { this.n--; return; } await new Promise((r) => this.q.push(r)); }
  release() { const r = this.q.shift(); if (r) r(); else this.n++; }
}

/**
 * Fetcher fetches URLs for crawl tasks. deps: {watch (NetWatch), policy,
 * budget ({allow(), spend(n)}), userAgent, settings}.
 */
export class Fetcher {
  constructor({ watch, policy, budget, settings, resolver = null, fetchImpl = globalThis.fetch.bind(globalThis) }) {
    this.watch = watch; this.policy = policy; this.budget = budget; this.settings = settings;
    this.resolver = resolver;
    this.fetch = fetchImpl;
    this.limiter = new HostLimiter(settings.perHostDelayMs);
    this.rate = new PageRate(settings.pagesPerMinute);
    this.sem = new Semaphore(settings.maxConcurrent);
    this.robots = new Map(); // origin -> {promise, expires}
  }

  /**
   * hop makes one request without following a redirect. It returns
   * {status, headers, ip, location, url, body (Uint8Array|null), bytes}; it
   * throws a Refusal for an unsafe address, a body over the cap (unless
   * truncate), a timeout or a network error.
   */
  async hop(url, { maxBytes, truncate = false, signal }) {
    const u = new URL(url);
    u.hash = '';
    if (this.resolver) await this.resolver.check(u, signal);
    const init = { redirect: 'manual', credentials: 'omit', cache: 'no-store', referrerPolicy: 'no-referrer', signal };
    // Only an allow-listed literal (a development build's test site) may be
    // on loopback or the LAN; every other target must be public, and
    // Chromium refuses to send the request when its lookup says otherwise.
    if (!this.policy.allowedLiteral(u.hostname)) init.targetAddressSpace = 'public';
    const rec = this.watch.expect(u.href);
    let resp;
    try {
      try {
        resp = await this.fetch(u.href, init);
      } catch (e) {
        if (signal?.aborted) throw new Refusal('timeout', `${u.href}: no answer in time`);
        // Refused at connect by the Local Network Access check? The
        // browser's resolver says where the name led.
        if (init.targetAddressSpace && this.resolver) {
          await this.resolver.checkBrowser(u.hostname.replace(/\.$/, '').toLowerCase(), portOf(u)).catch((r) => {
            throw new Refusal('unsafe_address', `${r.detail}; the browser refused to connect (Local Network Access)`);
          });
        }
        // Chromium fails a manual-mode fetch whose redirect leads to a
        // scheme it will not fetch (ftp:, data:, …); the redirect itself
        // still went through webRequest, so it is judged like any other.
        await rec.when((r) => r.status !== undefined || r.done, 2000);
        const loc = headerGet(rec.headers, 'location');
        if (rec.status >= 300 && rec.status < 400 && loc !== null) {
          return { url: u.href, ip: rec.ip ?? null, headers: rec.headers, bytes: headerBytes(rec.headers), status: rec.status, location: loc, redirectUrl: loc, body: null };
        }
        throw new Refusal('http_error', `${u.href}: ${e.message || e}${rec.error ? ` (${rec.error})` : ''}`);
      }
      const redirect = resp.type === 'opaqueredirect';
      // The browser reports the address connected to (and a redirect's
      // target) through webRequest, a little after fetch resolves.
      const ok = await rec.when((r) => (redirect ? r.redirected : (r.started || r.done)) && (r.ip || r.done || r.error), 10000);
      if (!ok || !rec.ip) {
        throw new Refusal('http_error', `${u.href}: the browser did not report the address it connected to${rec.error ? ` (${rec.error})` : ''}`);
      }
      this.policy.checkAddr(rec.ip, portOf(u));
      const base = { url: u.href, ip: rec.ip, headers: rec.headers || [], bytes: headerBytes(rec.headers) };
      if (redirect) {
        return { ...base, status: rec.status || 302, location: headerGet(rec.headers, 'location'), redirectUrl: rec.redirectUrl, body: null };
      }
      const cl = Number(resp.headers.get('content-length'));
      if (!truncate && cl > maxBytes) {
        await resp.body?.cancel().catch(() => {});
        throw new Refusal('too_large', `Content-Length ${cl} is over the ${maxBytes}-byte cap`);
      }
      const chunks = [];
      let n = 0;
      if (resp.body) {
        const reader = resp.body.getReader();
        for (;;) {
          let r;
          try { r = await reader.read(); } catch (e) {
            if (signal?.aborted) throw new Refusal('timeout', `${u.href}: the body did not arrive in time`);
            throw new Refusal('http_error', `${u.href}: reading the body: ${e.message || e}`);
          }
          if (r.done) break;
          n += r.value.length;
          if (n > maxBytes) {
            reader.cancel().catch(() => {});
            if (!truncate) throw new Refusal('too_large', `body is over the ${maxBytes}-byte cap`);
            chunks.push(r.value.subarray(0, r.value.length - (n - maxBytes)));
            n = maxBytes;
            break;
          }
          chunks.push(r.value);
        }
      }
      const body = new Uint8Array(n);
      let o = 0;
      for (const c of chunks) { body.set(c, o); o += c.length; }
      return { ...base, status: resp.status, location: null, body, bytes: base.bytes + n };
    } finally {
      this.watch.release(rec);
    }
  }

  /**
   * robotsFor returns the robots rules of u's origin (cached: 24 h, 5 min
   * after a failure) and the bytes spent learning them. A 2xx robots.txt is
   * parsed; other 4xx means no rules; 429, 5xx or no answer refuses the site
   * for now (reason robots, or the fetch's own reason).
   */
  async robotsFor(u, signal) {
    const origin = u.origin;
    const c = this.robots.get(origin);
    if (c && (c.expires === 0 || c.expires > Date.now())) return { rb: await c.promise, bytes: 0 };
    let spent = 0;
    const entry = { expires: 0 };
    entry.promise = (async () => {
      let url = origin + '/robots.txt';
      for (let i = 0; ; i++) {
        const h = await this.hop(url, { maxBytes: MAX_ROBOTS_BYTES, truncate: true, signal });
        spent += h.bytes;
        if (h.location !== null || (h.status >= 300 && h.status < 400 && h.redirectUrl)) {
          if (i >= 5) throw new Refusal('http_error', 'robots.txt: more than 5 redirects');
          const next = new URL(h.location ?? h.redirectUrl, url);
          this.policy.checkURL(next);
          url = next.href;
          continue;
        }
        if (h.status >= 200 && h.status < 300) return parseRobots(h.body);
        if (h.status === 429 || h.status >= 500) throw new Refusal('robots', `robots.txt answered ${h.status}, so the site is treated as disallowed`);
        if (h.status >= 400) return parseRobots('');
        throw new Refusal('robots', `robots.txt answered ${h.status}`);
      }
    })();
    this.robots.set(origin, entry);
    try {
      const rb = await entry.promise;
      entry.expires = Date.now() + ROBOTS_TTL_MS;
      return { rb, bytes: spent };
    } catch (e) {
      if (signal?.aborted) this.robots.delete(origin);
      else entry.expires = Date.now() + ROBOTS_ERROR_TTL_MS;
      if (e instanceof Refusal && !e.detail.startsWith('robots.txt')) e.detail = 'robots.txt: ' + e.detail;
      e.bytes = spent;
      throw e;
    }
  }

  /** checkRobots refuses u when robots.txt disallows it or asks for too long a Crawl-delay. */
  async checkRobots(u, signal, polite) {
    const { rb, bytes } = await this.robotsFor(u, signal);
    if (polite) {
      if (rb.crawlDelayMs > MAX_CRAWL_DELAY_MS) throw Object.assign(new Refusal('robots', `robots.txt asks for a Crawl-delay of ${rb.crawlDelayMs / 1000}s; this node waits at most ${MAX_CRAWL_DELAY_MS / 1000}s`), { bytes });
      this.limiter.setCrawlDelay(u.hostname, rb.crawlDelayMs);
    }
    if (!rb.allowed(u.pathname + u.search)) {
      throw Object.assign(new Refusal('robots', `${polite ? '' : 'redirect to ' + u.href + ': '}robots.txt disallows ${u.pathname}${u.search} for MeadowBot`), { bytes });
    }
    return { rb, bytes };
  }

  /**
   * get fetches url following redirects by hand, each hop checked against
   * the policy and robots.txt. It returns {status, headers, body, hops: [urls],
   * locations: [raw Location values], bytes}.
   */
  async get(url, signal) {
    let cur = new URL(url);
    const hops = [cur.href];
    const locations = [];
    let bytes = 0;
    try {
      for (let i = 0; ; i++) {
        const h = await this.hop(cur.href, { maxBytes: this.settings.maxResponseBytes, signal });
        bytes += h.bytes;
        if (h.redirectUrl === undefined || h.body !== null) return { ...h, hops, locations, bytes };
        if (i >= MAX_REDIRECTS) throw new Refusal('http_error', `more than ${MAX_REDIRECTS} redirects`);
        const loc = h.location ?? h.redirectUrl;
        const next = new URL(loc, cur);
        this.policy.checkURL(next);
        const r = await this.checkRobots(next, signal, false);
        bytes += r.bytes;
        locations.push(loc);
        cur = next;
        hops.push(cur.href);
      }
    } catch (e) {
      e.bytes = (e.bytes || 0) + bytes;
      throw e;
    }
  }
}

export { sleep, headerGet };
