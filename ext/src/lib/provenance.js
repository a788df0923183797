// Row provenance (dataset/DESIGN.md, "Provenance"): the node signs each row
// with secp256k1 over SHA-256("meadow.row.v1" ‖ 0x00 ‖ row hash (32 bytes) ‖
// fetched_at (int64, big-endian) ‖ node address (20 bytes)); the signature
// column holds r ‖ s ‖ v with v 27 or 28. Anyone recovers the signer from
// the row alone. dataset/testdata/provenance.json is reproduced byte for
// byte by ext/test/provenance.test.mjs.

import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concat, fromHex, utf8Bytes } from './bytes.js';
import { canonicalRow } from './cbor.js';
import { addressOf, addressOfPublicKey, secretKeyBytes } from './envelope.js';

export const ROW_SIGNATURE_DOMAIN = 'meadow.row.v1';

/** rowSigningInput returns the bytes a row signature covers. */
export function rowSigningInput(rowHash, fetchedAt, node) {
  if (!(rowHash instanceof Uint8Array) || rowHash.length !== 32) throw new TypeError('row hash: expected 32 bytes');
  const t = new Uint8Array(8);
  new DataView(t.buffer).setBigInt64(0, BigInt(fetchedAt), false);
  const a = fromHex(node, { prefix: 'required', length: 20, what: 'node' });
  return concat(utf8Bytes(ROW_SIGNATURE_DOMAIN), Uint8Array.of(0), rowHash, t, a);
}

/** rowSigningHash is SHA-256 of rowSigningInput. */
export function rowSigningHash(rowHash, fetchedAt, node) { return sha256(rowSigningInput(rowHash, fetchedAt, node)); }

/**
 * signRow signs a row whose content hash is rowHash, fetched at fetchedAt
 * (Unix milliseconds), by key's node: 65 bytes r ‖ s ‖ v, v 27 or 28.
 */
export function signRow(key, rowHash, fetchedAt) {
  const sk = secretKeyBytes(key);
  const sig = secp256k1.sign(rowSigningHash(rowHash, fetchedAt, addressOf(sk)), sk, { prehash: false, format: 'recovered' });
  // noble puts the recovery byte first; Ethereum wants r ‖ s ‖ v, v = 27 + recovery.
  return concat(sig.subarray(1), Uint8Array.of(sig[0] + 27));
}

/** recoverRowSigner returns the checksummed address that made sig over the row. */
export function recoverRowSigner(rowHash, fetchedAt, node, sig) {
  if (!(sig instanceof Uint8Array) || sig.length !== 65) throw new TypeError('signature: expected 65 bytes');
  const v = sig[64] >= 27 ? sig[64] - 27 : sig[64];
  const rec = concat(Uint8Array.of(v), sig.subarray(0, 64));
  const pub = secp256k1.recoverPublicKey(rec, rowSigningHash(rowHash, fetchedAt, node), { prehash: false });
  return addressOfPublicKey(pub);
}

/**
 * recordEncoding returns the canonical encoding of the whole row, content
 * and provenance columns (every column in schema order, values encoded as
 * content values are); its SHA-256 is the leaf of a manifest's provenance
 * roots.
 */
export function recordEncoding(schema, row) {
  if (!Array.isArray(row) || row.length !== schema.columns.length) throw new TypeError(`record: expected ${schema.columns.length} values (all columns)`);
  return canonicalRow({ ...schema, columns: schema.columns.map((c) => ({ ...c, role: 'content' })) }, row);
}

/** recordHash is SHA-256 of recordEncoding. */
export function recordHash(schema, row) { return sha256(recordEncoding(schema, row)); }
