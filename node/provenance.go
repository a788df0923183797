package node

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/dataset"
)

// A row's provenance signature is the node's signature of the task's
// commitment: the 65 bytes (r ‖ s ‖ v, v 27 or 28) of the node.commit
// envelope that the coordinator accepted, an EIP-712 MeadowRequest over the
// api.Commitment {task_id, lease_id, root, rows}. The extension fills the
// column the same way (ext/src/node/runner.js), so rows from both kinds of
// node carry one scheme. Whoever holds that envelope (its nonce, expiry and
// body) checks a row with api.Envelope.Verify, the row's signature put in
// the envelope's place: the address recovered is the row's node column,
// and the body's root is the content root of the task's rows. The rows
// carry neither the nonce nor the expiry, so the row alone does not verify.

// commitSigned sends the task's commitment and returns the signature of
// the envelope the coordinator accepted. api.Client signs every try afresh
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

// signRows puts sig in the signature column of every row of s (one slice
// shared by all: the rows are only written out after this).
func signRows(s dataset.Schema, rows []dataset.Row, sig api.Signature) error {
	i := s.Index(dataset.ColSignature)
	if i < 0 {
		return fmt.Errorf("node: a %s schema without a %s column", s.Kind, dataset.ColSignature)
	}
	b := append([]byte(nil), sig[:]...)
	for j, r := range rows {
		if len(r) != len(s.Columns) {
			return fmt.Errorf("node: row %d has %d values for %d columns", j, len(r), len(s.Columns))
		}
		r[i] = b
	}
	return nil
}
