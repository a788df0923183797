// Claims without gas from the extension (lib/claim.js): the claim
// authorization, its EIP-712 digest in the distributor's domain and the
// node's signature equal Go's (contracts/testdata/claim_authorization.json
// and the claim vectors of ext/test/testdata/go_vectors.json, both generated
// from package contracts); the fee is contracts.RelayFee of what the claim
// pays now; bad input is refused naming the field; and the whole claim goes
// through the coordinator client against HTTP servers on 127.0.0.1 (a member
// whose relayer has no ether, one that refuses, one that relays).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import {
  AUTHORIZATION_TTL_SECONDS, CLAIM_AUTHORIZATION_TYPE, DEFAULT_MAX_RELAY_FEE_BPS, MAX_RELAY_FEE_BPS, ZERO_ADDRESS, bpsPercent, buildClaim,
  checkAuthorization, claimDigest, claimErrorText, claimResultText, claimStructHash, claimView, claimWithoutGas, domainSeparator, parsePercentBps, parseRelayInfo,
  parseRelayResponse, relayFee, relayRequest, rewardsDomain, signClaimAuthorization,
} from '../src/lib/claim.js';
import { addressOf, addressOfPublicKey, newSecretKey } from '../src/lib/envelope.js';
import { fromHex, toHex, utf8Bytes } from '../src/lib/bytes.js';
import { Coordinator, CoordError } from '../src/node/coordinator.js';

const repoFile = (p) => new URL(`../../${p}`, import.meta.url);
// The deadline of the extremes case is 2^64-1, past a double: read as a string.
const claimFile = JSON.parse(fs.readFileSync(repoFile('contracts/testdata/claim_authorization.json'), 'utf8').replace(/"deadline": (\d+)/g, '"deadline": "$1"'));
const V = JSON.parse(fs.readFileSync(new URL('./testdata/go_vectors.json', import.meta.url), 'utf8')).claim;
const hex = (b) => '0x' + toHex(b);

test('the struct hash, digest and signature equal contracts/testdata/claim_authorization.json (Go and the distributor)', () => {
  assert.equal(claimFile.type, CLAIM_AUTHORIZATION_TYPE);
  assert.equal(hex(keccak_256(utf8Bytes(CLAIM_AUTHORIZATION_TYPE))), claimFile.type_hash);
  // genclaimvectors' testKey("node").
  const key = keccak_256(utf8Bytes('meadow claim vector key node'));
  assert.ok(claimFile.cases.length >= 7);
  for (const c of claimFile.cases) {
    const d = { name: c.domain_name, version: c.domain_version, chainId: BigInt(c.chain_id), verifyingContract: c.verifying_contract };
    const a = { ...c, deadline: BigInt(c.deadline) };
    assert.equal(addressOf(key), c.account, c.name);
    assert.equal(hex(domainSeparator(d)), c.domain_separator, `${c.name}: domain separator`);
    assert.equal(hex(claimStructHash(a)), c.struct_hash, `${c.name}: struct hash`);
    assert.equal(hex(claimDigest(a, d)), c.digest, `${c.name}: digest`);
    assert.equal(signClaimAuthorization(key, d, a), c.signature, `${c.name}: signature (r‖s‖v, v 27 or 28)`);
  }
});

test('relayFee is contracts.RelayFee: basis points of what the claim pays, rounded down', () => {
  assert.ok(V.relay_fee.length > 50);
  for (const v of V.relay_fee) assert.equal(relayFee(BigInt(v.paid), v.bps).toString(), v.fee, `${v.paid} at ${v.bps} bps`);
  assert.equal(relayFee(-5n, 100), 0n, 'nothing paid, no fee');
});

test('buildClaim signs what `meadow node claim` signs for a node without ether (Go-built vectors)', () => {
  assert.ok(V.claims.length >= 5);
  for (const c of V.claims) {
    const key = fromHex(c.key, { length: 32 });
    const rewards = {
      address: c.account, units: 10, pending_units: 0, epoch: 2, root: '0x' + 'ab'.repeat(32),
      meadow: c.cumulative_meadow, stable: c.cumulative_stable, claimed_meadow: c.claimed_meadow, claimed_stable: c.claimed_stable,
      proof: ['0x' + '11'.repeat(32)], history: [],
    };
    const chain = { chain_id: c.chain_id, distributor: c.distributor, registry: c.distributor, relay: { fee_bps: c.fee_bps, max_fee_bps: 500, relayer: ZERO_ADDRESS.replace(/0$/, '1') } };
    // The vectors' fees go up to the distributor's limit: the user's limit is set there.
    const b = buildClaim({ rewards, chain, address: c.account, maxFeeBps: MAX_RELAY_FEE_BPS, nowSeconds: c.now });
    assert.deepEqual(b.authorization, {
      account: c.account, cumulative_meadow: c.cumulative_meadow, cumulative_stable: c.cumulative_stable, payout: c.payout,
      fee_meadow: c.fee_meadow, fee_stable: c.fee_stable, deadline: c.deadline,
    }, c.name);
    assert.equal(c.deadline, c.now + AUTHORIZATION_TTL_SECONDS);
    assert.equal(hex(claimDigest(b.authorization, b.domain)), c.digest, `${c.name}: digest`);
    const sig = signClaimAuthorization(key, b.domain, b.authorization);
    assert.equal(sig, c.signature, `${c.name}: signature`);
    // The quote is what the popup shows: gross, fee and net of what the claim pays now.
    const paidM = BigInt(c.cumulative_meadow) - BigInt(c.claimed_meadow);
    assert.equal(b.quote.fee_meadow, c.fee_meadow);
    assert.equal(BigInt(b.quote.net_meadow) + BigInt(b.quote.fee_meadow), paidM > 0n ? paidM : 0n);
    // The request carries exactly api.RelayClaimRequest's fields.
    const req = relayRequest(b.authorization, b.proof, sig);
    assert.deepEqual(Object.keys(req).sort(), ['account', 'cumulative_meadow', 'cumulative_stable', 'deadline', 'fee_meadow', 'fee_stable', 'payout', 'proof', 'signature']);
  }
});

// A node with something to claim, as a member with a chain answers.
const nodeKey = keccak_256(utf8Bytes('meadow claim test node'));
const NODE = addressOf(nodeKey);
const DIST = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
const RELAYER = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const rewardsOf = (over = {}) => ({
  address: NODE, units: 40, pending_units: 0, epoch: 1, root: '0x' + 'cd'.repeat(32),
  meadow: '5000000000000000000', stable: '2000000', claimed_meadow: '1000000000000000000', claimed_stable: '0',
  proof: ['0x' + '22'.repeat(32)], history: [], ...over,
});
const chainOf = (over = {}) => ({ chain_id: 1337, distributor: DIST, registry: RELAYER, relay: { fee_bps: 100, max_fee_bps: 500, relayer: RELAYER }, ...over });

test('bad input is refused with an error naming the field', () => {
  const base = { rewards: rewardsOf(), chain: chainOf(), address: NODE, nowSeconds: 1_800_000_000 };
  const cases = [
    ['no relay', { chain: chainOf({ relay: undefined }) }, /^relay: /],
    ['relay fee above the cap', { chain: chainOf({ relay: { fee_bps: 501, max_fee_bps: 500, relayer: RELAYER } }) }, /^relay\.fee_bps 501/],
    ['relayer not an address', { chain: chainOf({ relay: { fee_bps: 1, max_fee_bps: 500, relayer: 'x' } }) }, /address/],
    ['chain id 0', { chain: chainOf({ chain_id: 0 }) }, /^chain_id 0/],
    ['distributor zero', { chain: chainOf({ distributor: ZERO_ADDRESS }) }, /^distributor 0x0+: expected the distributor's address, not zero/],
    ['distributor missing', { chain: chainOf({ distributor: undefined }) }, /^distributor /],
    ['claimed amounts missing', { rewards: rewardsOf({ claimed_meadow: undefined, claimed_stable: undefined }) }, /^claimed_meadow: /],
    ['claimed amount malformed', { rewards: rewardsOf({ claimed_meadow: '1.5' }) }, /^rewards: /],
    ['another node', { address: RELAYER }, /^rewards: /],
    ['nothing new', { rewards: rewardsOf({ claimed_meadow: '5000000000000000000', claimed_stable: '2000000' }) }, /^nothing new to claim/],
    ['payout not an address', { payout: '0x12' }, /address/],
    ['clock', { nowSeconds: 0 }, /^now 0/],
    ['relay fee above the user\'s limit', { maxFeeBps: 50 }, /^relay\.fee_bps: the relayer asks 1%, above your limit of 0\.5%; raise "Highest relay fee"/],
    ['limit above the distributor\'s', { maxFeeBps: 501 }, /^maxRelayFeeBps 501: expected basis points from 0 to 500/],
    ['limit negative', { maxFeeBps: -1 }, /^maxRelayFeeBps -1/],
    ['limit not whole', { maxFeeBps: 1.5 }, /^maxRelayFeeBps 1\.5/],
  ];
  for (const [name, over, re] of cases) assert.throws(() => buildClaim({ ...base, ...over }), { message: re }, name);
  const a = buildClaim(base).authorization;
  for (const [field, v, re] of [
    ['account', ZERO_ADDRESS, /^account 0x0+: expected the node's address, not zero/],
    ['cumulative_meadow', '-1', /^cumulative_meadow "-1"/],
    ['cumulative_stable', (2n ** 256n).toString(), /^cumulative_stable/],
    ['fee_meadow', '5000000000000000001', /^fee_meadow 5000000000000000001: expected at most the cumulative total/],
    ['fee_stable', '01', /^fee_stable "01"/],
    ['deadline', 0, /^deadline 0/],
    ['deadline', 1.5, /^deadline 1.5/],
    ['payout', 'me', /payout|address/],
  ]) assert.throws(() => checkAuthorization({ ...a, [field]: v }), { message: re }, `${field} ${v}`);
  assert.throws(() => signClaimAuthorization(newSecretKey(), rewardsDomain(chainOf()), a), { message: /the key is 0x[0-9a-fA-F]{40}'s, the authorization claims for/ });
  assert.throws(() => relayRequest(a, ['0x12'], '0x' + '00'.repeat(65)), { message: /^proof\[0\]/ });
  assert.throws(() => relayRequest(a, [], '0x12'), { message: /signature/ });
  const res = { tx: '0x' + 'ee'.repeat(32), relayer: RELAYER, account: NODE, payout: NODE, meadow: '4', stable: '2', fee_meadow: '1', fee_stable: '0' };
  assert.equal(parseRelayResponse(res).net_meadow, '3');
  assert.throws(() => parseRelayResponse({ ...res, tx: '0x' + '00'.repeat(32) }), { message: /^tx / });
  assert.throws(() => parseRelayResponse({ ...res, fee_meadow: '5' }), { message: /^fee_meadow 5: expected at most what the claim pays, 4/ });
  assert.throws(() => parseRelayResponse({ ...res, stable: 2 }), { message: /^stable 2/ });
  assert.throws(() => parseRelayInfo({ fee_bps: -1, max_fee_bps: 500, relayer: RELAYER }), { message: /^relay\.fee_bps -1/ });
  assert.equal(parseRelayInfo(undefined), null);
  assert.equal(MAX_RELAY_FEE_BPS, 500);
});

test('a payout address is signed into the claim; the fee limit is read as cmd/meadow\'s --max-fee', () => {
  const wallet = '0x52908400098527886E0F7030069857D2E4169EE7';
  const b = buildClaim({ rewards: rewardsOf(), chain: chainOf(), address: NODE, payout: wallet, maxFeeBps: 100, nowSeconds: 1_800_000_000 });
  assert.equal(b.authorization.payout, wallet);
  assert.equal(relayRequest(b.authorization, b.proof, '0x' + '11'.repeat(65)).payout, wallet);
  assert.notEqual(claimStructHash(b.authorization), claimStructHash({ ...b.authorization, payout: ZERO_ADDRESS }), 'the payout is signed');
  assert.equal(DEFAULT_MAX_RELAY_FEE_BPS, 100, "meadow node claim --max-fee's default, 1%");
  for (const [raw, want] of [['1', 100], ['0.5', 50], [' 1.25 % ', 125], ['5', 500], ['0', 0], ['0.05', 5], ['2.5%', 250]]) assert.equal(parsePercentBps(raw), want, raw);
  for (const raw of ['5.01', '-1', 'abc', '', '0.005', '1,5', '6']) {
    assert.throws(() => parsePercentBps(raw), { message: /^Highest relay fee ".*": expected a percentage from 0 to 5 with at most two decimals/ }, raw);
  }
});

test('claimView offers the claim only with something to claim, the claimed amounts and a relay, and shows the fee first', () => {
  const v = claimView(rewardsOf(), chainOf().relay);
  // 4 MEADOW and 2 stable to claim now; 1% of each.
  assert.deepEqual(v, {
    show: true, blocked: false,
    fee: "Relayer's fee 1%: 0.0400 MEADOW, 0.0200 stable",
    receive: 'You receive 3.9600 MEADOW, 1.9800 stable at this address; no ether needed.',
  });
  // The user's settings: a payout address is named; a fee above the limit
  // is shown with the limit and blocks the claim.
  const wallet = '0x52908400098527886E0F7030069857D2E4169EE7';
  assert.equal(claimView(rewardsOf(), chainOf().relay, { payout: wallet, maxRelayFeeBps: 100 }).receive,
    `You receive 3.9600 MEADOW, 1.9800 stable at ${wallet}; no ether needed.`);
  assert.equal(claimView(rewardsOf(), chainOf().relay, { payout: '', maxRelayFeeBps: 100 }).receive, v.receive);
  assert.deepEqual(claimView(rewardsOf(), chainOf().relay, { payout: wallet, maxRelayFeeBps: 99 }), {
    show: true, blocked: true, fee: v.fee,
    receive: 'That is above your limit of 0.99%: raise "Highest relay fee" in Settings to claim through this relayer.',
  });
  assert.equal(claimView(rewardsOf(), undefined).show, false, 'no relayer');
  assert.equal(claimView(rewardsOf({ claimed_meadow: undefined, claimed_stable: undefined }), chainOf().relay).show, false, 'claimed unknown');
  assert.equal(claimView(rewardsOf({ claimed_meadow: '5000000000000000000', claimed_stable: '2000000' }), chainOf().relay).show, false, 'all claimed');
  assert.equal(claimView(null, chainOf().relay).show, false);
  assert.equal(bpsPercent(100), '1%');
  assert.equal(bpsPercent(25), '0.25%');
  assert.equal(bpsPercent(50), '0.5%');
  assert.equal(bpsPercent(500), '5%');
});

test('a claim whose fees reach neither of the relayer\'s minimums is not signed, and the popup says how much must be settled first', () => {
  const relay = (min) => ({ fee_bps: 100, max_fee_bps: 500, relayer: RELAYER, ...min });
  const base = { rewards: rewardsOf(), address: NODE, nowSeconds: 1_800_000_000 };
  // 4 MEADOW and 2 stable to claim: fees 0.04 MEADOW and 0.02 stable.
  const goes = relay({ min_fee_meadow: '1000000000000000000', min_fee_stable: '10000' });
  assert.equal(buildClaim({ ...base, chain: chainOf({ relay: goes }) }).authorization.fee_stable, '20000', 'the stable fee reaches 0.01');
  assert.equal(claimView(rewardsOf(), goes).blocked, false);
  const small = relay({ min_fee_meadow: '1000000000000000000', min_fee_stable: '30000' });
  const words = 'Too small to relay yet: the relayer\'s fee would be under its minimum of 1.0000 MEADOW or 0.0300 stable (what sending a claim costs it in gas); ' +
    'claim once 100.0000 MEADOW or 3.0000 stable are settled and unclaimed.';
  assert.throws(() => buildClaim({ ...base, chain: chainOf({ relay: small }) }), (e) => e.field === 'relay.min_fee' && e.message === `relay.min_fee: ${words}`);
  assert.deepEqual(claimView(rewardsOf(), small), { show: true, blocked: true, fee: "Relayer's fee 1%: 0.0400 MEADOW, 0.0200 stable", receive: words });
  // One minimum alone; none.
  assert.equal(claimView(rewardsOf(), relay({ min_fee_stable: '20000' })).blocked, false);
  assert.equal(claimView(rewardsOf(), relay({ min_fee_meadow: '40000000000000001' })).receive,
    'Too small to relay yet: the relayer\'s fee would be under its minimum of 0.0400 MEADOW (what sending a claim costs it in gas); claim once 4.0000 MEADOW are settled and unclaimed.');
  assert.equal(claimView(rewardsOf(), relay({})).blocked, false);
  // Strings, as the API spells them: the service worker sends the parsed
  // relay to the popup as JSON, and the popup parses it again.
  const info = parseRelayInfo(small);
  assert.equal(info.min_fee_meadow, '1000000000000000000');
  assert.equal(info.min_fee_stable, '30000');
  assert.deepEqual(parseRelayInfo(JSON.parse(JSON.stringify(info))), info);
  assert.equal(claimView(rewardsOf(), JSON.parse(JSON.stringify(info))).receive, words);
  assert.equal(parseRelayInfo(relay({})).min_fee_meadow, '0');
  assert.throws(() => parseRelayInfo(relay({ min_fee_stable: '01' })), { message: /^relay\.min_fee_stable "01"/ });
  assert.throws(() => parseRelayInfo(relay({ min_fee_meadow: 5 })), { message: /^relay\.min_fee_meadow 5/ });
});

// --- the claim through the coordinator client -------------------------------

const servers = [];
after(() => Promise.all(servers.map((s) => new Promise((r) => { s.closeAllConnections(); s.close(r); }))));

/** member serves GET /v1/chain, the rewards and POST /v1/rewards/relay on 127.0.0.1; relay(body, res) answers the relay. */
async function member({ rewards = () => rewardsOf(), relay }) {
  const m = { url: '', relays: [] };
  const srv = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      const send = (status, v) => { res.writeHead(status, { 'Content-Type': 'application/json' }); res.end(JSON.stringify(v)); };
      if (req.method === 'GET' && req.url === '/v1/chain') return send(200, chainOf());
      if (req.method === 'GET' && req.url === `/v1/node/${NODE}/rewards?consistent=1`) return send(200, rewards());
      if (req.method === 'POST' && req.url === '/v1/rewards/relay') {
        assert.equal(req.headers['content-type'], 'application/json');
        m.relays.push(JSON.parse(body));
        return relay(JSON.parse(body), send);
      }
      send(404, { error: { code: 'not_found', message: req.url } });
    });
  });
  servers.push(srv);
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  m.url = `http://127.0.0.1:${srv.address().port}`;
  return m;
}

const fast = { timeoutMs: 800, backoffMs: 20, maxBackoffMs: 100, deadlineMs: 20000 };
const TX = '0x' + '9a'.repeat(32);

/** recover returns who signed a relay request in the distributor's domain. */
function signerOf(req) {
  const sig = fromHex(req.signature, { length: 65 });
  const rec = new Uint8Array(65);
  rec[0] = sig[64] - 27;
  rec.set(sig.subarray(0, 64), 1);
  return addressOfPublicKey(secp256k1.recoverPublicKey(rec, claimDigest(req, rewardsDomain(chainOf())), { prehash: false }));
}

test('claimWithoutGas: a member whose relayer has no ether (503) is passed over; the next relays; the answer says the net amount', async () => {
  const unfunded = await member({ relay: (b, send) => send(503, { error: { code: 'unavailable', message: 'coord: the relayer has no ether for gas: relayer 0x… holds 0 ether' } }) });
  const good = await member({
    relay: (b, send) => send(200, { tx: TX, relayer: RELAYER, account: b.account, payout: NODE, meadow: '4000000000000000000', stable: '2000000', fee_meadow: b.fee_meadow, fee_stable: b.fee_stable }),
  });
  const coord = new Coordinator({ urls: [unfunded.url, good.url], key: nodeKey, chainId: 1337, ...fast });
  const now = Date.UTC(2027, 0, 1);
  const res = await claimWithoutGas(coord, { key: nodeKey, address: NODE, nowMs: now });
  assert.equal(unfunded.relays.length, 1);
  assert.equal(good.relays.length, 1);
  const req = good.relays[0];
  assert.deepEqual(req, unfunded.relays[0], 'the same signed request to each member');
  assert.equal(signerOf(req), NODE, "the node's key signed it in the distributor's domain");
  assert.equal(req.payout, ZERO_ADDRESS, 'payout zero: the account');
  assert.equal(req.fee_meadow, '40000000000000000', '1% of 5 MEADOW cumulative less 1 claimed');
  assert.equal(req.fee_stable, '20000');
  assert.equal(req.deadline, now / 1000 + 3600);
  assert.deepEqual(req.proof, rewardsOf().proof);
  assert.equal(res.tx, TX);
  assert.equal(res.net_meadow, '3960000000000000000');
  assert.equal(res.net_stable, '1980000');
  assert.equal(res.lost, false);
  assert.match(claimResultText(res), new RegExp(`^Sent in transaction ${TX}: you receive 3\\.9600 MEADOW and 1\\.9800 stable \\(the relayer keeps 0\\.0400 MEADOW and 0\\.0200 stable\\)\\.$`));
});

test('claimWithoutGas: a refusal is final and its words name the field', async () => {
  const refusing = await member({ relay: (b, send) => send(400, { error: { code: 'invalid', field: 'fee_meadow', message: 'fee_meadow 1: this relayer asks 200 basis points' } }) });
  const other = await member({ relay: () => assert.fail('a 400 is not retried elsewhere') });
  const coord = new Coordinator({ urls: [refusing.url, other.url], key: nodeKey, chainId: 1337, ...fast });
  const err = await claimWithoutGas(coord, { key: nodeKey, address: NODE }).then(() => null, (e) => e);
  assert.ok(err instanceof CoordError, String(err));
  assert.equal(err.field, 'fee_meadow');
  assert.equal(claimErrorText(err), 'The relayer refused the claim (field fee_meadow): fee_meadow 1: this relayer asks 200 basis points');
  assert.equal(other.relays.length, 0);
  assert.match(claimErrorText(new CoordError(503, 'unavailable', '', 'no ether', 'u')), /^No coordinator could relay the claim now: no ether$/);
  assert.match(claimErrorText(new Error('claimed_meadow: unknown')), /^The claim was not sent: claimed_meadow/);
});

test('claimWithoutGas: an answer lost on the way back, with the claim paid on chain, is a success', async () => {
  let paid = false;
  const m = await member({
    rewards: () => (paid ? rewardsOf({ claimed_meadow: '5000000000000000000', claimed_stable: '2000000' }) : rewardsOf()),
    relay: (b, send) => { paid = true; send(502, { error: { code: 'bad_gateway', message: 'proxy lost the answer' } }); },
  });
  const coord = new Coordinator({ urls: [m.url], key: nodeKey, chainId: 1337, ...fast, rounds: 1 });
  const res = await claimWithoutGas(coord, { key: nodeKey, address: NODE });
  assert.equal(res.lost, true);
  assert.equal(res.tx, null);
  assert.match(claimResultText(res), /paid/);
});
