// The envelope against api/testdata/envelope_vectors.json, byte for byte,
// and the bad inputs Go's Envelope.Validate/Verify refuse.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import {
  addressOf, canonicalBody, digest, domain, domainSeparator, headerValue, NonceSource, parseAddress,
  secretKeyBytes, sign, structHash, toChecksumAddress, toWire, verify,
} from '../src/lib/envelope.js';
import { toHex } from '../src/lib/bytes.js';
import { keccak_256 } from '@noble/hashes/sha3.js';

const vectors = JSON.parse(fs.readFileSync(new URL('../../api/testdata/envelope_vectors.json', import.meta.url), 'utf8')).vectors;

test('envelope vectors: body, hashes, digest and signature byte for byte', () => {
  assert.ok(vectors.length > 0);
  for (const v of vectors) {
    const body = canonicalBody(v.body_value);
    assert.equal(body, v.body, `${v.name}: body`);
    assert.equal(toHex(new TextEncoder().encode(body)), v.body_hex, `${v.name}: body bytes`);
    assert.equal('0x' + toHex(keccak_256(new TextEncoder().encode(body))), v.body_hash, `${v.name}: body hash`);
    const d = v.domain;
    assert.equal('0x' + toHex(domainSeparator(d)), v.domain_separator, `${v.name}: domain separator`);
    assert.equal(addressOf(v.private_key), v.address, `${v.name}: address`);
    const e = { signer: v.address, nonce: v.nonce, expiry: v.expiry, method: v.method, body };
    assert.equal('0x' + toHex(structHash(e)), v.struct_hash, `${v.name}: struct hash`);
    assert.equal('0x' + toHex(digest(e, d)), v.digest, `${v.name}: digest`);
    const s = sign(v.private_key, v.method, v.body_value, v.nonce, v.expiry, d);
    assert.equal(s.signature, v.signature, `${v.name}: signature`);
    assert.equal(verify(s, v.expiry - 60, d), v.address, `${v.name}: verify`);
    if (v.typed_data) assert.equal(v.typed_data.message.bodyHash.toLowerCase(), v.body_hash.toLowerCase());
  }
});

test('envelope wire form and header decode to the same envelope', () => {
  const v = vectors[0];
  const s = sign(v.private_key, v.method, v.body_value, v.nonce, v.expiry, v.domain);
  const w = JSON.parse(toWire(s));
  assert.deepEqual(w.body, v.body_value);
  assert.equal(JSON.stringify(w.body).length, s.body.length);
  const h = headerValue(s);
  assert.match(h, /^[A-Za-z0-9_-]+$/);
  const back = Buffer.from(h, 'base64url').toString('utf8');
  assert.equal(back, toWire(s));
});

test('envelope: verify refuses tampering, another domain, bad v, high s and bad times', () => {
  const v = vectors[0];
  const s = sign(v.private_key, v.method, v.body_value, v.nonce, v.expiry, v.domain);
  const now = v.expiry - 60;
  assert.throws(() => verify({ ...s, nonce: s.nonce + 1 }, now, v.domain), /made by/);
  assert.throws(() => verify(s, now, domain(1)), /another domain/);
  assert.throws(() => verify(s, v.expiry, v.domain), /expired/);
  assert.throws(() => verify(s, v.expiry - 601, v.domain), /more than 600s/);
  const bad = s.signature.slice(0, -2) + '05';
  assert.throws(() => verify({ ...s, signature: bad }, now, v.domain), /v is 5/);
  // s' = n - s with v flipped is the same point but high s: refused (EIP-2).
  const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
  const sv = BigInt('0x' + s.signature.slice(66, 130));
  const hi = (n - sv).toString(16).padStart(64, '0');
  const vv = s.signature.slice(130) === '1b' ? '1c' : '1b';
  assert.throws(() => verify({ ...s, signature: s.signature.slice(0, 66) + hi + vv }, now, v.domain), /upper half/);
  assert.throws(() => verify({ ...s, signature: '0x1234' }, now, v.domain), /130 hex digits/);
  assert.throws(() => verify({ ...s, signature: s.signature.replace(/^0x../, '0xzz') }, now, v.domain), /hex digits/);
  assert.throws(() => verify({ ...s, body: '{"a": 1}' }, now, v.domain), /canonical/);
  assert.throws(() => verify({ ...s, body: '{"a":"<"}' }, now, v.domain), /canonical/);
});

test('envelope: sign refuses invalid keys, methods, nonces, expiries and bodies', () => {
  const body = { task_id: 't' };
  const key = vectors[0].private_key;
  assert.throws(() => sign('0x' + '00'.repeat(32), 'node.commit', body, 1, 2), /not a valid secp256k1 key/);
  assert.throws(() => sign('0x' + 'ff'.repeat(32), 'node.commit', body, 1, 2), /not a valid secp256k1 key/);
  assert.throws(() => sign('0x1234', 'node.commit', body, 1, 2), /64 hex digits/);
  assert.throws(() => sign('0x' + 'zz'.repeat(32), 'node.commit', body, 1, 2), /hex digits/);
  assert.throws(() => sign(new Uint8Array(31), 'node.commit', body, 1, 2), /32 bytes/);
  assert.throws(() => sign(42, 'node.commit', body, 1, 2), /32 bytes/);
  assert.throws(() => sign(key, 'Node.Commit', body, 1, 2), /method/);
  assert.throws(() => sign(key, '', body, 1, 2), /method/);
  assert.throws(() => sign(key, 'node.commit', body, 0, 2), /nonce/);
  assert.throws(() => sign(key, 'node.commit', body, 2 ** 53, 2), /nonce/);
  assert.throws(() => sign(key, 'node.commit', body, 1.5, 2), /nonce/);
  assert.throws(() => sign(key, 'node.commit', body, 1, 0), /expiry/);
  assert.throws(() => sign(key, 'node.commit', [1], 1, 2), /JSON object/);
  assert.throws(() => sign(key, 'node.commit', null, 1, 2), /JSON object/);
  assert.throws(() => sign(key, 'node.commit', { n: 1n }, 1, 2), /BigInt/);
  assert.throws(() => secretKeyBytes(undefined), /32 bytes/);
});

test('addresses: EIP-55 written, checksum checked when mixed case', () => {
  const a = vectors[0].address;
  assert.equal(toChecksumAddress(a.toLowerCase()), a);
  assert.equal(parseAddress(a.toLowerCase()).length, 20);
  assert.equal(parseAddress(a).length, 20);
  const wrong = a.slice(0, 2) + (a[2] === a[2].toUpperCase() ? a[2].toLowerCase() : a[2].toUpperCase()) + a.slice(3);
  if (/[a-fA-F]/.test(a[2])) assert.throws(() => parseAddress(wrong), /checksum/);
  assert.throws(() => parseAddress(a.slice(2)), /0x/);
  assert.throws(() => parseAddress(a + '00'), /40 hex digits/);
  // EIP-55's own examples.
  for (const x of ['0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed', '0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359', '0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB']) {
    assert.equal(toChecksumAddress(x.toLowerCase()), x);
  }
});

test('nonces increase from the clock in microseconds', () => {
  const ns = new NonceSource();
  const a = ns.next(1000), b = ns.next(1000), c = ns.next(999);
  assert.equal(a, 1000000);
  assert.ok(b > a && c > b);
});
