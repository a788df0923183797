// Package coord is the coordinator: a Raft-replicated state machine of jobs,
// tasks, leases, commitments and datasets; the scheduler; row-level
// cross-checking and reputation; the content-addressed blob store; and the
// node, buyer and operator HTTP APIs. It never imports node, crawl or compute.
package coord
