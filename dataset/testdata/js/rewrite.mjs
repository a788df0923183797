// Rewrites a dataset file with another tool, as a buyer converting a
// download would: apache-arrow (JavaScript) for Arrow IPC, DuckDB for
// Parquet. With a fourth argument, one value is changed on the way: the
// "status" (crawl), "score" (compute) or "share" (a float64 column) of row 1
// is incremented.
// Usage: node rewrite.mjs arrow-file|arrow-stream|duckdb IN OUT [change]
import { readFileSync, writeFileSync } from 'node:fs';
import { tableFromIPC, tableToIPC } from 'apache-arrow';
import { DuckDBInstance } from '@duckdb/node-api';

const [mode, input, output, change] = process.argv.slice(2);

if (mode === 'arrow-file' || mode === 'arrow-stream') {
  const table = tableFromIPC(readFileSync(input));
  if (change) {
    const col = table.getChild('status') ?? table.getChild('score') ?? table.getChild('share');
    const v = col.get(1);
    col.set(1, typeof v === 'bigint' ? v + 1n : v + 1);
  }
  writeFileSync(output, tableToIPC(table, mode === 'arrow-file' ? 'file' : 'stream'));
} else if (mode === 'duckdb') {
  const q = (p) => `'${p.replaceAll("'", "''")}'`;
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  let select = `SELECT * FROM read_parquet(${q(input)})`;
  if (change) {
    const cols = (await conn.runAndReadAll(`${select} LIMIT 0`)).columnNames();
    const c = ['status', 'score', 'share'].find((n) => cols.includes(n));
    select = `SELECT * EXCLUDE (rn) REPLACE (CASE WHEN rn = 2 THEN ${c} + 1 ELSE ${c} END AS ${c}) FROM (SELECT *, row_number() OVER () AS rn FROM read_parquet(${q(input)}))`;
  }
  await conn.run(`COPY (${select}) TO ${q(output)} (FORMAT parquet)`);
} else {
  console.error(`mode ${mode}: expected arrow-file, arrow-stream or duckdb`);
  process.exit(2);
}
