// The node loop's protocol, at the HTTP level: what the extension sends to a
// coordinator for one lease (refusals, then the commitment, the reveal and
// the upload), each request a valid signed envelope for its route, with
// failover between coordinator URLs. The coordinator side here only records
// requests and answers with the documented response shapes; the real
// cluster is cluster.test.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tableFromIPC } from 'apache-arrow';
import { sha256 } from '@noble/hashes/sha2.js';
import { Coordinator, CoordError, STORE_TRIES, storeCode } from '../src/node/coordinator.js';
import { runLease, uploadHeld } from '../src/node/runner.js';
import { HeldBlobs } from '../src/node/held.js';
import { recoverRowSigner } from '../src/lib/provenance.js';
import { finalURL, retryAfterMs, truncateUTF8 } from '../src/node/crawl.js';
import { newSecretKey, addressOf, verify, domain } from '../src/lib/envelope.js';
import { fromHex, toHex } from '../src/lib/bytes.js';
import { contentRoot } from '../src/lib/merkle.js';
import { validateSettings } from '../src/node/config.js';
import { Refusal } from '../src/lib/policy.js';

function recorder(answers, { down = [] } = {}) {
  const calls = [];
  const fetchImpl = async (url, init) => {
    const u = new URL(url);
    if (down.includes(u.origin)) throw new TypeError('Failed to fetch');
    const call = { origin: u.origin, path: u.pathname, method: init.method, headers: init.headers || {}, body: init.body, targetAddressSpace: init.targetAddressSpace };
    calls.push(call);
    const a = answers[u.pathname] ?? { status: 404, body: { error: { code: 'not_found', message: 'no route' } } };
    const r = typeof a === 'function' ? a(call) : a;
    return new Response(JSON.stringify(r.body ?? r), { status: r.status ?? 200, headers: { 'Content-Type': 'application/json' } });
  };
  return { calls, fetchImpl };
}

function openEnvelope(call, method) {
  let e;
  if (call.method === 'PUT') e = JSON.parse(Buffer.from(call.headers['Meadow-Envelope'], 'base64url').toString('utf8'));
  else e = JSON.parse(call.body);
  // The body travels as raw JSON; the signature covers its exact bytes.
  const raw = call.method === 'PUT' ? Buffer.from(call.headers['Meadow-Envelope'], 'base64url').toString('utf8') : call.body;
  const bodyText = raw.slice(raw.indexOf('"body":') + 7, raw.lastIndexOf(',"signature"'));
  assert.equal(e.method, method);
  assert.equal(verify({ ...e, body: bodyText }, Math.floor(Date.now() / 1000), domain(31337)), e.signer);
  return e;
}

const lease = (urls) => ({
  id: 'lease-1', deadline: Date.now() + 60000, replica: 0,
  task: { id: 'job-1:t-0001', job_id: 'job-1', kind: 'crawl', crawl: { urls, fields: [{ name: 'title', selector: 'h1' }], text_selector: 'main' } },
});

test('one lease: refusals first, then commit, reveal and upload, each signed for its route', async () => {
  const key = newSecretKey();
  const address = addressOf(key);
  const { calls, fetchImpl } = recorder({
    '/v1/node/refuse': {},
    '/v1/node/commit': { reveal_deadline: Date.now() + 60000 },
    '/v1/node/reveal': { upload_requested: true },
    '/v1/node/upload': { rows: 2 },
  });
  const coord = new Coordinator({ urls: ['http://c1.test'], key, chainId: 31337, fetchImpl });
  const urls = ['http://a.example/1', 'http://a.example/2', 'http://a.example/3'];
  const page = (u, title) => ({ url: u, finalURL: u, status: 200, contentType: 'text/html', fields: { title }, text: `text of ${u}` });
  const stats = {};
  const r = await runLease({
    coord, address, stats, now: () => Date.now(), crawlContext: () => ({}),
    crawlTask: async () => [
      { url: urls[0], page: page(urls[0], 'One'), fetchedAt: 1 },
      { url: urls[1], refusal: { reason: 'robots', detail: 'ü'.repeat(400) } },
      { url: urls[2], page: page(urls[2], null), fetchedAt: 2 },
    ],
  }, lease(urls));
  // No URL handed out (this stand-in does not know the route, as a
  // coordinator whose blobs are on its disks answers none): the blob goes
  // through the coordinator.
  assert.deepEqual(calls.map((c) => c.path), ['/v1/node/refuse', '/v1/node/commit', '/v1/node/reveal', '/v1/node/upload/url', '/v1/node/upload']);
  const refusal = openEnvelope(calls[0], 'node.refuse').body;
  assert.equal(refusal.reason, 'robots');
  assert.ok(Buffer.byteLength(refusal.detail) <= 500);
  const commit = openEnvelope(calls[1], 'node.commit').body;
  const reveal = openEnvelope(calls[2], 'node.reveal').body;
  assert.equal(commit.rows, 2);
  assert.equal(reveal.row_hashes.length, 2);
  assert.equal(commit.root, toHex(contentRoot(reveal.row_hashes.map((h) => fromHex(h)))));
  assert.equal(r.root, commit.root);
  const upload = openEnvelope(calls[4], 'node.upload').body;
  assert.deepEqual(openEnvelope(calls[3], 'node.upload.url').body, upload, 'the URL is asked for the same upload');
  assert.equal(calls[4].method, 'PUT');
  assert.equal(upload.size, calls[4].body.length);
  assert.equal(upload.sha256, toHex(sha256(calls[4].body)));
  const t = tableFromIPC(calls[4].body);
  assert.equal(t.numRows, 2);
  assert.equal(t.get(0).node, address);
  assert.equal(t.get(1).f_title, null);
  for (let i = 0; i < 2; i++) {
    const row = t.get(i);
    const rh = fromHex(reveal.row_hashes[i]);
    assert.equal(recoverRowSigner(rh, row.fetched_at, row.node, row.signature), address, 'each row carries the node\'s own signature of it, checkable from the row alone');
  }
  assert.equal(stats.tasksDone, 1);
  assert.equal(stats.uploads, 1);
});

// presignedLease runs one lease of two rows against a stand-in whose
// upload URL route answers urlAnswer and whose store answers store(call).
async function presignedLease(urlAnswer, store, { storeResolver = null } = {}) {
  const { calls, fetchImpl } = recorder({
    '/v1/node/commit': { reveal_deadline: Date.now() + 60000 },
    '/v1/node/reveal': { upload_requested: true },
    '/v1/node/upload/url': urlAnswer,
    '/bucket/staging/t1': store,
    '/v1/node/upload/staged': { rows: 2 },
    '/v1/node/upload': { rows: 2 },
  });
  const coord = new Coordinator({ urls: ['http://c1.test'], key: newSecretKey(), chainId: 31337, fetchImpl, maxBackoffMs: 5, storeResolver });
  const urls = ['http://a.example/1', 'http://a.example/2'];
  const page = (u) => ({ url: u, finalURL: u, status: 200, contentType: 'text/html', fields: { title: u }, text: `text of ${u}` });
  const stats = {};
  const r = await runLease({
    coord, address: addressOf(coord.key), stats, now: () => Date.now(), crawlContext: () => ({}),
    crawlTask: async () => urls.map((u, i) => ({ url: u, page: page(u), fetchedAt: i + 1 })),
  }, lease(urls));
  return { calls, stats, r, coord };
}

const storeURL = { url: 'http://store.example.com/bucket/staging/t1?X-Amz-Signature=ab', headers: { 'Content-Length': '1', 'x-amz-checksum-sha256': 'c2lnbmVk', 'Content-Type': 'application/octet-stream' }, expires_at: Date.now() + 60000 };

test('presigned: the blob goes to the store\'s URL with its signed headers, then is reported; no byte to a coordinator', async () => {
  const { calls, stats, r } = await presignedLease(storeURL, {});
  assert.deepEqual(calls.map((c) => c.origin + c.path), ['http://c1.test/v1/node/commit', 'http://c1.test/v1/node/reveal', 'http://c1.test/v1/node/upload/url', 'http://store.example.com/bucket/staging/t1', 'http://c1.test/v1/node/upload/staged']);
  const meta = openEnvelope(calls[2], 'node.upload.url').body;
  const put = calls[3];
  assert.equal(put.method, 'PUT');
  assert.equal(meta.size, put.body.length);
  assert.equal(meta.sha256, toHex(sha256(put.body)));
  assert.equal(tableFromIPC(put.body).numRows, 2);
  assert.equal(put.headers['x-amz-checksum-sha256'], 'c2lnbmVk');
  assert.equal(put.headers['Content-Type'], 'application/octet-stream');
  assert.ok(!Object.keys(put.headers).some((k) => k.toLowerCase() === 'content-length'), 'Content-Length is the browser\'s to set');
  assert.deepEqual(openEnvelope(calls[4], 'node.upload.staged').body, meta, 'the report names the same upload');
  assert.deepEqual(r.uploaded, { rows: 2 });
  assert.equal(stats.uploads, 1);
  assert.equal(stats.uploadsPresigned, 1);
});

test('presigned: a blob already stored is not sent again', async () => {
  const { calls, stats } = await presignedLease({ stored: true, rows: 2 }, {});
  assert.deepEqual(calls.map((c) => c.path).slice(2), ['/v1/node/upload/url']);
  assert.equal(stats.uploadsPresigned, 1);
});

test('presigned: a store that refuses every PUT, each with a fresh URL, sends the blob through a coordinator', async () => {
  const refuse = () => ({ status: 403, body: '<?xml version="1.0"?><Error><Code>AccessDenied</Code><Message>no</Message></Error>' });
  const { calls, stats, r, coord } = await presignedLease(storeURL, refuse);
  const paths = calls.map((c) => c.path).slice(2);
  const tries = Array.from({ length: STORE_TRIES }, () => ['/v1/node/upload/url', '/bucket/staging/t1']).flat();
  assert.deepEqual(paths, [...tries, '/v1/node/upload']);
  assert.match(coord.lastStoreError, /403: AccessDenied/);
  assert.deepEqual(r.uploaded, { rows: 2 });
  assert.equal(stats.uploads, 1);
  assert.equal(stats.uploadsPresigned, undefined);
  assert.equal(storeCode('plain words'), 'plain words');
});

test('presigned: a URL that is not http(s), or aims at the home network, is not fetched', async () => {
  for (const url of ['file:///etc/passwd', 'http://192.168.1.1/bucket/staging/t1', 'http://localhost:9000/b/k', 'http://[::1]/b/k', 'http://router/b/k', 'http://nas.local/b/k', 'http://169.254.169.254/latest']) {
    const { calls, coord } = await presignedLease({ ...storeURL, url }, {});
    assert.deepEqual(calls.map((c) => c.origin).filter((o) => o !== 'http://c1.test'), [], `${url}: nothing sent off the coordinator`);
    assert.equal(calls.at(-1).path, '/v1/node/upload', `${url}: the blob goes through the coordinator`);
    assert.match(coord.lastStoreError, /upload URL refused/, url);
  }
  // A store on a public address listens on any port (9000 is common).
  const { calls } = await presignedLease({ ...storeURL, url: 'http://93.184.216.34:9000/bucket/staging/t1' }, {});
  const put = calls.find((c) => c.origin === 'http://93.184.216.34:9000');
  assert.ok(put, 'a public store on port 9000 is used');
  assert.equal(put.targetAddressSpace, 'public', 'the PUT declares its target public (Chromium checks it at connect time)');
  // A host name is resolved first, as a page's is: one that resolves to
  // the home network is never sent to.
  const asked = [];
  const rebinding = { check: async (u) => { asked.push(u.hostname); throw new Refusal('unsafe_address', `host ${u.hostname} resolves to 192.168.1.20 is private`); } };
  const r = await presignedLease(storeURL, {}, { storeResolver: rebinding });
  assert.deepEqual(asked, Array(STORE_TRIES).fill('store.example.com'));
  assert.ok(!r.calls.some((c) => c.origin === 'http://store.example.com'), 'nothing sent to a host that resolves to the home network');
  assert.match(r.coord.lastStoreError, /upload URL refused: .*192\.168\.1\.20/);
  assert.equal(r.calls.at(-1).path, '/v1/node/upload');
});

// heldLease runs one lease of two rows whose reveal answers upload_requested
// as given, with a held-blob store, against a stand-in whose routes answer
// answers (mutable: a test changes them between calls).
async function heldLease(uploadRequested, answers) {
  const { calls, fetchImpl } = recorder(answers);
  answers['/v1/node/commit'] = { reveal_deadline: Date.now() + 60000 };
  answers['/v1/node/reveal'] = { upload_requested: uploadRequested };
  const coord = new Coordinator({ urls: ['http://c1.test'], key: newSecretKey(), chainId: 31337, fetchImpl, maxBackoffMs: 5 });
  const urls = ['http://a.example/1', 'http://a.example/2'];
  const page = (u) => ({ url: u, finalURL: u, status: 200, contentType: 'text/html', fields: { title: u }, text: `text of ${u}` });
  const env = {
    coord, address: addressOf(coord.key), stats: {}, held: new HeldBlobs(), now: () => Date.now(), crawlContext: () => ({}),
    crawlTask: async () => urls.map((u, i) => ({ url: u, page: page(u), fetchedAt: i + 1 })),
  };
  let result, error;
  try {
    result = await runLease(env, lease(urls));
  } catch (e) {
    error = e;
  }
  return { calls, env, result, error };
}

test('held: a blob not asked for at the reveal is kept, and sent when a later work answer asks for it', async () => {
  const answers = { '/v1/node/upload': { rows: 2 } };
  const { calls, env, error } = await heldLease(false, answers);
  assert.equal(error, undefined);
  assert.deepEqual(calls.map((c) => c.path), ['/v1/node/commit', '/v1/node/reveal'], 'nothing is uploaded unasked');
  assert.equal(env.held.size, 1);
  // A request for another lease, or for this lease under another task, is left.
  assert.deepEqual(await uploadHeld(env, [{ task_id: 'job-1:t-0001', lease_id: 'lease-9' }, { task_id: 'job-1:t-9', lease_id: 'lease-1' }]), { done: 0, errors: [] });
  assert.equal(calls.length, 2);
  assert.equal(env.held.size, 1);
  const { done, errors } = await uploadHeld(env, [{ task_id: 'job-1:t-0001', lease_id: 'lease-1' }]);
  assert.deepEqual([done, errors], [1, []]);
  assert.deepEqual(calls.map((c) => c.path).slice(2), ['/v1/node/upload/url', '/v1/node/upload']);
  const up = calls.at(-1);
  const meta = openEnvelope(up, 'node.upload').body;
  assert.equal(meta.lease_id, 'lease-1');
  assert.equal(meta.sha256, toHex(sha256(up.body)));
  assert.equal(tableFromIPC(up.body).numRows, 2);
  const reveal = openEnvelope(calls[1], 'node.reveal').body;
  const t = tableFromIPC(up.body);
  for (let i = 0; i < 2; i++) {
    const row = t.get(i);
    assert.equal(recoverRowSigner(fromHex(reveal.row_hashes[i]), row.fetched_at, row.node, row.signature), env.address, 'the held rows carry the node\'s own signatures');
  }
  assert.equal(env.held.size, 0);
  assert.equal(env.stats.heldUploads, 1);
});

test('held: an upload the coordinators refuse (a store it cannot reach, members that carry no bytes) is kept and sent on the next request', async () => {
  const conflict = { status: 409, body: { error: { code: 'conflict', field: 'route', message: 'this cluster keeps blobs in an object store and takes them only as presigned PUTs to the store' } } };
  const answers = { '/v1/node/upload': conflict };
  const { env, error } = await heldLease(true, answers);
  assert.ok(error instanceof CoordError && error.status === 409 && error.field === 'route', `the refusal reaches the caller: ${error}`);
  assert.equal(env.held.size, 1, 'the blob is kept');
  let r = await uploadHeld(env, [{ task_id: 'job-1:t-0001', lease_id: 'lease-1' }]);
  assert.equal(r.done, 0);
  assert.match(r.errors[0].message, /held upload of task job-1:t-0001: .*presigned PUTs/);
  assert.equal(env.held.size, 1, 'still kept after a second refusal');
  answers['/v1/node/upload'] = { rows: 2 };
  r = await uploadHeld(env, [{ task_id: 'job-1:t-0001', lease_id: 'lease-1' }]);
  assert.deepEqual([r.done, r.errors], [1, []]);
  assert.equal(env.held.size, 0);
});

test('held: bounded in bytes and age, the oldest dropped first', () => {
  let now = 0;
  const h = new HeldBlobs({ holdBytes: 10, holdForMs: 100, now: () => now });
  const meta = (id) => ({ task_id: `t-${id}`, lease_id: `l-${id}` });
  h.add(meta(1), new Uint8Array(4));
  h.add(meta(2), new Uint8Array(4));
  assert.deepEqual([h.size, h.bytes], [2, 8]);
  h.add(meta(3), new Uint8Array(4));
  assert.deepEqual([...h.byLease.keys()], ['l-2', 'l-3'], 'over 10 bytes: the oldest goes');
  now = 60;
  h.add(meta(3), new Uint8Array(2));
  assert.deepEqual([h.size, h.bytes], [2, 6], 'the same lease again replaces its blob');
  assert.deepEqual([...h.byLease.keys()], ['l-2', 'l-3'], 'and counts as new');
  now = 150;
  h.add(meta(4), new Uint8Array(1));
  assert.deepEqual([...h.byLease.keys()], ['l-3', 'l-4'], 'older than 100 ms (l-2): dropped');
  now = 260;
  h.add(meta(5), new Uint8Array(1));
  assert.deepEqual([...h.byLease.keys()], ['l-5']);
  assert.equal(h.take('l-9'), undefined);
  assert.equal(h.take('l-5').meta.task_id, 't-5');
  assert.deepEqual([h.size, h.bytes], [0, 0]);
});

test('no upload unless asked; a JS-rendering or compute task is not taken; a main-text task is checked first', async () => {
  const { calls, fetchImpl } = recorder({ '/v1/node/commit': {}, '/v1/node/reveal': { upload_requested: false } });
  const coord = new Coordinator({ urls: ['http://c1.test'], key: newSecretKey(), chainId: 31337, fetchImpl });
  const env = { coord, address: '0x0', stats: {}, now: () => Date.now(), crawlContext: () => ({}), crawlTask: async () => [] };
  const r = await runLease(env, lease(['http://a.example/1']));
  assert.equal(r.rows, 0);
  assert.equal(JSON.parse(calls[0].body).body.root, 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', 'an empty task commits SHA-256 of nothing');
  assert.deepEqual(calls.map((c) => c.path), ['/v1/node/commit', '/v1/node/reveal']);
  const js = lease(['http://a.example/1']);
  js.task.crawl.render_js = true;
  await assert.rejects(runLease(env, js), /JavaScript rendering/);
  const mt = lease(['http://a.example/1']);
  mt.task.crawl.extract = { enabled: true, focus: 'precision', fallback: true, max_bytes: 1048576, latest_date: '2099-12-31' };
  // Extract options the extractor (maintext.wasm) refuses fail the task
  // before anything is fetched, as crawl.CompileRules fails a Go node's.
  const refusing = { ...env, crawlContext: () => ({ mainText: () => { throw new TypeError('main text: extract.max_bytes 9999999: expected at most 2097152'); } }), crawlTask: async () => assert.fail('fetched') };
  await assert.rejects(runLease(refusing, mt), /extract\.max_bytes/);
  const checked = [];
  const taking = { ...env, crawlContext: (_, spec) => ({ mainText: (body, u, ct, sp) => { checked.push([body.length, sp]); return { status: 'empty' }; } }) };
  assert.equal((await runLease(taking, mt)).rows, 0);
  assert.deepEqual(checked, [[0, { fields: mt.task.crawl.fields, text_selector: 'main', exclude: [], extract: mt.task.crawl.extract }]], 'the task\'s extract options, checked on an empty body');
  await assert.rejects(runLease(env, { ...js, task: { id: 't', kind: 'compute', compute: {} } }), /not a crawl task/);
});

test('the client fails over to the next coordinator, and reports errors with code and field', async () => {
  const { calls, fetchImpl } = recorder({
    '/v1/node/register': (c) => (c.origin === 'http://c2.test' ? { status: 503, body: { error: { code: 'unavailable', message: 'no leader' } } } : { address: '0x1', poll_interval_ms: 1000, server_time: Date.now() + 5000 }),
    '/v1/node/work': { status: 400, body: { error: { code: 'invalid', field: 'body.max_tasks', message: 'expected 1 to 64' } } },
  }, { down: ['http://c1.test'] });
  const coord = new Coordinator({ urls: ['http://c1.test', 'http://c2.test', 'http://c3.test'], key: newSecretKey(), chainId: 31337, fetchImpl });
  const r = await coord.register({ address: '0x1' });
  assert.equal(r.poll_interval_ms, 1000);
  assert.deepEqual(calls.map((c) => c.origin), ['http://c2.test', 'http://c3.test']);
  assert.ok(coord.skewMs > 3000, 'the coordinator clock is learned at register');
  const err = await coord.work({ max_tasks: 0 }).catch((e) => e);
  assert.ok(err instanceof CoordError);
  assert.equal(err.status, 400);
  assert.equal(err.field, 'body.max_tasks');
  assert.equal(calls.at(-1).origin, 'http://c3.test', 'the coordinator that answered is used first');
  assert.throws(() => new Coordinator({ urls: [], key: newSecretKey(), chainId: 31337, fetchImpl }), /no coordinator URL/);
});

test('helpers: final URLs in Go\'s spelling, Retry-After, UTF-8 truncation, settings', () => {
  assert.equal(finalURL('http://Example.com', []), 'http://example.com/');
  assert.equal(finalURL('http://example.com/a/b', ['../c?x=1', 'HTTPS://other.example']), 'https://other.example');
  assert.equal(retryAfterMs('3', 0, 7), 3000);
  assert.equal(retryAfterMs('', 0, 7), 7);
  assert.equal(retryAfterMs('soon', 0, 7), 7);
  assert.equal(retryAfterMs('Thu, 01 Jan 1970 00:00:10 GMT', 0, 7), 10000);
  assert.equal(truncateUTF8('aü€😀', 6), 'aü€');
  assert.equal(truncateUTF8('aü€😀', 5), 'aü');
  assert.equal(Buffer.byteLength(truncateUTF8('😀'.repeat(200), 500)), 500);
  assert.throws(() => validateSettings({ bytesPerDay: 5 }), /bytesPerDay 5: expected an integer from 1048576/);
  assert.throws(() => validateSettings({ coordinators: ['http://c.example'] }), /expected https/);
  assert.throws(() => validateSettings({ allowList: ['127.0.0.0/8'] }), /allowList: expected empty/);
  assert.throws(() => validateSettings({ perHostDelayMs: 0 }), /perHostDelayMs/);
  assert.deepEqual(validateSettings({ coordinators: [' https://c.example/ '] }).coordinators, ['https://c.example']);
  // Where claims pay and the highest relay fee.
  assert.equal(validateSettings({}).payout, '');
  assert.equal(validateSettings({}).maxRelayFeeBps, 100);
  assert.equal(validateSettings({ payout: ' 0x52908400098527886e0f7030069857d2e4169ee7 ' }).payout, '0x52908400098527886E0F7030069857D2E4169EE7');
  assert.throws(() => validateSettings({ payout: '0x52908400098527886E0F7030069857D2E4169Ee7' }), /payout "0x52908400098527886E0F7030069857D2E4169Ee7": expected an address .*checksum/);
  assert.throws(() => validateSettings({ payout: '0x' + '0'.repeat(40) }), /payout "0x0+": expected an address .*zero address/);
  assert.throws(() => validateSettings({ payout: 'me' }), /payout "me": expected an address/);
  assert.throws(() => validateSettings({ payout: 5 }), /payout 5: expected an address/);
  assert.throws(() => validateSettings({ maxRelayFeeBps: 501 }), /maxRelayFeeBps 501: expected an integer from 0 to 500/);
  assert.throws(() => validateSettings({ maxRelayFeeBps: 0.5 }), /maxRelayFeeBps 0\.5/);
});
