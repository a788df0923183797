// The DNS-over-HTTPS pieces without a browser: the wire query, the answer
// parser, and the resolver's verdicts (private answers refused, failures
// refused with the reason, answers cached), against a real HTTP server on
// loopback that speaks RFC 8484.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { encodeQuery, parseAnswer, TYPE_A, TYPE_AAAA } from '../src/lib/doh.js';
import { Policy, Refusal } from '../src/lib/policy.js';
import { Resolver } from '../src/node/resolve.js';

function answer(q, rcode, type, rdatas) {
  let o = 12;
  while (q[o] !== 0) o += 1 + q[o];
  const question = q.subarray(12, o + 5);
  const rrs = rdatas.map((rd) => Buffer.concat([Buffer.from([0xc0, 0x0c, type >> 8, type & 255, 0, 1, 0, 0, 0, 30, 0, rd.length]), Buffer.from(rd)]));
  const h = Buffer.from([0, 0, 0x81, 0x80 | rcode, 0, 1, 0, rrs.length, 0, 0, 0, 0]);
  return Buffer.concat([h, question, ...rrs]);
}

test('query encoding and answer parsing', () => {
  const q = encodeQuery('www.example.org', TYPE_A);
  assert.deepEqual([...q.subarray(12, 17)], [3, 119, 119, 119, 7]);
  assert.equal(q.length, 12 + 17 + 4);
  const a = parseAnswer(answer(Buffer.from(q), 0, TYPE_A, [[192, 168, 1, 1], [93, 184, 215, 14]]), TYPE_A);
  assert.deepEqual(a, { rcode: 0, truncated: false, addresses: ['192.168.1.1', '93.184.215.14'], ttl: 30, cname: false });
  const q6 = encodeQuery('x.example.org', TYPE_AAAA);
  const six = parseAnswer(answer(Buffer.from(q6), 0, TYPE_AAAA, [[0xfd, 0, ...new Array(13).fill(0), 1]]), TYPE_AAAA);
  assert.deepEqual(six.addresses, ['fd00:0:0:0:0:0:0:1']);
  assert.equal(parseAnswer(answer(Buffer.from(q), 3, TYPE_A, []), TYPE_A).rcode, 3);
  assert.throws(() => parseAnswer(new Uint8Array(5), TYPE_A), RangeError);
  assert.throws(() => parseAnswer(Buffer.from(q), TYPE_A), /not a response/);
  assert.throws(() => encodeQuery('a..b', TYPE_A), /expected a DNS name/);
});

const zone = { 'nas.example.org': [[10, 0, 0, 5]], 'pub.example.org': [[93, 184, 215, 14]] };
let queries = 0;
const srv = http.createServer((req, res) => {
  queries++;
  const q = Buffer.from(new URL(req.url, 'http://x').searchParams.get('dns'), 'base64url');
  let o = 12; const labels = [];
  while (q[o] !== 0) { labels.push(q.subarray(o + 1, o + 1 + q[o]).toString()); o += 1 + q[o]; }
  const name = labels.join('.'), type = q.readUInt16BE(o + 1);
  if (name === 'error.example.org') { res.writeHead(502); res.end(); return; }
  res.writeHead(200, { 'Content-Type': 'application/dns-message' });
  res.end(answer(q, zone[name] ? 0 : 3, type, type === TYPE_A ? zone[name] || [] : []));
});
await new Promise((r) => srv.listen(0, '127.0.0.1', r));
after(() => srv.close());
const url = `http://127.0.0.1:${srv.address().port}/dns-query`;

test('the resolver refuses private answers and failures, and caches', async () => {
  const r = new Resolver({ url, policy: new Policy() });
  await r.check(new URL('http://pub.example.org/'));
  const n = queries;
  await r.check(new URL('http://pub.example.org/robots.txt'));
  assert.equal(queries, n, 'cached for its TTL');
  const refused = (u) => r.check(new URL(u)).then(() => null, (e) => e);
  const priv = await refused('http://nas.example.org/');
  assert.ok(priv instanceof Refusal);
  assert.equal(priv.reason, 'unsafe_address');
  assert.match(priv.detail, /host nas\.example\.org resolves to 10\.0\.0\.5 is private/);
  assert.equal((await refused('http://missing.example.org/')).reason, 'http_error');
  const bad = await refused('http://error.example.org/');
  assert.equal(bad.reason, 'unsafe_address');
  assert.match(bad.detail, /could not be checked before connecting: the resolver .* answered HTTP 502/);
  const down = new Resolver({ url: 'http://127.0.0.1:1/dns-query', policy: new Policy() });
  assert.match((await down.check(new URL('http://pub.example.org/')).catch((e) => e)).detail, /could not be reached/);
  // The browser's resolver has the last word where there is one.
  const both = new Resolver({ url, policy: new Policy(), browserResolve: async () => ({ resultCode: 0, address: '192.168.1.1' }) });
  assert.match((await both.check(new URL('http://pub.example.org/')).catch((e) => e)).detail, /192\.168\.1\.1 is private .*the browser's resolver/);
  await both.check(new URL('http://93.184.215.14/')); // literals are the policy's
});
