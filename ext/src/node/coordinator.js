// The coordinator's node API (docs/ARCHITECTURE.md, "HTTP routes"): every
// write is an api.Envelope signed by the node's key, POSTed as JSON (the
// upload carries it in the Meadow-Envelope header and the Arrow stream as
// the body). Any coordinator answers: followers forward writes to the
// leader.
//
// Keep serving (DESIGN.md): each attempt has its own timeout (an
// AbortController), so a stalled member costs one attempt, not the whole
// request. Attempts rotate over the configured URLs starting from the one
// that answered last; after a round in which no member answered, the client
// waits (exponential backoff with jitter) and goes round again, until a
// round limit or an overall deadline. What is retried is what the answer
// says may succeed elsewhere or later: network errors and timeouts, 5xx
// (not_leader, unavailable, a proxy's 502/504), 429 (after its Retry-After),
// and a 401 whose code is `expired` (the envelope is "expired" or its
// expiry "too far ahead" by that member's clock, which a skewed member
// causes) once per member. Every other answer is final. Each attempt is
// signed afresh (a new nonce and expiry), so a member that saw a failed
// attempt does not refuse the next as a replay.

import { headerValue, NonceSource, sign, toWire, domain } from '../lib/envelope.js';
import { retryAfterMs } from './crawl.js';
import { Policy } from '../lib/policy.js';

/** CoordError is an answer other than success; code and field come from api.ErrorBody. */
export class CoordError extends Error {
  constructor(status, code, field, message, url) {
    super(`${url}: ${status}${code ? ' ' + code : ''}${field ? ' (' + field + ')' : ''}: ${message}`);
    this.name = 'CoordError';
    this.status = status; this.code = code; this.field = field; this.url = url;
    this.detail = message; // the answer's own words, without the URL and status
  }
}

/** RETRY_DEFAULTS are the client's timing rules; the constructor takes any of them. */
export const RETRY_DEFAULTS = Object.freeze({
  timeoutMs: 5000, // one attempt: a healthy member answers a node route in milliseconds
  rounds: 4, // passes over the URLs before giving up
  deadlineMs: 60000, // the whole request, waits included
  backoffMs: 250, // the wait after the first failed round; doubles each round
  maxBackoffMs: 4000,
  maxRetryAfterMs: 30000, // a longer Retry-After is capped (and still bounded by the deadline)
  uploadBytesPerSec: 256 * 1024, // an upload's attempt timeout grows with its size at this rate
});

/**
 * backoffDelay is the wait after `round` failed rounds (1, 2, …): base
 * doubled per round up to max, of which a random half is kept ("equal
 * jitter"), so that nodes that failed together do not come back together.
 */
export function backoffDelay(round, base, max, rand = Math.random) {
  const d = Math.min(max, base * 2 ** Math.max(0, round - 1));
  return Math.round(d / 2 + rand() * (d / 2));
}

/** retryable says whether an answer (status, code) may succeed on another member or later. */
export function retryable(status, code) {
  if (status === 0 || status >= 500 || status === 429) return true;
  return status === 401 && code === 'expired';
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Presigned uploads (api/upload.go).
const ROUTE_UPLOAD_URL = '/v1/node/upload/url';
const ROUTE_UPLOAD_STAGED = '/v1/node/upload/staged';
/** STORE_TRIES bounds the PUTs of one blob to the object store, each with a fresh URL. */
export const STORE_TRIES = 4;

/** storeCode is the Code of an S3 error answer, or the answer's start. */
export function storeCode(text) {
  const m = /<Code>([^<]*)<\/Code>/.exec(text || '');
  return m ? m[1] : String(text || '').slice(0, 200);
}

export class Coordinator {
  /**
   * urls: coordinator base URLs; key: the node's secret key; chainId: the
   * EIP-712 domain's chain; fetchImpl: fetch (tests may pass another);
   * preferURL: the URL to try first (the one that answered last, kept by
   * the caller across clients); timing: see RETRY_DEFAULTS.
   */
  constructor({ urls, key, chainId, fetchImpl = globalThis.fetch.bind(globalThis), preferURL, rand = Math.random, storePolicy = new Policy({ ports: null }), storeResolver = null, ...timing }) {
    if (!urls || urls.length === 0) throw new Error('no coordinator URL is set (options page)');
    this.urls = urls.slice();
    this.key = key;
    this.domain = domain(chainId);
    this.fetch = fetchImpl;
    this.rand = rand;
    // storePolicy judges a presigned URL before the blob is PUT there: the
    // URL comes from a coordinator, and a home node must not be made to
    // send to its own network (a public address only; a development
    // build's allow-list as well).
    this.storePolicy = storePolicy;
    // storeResolver (resolve.js's Resolver on storePolicy), when set,
    // checks what the URL's host name resolves to before the PUT, as the
    // crawl checks a page's host.
    this.storeResolver = storeResolver;
    for (const k of Object.keys(timing)) {
      if (!(k in RETRY_DEFAULTS)) throw new Error(`Coordinator: unknown option ${k}`);
      if (!(Number.isFinite(timing[k]) && timing[k] >= 0)) throw new Error(`Coordinator: ${k} ${JSON.stringify(timing[k])}: expected a number of at least 0`);
    }
    Object.assign(this, RETRY_DEFAULTS, timing);
    this.nonces = new NonceSource();
    this.skewMs = 0; // coordinator clock minus ours, learned at register
    this.current = Math.max(0, this.urls.indexOf(preferURL));
    this.signatures = {};
    this.attempts = 0; // attempts made, for tests and the status page
  }

  now() { return Date.now() + this.skewMs; }

  /** currentURL is the coordinator that answered last (or the first to try). */
  get currentURL() { return this.urls[this.current]; }

  envelope(method, body) {
    const expiry = Math.floor(this.now() / 1000) + 300;
    return sign(this.key, method, body, this.nonces.next(this.now()), expiry, this.domain);
  }

  /**
   * attempt makes one request to one URL with its own timeout, and returns
   * {resp, text} or throws a CoordError with status 0.
   */
  async attempt(url, method, init, timeoutMs) {
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), timeoutMs);
    this.attempts++;
    try {
      const resp = await this.fetch(url, { ...init, method, signal: ac.signal, credentials: 'omit', cache: 'no-store' });
      const text = await resp.text();
      return { resp, text };
    } catch (e) {
      const cause = e?.cause?.code || e?.cause?.message;
      const msg = ac.signal.aborted ? `no answer in ${timeoutMs} ms` : `${e?.message || e}${cause ? ` (${cause})` : ''}`;
      throw new CoordError(0, 'unreachable', '', msg, url);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * request sends method path to the coordinators as the rules at the top
   * of this file say; init() makes each attempt's headers and body.
   * extraTimeoutMs lengthens each attempt (large uploads).
   */
  async request(method, path, init, extraTimeoutMs = 0) {
    const n = this.urls.length;
    const start = Date.now();
    const deadlineMs = this.deadlineMs + extraTimeoutMs;
    const expiredAt = new Set(); // members that answered 401 expired once already
    let lastErr;
    let waitAtLeast = 0; // from a 429's Retry-After
    for (let round = 0; round < this.rounds; round++) {
      if (round > 0) {
        const wait = Math.max(backoffDelay(round, this.backoffMs, this.maxBackoffMs, this.rand), waitAtLeast);
        if (Date.now() - start + wait >= deadlineMs) break;
        await sleep(wait);
        waitAtLeast = 0;
      }
      const first = this.current;
      let tried = 0;
      for (let i = 0; i < n; i++) {
        const idx = (first + i) % n;
        if (expiredAt.has(idx)) continue; // it said "expired" once: its clock, not our envelope
        const left = deadlineMs - (Date.now() - start);
        if (left <= 0) break;
        const url = this.urls[idx] + path;
        tried++;
        let resp, text;
        try {
          ({ resp, text } = await this.attempt(url, method, init(), Math.min(left, this.timeoutMs + extraTimeoutMs)));
        } catch (e) {
          lastErr = e;
          continue;
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
        if (!retryable(resp.status, lastErr.code)) throw lastErr;
        if (resp.status === 401) expiredAt.add(idx);
        if (resp.status === 429) {
          waitAtLeast = Math.max(waitAtLeast, Math.min(this.maxRetryAfterMs, retryAfterMs(resp.headers.get('Retry-After'), Date.now(), this.backoffMs)));
        }
      }
      if (tried === 0) break; // every member said "expired" already
    }
    throw lastErr;
  }

  /**
   * post signs body for method and POSTs it to path. Each try is signed
   * afresh (a new nonce), so that a coordinator that saw a failed try
   * does not refuse the next as a replay. lastSignature keeps the last
   * signature made for the method.
   */
  post(path, method, body, extraTimeoutMs = 0) {
    return this.request('POST', path, () => {
      const e = this.envelope(method, body);
      this.signatures[method] = e.signature;
      return { headers: { 'Content-Type': 'application/json' }, body: toWire(e) };
    }, extraTimeoutMs);
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

  /**
   * upload PUTs a task's Arrow IPC stream with its signed description in the
   * Meadow-Envelope header. Its attempt timeout grows with the size, at
   * uploadBytesPerSec, so that a slow home uplink is not taken for a stall.
   */
  upload(meta, bytes) {
    const extra = Math.ceil((bytes.length / Math.max(1, this.uploadBytesPerSec)) * 1000);
    return this.request('PUT', '/v1/node/upload', () => ({
      headers: { 'Content-Type': 'application/vnd.apache.arrow.stream', 'Meadow-Envelope': headerValue(this.envelope('node.upload', meta)) },
      body: bytes,
    }), extra);
  }

  /**
   * uploadPresigned runs a presigned upload (api/upload.go; issue 16): it
   * asks for a URL, PUTs the blob straight to the object store and reports
   * it, so the bytes never pass through a coordinator. It answers the
   * upload's answer, or null when no URL is handed out (the coordinators
   * keep blobs on their own disks, or do not know the route) or the store
   * refused every PUT (this browser cannot reach it, say): the caller then
   * uploads through a coordinator, which may reach a store this node
   * cannot. Each PUT has a fresh URL; a refusal may be passing (an expired
   * URL: 403, a 503 SlowDown, bytes damaged on the way: 400 BadDigest).
   * The extension's host permissions let it PUT to the store without the
   * bucket allowing its origin (no CORS rule is needed). The URL must pass
   * storePolicy: a coordinator cannot aim the PUT at the home network.
   */
  async uploadPresigned(meta, bytes) {
    const extra = Math.ceil((bytes.length / Math.max(1, this.uploadBytesPerSec)) * 1000);
    for (let tr = 0; tr < STORE_TRIES; tr++) {
      if (tr > 0) await sleep(Math.min(this.maxBackoffMs, 250 << tr));
      let u;
      try {
        u = await this.post(ROUTE_UPLOAD_URL, 'node.upload.url', meta);
      } catch (e) {
        // A coordinator that does not know the route or refuses the
        // request: the proxied upload answers for itself.
        this.lastStoreError = e.message;
        return null;
      }
      if (u.stored) return { rows: Number(u.rows) || 0 };
      if (!u.url) return null;
      try {
        await this.putStore(u, bytes, this.timeoutMs + extra);
      } catch (e) {
        this.lastStoreError = e.message;
        continue;
      }
      // The member answers once it has read the blob back and checked it.
      return this.post(ROUTE_UPLOAD_STAGED, 'node.upload.staged', meta, extra);
    }
    return null;
  }

  /**
   * putStore PUTs bytes to an api.UploadURL with its signed headers
   * (Content-Length is the browser's to set, from the body). It throws an
   * Error naming the store's answer (the S3 error's Code) on a refusal.
   */
  async putStore(u, bytes, timeoutMs) {
    let target;
    try {
      target = this.storePolicy.checkURL(String(u.url));
      if (this.storeResolver) await this.storeResolver.check(target);
    } catch (e) {
      throw new Error(`upload URL refused: ${e.message}`);
    }
    const headers = {};
    for (const [k, v] of Object.entries(u.headers || {})) {
      if (k.toLowerCase() !== 'content-length') headers[k] = String(v);
    }
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), timeoutMs);
    this.attempts++;
    try {
      const init = { method: 'PUT', headers, body: bytes, signal: ac.signal, credentials: 'omit', cache: 'no-store' };
      // Chromium's Local Network Access check at connect time: the store
      // must be public (unless a development build allows the address).
      if (!this.storePolicy.allowedLiteral(target.hostname)) init.targetAddressSpace = 'public';
      const resp = await this.fetch(u.url, init);
      const text = await resp.text();
      if (!resp.ok) throw new Error(`PUT to the object store: ${resp.status}: ${storeCode(text)}`);
    } catch (e) {
      if (ac.signal.aborted) throw new Error(`PUT to the object store: no answer in ${timeoutMs} ms`);
      throw e;
    } finally {
      clearTimeout(timer);
    }
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

  /**
   * chainInfo reads GET /v1/chain (api.ChainInfo): the chain id, the
   * distributor (the domain a claim authorization is signed in) and the
   * answering member's relayer and its fee. Public, unsigned.
   */
  chainInfo() { return this.request('GET', '/v1/chain', () => ({})); }

  /**
   * relayClaim POSTs a signed claim authorization (api.RelayClaimRequest,
   * lib/claim.js) to POST /v1/rewards/relay: plain JSON, not an envelope
   * (the signature over the authorization is the node's consent). Members
   * do not forward it, each relays with its own key: a 503 (its relayer has
   * no ether) or no answer moves on to the next member, as any call does;
   * a 400 naming the field, or a 409, is final.
   */
  relayClaim(req) {
    const body = JSON.stringify(req);
    return this.request('POST', '/v1/rewards/relay', () => ({ headers: { 'Content-Type': 'application/json' }, body }));
  }
}
