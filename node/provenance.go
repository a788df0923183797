package node

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"net/http"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/dataset"
)

// A row's provenance signature is the node's own signature of the row
// (dataset/DESIGN.md, "Provenance"): secp256k1 over SHA-256("meadow.row.v1"
// ‖ 0x00 ‖ row hash ‖ fetched_at ‖ node address), so it verifies from the
// row alone (dataset.CheckRowSignature) and does not depend on the task or
// on the commit envelope's nonce and expiry. The extension signs the same
// bytes (ext/src/lib/provenance.js); the coordinator refuses an upload
// whose rows do not verify as the uploading node's.

// commitSigned sends the task's commitment and returns the signature of
// the envelope the coordinator accepted (kept for logs and tests; rows
// carry their own signatures). api.Client signs every try afresh
// (a new nonce, so that a retry is not refused as a replay) and Do stops at
// the first try that succeeds, so the last envelope signed is that one.
func (n *Node) commitSigned(ctx context.Context, cm api.Commitment) (api.CommitResponse, api.Signature, error) {
	var (
		out api.CommitResponse
		sig api.Signature
	)
	err := n.client.Do(ctx, func(ctx context.Context, base string) (*http.Response, error) {
		env, err := n.client.Sign(api.MethodCommit, cm)
		if err != nil {
			return nil, err
		}
		b, err := json.Marshal(env)
		if err != nil {
			return nil, err
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+routeCommit, bytes.NewReader(b))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", "application/json")
		sig = env.Signature
		return n.client.HTTP().Do(req)
	}, &out)
	if err != nil {
		return out, api.Signature{}, err
	}
	return out, sig, nil
}

// signRows signs every row of s with the node's key (its node column is
// the node's address), filling the signature column.
func signRows(s dataset.Schema, rows []dataset.Row, key *ecdsa.PrivateKey) error {
	return dataset.SignRows(s, rows, key)
}
