// The signed request envelope (api/envelope.go): EIP-712 typed data
//   domain  EIP712Domain(string name,string version,uint256 chainId) = {Meadow, 1, chainId}
//   struct  MeadowRequest(address signer,uint64 nonce,uint64 expiry,string method,bytes32 bodyHash)
// with bodyHash = keccak256 of the body's exact bytes, the body being compact
// JSON as Go's encoding/json writes it (JSON.stringify, then <, >, &, U+2028
// and U+2029 escaped). The signature is r‖s‖v with v 27 or 28, low s, RFC 6979
// deterministic nonces: what eth_signTypedData_v4 gives and what Go signs.

import { secp256k1 } from '@noble/curves/secp256k1.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { concat, fromHex, toHex, typeName, utf8Bytes } from './bytes.js';
import { goJSON } from './schema.js';

export const DOMAIN_TYPE = 'EIP712Domain(string name,string version,uint256 chainId)';
export const REQUEST_TYPE = 'MeadowRequest(address signer,uint64 nonce,uint64 expiry,string method,bytes32 bodyHash)';
export const DOMAIN_NAME = 'Meadow';
export const DOMAIN_VERSION = '1';
export const DEV_CHAIN_ID = 1337;
export const MAX_NONCE = Number.MAX_SAFE_INTEGER; // 2^53-1
export const MAX_EXPIRY_SECONDS = 600;
export const ENVELOPE_HEADER = 'Meadow-Envelope';
const METHOD_RE = /^[a-z][a-z0-9_.]{0,63}$/;
const N = secp256k1.Point.CURVE().n;

const k256 = (...parts) => keccak_256(concat(...parts));
const text = (s) => utf8Bytes(s);

function u256(v) {
  let x = BigInt(v);
  if (x < 0n || x >= 1n << 256n) throw new RangeError(`uint256 ${v}: out of range`);
  const b = new Uint8Array(32);
  for (let i = 31; i >= 0; i--) { b[i] = Number(x & 255n); x >>= 8n; }
  return b;
}

/** domain returns Meadow's EIP-712 domain on chain chainId. */
export function domain(chainId = DEV_CHAIN_ID) {
  if (!Number.isSafeInteger(chainId) || chainId < 1) throw new TypeError(`chainId ${chainId}: expected a positive integer`);
  return { name: DOMAIN_NAME, version: DOMAIN_VERSION, chainId };
}

/** domainSeparator returns keccak256(typeHash ‖ keccak(name) ‖ keccak(version) ‖ uint256(chainId)). */
export function domainSeparator(d) {
  return k256(keccak_256(text(DOMAIN_TYPE)), keccak_256(text(d.name)), keccak_256(text(d.version)), u256(d.chainId));
}

/** canonicalBody returns the body's bytes: Go's compact JSON spelling of value. */
export function canonicalBody(value) {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new TypeError(`body: expected a JSON object, got ${typeName(value)}`);
  return goJSON(value);
}

/** checkSecretKey returns the 32-byte key, or throws for anything that is not a valid secp256k1 secret key. */
export function secretKeyBytes(key) {
  const b = typeof key === 'string' ? fromHex(key, { length: 32, what: 'private key' }) : key;
  if (!(b instanceof Uint8Array) || b.length !== 32) throw new TypeError(`private key: expected 32 bytes, got ${b instanceof Uint8Array ? b.length + ' bytes' : typeName(b)}`);
  if (!secp256k1.utils.isValidSecretKey(b)) throw new RangeError('private key: not a valid secp256k1 key (zero or not below the curve order)');
  return b;
}

/** newSecretKey returns a fresh random secret key (crypto.getRandomValues). */
export function newSecretKey() { return secp256k1.utils.randomSecretKey(); }

/** toChecksumAddress writes 20 bytes (or any-case hex) in EIP-55 mixed case. */
export function toChecksumAddress(addr) {
  const b = typeof addr === 'string' ? fromHex(addr, { prefix: 'required', length: 20, what: 'address' }) : addr;
  const lower = toHex(b);
  const h = toHex(keccak_256(text(lower)));
  let out = '0x';
  for (let i = 0; i < 40; i++) out += parseInt(h[i], 16) >= 8 ? lower[i].toUpperCase() : lower[i];
  return out;
}

/** parseAddress reads 0x and 40 hex digits; mixed case must carry a valid EIP-55 checksum. */
export function parseAddress(s) {
  const b = fromHex(s, { prefix: 'required', length: 20, what: 'address' });
  const body = s.slice(2);
  if (body !== body.toLowerCase() && body !== body.toUpperCase() && toChecksumAddress(b) !== s) {
    throw new TypeError(`address ${JSON.stringify(s)}: bad EIP-55 checksum`);
  }
  return b;
}

/** addressOfPublicKey: the last 20 bytes of keccak256 of the uncompressed key without its 0x04. */
export function addressOfPublicKey(pub) {
  const p = pub.length === 65 ? pub : secp256k1.Point.fromBytes(pub).toBytes(false);
  return toChecksumAddress(keccak_256(p.subarray(1)).subarray(12));
}

/** addressOf returns the EIP-55 address of a secret key. */
export function addressOf(key) { return addressOfPublicKey(secp256k1.getPublicKey(secretKeyBytes(key), false)); }

/** structHash returns hashStruct(MeadowRequest). e: {signer, nonce, expiry, method, body (string)}. */
export function structHash(e) {
  return k256(keccak_256(text(REQUEST_TYPE)), u256(BigInt(e.signer)), u256(e.nonce), u256(e.expiry),
    keccak_256(text(e.method)), keccak_256(text(e.body)));
}

/** digest returns keccak256(0x19 0x01 ‖ domainSeparator ‖ structHash): the signed hash. */
export function digest(e, d) { return k256(Uint8Array.of(0x19, 0x01), domainSeparator(d), structHash(e)); }

function validate(e) {
  const bad = (f, v, want) => { throw new TypeError(`envelope.${f} ${v}: expected ${want}`); };
  if (typeof e.signer !== 'string') bad('signer', typeName(e.signer), "the signer's address");
  parseAddress(e.signer);
  if (!Number.isSafeInteger(e.nonce) || e.nonce < 1) bad('nonce', String(e.nonce), 'an integer from 1 to 2^53-1');
  if (!Number.isSafeInteger(e.expiry) || e.expiry < 1) bad('expiry', String(e.expiry), 'unix seconds');
  if (typeof e.method !== 'string' || !METHOD_RE.test(e.method)) bad('method', JSON.stringify(e.method), 'a method such as node.commit');
  if (typeof e.body !== 'string' || e.body[0] !== '{') bad('body', JSON.stringify(String(e.body).slice(0, 40)), 'a JSON object');
  let parsed;
  try { parsed = JSON.parse(e.body); } catch { bad('body', JSON.stringify(e.body.slice(0, 40)), 'a JSON object'); }
  if (goJSON(parsed) !== e.body) bad('body', '(not canonical)', "compact JSON with <, >, &, U+2028 and U+2029 escaped as Go's encoding/json writes it");
}

/**
 * sign makes an envelope {signer, nonce, expiry, method, body, signature}:
 * body is encoded canonically (body then holds the JSON value, not a string),
 * signed by key for method, nonce and expiry (unix seconds) in domain d.
 */
export function sign(key, method, bodyValue, nonce, expiry, d = domain()) {
  const sk = secretKeyBytes(key);
  const e = { signer: addressOf(sk), nonce, expiry, method, body: canonicalBody(bodyValue) };
  validate(e);
  const sig = secp256k1.sign(digest(e, d), sk, { prehash: false, format: 'recovered' });
  // noble puts the recovery byte first; Ethereum wants r ‖ s ‖ v, v = 27 + recovery.
  const rsv = concat(sig.subarray(1), Uint8Array.of(sig[0] + 27));
  return { ...e, signature: '0x' + toHex(rsv) };
}

/**
 * verify checks an envelope's form, time (now in unix seconds) and signature
 * in domain d, as Go's Envelope.Verify does; it returns the signer or throws.
 */
export function verify(e, nowSeconds, d = domain()) {
  validate(e);
  if (e.expiry <= nowSeconds) throw new Error(`envelope expired: expiry ${e.expiry} is not after ${nowSeconds}`);
  if (e.expiry > nowSeconds + MAX_EXPIRY_SECONDS) throw new Error(`envelope expiry ${e.expiry} is more than ${MAX_EXPIRY_SECONDS}s after ${nowSeconds}`);
  const sig = fromHex(e.signature, { prefix: 'required', length: 65, what: 'signature' });
  let v = sig[64];
  if (v === 27 || v === 28) v -= 27;
  else if (v !== 0 && v !== 1) throw new Error(`bad signature: v is ${sig[64]}, expected 27 or 28`);
  const r = BigInt('0x' + toHex(sig.subarray(0, 32))), s = BigInt('0x' + toHex(sig.subarray(32, 64)));
  if (r < 1n || r >= N || s < 1n || s >= N) throw new Error('bad signature: r or s out of range');
  if (s > N >> 1n) throw new Error('bad signature: s is in the upper half of the curve order (EIP-2)');
  const rec = concat(Uint8Array.of(v), sig.subarray(0, 64));
  let pub;
  try { pub = secp256k1.recoverPublicKey(rec, digest(e, d), { prehash: false }); } catch (err) { throw new Error(`bad signature: ${err.message}`); }
  const got = addressOfPublicKey(pub);
  if (got.toLowerCase() !== e.signer.toLowerCase()) throw new Error(`bad signature: made by ${got}, not by the signer ${e.signer} (or in another domain)`);
  return got;
}

/**
 * toWire returns the envelope as the JSON the coordinator reads: body
 * embedded as raw JSON, not as a string. Built by hand so the body's bytes
 * travel unchanged.
 */
export function toWire(e) {
  return `{"signer":${JSON.stringify(e.signer)},"nonce":${e.nonce},"expiry":${e.expiry},"method":${JSON.stringify(e.method)},"body":${e.body},"signature":${JSON.stringify(e.signature)}}`;
}

/** headerValue returns the envelope for the Meadow-Envelope header: its JSON, base64url without padding. */
export function headerValue(e) {
  const b = utf8Bytes(toWire(e));
  let bin = '';
  for (let i = 0; i < b.length; i++) bin += String.fromCharCode(b[i]);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * NonceSource makes nonces from the clock, as Go's does: unix microseconds,
 * or one more than the last when the clock has not moved on. A restarted
 * service worker needs no stored counter while its clock does not go back.
 */
export class NonceSource {
  constructor(last = 0) { this.last = last; }
  next(nowMs = Date.now()) {
    let n = Math.max(Math.floor(nowMs * 1000), 1);
    if (n <= this.last) n = this.last + 1;
    if (n > MAX_NONCE) throw new RangeError('nonce: past 2^53-1');
    this.last = n;
    return n;
  }
}
