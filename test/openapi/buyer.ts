// A buyer's reads through a client generated from docs/api.yaml: the types
// come from openapi-typescript (./api.js is its output, made by client.mjs),
// the calls from openapi-fetch, as a buyer's own program would make them.
// client.mjs type-checks this file against the generated types (tsc
// --strict), so a read that the description does not allow, or a field it
// does not have, fails before anything runs.
import createClient from 'openapi-fetch';
import type { components, paths } from './api.js';

/** Signer returns the Meadow-Envelope header value of a signed read of path (a buyer.read envelope). */
export type Signer = (path: string) => string;

/** What the reads found, for the test to compare with the dev network's own summary. */
export interface Reads {
  status: { id: string; state: string; leader: string; term: number };
  datasets: { id: string; job_id: string; rows: number; tasks: number; root: string }[];
  job: { id: string; state: components['schemas']['JobState']; rows_accepted: number; tasks_done: number; tasks_total: number; dataset?: string };
  proof: { dataset_id: string; row: number; root: string; row_hash: string };
  manifest: { dataset_id: string; root: string; total_rows: number; signatures: number };
  chain: { chain_id: number; price_per_row: number };
}

function fail(what: string, r: { response: Response; error?: unknown }): never {
  throw new Error(`${what}: ${r.response.status} ${JSON.stringify(r.error)}`);
}

/**
 * buyerReads reads from the coordinator at baseUrl what a buyer reads: the
 * cluster's status, the chain to pay on, the buyer's datasets, one job, one
 * dataset's signed manifest and one row's proof.
 */
export async function buyerReads(baseUrl: string, sign: Signer, jobId: string, datasetId: string): Promise<Reads> {
  const api = createClient<paths>({ baseUrl });
  const signed = (path: string) => ({ 'Meadow-Envelope': sign(path) });

  const st = await api.GET('/v1/cluster/status');
  if (!st.data) fail('GET /v1/cluster/status', st);

  const ds = await api.GET('/v1/datasets', { params: { header: signed('/v1/datasets') } });
  if (!ds.data) fail('GET /v1/datasets', ds);

  const job = await api.GET('/v1/jobs/{id}', { params: { path: { id: jobId }, header: signed(`/v1/jobs/${jobId}`) } });
  if (!job.data) fail(`GET /v1/jobs/${jobId}`, job);
  const t = job.data.progress.tasks;

  const ch = await api.GET('/v1/chain');
  if (!ch.data) fail('GET /v1/chain', ch);

  const mf = await api.GET('/v1/datasets/{id}/manifest', { params: { path: { id: datasetId }, header: signed(`/v1/datasets/${datasetId}/manifest`) } });
  if (!mf.data) fail(`GET /v1/datasets/${datasetId}/manifest`, mf);

  const pr = await api.GET('/v1/datasets/{id}/proof', {
    params: { path: { id: datasetId }, query: { row: 0 }, header: signed(`/v1/datasets/${datasetId}/proof`) },
  });
  if (!pr.data) fail(`GET /v1/datasets/${datasetId}/proof`, pr);

  return {
    status: { id: st.data.id, state: st.data.state, leader: st.data.leader, term: st.data.term },
    datasets: ds.data.map((d) => ({ id: d.id, job_id: d.job_id, rows: d.rows, tasks: d.tasks, root: d.root })),
    job: {
      id: job.data.id, state: job.data.state, rows_accepted: job.data.progress.rows_accepted,
      tasks_done: t.verified + t.inconclusive, tasks_total: t.pending + t.leased + t.committed + t.verified + t.inconclusive,
      dataset: job.data.dataset,
    },
    proof: { dataset_id: datasetId, row: pr.data.row ?? 0, root: pr.data.root, row_hash: pr.data.row_hash },
    manifest: { dataset_id: mf.data.dataset_id, root: mf.data.root, total_rows: mf.data.total_rows, signatures: mf.data.signatures.length },
    chain: { chain_id: ch.data.chain_id, price_per_row: ch.data.price_per_row },
  };
}
