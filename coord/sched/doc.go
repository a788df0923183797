// Package sched is the coordinator's scheduler: it sees an immutable view of
// the pending tasks (a View) and one node asking for work (a Request), and
// returns a Plan of lease assignments, never touching Raft, so that it is
// tested with a harness. Replicas of a task never share a node, an operator
// or a /24 (IPv6 /48) network; each task goes only to nodes whose
// capabilities cover it (JS rendering, GPU memory, kernel); per-domain rates
// (robots.txt Crawl-delay, at least a network-wide default) hold
// network-wide; tasks go out first in, first out, by priority. Adaptive
// replication (package verify decides it) lets long-agreeing nodes take some
// tasks alone, with random spot checks.
//
// Queue is the leader's index of the pending tasks: a View that answers in
// O(log n) per lease, rebuilt from the state on a change of leader. The
// leader calls Queue.Assign for each work request and commits the Plan. See
// DESIGN.md for the rules and the figures.
package sched
