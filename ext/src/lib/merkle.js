// Row hashes and content roots (dataset/merkle.go). A row hash is SHA-256 of
// the row's canonical encoding; a content root is the RFC 6962 Merkle Tree
// Hash over the row hashes sorted ascending, bytewise:
//
//   MTH({})     = SHA-256("")
//   MTH({d})    = SHA-256(0x00 ‖ d)
//   MTH(D[0:n]) = SHA-256(0x01 ‖ MTH(D[0:k]) ‖ MTH(D[k:n])), k the largest power of two < n
//
// Duplicate row hashes stay in the tree, each its own leaf.

import { sha256 } from '@noble/hashes/sha2.js';
import { canonicalRow } from './cbor.js';
import { compareBytes, equalBytes, fromHex, toHex, typeName } from './bytes.js';

export const EMPTY_ROOT = sha256(new Uint8Array(0));

/** rowHash returns SHA-256 of the row's canonical encoding. */
export function rowHash(schema, row) { return sha256(canonicalRow(schema, row)); }

function checkHash(h, what) {
  if (!(h instanceof Uint8Array) || h.length !== 32) throw new TypeError(`${what}: expected 32 bytes, got ${h instanceof Uint8Array ? h.length + ' bytes' : typeName(h)}`);
}

export function leafHash(h) {
  checkHash(h, 'leaf');
  const b = new Uint8Array(33);
  b[0] = 0;
  b.set(h, 1);
  return sha256(b);
}

export function nodeHash(l, r) {
  const b = new Uint8Array(65);
  b[0] = 1;
  b.set(l, 1);
  b.set(r, 33);
  return sha256(b);
}

/** sortHashes returns a sorted copy of row hashes (ascending, bytewise). */
export function sortHashes(hs) { return hs.slice().sort(compareBytes); }

function splitPoint(n) { let k = 1; while (k * 2 < n) k *= 2; return k; }

/** merkleRoot returns the RFC 6962 root of leaves in the order given. */
export function merkleRoot(leaves) {
  leaves.forEach((h, i) => checkHash(h, `row hash ${i}`));
  if (leaves.length === 0) return EMPTY_ROOT.slice();
  // Level by level: pairs combine left to right and an odd last node moves up,
  // which is RFC 6962's recursion with k the largest power of two below n.
  let level = leaves.map(leafHash);
  while (level.length > 1) {
    const next = [];
    for (let i = 0; i + 1 < level.length; i += 2) next.push(nodeHash(level[i], level[i + 1]));
    if (level.length % 2 === 1) next.push(level[level.length - 1]);
    level = next;
  }
  return level[0];
}

/** contentRoot returns the Merkle root over the row hashes sorted ascending. */
export function contentRoot(rowHashes) { return merkleRoot(sortHashes(rowHashes)); }

/** auditPath returns RFC 6962's PATH(m, D[n]), the sibling nearest the leaf first. */
export function auditPath(leaves, m) {
  if (!Number.isInteger(m) || m < 0 || m >= leaves.length) throw new RangeError(`leaf ${m} of a tree of ${leaves.length}`);
  const path = [];
  let lo = 0, hi = leaves.length;
  while (hi - lo > 1) {
    const k = splitPoint(hi - lo);
    if (m - lo < k) { path.push(merkleRoot(leaves.slice(lo + k, hi))); hi = lo + k; } else { path.push(merkleRoot(leaves.slice(lo, lo + k))); lo += k; }
  }
  return path.reverse();
}

/**
 * proveInclusion returns the inclusion proof (the JSON form of Go's
 * dataset.InclusionProof, hashes as hex) of rowHash in the tree over the sorted hashes.
 */
export function proveInclusion(sorted, rh) {
  for (let i = 1; i < sorted.length; i++) if (compareBytes(sorted[i - 1], sorted[i]) > 0) throw new Error('invalid proof: row hashes are not sorted');
  const i = sorted.findIndex((h) => equalBytes(h, rh));
  if (i < 0) throw new Error(`invalid proof: row hash ${toHex(rh)} is not among the ${sorted.length} rows`);
  return { version: 1, row_hash: toHex(rh), index: i, size: sorted.length, path: auditPath(sorted, i).map(toHex), root: toHex(merkleRoot(sorted)) };
}

/** ProofError is a proof that does not check; rootMismatch when it was made for another root. */
export class ProofError extends Error {
  constructor(message, rootMismatch = false) { super(message); this.name = 'ProofError'; this.rootMismatch = rootMismatch; }
}

function proofHash(v, what) {
  if (v instanceof Uint8Array) { checkHash(v, what); return v; }
  try { return fromHex(v, { prefix: 'none', length: 32, lower: true, what }); } catch (e) { throw new ProofError(`invalid proof: ${e.message}`); }
}

function proofInt(v, what) {
  const n = typeof v === 'bigint' ? v : (Number.isSafeInteger(v) ? BigInt(v) : null);
  if (n === null || n < 0n) throw new ProofError(`invalid proof: ${what} ${JSON.stringify(String(v))}: expected a non-negative integer`);
  return n;
}

/**
 * checkProof checks that proof p (JSON form: version, row_hash, index, size,
 * path, root; hashes as 64 lowercase hex digits or 32-byte arrays) proves its
 * row hash is a leaf of the tree with the trusted root. It follows RFC 9162
 * 2.1.3.2 and throws a ProofError when it does not check.
 */
export function checkProof(p, root) {
  if (!p || typeof p !== 'object') throw new ProofError(`invalid proof: expected an object, got ${typeName(p)}`);
  if (p.version !== 1) throw new ProofError(`invalid proof: version ${p.version}: expected 1`);
  const trusted = proofHash(root, 'root');
  if (p.root !== undefined && p.root !== null && p.root !== '') {
    const pr = proofHash(p.root, 'proof root');
    if (pr.some((b) => b !== 0) && !equalBytes(pr, trusted)) throw new ProofError(`root mismatch: the proof is for root ${toHex(pr)}, not ${toHex(trusted)}`, true);
  }
  const rh = proofHash(p.row_hash, 'row_hash');
  const index = proofInt(p.index, 'index'), size = proofInt(p.size, 'size');
  if (!Array.isArray(p.path)) throw new ProofError(`invalid proof: path: expected an array, got ${typeName(p.path)}`);
  const path = p.path.map((h, i) => proofHash(h, `path[${i}]`));
  if (index >= size) throw new ProofError(`invalid proof: index ${index}: expected less than size ${size}`);
  let fn = index, sn = size - 1n;
  let r = leafHash(rh);
  for (let i = 0; i < path.length; i++) {
    if (sn === 0n) throw new ProofError(`invalid proof: path has ${path.length} hashes: expected ${i}`);
    if ((fn & 1n) === 1n || fn === sn) {
      r = nodeHash(path[i], r);
      if ((fn & 1n) === 0n) while ((fn & 1n) === 0n && fn !== 0n) { fn >>= 1n; sn >>= 1n; }
    } else {
      r = nodeHash(r, path[i]);
    }
    fn >>= 1n; sn >>= 1n;
  }
  if (sn !== 0n) throw new ProofError(`invalid proof: path has ${path.length} hashes: too short for index ${index} of ${size}`);
  if (!equalBytes(r, trusted)) throw new ProofError(`invalid proof: the path leads to ${toHex(r)}, not to root ${toHex(trusted)}`);
  return true;
}
