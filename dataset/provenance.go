package dataset

import (
	"crypto/ecdsa"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"runtime"
	"strings"
	"sync"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// A row's provenance is checkable from the row alone (dataset/DESIGN.md,
// "Provenance"): the node signs each row with secp256k1 over
//
//	SHA-256("meadow.row.v1" ‖ 0x00 ‖ row hash (32 bytes) ‖ fetched_at (int64, big-endian) ‖ node address (20 bytes))
//
// and stores the 65 bytes r ‖ s ‖ v (v 27 or 28) in the signature column.
// Anyone recovers the signer from the row's content hash, its fetched_at
// and node columns and the signature, and checks that it is the row's
// node. The claim is "node N fetched content H at time T": no task id, so
// a row keeps its meaning in any dataset it is copied into.

// RowSignatureDomain starts the bytes a row signature covers, so that it
// can never pass for a signature of anything else.
const RowSignatureDomain = "meadow.row.v1"

// RowSigningHash returns what a node signs for a row: SHA-256 of
// RowSignatureDomain, a zero byte, the row's content hash, fetchedAt as a
// big-endian int64 and the node's 20-byte address.
func RowSigningHash(rowHash Hash, fetchedAt int64, node common.Address) Hash {
	var b [len(RowSignatureDomain) + 1 + 32 + 8 + 20]byte
	n := copy(b[:], RowSignatureDomain)
	n++ // the 0x00 separator
	n += copy(b[n:], rowHash[:])
	binary.BigEndian.PutUint64(b[n:], uint64(fetchedAt))
	n += 8
	copy(b[n:], node[:])
	return sha256.Sum256(b[:])
}

// ParseNodeAddress reads a node column: exactly 0x and 40 hex digits, in
// either case.
func ParseNodeAddress(s string) (common.Address, error) {
	if len(s) != 42 || !strings.HasPrefix(s, "0x") {
		return common.Address{}, fmt.Errorf("%w: node %q: expected an address, 0x and 40 hex digits", ErrProvenance, truncate(s, 80))
	}
	var a common.Address
	if _, err := hex.Decode(a[:], []byte(s[2:])); err != nil {
		return common.Address{}, fmt.Errorf("%w: node %q: expected an address, 0x and 40 hex digits", ErrProvenance, truncate(s, 80))
	}
	return a, nil
}

// SignRowHash signs a row whose content hash is rowHash, fetched at
// fetchedAt (Unix milliseconds), by the node whose key is key: 65 bytes
// r ‖ s ‖ v with v 27 or 28.
func SignRowHash(key *ecdsa.PrivateKey, rowHash Hash, fetchedAt int64) ([]byte, error) {
	d := RowSigningHash(rowHash, fetchedAt, crypto.PubkeyToAddress(key.PublicKey))
	sig, err := crypto.Sign(d[:], key)
	if err != nil {
		return nil, fmt.Errorf("dataset: signing a row: %w", err)
	}
	sig[64] += 27
	return sig, nil
}

// RecoverRowSigner returns the address that made sig over a row with the
// given content hash, fetched_at and node. v may be 27/28 or 0/1.
func RecoverRowSigner(rowHash Hash, fetchedAt int64, node common.Address, sig []byte) (common.Address, error) {
	if len(sig) != crypto.SignatureLength {
		return common.Address{}, fmt.Errorf("%d bytes: expected %d (r ‖ s ‖ v)", len(sig), crypto.SignatureLength)
	}
	s := append([]byte(nil), sig...)
	if s[64] >= 27 {
		s[64] -= 27
	}
	d := RowSigningHash(rowHash, fetchedAt, node)
	pub, err := crypto.SigToPub(d[:], s)
	if err != nil {
		return common.Address{}, err
	}
	return crypto.PubkeyToAddress(*pub), nil
}

// CheckRowSignature checks one row's provenance: node must be an address
// and sig, the signature column (nil when null), must recover to it over
// the row's content hash and fetchedAt. Errors are *RowError values
// (row -1) naming the column, wrapping ErrProvenance.
func CheckRowSignature(rowHash Hash, node string, fetchedAt int64, sig []byte) error {
	a, err := ParseNodeAddress(node)
	if err != nil {
		return &RowError{Row: -1, Column: ColNode, Err: err}
	}
	if sig == nil {
		return &RowError{Row: -1, Column: ColSignature, Err: fmt.Errorf("%w: signature is null: expected the node's 65-byte signature of the row", ErrProvenance)}
	}
	got, err := RecoverRowSigner(rowHash, fetchedAt, a, sig)
	if err != nil {
		return &RowError{Row: -1, Column: ColSignature, Err: fmt.Errorf("%w: signature does not recover to its node %s: %v", ErrProvenance, node, err)}
	}
	if got != a {
		return &RowError{Row: -1, Column: ColSignature, Err: fmt.Errorf("%w: signature does not recover to its node %s (it recovers to %s)", ErrProvenance, node, got.Hex())}
	}
	return nil
}

// provenanceCols are the positions of a schema's node, fetched_at and
// signature columns, or ok false when it lacks one of them.
func provenanceCols(s *Schema) (node, at, sig int, ok bool) {
	node, at, sig = s.Index(ColNode), s.Index(ColFetchedAt), s.Index(ColSignature)
	ok = node >= 0 && at >= 0 && sig >= 0 &&
		s.Columns[node].Type == TypeString && s.Columns[at].Type == TypeInt64 && s.Columns[sig].Type == TypeBytes
	return
}

// SignRows fills the signature column of every row of rows (all columns
// of s) with key's signature of the row: the row's node column must be
// key's address. Rows are signed in parallel (a signature costs tens of
// microseconds).
func SignRows(s Schema, rows []Row, key *ecdsa.PrivateKey) error {
	ni, ai, si, ok := provenanceCols(&s)
	if !ok {
		return fmt.Errorf("dataset: a %s schema without node, fetched_at and signature columns: rows cannot be signed", s.Kind)
	}
	me := crypto.PubkeyToAddress(key.PublicKey)
	return parallel(len(rows), func(i int) error {
		r := rows[i]
		if len(r) != len(s.Columns) {
			return atRow(rowErr(ErrInvalidRow, "", "%d values: expected %d (all columns)", len(r), len(s.Columns)), int64(i))
		}
		node, _ := r[ni].(string)
		a, err := ParseNodeAddress(node)
		if err != nil || a != me {
			return atRow(rowErr(ErrInvalidRow, ColNode, "%q: expected the signing key's address %s", node, me.Hex()), int64(i))
		}
		at, ok := r[ai].(int64)
		if !ok {
			return atRow(rowErr(ErrInvalidRow, ColFetchedAt, "expected int64, got %s", describe(r[ai])), int64(i))
		}
		h, err := HashRow(s, r)
		if err != nil {
			return atRow(err, int64(i))
		}
		sig, err := SignRowHash(key, h, at)
		if err != nil {
			return err
		}
		r[si] = sig
		return nil
	})
}

// parallel runs f(0..n-1) on up to GOMAXPROCS goroutines and returns the
// error of the lowest index that failed.
func parallel(n int, f func(i int) error) error {
	w := runtime.GOMAXPROCS(0)
	if w > n {
		w = n
	}
	if w <= 1 {
		for i := 0; i < n; i++ {
			if err := f(i); err != nil {
				return err
			}
		}
		return nil
	}
	errs := make([]error, n)
	var wg sync.WaitGroup
	for k := 0; k < w; k++ {
		wg.Add(1)
		go func(k int) {
			defer wg.Done()
			for i := k; i < n; i += w {
				errs[i] = f(i)
			}
		}(k)
	}
	wg.Wait()
	return firstErr(errs)
}

func firstErr(errs []error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// AppendRecord appends the canonical encoding of the whole row, content
// and provenance columns (all columns of s, in schema order, each value
// encoded as AppendCanonical encodes content values), to dst. Its SHA-256
// is the row's record hash, the leaf of provenance roots.
func AppendRecord(dst []byte, s Schema, row Row) ([]byte, error) {
	if len(row) != len(s.Columns) {
		return dst, rowErr(ErrInvalidRow, "", "%d values: expected %d (all columns: a record covers provenance too)", len(row), len(s.Columns))
	}
	return appendCanonical(dst, &s, len(s.Columns), row)
}

// RecordHash returns SHA-256 of the row's whole canonical encoding
// (AppendRecord).
func RecordHash(s Schema, row Row) (Hash, error) {
	b, err := AppendRecord(nil, s, row)
	if err != nil {
		return Hash{}, err
	}
	return sha256.Sum256(b), nil
}

// ProvenanceRoot is the RFC 6962 root over record hashes sorted
// ascending: the same tree as ContentRoot, over whole rows.
func ProvenanceRoot(records []Hash) Hash { return ContentRoot(records) }
