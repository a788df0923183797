// Byte and hex helpers shared by the extension's formats. Every parser here
// is strict: a malformed value throws a TypeError naming what was expected,
// it is never silently truncated or padded.

const HEX = '0123456789abcdef';

/** Lowercase hex of bytes, without a prefix. */
export function toHex(bytes) {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('toHex: expected a Uint8Array');
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += HEX[bytes[i] >> 4] + HEX[bytes[i] & 15];
  return s;
}

function nibble(c) {
  if (c >= 48 && c <= 57) return c - 48; // 0-9
  if (c >= 97 && c <= 102) return c - 87; // a-f
  if (c >= 65 && c <= 70) return c - 55; // A-F
  return -1;
}

/**
 * Bytes of a hex string. opts.prefix: 'none' (no 0x allowed), 'required'
 * or 'optional' (default). opts.length: the exact byte length expected.
 * opts.lower: only lowercase digits accepted.
 */
export function fromHex(s, opts = {}) {
  const { prefix = 'optional', length, lower = false, what = 'hex' } = opts;
  if (typeof s !== 'string') throw new TypeError(`${what}: expected a hex string, got ${typeName(s)}`);
  let t = s;
  const has = t.length >= 2 && t[0] === '0' && (t[1] === 'x' || t[1] === 'X');
  if (has && prefix === 'none') throw new TypeError(`${what} ${quote(s)}: expected hex digits without 0x`);
  if (!has && prefix === 'required') throw new TypeError(`${what} ${quote(s)}: expected 0x and hex digits`);
  if (has) t = t.slice(2);
  if (t.length % 2 !== 0) throw new TypeError(`${what} ${quote(s)}: expected an even number of hex digits`);
  if (length !== undefined && t.length !== 2 * length) {
    throw new TypeError(`${what} ${quote(s)}: expected ${2 * length} hex digits`);
  }
  const out = new Uint8Array(t.length / 2);
  for (let i = 0; i < out.length; i++) {
    const a = t.charCodeAt(2 * i), b = t.charCodeAt(2 * i + 1);
    const hi = nibble(a), lo = nibble(b);
    if (hi < 0 || lo < 0 || (lower && ((a >= 65 && a <= 70) || (b >= 65 && b <= 70)))) {
      throw new TypeError(`${what} ${quote(s)}: expected ${lower ? 'lowercase ' : ''}hex digits`);
    }
    out[i] = (hi << 4) | lo;
  }
  return out;
}

/** Concatenation of byte arrays. */
export function concat(...parts) {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

/** -1, 0 or 1 as a sorts before, with or after b, bytewise. */
export function compareBytes(a, b) {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

export function equalBytes(a, b) { return a.length === b.length && compareBytes(a, b) === 0; }

const utf8 = new TextEncoder();
/** UTF-8 bytes of a string (lone surrogates must have been rejected before). */
export function utf8Bytes(s) { return utf8.encode(s); }

/** Whether s is well-formed UTF-16 (no lone surrogate), i.e. encodes to valid UTF-8. */
export function isWellFormed(s) {
  if (typeof s.isWellFormed === 'function') return s.isWellFormed();
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (!(d >= 0xdc00 && d <= 0xdfff)) return false;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) return false;
  }
  return true;
}

export function typeName(v) {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (v instanceof Uint8Array) return 'Uint8Array';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

export function quote(s) {
  const t = String(s);
  return JSON.stringify(t.length > 80 ? t.slice(0, 80) + '…' : t);
}
