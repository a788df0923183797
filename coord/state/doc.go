// Package state is the coordinator's replicated control-plane state: members,
// home nodes, jobs, tasks, leases, commitments, reveals, verification results,
// reputation and datasets, with the deterministic transitions that the Raft
// FSM applies to it.
//
// Every method is a pure function of the state and its arguments: time and
// randomness come in as arguments (from the leader, through the log), maps are
// walked in sorted order, and nothing touches the disk or the network. That is
// what keeps the replicas identical. The state is not safe for concurrent use;
// the FSM serializes access.
package state
