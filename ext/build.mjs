// Builds the extension: bundles the service worker, the offscreen document,
// the popup and the options page with esbuild into a folder Chromium loads
// unpacked, with the main-text extractor (ext/wasm, Go compiled to
// WebAssembly by the go command on the PATH: maintext.wasm, and Go's
// wasm_exec.js bundled into the service worker), and with --zip packs that
// folder into the zip users install (or a store takes). The production build is the default; --dev builds the
// development variant the tests use (loopback allow-list in the options).
//
//   node ext/build.mjs [--dev] [--out DIR] [--zip]
//
// The output is reproducible: same sources, same bytes (fixed zip times,
// sorted entries, no minification, so that reviewers read what runs).

import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const dev = args.includes('--dev');
const zip = args.includes('--zip');
const outArg = args.indexOf('--out');
const out = path.resolve(outArg >= 0 ? args[outArg + 1] : path.join(here, 'dist', dev ? 'dev' : 'unpacked'));
for (const a of args) if (a.startsWith('--') && !['--dev', '--zip', '--out'].includes(a)) { console.error(`build: unknown flag ${a}`); process.exit(2); }

const manifest = JSON.parse(fs.readFileSync(path.join(here, 'manifest.json'), 'utf8'));
if (dev) manifest.name += ' (development build)';

fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(path.join(out, 'icons'), { recursive: true });

// The main-text extractor: the Go node's crawl/htmldoc as WebAssembly.
// Reproducible as the rest: no paths, no build id, no symbol tables.
const repo = path.dirname(here);
const goEnv = { ...process.env, GOOS: 'js', GOARCH: 'wasm', CGO_ENABLED: '0' };
let goroot;
try {
  goroot = execFileSync('go', ['env', 'GOROOT'], { cwd: repo, encoding: 'utf8' }).trim();
  execFileSync('go', ['build', '-trimpath', '-ldflags=-s -w -buildid=', '-o', path.join(out, 'maintext.wasm'), './ext/wasm'], { cwd: repo, env: goEnv, stdio: ['ignore', 'inherit', 'inherit'] });
} catch (e) {
  console.error(e.code === 'ENOENT' ? 'build: the extension\'s main-text extractor needs Go (the go command) to build ext/wasm' : `build: go build ./ext/wasm: ${e.message}`);
  process.exit(1);
}
const wasmExec = path.join(goroot, 'lib', 'wasm', 'wasm_exec.js');
if (!fs.existsSync(wasmExec)) { console.error(`build: ${wasmExec} is missing: the Go toolchain ships it from Go 1.24 on`); process.exit(1); }
const goWasmExec = {
  name: 'go-wasm-exec',
  setup(b) { b.onResolve({ filter: /^go:wasm_exec$/ }, () => ({ path: wasmExec })); },
};

await build({
  plugins: [goWasmExec],
  entryPoints: ['background.js', 'offscreen.js', 'popup.js', 'options.js'].map((f) => path.join(here, 'src', f)),
  outdir: out,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['chrome120'],
  define: { __MEADOW_DEV__: dev ? 'true' : 'false' },
  minifySyntax: true, // folds the DEV switch away; names and layout stay readable
  treeShaking: true,
  legalComments: 'inline',
  charset: 'utf8',
  logLevel: 'warning',
});

for (const f of ['popup.html', 'options.html', 'offscreen.html', 'ui.css']) fs.copyFileSync(path.join(here, 'src', f), path.join(out, f));
fs.writeFileSync(path.join(out, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
for (const size of [16, 48, 128]) fs.writeFileSync(path.join(out, 'icons', `${size}.png`), icon(size));

if (zip) {
  const name = path.join(path.dirname(out), `meadow-ext-${manifest.version}${dev ? '-dev' : ''}.zip`);
  fs.writeFileSync(name, zipFolder(out));
  console.log(name);
} else {
  console.log(out);
}

// --- icon: a green disc on transparent ground, as a PNG ---------------------

function icon(size) {
  const raw = Buffer.alloc(size * (size * 4 + 1));
  const c = (size - 1) / 2, r = size * 0.46;
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    for (let x = 0; x < size; x++) {
      const d = Math.hypot(x - c, y - c);
      const a = Math.max(0, Math.min(1, r - d + 0.5));
      const t = Math.min(1, Math.hypot(x - c * 0.7, y - c * 0.7) / (size * 0.9));
      const o = y * (size * 4 + 1) + 1 + x * 4;
      raw[o] = Math.round(159 + (61 - 159) * t);
      raw[o + 1] = Math.round(216 + (139 - 216) * t);
      raw[o + 2] = Math.round(155 + (79 - 155) * t);
      raw[o + 3] = Math.round(255 * a);
    }
  }
  const chunk = (type, data) => {
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4); crc.writeUInt32BE(zlib.crc32(td) >>> 0);
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0); ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; ihdr[9] = 6; ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0; // 8-bit RGBA
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

// --- zip: stored names sorted, deflated, fixed time (1980-01-01) -------------

function walk(dir, base = '') {
  return fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1)).flatMap((e) => {
    const rel = base ? `${base}/${e.name}` : e.name;
    return e.isDirectory() ? walk(path.join(dir, e.name), rel) : [rel];
  });
}

function zipFolder(dir) {
  const locals = [], centrals = [];
  let offset = 0;
  const DOS_TIME = 0, DOS_DATE = (0 << 9) | (1 << 5) | 1; // 1980-01-01 00:00
  for (const rel of walk(dir)) {
    const data = fs.readFileSync(path.join(dir, rel));
    const comp = zlib.deflateRawSync(data, { level: 9 });
    const crc = zlib.crc32(data) >>> 0;
    const name = Buffer.from(rel, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0); local.writeUInt16LE(20, 4); local.writeUInt16LE(0x0800, 6); local.writeUInt16LE(8, 8);
    local.writeUInt16LE(DOS_TIME, 10); local.writeUInt16LE(DOS_DATE, 12); local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(comp.length, 18); local.writeUInt32LE(data.length, 22); local.writeUInt16LE(name.length, 26); local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0); central.writeUInt16LE(20, 4); central.writeUInt16LE(20, 6); central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10); central.writeUInt16LE(DOS_TIME, 12); central.writeUInt16LE(DOS_DATE, 14); central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(comp.length, 20); central.writeUInt32LE(data.length, 24); central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(0, 38); central.writeUInt32LE(offset, 42);
    locals.push(local, name, comp);
    centrals.push(central, name);
    offset += 30 + name.length + comp.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(centrals.length / 2, 8); end.writeUInt16LE(centrals.length / 2, 10);
  end.writeUInt32LE(cd.length, 12); end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}
