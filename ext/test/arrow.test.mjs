// The Arrow IPC stream the extension uploads: read back by apache-arrow and
// by the Go dataset package (go run ./ext/test/gen -verify), which checks
// every row against the schema and recomputes the hashes; both must agree
// with the JavaScript row hashes and content root.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { writeIPCStream, arrowSchema } from '../src/lib/arrow.js';
import { crawlRow, crawlSchema, validateSchema } from '../src/lib/schema.js';
import { contentRoot, rowHash } from '../src/lib/merkle.js';
import { toHex } from '../src/lib/bytes.js';

const repo = path.resolve(new URL('../..', import.meta.url).pathname);

function goRead(bytes) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meadow-ext-arrow-'));
  const file = path.join(dir, 'rows.arrows');
  fs.writeFileSync(file, bytes);
  try {
    const out = execFileSync('go', ['run', './ext/test/gen', '-verify', file], { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return JSON.parse(out);
  } catch (e) {
    if (e.code === 'ENOENT') throw new Error('this test needs Go (the go command) to read the file with package dataset');
    throw new Error(`go run ./ext/test/gen -verify: ${e.stderr || e.message}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const s = crawlSchema(['title', 'author']);
const pages = [
  { url: 'http://example.com/', finalURL: 'http://example.com/', status: 200, contentType: 'text/html', fields: { title: ' Hello,\tworld ', author: null }, text: 'Cafe\u0301  crème\u00a0東京' },
  { url: 'http://example.com/b', finalURL: 'http://example.com/c', status: 404, contentType: 'text/plain', fields: { title: null, author: '' }, text: '' },
  { url: 'http://example.com/é', finalURL: 'http://example.com/%C3%A9', status: 301, contentType: '', fields: { title: 'ﬁ', author: 'x' }, text: 'ü'.repeat(5000) },
];

test('crawl rows: apache-arrow and Go read what was written; Go\'s hashes and root are the JavaScript ones', () => {
  const rows = pages.map((p, i) => crawlRow(s, p, { node: '0x3A95Bfe14630225ecF886411E3C63EbF582bB579', fetchedAt: 1767225600000 + i, signature: i === 1 ? null : new Uint8Array(65).fill(i + 1) }));
  const bytes = writeIPCStream(s, rows, { 'meadow.task': 'job-1:t-0001' });
  const t = tableFromIPC(bytes);
  assert.equal(t.numRows, 3);
  assert.deepEqual(t.schema.fields.map((f) => [f.name, String(f.type), f.nullable, f.metadata.get('meadow.role')]), [
    ['url', 'Utf8', false, 'content'], ['final_url', 'Utf8', false, 'content'], ['status', 'Int64', false, 'content'],
    ['content_type', 'Utf8', false, 'content'], ['f_title', 'Utf8', true, 'content'], ['f_author', 'Utf8', true, 'content'],
    ['text', 'Utf8', false, 'content'], ['node', 'Utf8', false, 'provenance'], ['fetched_at', 'Int64', false, 'provenance'],
    ['signature', 'Binary', true, 'provenance'],
  ]);
  assert.equal(t.schema.metadata.get('meadow.version'), '1');
  assert.equal(t.schema.metadata.get('meadow.task'), 'job-1:t-0001');
  const r0 = t.get(0);
  assert.equal(r0.f_title, 'Hello, world', 'content strings are stored normalized');
  assert.equal(r0.text, 'Café crème 東京');
  assert.equal(r0.status, 200n);
  assert.equal(t.get(1).f_title, null);
  assert.equal(t.get(1).signature, null);

  const hashes = rows.map((r) => rowHash(s, r));
  const go = goRead(bytes);
  assert.equal(go.format, 'arrow-stream');
  assert.equal(go.rows, 3);
  assert.deepEqual(go.hashes, hashes.map(toHex));
  assert.equal(go.root, toHex(contentRoot(hashes)));
  assert.equal(go.metadata['meadow.task'], 'job-1:t-0001');
  assert.equal(go.values[0][4], 'Hello, world');
  assert.deepEqual(go.values[0][9], { bytes: '01'.repeat(65) });
  assert.equal(go.values[1][9], null);
});

test('every column type, lists included, reads back in Go with the same hashes', () => {
  const ts = validateSchema({ kind: 'compute', columns: [
    { name: 'source_hash', type: 'bytes', role: 'content', nullable: false },
    { name: 'u32', type: 'list<uint32>', role: 'content', nullable: false },
    { name: 'i32', type: 'list<int32>', role: 'content', nullable: false },
    { name: 'u64', type: 'list<uint64>', role: 'content', nullable: false },
    { name: 'i', type: 'int64', role: 'content', nullable: false },
    { name: 'node', type: 'string', role: 'provenance', nullable: false },
  ] });
  const rows = [
    [new Uint8Array([1, 2]), [0, 4294967295], [-2147483648, 2147483647], [18446744073709551615n, 0n], -(1n << 63n), 'n'],
    [new Uint8Array(0), [], [], [], (1n << 63n) - 1n, 'n'],
  ];
  const bytes = writeIPCStream(ts, rows);
  const go = goRead(bytes);
  assert.deepEqual(go.hashes, rows.map((r) => toHex(rowHash(ts, r))));
  assert.deepEqual(go.values[0].slice(1, 5), [{ list: ['0', '4294967295'] }, { list: ['-2147483648', '2147483647'] }, { list: ['18446744073709551615', '0'] }, { int: '-9223372036854775808' }]);
});

test('float64, bool, list<string> and list<int64>: apache-arrow and Go read them back, Go\'s hashes are the JavaScript ones', () => {
  const ws = validateSchema({ kind: 'compute', columns: [
    { name: 'source_hash', type: 'bytes', role: 'content', nullable: false },
    { name: 'score', type: 'float64', role: 'content', nullable: false },
    { name: 'prob', type: 'float64', role: 'content', nullable: true },
    { name: 'keep', type: 'bool', role: 'content', nullable: false },
    { name: 'flag', type: 'bool', role: 'content', nullable: true },
    { name: 'tokens', type: 'list<string>', role: 'content', nullable: false },
    { name: 'tags', type: 'list<string>', role: 'content', nullable: true },
    { name: 'ids', type: 'list<int64>', role: 'content', nullable: false },
    { name: 'node', type: 'string', role: 'provenance', nullable: false },
  ] });
  const rows = [
    [new Uint8Array([1]), 0.1, 1e300, true, false, [' the', 'e\u0301', '', '😀'], ['日本語'], [-(1n << 63n), -1n, 0n, (1n << 63n) - 1n], 'n'],
    [new Uint8Array(0), 0, null, false, null, [], null, [], 'n'],
    [new Uint8Array([2]), -Number.MAX_VALUE, Number.MIN_VALUE, true, true, ['a  b'], [], [24n, 1099511627776n], 'n'],
  ];
  const bytes = writeIPCStream(ws, rows);
  const t = tableFromIPC(bytes);
  assert.deepEqual(t.schema.fields.map((f) => [f.name, String(f.type), f.nullable]).slice(1, 8), [
    ['score', 'Float64', false], ['prob', 'Float64', true], ['keep', 'Bool', false], ['flag', 'Bool', true],
    ['tokens', 'List<Utf8>', false], ['tags', 'List<Utf8>', true], ['ids', 'List<Int64>', false],
  ]);
  const r0 = t.get(0);
  assert.equal(r0.score, 0.1);
  assert.equal(r0.keep, true);
  assert.equal(r0.flag, false);
  assert.deepEqual([...r0.tokens], [' the', 'e\u0301', '', '😀'], 'list strings are stored as given');
  assert.deepEqual([...r0.ids], [-(1n << 63n), -1n, 0n, (1n << 63n) - 1n]);
  assert.equal(t.get(1).prob, null);
  assert.equal(t.get(1).tags, null);

  const go = goRead(bytes);
  assert.deepEqual(go.hashes, rows.map((r) => toHex(rowHash(ws, r))));
  assert.deepEqual(go.values[0].slice(1, 8), [{ float: 0.1 }, { float: 1e300 }, { bool: true }, { bool: false },
    { strings: [' the', 'e\u0301', '', '😀'] }, { strings: ['日本語'] }, { list: ['-9223372036854775808', '-1', '0', '9223372036854775807'] }]);
  assert.deepEqual(go.values[1].slice(1, 8), [{ float: 0 }, null, { bool: false }, null, { strings: [] }, null, { list: [] }]);
  assert.deepEqual(go.values[2].slice(1, 3), [{ float: -Number.MAX_VALUE }, { float: Number.MIN_VALUE }]);
});

test('float64 NaN, ±Infinity and -0 are refused by the row encoder, naming the column', () => {
  const fs1 = validateSchema({ kind: 'compute', columns: [{ name: 'score', type: 'float64', role: 'content', nullable: false }] });
  for (const [v, re] of [[NaN, /"score": NaN: expected a finite float64/], [Infinity, /"score": \+Inf/], [-Infinity, /"score": -Inf/], [-0, /"score": -0: expected a finite float64 other than -0/]]) {
    assert.throws(() => rowHash(fs1, [v]), re);
  }
});

test('reserved metadata keys are refused', () => {
  assert.throws(() => arrowSchema(s, { 'meadow.schema': 'x' }), /reserved/);
});
