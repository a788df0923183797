// Package contracts holds Meadow's Solidity sources (src/), their compiled
// artifacts (build/) and generated Go bindings (bindings/), and the chain
// client that deploys them, posts reward and dataset roots, pays, claims, and
// watches buyer payments.
//
// Chain talks to the in-process simulated chain (NewSimulated) or any
// JSON-RPC endpoint (Dial). Operators sign epoch roots with SignEpochRoot and
// dataset roots with SignDataset; PostRoot and PostDataset submit them with a
// threshold of signatures. A Watcher delivers marketplace payments to a
// callback, once each across restarts. Contract reverts come back as
// *RevertError values wrapping the sentinel errors of errors.go. DESIGN.md
// has the specification both the contracts and package rewards implement.
package contracts
