// The dataset package's golden vectors (dataset/testdata, `make vectors`),
// reproduced byte for byte by the extension's JavaScript: text
// normalization, canonical rows and row hashes, content roots, and
// inclusion proofs (made and checked). invalid_canonical.json is for
// decoders; the extension only encodes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { normalizeText } from '../src/lib/normalize.js';
import { canonicalRow } from '../src/lib/cbor.js';
import { TYPES, validateSchema } from '../src/lib/schema.js';
import { checkProof, contentRoot, proveInclusion, rowHash, sortHashes } from '../src/lib/merkle.js';
import { fromHex, toHex } from '../src/lib/bytes.js';

const dir = new URL('../../dataset/testdata/', import.meta.url);
const load = (f) => {
  const p = new URL(f, dir);
  if (!fs.existsSync(p)) throw new Error(`dataset/testdata/${f} is missing (make vectors writes it)`);
  return JSON.parse(fs.readFileSync(p, 'utf8'));
};
const utf8hex = (s) => toHex(new TextEncoder().encode(s));

test('normalize.json: every case, compared as UTF-8 bytes', () => {
  const v = load('normalize.json');
  assert.ok(v.cases.length > 10);
  for (const c of v.cases) {
    const input = new TextDecoder('utf-8', { ignoreBOM: true }).decode(fromHex(c.input_utf8_hex));
    assert.equal(input, c.input, `${c.name}: input survives JSON`);
    assert.equal(utf8hex(normalizeText(input)), c.output_utf8_hex, c.name);
  }
});

// A row value in the vectors' JSON → the JavaScript value for its column type.
function value(col, v) {
  if (v === null) return null;
  switch (col.type) {
    case 'string': return v;
    case 'int64': return BigInt(v);
    case 'bytes': return fromHex(v, { prefix: 'none', lower: true });
    case 'float64': {
      // Written as String(x) writes it, so it reads back exactly.
      const x = Number(v);
      assert.equal(String(x), v, `float ${v} is in JavaScript's form`);
      return x;
    }
    case 'bool': return v;
    case 'list<string>': return v.slice();
    default: return v.map(BigInt);
  }
}

test('rows.json: canonical encoding and row hash of every row, crawl, compute and wasm', () => {
  const v = load('rows.json');
  let n = 0;
  const seen = new Set();
  for (const set of v.sets) {
    const schema = validateSchema({ kind: set.schema.kind, columns: set.schema.columns.map((c) => ({ ...c, nullable: !!c.nullable })) });
    for (const c of set.cases) {
      const row = c.row.map((x, i) => value(schema.columns[i], x));
      assert.equal(toHex(canonicalRow(schema, row)), c.canonical_hex, `${set.name}: ${c.name}: canonical`);
      assert.equal(toHex(rowHash(schema, row)), c.row_hash, `${set.name}: ${c.name}: row hash`);
      row.forEach((x, i) => { if (x !== null && schema.columns[i].role === 'content') seen.add(schema.columns[i].type); });
      n++;
    }
  }
  assert.ok(n > 50, `${n} rows`);
  assert.deepEqual([...seen].sort(), [...TYPES].sort(), 'a row vector for every column type');
});

test('roots.json: sorted order and content root of every set', () => {
  const v = load('roots.json');
  for (const c of v.cases) {
    const hs = c.row_hashes.map((h) => fromHex(h));
    assert.deepEqual(sortHashes(hs).map(toHex), c.sorted, `${c.name}: sorted`);
    assert.equal(toHex(contentRoot(hs)), c.root, `${c.name}: root`);
  }
});

test('proofs.json: every proof is made identically and checks against its root', () => {
  const roots = new Map(load('roots.json').cases.map((c) => [c.name, c]));
  const v = load('proofs.json');
  for (const p of v.cases) {
    const set = roots.get(p.set);
    assert.ok(set, `proof for unknown set ${p.set}`);
    const sorted = set.sorted.map((h) => fromHex(h));
    const made = proveInclusion(sorted, fromHex(p.row_hash));
    // A duplicate row hash is proved at its first position; the vectors may use another.
    if (made.index === p.index) assert.deepEqual(made.path, p.path, `${p.set} #${p.index}: path`);
    assert.equal(made.root, p.root);
    assert.equal(checkProof({ version: 1, ...p }, p.root), true, `${p.set} #${p.index}`);
  }
});
