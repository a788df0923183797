// Package verify holds the cross-checking rules of the coordinator as pure
// functions: row-by-row majority across a task's revealed replicas, the
// task's verdict (verified, needs another replica, inconclusive), who uploads,
// the work units and reputation each replica earns, and the checking of an
// uploaded blob against the accepted row hashes. The FSM calls them with the
// data of its commands, so every replica of the state reaches the same verdict.
package verify
