package api

// MethodBlobGet signs a node's read of a compute task's input blob: the
// envelope travels in the EnvelopeHeader of GET or HEAD /v1/blobs/{hash},
// with a BlobGet body. It is named like MethodDatasetGet, which it
// resembles: both read data that buyers pay for.
const MethodBlobGet = "blob.get"

// BlobGet asks a coordinator for an input blob of a compute task the node
// leased (MethodBlobGet). Input blobs are verified crawl data that buyers
// pay for and whose hashes manifests make public, so a coordinator serves
// one only to the signer of a live lease on TaskID whose shard reads Hash;
// Hash must equal the hash in the URL. The nonce is checked, so a node
// signs every request afresh (a HEAD and the GET after it, or each try of a
// range, need one envelope each).
type BlobGet struct {
	Hash   Hash   `json:"hash"`
	TaskID string `json:"task_id"`
}

// Validate checks the request.
func (g BlobGet) Validate() error {
	var v validator
	if g.Hash.IsZero() {
		v.add("hash", quote(g.Hash.String()), "the blob's SHA-256 ("+HashExpected+"), as in the URL")
	}
	v.id("task_id", g.TaskID)
	return v.err()
}
