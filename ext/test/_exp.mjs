import { chromium } from 'playwright-core';
import http from 'node:http';
import fs from 'node:fs';
const srv = http.createServer((req, res) => {
  if (req.url === '/redir') { res.writeHead(302, { Location: '/page?from=redir' }); res.end(); return; }
  res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }); res.end('UA=' + req.headers['user-agent'] + ' cookie=' + req.headers.cookie + ' accept=' + req.headers.accept);
});
await new Promise((r) => srv.listen(0, '127.0.0.1', r));
const base = 'http://127.0.0.1:' + srv.address().port;
const dir = fs.mkdtempSync('/tmp/pw-');
const ctx = await chromium.launchPersistentContext(dir, { executablePath: '/usr/bin/chromium', headless: true, ignoreDefaultArgs: ['--disable-extensions'],
  args: ['--disable-extensions-except=/tmp/expext', '--load-extension=/tmp/expext', '--no-sandbox', '--disable-gpu'] });
let [sw] = ctx.serviceWorkers();
if (!sw) sw = await ctx.waitForEvent('serviceworker');
const out = await sw.evaluate((b) => globalThis.dnr(b), base);
console.log(JSON.stringify(out, null, 1));
await ctx.close(); srv.close();
