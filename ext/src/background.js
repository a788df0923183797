// The extension's service worker: a Meadow crawl node in the browser.
// It keeps the node's key, settings, usage and counters in
// chrome.storage.local, wakes every 30 seconds (chrome.alarms) to ask the
// coordinators for crawl work while switched on, fetches pages with the
// browser's network stack, has the offscreen document extract them, and
// takes each task through commit, reveal and upload.

import { DEFAULTS, DEV, MiB, utcDay, userAgent, validateSettings } from './node/config.js';
import { addressOf, newSecretKey, secretKeyBytes } from './lib/envelope.js';
import { toHex } from './lib/bytes.js';
import { Policy } from './lib/policy.js';
import { Coordinator, CoordError } from './node/coordinator.js';
import { Fetcher, NetWatch } from './node/net.js';
import { Resolver } from './node/resolve.js';
import { safetyRules } from './lib/dnr.js';
import { runLease, uploadHeld } from './node/runner.js';
import { HeldBlobs } from './node/held.js';
import { crawlTask } from './node/crawl.js';
import { crawlRow, crawlSchema } from './lib/schema.js';
import { contentRoot, rowHash } from './lib/merkle.js';
import { parseRewards } from './lib/rewards.js';
import { claimWithoutGas, parseRelayInfo, ZERO_ADDRESS } from './lib/claim.js';
import { extractOn, startMainText } from './lib/maintext.js';
// Go's wasm_exec.js, from the Go toolchain that built maintext.wasm
// (ext/build.mjs resolves this name): it defines globalThis.Go.
import 'go:wasm_exec';

const VERSION = chrome.runtime.getManifest().version;
const ORIGIN = new URL(chrome.runtime.getURL('/')).origin;
const ALARM = 'meadow-poll';

// Listeners are registered at the top level so that their events wake the worker.
const watch = new NetWatch(chrome.webRequest, ORIGIN);

const state = {
  running: false,
  registered: false,
  pollMs: 30000,
  activity: 'starting',
  lastError: null,
  lastErrorAt: 0,
  record: null,
  recordAt: 0,
  rewards: null, // api.NodeRewards, checked (parseRewards); null when the last read failed
  rewardsAt: 0,
  rewardsError: null,
  relay: null, // GET /v1/chain's relay (api.RelayInfo, checked); null when none relays or the read failed
  claim: null, // the last claim without gas: {busy, at, result | error}
  failedTasks: new Set(),
  // Blobs of revealed tasks, kept for the coordinators' later requests
  // (node/held.js).
  held: new HeldBlobs(),
};

// --- storage ----------------------------------------------------------------

async function getSettings() {
  const { settings } = await chrome.storage.local.get('settings');
  try {
    const s = validateSettings(settings);
    if (!DEV) s.allowList = [];
    return s;
  } catch (e) {
    note(`settings: ${e.message}; using the defaults`);
    return { ...DEFAULTS, coordinators: [] };
  }
}

async function identity() {
  const { identity: id } = await chrome.storage.local.get('identity');
  if (id && typeof id.key === 'string') {
    try {
      const key = secretKeyBytes(id.key);
      return { key, address: addressOf(key) };
    } catch (e) {
      note(`the stored key is unusable (${e.message}); keeping it and refusing to work`);
      throw e;
    }
  }
  const key = newSecretKey();
  const address = addressOf(key);
  await chrome.storage.local.set({ identity: { key: '0x' + toHex(key), address, createdAt: Date.now() } });
  return { key, address };
}

let usage = null;
let usageDirty = false;
async function loadUsage() {
  if (usage === null) {
    const { usage: u } = await chrome.storage.local.get('usage');
    usage = u && typeof u.bytes === 'number' ? u : { day: utcDay(), bytes: 0 };
  }
  if (usage.day !== utcDay()) usage = { day: utcDay(), bytes: 0 };
  return usage;
}
async function flushUsage() {
  if (!usageDirty) return;
  usageDirty = false;
  await chrome.storage.local.set({ usage });
}

let stats = null;
async function loadStats() {
  if (stats === null) {
    const { stats: s } = await chrome.storage.local.get('stats');
    stats = s && typeof s === 'object' ? s : {};
  }
  return stats;
}
const saveStats = () => chrome.storage.local.set({ stats });

function note(msg) {
  state.lastError = String(msg).slice(0, 500);
  state.lastErrorAt = Date.now();
  console.warn('meadow:', msg);
}

// --- services -------------------------------------------------------------------

// Rule updates run one at a time: two that read the old rules together
// would both add the same ids.
let rulesChain = Promise.resolve();
function setUserAgent() {
  const p = rulesChain.then(installRules);
  rulesChain = p.catch(() => {});
  return p;
}

async function installRules() {
  // The one header an extension cannot set on fetch itself: requests the
  // extension makes (and only those) carry MeadowBot's name and contact URL.
  // With it, the safety rules (lib/dnr.js): the browser blocks the
  // extension's requests to private IP literals and local names before DNS,
  // except to the coordinators and resolver the user configured.
  const settings = await getSettings();
  const old = await chrome.declarativeNetRequest.getSessionRules();
  await chrome.declarativeNetRequest.updateSessionRules({
    removeRuleIds: old.map((r) => r.id),
    addRules: [{
      // Above the allow rules (priority 2): an allow rule stops header
      // changes of lower priority, and coordinators must see the name too.
      id: 1, priority: 3,
      action: { type: 'modifyHeaders', requestHeaders: [{ header: 'User-Agent', operation: 'set', value: userAgent(VERSION) }] },
      condition: { initiatorDomains: [chrome.runtime.id], resourceTypes: ['xmlhttprequest', 'other'] },
    }, ...safetyRules(chrome.runtime.id, { coordinators: settings.coordinators, resolverURL: settings.resolverURL, allowList: DEV ? settings.allowList : [] })],
  });
}

// The offscreen document is made once and answers a ping before extraction
// requests go to it; if it went away, the next request makes it again.
let offscreenUp = null;
function ensureOffscreen() {
  offscreenUp ??= (async () => {
    const url = chrome.runtime.getURL('offscreen.html');
    const have = await chrome.runtime.getContexts({ contextTypes: ['OFFSCREEN_DOCUMENT'], documentUrls: [url] });
    if (have.length === 0) {
      try {
        await chrome.offscreen.createDocument({
          url: 'offscreen.html', reasons: ['DOM_PARSER'], justification: 'Parse fetched pages with DOMParser to extract the fields a crawl task asks for.',
        });
      } catch (e) {
        if (!/single offscreen|already/i.test(e.message || '')) throw e;
      }
    }
    for (let i = 0; i < 100; i++) {
      try {
        const r = await chrome.runtime.sendMessage({ target: 'offscreen', type: 'ping' });
        if (r && r.ok) return;
      } catch { /* not listening yet */ }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('the offscreen document did not start');
  })().catch((e) => { offscreenUp = null; throw e; });
  return offscreenUp;
}

async function extractInOffscreen(html, pageURL, spec) {
  let r;
  for (let attempt = 0; ; attempt++) {
    await ensureOffscreen();
    try {
      r = await chrome.runtime.sendMessage({ target: 'offscreen', type: 'extract', html, pageURL, spec });
      break;
    } catch (e) {
      offscreenUp = null;
      if (attempt >= 1) throw e;
    }
  }
  if (!r) throw new Error('the offscreen document did not answer');
  if (!r.ok) throw Object.assign(new Error(r.error), { name: r.selector ? 'SelectorError' : 'Error' });
  return r.result;
}

// The main-text extractor (maintext.wasm: the Go node's crawl/htmldoc) is
// instantiated on the first page that asks for main text, and kept while
// the worker lives; if starting fails, or the Go program stops, the next
// page starts it again.
let mainTextUp = null;
async function mainTextInWorker(body, pageURL, contentType, spec) {
  mainTextUp ??= (async () => {
    const r = await fetch(chrome.runtime.getURL('maintext.wasm'));
    if (!r.ok) throw new Error(`maintext.wasm: status ${r.status}`);
    return startMainText(await r.arrayBuffer(), globalThis.Go);
  })().catch((e) => { mainTextUp = null; throw e; });
  const mainText = await mainTextUp;
  if (mainText.exited()) {
    mainTextUp = null;
    return mainTextInWorker(body, pageURL, contentType, spec);
  }
  return mainText(body, pageURL, contentType, spec);
}

function makeBudget(settings) {
  return {
    allow() {
      if (usage.day !== utcDay()) usage = { day: utcDay(), bytes: 0 };
      return usage.bytes < settings.bytesPerDay;
    },
    spend(n) {
      if (!(n > 0)) return;
      if (usage.day !== utcDay()) usage = { day: utcDay(), bytes: 0 };
      usage.bytes += n;
      usageDirty = true;
      flushUsage();
    },
  };
}

function makeCrawlEnv(settings) {
  const policy = new Policy({ allowList: DEV ? settings.allowList : [] });
  const budget = makeBudget(settings);
  // chrome.dns exists where the browser offers it (Chromium builds without a
  // release channel); elsewhere the DoH answer and the connect-time check stand.
  const browserResolve = chrome.dns?.resolve && !(DEV && devLayers.browserDNS === false) ? (h) => chrome.dns.resolve(h) : null;
  const resolver = new Resolver({ url: settings.resolverURL, policy, browserResolve });
  const fetcher = new Fetcher({ watch, policy, budget, settings, resolver });
  // A presigned upload's URL (the object store, named by a coordinator):
  // public addresses on any port, its host name resolved first as a
  // page's is.
  const storePolicy = new Policy({ allowList: DEV ? settings.allowList : [], ports: null });
  const storeResolver = new Resolver({ url: settings.resolverURL, policy: storePolicy, browserResolve });
  return {
    policy, budget, fetcher, storePolicy, storeResolver,
    crawlContext: (signal, spec) => ({ fetcher, policy, budget, spec, signal, extract: extractInOffscreen, mainText: mainTextInWorker }),
  };
}

// Development builds only: the browser test turns single safety layers off
// to measure what the others hold on their own.
const devLayers = { browserDNS: true };

// --- the loop -------------------------------------------------------------------

async function loop() {
  if (state.running) return;
  state.running = true;
  let coord = null;
  try {
    const settings = await getSettings();
    await loadUsage();
    await loadStats();
    if (!settings.enabled) { state.activity = 'paused'; return; }
    if (settings.coordinators.length === 0) { state.activity = 'no coordinator set (options)'; return; }
    const { key, address } = await identity();
    const crawl = makeCrawlEnv(settings);
    coord = new Coordinator({ urls: settings.coordinators, key, chainId: settings.chainId, preferURL: state.coordURL, storePolicy: crawl.storePolicy, storeResolver: crawl.storeResolver });
    const env = { coord, address, stats, held: state.held, now: () => coord.now(), crawlContext: crawl.crawlContext };
    if (!state.registered) {
      state.activity = 'registering';
      const r = await coord.register({
        address,
        capabilities: { render_js: false, main_text: true, cpu_cores: Math.min(4096, Math.max(1, navigator.hardwareConcurrency || 1)), max_concurrent: settings.maxConcurrent },
        version: `ext-${VERSION}`,
      });
      state.registered = true;
      state.coordSkewMs = coord.skewMs;
      if (Number.isSafeInteger(r.poll_interval_ms)) state.pollMs = r.poll_interval_ms;
    } else if (state.coordSkewMs !== undefined) coord.skewMs = state.coordSkewMs;
    for (;;) {
      const s = await getSettings();
      if (!s.enabled) { state.activity = 'paused'; return; }
      if (!crawl.budget.allow()) { state.activity = "today's byte cap is reached"; return; }
      state.activity = 'asking for work';
      const w = await coord.work({ max_tasks: 1, kinds: ['crawl'] });
      if (w.uploads?.length) {
        state.activity = `uploading ${w.uploads.length} blob(s) the coordinators asked for again`;
        const { errors } = await uploadHeld(env, w.uploads);
        for (const e of errors) note(e.message);
        await saveStats();
      }
      const leases = (w.leases || []).filter((l) => !state.failedTasks.has(l.task?.id));
      if (leases.length === 0) {
        const wait = w.retry_after_ms || state.pollMs;
        state.activity = 'waiting for work';
        if (wait > 25000) return; // the alarm wakes us again
        await new Promise((r) => setTimeout(r, wait));
        continue;
      }
      for (const lease of leases) {
        state.activity = `crawling ${lease.task.crawl?.urls?.length ?? 0} pages (task ${lease.task.id})`;
        try {
          const r = await runLease(env, lease);
          state.lastTask = { ...r, at: Date.now() };
        } catch (e) {
          state.failedTasks.add(lease.task.id);
          note(`task ${lease.task.id}: ${e.message}`);
          if (e instanceof CoordError) throw e;
        } finally {
          await saveStats();
          await flushUsage();
        }
      }
    }
  } catch (e) {
    note(e.message || String(e));
    if (e instanceof CoordError && (e.status === 401 || e.status === 403 || e.status === 404)) state.registered = false;
    state.activity = 'error (retrying)';
  } finally {
    if (coord) state.coordURL = coord.currentURL; // the next loop starts with the member that answered last
    state.running = false;
  }
}

async function refreshRecord() {
  const settings = await getSettings();
  if (settings.coordinators.length === 0) { state.rewards = null; return null; }
  const { key, address } = await identity();
  // The popup waits for this: one round over the members, a short deadline.
  const coord = new Coordinator({ urls: settings.coordinators, key, chainId: settings.chainId, preferURL: state.coordURL, timeoutMs: 5000, rounds: 2, deadlineMs: 10000 });
  const [rec, rew, chain] = await Promise.allSettled([coord.nodeRecord(address), coord.nodeRewards(address), coord.chainInfo()]);
  state.coordURL = coord.currentURL;
  if (rec.status === 'fulfilled') {
    state.record = rec.value;
    state.recordAt = Date.now();
  } else state.recordError = rec.reason?.message || String(rec.reason);
  // Earnings are shown only from a well-formed answer about this node; on
  // any failure the popup shows '–' rather than an old or doubtful amount.
  const r = rew.status === 'fulfilled' ? parseRewards(rew.value, address) : null;
  state.rewards = r;
  state.rewardsAt = Date.now();
  state.rewardsError = r ? null : rew.status === 'rejected' ? (rew.reason?.message || String(rew.reason)) : 'the coordinator\'s rewards answer is malformed';
  // Whether the coordinators relay claims, and for what fee: the popup
  // offers "Claim without gas" only then.
  try { state.relay = chain.status === 'fulfilled' ? parseRelayInfo(chain.value?.relay) : null; } catch { state.relay = null; }
  return state.record;
}

// claim has a coordinator's relayer claim the node's settled rewards (no
// ether needed: lib/claim.js). One at a time; the rewards are read again
// afterwards so the popup shows what is left to claim.
async function claim() {
  if (state.claim?.busy) throw new Error('a claim is already being sent');
  const settings = await getSettings();
  if (settings.coordinators.length === 0) throw new Error('no coordinator is set yet: open Settings');
  const { key, address } = await identity();
  state.claim = { busy: true, at: Date.now() };
  // The relayer answers once the transaction is sent (it checks the claim
  // with eth_call first): a few seconds a member.
  const coord = new Coordinator({ urls: settings.coordinators, key, chainId: settings.chainId, preferURL: state.coordURL, timeoutMs: 10000, rounds: 2, deadlineMs: 45000 });
  coord.skewMs = state.coordSkewMs ?? 0; // the deadline is on the later of our clock and the coordinators'
  try {
    const result = await claimWithoutGas(coord, { key, address, payout: settings.payout || ZERO_ADDRESS, maxFeeBps: settings.maxRelayFeeBps });
    state.claim = { busy: false, at: Date.now(), result };
    return result;
  } catch (e) {
    state.claim = { busy: false, at: Date.now(), error: { name: e.name, status: e.status, code: e.code, field: e.field, detail: e.detail, message: e.message } };
    throw e;
  } finally {
    state.coordURL = coord.currentURL;
    refreshRecord().catch(() => { /* shown as '–' */ });
  }
}

async function status() {
  const settings = await getSettings();
  const { address } = await identity();
  await loadUsage();
  await loadStats();
  return {
    version: VERSION, dev: DEV, address, enabled: settings.enabled, coordinators: settings.coordinators,
    usage: { day: usage.day, bytes: usage.bytes, cap: settings.bytesPerDay },
    stats, activity: state.activity, running: state.running, registered: state.registered,
    lastError: state.lastError, lastErrorAt: state.lastErrorAt, lastTask: state.lastTask ?? null,
    record: state.record, recordAt: state.recordAt, recordError: state.recordError ?? null,
    rewards: state.rewards, rewardsAt: state.rewardsAt, rewardsError: state.rewardsError,
    relay: state.relay, claim: state.claim, claimLimits: { payout: settings.payout, maxRelayFeeBps: settings.maxRelayFeeBps },
    held: { blobs: state.held.size, bytes: state.held.bytes },
  };
}

// --- events ---------------------------------------------------------------------

chrome.runtime.onInstalled.addListener(async () => {
  await identity();
  await chrome.alarms.create(ALARM, { periodInMinutes: 0.5 });
  await setUserAgent();
  loop();
});

chrome.runtime.onStartup.addListener(async () => {
  await chrome.alarms.create(ALARM, { periodInMinutes: 0.5 });
  await setUserAgent();
  loop();
});

// Whenever the worker starts (an alarm, a message, the popup), pick up the work.
setUserAgent().catch((e) => note(`user agent rule: ${e.message}`)).then(loop);

chrome.alarms.onAlarm.addListener((a) => { if (a.name === ALARM) { setUserAgent().then(loop); } });

chrome.storage.onChanged.addListener((changes, area) => {
  if (area === 'local' && changes.settings) { state.registered = false; setUserAgent().catch((e) => note(`request rules: ${e.message}`)).then(loop); }
});

chrome.runtime.onMessage.addListener((msg, sender, sendResponse) => {
  if (!msg || msg.target !== 'background' || sender.id !== chrome.runtime.id) return false;
  const reply = (p) => p.then((v) => sendResponse({ ok: true, value: v }), (e) => sendResponse({ ok: false, error: e.message || String(e) }));
  switch (msg.type) {
    case 'status': reply(status()); return true;
    case 'record': reply(refreshRecord()); return true;
    case 'claim': reply(claim()); return true;
    case 'setEnabled':
      reply((async () => {
        const { settings } = await chrome.storage.local.get('settings');
        const s = validateSettings({ ...(settings || {}), enabled: !!msg.enabled });
        await chrome.storage.local.set({ settings: s });
        return s.enabled;
      })());
      return true;
    default: return false;
  }
});

// Development builds only: hooks the browser test drives (crawl URLs without
// a coordinator and return rows and hashes; run the loop now).
/* global __MEADOW_DEV__ */
if (__MEADOW_DEV__) {
  globalThis.meadowDev = {
    async crawl(urls, spec) {
      await setUserAgent(); // the rules of the settings just stored
      const settings = await getSettings();
      await loadUsage();
      const crawl = makeCrawlEnv(settings);
      const ac = new AbortController();
      const results = await crawlTask(crawl.crawlContext(ac.signal, spec), urls);
      const schema = crawlSchema((spec.fields || []).map((f) => f.name), { mainText: extractOn(spec) });
      const out = results.map((r) => {
        if (r.refusal) return { url: r.url, refusal: r.refusal };
        const row = crawlRow(schema, r.page, { node: '0x0', fetchedAt: 0, signature: null });
        return { url: r.url, page: r.page, hash: toHex(rowHash(schema, row)) };
      });
      const hashes = results.filter((r) => r.page).map((r) => rowHash(schema, crawlRow(schema, r.page, { node: '', fetchedAt: 0, signature: null })));
      return { results: out, root: toHex(contentRoot(hashes)) };
    },
    loop,
    status,
    claim,
    state,
    layers: devLayers,
    rules: () => chrome.declarativeNetRequest.getSessionRules(),
  };
}

export { MiB };
