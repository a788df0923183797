// The extension in Chromium (playwright-core, headless, the development
// build unpacked): the popup renders with a fresh key and is screenshotted;
// the options page checks what it saves; extraction and charset decoding
// with the browser's DOMParser and TextDecoder equal Go's on the same input;
// and crawling the demo site gives, URL by URL, the rows and refusals the Go
// node's crawler gives, while the production policy refuses loopback.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { buildExtension, buildGen, goCrawl, launch, startSite, tempDir } from './harness.mjs';

const V = JSON.parse(fs.readFileSync(new URL('./testdata/go_vectors.json', import.meta.url), 'utf8'));
const tmp = tempDir('meadow-ext-browser-');
let b, site, gen;

before(async () => {
  const ext = buildExtension(path.join(tmp, 'ext'));
  gen = buildGen(tmp);
  site = await startSite(gen);
  b = await launch(ext, path.join(tmp, 'profile'));
}, { timeout: 300000 });

after(async () => {
  await b?.ctx.close();
  site?.stop();
  fs.rmSync(path.join(tmp, 'profile'), { recursive: true, force: true });
});

const setSettings = (s) => b.sw.evaluate((v) => chrome.storage.local.set({ settings: v }), s);

test('the popup shows a fresh address, today\'s bytes and the switch; screenshot', async () => {
  const page = await b.ctx.newPage();
  await page.setViewportSize({ width: 360, height: 600 });
  await page.goto(`chrome-extension://${b.id}/popup.html`);
  await page.waitForFunction(() => /^0x[0-9a-fA-F]{40}$/.test(document.getElementById('address').textContent));
  const address = await page.textContent('#address');
  const stored = await b.sw.evaluate(() => chrome.storage.local.get('identity'));
  assert.equal(stored.identity.address, address, 'the key was made on first run and kept in chrome.storage.local');
  assert.match(stored.identity.key, /^0x[0-9a-f]{64}$/);
  assert.match(await page.textContent('#bytes'), /of 500 MiB/);
  assert.equal(await page.isChecked('#enabled'), true);
  assert.match(await page.textContent('#error'), /No coordinator/);
  for (const id of ['#meadow', '#stable', '#epoch']) assert.equal(await page.textContent(id), '–', `${id} without a coordinator`);
  const shot = path.join(tmp, 'popup.png');
  await page.screenshot({ path: shot });
  assert.ok(fs.statSync(shot).size > 1000);
  console.log(`# popup screenshot: ${shot}`);
  // Pausing from the popup is stored and shown.
  await page.click('.switch span');
  await page.waitForFunction(() => /Paused/.test(document.getElementById('activity').textContent));
  assert.equal((await b.sw.evaluate(() => chrome.storage.local.get('settings'))).settings.enabled, false);
  await page.click('.switch span');
  await page.waitForFunction(() => !/Paused/.test(document.getElementById('activity').textContent));
  await page.close();
});

test('the options page saves valid settings and names the bad one', async () => {
  const page = await b.ctx.newPage();
  await page.goto(`chrome-extension://${b.id}/options.html`);
  await page.waitForSelector('#devbox:not([hidden])');
  await page.fill('#coordinators', 'http://127.0.0.1:1\nftp://nope');
  await page.click('button[type=submit]');
  await page.waitForSelector('#error:not([hidden])');
  assert.match(await page.textContent('#error'), /coordinators\[1\] "ftp:\/\/nope": expected an http\(s\) URL/);
  await page.fill('#coordinators', '');
  await page.fill('#allowList', '127.0.0.1');
  await page.click('button[type=submit]');
  await page.waitForFunction(() => /CIDR/.test(document.getElementById('error').textContent));
  await page.fill('#allowList', '127.0.0.0/8');
  await page.fill('#bytesPerDay', '0');
  await page.click('button[type=submit]');
  await page.waitForFunction(() => /bytesPerDay 0: expected an integer from 1048576/.test(document.getElementById('error').textContent));
  await page.fill('#bytesPerDay', '100');
  await page.fill('#perHostDelayMs', '0');
  // Where claims pay, and the highest relay fee.
  await page.fill('#payout', '0x52908400098527886E0F7030069857D2E4169Ee7');
  await page.click('button[type=submit]');
  await page.waitForFunction(() => /payout "0x52908400098527886E0F7030069857D2E4169Ee7": expected an address .*checksum/.test(document.getElementById('error').textContent));
  await page.fill('#payout', '0x52908400098527886e0f7030069857d2e4169ee7');
  await page.fill('#maxRelayFee', '7');
  await page.click('button[type=submit]');
  await page.waitForFunction(() => /Highest relay fee "7": expected a percentage from 0 to 5/.test(document.getElementById('error').textContent));
  await page.fill('#maxRelayFee', '0.5');
  await page.click('button[type=submit]');
  await page.waitForFunction(() => document.getElementById('saved').textContent === 'Saved.');
  const { settings } = await b.sw.evaluate(() => chrome.storage.local.get('settings'));
  assert.equal(settings.payout, '0x52908400098527886E0F7030069857D2E4169EE7', 'stored with its checksum');
  assert.equal(settings.maxRelayFeeBps, 50);
  await page.reload();
  await page.waitForFunction(() => document.getElementById('maxRelayFee').value === '0.5');
  assert.equal(await page.inputValue('#payout'), '0x52908400098527886E0F7030069857D2E4169EE7');
  assert.equal(settings.bytesPerDay, 100 << 20);
  assert.deepEqual(settings.allowList, ['127.0.0.0/8']);
  assert.deepEqual(settings.coordinators, []);
  await page.close();
});

test('extraction with DOMParser equals Go\'s crawl.Extract on the same HTML', async () => {
  const page = await b.ctx.newPage();
  await page.goto(`chrome-extension://${b.id}/offscreen.html`);
  await page.waitForFunction(() => typeof globalThis.meadowExtract === 'function');
  for (const v of V.extract) {
    const spec = { fields: v.spec.fields || [], text_selector: v.spec.text_selector || '', exclude: v.spec.exclude || [] };
    const r = await page.evaluate(([h, u, s]) => globalThis.meadowExtract(h, u, s), [v.html, v.base_url, spec]);
    assert.equal(r.ok, true, `${v.name}: ${r.error}`);
    assert.deepEqual(r.result.fields, v.fields, `${v.name}: fields`);
    assert.equal(r.result.text, v.text, `${v.name}: text`);
  }
  const bad = await page.evaluate(() => globalThis.meadowExtract('<p>x', 'http://e.com/', { fields: [{ name: 'a', selector: 'p:contains(x)' }] }));
  assert.equal(bad.ok, false);
  assert.equal(bad.selector, true);
  assert.match(bad.error, /fields\[0\]\.selector "p:contains\(x\)"/);
  await page.close();
});

test('charset decoding with the browser\'s decoders equals Go\'s', async () => {
  const page = await b.ctx.newPage();
  await page.goto(`chrome-extension://${b.id}/offscreen.html`);
  await page.waitForFunction(() => typeof globalThis.meadowDecode === 'function');
  for (const c of V.charset.cases) {
    assert.equal(await page.evaluate(([h, ct]) => globalThis.meadowDecode(h, ct), [c.body_hex, c.content_type]), c.text, c.name);
  }
  let high = '';
  for (let i = 0x80; i <= 0xff; i++) high += i.toString(16);
  for (const [name, want] of Object.entries(V.charset.single_byte)) {
    assert.equal(await page.evaluate(([h, ct]) => globalThis.meadowDecode(h, ct), [high, `text/plain; charset=${name}`]), want, name);
  }
  await page.close();
});

const spec = {
  fields: [{ name: 'title', selector: 'h1.title' }, { name: 'author', selector: 'span.author' }, { name: 'home', selector: 'nav a', attr: 'href' },
    { name: 'next', selector: 'a.next', attr: 'href' }],
  text_selector: 'main',
  exclude: ['.ad', '.clock'],
};

test('crawling the demo site: every URL gives the Go node\'s row hash or its refusal reason', async () => {
  await setSettings({ coordinators: [], allowList: ['127.0.0.0/8'], perHostDelayMs: 0, pagesPerMinute: 10000, maxConcurrent: 4 });
  const paths = ['/articles/0', '/articles/1', '/articles/7', '/mirror/2', '/', '/x/redirect', '/x/redirect-chain', '/x/redirect-odd',
    '/x/latin1', '/x/meta-charset', '/x/no-content-type', '/x/text', '/x/json', '/x/not-found', '/x/gone', '/x/noscript', '/x/base',
    '/x/other-bot-noindex', '/private/admin', '/x/redirect-robots', '/x/redirect-ftp', '/x/noindex', '/x/meadowbot-noai', '/x/x-robots', '/x/error',
    '/articles/99999', '/x/bad-utf8'];
  const urls = paths.map((p) => site.base + p);
  const js = await b.sw.evaluate(([u, s]) => globalThis.meadowDev.crawl(u, s), [urls, spec]);
  const go = goCrawl(gen, urls, spec);
  assert.equal(js.results.length, go.length);
  const rows = [];
  for (let i = 0; i < urls.length; i++) {
    const j = js.results[i], g = go[i];
    if (g.refusal) {
      assert.ok(j.refusal, `${paths[i]}: Go refused (${g.refusal.reason}: ${g.refusal.detail}), the extension made a row ${JSON.stringify(j.page)}`);
      // A page Go decodes into invalid UTF-8 makes no row there (the row
      // encoder refuses it; the Go node then fails the whole task); the
      // extension refuses just that URL.
      const want = g.refusal.reason === 'invalid_row' ? 'http_error' : g.refusal.reason;
      assert.equal(j.refusal.reason, want, `${paths[i]}: refusal reason (Go: ${g.refusal.detail}; extension: ${j.refusal.detail})`);
    } else {
      assert.ok(j.page, `${paths[i]}: the extension refused (${j.refusal?.reason}: ${j.refusal?.detail}), Go made a row`);
      assert.equal(j.hash, g.hash, `${paths[i]}: row hash; Go's row ${JSON.stringify(g.row)}; the extension's page ${JSON.stringify(j.page)}`);
      rows.push(j.hash);
    }
  }
  assert.ok(rows.length >= 15, `rows made: ${rows.length}`);
});

test('with main text on, the service worker\'s rows (maintext.wasm) are the Go node\'s, hash for hash', async () => {
  await setSettings({ coordinators: [], allowList: ['127.0.0.0/8'], perHostDelayMs: 0, pagesPerMinute: 10000, maxConcurrent: 4 });
  const paths = ['/articles/0', '/articles/3', '/articles/11', '/mirror/2', '/', '/x/redirect', '/x/latin1', '/x/meta-charset', '/x/no-content-type',
    '/x/text', '/x/json', '/x/noscript', '/x/base', '/x/bad-utf8', '/x/not-found'];
  const urls = paths.map((p) => site.base + p);
  const withMain = { ...spec, extract: { enabled: true, focus: 'precision', latest_date: '2099-12-31' } };
  const js = await b.sw.evaluate(([u, s]) => globalThis.meadowDev.crawl(u, s), [urls, withMain]);
  const go = goCrawl(gen, urls, withMain);
  assert.equal(js.results.length, go.length);
  const statuses = {};
  for (let i = 0; i < urls.length; i++) {
    const j = js.results[i], g = go[i];
    if (g.refusal) {
      assert.ok(j.refusal, `${paths[i]}: Go refused (${g.refusal.reason}), the extension made a row`);
      continue;
    }
    assert.ok(j.page, `${paths[i]}: the extension refused (${j.refusal?.reason}: ${j.refusal?.detail}), Go made a row`);
    assert.equal(j.hash, g.hash, `${paths[i]}: row hash; Go's row ${JSON.stringify(g.row).slice(0, 2000)}; the extension's main text ${JSON.stringify(j.page.main).slice(0, 2000)}`);
    statuses[j.page.main.status] = (statuses[j.page.main.status] || 0) + 1;
  }
  assert.ok(statuses.ok >= 6 && statuses.not_html >= 2, `main-text statuses of the rows: ${JSON.stringify(statuses)}`);
});

test('the production policy (no allow-list) refuses the loopback site before any request', async () => {
  await setSettings({ coordinators: [], allowList: [], perHostDelayMs: 0 });
  const hits = Date.now();
  const js = await b.sw.evaluate(([u, s]) => globalThis.meadowDev.crawl(u, s), [[site.base + '/articles/1', 'http://localhost:1/', 'ftp://example.com/x', 'http://10.0.0.1/'], spec]);
  assert.deepEqual(js.results.map((r) => r.refusal?.reason), ['unsafe_address', 'unsafe_address', 'scheme', 'unsafe_address']);
  assert.match(js.results[0].refusal.detail, /loopback/);
  assert.ok(Date.now() - hits < 5000, 'refused at once, without connecting');
});

// The service worker's loop end to end inside Chromium (storage, alarms,
// webRequest, the User-Agent rule, the offscreen document, Arrow upload)
// against a stand-in that only records requests and answers with the
// documented shapes. It checks the wiring, not a coordinator's judgement:
// that is cluster.test.mjs.
import http from 'node:http';
import { tableFromIPC } from 'apache-arrow';
import { verify, domain } from '../src/lib/envelope.js';
import { contentRoot, rowHash } from '../src/lib/merkle.js';
import { crawlSchema } from '../src/lib/schema.js';
import { fromHex, toHex } from '../src/lib/bytes.js';
import { claimDigest, rewardsDomain } from '../src/lib/claim.js';
import { addressOfPublicKey } from '../src/lib/envelope.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';

// What the stand-in's GET /v1/chain says: a chain whose coordinators relay
// claims for 1%.
const standInChain = {
  chain_id: 31337, distributor: '0x5FbDB2315678afecb367f032d93F642f64180aa3', registry: '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512',
  relay: { fee_bps: 100, max_fee_bps: 500, relayer: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8' },
};

/** claimSigner recovers who signed a relay request (api.RelayClaimRequest) in the stand-in chain's distributor domain. */
function claimSigner(req) {
  const sig = fromHex(req.signature, { length: 65 });
  const rec = new Uint8Array(65);
  rec[0] = sig[64] - 27;
  rec.set(sig.subarray(0, 64), 1);
  return addressOfPublicKey(secp256k1.recoverPublicKey(rec, claimDigest(req, rewardsDomain(standInChain)), { prehash: false }));
}

function standIn(leaseURLs) {
  const seen = [];
  let leased = false;
  const srv = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const rec = { path: req.url, method: req.method, ua: req.headers['user-agent'], body, envelope: null };
      seen.push(rec);
      const raw = req.method === 'PUT' ? Buffer.from(req.headers['meadow-envelope'] || '', 'base64url').toString('utf8') : body.toString('utf8');
      if (raw.startsWith('{')) {
        const e = JSON.parse(raw);
        const bodyText = raw.slice(raw.indexOf('"body":') + 7, raw.lastIndexOf(',"signature"'));
        try { verify({ ...e, body: bodyText }, Math.floor(Date.now() / 1000), domain(31337)); rec.envelope = e; } catch (err) { rec.error = err.message; }
      }
      const send = (v, status = 200) => { res.writeHead(status, { 'Content-Type': 'application/json' }); res.end(JSON.stringify(v)); };
      const rewards = /^\/v1\/node\/(0x[0-9a-fA-F]{40})\/rewards\?consistent=1$/.exec(req.url);
      if (req.method === 'GET' && rewards) {
        // api.NodeRewards of a node paid in epoch 2: 1.2345678 MEADOW, 0.25 stable.
        const h = (c) => '0x' + c.repeat(64);
        return send({
          address: rewards[1].toLowerCase(), units: 30, pending_units: 10, epoch: 2, root: h('a'), meadow: '1234567800000000000', stable: '250000',
          claimed_meadow: '0', claimed_stable: '0', proof: [h('b')], history: [{ epoch: 2, units: 20, meadow: '1234567800000000000', stable: '250000', tx: h('c') }],
        });
      }
      if (req.method === 'GET' && req.url === '/v1/chain') return send(standInChain);
      if (req.method === 'POST' && req.url === '/v1/rewards/relay') {
        // A relayer checks the node's signature (the contract would) and answers with the transaction.
        const b = JSON.parse(raw);
        rec.relay = b;
        if (claimSigner(b).toLowerCase() !== b.account.toLowerCase()) return send({ error: { code: 'invalid', field: 'signature', message: 'signature: not the account\'s' } }, 400);
        return send({ tx: '0x' + 'd'.repeat(64), relayer: standInChain.relay.relayer, account: b.account, payout: b.account, meadow: b.cumulative_meadow, stable: b.cumulative_stable, fee_meadow: b.fee_meadow, fee_stable: b.fee_stable });
      }
      if (req.method === 'GET' && req.url.startsWith('/v1/node/0x')) return send({ address: req.url.slice(9).toLowerCase(), units: 3, tasks: 1, reputation: 750000 });
      if (!rec.envelope) return send({ error: { code: 'bad_signature', message: rec.error || 'no envelope' } }, 401);
      switch (req.url) {
        case '/v1/node/register': return send({ address: rec.envelope.signer, poll_interval_ms: 1000, server_time: Date.now() });
        case '/v1/node/work':
          if (leased) return send({ leases: [], retry_after_ms: 60000 });
          leased = true;
          return send({ leases: [{ id: 'lease-1', deadline: Date.now() + 120000, replica: 0, task: { id: 'job-1:t-0001', job_id: 'job-1', kind: 'crawl', crawl: { urls: leaseURLs, ...spec } } }] });
        case '/v1/node/refuse': return send({});
        case '/v1/node/commit': return send({ reveal_deadline: Date.now() + 60000 });
        case '/v1/node/reveal': return send({ upload_requested: true });
        case '/v1/node/upload': return send({ rows: 3 });
        default: return send({ error: { code: 'not_found', message: req.url } }, 404);
      }
    });
  });
  return new Promise((resolve) => srv.listen(0, '127.0.0.1', () => resolve({ srv, seen, url: `http://127.0.0.1:${srv.address().port}` })));
}

test('the service worker takes a lease through refusal, commit, reveal and upload (stand-in coordinator)', async () => {
  const leaseURLs = [site.base + '/articles/2', site.base + '/private/x', site.base + '/articles/3', site.base + '/x/latin1'];
  const c = await standIn(leaseURLs);
  try {
    await setSettings({ coordinators: [c.url], allowList: ['127.0.0.0/8'], perHostDelayMs: 0, pagesPerMinute: 10000, maxConcurrent: 4, chainId: 31337, enabled: true });
    await b.sw.evaluate(() => { globalThis.meadowDev.state.registered = false; return globalThis.meadowDev.loop(); });
    const paths = () => c.seen.map((r) => r.path);
    for (let i = 0; i < 100 && !paths().includes('/v1/node/upload'); i++) {
      await new Promise((r) => setTimeout(r, 200));
      if (i % 10 === 9) await b.sw.evaluate(() => globalThis.meadowDev.loop());
    }
    const st = await b.sw.evaluate(() => globalThis.meadowDev.status());
    const calls = paths().filter((p) => p.startsWith('/v1/node/') && !p.startsWith('/v1/node/0x'));
    assert.deepEqual(calls.slice(0, calls.indexOf('/v1/node/upload') + 1),
      // The stand-in hands out no upload URL (its 404, as a coordinator whose blobs are
      // on its disks answers none): the blob goes through it. cluster.test.mjs runs
      // the presigned path against a real object store.
      ['/v1/node/register', '/v1/node/work', '/v1/node/refuse', '/v1/node/commit', '/v1/node/reveal', '/v1/node/upload/url', '/v1/node/upload'], `requests; status ${JSON.stringify(st)}`);
    for (const r of c.seen) {
      assert.match(r.ua, /^MeadowBot\/ext-0\.1\.0 \(\+https:\/\/meadow\.network\/bot\)$/, `${r.path}: User-Agent`);
      if (r.method !== 'GET') assert.equal(r.error, undefined, `${r.path}: envelope`);
    }
    const get = (p) => c.seen.find((r) => r.path === p).envelope.body;
    assert.equal(get('/v1/node/refuse').reason, 'robots');
    assert.equal(get('/v1/node/refuse').url, leaseURLs[1]);
    const commit = get('/v1/node/commit'), reveal = get('/v1/node/reveal'), upload = get('/v1/node/upload');
    assert.equal(commit.rows, 3);
    assert.equal(commit.root, toHex(contentRoot(reveal.row_hashes.map((h) => fromHex(h)))));
    const blob = c.seen.find((r) => r.path === '/v1/node/upload').body;
    assert.equal(upload.size, blob.length);
    const t = tableFromIPC(blob);
    const s = crawlSchema(spec.fields.map((f) => f.name));
    const hashes = t.toArray().map((row) => toHex(rowHash(s, s.columns.map((col) => row[col.name]))));
    assert.deepEqual(hashes, reveal.row_hashes, 'the uploaded rows hash to the revealed hashes');
    assert.equal(st.stats.tasksDone >= 1, true);
    // The popup shows the task, the coordinator's record and the node's rewards.
    const page = await b.ctx.newPage();
    await page.setViewportSize({ width: 360, height: 600 });
    await page.goto(`chrome-extension://${b.id}/popup.html`);
    await page.waitForFunction(() => document.getElementById('meadow').textContent === '1.2345 MEADOW');
    await page.waitForTimeout(400); // let the switch's transition end before the screenshot
    assert.equal(await page.textContent('#tasks'), String(st.stats.tasksDone));
    assert.equal(await page.textContent('#reputation'), '75.0 %');
    assert.equal(await page.textContent('#accepted'), '30', 'work units from the rewards answer');
    assert.equal(await page.textContent('#pending'), '10');
    assert.equal(await page.textContent('#stable'), '0.2500 stable');
    assert.equal(await page.textContent('#epoch'), '2');
    assert.match(await page.textContent('#earnhint'), /meadow node claim/);
    assert.ok(c.seen.some((r) => r.method === 'GET' && r.path.endsWith('/rewards?consistent=1')), 'the rewards were read');
    // Claim without gas: the fee first, then the transaction and the net amounts.
    await page.waitForFunction(() => !document.getElementById('claimbox').hidden);
    assert.equal(await page.textContent('#claimfee'), "Relayer's fee 1%: 0.0123 MEADOW, 0.0025 stable");
    assert.equal(await page.textContent('#claimreceive'), 'You receive 1.2222 MEADOW, 0.2475 stable at this address; no ether needed.');
    const shot = path.join(tmp, 'popup-after-task.png');
    await page.screenshot({ path: shot });
    console.log(`# popup screenshot after a task: ${shot}`);
    await page.click('#claim');
    await page.waitForFunction(() => !document.getElementById('claimresult').hidden, null, { timeout: 30000 });
    assert.equal(await page.textContent('#claimresult'), `Sent in transaction 0x${'d'.repeat(64)}: you receive 1.2222 MEADOW and 0.2475 stable (the relayer keeps 0.0123 MEADOW and 0.0025 stable).`);
    const relayed = c.seen.find((r) => r.relay)?.relay;
    assert.equal(relayed.account.toLowerCase(), st.address.toLowerCase(), 'claimed for the extension\'s own address');
    assert.equal(relayed.payout, '0x' + '0'.repeat(40), 'paid to the node itself');
    assert.equal(relayed.fee_meadow, '12345678000000000');
    const claimShot = path.join(tmp, 'popup-claimed.png');
    await page.screenshot({ path: claimShot, fullPage: true });
    console.log(`# popup screenshot after a claim without gas: ${claimShot}`);

    // With a payout address set, the popup says where the tokens go and
    // the claim signs it; with a fee limit under the relayer's 1%, the
    // popup shows the limit instead of the button, and a claim asked of
    // the service worker all the same is refused before anything is sent.
    const wallet = '0x52908400098527886E0F7030069857D2E4169EE7';
    const base = { coordinators: [c.url], allowList: ['127.0.0.0/8'], perHostDelayMs: 0, pagesPerMinute: 10000, maxConcurrent: 4, chainId: 31337, enabled: true };
    await setSettings({ ...base, payout: wallet, maxRelayFeeBps: 100 });
    await page.waitForFunction((w) => document.getElementById('claimreceive').textContent.endsWith(`at ${w}; no ether needed.`), wallet);
    const before = c.seen.filter((r) => r.relay).length;
    await page.click('#claim');
    await page.waitForFunction((n) => document.getElementById('claimresult').textContent.startsWith('Sent') && document.getElementById('claim').textContent === 'Claim without gas', before);
    const relayed2 = c.seen.filter((r) => r.relay);
    assert.equal(relayed2.length, before + 1, 'a second claim was relayed');
    assert.equal(relayed2.at(-1).relay.payout, wallet, 'signed for the payout address');
    await setSettings({ ...base, payout: wallet, maxRelayFeeBps: 50 });
    await page.waitForFunction(() => /above your limit of 0\.5%/.test(document.getElementById('claimreceive').textContent));
    assert.equal(await page.isHidden('#claim'), true, 'no claim button above the limit');
    const refused = await b.sw.evaluate(() => globalThis.meadowDev.claim().then(() => null, (e) => e.message));
    assert.match(refused || '', /relay\.fee_bps: the relayer asks 1%, above your limit of 0\.5%/);
    assert.equal(c.seen.filter((r) => r.relay).length, before + 1, 'nothing sent above the limit');
    await page.close();
  } finally {
    await setSettings({ coordinators: [], allowList: ['127.0.0.0/8'], enabled: true });
    c.srv.close();
  }
});
