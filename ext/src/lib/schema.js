// Meadow schemas (dataset/schema.go): the ordered columns of a dataset,
// content columns first (hashed), provenance columns last (stored, signed,
// never hashed). A schema here is a plain object
// {kind, columns: [{name, type, role, nullable}]} with the type names that
// manifests use.

export const TYPES = ['string', 'int64', 'bytes', 'list<uint32>', 'list<int32>', 'list<uint64>', 'float64', 'bool', 'list<string>', 'list<int64>'];
export const FIELD_PREFIX = 'f_';

const PROVENANCE = [
  { name: 'node', type: 'string', role: 'provenance', nullable: false },
  { name: 'fetched_at', type: 'int64', role: 'provenance', nullable: false },
  { name: 'signature', type: 'bytes', role: 'provenance', nullable: true },
];

/** validateSchema throws a TypeError naming the first problem, like Go's Schema.Validate. */
export function validateSchema(s) {
  if (!s || (s.kind !== 'crawl' && s.kind !== 'compute')) throw new TypeError(`schema.kind ${JSON.stringify(s && s.kind)}: expected crawl or compute`);
  if (!Array.isArray(s.columns) || s.columns.length === 0) throw new TypeError('schema.columns: expected at least one column');
  const seen = new Set();
  let provenance = false, content = 0;
  s.columns.forEach((c, i) => {
    if (typeof c.name !== 'string' || c.name === '' || c.name.trim() !== c.name) throw new TypeError(`schema.columns[${i}].name ${JSON.stringify(c.name)}: expected a non-empty name without surrounding space`);
    if (seen.has(c.name)) throw new TypeError(`schema.columns[${i}].name ${JSON.stringify(c.name)}: duplicate column`);
    if (!TYPES.includes(c.type)) throw new TypeError(`schema.columns[${i}].type ${JSON.stringify(c.type)}: unknown type`);
    seen.add(c.name);
    if (c.role === 'content') {
      if (provenance) throw new TypeError(`schema.columns[${i}] ${JSON.stringify(c.name)}: content column after a provenance column`);
      content++;
    } else if (c.role === 'provenance') provenance = true;
    else throw new TypeError(`schema.columns[${i}].role ${JSON.stringify(c.role)}: expected content or provenance`);
  });
  if (content === 0) throw new TypeError('schema.columns: expected at least one content column');
  return s;
}

// The main-text columns a crawl with extract on adds after text
// (dataset/schema.go's mainTextColumns), in this order.
const MAIN_TEXT = [
  { name: 'extract_status', type: 'string', role: 'content', nullable: false },
  { name: 'main_text', type: 'list<string>', role: 'content', nullable: true },
  { name: 'markdown', type: 'list<string>', role: 'content', nullable: true },
  { name: 'title', type: 'string', role: 'content', nullable: true },
  { name: 'author', type: 'string', role: 'content', nullable: true },
  { name: 'date', type: 'string', role: 'content', nullable: true },
  { name: 'language_hint', type: 'string', role: 'content', nullable: true },
];

/**
 * crawlSchema is the schema of a crawl task whose rules name fields, in the
 * spec's order: url, final_url, status, content_type, one nullable string
 * column per field, text, with mainText the main-text columns
 * (extract_status, main_text, markdown, title, author, date,
 * language_hint), then provenance.
 */
export function crawlSchema(fields, { mainText = false } = {}) {
  const cols = [
    { name: 'url', type: 'string', role: 'content', nullable: false },
    { name: 'final_url', type: 'string', role: 'content', nullable: false },
    { name: 'status', type: 'int64', role: 'content', nullable: false },
    { name: 'content_type', type: 'string', role: 'content', nullable: false },
  ];
  for (const f of fields) cols.push({ name: FIELD_PREFIX + f, type: 'string', role: 'content', nullable: true });
  cols.push({ name: 'text', type: 'string', role: 'content', nullable: false });
  if (mainText) cols.push(...MAIN_TEXT.map((c) => ({ ...c })));
  cols.push(...PROVENANCE.map((c) => ({ ...c })));
  return validateSchema({ kind: 'crawl', columns: cols });
}

/**
 * lines splits a text at LF into the elements of a main_text or markdown
 * value, as Go's dataset.Lines: an empty text is no lines.
 */
export function lines(s) {
  return s === '' ? [] : s.split('\n');
}

/**
 * crawlRow lays a page out as a row of a crawl schema. page: {url,
 * finalURL, status, contentType, fields: {name: string|null}, text, main
 * (with extract on: {status, text, markdown, title, author, date,
 * language}, lib/maintext.js)}; prov: {node, fetchedAt, signature
 * (Uint8Array or null)}.
 */
export function crawlRow(schema, page, prov) {
  const m = page.main && page.main.status === 'ok' ? page.main : null;
  const nonEmpty = (v) => (m && v ? v : null);
  return schema.columns.map((c) => {
    switch (c.name) {
      case 'extract_status': return page.main ? page.main.status : null;
      case 'main_text': return m ? lines(m.text) : null;
      case 'markdown': return m ? lines(m.markdown) : null;
      case 'title': return nonEmpty(m?.title);
      case 'author': return nonEmpty(m?.author);
      case 'date': return nonEmpty(m?.date);
      case 'language_hint': return nonEmpty(m?.language);
      case 'url': return page.url;
      case 'final_url': return page.finalURL;
      case 'status': return BigInt(page.status);
      case 'content_type': return page.contentType;
      case 'text': return page.text;
      case 'node': return prov.node;
      case 'fetched_at': return BigInt(prov.fetchedAt);
      case 'signature': return prov.signature ?? null;
      default: {
        const v = page.fields ? page.fields[c.name.slice(FIELD_PREFIX.length)] : undefined;
        return v === undefined ? null : v;
      }
    }
  });
}

/**
 * schemaJSON is the schema as Go's encoding/json writes it (key order of the
 * Go structs, nullable only when true), the value of the meadow.schema key.
 */
export function schemaJSON(s) {
  const cols = s.columns.map((c) => (c.nullable
    ? { name: c.name, type: c.type, role: c.role, nullable: true }
    : { name: c.name, type: c.type, role: c.role }));
  return goJSON({ kind: s.kind, columns: cols });
}

/**
 * goJSON is JSON.stringify with the escapes Go's encoding/json adds: <, >,
 * &, U+2028 and U+2029 as \u003c, \u003e, \u0026, \u2028, \u2029.
 */
export function goJSON(v) {
  return JSON.stringify(v).replace(/[<>&\u2028\u2029]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}
