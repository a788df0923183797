// The coordinator's node API (docs/ARCHITECTURE.md, "HTTP routes"): every
// write is an api.Envelope signed by the node's key, POSTed as JSON (the
// upload carries it in the Meadow-Envelope header and the Arrow stream as
// the body). Any coordinator answers: followers forward writes to the
// leader, so the client moves on to the next URL when one cannot be reached
// or answers 5xx, and keeps using the one that worked.

import { headerValue, NonceSource, sign, toWire, domain } from '../lib/envelope.js';

/** CoordError is an answer other than success; code and field come from api.ErrorBody. */
export class CoordError extends Error {
  constructor(status, code, field, message, url) {
    super(`${url}: ${status}${code ? ' ' + code : ''}${field ? ' (' + field + ')' : ''}: ${message}`);
    this.name = 'CoordError';
    this.status = status; this.code = code; this.field = field; this.url = url;
  }
}

export class Coordinator {
  /**
   * urls: coordinator base URLs; key: the node's secret key; chainId: the
   * EIP-712 domain's chain; fetchImpl: fetch (tests may pass another).
   */
  constructor({ urls, key, chainId, fetchImpl = globalThis.fetch.bind(globalThis), timeoutMs = 15000 }) {
    if (!urls || urls.length === 0) throw new Error('no coordinator URL is set (options page)');
    this.urls = urls.slice();
    this.key = key;
    this.domain = domain(chainId);
    this.fetch = fetchImpl;
    this.timeoutMs = timeoutMs;
    this.nonces = new NonceSource();
    this.skewMs = 0; // coordinator clock minus ours, learned at register
    this.current = 0;
    this.signatures = {};
  }

  now() { return Date.now() + this.skewMs; }

  envelope(method, body) {
    const expiry = Math.floor(this.now() / 1000) + 300;
    return sign(this.key, method, body, this.nonces.next(this.now()), expiry, this.domain);
  }

  async request(method, path, init) {
    let lastErr;
    for (let i = 0; i < this.urls.length; i++) {
      const idx = (this.current + i) % this.urls.length;
      const url = this.urls[idx] + path;
      const ac = new AbortController();
      const timer = setTimeout(() => ac.abort(), this.timeoutMs);
      let resp, text;
      try {
        resp = await this.fetch(url, { ...init(), method, signal: ac.signal, credentials: 'omit', cache: 'no-store' });
        text = await resp.text();
      } catch (e) {
        lastErr = new CoordError(0, 'unreachable', '', e.name === 'AbortError' ? `no answer in ${this.timeoutMs} ms` : String(e.message || e), url);
        continue;
      } finally {
        clearTimeout(timer);
      }
      let body = null;
      try { body = text ? JSON.parse(text) : {}; } catch { body = null; }
      if (resp.ok) {
        this.current = idx;
        if (body === null) throw new CoordError(resp.status, 'bad_answer', '', 'the answer is not JSON', url);
        return body;
      }
      const e = body && body.error ? body.error : {};
      lastErr = new CoordError(resp.status, e.code || '', e.field || '', e.message || text.slice(0, 300), url);
      if (resp.status < 500 && resp.status !== 429) throw lastErr;
    }
    throw lastErr;
  }

  /**
   * post signs body for method and POSTs it to path. Each try is signed
   * afresh (a new nonce), so that a coordinator that saw a failed try
   * does not refuse the next as a replay. lastSignature keeps the last
   * signature made for the method.
   */
  post(path, method, body) {
    return this.request('POST', path, () => {
      const e = this.envelope(method, body);
      this.signatures[method] = e.signature;
      return { headers: { 'Content-Type': 'application/json' }, body: toWire(e) };
    });
  }

  async register(req) {
    const r = await this.post('/v1/node/register', 'node.register', req);
    if (Number.isSafeInteger(r.server_time) && r.server_time > 0) this.skewMs = r.server_time - Date.now();
    return r;
  }

  work(req) { return this.post('/v1/node/work', 'node.work', req); }
  async commit(c) {
    const r = await this.post('/v1/node/commit', 'node.commit', c);
    this.lastSignature = this.signatures['node.commit'];
    return r;
  }
  reveal(r) { return this.post('/v1/node/reveal', 'node.reveal', r); }
  refuse(r) { return this.post('/v1/node/refuse', 'node.refuse', r); }

  /** upload PUTs a task's Arrow IPC stream with its signed description in the Meadow-Envelope header. */
  upload(meta, bytes) {
    return this.request('PUT', '/v1/node/upload', () => ({
      headers: { 'Content-Type': 'application/vnd.apache.arrow.stream', 'Meadow-Envelope': headerValue(this.envelope('node.upload', meta)) },
      body: bytes,
    }));
  }

  /** nodeRecord reads the node's record: accepted rows, work units, reputation. */
  nodeRecord(address) { return this.request('GET', `/v1/node/${address}`, () => ({})); }

  /**
   * nodeRewards reads what the node earned (api.NodeRewards): work units in
   * all and pending settlement, the last settled epoch, its cumulative MEADOW
   * and stable amounts. Public, unsigned; read from the leader
   * (?consistent=1) so that a lagging follower does not show an older epoch.
   */
  nodeRewards(address) { return this.request('GET', `/v1/node/${address}/rewards?consistent=1`, () => ({})); }
}
