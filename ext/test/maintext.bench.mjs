// Benchmark of the extension's main-text extractor (maintext.wasm, the Go
// node's crawl/htmldoc compiled to WebAssembly, as the build ships it) on
// the real-page corpus (crawl/testdata/realpages: HTML manuals of Debian
// packages), against the same Go code run natively (ext/test/gen
// -maintext -maintext-bench) on the same pages in the same run. It prints
// the module's start time, each side's MB/s of HTML and pages/s, the
// ratio, and the growth of this process's resident memory.
//
//   node ext/test/maintext.bench.mjs [--passes N] [--json]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildExtension, buildGen, goMainText, realPages, startExtMainText, tempDir } from './harness.mjs';

const args = process.argv.slice(2);
const passesAt = args.indexOf('--passes');
const passes = passesAt >= 0 ? Number(args[passesAt + 1]) : 3;
if (!Number.isInteger(passes) || passes < 1) { console.error('--passes: expected a positive integer'); process.exit(2); }
const asJSON = args.includes('--json');
const log = (s) => { if (!asJSON) console.log(s); };

const tmp = tempDir('meadow-ext-maintext-bench-');
try {
  log('maintext bench: building the extension and ext/test/gen');
  const ext = buildExtension(path.join(tmp, 'ext'), { dev: false });
  const gen = buildGen(tmp);
  const pages = realPages();
  const spec = { exclude: [], extract: { enabled: true, max_bytes: 2 << 20 } };
  const bytes = pages.reduce((n, p) => n + p.body.length, 0);

  const rss0 = process.memoryUsage().rss;
  let t = performance.now();
  const mainText = await startExtMainText(ext);
  const startMs = performance.now() - t;
  for (const p of pages) mainText(p.body, p.url, p.contentType, spec); // warm
  t = performance.now();
  for (let i = 0; i < passes; i++) for (const p of pages) mainText(p.body, p.url, p.contentType, spec);
  const wasmS = (performance.now() - t) / 1000;
  const rssGrowth = process.memoryUsage().rss - rss0;

  const native = goMainText(gen, spec, pages, passes);

  const mb = (bytes * passes) / 1e6;
  const r = {
    machine: `${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores`,
    pages: pages.length, bytes, passes,
    wasm_start_ms: Math.round(startMs),
    wasm_mb_s: mb / wasmS, wasm_pages_s: (pages.length * passes) / wasmS,
    native_mb_s: mb / native.seconds, native_pages_s: (pages.length * passes) / native.seconds,
    ratio: native.seconds / wasmS,
    wasm_rss_growth_mib: rssGrowth / (1 << 20),
  };
  if (asJSON) console.log(JSON.stringify(r));
  else {
    log(`maintext bench: ${r.pages} real pages, ${(bytes / 1e6).toFixed(2)} MB, ${passes} passes, ${r.machine}`);
    log(`  maintext.wasm start        ${r.wasm_start_ms} ms`);
    log(`  maintext.wasm (Node ${process.versions.node}, V8 ${process.versions.v8})  ${r.wasm_mb_s.toFixed(2)} MB/s  ${r.wasm_pages_s.toFixed(1)} pages/s`);
    log(`  native Go (crawl.MainText)  ${r.native_mb_s.toFixed(2)} MB/s  ${r.native_pages_s.toFixed(1)} pages/s`);
    log(`  ratio wasm / native         ${r.ratio.toFixed(2)}x`);
    log(`  resident memory growth      ${r.wasm_rss_growth_mib.toFixed(0)} MiB (module, Go heap, V8)`);
  }
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
