// Package devnet runs a whole Meadow network on one machine, in one process or
// a few: coordinators, nodes (one faulty), a demo web site on loopback and an
// in-process chain. `meadow dev` and the integration tests use it.
package devnet
