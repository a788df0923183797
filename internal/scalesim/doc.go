// Package scalesim measures the limits of one Raft group (issue 16): a real
// three-member coordinator cluster on loopback (coordtest, Raft on disk over
// TCP, production timing) serves a population of simulated home nodes that
// register, pull work, commit, reveal and upload through the real node API
// with the real node client (node.Client: secp256k1-signed envelopes, one key
// per node, failover between members).
//
// Nothing is crawled: a simulated node answers each crawl lease with rows it
// makes up from the task's URLs, the same on every replica, so tasks verify
// and their blobs are stored as a real node's would be. Each simulated node
// pulls one task every Period (30 s by default: a task of 25 URLs at the
// network-wide 1 s per-domain minimum takes a home node 25 s or more to
// fetch), commits and reveals it at once, and uploads when asked.
//
// The simulator runs inside a test (it needs a testing.TB for the cluster):
// the smoke test in `make test` runs a few dozen nodes for a few seconds; the
// soak test (`go test -tags soak -run Soak ./internal/scalesim`) steps
// the active population up and writes a table of figures per step (see
// docs/BENCHMARKS.md, "Raft scale simulation (issue 16)").
//
// It lives outside coord because it drives coord with node's client, and
// coord may not import node (scripts/check-imports.sh).
package scalesim
