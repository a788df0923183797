// Package coord is one coordinator of Meadow's control plane: a member of a
// Raft group (hashicorp/raft, raft-wal log on disk, TCP) whose replicated
// state holds the jobs, tasks, leases, commitments, verdicts, reputation and
// datasets of the network, and which serves the node, buyer and operator
// HTTP APIs (fasthttp) and /metrics.
//
// New opens a member's log and binds its addresses; Run bootstraps or joins
// the cluster and serves until its context ends. Writes go through the
// leader: a follower answers ErrNotLeader to Go callers and forwards HTTP
// requests. Small commands are batched into one log entry (package batch).
// The FSM is a thin adapter over package state; the leader alone schedules
// (package sched), sweeps expired leases and stamps time and randomness into
// commands. Package verify holds the cross-checking rules, package blob the
// task blobs, package coordtest a real cluster for tests. DESIGN.md beside
// this file has the log format and the figures.
//
// coord never imports node, crawl or compute: it meets them through api and
// dataset.
package coord
