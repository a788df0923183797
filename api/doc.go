// Package api holds the wire types of the node, buyer and operator APIs: job
// specs (crawl and compute) with their defaults and validation, tasks,
// leases, commitments, reveals, uploads, refusals, jobs, progress, dataset
// descriptions, cluster members and settlement, the error body, the strict
// JSON decoder every server reads requests with, and the signed request
// envelope (EIP-712 typed data over secp256k1) that every request travels in.
//
// api imports only the standard library and go-ethereum's common and crypto
// packages, so that every other Meadow package, and outside clients, can
// depend on it. It does not define the dataset manifest: that is a file
// format, and package dataset owns it; DatasetInfo only points at it.
//
// # Conventions on the wire
//
//   - Meadow's SHA-256 values (row hashes, content and dataset roots, blob
//     digests) are Hash: 64 lowercase hex digits, no 0x. Ethereum values
//     (addresses, the reward root, signatures) are 0x-prefixed. JSON reads
//     addresses in any case; ParseAddress, for what people type, also checks
//     the EIP-55 checksum.
//   - Times are unix milliseconds (deadlines, created_at, server_time), but
//     Envelope.Expiry is unix seconds, as EIP-712 deadlines are.
//   - Ids (jobs, tasks, leases, datasets, coordinators) are 1 to 128 of
//     A-Z a-z 0-9 . _ : - starting with a letter or digit, safe in URL paths
//     and file names.
//   - In a JobSpec a zero number or empty string means the default;
//     WithDefaults writes the defaults in, and the coordinator stores that.
//     A Task carries everything resolved, so a node applies no defaults of
//     its own (replicas with other defaults would disagree).
//
// # Validation
//
// Every type has Validate() error, pure and without side effects. It
// reports every broken rule (up to 20), joined with errors.Join, each as a
// *FieldError naming the JSON path, the value and what was expected:
//
//	api: crawl.fields[2].selector "div[": expected a valid CSS selector (unclosed '[')
//
// Every error wraps a sentinel of errors.go; ErrorFor maps them to an HTTP
// status and an ErrorBody, and a client turns a received ErrorBody back into
// an error that matches the same sentinels.
//
// # Signed requests
//
// A request is an Envelope: signer, nonce, expiry, method and body, signed
// as MeadowRequest(address signer,uint64 nonce,uint64 expiry,string
// method,bytes32 bodyHash) in the domain {name "Meadow", version "1",
// chainId} (DevChainID 1337 on the development network). A server calls
// Envelope.Open (method, signature, expiry, then a strict decode of the
// body), then checks the nonce with CheckNonce, whose window of
// NonceWindowSize recent nonces lets a node's concurrent requests arrive in
// any order. testdata/envelope_vectors.json pins the encoding for other
// implementations; go run ./api/internal/genvectors regenerates it.
package api
