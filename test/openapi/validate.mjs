// Validates docs/api.yaml as a buyer's tools would read it: against the
// OpenAPI 3.1 schema with @readme/openapi-parser (a maintained validator
// that works offline), and for the YAML slip no schema catches: a comma in
// an unquoted flow-mapping value ({description: a, b}) makes a second key
// (here " b"), which a Schema Object accepts as an unknown keyword and a
// generator then turns into a property. No key of the document holds white
// space or is null-valued.
//
//   node test/openapi/validate.mjs [docs/api.yaml]
//
// Prints "ok: …" and exits 0, or prints each problem and exits 1.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** load imports an npm package, naming `make deps` when it is missing. */
export async function load(name) {
  try {
    return await import(name);
  } catch (e) {
    if (e.code === 'ERR_MODULE_NOT_FOUND') throw new Error(`${name} is not installed: run 'make deps' (npm packages from package.json)`);
    throw e;
  }
}

/** oddKeys returns the JSON pointers of keys with white space, or whose value is null. */
export function oddKeys(doc) {
  const out = [];
  const walk = (v, at) => {
    if (!v || typeof v !== 'object') return;
    for (const [k, x] of Object.entries(v)) {
      const p = `${at}/${k.replaceAll('~', '~0').replaceAll('/', '~1')}`;
      if (/\s/.test(k)) out.push(`${p}: a key with white space (an unquoted comma in a {flow: mapping}? quote the value)`);
      else if (x === null) out.push(`${p}: null (an empty value)`);
      walk(x, p);
    }
  };
  walk(doc, '#');
  return out;
}

/** validate checks the document at file; it resolves to a list of problems, empty when valid. */
export async function validate(file) {
  const { parse, validate: schemaValidate } = await load('@readme/openapi-parser');
  const problems = [];
  const res = await schemaValidate(file);
  if (!res.valid) for (const e of res.errors) problems.push(e.message);
  for (const w of res.warnings || []) problems.push(`warning: ${w.message}`);
  const doc = await parse(file); // as written: no $ref resolved
  if (doc.openapi !== '3.1.0') problems.push(`#/openapi: ${JSON.stringify(doc.openapi)}, expected "3.1.0"`);
  problems.push(...oddKeys(doc));
  return problems;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = path.resolve(process.argv[2] || path.join(repo, 'docs/api.yaml'));
  try {
    const problems = await validate(file);
    if (problems.length) {
      for (const p of problems) console.error(`${path.relative(process.cwd(), file)}: ${p}`);
      process.exit(1);
    }
    console.log(`ok: ${path.relative(process.cwd(), file)} is valid OpenAPI 3.1`);
  } catch (e) {
    console.error(`${file}: ${e.message}`);
    process.exit(1);
  }
}
