// Package rewards is the pure arithmetic of payment: work units, the emission
// schedule that falls as buyer revenue grows, epoch settlement with exact
// rounding, and the keccak256 reward Merkle tree in OpenZeppelin's MerkleProof
// layout. It does no I/O, reads no clock and uses no floating point.
package rewards
