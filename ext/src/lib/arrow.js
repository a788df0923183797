// A task's rows as an Arrow IPC stream in the layout of dataset/arrow.go:
// one field per column (string → Utf8, int64 → Int64, bytes → Binary,
// float64 → Float64, bool → Bool, list<uint32|int32|uint64|int64|string> →
// List of non-nullable elements), nullable as the column is, each field's role under meadow.role, and the Meadow schema as
// JSON under meadow.schema with meadow.version "1" in the schema metadata.
// Content strings are stored normalized, so a reader sees exactly what was
// hashed; list<string> elements are neither normalized nor hashed so. Uncompressed, as the Go writer's streams are.

import {
  Binary, Bool, Field, Float64, Int32, Int64, List, makeBuilder, makeData, RecordBatch, RecordBatchStreamWriter, Schema, Struct, Uint32, Uint64, Utf8,
} from 'apache-arrow';
import { normalizeText } from './normalize.js';
import { numContent } from './cbor.js';
import { schemaJSON, validateSchema } from './schema.js';

export const META_SCHEMA = 'meadow.schema';
export const META_VERSION = 'meadow.version';
export const META_ROLE = 'meadow.role';
export const FILE_FORMAT_VERSION = '1';

function arrowType(t) {
  switch (t) {
    case 'string': return new Utf8();
    case 'int64': return new Int64();
    case 'bytes': return new Binary();
    case 'list<uint32>': return new List(new Field('item', new Uint32(), false));
    case 'list<int32>': return new List(new Field('item', new Int32(), false));
    case 'list<uint64>': return new List(new Field('item', new Uint64(), false));
    case 'float64': return new Float64();
    case 'bool': return new Bool();
    case 'list<string>': return new List(new Field('item', new Utf8(), false));
    case 'list<int64>': return new List(new Field('item', new Int64(), false));
  }
  throw new TypeError(`column type ${t} has no Arrow type`);
}

/** arrowSchema returns the Arrow schema of a Meadow schema, with extra metadata keys sorted after the meadow ones. */
export function arrowSchema(schema, extra = {}) {
  validateSchema(schema);
  const fields = schema.columns.map((c) => new Field(c.name, arrowType(c.type), !!c.nullable, new Map([[META_ROLE, c.role]])));
  const md = new Map([[META_SCHEMA, schemaJSON(schema)], [META_VERSION, FILE_FORMAT_VERSION]]);
  for (const k of Object.keys(extra).sort()) {
    if (k === META_SCHEMA || k === META_VERSION) throw new TypeError(`metadata key ${k} is reserved`);
    md.set(k, String(extra[k]));
  }
  return new Schema(fields, md);
}

function columnValue(c, v, content) {
  if (v === null || v === undefined) return null;
  switch (c.type) {
    case 'string': return content ? normalizeText(v) : v;
    case 'int64': return typeof v === 'bigint' ? v : BigInt(v);
    case 'list<uint64>': case 'list<int64>': return Array.from(v, (x) => (typeof x === 'bigint' ? x : BigInt(x)));
    case 'list<string>': return Array.from(v);
    case 'list<uint32>': case 'list<int32>': return Array.from(v, Number);
    default: return v;
  }
}

/**
 * writeIPCStream returns the rows (arrays with a value per column; canonicalRow
 * has already checked them) as an Arrow IPC stream, in one record batch.
 */
export function writeIPCStream(schema, rows, extra = {}) {
  const as = arrowSchema(schema, extra);
  const nc = numContent(schema);
  const children = as.fields.map((f, i) => {
    // No nullValues option: apache-arrow compiles that into a function with
    // new Function, which an extension's CSP forbids. The same test, written out:
    const b = makeBuilder({ type: f.type });
    b._isValid = (v) => v !== null && v !== undefined;
    for (const row of rows) b.append(columnValue(schema.columns[i], row[i], i < nc));
    return b.finish().flush();
  });
  const data = makeData({ type: new Struct(as.fields), length: rows.length, nullCount: 0, children });
  const batch = new RecordBatch(as, data);
  const w = new RecordBatchStreamWriter();
  w.reset(undefined, as);
  w.write(batch);
  w.finish();
  return w.toUint8Array(true);
}
