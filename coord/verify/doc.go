// Package verify holds the cross-checking rules of the coordinator as pure
// functions: row-by-row majority across a task's revealed replicas, the
// task's verdict (verified, needs another replica, inconclusive), who uploads,
// the work units and reputation each replica earns, adaptive replication,
// and the checking of reveals against commitments and of an uploaded blob
// against the accepted row hashes. The FSM calls them with the data of its
// commands, so every replica of the state reaches the same verdict: nothing
// here reads the clock, a random source or the disk, and there is no
// floating point on the FSM's path (shares and reputations are integers in
// parts per million). See DESIGN.md for the rules and their figures.
package verify
