// Reads an Arrow IPC file or stream with the apache-arrow package (an
// implementation independent of Meadow's Go code) and prints it as JSON:
// integers as decimal strings, bytes as lowercase hex, nulls as null.
// Usage: node read_arrow.mjs FILE
import { readFileSync } from 'node:fs';
import { tableFromIPC } from 'apache-arrow';

const path = process.argv[2];
const table = tableFromIPC(readFileSync(path));

// A float64 as "f64:" and the hex of its IEEE 754 bits (exact).
function f64(x) {
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, x);
  return 'f64:' + dv.getBigUint64(0).toString(16).padStart(16, '0');
}

// Top-level numbers are float64 columns (int64 reads as a bigint); numbers
// inside lists are 32-bit integers.
function value(v) {
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return f64(v);
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return Buffer.from(v).toString('hex');
  // A list cell is a Vector; toArray gives a typed array.
  if (typeof v.toArray === 'function') return Array.from(v.toArray(), (x) => x.toString());
  throw new Error(`unexpected value ${v}`);
}

const fields = table.schema.fields;
const rows = [];
for (let i = 0; i < table.numRows; i++) {
  rows.push(fields.map((f) => value(table.getChild(f.name).get(i))));
}
console.log(JSON.stringify({
  num_rows: table.numRows,
  columns: fields.map((f) => ({ name: f.name, type: String(f.type), nullable: f.nullable })),
  metadata: Object.fromEntries(table.schema.metadata),
  rows,
}));
