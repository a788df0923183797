// The extension's coordinator client keeps serving when a member does not
// (issue 17, item 12): a per-attempt timeout, rotation over the members
// starting from the one that answered last, backoff with jitter between
// rounds, and retries of exactly what the answer says to retry. Each member
// here is a real HTTP server on 127.0.0.1 that stalls, answers 503, closes
// the connection, rate-limits or refuses the envelope as expired.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { Coordinator, CoordError, backoffDelay, retryable } from '../src/node/coordinator.js';
import { newSecretKey } from '../src/lib/envelope.js';

const servers = [];
after(() => Promise.all(servers.map((s) => new Promise((r) => { s.closeAllConnections(); s.close(r); }))));

/**
 * member starts an HTTP server whose behaviour is handler(req, res, n) (n:
 * the request's number at this member, from 1); returns its URL and hits.
 */
async function member(handler) {
  const m = { hits: 0, url: '' };
  const srv = http.createServer((req, res) => {
    m.hits++;
    req.resume();
    req.on('end', () => handler(req, res, m.hits));
  });
  servers.push(srv);
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  m.url = `http://127.0.0.1:${srv.address().port}`;
  return m;
}

const json = (res, status, body, headers = {}) => {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};
const ok = (req, res) => json(res, 200, { ok: true, leases: [] });
const stall = () => { /* never answers */ };
const hangUp = (req, res) => res.socket.destroy();
const unavailable = (code) => (req, res) => json(res, 503, { error: { code, message: 'not leader, and no leader is known; retry shortly' } });
const expired = (req, res) => json(res, 401, { error: { code: 'expired', message: 'request expired' } });

// Fast timings so that the test runs in seconds on a loaded machine; the
// rules, not the figures, are under test.
const fast = { timeoutMs: 800, backoffMs: 20, maxBackoffMs: 100, deadlineMs: 20000 };
const client = (urls, opts = {}) => new Coordinator({ urls, key: newSecretKey(), chainId: 31337, ...fast, ...opts });

test('a stalled member costs one attempt timeout, and the member that answered is asked first next time', async () => {
  const stalled = await member(stall);
  const good = await member(ok);
  const c = client([stalled.url, good.url]);
  const t0 = Date.now();
  const r = await c.work({ max_tasks: 1 });
  const took = Date.now() - t0;
  assert.deepEqual(r.leases, []);
  assert.ok(took >= 700 && took < 5000, `the stalled member held the request ${took} ms (want about one 800 ms attempt timeout)`);
  assert.equal(stalled.hits, 1);
  assert.equal(c.currentURL, good.url);
  await c.work({ max_tasks: 1 });
  assert.equal(stalled.hits, 1, 'the next request starts with the member that answered');
  assert.equal(good.hits, 2);
  // A new client (the service worker makes one per loop) keeps the preference.
  const c2 = client([stalled.url, good.url], { preferURL: c.currentURL });
  await c2.work({ max_tasks: 1 });
  assert.equal(stalled.hits, 1);
});

test('503 not_leader / unavailable and a closed connection fail over to another member', async () => {
  const a = await member(unavailable('not_leader'));
  const b = await member(hangUp);
  const d = await member(ok);
  const c = client([a.url, b.url, d.url]);
  await c.work({ max_tasks: 1 });
  assert.deepEqual([a.hits, b.hits, d.hits], [1, 1, 1]);
  assert.equal(c.currentURL, d.url);
});

test('when no member answers, the client backs off and goes round again: an election in progress', async () => {
  // Both members say "no leader" for their first two requests (an election
  // takes a moment), then serve.
  const during = (req, res, n) => (n <= 2 ? unavailable('unavailable')(req, res) : ok(req, res));
  const a = await member(during);
  const b = await member(during);
  const c = client([a.url, b.url]);
  await c.work({ max_tasks: 1 });
  assert.equal(a.hits + b.hits, 5, 'two failed rounds, then the first member of the third');
  assert.equal(c.attempts, 5);
  // A single member that drops the first connection is retried too.
  const flaky = await member((req, res, n) => (n === 1 ? hangUp(req, res) : ok(req, res)));
  await client([flaky.url]).work({ max_tasks: 1 });
  assert.equal(flaky.hits, 2);
});

test('429 waits for Retry-After before the member is asked again', async () => {
  const limited = await member((req, res, n) => (n === 1 ? json(res, 429, { error: { code: 'rate_limited', message: 'slow down' } }, { 'Retry-After': '1' }) : ok(req, res)));
  const c = client([limited.url]);
  const t0 = Date.now();
  await c.work({ max_tasks: 1 });
  assert.equal(limited.hits, 2);
  assert.ok(Date.now() - t0 >= 950, `retried after ${Date.now() - t0} ms, before the 1 s Retry-After`);
});

test('401 expired (a skewed member\'s clock) is retried once per member; other 4xx are final', async () => {
  // The first member's clock is off: it refuses every envelope as expired.
  const skewed = await member(expired);
  const good = await member(ok);
  const c = client([skewed.url, good.url]);
  await c.work({ max_tasks: 1 });
  assert.deepEqual([skewed.hits, good.hits], [1, 1]);

  // Every member skewed: each is asked once, then the 401 is the answer.
  const s1 = await member(expired);
  const s2 = await member(expired);
  const err = await client([s1.url, s2.url]).work({ max_tasks: 1 }).catch((e) => e);
  assert.ok(err instanceof CoordError, String(err));
  assert.equal(err.status, 401);
  assert.equal(err.code, 'expired');
  assert.deepEqual([s1.hits, s2.hits], [1, 1], 'a member that said "expired" is not asked again');

  // A bad signature or an invalid field is the node's own fault: no retry.
  const bad = await member((req, res) => json(res, 400, { error: { code: 'invalid', field: 'body.max_tasks', message: 'expected 1 to 64' } }));
  const other = await member(ok);
  const e2 = await client([bad.url, other.url]).work({ max_tasks: 0 }).catch((e) => e);
  assert.equal(e2.status, 400);
  assert.equal(e2.field, 'body.max_tasks');
  assert.deepEqual([bad.hits, other.hits], [1, 0]);
  const sig = await member((req, res) => json(res, 401, { error: { code: 'bad_signature', message: 'signature does not verify' } }));
  const e3 = await client([sig.url, other.url]).work({ max_tasks: 1 }).catch((e) => e);
  assert.equal(e3.code, 'bad_signature');
  assert.equal(other.hits, 0);
});

test('every member down: the request ends within its rounds and deadline, naming the last failure', async () => {
  const s1 = await member(stall);
  const s2 = await member(hangUp);
  const c = client([s1.url, s2.url], { rounds: 3, timeoutMs: 300 });
  const t0 = Date.now();
  const err = await c.work({ max_tasks: 1 }).catch((e) => e);
  const took = Date.now() - t0;
  assert.ok(err instanceof CoordError);
  assert.equal(err.status, 0);
  assert.equal(err.code, 'unreachable');
  assert.equal(c.attempts, 6, 'three rounds over two members');
  assert.ok(took < 8000, `took ${took} ms`);
  // The overall deadline cuts a round short.
  const s3 = await member(stall);
  const c2 = client([s3.url], { rounds: 100, timeoutMs: 400, deadlineMs: 1000 });
  const t1 = Date.now();
  const e2 = await c2.work({ max_tasks: 1 }).catch((e) => e);
  assert.match(e2.message, /no answer in \d+ ms/);
  assert.ok(Date.now() - t1 < 3000, `the 1 s deadline held the request ${Date.now() - t1} ms`);
});

test('backoff doubles per round up to its cap, with jitter; what is retryable', () => {
  assert.equal(backoffDelay(1, 250, 4000, () => 0), 125);
  assert.equal(backoffDelay(1, 250, 4000, () => 1), 250);
  assert.equal(backoffDelay(3, 250, 4000, () => 1), 1000);
  assert.equal(backoffDelay(10, 250, 4000, () => 1), 4000);
  assert.equal(backoffDelay(10, 250, 4000, () => 0), 2000);
  const seen = new Set(Array.from({ length: 20 }, () => backoffDelay(2, 250, 4000)));
  assert.ok(seen.size > 1, 'jitter');
  for (const [status, code, want] of [[0, 'unreachable', true], [503, 'not_leader', true], [503, 'unavailable', true], [502, '', true], [429, 'rate_limited', true],
    [401, 'expired', true], [401, 'bad_signature', false], [400, 'invalid', false], [404, 'not_found', false], [409, 'replayed', false], [409, 'conflict', false]]) {
    assert.equal(retryable(status, code), want, `${status} ${code}`);
  }
  assert.throws(() => client(['http://c.test'], { timeoutMs: -1 }), /timeoutMs -1: expected a number/);
  assert.throws(() => client(['http://c.test'], { retries: 3 }), /unknown option retries/);
});
