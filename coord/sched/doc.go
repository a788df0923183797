// Package sched is the coordinator's scheduler: it sees an immutable view of
// the nodes and tasks and returns a Plan of lease assignments, never touching
// Raft, so that it is tested with a harness. Replicas of a task never share an
// operator or a /24 (IPv6 /48) network; each task goes only to nodes whose
// capabilities cover it; per-domain rates (robots.txt Crawl-delay) hold
// network-wide; adaptive replication lets long-agreeing nodes take some tasks
// alone, with random spot checks. The leader applies a Plan through Raft.
package sched
