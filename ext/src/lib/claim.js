// Claims without gas (docs/ARCHITECTURE.md, "Claims without gas"): the node
// holds no ether, so it signs a claim authorization and a coordinator's
// relayer sends it (POST /v1/rewards/relay), keeping a fee out of what the
// claim pays. Everything here mirrors the Go code byte for byte:
//   contracts/relay.go   ClaimAuthorization, its EIP-712 struct hash and
//                        digest in the distributor's domain, RelayFee
//   contracts/eip712.go  the domain (MeadowRewards, 1, chain id, distributor)
//                        and r‖s‖v signatures with v 27 or 28
//   cmd/meadow/claimrelay.go  what `meadow node claim` signs for a key with
//                        no ether: the leaf's cumulative totals, payout zero
//                        (the account), the relayer's fee of cumulative minus
//                        already claimed, a deadline an hour ahead
// and is checked against contracts/testdata/claim_authorization.json and
// Go's RelayFee (ext/test/testdata/go_vectors.json). No browser APIs: the
// service worker uses these, Node's tests import them directly.

import { secp256k1 } from '@noble/curves/secp256k1.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { concat, fromHex, toHex, typeName, utf8Bytes } from './bytes.js';
import { addressOf, parseAddress, secretKeyBytes, toChecksumAddress } from './envelope.js';
import { formatTokens, isAmount, MEADOW_DECIMALS, parseRewards, STABLE_DECIMALS } from './rewards.js';

export const DOMAIN_TYPE = 'EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)';
export const CLAIM_AUTHORIZATION_TYPE = 'ClaimAuthorization(address account,uint256 cumulativeMeadow,uint256 cumulativeStable,address payout,uint256 feeMeadow,uint256 feeStable,uint256 deadline)';
/** REWARDS_DOMAIN_NAME and DOMAIN_VERSION are contracts.RewardsDomainName and DomainVersion. */
export const REWARDS_DOMAIN_NAME = 'MeadowRewards';
export const DOMAIN_VERSION = '1';
/** MAX_RELAY_FEE_BPS is the distributor's MAX_RELAY_FEE_BPS (5 %). */
export const MAX_RELAY_FEE_BPS = 500;
/**
 * DEFAULT_MAX_RELAY_FEE_BPS is the largest relay fee a claim accepts unless
 * the user sets another in the settings: `meadow node claim --max-fee`'s
 * default, 1 %.
 */
export const DEFAULT_MAX_RELAY_FEE_BPS = 100;
/** AUTHORIZATION_TTL_SECONDS is cmd/meadow's relayAuthorizationTTL. */
export const AUTHORIZATION_TTL_SECONDS = 3600;
export const ZERO_ADDRESS = '0x' + '0'.repeat(40);

const MAX_UINT256 = (1n << 256n) - 1n;
const MAX_UINT64 = (1n << 64n) - 1n;
const BYTES32 = /^0x[0-9a-fA-F]{64}$/;

const bad = (field, value, want) => new TypeError(`${field} ${value}: expected ${want}`);
const k256 = (...parts) => keccak_256(concat(...parts));

function word(v) {
  let x = BigInt(v);
  const b = new Uint8Array(32);
  for (let i = 31; i >= 0; i--) { b[i] = Number(x & 255n); x >>= 8n; }
  return b;
}

function addressWord(a) { return concat(new Uint8Array(12), parseAddress(a)); }

/** uint256 reads a decimal amount string (api's spelling) as a BigInt, or throws naming field. */
function uint256(field, s) {
  if (!isAmount(s)) throw bad(field, JSON.stringify(s), 'a decimal amount of base units without sign or leading zeros');
  const v = BigInt(s);
  if (v > MAX_UINT256) throw bad(field, s, 'at most 2^256-1');
  return v;
}

/**
 * relayFee is contracts.RelayFee: bps basis points of paid, rounded down;
 * 0 when paid is not positive.
 */
export function relayFee(paid, bps) {
  const p = BigInt(paid), b = BigInt(bps);
  if (p <= 0n) return 0n;
  if (b < 0n) throw bad('fee_bps', String(bps), 'a number of basis points from 0');
  return (p * b) / 10000n;
}

/**
 * parseRelayInfo checks GET /v1/chain's relay (api.RelayInfo) and returns
 * {fee_bps, max_fee_bps, relayer, min_fee_meadow, min_fee_stable} (the
 * minimums as decimal strings of base units, '0' when absent), null when
 * absent (that member relays nothing), or throws naming the field. It
 * takes its own answer again unchanged (the popup checks what the service
 * worker parsed).
 */
export function parseRelayInfo(v) {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'object' || Array.isArray(v)) throw bad('relay', typeName(v), 'an object');
  const bps = (f) => {
    if (!Number.isSafeInteger(v[f]) || v[f] < 0 || v[f] > MAX_RELAY_FEE_BPS) throw bad(`relay.${f}`, JSON.stringify(v[f]), `basis points from 0 to ${MAX_RELAY_FEE_BPS}`);
    return v[f];
  };
  const feeBps = bps('fee_bps'), maxFeeBps = bps('max_fee_bps');
  if (typeof v.relayer !== 'string') throw bad('relay.relayer', typeName(v.relayer), "the relayer's address");
  parseAddress(v.relayer);
  // Kept as the API's decimal strings: the service worker sends this
  // object to the popup as JSON, which has no BigInt.
  const minFee = (f) => (v[f] === undefined ? '0' : uint256(`relay.${f}`, v[f]).toString());
  return { fee_bps: feeBps, max_fee_bps: maxFeeBps, relayer: v.relayer, min_fee_meadow: minFee('min_fee_meadow'), min_fee_stable: minFee('min_fee_stable') };
}

/**
 * belowMinFee is the words of a claim whose fees reach neither of the
 * relayer's minimums (api.RelayInfo min_fee_meadow, min_fee_stable: what
 * sending a claim costs it in gas), which it would refuse; '' when the
 * claim goes (as cmd/meadow's relayMinFee).
 */
export function belowMinFee(relay, feeM, feeS) {
  const tokens = [['MEADOW', MEADOW_DECIMALS, feeM, relay.min_fee_meadow], ['stable', STABLE_DECIMALS, feeS, relay.min_fee_stable]];
  const want = [], need = [];
  for (const [name, decimals, fee, min] of tokens) {
    const floor = BigInt(min ?? 0);
    if (floor <= 0n) continue;
    if (fee >= floor) return '';
    want.push(`${formatTokens(floor.toString(), decimals)} ${name}`);
    if (relay.fee_bps > 0) need.push(`${formatTokens(((floor * 10000n + BigInt(relay.fee_bps) - 1n) / BigInt(relay.fee_bps)).toString(), decimals)} ${name}`);
  }
  if (want.length === 0) return '';
  return `Too small to relay yet: the relayer's fee would be under its minimum of ${want.join(' or ')} (what sending a claim costs it in gas)` +
    (need.length ? `; claim once ${need.join(' or ')} are settled and unclaimed.` : '.');
}

/**
 * rewardsDomain is contracts.Chain.RewardsDomain from GET /v1/chain's
 * answer (api.ChainInfo): the distributor's EIP-712 domain.
 */
export function rewardsDomain(chain) {
  if (!chain || typeof chain !== 'object') throw bad('chain', typeName(chain), "GET /v1/chain's answer");
  if (!Number.isSafeInteger(chain.chain_id) || chain.chain_id < 1) throw bad('chain_id', JSON.stringify(chain.chain_id), "the chain's id, a positive integer");
  if (typeof chain.distributor !== 'string') throw bad('distributor', typeName(chain.distributor), "the distributor's address");
  const d = parseAddress(chain.distributor);
  if (d.every((x) => x === 0)) throw bad('distributor', chain.distributor, "the distributor's address, not zero");
  return { name: REWARDS_DOMAIN_NAME, version: DOMAIN_VERSION, chainId: BigInt(chain.chain_id), verifyingContract: toChecksumAddress(d) };
}

/** domainSeparator is contracts.Domain.Separator. */
export function domainSeparator(d) {
  return k256(keccak_256(utf8Bytes(DOMAIN_TYPE)), keccak_256(utf8Bytes(d.name)), keccak_256(utf8Bytes(d.version)),
    word(d.chainId), addressWord(d.verifyingContract));
}

/**
 * checkAuthorization is contracts.ClaimAuthorization.Validate: it returns
 * the authorization with its amounts as BigInts, or throws naming the
 * field. a: {account, cumulative_meadow, cumulative_stable, payout,
 * fee_meadow, fee_stable, deadline}, amounts as decimal strings (the
 * request's spelling), deadline unix seconds.
 */
export function checkAuthorization(a) {
  if (!a || typeof a !== 'object') throw bad('authorization', typeName(a), 'an object');
  for (const f of ['account', 'payout']) {
    if (typeof a[f] !== 'string') throw bad(f, typeName(a[f]), 'an address');
    parseAddress(a[f]);
  }
  if (BigInt(a.account) === 0n) throw bad('account', a.account, "the node's address, not zero");
  const v = {
    account: a.account, payout: a.payout,
    cumulativeMeadow: uint256('cumulative_meadow', a.cumulative_meadow), cumulativeStable: uint256('cumulative_stable', a.cumulative_stable),
    feeMeadow: uint256('fee_meadow', a.fee_meadow), feeStable: uint256('fee_stable', a.fee_stable),
  };
  if (v.feeMeadow > v.cumulativeMeadow) throw bad('fee_meadow', a.fee_meadow, `at most the cumulative total ${a.cumulative_meadow}`);
  if (v.feeStable > v.cumulativeStable) throw bad('fee_stable', a.fee_stable, `at most the cumulative total ${a.cumulative_stable}`);
  const dl = typeof a.deadline === 'bigint' ? a.deadline : Number.isSafeInteger(a.deadline) ? BigInt(a.deadline) : -1n;
  if (dl < 1n || dl > MAX_UINT64) throw bad('deadline', String(a.deadline), 'a unix time in seconds, from 1');
  v.deadline = dl;
  return v;
}

/** claimStructHash is contracts.ClaimAuthorization.StructHash. */
export function claimStructHash(a) {
  const v = checkAuthorization(a);
  return k256(keccak_256(utf8Bytes(CLAIM_AUTHORIZATION_TYPE)), addressWord(v.account), word(v.cumulativeMeadow), word(v.cumulativeStable),
    addressWord(v.payout), word(v.feeMeadow), word(v.feeStable), word(v.deadline));
}

/** claimDigest is contracts.ClaimAuthorization.Digest: keccak256(0x19 0x01 ‖ separator ‖ struct hash). */
export function claimDigest(a, d) { return k256(Uint8Array.of(0x19, 0x01), domainSeparator(d), claimStructHash(a)); }

/**
 * signClaimAuthorization is contracts.SignClaimAuthorization: r‖s‖v (v 27
 * or 28, low s, RFC 6979) by the node's key over the digest, as 0x and 130
 * hex digits. The key must be the account's: the contract counts no other.
 */
export function signClaimAuthorization(key, d, a) {
  const sk = secretKeyBytes(key);
  const h = claimDigest(a, d);
  const from = addressOf(sk);
  if (from.toLowerCase() !== a.account.toLowerCase()) throw new Error(`the key is ${from}'s, the authorization claims for ${a.account}`);
  const sig = secp256k1.sign(h, sk, { prehash: false, format: 'recovered' });
  // noble puts the recovery byte first; the distributor (OpenZeppelin ECDSA) wants r ‖ s ‖ v, v = 27 + recovery.
  return '0x' + toHex(concat(sig.subarray(1), Uint8Array.of(sig[0] + 27)));
}

/**
 * buildClaim makes what `meadow node claim` signs for a node without ether,
 * from the node's rewards (api.NodeRewards with claimed_meadow and
 * claimed_stable) and the coordinators' chain description (api.ChainInfo
 * with relay): the leaf's cumulative totals, payout (zero: the account),
 * the relayer's fee in each token of what the claim pays now, a deadline
 * AUTHORIZATION_TTL_SECONDS after nowSeconds (the later of the local and
 * the coordinators' clocks: the extension cannot read the chain's).
 * It returns {authorization, proof, domain, quote} or throws an error
 * naming what is missing.
 */
export function buildClaim({ rewards, chain, address, payout = ZERO_ADDRESS, maxFeeBps = DEFAULT_MAX_RELAY_FEE_BPS, nowSeconds }) {
  const r = parseRewards(rewards, address);
  if (!r) throw new TypeError("rewards: the coordinators' rewards answer is malformed or about another node");
  const domain = rewardsDomain(chain);
  const relay = parseRelayInfo(chain.relay);
  if (!relay) throw new Error('relay: the coordinator relays no claims (GET /v1/chain has no relay); claim with "meadow node claim" and a key that holds ether');
  if (relay.fee_bps > MAX_RELAY_FEE_BPS) throw bad('relay.fee_bps', String(relay.fee_bps), `at most ${MAX_RELAY_FEE_BPS}`);
  checkMaxFee(maxFeeBps);
  if (relay.fee_bps > maxFeeBps) throw feeAboveLimit(relay.fee_bps, maxFeeBps);
  if (r.claimed_meadow === undefined) {
    throw new Error('claimed_meadow: the coordinators did not say what the distributor already paid this node (no chain, or it could not be read): the fee cannot be computed; try again later');
  }
  if (typeof payout !== 'string') throw bad('payout', typeName(payout), 'an address');
  parseAddress(payout);
  if (!Number.isSafeInteger(nowSeconds) || nowSeconds < 1) throw bad('now', String(nowSeconds), 'unix seconds');
  const cumM = BigInt(r.meadow), cumS = BigInt(r.stable);
  const paidM = cumM - BigInt(r.claimed_meadow), paidS = cumS - BigInt(r.claimed_stable);
  if (paidM <= 0n && paidS <= 0n) throw new Error(`nothing new to claim: node ${r.address} already claimed everything settled up to epoch ${r.epoch}`);
  const feeM = relayFee(paidM, relay.fee_bps), feeS = relayFee(paidS, relay.fee_bps);
  const small = belowMinFee(relay, feeM, feeS);
  if (small) {
    const e = new Error(`relay.min_fee: ${small}`);
    e.field = 'relay.min_fee';
    throw e;
  }
  const authorization = {
    account: toChecksumAddress(r.address), cumulative_meadow: r.meadow, cumulative_stable: r.stable, payout,
    fee_meadow: feeM.toString(), fee_stable: feeS.toString(), deadline: nowSeconds + AUTHORIZATION_TTL_SECONDS,
  };
  checkAuthorization(authorization);
  const pos = (x) => (x > 0n ? x : 0n);
  return {
    authorization, proof: r.proof, domain, epoch: r.epoch,
    quote: {
      fee_bps: relay.fee_bps, relayer: relay.relayer,
      paid_meadow: pos(paidM).toString(), paid_stable: pos(paidS).toString(), fee_meadow: feeM.toString(), fee_stable: feeS.toString(),
      net_meadow: pos(paidM - feeM).toString(), net_stable: pos(paidS - feeS).toString(),
    },
  };
}

/** checkMaxFee throws naming maxRelayFeeBps unless bps is a fee limit the distributor allows. */
function checkMaxFee(bps) {
  if (!Number.isSafeInteger(bps) || bps < 0 || bps > MAX_RELAY_FEE_BPS) {
    throw bad('maxRelayFeeBps', JSON.stringify(bps), `basis points from 0 to ${MAX_RELAY_FEE_BPS}`);
  }
}

/**
 * feeAboveLimit is the refusal of a relayer whose fee is above the user's
 * limit: nothing is signed or sent (as `meadow node claim --max-fee`).
 */
function feeAboveLimit(feeBps, maxFeeBps) {
  const e = new Error(`relay.fee_bps: the relayer asks ${bpsPercent(feeBps)}, above your limit of ${bpsPercent(maxFeeBps)}; ` +
    'raise "Highest relay fee" in the settings to claim through it, or claim with "meadow node claim" and a key that holds ether');
  e.field = 'relay.fee_bps';
  return e;
}

/** relayRequest is the body of POST /v1/rewards/relay (api.RelayClaimRequest): exactly its fields. */
export function relayRequest(authorization, proof, signature) {
  fromHex(signature, { prefix: 'required', length: 65, what: 'signature' });
  for (const [i, h] of proof.entries()) if (typeof h !== 'string' || !BYTES32.test(h)) throw bad(`proof[${i}]`, JSON.stringify(h), '0x and 64 hex digits');
  const a = authorization;
  return {
    account: a.account, cumulative_meadow: a.cumulative_meadow, cumulative_stable: a.cumulative_stable, proof: proof.slice(),
    payout: a.payout, fee_meadow: a.fee_meadow, fee_stable: a.fee_stable, deadline: a.deadline, signature: signature,
  };
}

/**
 * parseRelayResponse checks the relay's answer (api.RelayClaimResponse) and
 * adds what reaches the payout address (net_meadow, net_stable), or throws
 * naming the field.
 */
export function parseRelayResponse(v) {
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw bad('relay answer', typeName(v), 'an object');
  if (typeof v.tx !== 'string' || !BYTES32.test(v.tx) || /^0x0+$/.test(v.tx)) throw bad('tx', JSON.stringify(v.tx), "the transaction's hash");
  for (const f of ['relayer', 'account', 'payout']) {
    if (typeof v[f] !== 'string') throw bad(f, typeName(v[f]), 'an address');
    parseAddress(v[f]);
  }
  const n = {};
  for (const f of ['meadow', 'stable', 'fee_meadow', 'fee_stable']) n[f] = uint256(f, v[f]);
  if (n.fee_meadow > n.meadow) throw bad('fee_meadow', v.fee_meadow, `at most what the claim pays, ${v.meadow}`);
  if (n.fee_stable > n.stable) throw bad('fee_stable', v.fee_stable, `at most what the claim pays, ${v.stable}`);
  return {
    tx: v.tx, relayer: v.relayer, account: v.account, payout: v.payout,
    meadow: v.meadow, stable: v.stable, fee_meadow: v.fee_meadow, fee_stable: v.fee_stable,
    net_meadow: (n.meadow - n.fee_meadow).toString(), net_stable: (n.stable - n.fee_stable).toString(),
  };
}

/**
 * claimWithoutGas reads the chain description and the node's rewards from
 * the coordinators (coord: node/coordinator.js's Coordinator), signs the
 * authorization buildClaim makes with key and has a coordinator relay it.
 * The relay is not forwarded between members (each relays with its own
 * key), so a member without ether (503) or unreachable is passed over for
 * the next, as the client does for any call. When no answer came back but
 * the rewards then say the claim was paid, that is a success without a
 * transaction hash (lost: true). Returns parseRelayResponse's fields and
 * quote (what was signed).
 */
export async function claimWithoutGas(coord, { key, address, payout = ZERO_ADDRESS, maxFeeBps = DEFAULT_MAX_RELAY_FEE_BPS, nowMs = Math.max(Date.now(), coord.now()) }) {
  const [chain, rewards] = await Promise.all([coord.chainInfo(), coord.nodeRewards(address)]);
  const built = buildClaim({ rewards, chain, address, payout, maxFeeBps, nowSeconds: Math.floor(nowMs / 1000) });
  const signature = signClaimAuthorization(key, built.domain, built.authorization);
  const req = relayRequest(built.authorization, built.proof, signature);
  let res;
  try {
    res = await coord.relayClaim(req);
  } catch (e) {
    // A try that timed out may have been sent after all, and a retry on
    // another member then finds nothing to claim: the rewards say whether
    // the claim landed.
    let again = null;
    try { again = parseRewards(await coord.nodeRewards(address), address); } catch { /* the first error says more */ }
    if (again && again.claimed_meadow !== undefined && BigInt(again.claimed_meadow) >= BigInt(req.cumulative_meadow) &&
        BigInt(again.claimed_stable) >= BigInt(req.cumulative_stable)) {
      return { lost: true, tx: null, quote: built.quote, error: e.message };
    }
    throw e;
  }
  return { ...parseRelayResponse(res), lost: false, quote: built.quote };
}

/**
 * claimView is what the popup shows next to its "Claim without gas"
 * button: whether to offer it (something to claim, the coordinators say
 * what was claimed, and they relay) and, before anything is sent, the
 * relayer's fee and what the payout address receives. limits are the
 * user's settings {payout ('' or ZERO_ADDRESS: this node's address),
 * maxRelayFeeBps}: a fee above the limit is shown with the limit, and
 * blocked is true (the button is not offered).
 */
export function claimView(rewards, relay, limits = {}) {
  const none = { show: false, fee: '', receive: '', blocked: false };
  const r = parseRewards(rewards);
  let info;
  try { info = parseRelayInfo(relay); } catch { return none; }
  if (!r || !info || r.claimed_meadow === undefined) return none;
  const paidM = BigInt(r.meadow) - BigInt(r.claimed_meadow), paidS = BigInt(r.stable) - BigInt(r.claimed_stable);
  if (paidM <= 0n && paidS <= 0n) return none;
  const pos = (x) => (x > 0n ? x : 0n).toString();
  const feeM = relayFee(paidM, info.fee_bps), feeS = relayFee(paidS, info.fee_bps);
  const maxFee = limits.maxRelayFeeBps ?? DEFAULT_MAX_RELAY_FEE_BPS;
  const payout = limits.payout && limits.payout !== ZERO_ADDRESS ? limits.payout : '';
  const fee = `Relayer's fee ${bpsPercent(info.fee_bps)}: ${formatTokens(feeM.toString(), MEADOW_DECIMALS)} MEADOW, ${formatTokens(feeS.toString(), STABLE_DECIMALS)} stable`;
  if (info.fee_bps > maxFee) {
    return {
      show: true, blocked: true, fee,
      receive: `That is above your limit of ${bpsPercent(maxFee)}: raise "Highest relay fee" in Settings to claim through this relayer.`,
    };
  }
  const small = belowMinFee(info, feeM, feeS);
  if (small) return { show: true, blocked: true, fee, receive: small };
  return {
    show: true, blocked: false, fee,
    receive: `You receive ${formatTokens(pos(paidM - feeM), MEADOW_DECIMALS)} MEADOW, ${formatTokens(pos(paidS - feeS), STABLE_DECIMALS)} stable ` +
      `${payout ? `at ${payout}` : 'at this address'}; no ether needed.`,
  };
}

/** claimResultText says what a claim did (claimWithoutGas's result), in words. */
export function claimResultText(res) {
  if (res.lost) return 'The claim was paid (the relay\'s answer was lost on the way back).';
  return `Sent in transaction ${res.tx}: you receive ${formatTokens(res.net_meadow, MEADOW_DECIMALS)} MEADOW and ${formatTokens(res.net_stable, STABLE_DECIMALS)} stable ` +
    `(the relayer keeps ${formatTokens(res.fee_meadow, MEADOW_DECIMALS)} MEADOW and ${formatTokens(res.fee_stable, STABLE_DECIMALS)} stable).`;
}

/**
 * claimErrorText says why a claim failed, in words: a coordinator's
 * refusal (node/coordinator.js's CoordError: status, code, field, detail)
 * names the field the relayer objected to.
 */
export function claimErrorText(e) {
  const detail = e?.detail || e?.message || String(e);
  if (e && e.name === 'CoordError') {
    if (e.status === 400) return `The relayer refused the claim${e.field ? ` (field ${e.field})` : ''}: ${detail}`;
    if (e.status === 409) return `The claim was not sent: ${detail}`;
    if (e.status === 0 || e.status >= 500) return `No coordinator could relay the claim now: ${detail}`;
    return `The coordinator answered ${e.status}${e.field ? ` (field ${e.field})` : ''}: ${detail}`;
  }
  return `The claim was not sent: ${detail}`;
}

/**
 * parsePercentBps reads the settings' "Highest relay fee": a percentage
 * with at most two decimals ("1", "0.5", "1.25 %") as basis points, from 0
 * to the distributor's limit, or throws naming the field; as
 * `meadow node claim --max-fee`.
 */
export function parsePercentBps(raw) {
  const s = String(raw).trim();
  const m = /^(\d{1,3})(?:\.(\d{1,2}))?\s*%?$/.exec(s);
  const bps = m ? Number(m[1]) * 100 + Number((m[2] || '').padEnd(2, '0')) : NaN;
  if (!(bps >= 0 && bps <= MAX_RELAY_FEE_BPS)) {
    throw new Error(`Highest relay fee ${JSON.stringify(s)}: expected a percentage from 0 to ${MAX_RELAY_FEE_BPS / 100} with at most two decimals, such as 1 or 0.5`);
  }
  return bps;
}

/** bpsPercent writes basis points as a percentage, as cmd/meadow's: 100 is "1%", 25 "0.25%". */
export function bpsPercent(bps) {
  const whole = Math.floor(bps / 100), frac = bps % 100;
  return `${whole}${frac ? '.' + String(frac).padStart(2, '0').replace(/0$/, '') : ''}%`;
}
