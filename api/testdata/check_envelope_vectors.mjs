// Checks api/testdata/envelope_vectors.json with an independent JavaScript
// implementation (@noble/curves, @noble/hashes), as the browser extension signs.
// Run from anywhere in the repository: node api/testdata/check_envelope_vectors.mjs
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import fs from 'node:fs';
const hex = (b) => Buffer.from(b).toString('hex');
const unhex = (s) => Uint8Array.from(Buffer.from(s.replace(/^0x/, ''), 'hex'));
const enc = new TextEncoder();
const k = (...parts) => keccak_256(Buffer.concat(parts.map((p) => Buffer.from(p))));
const u256 = (n) => { const b = new Uint8Array(32); let x = BigInt(n); for (let i = 31; i >= 0; i--) { b[i] = Number(x & 255n); x >>= 8n; } return b; };
const canon = (v) => JSON.stringify(v).replace(/[<>&\u2028\u2029]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
const f = JSON.parse(fs.readFileSync(new URL('./envelope_vectors.json', import.meta.url), 'utf8'));
for (const v of f.vectors) {
  const body = canon(v.body_value);
  const ok = (n, a, b) => { if (a !== b) { console.log('MISMATCH', v.name, n, a, b); process.exitCode = 1; } };
  ok('body', body, v.body);
  const bh = k(enc.encode(body));
  ok('body_hash', '0x' + hex(bh), v.body_hash);
  const dt = k(enc.encode('EIP712Domain(string name,string version,uint256 chainId)'));
  const sep = k(dt, k(enc.encode(v.domain.name)), k(enc.encode(v.domain.version)), u256(v.domain.chainId));
  ok('sep', '0x' + hex(sep), v.domain_separator);
  const rt = k(enc.encode('MeadowRequest(address signer,uint64 nonce,uint64 expiry,string method,bytes32 bodyHash)'));
  const st = k(rt, u256(BigInt(v.address)), u256(v.nonce), u256(v.expiry), k(enc.encode(v.method)), bh);
  ok('struct', '0x' + hex(st), v.struct_hash);
  const d = k(Uint8Array.from([0x19, 0x01]), sep, st);
  ok('digest', '0x' + hex(d), v.digest);
  const sig = secp256k1.sign(d, unhex(v.private_key), { prehash: false, format: 'recovered' });
  // noble: recovery byte first; Ethereum wants r||s||v
  const rsv = Buffer.concat([Buffer.from(sig.slice(1)), Buffer.from([sig[0] + 27])]);
  ok('sig', '0x' + hex(rsv), v.signature);
}
console.log('checked', f.vectors.length);
