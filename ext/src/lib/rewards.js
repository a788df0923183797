// A node's rewards as the coordinators publish them (GET
// /v1/node/{address}/rewards, api.NodeRewards in api/rewards.go): checking
// the answer's shape and showing its amounts. Token amounts are decimal
// strings of base units (MEADOW has 18 decimals, the stable token 6) and
// pass 2^53, so they are BigInts here, never floats. No browser APIs: the
// popup uses these, Node's tests import them directly.

export const MEADOW_DECIMALS = 18;
export const STABLE_DECIMALS = 6;

const AMOUNT = /^(0|[1-9][0-9]{0,77})$/;
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const BYTES32 = /^0x[0-9a-fA-F]{64}$/;

/**
 * isAmount says whether s is a token amount as the API spells it (api's
 * validAmount): a string of decimal digits, no sign, no leading zeros, at
 * most 78 digits (a uint256).
 */
export function isAmount(s) { return typeof s === 'string' && AMOUNT.test(s); }

/**
 * formatTokens shows an amount of base units as tokens with `places`
 * decimals, truncated (never rounded up), as Go's devnet.Tokens does:
 * formatTokens('12345678901234567890', 18) is '12.3456'. It returns null for
 * anything that is not an amount (isAmount) or for bad decimals or places.
 */
export function formatTokens(base, decimals, places = 4) {
  if (!isAmount(base)) return null;
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 77) return null;
  if (!Number.isInteger(places) || places < 0 || places > 77) return null;
  const v = BigInt(base);
  const scale = 10n ** BigInt(decimals);
  const whole = (v / scale).toString();
  if (places === 0) return whole;
  const frac = ((v % scale) * 10n ** BigInt(places)) / scale;
  return `${whole}.${frac.toString().padStart(places, '0')}`;
}

const count = (v) => Number.isSafeInteger(v) && v >= 0;

/**
 * parseRewards checks a rewards answer against api.NodeRewards and returns
 * it (with the address lowercased; claimed_meadow and claimed_stable only
 * when the answer has them), or null when it is not one: a missing or
 * mistyped field, an amount that is not a decimal string, more pending
 * units than units, or (when address is given) another node's rewards.
 */
export function parseRewards(v, address) {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return null;
  if (typeof v.address !== 'string' || !ADDRESS.test(v.address)) return null;
  if (address !== undefined && v.address.toLowerCase() !== String(address).toLowerCase()) return null;
  if (!count(v.units) || !count(v.pending_units) || v.pending_units > v.units || !count(v.epoch)) return null;
  if (!isAmount(v.meadow) || !isAmount(v.stable)) return null;
  if (typeof v.root !== 'string' || !BYTES32.test(v.root)) return null;
  // What the distributor already paid: optional (a member without a chain
  // leaves them out), both or neither.
  const claimed = (f) => (v[f] === undefined || v[f] === null ? null : isAmount(v[f]) ? v[f] : undefined);
  const claimedMeadow = claimed('claimed_meadow'), claimedStable = claimed('claimed_stable');
  if (claimedMeadow === undefined || claimedStable === undefined || (claimedMeadow === null) !== (claimedStable === null)) return null;
  // Go writes a nil slice as null: read it as empty.
  const proof = v.proof ?? [], hist = v.history ?? [];
  if (!Array.isArray(proof) || !proof.every((h) => typeof h === 'string' && BYTES32.test(h))) return null;
  if (!Array.isArray(hist)) return null;
  const history = [];
  for (const h of hist) {
    if (!h || typeof h !== 'object' || !count(h.epoch) || h.epoch < 1 || !count(h.units)) return null;
    if (!isAmount(h.meadow) || !isAmount(h.stable) || typeof h.tx !== 'string' || !BYTES32.test(h.tx)) return null;
    history.push({ epoch: h.epoch, units: h.units, meadow: h.meadow, stable: h.stable, tx: h.tx });
  }
  return {
    address: v.address.toLowerCase(), units: v.units, pending_units: v.pending_units, epoch: v.epoch, root: v.root,
    meadow: v.meadow, stable: v.stable, proof: proof.slice(), history,
    ...(claimedMeadow === null ? {} : { claimed_meadow: claimedMeadow, claimed_stable: claimedStable }),
  };
}

export const CLAIM_HINT = 'Settled rewards are claimed on chain and paid to this address: without gas when the coordinators relay claims (their relayer keeps a small fee), or with "meadow node claim --address" (this address) and a key that holds ether.';
export const UNSETTLED_HINT = 'Nothing is settled yet: work units turn into MEADOW when the operators settle the first epoch.';
export const NO_LEAF_HINT = 'Nothing is settled for this node yet: its work units are paid when the next epoch is settled.';

/**
 * earningsView is what the popup shows of a rewards answer: work units (in
 * all, and pending settlement), the settled MEADOW and stable amounts, the
 * last settled epoch and a hint (nothing settled yet, or how to claim).
 * Every value is '–' (and the hint empty)
 * when the answer is missing or malformed. number formats the counts.
 */
export function earningsView(v, number = (n) => n.toLocaleString()) {
  const r = parseRewards(v);
  if (!r) return { units: '–', pending: '–', meadow: '–', stable: '–', epoch: '–', hint: '' };
  return {
    units: number(r.units),
    pending: number(r.pending_units),
    meadow: `${formatTokens(r.meadow, MEADOW_DECIMALS)} MEADOW`,
    stable: `${formatTokens(r.stable, STABLE_DECIMALS)} stable`,
    epoch: r.epoch === 0 ? 'none yet' : number(r.epoch),
    hint: r.epoch === 0 ? UNSETTLED_HINT : r.proof.length === 0 ? NO_LEAF_HINT : CLAIM_HINT,
  };
}
