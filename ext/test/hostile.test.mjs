// Hostile task URLs against a loopback canary (issue 17, item 10): the
// extension in Chromium, with the production policy (no allow-list for the
// canary), is given URLs whose names resolve to private and loopback
// addresses, IP-literal spellings, redirects to both, a robots.txt that
// redirects, and a page with subresources. Every name the browser resolves
// leads to the canary (--host-resolver-rules), which counts TCP connections
// and the requests (any bytes) that reach it. The test DoH server (RFC 8484)
// answers what a home network's DNS would: private addresses for most
// names, a public one for the "rebinding" names that the browser then finds
// on loopback anyway. Asserted: no request reaches the canary. The figures
// go to docs/ARCHITECTURE.md (the extension's section).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { buildExtension, launch, tempDir } from './harness.mjs';

const tmp = tempDir('meadow-ext-hostile-');
const ZONE = 'meadow-canary.net';
let b, canary, doh, site, robotsSite;

// --- the canary: any connection and any byte on it is recorded --------------

function startCanary() {
  const c = { conns: 0, hits: [], srv: null, port: 0 };
  c.srv = net.createServer((sock) => {
    c.conns++;
    let seen = false;
    sock.on('data', (d) => {
      if (!seen) {
        seen = true;
        c.hits.push(d.toString('latin1').split('\r\n')[0].slice(0, 120) || `${d.length} bytes`);
        sock.end('HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 36\r\nConnection: close\r\n\r\n<html><h1>canary reached</h1></html>');
      }
    });
    sock.on('error', () => {});
  });
  return new Promise((r) => c.srv.listen(0, '127.0.0.1', () => { c.port = c.srv.address().port; r(c); }));
}

// --- a DNS-over-HTTPS server (RFC 8484 GET) with a fixed zone -----------------

const PUBLIC_V4 = '93.184.215.14';
const ZONE_DATA = {
  router: { A: ['192.168.1.1'] },
  nas: { A: ['10.0.0.5'] },
  loop: { A: ['127.0.0.1'] },
  cgnat: { A: ['100.64.0.1'] },
  metadata: { A: ['169.254.169.254'] },
  ula: { AAAA: ['fd00::1'] },
  mapped: { AAAA: ['::ffff:7f00:1'] },
  mixed: { A: [PUBLIC_V4, '192.168.0.10'] },
  rebind: { A: [PUBLIC_V4] }, // public to the resolver; the browser finds it on loopback
  rebind6: { AAAA: ['2606:2800:21f:cb07:6820:80da:af6b:8b2c'] },
  gone: 'NXDOMAIN',
  servfail: 'SERVFAIL',
  broken: 'HTTP500',
};

function readName(q, o) {
  const labels = [];
  while (q[o] !== 0) { labels.push(q.subarray(o + 1, o + 1 + q[o]).toString('latin1')); o += 1 + q[o]; }
  return { name: labels.join('.').toLowerCase(), end: o + 1 };
}

function dnsAnswer(q, rcode, type, addrs) {
  const { end } = readName(q, 12);
  const question = q.subarray(12, end + 4);
  const rrs = addrs.map((a) => {
    const rd = type === 1 ? Buffer.from(a.split('.').map(Number)) : ipv6Bytes(a);
    const h = Buffer.alloc(12);
    h.writeUInt16BE(0xc00c, 0); h.writeUInt16BE(type, 2); h.writeUInt16BE(1, 4); h.writeUInt32BE(60, 6); h.writeUInt16BE(rd.length, 10);
    return Buffer.concat([h, rd]);
  });
  const hdr = Buffer.alloc(12);
  hdr.writeUInt16BE(q.readUInt16BE(0), 0); hdr.writeUInt16BE(0x8180 | rcode, 2); hdr.writeUInt16BE(1, 4); hdr.writeUInt16BE(rrs.length, 6);
  return Buffer.concat([hdr, question, ...rrs]);
}

function ipv6Bytes(s) {
  const [h, t] = s.split('::');
  const hw = h ? h.split(':') : [], tw = t ? t.split(':') : [];
  const words = [...hw, ...new Array(8 - hw.length - tw.length).fill('0'), ...tw];
  const out = Buffer.alloc(16);
  words.forEach((w, i) => out.writeUInt16BE(parseInt(w, 16), 2 * i));
  return out;
}

function startDoH() {
  const d = { queries: [], url: '' };
  d.srv = http.createServer((req, res) => {
    const u = new URL(req.url, 'http://x');
    const q = Buffer.from(u.searchParams.get('dns') || '', 'base64url');
    if (u.pathname !== '/dns-query' || q.length < 17) { res.writeHead(400); res.end(); return; }
    const { name, end } = readName(q, 12);
    const type = q.readUInt16BE(end);
    d.queries.push(`${name} ${type === 1 ? 'A' : type === 28 ? 'AAAA' : type}`);
    const entry = name.endsWith('.' + ZONE) ? ZONE_DATA[name.slice(0, -ZONE.length - 1)] : undefined;
    if (entry === 'HTTP500') { res.writeHead(500); res.end('resolver trouble'); return; }
    let body;
    if (entry === undefined || entry === 'NXDOMAIN') body = dnsAnswer(q, 3, type, []);
    else if (entry === 'SERVFAIL') body = dnsAnswer(q, 2, type, []);
    else body = dnsAnswer(q, 0, type, (type === 1 ? entry.A : entry.AAAA) || []);
    res.writeHead(200, { 'Content-Type': 'application/dns-message' });
    res.end(body);
  });
  return new Promise((r) => d.srv.listen(0, '127.0.0.1', () => { d.url = `http://127.0.0.1:${d.srv.address().port}/dns-query`; r(d); }));
}

// --- the "public" sites: allow-listed 127.0.0.2, redirecting at the canary ---

function startSite(routes) {
  const s = { srv: null, base: '' };
  s.srv = http.createServer((req, res) => {
    const r = routes(req.url, s);
    if (r.location) { res.writeHead(302, { Location: r.location }); res.end(); return; }
    res.writeHead(r.status || 200, { 'Content-Type': r.type || 'text/html' });
    res.end(r.body || '');
  });
  return new Promise((r) => s.srv.listen(0, '127.0.0.2', () => { s.base = `http://127.0.0.2:${s.srv.address().port}`; r(s); }));
}

before(async () => {
  canary = await startCanary();
  doh = await startDoH();
  const P = canary.port;
  const redirects = [`http://127.0.0.1:${P}/`, `http://loop.${ZONE}/`, `http://rebind.${ZONE}/`, `http://[::1]:${P}/`, `http://localhost:${P}/`,
    `http://2130706433:${P}/`, `http://router.${ZONE}:8080/`, `https://nas.${ZONE}/`];
  site = await startSite((url) => {
    if (url === '/robots.txt') return { type: 'text/plain', body: 'User-agent: *\nAllow: /\n' };
    const m = /^\/r\/(\d+)$/.exec(url);
    if (m) return { location: redirects[Number(m[1])] };
    if (url === '/page') {
      const c = `http://127.0.0.1:${P}`, n = `http://loop.${ZONE}`;
      return {
        body: `<!DOCTYPE html><html><head><title>t</title><link rel="stylesheet" href="${c}/css"><script src="${n}/js"></script>
<meta http-equiv="refresh" content="0;url=${c}/refresh"><link rel="prefetch" href="${n}/prefetch"></head>
<body><main><h1 class="title">Subresources</h1><img src="${c}/img"><iframe src="${n}/frame"></iframe>
<video src="${c}/video"></video><object data="${c}/object"></object><img srcset="${n}/srcset 2x"><form action="${c}/form"></form>
<div style="background:url(${c}/bg)">text</div></main></body></html>`,
      };
    }
    return { status: 404, body: 'no' };
  });
  robotsSite = await startSite((url) => (url === '/robots.txt' ? { location: `http://loop.${ZONE}/robots.txt` } : { body: '<h1>x</h1>' }));
  const ext = buildExtension(path.join(tmp, 'ext'));
  b = await launch(ext, path.join(tmp, 'profile'), [
    // Every name the browser resolves leads to the canary; nothing leaves the machine.
    `--host-resolver-rules=MAP *.${ZONE} 127.0.0.1:${P}, MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE 127.0.0.2`,
  ]);
}, { timeout: 300000 });

after(async () => {
  await b?.ctx.close();
  for (const s of [canary, doh, site, robotsSite]) s?.srv.close();
  fs.rmSync(path.join(tmp, 'profile'), { recursive: true, force: true });
});

const spec = { fields: [{ name: 'title', selector: 'h1.title' }], text_selector: 'main', exclude: [] };
const production = (resolverURL) => ({ coordinators: [], allowList: ['127.0.0.2/32'], resolverURL, perHostDelayMs: 0, pagesPerMinute: 10000, maxConcurrent: 8, fetchTimeoutMs: 20000 });
const setSettings = (s) => b.sw.evaluate((v) => chrome.storage.local.set({ settings: v }), s);
const crawl = (urls) => b.sw.evaluate(([u, s]) => globalThis.meadowDev.crawl(u, s), [urls, spec]);

function hostileURLs() {
  const P = canary.port;
  const names = Object.keys(ZONE_DATA).map((n) => `${n}.${ZONE}`);
  const byName = names.flatMap((n) => [`http://${n}/`, `http://${n}:8080/cgi-bin/luci`, `https://${n}/`, `https://${n}:8443/`]);
  const literals = [`http://127.0.0.1:${P}/`, `http://0x7f.1:${P}/`, `http://2130706433:${P}/`, `http://017700000001:${P}/`, `http://127.1:${P}/`,
    `http://[::1]:${P}/`, `http://[::ffff:127.0.0.1]:${P}/`, `http://[0:0:0:0:0:ffff:7f00:1]:${P}/`, `http://0.0.0.0:${P}/`, `http://localhost:${P}/`,
    `http://canary.localhost:${P}/`, `http://LOCALHOST.:${P}/`, `http://router/`, `http://nas.local/`, `http://printer.lan/`, `http://x.home.arpa/`,
    `http://%31%32%37.0.0.1:${P}/`, `http://127.0.0.1.nip.io.${ZONE}/`];
  const redirects = Array.from({ length: 8 }, (_, i) => `${site.base}/r/${i}`);
  return [...byName, ...literals, ...redirects, `${robotsSite.base}/page`, `${site.base}/page`];
}

test('hostile task URLs: no request reaches the loopback canary', async () => {
  await setSettings(production(doh.url));
  const urls = hostileURLs();
  const before0 = { conns: canary.conns, hits: canary.hits.length };
  const js = await crawl(urls);
  const reasons = {};
  for (const r of js.results) reasons[r.refusal?.reason ?? 'row'] = (reasons[r.refusal?.reason ?? 'row'] || 0) + 1;
  console.log(`# ${urls.length} hostile URLs: ${JSON.stringify(reasons)}; canary: ${canary.conns - before0.conns} TCP connections, ${canary.hits.length - before0.hits} requests`);
  assert.deepEqual(canary.hits.slice(before0.hits), [], 'requests that reached the canary');
  assert.equal(canary.conns - before0.conns, 0, 'TCP connections to the canary (names are refused before the browser resolves them)');
  // Every URL is refused but the page whose subresources point at the canary.
  const rows = js.results.filter((r) => !r.refusal).map((r) => r.url);
  assert.deepEqual(rows, [`${site.base}/page`]);
  const byURL = Object.fromEntries(js.results.map((r) => [r.url, r.refusal]));
  assert.match(byURL[`http://router.${ZONE}/`].detail, /robots\.txt: host router\.meadow-canary\.net resolves to 192\.168\.1\.1 is private/);
  assert.equal(byURL[`http://router.${ZONE}/`].reason, 'unsafe_address');
  assert.match(byURL[`http://mixed.${ZONE}/`].detail, /192\.168\.0\.10/);
  assert.match(byURL[`http://broken.${ZONE}/`].detail, /could not be checked before connecting: the resolver .* answered HTTP 500/);
  assert.match(byURL[`http://servfail.${ZONE}/`].detail, /answered SERVFAIL/);
  assert.match(byURL[`http://gone.${ZONE}/`].detail, /does not exist \(NXDOMAIN/);
  // Where the browser offers its resolver (chrome.dns), a rebinding name is
  // refused before the request too.
  assert.equal(byURL[`http://rebind.${ZONE}/`].reason, 'unsafe_address');
  assert.match(byURL[`http://rebind.${ZONE}/`].detail, /the browser's resolver/);
  assert.ok(doh.queries.includes(`rebind.${ZONE} A`) && doh.queries.includes(`rebind.${ZONE} AAAA`), 'names were looked up over DoH');
});

test('without the browser\'s resolver (Chrome\'s stable channel), a rebinding name is stopped at connect (Local Network Access): no HTTP request', async () => {
  await setSettings(production(doh.url));
  await b.sw.evaluate(() => { globalThis.meadowDev.layers.browserDNS = false; });
  try {
    const urls = [`http://rebind.${ZONE}/`, `https://rebind.${ZONE}/`, `http://rebind6.${ZONE}:8080/`, `http://rebind.${ZONE}:8443/x`];
    const c0 = canary.conns, h0 = canary.hits.length;
    const js = await crawl(urls);
    const conns = canary.conns - c0;
    const got = canary.hits.slice(h0);
    // Chromium checks the address space once connected: for http before the
    // request is written; for https after TLS begins, so the host sees a TLS
    // ClientHello (with the name in SNI) and no HTTP request.
    const tls = got.filter((h) => h.startsWith('\x16\x03'));
    console.log(`# rebinding names without chrome.dns: ${JSON.stringify(js.results.map((r) => r.refusal?.reason ?? 'row'))}; canary: ${conns} TCP connections, ${tls.length} TLS ClientHellos, ${got.length - tls.length} HTTP requests`);
    assert.deepEqual(got.filter((h) => !h.startsWith('\x16\x03')), [], 'HTTP requests that reached the canary');
    assert.ok(tls.length <= 2, `TLS handshakes begun: ${tls.length}, more than the 2 https URLs`);
    for (const r of js.results) assert.ok(r.refusal, `${r.url} made a row`);
  } finally {
    await b.sw.evaluate(() => { globalThis.meadowDev.layers.browserDNS = true; });
  }
});

test('the resolver cannot be reached: every name is refused, saying so (fail closed)', async () => {
  const dead = net.createServer();
  await new Promise((r) => dead.listen(0, '127.0.0.1', r));
  const deadURL = `http://127.0.0.1:${dead.address().port}/dns-query`;
  await new Promise((r) => dead.close(r));
  await setSettings(production(deadURL));
  const h0 = canary.hits.length;
  const urls = [`http://rebind.${ZONE}/`, `http://example-public.${ZONE}/`, `https://www.${ZONE}/`];
  const js = await crawl(urls);
  assert.deepEqual(canary.hits.slice(h0), []);
  for (const r of js.results) {
    assert.equal(r.refusal?.reason, 'unsafe_address', `${r.url}: ${JSON.stringify(r)}`);
    assert.match(r.refusal.detail, /could not be checked before connecting: the resolver http:\/\/127\.0\.0\.1:\d+\/dns-query could not be reached/);
  }
});

test('the browser blocks the extension\'s own requests to private literals and local names (declarativeNetRequest), whatever code makes them', async () => {
  await setSettings(production(doh.url));
  await crawl([]); // installs the rules of these settings
  const P = canary.port;
  const h0 = canary.hits.length;
  const got = await b.sw.evaluate(async (urls) => Promise.all(urls.map((u) => fetch(u, { cache: 'no-store' }).then((r) => `${r.status}`, (e) => `error ${e.message}`))),
    [`http://127.0.0.1:${P}/dnr`, `http://[::1]:${P}/dnr`, `http://localhost:${P}/dnr`]);
  assert.deepEqual(got, ['error Failed to fetch', 'error Failed to fetch', 'error Failed to fetch']);
  assert.deepEqual(canary.hits.slice(h0), []);
  // A name the browser resolves to loopback, fetched as the extension does
  // (target declared public): refused at connect without a request.
  const lna = await b.sw.evaluate((u) => fetch(u, { targetAddressSpace: 'public', cache: 'no-store' }).then((r) => `${r.status}`, (e) => `error ${e.message}`), `http://loop.${ZONE}/lna`);
  assert.equal(lna, 'error Failed to fetch');
  assert.deepEqual(canary.hits.slice(h0), []);
  // The configured resolver and coordinators stay reachable.
  const rules = await b.sw.evaluate(() => globalThis.meadowDev.rules());
  assert.ok(rules.some((r) => r.action.type === 'allow' && r.condition.regexFilter.includes(String(new URL(doh.url).port))), JSON.stringify(rules));
});
