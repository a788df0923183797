// Runs the extension's claim without gas from the command line: the code
// the service worker runs (lib/claim.js through node/coordinator.js), for
// coord's TestRelayedClaimFromTheExtension, where Go starts a real cluster
// and chain and checks what the chain paid.
//
//   MEADOW_COORDS=http://127.0.0.1:1,http://127.0.0.1:2 MEADOW_KEY=<hex> node ext/test/claimrun.mjs
//
// MEADOW_PAYOUT and MEADOW_MAX_FEE_BPS, when set, are the settings' payout
// address and highest relay fee (basis points), as the service worker
// passes them.
//
// Prints claimWithoutGas's result as JSON; on failure prints the error in
// the popup's words and exits 1.
import { claimErrorText, claimWithoutGas } from '../src/lib/claim.js';
import { addressOf, secretKeyBytes } from '../src/lib/envelope.js';
import { Coordinator } from '../src/node/coordinator.js';

const urls = (process.env.MEADOW_COORDS || '').split(',').filter(Boolean);
if (urls.length === 0 || !process.env.MEADOW_KEY) {
  console.error('MEADOW_COORDS: expected comma-separated coordinator URLs, and MEADOW_KEY the node key in hex');
  process.exit(2);
}
const key = secretKeyBytes(process.env.MEADOW_KEY);
const coord = new Coordinator({ urls, key, chainId: 1337, timeoutMs: 10000, rounds: 2, deadlineMs: 45000 });
try {
  const opts = { key, address: addressOf(key) };
  if (process.env.MEADOW_PAYOUT) opts.payout = process.env.MEADOW_PAYOUT;
  if (process.env.MEADOW_MAX_FEE_BPS) opts.maxFeeBps = Number(process.env.MEADOW_MAX_FEE_BPS);
  const res = await claimWithoutGas(coord, opts);
  console.log(JSON.stringify(res));
} catch (e) {
  console.error(claimErrorText(e));
  process.exit(1);
}
