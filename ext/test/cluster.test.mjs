// The full test: a local cluster of three coordinators (bin/meadow coord,
// Raft over TCP on loopback), the demo site, a Go home node (ext/test/devnode,
// the node package in development mode) and the extension (development
// build, loopback allowed) in Chromium. A buyer submits a crawl job with
// replication 2; the extension and the Go node are the replicas (they
// connect from different /24s: 127.0.0.1 and 127.0.2.1). The test passes
// when the extension has committed, revealed and had rows accepted, which
// the coordinator only does when they agree row by row with the Go node's.
//
// It needs the coordinator's node and buyer APIs (docs/ARCHITECTURE.md,
// "HTTP routes"). Until coord/ serves them the test is reported as a TODO
// (not skipped silently, not faked): see ext/README.md.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildExtension, buildGen, launch, repo, startSite, tempDir } from './harness.mjs';
import { ENVELOPE_HEADER, headerValue, newSecretKey, sign, toWire } from '../src/lib/envelope.js';
import { earningsView, parseRewards } from '../src/lib/rewards.js';

function coordinatorServesNodeAPI() {
  const dir = path.join(repo, 'coord');
  const src = fs.readdirSync(dir, { recursive: true }).filter((f) => String(f).endsWith('.go') && !String(f).endsWith('_test.go'))
    .map((f) => fs.readFileSync(path.join(dir, String(f)), 'utf8')).join('\n');
  return ['/v1/node/register', '/v1/node/work', '/v1/node/commit', '/v1/node/reveal', '/v1/node/upload', '/v1/jobs'].every((r) => src.includes(r));
}

const ready = coordinatorServesNodeAPI();
const TODO = ready ? false : 'the coordinator does not serve the node API yet (coord/ has no /v1/node/register … routes); this test runs once it does';

function startProcess(bin, args, { match, env } = {}) {
  const child = spawn(bin, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let out = '';
  const wait = new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`${path.basename(bin)} ${args.join(' ')} exited (${code}): ${out.slice(-2000)}`)));
    const on = (d) => { out += d; const m = match && match.exec(out); if (m) resolve(m); };
    child.stdout.on('data', on);
    child.stderr.on('data', on);
    if (!match) resolve(null);
  });
  return { child, wait, output: () => out, stop: () => { child.stdin.end(); child.kill('SIGTERM'); } };
}

async function until(what, fn, ms) {
  const end = Date.now() + ms;
  let last;
  while (Date.now() < end) {
    try { const v = await fn(); if (v) return v; } catch (e) { last = e; }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ''}`);
}

test('the extension completes crawl tasks on a 3-coordinator cluster and its rows agree with a Go node\'s', { todo: TODO, timeout: 15 * 60 * 1000 }, () => clusterRun({ objectStore: false }));

// The same with the coordinators' blobs in an S3-compatible object store
// (Versity's gateway, ext/test/s3dev): the extension PUTs its blobs straight
// to the bucket through presigned URLs, and no byte of a task blob passes
// through a coordinator. After the cross-checked job, the Go node stops and
// a one-replica job makes the extension the uploader; then the bucket goes
// away for a while, the members refuse to carry the blob, and the
// extension holds it and PUTs it to the store when asked again.
test('with an object store, the extension\'s blobs go straight to the bucket, none through a coordinator', { todo: TODO, timeout: 15 * 60 * 1000 }, () => clusterRun({ objectStore: true }));

/** metricSum sums an unlabelled metric over the members' GET /metrics. */
async function metricSum(urls, name) {
  let sum = 0;
  for (const u of urls) {
    const text = await (await fetch(`${u}/metrics`)).text();
    const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
    if (m) sum += Number(m[1]);
  }
  return sum;
}

async function clusterRun({ objectStore }) {
  if (!ready) return;
  const tmp = tempDir('meadow-ext-cluster-');
  const procs = [];
  let b;
  try {
    const meadow = path.join(tmp, 'meadow');
    execFileSync('go', ['build', '-o', meadow, './cmd/meadow'], { cwd: repo, stdio: ['ignore', 'ignore', 'inherit'] });
    const devnode = path.join(tmp, 'devnode');
    execFileSync('go', ['build', '-o', devnode, './ext/test/devnode'], { cwd: repo, stdio: ['ignore', 'ignore', 'inherit'] });
    const gen = buildGen(tmp);
    const site = await startSite(gen);
    procs.push(site);

    let store = null; // { endpoint, bucket, creds, dir }
    if (objectStore) {
      const s3dev = path.join(tmp, 's3dev');
      execFileSync('go', ['build', '-o', s3dev, './ext/test/s3dev'], { cwd: repo, stdio: ['ignore', 'ignore', 'inherit'] });
      const dir = path.join(tmp, 's3');
      const p = startProcess(s3dev, ['-dir', dir], { match: /^S3 (\S+) (\S+) (\S+)$/m });
      // s3dev runs from the repository root, where it finds .cache/bin/versitygw.
      procs.push(p);
      const m = await p.wait;
      store = { endpoint: m[1], bucket: m[2], creds: m[3], dir };
    }

    // Three coordinators on 127.0.1.1-3, ports chosen from the test's pid
    // (the second test of the file on other ports).
    const port = 20000 + (process.pid % 20000) + (objectStore ? 10 : 0);
    const urls = [];
    // The coordinators' shared secret for copying blobs between them.
    const token = Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
    for (let i = 1; i <= 3; i++) {
      const http = `127.0.1.${i}:${port}`;
      const args = ['coord', '--id', `c${i}`, '--data-dir', path.join(tmp, `c${i}`), '--raft-addr', `127.0.1.${i}:${port + 1}`, '--http-addr', http, '--cluster-token', token, '--dev-job-url-allow-list', '127.0.0.0/8'];
      args.push(...(i === 1 ? ['--bootstrap'] : ['--join', `http://${urls[0].slice(7)}`]));
      if (store) args.push('--object-store-endpoint', store.endpoint, '--object-store-bucket', store.bucket, '--object-store-prefix', 'meadow/', '--object-store-credentials-file', store.creds);
      const p = startProcess(meadow, args);
      procs.push(p);
      urls.push(`http://${http}`);
      await until(`coordinator c${i} ready`, async () => (await fetch(`http://${http}/readyz`)).ok, 60000);
    }

    const node = startProcess(devnode, ['-coord', urls.join(','), '-data-dir', path.join(tmp, 'gonode'), '-source-ip', '127.0.2.1'], { match: /ADDRESS (0x[0-9a-fA-F]{40})/ });
    procs.push(node);
    const goAddress = (await node.wait)[1];

    const ext = buildExtension(path.join(tmp, 'ext'));
    b = await launch(ext, path.join(tmp, 'profile'));
    await b.sw.evaluate((s) => chrome.storage.local.set({ settings: s }), {
      coordinators: urls, allowList: ['127.0.0.0/8'], perHostDelayMs: 0, pagesPerMinute: 10000, maxConcurrent: 4, chainId: 1337, enabled: true,
    });
    // The service worker makes its key on first run, asynchronously.
    const extAddress = await until('the extension\'s key', async () => (await b.sw.evaluate(() => chrome.storage.local.get('identity'))).identity?.address, 30000);

    // The buyer's job: a fixed list of the site's articles, two replicas each.
    const buyer = newSecretKey();
    const spec = {
      kind: 'crawl', name: 'extension cluster test', replication: 2,
      crawl: {
        urls: Array.from({ length: 12 }, (_, i) => `${site.base}/articles/${i}`),
        fields: [{ name: 'title', selector: 'h1.title' }, { name: 'author', selector: 'span.author' }],
        text_selector: 'main', exclude: ['.ad', '.clock'], task_size: 4,
        // Main text too: the extension's maintext.wasm and the Go node's
        // extractor must agree on every row for the job to finish clean.
        extract: { enabled: true },
      },
    };
    // The buyer's writes and reads are signed, each with a fresh nonce; a
    // job's status is its buyer's (buyer.read, body the path read, in the
    // Meadow-Envelope header).
    let readNonce = Date.now() * 1000;
    const submitJob = async (s, what) => {
      const e = sign(buyer, 'job.submit', s, ++readNonce, Math.floor(Date.now() / 1000) + 300);
      const r = await fetch(`${urls[0]}/v1/jobs`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: toWire(e) });
      const job = await r.json();
      assert.ok(r.ok, `${what} submit: ${r.status} ${JSON.stringify(job)}`);
      const id = job.id || job.job_id;
      assert.ok(id, `job id in ${JSON.stringify(job)}`);
      return id;
    };
    // jobDone answers the job's status once it is done, null before; with
    // kick, it runs the extension's loop first (which runs until the worker
    // stops: it is not waited for).
    const jobDone = async (id, kick) => {
      if (kick) await b.sw.evaluate(() => { globalThis.meadowDev.loop(); });
      const read = sign(buyer, 'buyer.read', { path: `/v1/jobs/${id}` }, ++readNonce, Math.floor(Date.now() / 1000) + 120);
      const v = await (await fetch(`${urls[0]}/v1/jobs/${id}`, { headers: { [ENVELOPE_HEADER]: headerValue(read) } })).json();
      return v.state === 'done' ? v : null;
    };
    const jobID = await submitJob(spec, 'job');

    await b.sw.evaluate(() => { globalThis.meadowDev.loop(); }); // runs until the worker stops: do not wait for it
    // coord/state.Node: units are the rows accepted into verified tasks.
    const acceptedOf = (rec) => Number(rec?.units ?? rec?.node?.units ?? rec?.accepted_rows ?? 0);
    const rec = await until('rows of the extension accepted by the cluster', async () => {
      await b.sw.evaluate(() => { globalThis.meadowDev.loop(); }); // runs until the worker stops: do not wait for it
      const resp = await fetch(`${urls[1]}/v1/node/${extAddress}`);
      const v = resp.ok ? await resp.json() : null;
      return acceptedOf(v) > 0 ? v : null;
    }, 8 * 60 * 1000);
    // A task's rows are accepted at its last reveal; the extension counts
    // it done once its upload (when it is the uploader) has been answered,
    // which may come later on a loaded machine.
    let st;
    await until('the extension to count a task done', async () => {
      st = await b.sw.evaluate(() => globalThis.meadowDev.status());
      return st.stats.tasksDone >= 1;
    }, 3 * 60 * 1000).catch((e) => assert.fail(`${e.message}; status ${JSON.stringify(st)}`));
    const goRec = await (await fetch(`${urls[2]}/v1/node/${goAddress}`)).json();
    assert.ok(acceptedOf(goRec) > 0, `the Go node's record: ${JSON.stringify(goRec)}`);
    // Two nodes on two /24s and two replicas a task: every task ran on both,
    // so a finished job with no rejected row means their rows agreed.
    const status = await until('the job to finish', () => jobDone(jobID, false), 3 * 60 * 1000);
    assert.equal(status.progress.rows_rejected, 0, `rows rejected: ${JSON.stringify(status.progress)}`);
    assert.equal(status.progress.rows_accepted, 12, `rows accepted: ${JSON.stringify(status.progress)}`);
    // The coordinators' rewards answer has the shape the popup checks.
    const rewardsURL = `${urls[1]}/v1/node/${extAddress}/rewards?consistent=1`;
    const rewards = parseRewards(await (await fetch(rewardsURL)).json(), extAddress);
    assert.ok(rewards && rewards.units > 0, `${rewardsURL}: ${JSON.stringify(rewards)}`);
    // The popup shows what the cluster credited the extension with.
    const page = await b.ctx.newPage();
    await page.setViewportSize({ width: 360, height: 600 });
    await page.goto(`chrome-extension://${b.id}/popup.html`);
    await page.waitForFunction(() => /^[1-9]/.test(document.getElementById('accepted').textContent), null, { timeout: 60000 });
    await page.waitForFunction(() => document.getElementById('epoch').textContent !== '–', null, { timeout: 60000 });
    await page.waitForTimeout(400); // let the switch's transition end before the screenshot
    const want = earningsView(rewards);
    assert.match(await page.textContent('#meadow'), / MEADOW$/);
    assert.match(await page.textContent('#stable'), / stable$/);
    assert.equal(await page.textContent('#epoch'), want.epoch, 'no epoch is settled while the test runs, or the same one');
    assert.ok((await page.textContent('#earnhint')).length > 0);
    const shot = path.join(os.tmpdir(), `meadow-ext-cluster-popup-${process.pid}${objectStore ? '-s3' : ''}.png`);
    await page.screenshot({ path: shot });
    console.log(`# popup screenshot on the cluster: ${shot} (work units ${await page.textContent('#accepted')}, tasks ${await page.textContent('#tasks')}, earnings ${await page.textContent('#meadow')}, epoch ${await page.textContent('#epoch')})`);
    await page.close();
    console.log(`# job ${jobID}: ${JSON.stringify(status).slice(0, 400)}; extension record ${JSON.stringify(rec).slice(0, 300)}`);

    if (store) {
      // The Go node stops; a one-replica job's task can only be the
      // extension's, and so is its upload.
      node.stop();
      const one = { kind: 'crawl', name: 'extension presigned upload', replication: 1, crawl: { ...spec.crawl, urls: Array.from({ length: 4 }, (_, i) => `${site.base}/articles/${20 + i}`) } };
      const j1 = await submitJob(one, 'one-replica job');
      await until('the one-replica job to finish', () => jobDone(j1, true), 3 * 60 * 1000);
      // The job is done once its blob is recorded; the extension counts
      // the upload when the answer reaches it, a moment later.
      let st1;
      await until('the extension to count its upload', async () => {
        st1 = await b.sw.evaluate(() => globalThis.meadowDev.status());
        return st1.stats.uploads >= 1;
      }, 60 * 1000).catch((e) => assert.fail(`${e.message}; stats ${JSON.stringify(st1?.stats)}`));
      assert.equal(st1.stats.uploadsPresigned, st1.stats.uploads, `every upload of the extension went to the store: ${JSON.stringify(st1.stats)}`);
      // The members' own counts: every task blob (three of the first job,
      // one of the second) was PUT to the store, none through a member.
      const live = urls.slice();
      assert.equal(await metricSum(live, 'meadow_uploads_proxied_total'), 0, 'task blobs uploaded through a coordinator');
      // A member counts an upload just after it is recorded, which the
      // job's state may show first.
      let presignedTotal = 0;
      await until('the members to count four presigned uploads', async () => (presignedTotal = await metricSum(live, 'meadow_uploads_presigned_total')) >= 4, 30 * 1000)
        .catch((e) => assert.fail(`${e.message}: ${presignedTotal}`));
      assert.equal(presignedTotal, 4, 'task blobs PUT to the store and recorded');
      // The bucket, as the gateway's posix directory holds it: the blobs
      // under the prefix, none on the members' disks, no staging left.
      const under = (d) => (fs.existsSync(d) ? fs.readdirSync(d, { recursive: true }).filter((f) => fs.statSync(path.join(d, String(f))).isFile()) : []);
      const blobs = under(path.join(store.dir, 'root', store.bucket, 'meadow')).filter((f) => /^[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f]{64}$/.test(String(f)));
      assert.ok(blobs.length >= 4, `blobs in the bucket: ${blobs.length}`);
      assert.deepEqual(under(path.join(store.dir, 'root', store.bucket, 'meadow', 'uploads')), [], 'staging objects left');
      for (let i = 1; i <= 3; i++) assert.deepEqual(under(path.join(tmp, `c${i}`, 'blobs')), [], `c${i} wrote blobs to its disk`);
      console.log(`# object store: ${blobs.length} blobs in ${store.bucket}; the extension's uploads ${JSON.stringify({ uploads: st1.stats.uploads, presigned: st1.stats.uploadsPresigned })}`);

      // The store loses its bucket for a while (its directory moved away:
      // every PUT is refused NoSuchBucket). The extension's four PUTs fail,
      // the members refuse to carry the blob (409: they count it), and
      // the extension holds it; once the bucket is back, the coordinators'
      // next work answer asks for it again and it goes to the store.
      const bucketDir = path.join(store.dir, 'root', store.bucket);
      const away = `${bucketDir}.away`;
      fs.renameSync(bucketDir, away);
      const two = { kind: 'crawl', name: 'extension upload during a store outage', replication: 1, crawl: { ...spec.crawl, urls: [`${site.base}/articles/30`], task_size: 1 } };
      const j2 = await submitJob(two, 'outage job');
      let refused = 0;
      try {
        await until('the members to refuse carrying the extension\'s blob', async () => {
          await b.sw.evaluate(() => { globalThis.meadowDev.loop(); });
          return (refused = await metricSum(live, 'meadow_uploads_proxy_refused_total')) >= 1;
        }, 3 * 60 * 1000);
      } finally {
        fs.renameSync(away, bucketDir);
      }
      await until('the outage job to finish', () => jobDone(j2, true), 4 * 60 * 1000);
      let st2;
      await until('the extension to count its held upload', async () => {
        st2 = await b.sw.evaluate(() => globalThis.meadowDev.status());
        return st2.stats.heldUploads >= 1;
      }, 60 * 1000).catch((e) => assert.fail(`${e.message}; stats ${JSON.stringify(st2?.stats)}`));
      assert.equal(await metricSum(live, 'meadow_uploads_proxied_total'), 0, 'a task blob went through a coordinator during the outage');
      await until('the members to count five presigned uploads', async () => (presignedTotal = await metricSum(live, 'meadow_uploads_presigned_total')) >= 5, 30 * 1000)
        .catch((e) => assert.fail(`${e.message}: ${presignedTotal}`));
      console.log(`# store outage: ${refused} uploads refused by the members, then the held blob PUT to the store; the extension's stats ${JSON.stringify(st2.stats)}, holding ${JSON.stringify(st2.held)} (blobs of the first job's tasks the Go node uploaded)`);
    }
  } finally {
    await b?.ctx.close();
    for (const p of procs.reverse()) p.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
