// The node's earnings: token amounts as BigInt decimals (MEADOW 18, stable
// 6, truncated to 4 places as Go's devnet.Tokens prints them), the check of
// a rewards answer's shape (api.NodeRewards), the coordinator client's read
// of GET /v1/node/{address}/rewards, and what the popup shows of it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import {
  CLAIM_HINT, NO_LEAF_HINT, UNSETTLED_HINT, earningsView, formatTokens, isAmount, parseRewards,
} from '../src/lib/rewards.js';
import { Coordinator, CoordError } from '../src/node/coordinator.js';
import { newSecretKey } from '../src/lib/envelope.js';
import { render } from '../src/popup.js';

const UINT256_MAX = (2n ** 256n - 1n).toString();
const ADDR = '0x11111111111111111111111111111111111111ab';
const H = (c) => '0x' + c.repeat(64);

// A settled node as the coordinator answers it (coord/settle.go).
const sample = () => ({
  address: ADDR,
  units: 420,
  pending_units: 20,
  epoch: 3,
  root: H('a'),
  meadow: '12345678901234567890', // 12.345678… MEADOW
  stable: '1500000', // 1.5 stable
  proof: [H('b'), H('c')],
  history: [
    { epoch: 1, units: 100, meadow: '5000000000000000000', stable: '0', tx: H('d') },
    { epoch: 3, units: 300, meadow: '7345678901234567890', stable: '1500000', tx: H('e') },
  ],
});

test('formatTokens: 18 and 6 decimals, truncated to 4 places', () => {
  assert.equal(formatTokens('0', 18), '0.0000');
  assert.equal(formatTokens('0', 6), '0.0000');
  assert.equal(formatTokens('1', 18), '0.0000', 'one base unit is below the 4th place');
  assert.equal(formatTokens('100000000000000', 18), '0.0001');
  assert.equal(formatTokens('99999999999999', 18), '0.0000', 'truncated, not rounded up');
  assert.equal(formatTokens('1000000000000000000', 18), '1.0000');
  assert.equal(formatTokens('12345678901234567890', 18), '12.3456');
  assert.equal(formatTokens('12345699999999999999', 18), '12.3456');
  assert.equal(formatTokens('1500000', 6), '1.5000');
  assert.equal(formatTokens('999999', 6), '0.9999');
  assert.equal(formatTokens('100', 6), '0.0001');
  assert.equal(formatTokens('99', 6), '0.0000');
  assert.equal(formatTokens('123456789012', 6), '123456.7890');
  // Fewer decimals than places, no decimals, other places.
  assert.equal(formatTokens('12345', 2), '123.4500');
  assert.equal(formatTokens('12345', 0), '12345.0000');
  assert.equal(formatTokens('12345678901234567890', 18, 0), '12');
  assert.equal(formatTokens('12345678901234567890', 18, 18), '12.345678901234567890');
  assert.equal(formatTokens('1', 6, 6), '0.000001');
});

test('formatTokens: very large amounts stay exact (BigInt, no floats)', () => {
  assert.equal(formatTokens(UINT256_MAX, 18), '115792089237316195423570985008687907853269984665640564039457.5840');
  assert.equal(formatTokens(UINT256_MAX, 6), '115792089237316195423570985008687907853269984665640564039457584007913129.6399');
  // Past 2^53 a float would have lost the last digits.
  assert.equal(formatTokens('9007199254740993000000000000000000', 18), '9007199254740993.0000');
  assert.equal(formatTokens('9007199254740993123456', 6), '9007199254740993.1234');
  // 10^77, the largest power of ten a uint256 holds (78 digits).
  assert.equal(formatTokens('1' + '0'.repeat(77), 18), '1' + '0'.repeat(59) + '.0000');
});

test('formatTokens and isAmount: malformed amounts are null, never an exception', () => {
  const bad = ['', ' ', '-1', '+1', '01', '00', '1.5', '1e18', ' 1', '1 ', '0x10', '１', '1_000', 'NaN', 'Infinity',
    '1'.repeat(79), UINT256_MAX + '0', 5, 0, 5n, null, undefined, {}, [], ['1'], true];
  for (const v of bad) {
    assert.equal(isAmount(v), false, `isAmount(${JSON.stringify(typeof v === 'bigint' ? String(v) : v)})`);
    assert.equal(formatTokens(v, 18), null, `formatTokens(${typeof v === 'bigint' ? v + 'n' : JSON.stringify(v)}, 18)`);
  }
  for (const d of [-1, 1.5, '18', NaN, null, 78]) assert.equal(formatTokens('1', d), null, `decimals ${d}`);
  for (const p of [-1, 2.5, '4', 78]) assert.equal(formatTokens('1', 18, p), null, `places ${p}`);
  assert.equal(isAmount('0'), true);
  assert.equal(isAmount(UINT256_MAX), true);
});

test('parseRewards takes a well-formed answer and refuses every malformed one', () => {
  const ok = parseRewards(sample(), ADDR);
  assert.deepEqual(ok, sample());
  assert.deepEqual(parseRewards({ ...sample(), address: ADDR.toUpperCase().replace('0X', '0x') }, ADDR).address, ADDR, 'address read in any case');
  assert.notEqual(parseRewards(sample(), ADDR.toUpperCase().replace('0X', '0x')), null);
  // A node before any settlement (what a coordinator answers any address it does not know).
  const fresh = { address: ADDR, units: 0, pending_units: 0, epoch: 0, root: H('0'), meadow: '0', stable: '0', proof: [], history: [] };
  assert.deepEqual(parseRewards(fresh, ADDR), fresh);
  // Go writes nil slices as null.
  assert.deepEqual(parseRewards({ ...fresh, proof: null, history: null }, ADDR), fresh);
  // Unknown keys are ignored and not kept.
  assert.deepEqual(parseRewards({ ...fresh, later: 1 }), fresh);

  const broken = {
    'not an object': null, 'an array': [sample()], 'a string': 'rewards', 'a number': 7,
    'another node': { ...sample(), address: '0x2222222222222222222222222222222222222222' },
    'address missing': { ...sample(), address: undefined },
    'address short': { ...sample(), address: '0x1234' },
    'units a string': { ...sample(), units: '420' },
    'units negative': { ...sample(), units: -1 },
    'units fractional': { ...sample(), units: 1.5 },
    'units past 2^53': { ...sample(), units: 2 ** 53 },
    'pending missing': { ...sample(), pending_units: undefined },
    'pending above units': { ...sample(), pending_units: 421 },
    'epoch missing': { ...sample(), epoch: undefined },
    'epoch a string': { ...sample(), epoch: '3' },
    'meadow a number': { ...sample(), meadow: 12345678901234567890 },
    'meadow with a point': { ...sample(), meadow: '12.5' },
    'meadow hex': { ...sample(), meadow: '0x10' },
    'meadow leading zero': { ...sample(), meadow: '012' },
    'meadow negative': { ...sample(), meadow: '-1' },
    'meadow empty': { ...sample(), meadow: '' },
    'meadow 79 digits': { ...sample(), meadow: '9'.repeat(79) },
    'stable missing': { ...sample(), stable: undefined },
    'stable a number': { ...sample(), stable: 1500000 },
    'root missing': { ...sample(), root: undefined },
    'root short': { ...sample(), root: '0xab' },
    'proof not a list': { ...sample(), proof: H('b') },
    'proof entry bad': { ...sample(), proof: [H('b'), 'x'] },
    'history not a list': { ...sample(), history: {} },
    'history epoch 0': { ...sample(), history: [{ ...sample().history[0], epoch: 0 }] },
    'history amount bad': { ...sample(), history: [{ ...sample().history[0], meadow: '1.0' }] },
    'history tx missing': { ...sample(), history: [{ ...sample().history[0], tx: undefined }] },
    'history entry null': { ...sample(), history: [null] },
  };
  for (const [name, v] of Object.entries(broken)) assert.equal(parseRewards(v, ADDR), null, name);
});

test('earningsView: units, pending, settled amounts, epoch and the hint', () => {
  assert.deepEqual(earningsView(sample()), {
    units: '420', pending: '20', meadow: '12.3456 MEADOW', stable: '1.5000 stable', epoch: '3', hint: CLAIM_HINT,
  });
  assert.match(CLAIM_HINT, /meadow node claim/);
  const fresh = { ...sample(), units: 30, pending_units: 30, epoch: 0, root: H('0'), meadow: '0', stable: '0', proof: [], history: [] };
  assert.deepEqual(earningsView(fresh), {
    units: '30', pending: '30', meadow: '0.0000 MEADOW', stable: '0.0000 stable', epoch: 'none yet', hint: UNSETTLED_HINT,
  });
  assert.match(UNSETTLED_HINT, /Nothing is settled yet/);
  // Settled epochs, none of which paid this node yet.
  assert.equal(earningsView({ ...fresh, epoch: 2 }).hint, NO_LEAF_HINT);
  assert.equal(earningsView({ ...fresh, epoch: 2 }).epoch, '2');
  const dash = { units: '–', pending: '–', meadow: '–', stable: '–', epoch: '–', hint: '' };
  for (const v of [null, undefined, {}, 'x', { ...sample(), meadow: 12 }, { ...sample(), stable: '1e6' }]) {
    assert.deepEqual(earningsView(v), dash, JSON.stringify(v));
  }
  // Counts go through the formatter given (the popup's is toLocaleString).
  assert.equal(earningsView({ ...sample(), units: 1234567, pending_units: 0 }, (n) => `<${n}>`).units, '<1234567>');
});

// --- the coordinator client -------------------------------------------------

function fakeFetch(answer) {
  const calls = [];
  const fetchImpl = async (url, init) => {
    calls.push({ url, init });
    const a = typeof answer === 'function' ? answer(url) : answer;
    if (a instanceof Error) throw a;
    return new Response(a.text ?? JSON.stringify(a.body), { status: a.status ?? 200, headers: { 'Content-Type': 'application/json' } });
  };
  return { calls, fetchImpl };
}

test('Coordinator.nodeRewards: an unsigned GET of /v1/node/{address}/rewards?consistent=1', async () => {
  const { calls, fetchImpl } = fakeFetch({ body: sample() });
  const c = new Coordinator({ urls: ['http://c1.test'], key: newSecretKey(), chainId: 31337, fetchImpl });
  const r = await c.nodeRewards(ADDR);
  assert.deepEqual(parseRewards(r, ADDR), sample());
  assert.equal(calls.length, 1);
  assert.equal(calls[0].url, `http://c1.test/v1/node/${ADDR}/rewards?consistent=1`);
  assert.equal(calls[0].init.method, 'GET');
  assert.equal(calls[0].init.body, undefined);
  assert.equal(calls[0].init.headers, undefined, 'no envelope: the route is public');
  assert.equal(calls[0].init.credentials, 'omit');
});

test('Coordinator.nodeRewards: down, 404 and bad JSON are CoordErrors; a down member is skipped', async () => {
  const key = newSecretKey();
  const nf = fakeFetch({ status: 404, body: { error: { code: 'not_found', message: 'no such route' } } });
  await assert.rejects(new Coordinator({ urls: ['http://c1.test'], key, chainId: 31337, fetchImpl: nf.fetchImpl }).nodeRewards(ADDR),
    (e) => e instanceof CoordError && e.status === 404 && e.code === 'not_found');
  const bad = fakeFetch({ text: '{"address": "0x11', status: 200 });
  await assert.rejects(new Coordinator({ urls: ['http://c1.test'], key, chainId: 31337, fetchImpl: bad.fetchImpl }).nodeRewards(ADDR),
    (e) => e instanceof CoordError && e.code === 'bad_answer');
  const down = fakeFetch(new TypeError('Failed to fetch'));
  // One round (the retry rounds are coordclient.test.mjs's subject).
  await assert.rejects(new Coordinator({ urls: ['http://c1.test', 'http://c2.test'], key, chainId: 31337, fetchImpl: down.fetchImpl, rounds: 1 }).nodeRewards(ADDR),
    (e) => e instanceof CoordError && e.code === 'unreachable');
  assert.equal(down.calls.length, 2, 'every coordinator was tried');
  const one = fakeFetch((url) => (url.startsWith('http://c1.test') ? new TypeError('Failed to fetch') : { body: sample() }));
  const r = await new Coordinator({ urls: ['http://c1.test', 'http://c2.test'], key, chainId: 31337, fetchImpl: one.fetchImpl }).nodeRewards(ADDR);
  assert.deepEqual(parseRewards(r, ADDR), sample());
  // An answer that is JSON but not rewards reaches parseRewards, which refuses it.
  const arr = fakeFetch({ body: [1, 2] });
  assert.equal(parseRewards(await new Coordinator({ urls: ['http://c1.test'], key, chainId: 31337, fetchImpl: arr.fetchImpl }).nodeRewards(ADDR), ADDR), null);
});

// --- the popup ----------------------------------------------------------------

// A stand-in for the popup's document: every element popup.html declares,
// with the properties render sets. Asking for an id the page does not have
// fails the test.
function popupPage() {
  const html = fs.readFileSync(new URL('../src/popup.html', import.meta.url), 'utf8');
  const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
  const els = Object.fromEntries(ids.map((id) => [id, { textContent: '', hidden: /\sid="[^"]+"[^>]*\shidden/.test(html.match(new RegExp(`<[^>]*\\sid="${id}"[^>]*>`))[0]), checked: false, style: {} }]));
  const $ = (id) => {
    assert.ok(id in els, `popup.html has no element #${id}`);
    return els[id];
  };
  return { $, els };
}

const status = (extra) => ({
  version: '0.1.0', dev: false, address: ADDR, enabled: true, coordinators: ['https://c1.example.org'],
  usage: { day: '2025-01-01', bytes: 1024 * 1024, cap: 500 * 1024 * 1024 }, stats: { tasksDone: 4 },
  activity: 'waiting for work', lastError: null, lastErrorAt: 0,
  record: { address: ADDR, units: 420, pending_units: 20, tasks: 5, reputation: 990000 },
  rewards: null, ...extra,
});

test('the popup renders a rewards answer: units, pending, MEADOW, stable, epoch, claim hint', () => {
  const { $, els } = popupPage();
  render(status({ rewards: sample() }), $);
  assert.equal(els.accepted.textContent, '420');
  assert.equal(els.pending.textContent, '20');
  assert.equal(els.meadow.textContent, '12.3456 MEADOW');
  assert.equal(els.stable.textContent, '1.5000 stable');
  assert.equal(els.epoch.textContent, '3');
  assert.equal(els.earnhint.hidden, false);
  assert.match(els.earnhint.textContent, /meadow node claim/);
  assert.equal(els.tasks.textContent, '4');
  assert.equal(els.units.textContent, '5');
  assert.equal(els.reputation.textContent, '99.0 %');
  assert.equal(els.bytes.textContent, '1.0 MiB of 500 MiB');
  assert.equal(els.error.hidden, true);
  assert.ok(!('earnings' in els), 'the old placeholder is gone');
});

test('the popup before any settlement says nothing is settled yet', () => {
  const { $, els } = popupPage();
  const fresh = { address: ADDR, units: 30, pending_units: 30, epoch: 0, root: H('0'), meadow: '0', stable: '0', proof: [], history: [] };
  render(status({ rewards: fresh }), $);
  assert.equal(els.accepted.textContent, '30');
  assert.equal(els.pending.textContent, '30');
  assert.equal(els.meadow.textContent, '0.0000 MEADOW');
  assert.equal(els.stable.textContent, '0.0000 stable');
  assert.equal(els.epoch.textContent, 'none yet');
  assert.match(els.earnhint.textContent, /Nothing is settled yet/);
  assert.equal(els.earnhint.hidden, false);
});

test('the popup shows – for missing or malformed rewards, without an exception', () => {
  for (const rewards of [null, undefined, 'oops', [], { ...sample(), meadow: 12.5 }, { ...sample(), stable: '-1' }, { ...sample(), units: '420' }]) {
    const { $, els } = popupPage();
    assert.doesNotThrow(() => render(status({ rewards }), $), JSON.stringify(rewards));
    for (const id of ['meadow', 'stable', 'epoch']) assert.equal(els[id].textContent, '–', `#${id} for ${JSON.stringify(rewards)}`);
    assert.equal(els.earnhint.hidden, true);
    // Work units still come from the node record when the rewards cannot be read.
    assert.equal(els.accepted.textContent, '420');
    assert.equal(els.pending.textContent, '20');
  }
  // Neither record nor rewards (the coordinator is down, or none is set).
  const { $, els } = popupPage();
  render(status({ record: null, rewards: null, coordinators: [] }), $);
  for (const id of ['accepted', 'pending', 'meadow', 'stable', 'epoch', 'units', 'reputation']) assert.equal(els[id].textContent, '–', `#${id}`);
  assert.match(els.error.textContent, /No coordinator/);
  // A record with no pending_units (omitted when none) means none pending.
  const p = popupPage();
  render(status({ record: { units: 7, tasks: 1, reputation: 500000 } }), p.$);
  assert.equal(p.els.accepted.textContent, '7');
  assert.equal(p.els.pending.textContent, '0');
});

test('the popup offers "Claim without gas" with the fee before sending, then the transaction and the net amount, or the refusal naming the field', () => {
  const relay = { fee_bps: 100, max_fee_bps: 500, relayer: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8' };
  const claimable = { ...sample(), claimed_meadow: '2345678901234567890', claimed_stable: '500000' }; // 10 MEADOW and 1 stable to claim
  const { $, els } = popupPage();
  render(status({ rewards: claimable, relay }), $);
  assert.equal(els.claimbox.hidden, false);
  assert.equal(els.claimfee.textContent, "Relayer's fee 1%: 0.1000 MEADOW, 0.0100 stable");
  assert.equal(els.claimreceive.textContent, 'You receive 9.9000 MEADOW, 0.9900 stable at this address; no ether needed.');
  assert.equal(els.claim.textContent, 'Claim without gas');
  assert.equal(els.claimresult.hidden, true);
  // Not offered: no relayer, nothing left to claim, or the claimed amounts unknown.
  for (const [why, st] of [
    ['no relayer', status({ rewards: claimable, relay: null })],
    ['all claimed', status({ rewards: { ...sample(), claimed_meadow: sample().meadow, claimed_stable: sample().stable }, relay })],
    ['claimed unknown', status({ rewards: sample(), relay })],
  ]) {
    const p = popupPage();
    render(st, p.$);
    assert.equal(p.els.claimbox.hidden, true, why);
  }
  // Sending, then sent.
  render(status({ rewards: claimable, relay, claim: { busy: true } }), $);
  assert.equal(els.claim.disabled, true);
  assert.equal(els.claim.textContent, 'Sending the claim…');
  const tx = H('f');
  const result = { tx, lost: false, net_meadow: '9900000000000000000', net_stable: '990000', fee_meadow: '100000000000000000', fee_stable: '10000' };
  render(status({ rewards: { ...claimable, claimed_meadow: claimable.meadow, claimed_stable: claimable.stable }, relay, claim: { busy: false, result } }), $);
  assert.equal(els.claimresult.hidden, false);
  assert.equal(els.claimresult.textContent, `Sent in transaction ${tx}: you receive 9.9000 MEADOW and 0.9900 stable (the relayer keeps 0.1000 MEADOW and 0.0100 stable).`);
  // Refused: the words name the field.
  const error = { name: 'CoordError', status: 400, code: 'invalid', field: 'deadline', detail: 'deadline: the authorization expired' };
  render(status({ rewards: claimable, relay, claim: { busy: false, error } }), $);
  assert.equal(els.claimresult.textContent, 'The relayer refused the claim (field deadline): deadline: the authorization expired');
  assert.equal(els.claimresult.className, 'error');
  assert.equal(els.claimbox.hidden, false, 'offered again');
});
