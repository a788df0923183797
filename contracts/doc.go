// Package contracts holds Meadow's Solidity sources, their compiled artifacts
// and generated Go bindings, and the chain client that deploys them, posts
// reward and dataset roots, and watches buyer payments.
package contracts
