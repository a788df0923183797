// Package blob is a coordinator's content-addressed blob store and its
// replication between coordinators, behind a Backend interface with two
// implementations: Store, a directory on the coordinator's own disk (the
// default), and S3, a bucket of an S3-compatible object store that every
// coordinator shares and whose durability replaces replication.
//
// A blob is a file named by the SHA-256 of its bytes (a task's Arrow IPC
// stream, in Meadow). The Store keeps blobs in a directory, writes them
// durably (fsync of file and directory, atomic rename) and only under the
// name their bytes hash to. The Replicator pushes a freshly stored blob to
// the other coordinators and reports success once a majority of the cluster
// holds it, so that an upload acknowledged after Replicate survives the loss
// of any one coordinator; it also fetches blobs a coordinator lacks from its
// peers and repairs a coordinator that was down. The Handler serves the peer
// protocol (GET, HEAD and PUT /v1/blobs/{hash}) on the coordinator's fasthttp
// server, and ServeRange serves any file with HTTP Range support.
//
// An S3 Put hashes the bytes before sending them, sends their SHA-256 for
// the store to verify and returns only once the store reports the object's
// size and SHA-256 back; reads from the bucket are hashed, and a Range is
// served only from an object found whole and good.
//
// The package knows nothing about Raft: the coordinator passes the current
// membership in as a function. See DESIGN.md beside this file for the design
// and its cost.
package blob
