// Reads a Parquet file with DuckDB (@duckdb/node-api, an implementation
// independent of Meadow's Go code) and prints it as JSON: integers as
// decimal strings, bytes as lowercase hex, nulls as null.
// Usage: node read_parquet.mjs FILE
import { DuckDBInstance } from '@duckdb/node-api';

const path = process.argv[2];
const quoted = `'${path.replaceAll("'", "''")}'`;
const instance = await DuckDBInstance.create(':memory:');
const conn = await instance.connect();

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
  if (Array.isArray(v)) return v.map((x) => x.toString());
  if (v.bytes instanceof Uint8Array) return Buffer.from(v.bytes).toString('hex');
  if (Array.isArray(v.items)) return v.items.map((x) => x.toString());
  throw new Error(`unexpected value ${JSON.stringify(v)}`);
}

const data = await conn.runAndReadAll(`SELECT * FROM read_parquet(${quoted})`);
const kv = await conn.runAndReadAll(`SELECT decode(key) AS k, decode(value) AS v FROM parquet_kv_metadata(${quoted})`);
const metadata = Object.fromEntries(kv.getRowsJS().map(([k, v]) => [k, v]));
const names = data.columnNames();
const types = data.columnTypes().map(String);
console.log(JSON.stringify({
  num_rows: data.currentRowCount,
  columns: names.map((name, i) => ({ name, type: types[i] })),
  metadata,
  rows: data.getRowsJS().map((r) => r.map(value)),
}));
conn.closeSync();
instance.closeSync();
