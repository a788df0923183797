// The node's loop: register, ask for crawl work, run each lease's task,
// report refusals, commit the content root, reveal the row hashes, and
// upload the rows as an Arrow IPC stream when asked. Platform services
// (storage, fetching, extraction) come in through `env` so that the loop
// reads as the protocol it follows.

import { crawlRow, crawlSchema } from '../lib/schema.js';
import { contentRoot, rowHash } from '../lib/merkle.js';
import { canonicalRow } from '../lib/cbor.js';
import { writeIPCStream } from '../lib/arrow.js';
import { toHex } from '../lib/bytes.js';
import { signRow } from '../lib/provenance.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { crawlTask, truncateUTF8 } from './crawl.js';
import { extractOn } from '../lib/maintext.js';

const REFUSAL_REASONS = new Set(['unsafe_address', 'scheme', 'robots', 'too_large', 'timeout', 'http_error', 'cap_reached']);

/**
 * runLease runs one lease's crawl task and takes it through refusals,
 * commit, reveal and upload. env: {coord, address, crawlContext(signal, spec),
 * stats (object updated in place), now(), crawlTask (optional: replaces
 * the crawl, for tests)}. Returns a summary.
 */
export async function runLease(env, lease) {
  const task = lease.task;
  const ct = task.crawl;
  if (task.kind !== 'crawl' || !ct) throw new Error(`lease ${lease.id}: task ${task.id} is not a crawl task`);
  if (ct.render_js) throw new Error(`lease ${lease.id}: task ${task.id} needs JavaScript rendering, which the extension does not do`);
  const spec = { fields: ct.fields || [], text_selector: ct.text_selector || '', exclude: ct.exclude || [] };
  // Main text (crawl.extract) is the Go node's own extractor, compiled to
  // WebAssembly (lib/maintext.js): the same columns, the same bits.
  const mainText = extractOn(ct);
  if (mainText) spec.extract = ct.extract;
  const schema = crawlSchema(spec.fields.map((f) => f.name), { mainText });

  // Stop fetching a few seconds before the lease's deadline, so that the
  // commitment still arrives in time; URLs not done then are timeouts.
  const ac = new AbortController();
  const margin = 5000;
  const timer = setTimeout(() => ac.abort(new Error('lease deadline')), Math.max(1000, lease.deadline - env.now() - margin));
  const ctx = env.crawlContext(ac.signal, spec);
  // Options the Go extractor refuses fail the task before any fetch, as
  // they fail a Go node's (crawl.CompileRules); an empty body is all it
  // needs to check them.
  if (mainText) {
    try {
      await ctx.mainText(new Uint8Array(0), ct.urls[0] || '', 'text/html', spec);
    } catch (e) {
      clearTimeout(timer);
      throw new Error(`lease ${lease.id}: task ${task.id}: ${e.message}`);
    }
  }
  let results;
  try {
    results = await (env.crawlTask || crawlTask)(ctx, ct.urls);
  } finally {
    clearTimeout(timer);
  }

  const fetchedAt = [];
  const rows = [];
  const hashes = [];
  const refusals = [];
  for (const r of results) {
    if (r.refusal) {
      const reason = REFUSAL_REASONS.has(r.refusal.reason) ? r.refusal.reason : 'http_error';
      refusals.push({ task_id: task.id, lease_id: lease.id, url: r.url, reason, detail: truncateUTF8(r.refusal.detail || '', 500) || undefined });
      continue;
    }
    const content = crawlRow(schema, r.page, { node: env.address, fetchedAt: 0, signature: null });
    try {
      canonicalRow(schema, content);
    } catch (e) {
      refusals.push({ task_id: task.id, lease_id: lease.id, url: r.url, reason: 'http_error', detail: `the page gives no valid row: ${e.message}` });
      continue;
    }
    rows.push(r.page);
    fetchedAt.push(r.fetchedAt ?? env.now());
    hashes.push(rowHash(schema, content));
  }
  for (const rf of refusals) {
    if (rf.detail === undefined) delete rf.detail;
    await env.coord.refuse(rf);
    env.stats.refusals = (env.stats.refusals || 0) + 1;
  }
  const root = contentRoot(hashes);
  const commitEnv = { task_id: task.id, lease_id: lease.id, root: toHex(root), rows: hashes.length };
  const committed = await env.coord.commit(commitEnv);
  env.stats.tasksCommitted = (env.stats.tasksCommitted || 0) + 1;
  const rev = await env.coord.reveal({ task_id: task.id, lease_id: lease.id, row_hashes: hashes.map(toHex) });
  let uploaded = null;
  // The blob is written whether or not the reveal's answer asks for it now
  // when there is somewhere to hold it (env.held): the coordinators may ask
  // for it later (uploadHeld).
  if (rev.upload_requested || env.held) {
    // Each row carries the node's own signature of it (content hash,
    // fetched_at, node: lib/provenance.js), which verifies from the row
    // alone; the coordinator refuses an upload whose rows do not.
    const full = rows.map((p, i) => crawlRow(schema, p, { node: env.address, fetchedAt: fetchedAt[i], signature: signRow(env.coord.key, hashes[i], fetchedAt[i]) }));
    const blob = writeIPCStream(schema, full);
    const meta = { task_id: task.id, lease_id: lease.id, sha256: toHex(sha256(blob)), size: blob.length };
    if (!rev.upload_requested) {
      env.held.add(meta, blob);
    } else {
      try {
        uploaded = await uploadBlob(env, meta, blob);
      } catch (e) {
        // Kept for the coordinators' next request: the store may take it
        // then, or they ask another replica.
        env.held?.add(meta, blob);
        throw e;
      }
    }
  }
  env.stats.tasksDone = (env.stats.tasksDone || 0) + 1;
  env.stats.rowsCommitted = (env.stats.rowsCommitted || 0) + hashes.length;
  return { task: task.id, lease: lease.id, rows: hashes.length, refused: refusals.length, root: toHex(root), committed, uploadRequested: !!rev.upload_requested, uploaded };
}

/**
 * uploadBlob sends a task's blob: straight to the object store where the
 * coordinators hand out a URL; through a coordinator otherwise (which a
 * cluster with an object store refuses unless its operator allows it).
 */
async function uploadBlob(env, meta, blob) {
  let uploaded = await env.coord.uploadPresigned(meta, blob);
  if (uploaded) {
    env.stats.uploadsPresigned = (env.stats.uploadsPresigned || 0) + 1;
  } else {
    uploaded = await env.coord.upload(meta, blob);
  }
  env.stats.uploads = (env.stats.uploads || 0) + 1;
  return uploaded;
}

/**
 * uploadHeld answers a work answer's upload requests (api.UploadRequest:
 * task_id, lease_id) from env.held. A request for a blob not held is left
 * (the coordinators hand it to another agreeing replica when its wait
 * passes); a blob whose upload fails is kept for the next request. It
 * returns the uploads done and the errors of those that failed.
 */
export async function uploadHeld(env, requests) {
  let done = 0;
  const errors = [];
  for (const r of requests || []) {
    const h = env.held?.take(r.lease_id, r.task_id);
    if (!h) continue;
    try {
      await uploadBlob(env, h.meta, h.blob);
      env.stats.heldUploads = (env.stats.heldUploads || 0) + 1;
      done++;
    } catch (e) {
      env.held.add(h.meta, h.blob);
      errors.push(new Error(`held upload of task ${r.task_id}: ${e.message}`));
    }
  }
  return { done, errors };
}
