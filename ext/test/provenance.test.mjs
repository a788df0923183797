// Row provenance (dataset/testdata/provenance.json, `make vectors`),
// reproduced byte for byte by the extension: the bytes a row signature
// covers, the signature itself (RFC 6979, so deterministic), recovery of
// the signer, record encodings and hashes, and provenance roots.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { validateSchema } from '../src/lib/schema.js';
import { contentRoot, rowHash } from '../src/lib/merkle.js';
import { fromHex, toHex } from '../src/lib/bytes.js';
import { addressOf } from '../src/lib/envelope.js';
import { recordEncoding, recordHash, recoverRowSigner, rowSigningHash, rowSigningInput, signRow } from '../src/lib/provenance.js';

const load = (f) => {
  const p = new URL(f, new URL('../../dataset/testdata/', import.meta.url));
  if (!fs.existsSync(p)) throw new Error(`dataset/testdata/${f} is missing (make vectors writes it)`);
  return JSON.parse(fs.readFileSync(p, 'utf8'));
};

function value(col, v) {
  if (v === null) return null;
  switch (col.type) {
    case 'string': return v;
    case 'int64': return BigInt(v);
    case 'bytes': return fromHex(v);
    default: return v.map(BigInt);
  }
}

test('provenance.json: signing input, signature, signer, record and provenance root of every row', () => {
  const v = load('provenance.json');
  const key = fromHex(load('manifest.json').test_private_key);
  assert.equal(addressOf(key), v.signer);
  let n = 0;
  for (const set of v.sets) {
    const schema = validateSchema({ kind: set.schema.kind, columns: set.schema.columns.map((c) => ({ ...c, nullable: !!c.nullable })) });
    const idx = (name) => schema.columns.findIndex((c) => c.name === name);
    const recs = [];
    for (const c of set.cases) {
      const row = c.row.map((x, i) => value(schema.columns[i], x));
      const rh = rowHash(schema, row);
      assert.equal(toHex(rh), c.row_hash, `${set.name}: ${c.name}: row hash`);
      const node = row[idx('node')], at = row[idx('fetched_at')];
      assert.equal(toHex(rowSigningInput(rh, at, node)), c.signing_input_hex, `${set.name}: ${c.name}: signing input`);
      assert.equal(toHex(rowSigningHash(rh, at, node)), c.signing_hash, `${set.name}: ${c.name}: signing hash`);
      assert.equal(toHex(signRow(key, rh, at)), c.signature, `${set.name}: ${c.name}: signature, byte for byte`);
      assert.equal(toHex(row[idx('signature')]), c.signature);
      assert.equal(recoverRowSigner(rh, at, node, row[idx('signature')]).toLowerCase(), node.toLowerCase(), `${set.name}: ${c.name}: recovers to its node`);
      assert.equal(toHex(recordEncoding(schema, row)), c.record_hex, `${set.name}: ${c.name}: record encoding`);
      const rec = recordHash(schema, row);
      assert.equal(toHex(rec), c.record_hash);
      recs.push(rec);
      n++;
    }
    assert.equal(toHex(contentRoot(recs)), set.provenance_root, `${set.name}: provenance root`);
  }
  assert.ok(n >= 6, `${n} rows`);
});

test('a changed node, fetched_at or content does not recover to the node', () => {
  const v = load('provenance.json');
  const set = v.sets[0];
  const schema = validateSchema({ kind: set.schema.kind, columns: set.schema.columns.map((c) => ({ ...c, nullable: !!c.nullable })) });
  const c = set.cases[0];
  const row = c.row.map((x, i) => value(schema.columns[i], x));
  const rh = fromHex(c.row_hash);
  const sig = fromHex(c.signature);
  const node = row[schema.columns.findIndex((x) => x.name === 'node')];
  const at = row[schema.columns.findIndex((x) => x.name === 'fetched_at')];
  assert.notEqual(recoverRowSigner(rh, at + 1n, node, sig), node);
  assert.notEqual(recoverRowSigner(rh, at, '0x00000000000000000000000000000000000000b2', sig), node);
  const other = rh.slice(); other[0] ^= 1;
  assert.notEqual(recoverRowSigner(other, at, node, sig), node);
});
