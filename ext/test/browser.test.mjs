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
  await page.click('button[type=submit]');
  await page.waitForFunction(() => document.getElementById('saved').textContent === 'Saved.');
  const { settings } = await b.sw.evaluate(() => chrome.storage.local.get('settings'));
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
    '/articles/99999'];
  const urls = paths.map((p) => site.base + p);
  const js = await b.sw.evaluate(([u, s]) => globalThis.meadowDev.crawl(u, s), [urls, spec]);
  const go = goCrawl(gen, urls, spec);
  assert.equal(js.results.length, go.length);
  const rows = [];
  for (let i = 0; i < urls.length; i++) {
    const j = js.results[i], g = go[i];
    if (g.refusal) {
      assert.ok(j.refusal, `${paths[i]}: Go refused (${g.refusal.reason}: ${g.refusal.detail}), the extension made a row ${JSON.stringify(j.page)}`);
      assert.equal(j.refusal.reason, g.refusal.reason, `${paths[i]}: refusal reason (Go: ${g.refusal.detail}; extension: ${j.refusal.detail})`);
    } else {
      assert.ok(j.page, `${paths[i]}: the extension refused (${j.refusal?.reason}: ${j.refusal?.detail}), Go made a row`);
      assert.equal(j.hash, g.hash, `${paths[i]}: row hash; Go's row ${JSON.stringify(g.row)}; the extension's page ${JSON.stringify(j.page)}`);
      rows.push(j.hash);
    }
  }
  assert.ok(rows.length >= 15, `rows made: ${rows.length}`);
});

test('the production policy (no allow-list) refuses the loopback site before any request', async () => {
  await setSettings({ coordinators: [], allowList: [], perHostDelayMs: 0 });
  const hits = Date.now();
  const js = await b.sw.evaluate(([u, s]) => globalThis.meadowDev.crawl(u, s), [[site.base + '/articles/1', 'http://localhost:1/', 'ftp://example.com/x', 'http://10.0.0.1/'], spec]);
  assert.deepEqual(js.results.map((r) => r.refusal?.reason), ['unsafe_address', 'unsafe_address', 'scheme', 'unsafe_address']);
  assert.match(js.results[0].refusal.detail, /loopback/);
  assert.ok(Date.now() - hits < 5000, 'refused at once, without connecting');
});
