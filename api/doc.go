// Package api holds the wire types of the node, buyer and operator APIs: job
// specs (crawl and compute) and their validation, tasks, leases, commitments,
// reveals, uploads, datasets and manifests, and the signed request envelope
// (EIP-712 typed data over secp256k1) that every node request travels in.
//
// api imports only the standard library and go-ethereum's crypto packages, so
// that every other Meadow package, and outside clients, can depend on it.
package api
