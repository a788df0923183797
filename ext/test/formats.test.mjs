// Formats against what Go computes (ext/test/testdata/go_vectors.json, made by
// go run ./ext/test/gen): canonical rows, row hashes, roots and proofs, URL
// resolution, media types, robots.txt and the URL policy. Charset decoding
// and extraction need the browser's decoders and DOM: browser.test.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { canonicalRow, RowError } from '../src/lib/cbor.js';
import { crawlRow, crawlSchema, schemaJSON, validateSchema } from '../src/lib/schema.js';
import { checkProof, contentRoot, EMPTY_ROOT, merkleRoot, proveInclusion, rowHash, sortHashes } from '../src/lib/merkle.js';
import { fromHex, toHex } from '../src/lib/bytes.js';
import { normalizeText } from '../src/lib/normalize.js';
import { goParse, resolveGo } from '../src/lib/gourl.js';
import { detectContentType, mediaType, parseMediaType } from '../src/lib/mime.js';
import { determineEncoding, prescan } from '../src/lib/charset.js';

const V = JSON.parse(fs.readFileSync(new URL('./testdata/go_vectors.json', import.meta.url), 'utf8'));

// Go's schema JSON → the JS schema shape.
const jsSchema = (s) => ({ kind: s.kind, columns: s.columns.map((c) => ({ ...c, nullable: !!c.nullable })) });
const value = (v) => {
  if (v === null || typeof v === 'string') return v;
  if ('int' in v) return BigInt(v.int);
  if ('bytes' in v) return fromHex(v.bytes);
  if ('list' in v) return v.list.map(BigInt);
  throw new Error('unknown value ' + JSON.stringify(v));
};

test('canonical rows and row hashes of crawl rows equal Go\'s byte for byte', () => {
  const d = V.dataset;
  const s = crawlSchema(d.crawl_fields);
  assert.deepEqual(s, jsSchema(d.crawl_schema));
  assert.equal(schemaJSON(s), JSON.stringify(d.crawl_schema));
  const hashes = [];
  for (const r of d.crawl_rows) {
    const row = r.row.map(value);
    assert.equal(toHex(canonicalRow(s, row)), r.canonical, r.name);
    const h = rowHash(s, row);
    assert.equal(toHex(h), r.hash, r.name);
    hashes.push(h);
  }
  assert.equal(toHex(contentRoot(hashes)), d.crawl_root);
  assert.equal(toHex(contentRoot([...hashes, hashes[0]])), d.crawl_root_with_duplicate);
  assert.equal(toHex(contentRoot(hashes.slice().reverse())), d.crawl_root, 'order does not matter');
});

test('canonical rows of every column type, and the rows Go refuses', () => {
  const d = V.dataset;
  const s = validateSchema(jsSchema(d.typed_schema));
  for (const r of d.typed_rows) {
    const row = r.row.map(value);
    if (r.error) {
      assert.throws(() => canonicalRow(s, row), RowError, r.name);
      continue;
    }
    assert.equal(toHex(canonicalRow(s, row)), r.canonical, r.name);
    assert.equal(toHex(rowHash(s, row)), r.hash, r.name);
    // Numbers that are safe integers encode like BigInts.
    const asNumbers = row.map((v) => (typeof v === 'bigint' && Number.isSafeInteger(Number(v)) && BigInt(Number(v)) === v ? Number(v) : v));
    assert.equal(toHex(canonicalRow(s, asNumbers)), r.canonical, r.name + ' with Numbers');
  }
});

test('rows of the wrong shape are refused, naming the column', () => {
  const s = crawlSchema(['title']);
  const ok = ['http://e.com/', 'http://e.com/', 200n, 'text/html', null, 'text', '0xabc', 1n, null];
  canonicalRow(s, ok);
  const bad = (i, v, re) => { const r = ok.slice(); r[i] = v; assert.throws(() => canonicalRow(s, r), re); };
  bad(0, null, /"url": null in a column that is not nullable/);
  bad(0, 5, /"url": expected a string, got number/);
  bad(2, '200', /"status": expected an integer/);
  bad(2, 1.5, /"status": 1.5 is not an integer/);
  bad(2, 2 ** 60, /not an integer JavaScript holds exactly/);
  bad(2, 1n << 63n, /outside int64/);
  bad(4, 7, /"f_title": expected a string/);
  bad(4, undefined, /"f_title": expected a string, got undefined/);
  bad(5, 'a\ud800b', /lone surrogate/);
  assert.throws(() => canonicalRow(s, ok.slice(0, 3)), /3 values: expected 9/);
  assert.throws(() => canonicalRow(s, 'row'), /expected an array/);
  const t = validateSchema({ kind: 'compute', columns: [{ name: 'b', type: 'bytes', role: 'content' }, { name: 'l', type: 'list<uint32>', role: 'content' }, { name: 'i', type: 'list<int32>', role: 'content' }] });
  assert.throws(() => canonicalRow(t, ['00', [], []]), /"b": expected a Uint8Array, got string/);
  assert.throws(() => canonicalRow(t, [new Uint8Array(0), [-1], []]), /outside uint32/);
  assert.throws(() => canonicalRow(t, [new Uint8Array(0), [2 ** 32], []]), /outside uint32/);
  assert.throws(() => canonicalRow(t, [new Uint8Array(0), [], [2 ** 31]]), /outside int32/);
  assert.throws(() => canonicalRow(t, [new Uint8Array(0), ['1'], []]), /expected an integer/);
  assert.throws(() => validateSchema({ kind: 'x', columns: [] }), /schema.kind/);
  assert.throws(() => validateSchema({ kind: 'crawl', columns: [{ name: 'a', type: 'float', role: 'content' }] }), /unknown type/);
  assert.throws(() => validateSchema({ kind: 'crawl', columns: [{ name: 'a', type: 'string', role: 'provenance' }, { name: 'b', type: 'string', role: 'content' }] }), /content column after a provenance column/);
  assert.throws(() => validateSchema({ kind: 'crawl', columns: [{ name: 'a', type: 'string', role: 'content' }, { name: 'a', type: 'string', role: 'content' }] }), /duplicate/);
});

test('values of the float64, bool, list<string> and list<int64> types that are refused, naming the column', () => {
  const t = validateSchema({ kind: 'compute', columns: [
    { name: 'f', type: 'float64', role: 'content' }, { name: 'b', type: 'bool', role: 'content' },
    { name: 's', type: 'list<string>', role: 'content' }, { name: 'i', type: 'list<int64>', role: 'content' },
  ] });
  const ok = [1.5, true, ['a'], [1n]];
  assert.equal(toHex(canonicalRow(t, ok)), '84' + 'fb3ff8000000000000' + 'f5' + '816161' + '8101');
  const bad = (i, v, re) => { const r = ok.slice(); r[i] = v; assert.throws(() => canonicalRow(t, r), re); };
  bad(0, 1n, /"f": expected a Number \(float64\), got bigint/);
  bad(0, '1.5', /"f": expected a Number/);
  bad(0, NaN, /"f": NaN/);
  bad(0, -0, /"f": -0/);
  bad(1, 1, /"b": expected a boolean, got number/);
  bad(1, null, /"b": null in a column that is not nullable/);
  bad(2, 'a', /"s": expected an array of strings, got string/);
  bad(2, ['a', 1], /"s": \[1\]: expected a string, got number/);
  bad(2, ['\ud800'], /"s": element 0: invalid UTF-8/);
  bad(3, [1n << 63n], /"i": \[0\] 9223372036854775808 is outside int64/);
  bad(3, [-(1n << 63n) - 1n], /outside int64/);
  bad(3, [2 ** 60], /not an integer JavaScript holds exactly/);
  bad(3, ['1'], /expected an integer/);
});

test('crawlRow lays out pages as Go\'s CrawlRow does', () => {
  const s = crawlSchema(['title', 'author']);
  const row = crawlRow(s, { url: 'u', finalURL: 'f', status: 200, contentType: 'text/html', fields: { title: 'T', author: null }, text: 'x' },
    { node: '0xA', fetchedAt: 5, signature: null });
  assert.deepEqual(row, ['u', 'f', 200n, 'text/html', 'T', null, 'x', '0xA', 5n, null]);
});

test('Merkle roots over 0 to 17 leaves and every inclusion proof equal Go\'s', () => {
  const d = V.dataset;
  assert.equal(toHex(EMPTY_ROOT), d.empty_root);
  for (const r of d.roots) assert.equal(toHex(contentRoot(r.hashes.map((h) => fromHex(h)))), r.root, `n=${r.n}`);
  const sorted = sortHashes(d.proofs.map((p) => fromHex(p.row_hash)));
  assert.equal(toHex(merkleRoot(sorted)), d.proofs_root);
  for (const p of d.proofs) {
    assert.deepEqual(proveInclusion(sorted, fromHex(p.row_hash)), p);
    assert.equal(checkProof(p, d.proofs_root), true);
  }
});

test('inclusion proofs that do not check are refused', () => {
  const d = V.dataset;
  const p = d.proofs[5];
  const root = d.proofs_root;
  const flip = (h) => (h[0] === '0' ? '1' : '0') + h.slice(1);
  assert.throws(() => checkProof({ ...p, row_hash: flip(p.row_hash) }, root), /path leads to/);
  assert.throws(() => checkProof({ ...p, path: [flip(p.path[0]), ...p.path.slice(1)] }, root), /path leads to/);
  assert.throws(() => checkProof({ ...p, path: p.path.slice(1) }, root), /too short|leads to/);
  assert.throws(() => checkProof({ ...p, path: [...p.path, p.path[0]] }, root), /path has/);
  assert.throws(() => checkProof({ ...p, index: p.size }, root), /expected less than size/);
  assert.throws(() => checkProof({ ...p, index: -1 }, root), /non-negative/);
  assert.throws(() => checkProof({ ...p, version: 2 }, root), /version/);
  assert.throws(() => checkProof(p, flip(root)), (e) => e.rootMismatch === true);
  assert.throws(() => checkProof({ ...p, root: undefined }, flip(root)), /path leads to/);
  assert.throws(() => checkProof({ ...p, row_hash: p.row_hash.toUpperCase() }, root), /lowercase hex/);
  assert.throws(() => checkProof({ ...p, row_hash: '0x' + p.row_hash }, root), /without 0x/);
  assert.throws(() => checkProof({ ...p, row_hash: p.row_hash.slice(2) }, root), /64 hex digits/);
  assert.throws(() => checkProof({ ...p, path: 'x' }, root), /path: expected an array/);
  assert.throws(() => checkProof(null, root), /expected an object/);
  assert.throws(() => merkleRoot([new Uint8Array(31)]), /32 bytes/);
  assert.throws(() => proveInclusion([fromHex(p.row_hash)], fromHex(flip(p.row_hash))), /not among/);
});

test('text normalization: NFC, the White_Space set, not U+FEFF or U+200B', () => {
  assert.equal(normalizeText('  a\t\n\u000b\f\r b\u0085\u00a0\u1680\u2000\u200a\u2028\u2029\u202f\u205f\u3000c  '), 'a b c');
  assert.equal(normalizeText('Cafe\u0301'), 'Caf\u00e9');
  assert.equal(normalizeText('\ufeffx\u200by\u180ez'), '\ufeffx\u200by\u180ez');
  assert.equal(normalizeText('\ufb01'), '\ufb01', 'NFC does not fold compatibility characters');
  assert.equal(normalizeText(''), '');
  assert.throws(() => normalizeText(null), /expected a string/);
  for (const e of V.extract) assert.equal(normalizeText(e.text), e.normalized, e.name);
});

test('URL resolution and serialization equal Go\'s net/url', () => {
  for (const v of V.urls.resolve) assert.equal(resolveGo(goParse(v.base), v.ref), v.out, `${v.base} + ${JSON.stringify(v.ref)}`);
  for (const v of V.urls.parse) {
    if (v.err) assert.throws(() => goParse(v.in), undefined, JSON.stringify(v.in));
    else assert.equal(goParse(v.in).toString(), v.out ?? '', JSON.stringify(v.in));
  }
});

test('media types and content sniffing equal Go\'s', () => {
  for (const [k, want] of Object.entries(V.media)) assert.equal(mediaType(k), want, JSON.stringify(k));
  assert.equal(parseMediaType('text/html; charset=a; charset=b'), null);
  assert.equal(parseMediaType('text/html; charset="utf-8"')[1].get('charset'), 'utf-8');
  const enc = (s) => new TextEncoder().encode(s);
  assert.equal(detectContentType(enc('  <!DOCTYPE html><p>')), 'text/html; charset=utf-8');
  assert.equal(detectContentType(enc('<p>x')), 'text/html; charset=utf-8');
  assert.equal(detectContentType(enc('<pre>x')), 'text/plain; charset=utf-8');
  assert.equal(detectContentType(enc('just text')), 'text/plain; charset=utf-8');
  assert.equal(detectContentType(enc('<?xml version="1.0"?>')), 'text/xml; charset=utf-8');
  assert.equal(detectContentType(Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)), 'image/png');
  assert.equal(detectContentType(Uint8Array.of(0, 1, 2)), 'application/octet-stream');
  assert.equal(detectContentType(new Uint8Array(0)), 'text/plain; charset=utf-8');
});

test('charset detection picks the encoding Go picks', () => {
  for (const c of V.charset.cases) {
    assert.equal(determineEncoding(fromHex(c.body_hex), c.content_type), c.encoding, c.name);
  }
  const b = (s) => Uint8Array.from(s, (ch) => ch.charCodeAt(0));
  assert.equal(prescan(b('<!-- <meta charset="koi8-r"> --><meta charset=utf-8>')), 'utf-8');
  assert.equal(prescan(b('<script>"<meta charset=koi8-r>"</script><meta charset="iso-8859-2">')), 'iso-8859-2');
  assert.equal(prescan(b('<meta content="text/html; charset=koi8-r">')), null, 'content without http-equiv');
  assert.equal(prescan(b('<meta charset="utf-16">')), 'utf-8');
  assert.equal(prescan(b('<meta charset="nonsense"><meta charset="koi8-r">')), 'koi8-r');
});

import { parseRobots } from '../src/lib/robots.js';
import { nonPublic, parseIP, parsePrefix, Policy, Refusal } from '../src/lib/policy.js';

test('robots.txt rules and Crawl-delay equal Go\'s', () => {
  for (const r of V.robots) {
    for (const asBytes of [false, true]) {
      const rb = parseRobots(asBytes ? new TextEncoder().encode(r.body) : r.body);
      assert.equal(Math.round(rb.crawlDelayMs), r.crawl_delay_ms, JSON.stringify(r.body));
      for (const [p, want] of Object.entries(r.paths)) assert.equal(rb.allowed(p), want, `${JSON.stringify(r.body)} ${p}`);
    }
  }
});

test('the URL policy refuses what Go\'s refuses, for the same reason', () => {
  const p = new Policy();
  for (const v of V.policy.check_url) {
    let got = '';
    try { p.checkURL(v.url); } catch (e) { assert.ok(e instanceof Refusal, String(e)); got = e.reason; }
    assert.equal(got, v.reason, v.url);
  }
  for (const v of V.policy.non_public) assert.equal(nonPublic(v.ip) === '', v.public, v.ip);
});

test('the allow-list lets loopback through on any port, and nothing else changes', () => {
  const p = new Policy({ allowList: ['127.0.0.0/8', '::1/128'] });
  p.checkURL('http://127.0.0.1:41234/x');
  p.checkURL('http://127.0.5.1:8080/x');
  p.checkURL('http://[::1]:9/x');
  p.checkAddr('127.0.0.1', 5555);
  p.checkAddr('::ffff:127.0.0.1', 5555);
  assert.throws(() => p.checkURL('http://10.0.0.1/'), /private/);
  assert.throws(() => p.checkURL('http://localhost:41234/'), /single-label/);
  assert.throws(() => p.checkAddr('192.168.1.1', 80), /private/);
  assert.throws(() => new Policy().checkAddr('127.0.0.1', 80), /loopback/);
  assert.throws(() => new Policy().checkAddr('8.8.8.8', 22), /port 22/);
  assert.throws(() => new Policy().checkAddr('not an ip', 80), /not a valid address/);
  assert.throws(() => parsePrefix('127.0.0.1'), /CIDR prefix/);
  assert.throws(() => parsePrefix('127.0.0.0/33'), /CIDR prefix/);
  assert.throws(() => parsePrefix('::1/129'), /CIDR prefix/);
  assert.equal(parseIP('1.2.3'), null);
  assert.equal(parseIP('01.2.3.4'), null);
  assert.equal(parseIP('1:2:3:4:5:6:7:8:9'), null);
  assert.deepEqual([...parseIP('[::ffff:7f00:1]')], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 127, 0, 0, 1]);
  assert.throws(() => new Policy().checkURL('http://user:pw@example.com/'), /user:password/);
});
