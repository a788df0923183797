// The extension's main-text extractor (maintext.wasm, the Go node's
// crawl/htmldoc compiled to WebAssembly, as the build ships it) against
// the Go node's crawl path (crawl.MainText, run by ext/test/gen -maintext)
// on the same bytes: the demo site's pages, the real-page corpus (HTML
// manuals of Debian packages, crawl/testdata/realpages) and hostile input
// (empty, binary, invalid UTF-8, other charsets, past max_bytes, 32 MiB),
// under several extract options. Every page must give the same columns,
// bit for bit, and a spec the Go code refuses must be refused naming the
// field.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { buildExtension, buildGen, goMainText, realPages, startExtMainText, startSite, tempDir } from './harness.mjs';
import { startMainText } from '../src/lib/maintext.js';
import { detectContentType } from '../src/lib/mime.js';

const tmp = tempDir('meadow-ext-maintext-');
let gen, site, mainText;

before(async () => {
  const ext = buildExtension(path.join(tmp, 'ext'));
  gen = buildGen(tmp);
  site = await startSite(gen);
  mainText = await startExtMainText(ext);
}, { timeout: 300000 });

after(() => {
  site?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** compare extracts every page with both and requires the same answer. */
function compare(what, spec, pages) {
  const want = goMainText(gen, spec, pages);
  assert.equal(want.length, pages.length);
  const statuses = {};
  pages.forEach((p, i) => {
    let got;
    try {
      got = mainText(p.body, p.url, p.contentType, spec);
    } catch (e) {
      got = { error: e.message };
    }
    const g = want[i];
    if (g.error) {
      assert.ok(got.error, `${what} ${p.url}: Go refused (${g.error}), the extension answered ${got.status}`);
      return;
    }
    assert.deepEqual(got, g, `${what} ${p.url}: the extension's main text differs from the Go node's`);
    statuses[g.status] = (statuses[g.status] || 0) + 1;
  });
  return statuses;
}

async function fetchPage(u) {
  const r = await fetch(u, { redirect: 'manual' });
  const body = new Uint8Array(await r.arrayBuffer());
  let contentType = r.headers.get('content-type') ?? '';
  if (contentType === '' && body.length > 0) contentType = detectContentType(body);
  return { url: u, contentType, body };
}

const demo = { fields: [{ name: 'title', selector: 'h1.title' }], text_selector: 'main', exclude: ['.ad', '.clock'] };

test('the demo site\'s pages give the Go node\'s main text under every extract option', async () => {
  const paths = ['/', '/articles/0', '/articles/1', '/articles/7', '/articles/42', '/mirror/2', '/x/latin1', '/x/meta-charset', '/x/no-content-type',
    '/x/noscript', '/x/base', '/x/bad-utf8', '/x/text', '/x/json', '/x/noindex'];
  const pages = await Promise.all(paths.map((p) => fetchPage(site.base + p)));
  const options = [
    { enabled: true },
    { enabled: true, focus: 'recall' },
    { enabled: true, focus: 'balanced', exclude_tables: true },
    { enabled: true, fallback: false },
    { enabled: true, latest_date: '2000-01-01' },
    { enabled: true, max_bytes: 2000 },
  ];
  for (const extract of options) {
    const st = compare(JSON.stringify(extract), { ...demo, extract }, pages);
    if (extract.max_bytes === undefined) assert.ok(st.ok >= 5, `${JSON.stringify(extract)}: pages with main text ${JSON.stringify(st)}`);
  }
});

test('the real-page corpus (Debian\'s HTML manuals) gives the Go node\'s main text', () => {
  const pages = realPages();
  assert.ok(pages.length >= 30, `corpus pages: ${pages.length}`);
  const st = compare('real pages', { exclude: [], extract: { enabled: true, max_bytes: 2 << 20 } }, pages);
  assert.ok(st.ok >= 30, `pages with main text: ${JSON.stringify(st)}`);
});

test('hostile input gives the Go node\'s status, never a crash', () => {
  const enc = new TextEncoder();
  const para = '<p>' + 'The same sentence of a real paragraph, long enough to count as main text. '.repeat(8) + '</p>';
  const html = (body) => enc.encode(`<!doctype html><html lang="en"><head><title>T</title></head><body><article>${body}</article></body></html>`);
  const random = new Uint8Array(4096);
  for (let i = 0; i < random.length; i++) random[i] = (i * 2654435761) >>> 24;
  const big = new Uint8Array(32 << 20).fill(0x61);
  big.set(html(para).subarray(0, 64));
  const nested = html('<div>'.repeat(5000) + para + '</div>'.repeat(5000));
  const latin1 = Uint8Array.from([...'<html><body><article><p>Caf\xe9 cr\xe8me br\xfbl\xe9e, '.repeat(20), ...'</p></article></body></html>'].map((c) => c.charCodeAt(0)));
  const pages = [
    { url: 'http://127.0.0.1/empty', contentType: 'text/html', body: new Uint8Array(0) },
    { url: 'http://127.0.0.1/space', contentType: 'text/html', body: enc.encode(' \n\t ') },
    { url: 'http://127.0.0.1/png', contentType: 'text/html', body: Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]) },
    { url: 'http://127.0.0.1/random', contentType: 'text/html', body: random },
    { url: 'http://127.0.0.1/bad-utf8', contentType: 'text/html; charset=utf-8', body: Uint8Array.from([...html(para), 0xff, 0xfe, 0xc3, 0x28]) },
    { url: 'http://127.0.0.1/latin1', contentType: 'text/html; charset=iso-8859-1', body: latin1 },
    { url: 'http://127.0.0.1/latin1-no-charset', contentType: 'text/html', body: latin1 },
    { url: 'http://127.0.0.1/nested', contentType: 'text/html', body: nested },
    { url: 'http://127.0.0.1/only-nav', contentType: 'text/html', body: html('<nav><a href="/">Home</a></nav>') },
    { url: 'http://127.0.0.1/32mib', contentType: 'text/html', body: big },
    { url: 'not a url', contentType: '', body: html(para) },
  ];
  const st = compare('hostile', { exclude: ['.ad'], extract: { enabled: true, max_bytes: 2 << 20 } }, pages);
  for (const s of ['empty', 'not_html', 'too_large', 'ok']) assert.ok(st[s] > 0, `status ${s} among ${JSON.stringify(st)}`);
});

test('a spec the Go code refuses is refused, naming the field', () => {
  const body = new TextEncoder().encode('<p>x</p>');
  for (const [spec, field] of [
    [{ exclude: ['[['], extract: { enabled: true } }, 'exclude[0]'],
    [{ exclude: [''], extract: { enabled: true } }, 'exclude[0]'],
    [{ exclude: [], extract: { enabled: true, max_bytes: 3 << 20 } }, 'extract.max_bytes'],
    [{ exclude: [], extract: { enabled: true, focus: 'everything' } }, 'focus'],
    [{ exclude: [], extract: { enabled: false } }, 'extract.enabled'],
  ]) {
    assert.throws(() => mainText(body, 'http://127.0.0.1/', 'text/html', spec), (e) => e.message.includes(field), `${JSON.stringify(spec)}: expected an error naming ${field}`);
    const [g] = goMainText(gen, spec, [{ url: 'http://127.0.0.1/', contentType: 'text/html', body }]);
    assert.ok(g.error, `${JSON.stringify(spec)}: Go accepted it`);
  }
});

test('a Go program that stops is reported: at start it fails, later exited() says so and calls fail', async () => {
  const empty = Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]); // a valid, empty module
  class ExitsAtStart { importObject = {}; run() { return Promise.resolve(); } }
  await assert.rejects(startMainText(empty, ExitsAtStart), /exited at start/);
  let stop;
  const saved = globalThis.meadowMainText;
  class ExitsLater {
    importObject = {};
    run() {
      globalThis.meadowMainText = () => JSON.stringify({ status: 'empty', text: '', markdown: '', title: '', author: '', date: '', language: '' });
      return new Promise((resolve) => { stop = resolve; });
    }
  }
  try {
    const mt = await startMainText(empty, ExitsLater);
    assert.equal(mt(new Uint8Array(0), 'u', 'text/html', {}).status, 'empty');
    assert.equal(mt.exited(), false);
    stop();
    await new Promise((resolve) => setTimeout(resolve, 0));
    assert.equal(mt.exited(), true);
    assert.throws(() => mt(new Uint8Array(0), 'u', 'text/html', {}), /has exited/);
  } finally {
    globalThis.meadowMainText = saved;
  }
});
