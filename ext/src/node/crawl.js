// Running a crawl task (crawl/crawler.go's fetch and page, for the static
// path): each URL is checked, robots.txt consulted, fetched with retries on
// 429/503, and made into a page (url, final_url, status, content_type,
// fields, text) exactly as the Go node makes it, or refused with a reason.

import { Refusal } from '../lib/policy.js';
import { goParse } from '../lib/gourl.js';
import { contentKind, detectContentType, mediaType } from '../lib/mime.js';
import { decodeBody, InvalidTextError } from '../lib/charset.js';
import { addRobots, robotsRefusal } from '../lib/extract.js';
import { extractOn } from '../lib/maintext.js';
import { MAX_RETRIES, MAX_RETRY_AFTER_MS } from './config.js';
import { headerGet, sleep } from './net.js';

/** truncateUTF8 cuts s to at most n UTF-8 bytes, never inside a character. */
export function truncateUTF8(s, n) {
  let bytes = 0, i = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0);
    const w = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    if (bytes + w > n) return s.slice(0, i);
    bytes += w;
    i += ch.length;
  }
  return s;
}

/** retryAfterMs reads a Retry-After value (seconds or an HTTP date); def when absent or unreadable. */
export function retryAfterMs(v, now, def) {
  v = (v || '').trim();
  if (v === '') return def;
  if (/^[+-]?\d+$/.test(v)) {
    const s = Number(v);
    if (s < 0) return def;
    return Math.min(s, 86400) * 1000;
  }
  const t = Date.parse(v);
  if (!Number.isNaN(t) && /GMT$/.test(v)) return Math.max(0, t - now);
  return def;
}

/**
 * finalURL is the final URL in Go's spelling: colly requests the task URL as
 * the WHATWG parser writes it, re-read by Go's url.Parse; each redirect's
 * Location is resolved against the previous URL with Go's rules.
 */
export function finalURL(taskURL, locations) {
  let u = goParse(new URL(taskURL).href);
  for (const loc of locations) u = u.parse(loc);
  return u.toString();
}

/**
 * crawlURL fetches one URL of a task. ctx: {fetcher, policy, budget,
 * extract (async (html, pageURL, spec) => {fields, text, robots}),
 * mainText (async (body, pageURL, contentType, spec) => the main-text
 * columns, lib/maintext.js; needed when spec.extract is on), spec, signal}. It returns {url, page} or {url, refusal: {reason, detail}}, and bytes.
 */
export async function crawlURL(ctx, raw) {
  const { fetcher, policy, budget, spec, signal } = ctx;
  let bytes = 0;
  const refuse = (reason, detail) => ({ url: raw, refusal: { reason, detail: truncateUTF8(String(detail), 500) }, bytes });
  try {
    if (!budget.allow()) return refuse('cap_reached', "the node's byte budget for today is spent");
    const u = policy.checkURL(raw);
    await fetcher.sem.acquire();
    try {
      const r = await fetcher.checkRobots(u, signal, true);
      bytes += r.bytes;
      let f;
      for (let attempt = 0; ; attempt++) {
        await fetcher.rate.take(signal);
        f = await fetcher.limiter.run(u.hostname, () => fetcher.get(u.href, signal), signal);
        bytes += f.bytes;
        if (f.status !== 429 && f.status !== 503) break;
        if (attempt >= MAX_RETRIES) return refuse('http_error', `status ${f.status} after ${attempt + 1} attempts`);
        const wait = retryAfterMs(headerGet(f.headers, 'retry-after'), Date.now(), (1 << attempt) * 1000);
        if (wait > MAX_RETRY_AFTER_MS) return refuse('http_error', `status ${f.status} with Retry-After ${wait / 1000}s, longer than this node waits (${MAX_RETRY_AFTER_MS / 1000}s)`);
        fetcher.limiter.backOff(u.hostname, Date.now() + wait);
      }
      if (f.status >= 500) return refuse('http_error', `status ${f.status}`);
      const fetchedAt = Date.now();
      const page = await makePage(ctx, raw, f);
      return { url: raw, page, bytes, fetchedAt };
    } finally {
      fetcher.sem.release();
    }
  } catch (e) {
    bytes += e.bytes || 0;
    if (e instanceof Refusal) return refuse(e.reason, e.detail);
    if (e instanceof InvalidTextError) return refuse('http_error', e.message);
    if (signal?.aborted) return refuse('timeout', 'the task ended before this URL was fetched');
    if (e && e.name === 'SelectorError') throw e;
    return refuse('http_error', e.message || String(e));
  } finally {
    budget.spend(bytes);
  }
}

/** makePage turns what was fetched into a page, as crawl's task.page does. */
async function makePage(ctx, raw, f) {
  let contentType = headerGet(f.headers, 'content-type') ?? '';
  if (contentType === '' && f.body.length > 0) contentType = detectContentType(f.body);
  const mt = mediaType(contentType);
  const page = {
    url: raw,
    finalURL: finalURL(raw, f.locations),
    status: f.status,
    contentType: mt,
    fields: Object.fromEntries((ctx.spec.fields || []).map((x) => [x.name, null])),
    text: '',
  };
  const robots = { noIndex: false, noFollow: false, noAI: false };
  for (const h of f.headers) if (h.name.toLowerCase() === 'x-robots-tag') addRobots(robots, h.value || '');
  const rf = robotsRefusal(robots);
  if (rf) throw new Refusal('robots', rf + ' (X-Robots-Tag)');
  // With extract on every row has a status; the HTML case replaces this
  // one, as the Go node's page does.
  if (extractOn(ctx.spec)) page.main = { status: 'not_html' };
  const kind = contentKind(mt);
  if (kind === 'html') {
    const html = decodeBody(f.body, contentType);
    const x = await ctx.extract(html, page.finalURL, ctx.spec);
    const mrf = robotsRefusal(x.robots);
    if (mrf) throw new Refusal('robots', mrf);
    page.fields = x.fields;
    page.text = x.text;
    if (page.main) page.main = await ctx.mainText(f.body, page.finalURL, contentType, ctx.spec);
  } else if (kind === 'text') {
    page.text = decodeBody(f.body, contentType);
  }
  return page;
}

/**
 * crawlTask runs every URL of a crawl task, at most ctx.fetcher's
 * concurrency at once, and returns one result per URL in task order.
 */
export async function crawlTask(ctx, urls) {
  return Promise.all(urls.map((u) => crawlURL(ctx, u)));
}

export { sleep };
