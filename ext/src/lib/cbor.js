// The canonical row encoding (dataset/canonical.go): RFC 8949 core
// deterministic CBOR of a row's content columns, one definite-length array in
// schema order. Hand-written for the closed set of column types, so that
// nothing a general CBOR library decides (float widths, tags, BigInt
// handling) can change a byte:
//
//   null              0xf6 (only in a nullable column)
//   string            text string (major 3) of normalizeText(value)
//   int64             major 0 for v >= 0, major 1 (-1-v) for v < 0
//   bytes             byte string (major 2)
//   list<uint32|uint64>  array (major 4) of major 0 integers
//   list<int32>       array (major 4) of major 0 or 1 integers
//   float64           0xfb and the 8 bytes of the IEEE 754 value, big-endian,
//                     always (never the shorter forms); finite and not -0:
//                     NaN, ±Infinity and -0 are refused, not converted
//   bool              0xf5 (true) or 0xf4 (false)
//   list<string>      array (major 4) of text strings, each well-formed and
//                     encoded as given: not normalized
//   list<int64>       array (major 4) of major 0 or 1 integers
//
// Every head has the shortest form.

import { normalizeText } from './normalize.js';
import { isWellFormed, typeName, utf8Bytes } from './bytes.js';

export const MAJOR_UINT = 0, MAJOR_NEG = 1, MAJOR_BYTES = 2, MAJOR_TEXT = 3, MAJOR_ARRAY = 4;
const NULL = 0xf6, FALSE = 0xf4, TRUE = 0xf5, FLOAT64 = 0xfb;

const INT64_MIN = -(1n << 63n), INT64_MAX = (1n << 63n) - 1n;
const UINT32_MAX = 0xffffffffn, UINT64_MAX = (1n << 64n) - 1n;
const INT32_MIN = -(1n << 31n), INT32_MAX = (1n << 31n) - 1n;

/** A growable byte buffer. */
export class ByteWriter {
  constructor(size = 256) { this.buf = new Uint8Array(size); this.n = 0; }
  reserve(k) {
    if (this.n + k <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.n + k) size *= 2;
    const b = new Uint8Array(size);
    b.set(this.buf.subarray(0, this.n));
    this.buf = b;
  }
  byte(b) { this.reserve(1); this.buf[this.n++] = b; }
  bytes(a) { this.reserve(a.length); this.buf.set(a, this.n); this.n += a.length; }
  result() { return this.buf.slice(0, this.n); }
}

/** Appends a head of major type major with argument n (a BigInt, 0 ≤ n < 2^64). */
export function writeHead(w, major, n) {
  const m = major << 5;
  if (n < 24n) { w.byte(m | Number(n)); return; }
  let len, ai;
  if (n <= 0xffn) { len = 1; ai = 24; } else if (n <= 0xffffn) { len = 2; ai = 25; } else if (n <= 0xffffffffn) { len = 4; ai = 26; } else { len = 8; ai = 27; }
  w.byte(m | ai);
  for (let i = len - 1; i >= 0; i--) w.byte(Number((n >> BigInt(8 * i)) & 0xffn));
}

/**
 * toBigInt returns an integer value as a BigInt: a BigInt, or a Number that
 * is a safe integer (an unsafe one has already lost its low bits).
 */
export function toBigInt(v, what) {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) throw new TypeError(`${what}: ${v} is not an integer JavaScript holds exactly (use a BigInt)`);
    return BigInt(v);
  }
  throw new TypeError(`${what}: expected an integer (BigInt or safe Number), got ${typeName(v)}`);
}

function writeInt(w, v) {
  if (v >= 0n) writeHead(w, MAJOR_UINT, v);
  else writeHead(w, MAJOR_NEG, -1n - v);
}

/** floatProblem says what is wrong with a float64 value, or '' (dataset/canonical.go checkFloat). */
function floatProblem(v) {
  if (Number.isNaN(v)) return 'NaN: expected a finite float64';
  if (v === Infinity) return '+Inf: expected a finite float64';
  if (v === -Infinity) return '-Inf: expected a finite float64';
  if (Object.is(v, -0)) return '-0: expected a finite float64 other than -0 (write 0)';
  return '';
}

/** Appends one value of a column to w; throws a RowError naming the column. */
function writeValue(w, col, v) {
  const what = `column ${JSON.stringify(col.name)}`;
  if (v === null) {
    if (!col.nullable) throw new RowError(col.name, 'null in a column that is not nullable');
    w.byte(NULL);
    return;
  }
  switch (col.type) {
    case 'string': {
      if (typeof v !== 'string') break;
      if (!isWellFormed(v)) throw new RowError(col.name, 'invalid UTF-8 (a lone surrogate)');
      const b = utf8Bytes(normalizeText(v));
      writeHead(w, MAJOR_TEXT, BigInt(b.length));
      w.bytes(b);
      return;
    }
    case 'int64': {
      if (typeof v !== 'bigint' && typeof v !== 'number') break;
      let x;
      try { x = toBigInt(v, what); } catch (e) { throw new RowError(col.name, e.message.replace(`${what}: `, '')); }
      if (x < INT64_MIN || x > INT64_MAX) throw new RowError(col.name, `${x} is outside int64`);
      writeInt(w, x);
      return;
    }
    case 'bytes':
      if (!(v instanceof Uint8Array)) break;
      writeHead(w, MAJOR_BYTES, BigInt(v.length));
      w.bytes(v);
      return;
    case 'float64': {
      if (typeof v !== 'number') break;
      const p = floatProblem(v);
      if (p) throw new RowError(col.name, p);
      const b = new Uint8Array(9);
      b[0] = FLOAT64;
      new DataView(b.buffer).setFloat64(1, v, false);
      w.bytes(b);
      return;
    }
    case 'bool':
      if (typeof v !== 'boolean') break;
      w.byte(v ? TRUE : FALSE);
      return;
    case 'list<string>': {
      if (!Array.isArray(v)) break;
      writeHead(w, MAJOR_ARRAY, BigInt(v.length));
      for (let i = 0; i < v.length; i++) {
        if (typeof v[i] !== 'string') throw new RowError(col.name, `[${i}]: expected a string, got ${typeName(v[i])}`);
        if (!isWellFormed(v[i])) throw new RowError(col.name, `element ${i}: invalid UTF-8 (a lone surrogate)`);
        const b = utf8Bytes(v[i]);
        writeHead(w, MAJOR_TEXT, BigInt(b.length));
        w.bytes(b);
      }
      return;
    }
    case 'list<uint32>':
    case 'list<uint64>':
    case 'list<int32>':
    case 'list<int64>': {
      if (!(Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView)))) break;
      const [lo, hi] = {
        'list<uint32>': [0n, UINT32_MAX], 'list<uint64>': [0n, UINT64_MAX], 'list<int32>': [INT32_MIN, INT32_MAX], 'list<int64>': [INT64_MIN, INT64_MAX],
      }[col.type];
      writeHead(w, MAJOR_ARRAY, BigInt(v.length));
      for (let i = 0; i < v.length; i++) {
        let x;
        try { x = toBigInt(v[i], `${what}[${i}]`); } catch (e) { throw new RowError(col.name, e.message); }
        if (x < lo || x > hi) throw new RowError(col.name, `[${i}] ${x} is outside ${col.type.slice(5, -1)}`);
        writeInt(w, x);
      }
      return;
    }
    default:
      throw new RowError(col.name, `unknown column type ${JSON.stringify(col.type)}`);
  }
  throw new RowError(col.name, `expected ${jsTypeOf(col.type)}, got ${typeName(v)}`);
}

function jsTypeOf(t) {
  switch (t) {
    case 'string': return 'a string';
    case 'int64': return 'an integer (BigInt or safe Number)';
    case 'bytes': return 'a Uint8Array';
    case 'float64': return 'a Number (float64)';
    case 'bool': return 'a boolean';
    case 'list<string>': return 'an array of strings';
    default: return `an array of integers (${t})`;
  }
}

/** RowError is a row that does not fit its schema; column names the column. */
export class RowError extends TypeError {
  constructor(column, message) {
    super(column ? `row: column ${JSON.stringify(column)}: ${message}` : `row: ${message}`);
    this.name = 'RowError';
    this.column = column;
  }
}

/** Number of leading content columns of a schema. */
export function numContent(schema) {
  let n = 0;
  while (n < schema.columns.length && schema.columns[n].role === 'content') n++;
  return n;
}

/**
 * canonicalRow returns the canonical encoding of row's content columns. row
 * holds a value per column of schema, or per content column only.
 */
export function canonicalRow(schema, row) {
  if (!Array.isArray(row)) throw new RowError('', `expected an array of values, got ${typeName(row)}`);
  const nc = numContent(schema);
  if (row.length !== schema.columns.length && row.length !== nc) {
    throw new RowError('', `${row.length} values: expected ${schema.columns.length} (all columns) or ${nc} (content columns)`);
  }
  const w = new ByteWriter();
  writeHead(w, MAJOR_ARRAY, BigInt(nc));
  for (let i = 0; i < nc; i++) writeValue(w, schema.columns[i], row[i]);
  return w.result();
}
