// Shared pieces of the browser tests: build the development extension,
// build the Go helper (ext/test/gen), start the demo site, launch Chromium
// with the extension loaded (playwright-core, Debian's /usr/bin/chromium).
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startMainText } from '../src/lib/maintext.js';

export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export function chromiumPath() {
  const p = process.env.MEADOW_CHROMIUM || '/usr/bin/chromium';
  if (!fs.existsSync(p)) throw new Error(`these tests need Chromium at ${p} (apt-get install chromium, or set MEADOW_CHROMIUM)`);
  return p;
}

export function tempDir(prefix) { return fs.mkdtempSync(path.join(os.tmpdir(), prefix)); }

/** buildExtension builds the development extension into a fresh folder and returns it. */
export function buildExtension(dir, { dev = true } = {}) {
  execFileSync(process.execPath, [path.join(repo, 'ext/build.mjs'), ...(dev ? ['--dev'] : []), '--out', dir], { stdio: ['ignore', 'ignore', 'inherit'] });
  return dir;
}

/** buildGen compiles ext/test/gen (the Go side of the comparisons) and returns the binary's path. */
export function buildGen(dir) {
  const bin = path.join(dir, 'gen');
  try {
    execFileSync('go', ['build', '-o', bin, './ext/test/gen'], { cwd: repo, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (e) {
    if (e.code === 'ENOENT') throw new Error('these tests need Go (the go command) to build ext/test/gen');
    throw new Error(`go build ./ext/test/gen: ${e.stderr}`);
  }
  return bin;
}

/** startSite runs the demo site (gen -site) on loopback; resolves to {base, stop}. */
export function startSite(gen) {
  const child = spawn(gen, ['-site', '127.0.0.1:0'], { stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let buf = '';
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`the demo site exited (${code})`)));
    child.stdout.on('data', (d) => {
      buf += d;
      const m = /LISTEN (\S+)/.exec(buf);
      if (m) resolve({ base: m[1], stop: () => { child.stdin.end(); child.kill(); } });
    });
  });
}

/**
 * startExtMainText starts the main-text extractor of the extension built
 * at extDir (its maintext.wasm) under Node, with the Go toolchain's
 * wasm_exec.js, as the service worker does (lib/maintext.js).
 */
export async function startExtMainText(extDir) {
  const goroot = execFileSync('go', ['env', 'GOROOT'], { encoding: 'utf8' }).trim();
  await import(pathToFileURL(path.join(goroot, 'lib', 'wasm', 'wasm_exec.js')).href);
  return startMainText(fs.readFileSync(path.join(extDir, 'maintext.wasm')), globalThis.Go);
}

/**
 * realPages reads the labelled real-page corpus (crawl/testdata/realpages:
 * HTML manuals of Debian packages) as responses {url, contentType, body}.
 */
export function realPages() {
  const labels = JSON.parse(fs.readFileSync(path.join(repo, 'crawl/testdata/realpages/labels.json'), 'utf8'));
  const roots = Object.fromEntries(labels.packages.map((p) => [p.name, p.root]));
  return labels.pages.map((p) => {
    const file = path.join(roots[p.package], p.path);
    if (!fs.existsSync(file)) throw new Error(`${file} is missing: the real-page corpus needs Debian's ${p.package} (scripts/deps.sh installs it)`);
    return { url: `http://127.0.0.1/${p.package}/${p.path}`, contentType: 'text/html', body: new Uint8Array(fs.readFileSync(file)) };
  });
}

/**
 * goMainText runs the Go node's crawl path over pages ({url, contentType,
 * body}) with spec (gen -maintext): each page's main text, or with passes
 * the time taken to extract every page that many times.
 */
export function goMainText(gen, spec, pages, passes = 0) {
  const input = JSON.stringify({ spec, pages: pages.map((p) => ({ url: p.url, content_type: p.contentType, body: Buffer.from(p.body).toString('base64') })) });
  const args = passes > 0 ? ['-maintext', '-maintext-bench', String(passes)] : ['-maintext'];
  return JSON.parse(execFileSync(gen, args, { input, encoding: 'utf8', maxBuffer: 256 << 20 }));
}

/** goCrawl crawls urls with spec with the Go crawler (gen -crawl). */
export function goCrawl(gen, urls, spec) {
  return JSON.parse(execFileSync(gen, ['-crawl'], { input: JSON.stringify({ urls, spec }), encoding: 'utf8', maxBuffer: 64 << 20 }));
}

/** launch starts Chromium with the extension at extDir (and extra command-line args); resolves to {ctx, sw, id}. */
export async function launch(extDir, userDir, extraArgs = []) {
  const { chromium } = await import('playwright-core');
  const ctx = await chromium.launchPersistentContext(userDir, {
    executablePath: chromiumPath(),
    headless: true,
    ignoreDefaultArgs: ['--disable-extensions'],
    args: [
      `--disable-extensions-except=${extDir}`, `--load-extension=${extDir}`, '--no-sandbox', '--disable-gpu', '--disable-quic',
      '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', ...extraArgs,
    ],
  });
  let [sw] = ctx.serviceWorkers();
  if (!sw) sw = await ctx.waitForEvent('serviceworker', { timeout: 60000 });
  const id = new URL(sw.url()).host;
  return { ctx, sw, id };
}
