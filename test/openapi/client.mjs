// Generates a client from docs/api.yaml with standard tools and reads
// through it as a buyer: openapi-typescript turns the description into
// TypeScript types, tsc --strict checks buyer.ts (openapi-fetch calls)
// against them and compiles it, and the compiled reads run against a
// coordinator with the buyer's key signing each read (buyer.read envelopes,
// ext/src/lib/envelope.js). Every answer's body is then validated against
// the schema the description gives it (ajv, JSON Schema 2020-12). Prints
// what the reads found as JSON, for cmd/meadow's TestDevBuyerClient to
// compare with the dev network's summary.
//
//   node test/openapi/client.mjs --out DIR --prepare
//   node test/openapi/client.mjs --out DIR --coord URL --key FILE --chain-id N --job ID --dataset ID
//
// The first generates and compiles into DIR only (the test runs it while
// the dev network's journey runs); the second does what is not done yet in
// DIR, then the reads. Exits 1 with the reason when generating, checking or
// a read fails.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { load } from './validate.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');

/** generate writes the description's types to out/api.d.ts and returns how many paths they hold. */
export async function generate(out) {
  const { default: openapiTS, astToString } = await load('openapi-typescript');
  const ast = await openapiTS(pathToFileURL(path.join(repo, 'docs/api.yaml')));
  const ts = astToString(ast);
  fs.writeFileSync(path.join(out, 'api.d.ts'), ts);
  return (ts.match(/^ {4}"\/[^"]*": \{$/gm) || []).length;
}

/** compile type-checks buyer.ts against out/api.d.ts with tsc --strict and writes out/buyer.js. */
export function compile(out) {
  fs.copyFileSync(path.join(here, 'buyer.ts'), path.join(out, 'buyer.ts'));
  fs.writeFileSync(path.join(out, 'package.json'), '{"type": "module"}\n');
  // The compiled module imports openapi-fetch from the repository's packages.
  fs.symlinkSync(path.join(repo, 'node_modules'), path.join(out, 'node_modules'), 'dir');
  fs.writeFileSync(path.join(out, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      strict: true, noEmitOnError: true, target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext',
      lib: ['ES2022', 'DOM'], types: [], skipLibCheck: true, outDir: '.',
    },
    files: ['buyer.ts'],
  }, null, 2));
  const tsc = path.join(repo, 'node_modules/typescript/bin/tsc');
  if (!fs.existsSync(tsc)) throw new Error(`typescript is not installed (${tsc}): run 'make deps' (npm packages from package.json)`);
  try {
    execFileSync(process.execPath, [tsc, '-p', path.join(out, 'tsconfig.json')], { cwd: out, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    throw new Error(`tsc: buyer.ts does not agree with the types generated from docs/api.yaml:\n${e.stdout}${e.stderr}`);
  }
  return path.join(out, 'buyer.js');
}

/**
 * recordResponses wraps globalThis.fetch (which openapi-fetch calls) so that
 * every answer's method, path, status and JSON body is kept for checking.
 */
export function recordResponses() {
  const seen = [];
  const inner = globalThis.fetch;
  globalThis.fetch = async (input, init) => {
    const req = new Request(input, init);
    const resp = await inner(req);
    const type = resp.headers.get('content-type') || '';
    seen.push({ method: req.method.toLowerCase(), path: new URL(req.url).pathname, status: resp.status, body: type.includes('json') ? await resp.clone().json() : undefined });
    return resp;
  };
  return seen;
}

/**
 * checkAnswers validates each recorded answer's body against the schema
 * docs/api.yaml gives for its operation and status (JSON Schema 2020-12,
 * ajv): what a generated client's types promise is what the service sends.
 * It returns the problems, empty when every answer conforms.
 */
export async function checkAnswers(seen) {
  const { dereference } = await load('@readme/openapi-parser');
  const { default: Ajv2020 } = await load('ajv/dist/2020.js');
  const doc = await dereference(path.join(repo, 'docs/api.yaml'));
  // OpenAPI's own keywords (example, discriminator, …) are not JSON Schema's;
  // formats such as int64 are descriptions here, not checks.
  const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
  const problems = [];
  for (const r of seen) {
    const tmpl = Object.keys(doc.paths).find((p) => new RegExp(`^${p.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(r.path));
    const op = tmpl && doc.paths[tmpl][r.method];
    const schema = op?.responses?.[String(r.status)]?.content?.['application/json']?.schema;
    if (!schema) { problems.push(`${r.method.toUpperCase()} ${r.path}: no JSON answer ${r.status} in docs/api.yaml`); continue; }
    if (!ajv.validate(schema, r.body)) {
      for (const e of ajv.errors) problems.push(`${r.method.toUpperCase()} ${r.path} (${tmpl}) ${r.status}: ${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
    }
  }
  return { checked: seen.length, problems };
}

/** readSigner returns a Signer of buyer.read envelopes with the key in keyFile, for chain chainId. */
export async function readSigner(keyFile, chainId) {
  const { ENVELOPE_HEADER, domain, headerValue, sign } = await import('../../ext/src/lib/envelope.js');
  if (ENVELOPE_HEADER !== 'Meadow-Envelope') throw new Error(`envelope header ${ENVELOPE_HEADER}`);
  const key = fs.readFileSync(keyFile, 'utf8').trim();
  const d = domain(chainId);
  let nonce = Date.now() * 1000;
  return (p) => headerValue(sign(key, 'buyer.read', { path: p }, ++nonce, Math.floor(Date.now() / 1000) + 120, d));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values: a } = parseArgs({ options: {
    out: { type: 'string' }, prepare: { type: 'boolean' },
    coord: { type: 'string' }, key: { type: 'string' }, 'chain-id': { type: 'string' }, job: { type: 'string' }, dataset: { type: 'string' },
  } });
  for (const k of a.prepare ? ['out'] : ['out', 'coord', 'key', 'chain-id', 'job', 'dataset']) {
    if (!a[k]) { console.error(`client.mjs: --${k} is required`); process.exit(2); }
  }
  try {
    const made = path.join(a.out, 'made.json');
    if (!fs.existsSync(made)) {
      const t0 = Date.now();
      const paths = await generate(a.out);
      const t1 = Date.now();
      compile(a.out);
      fs.writeFileSync(made, JSON.stringify({ generated_paths: paths, generate_ms: t1 - t0, tsc_ms: Date.now() - t1 }));
    }
    if (a.prepare) process.exit(0);
    const t2 = Date.now();
    const { buyerReads } = await import(pathToFileURL(path.join(a.out, 'buyer.js')));
    const seen = recordResponses();
    const reads = await buyerReads(a.coord, await readSigner(a.key, Number(a['chain-id'])), a.job, a.dataset);
    const { checked, problems } = await checkAnswers(seen);
    if (problems.length) throw new Error(`answers that docs/api.yaml does not describe:\n${problems.join('\n')}`);
    console.log(JSON.stringify({ ...JSON.parse(fs.readFileSync(made, 'utf8')), reads_ms: Date.now() - t2, answers_checked: checked, ...reads }));
  } catch (e) {
    console.error(`client.mjs: ${e.message}`);
    process.exit(1);
  }
}
