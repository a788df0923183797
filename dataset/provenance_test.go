package dataset_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/fxamacker/cbor/v2"

	"github.com/meadow-net/meadow/dataset"
	"github.com/meadow-net/meadow/dataset/internal/vectors"
)

// TestVectorsProvenance recomputes provenance.json from the specification
// with independent code: the signing input written out byte by byte, the
// signer recovered with go-ethereum's Ecrecover, the record encoding with
// fxamacker/cbor over every column, and the root with RFC 6962's recursion.
func TestVectorsProvenance(t *testing.T) {
	var f struct {
		Signer string
		Sets   []vectors.ProvenanceSet
	}
	readVectors(t, "provenance.json", &f)
	em, err := cbor.CoreDetEncOptions().EncMode()
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Sets) != 2 {
		t.Fatalf("%d sets, want crawl and compute", len(f.Sets))
	}
	for _, set := range f.Sets {
		var recs [][]byte
		for _, c := range set.Cases {
			row, err := vectors.RowFromJSON(set.Schema, c.Row)
			if err != nil {
				t.Fatalf("%s/%s: %v", set.Name, c.Name, err)
			}
			node := row[set.Schema.Index(dataset.ColNode)].(string)
			at := row[set.Schema.Index(dataset.ColFetchedAt)].(int64)
			sig := row[set.Schema.Index(dataset.ColSignature)].([]byte)
			var in bytes.Buffer
			in.WriteString("meadow.row.v1")
			in.WriteByte(0)
			rh, _ := hex.DecodeString(c.RowHash)
			in.Write(rh)
			binary.Write(&in, binary.BigEndian, at)
			addr := common.HexToAddress(node)
			in.Write(addr[:])
			if hex.EncodeToString(in.Bytes()) != c.SigningInput {
				t.Errorf("%s/%s: signing input differs from the specification", set.Name, c.Name)
			}
			d := sha256.Sum256(in.Bytes())
			if hex.EncodeToString(d[:]) != c.SigningHash {
				t.Errorf("%s/%s: signing hash differs", set.Name, c.Name)
			}
			if hex.EncodeToString(sig) != c.Signature || len(sig) != 65 || (sig[64] != 27 && sig[64] != 28) {
				t.Errorf("%s/%s: signature column %x: expected the file's signature, 65 bytes with v 27 or 28", set.Name, c.Name, sig)
			}
			s := append([]byte(nil), sig...)
			s[64] -= 27
			pub, err := crypto.Ecrecover(d[:], s)
			if err != nil {
				t.Fatal(err)
			}
			if got := common.BytesToAddress(crypto.Keccak256(pub[1:])[12:]); !strings.EqualFold(got.Hex(), node) || got.Hex() != f.Signer {
				t.Errorf("%s/%s: signature recovers to %s, node column %s", set.Name, c.Name, got.Hex(), node)
			}
			if h, err := dataset.HashRow(set.Schema, row); err != nil || h.String() != c.RowHash {
				t.Errorf("%s/%s: row hash %s, file %s (%v)", set.Name, c.Name, h, c.RowHash, err)
			}
			if err := dataset.CheckRowSignature(dataset.Hash(rh), node, at, sig); err != nil {
				t.Errorf("%s/%s: CheckRowSignature: %v", set.Name, c.Name, err)
			}
			var all []any
			for i, col := range set.Schema.Columns {
				v := row[i]
				if s, ok := v.(string); ok {
					v = specNormalize(s)
				}
				if b, ok := v.([]byte); ok && b == nil && !col.Nullable {
					v = []byte{}
				}
				all = append(all, v)
			}
			want, err := em.Marshal(all)
			if err != nil {
				t.Fatal(err)
			}
			if hex.EncodeToString(want) != c.Record {
				t.Errorf("%s/%s: independent CBOR of all columns differs from record_hex", set.Name, c.Name)
			}
			if h := sha256.Sum256(want); hex.EncodeToString(h[:]) != c.RecordHash {
				t.Errorf("%s/%s: record hash differs", set.Name, c.Name)
			}
			if h, err := dataset.RecordHash(set.Schema, row); err != nil || h.String() != c.RecordHash {
				t.Errorf("%s/%s: RecordHash %s (%v)", set.Name, c.Name, h, err)
			}
			rec := sha256.Sum256(want)
			recs = append(recs, rec[:])
		}
		if got := hex.EncodeToString(specRoot(sortedCopy(recs))); got != set.ProvenanceRoot {
			t.Errorf("%s: RFC 6962 root over the sorted record hashes %s, file %s", set.Name, got, set.ProvenanceRoot)
		}
	}
}

func sortedCopy(hs [][]byte) [][]byte {
	out := append([][]byte(nil), hs...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && bytes.Compare(out[j-1], out[j]) > 0; j-- {
			out[j-1], out[j] = out[j], out[j-1]
		}
	}
	return out
}

// specRoot is RFC 6962's Merkle Tree Hash, written out.
func specRoot(hs [][]byte) []byte {
	switch len(hs) {
	case 0:
		h := sha256.Sum256(nil)
		return h[:]
	case 1:
		h := sha256.Sum256(append([]byte{0}, hs[0]...))
		return h[:]
	}
	k := 1
	for k*2 < len(hs) {
		k *= 2
	}
	h := sha256.Sum256(append(append([]byte{1}, specRoot(hs[:k])...), specRoot(hs[k:])...))
	return h[:]
}

// signedDataset writes n crawl rows signed by key to dir as f, and returns
// the file, the rows and a manifest of one task that commits to content
// and provenance.
func signedDataset(t *testing.T, dir string, f dataset.Format, n int) (string, dataset.Schema, []dataset.Row, *dataset.Manifest) {
	t.Helper()
	key, err := crypto.HexToECDSA(vectors.TestKeyHex)
	if err != nil {
		t.Fatal(err)
	}
	s, err := dataset.CrawlSchema([]string{"title"})
	if err != nil {
		t.Fatal(err)
	}
	me := crypto.PubkeyToAddress(key.PublicKey).Hex()
	rows := make([]dataset.Row, n)
	for i := range rows {
		title := fmt.Sprintf("Title %d", i)
		rows[i] = dataset.CrawlRow(s, dataset.Page{
			URL: fmt.Sprintf("https://example.org/%d", i), FinalURL: fmt.Sprintf("https://example.org/%d", i), Status: 200,
			ContentType: "text/html", Fields: map[string]*string{"title": &title}, Text: fmt.Sprintf("page %d", i),
		}, dataset.Provenance{Node: me, FetchedAt: 1767225600000 + int64(i)})
	}
	if err := dataset.SignRows(s, rows, key); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "signed"+f.Ext())
	sum := writeRows(t, path, f, s, rows)
	var recs []dataset.Hash
	for _, r := range rows {
		h, err := dataset.RecordHash(s, r)
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, h)
	}
	pr := dataset.ProvenanceRoot(recs)
	m := &dataset.Manifest{
		Version: dataset.ManifestVersion, DatasetID: "ds-prov", JobID: "job-prov", Kind: s.Kind, Schema: s,
		Tasks:     []dataset.ManifestTask{{TaskID: "t0", Root: sum.Root, Rows: sum.Rows, BlobSHA256: sum.SHA256, ProvenanceRoot: &pr}},
		TotalRows: sum.Rows, Root: sum.Root, ProvenanceRoot: &pr, CreatedAt: time.Unix(1790000000, 0).UTC(), Signatures: []dataset.Signature{},
	}
	if err := m.Validate(); err != nil {
		t.Fatal(err)
	}
	return path, s, rows, m
}

func writeRows(t *testing.T, path string, f dataset.Format, s dataset.Schema, rows []dataset.Row) dataset.WriteSummary {
	t.Helper()
	fh, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	w, err := dataset.NewWriter(fh, f, s, dataset.WithBatchRows(16))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return w.Summary()
}

// TestVerifyReportsProvenanceTampering: a downloaded file whose node,
// fetched_at or signature column is rewritten (with the dataset writer, so
// the file is well formed) still has its content root, and Verify reports
// provenance tampering, naming the row and column, apart from content; a
// content change is reported as content.
func TestVerifyReportsProvenanceTampering(t *testing.T) {
	ctx := context.Background()
	for _, f := range []dataset.Format{dataset.FormatArrowStream, dataset.FormatParquet} {
		t.Run(f.String(), func(t *testing.T) {
			dir := t.TempDir()
			path, s, rows, m := signedDataset(t, dir, f, 40)
			rep, err := dataset.Verify(ctx, path, dataset.VerifyOptions{Manifest: m})
			if err != nil {
				t.Fatalf("untouched file: %v", err)
			}
			if rep.Provenance.Status != dataset.ProvenanceVerified || len(rep.Provenance.Checked) != 2 {
				t.Fatalf("untouched file: provenance %+v", rep.Provenance)
			}
			other, _ := crypto.GenerateKey()
			stranger := crypto.PubkeyToAddress(other.PublicKey).Hex()
			tests := []struct {
				name   string
				change func(r dataset.Row)
				want   string // in the error: the row and column named
			}{
				{"node", func(r dataset.Row) { r[s.Index(dataset.ColNode)] = stranger }, `row 7, column "signature": provenance does not verify: signature does not recover to its node ` + stranger},
				{"fetched_at", func(r dataset.Row) { r[s.Index(dataset.ColFetchedAt)] = int64(1) }, `row 7, column "signature"`},
				{"signature", func(r dataset.Row) { r[s.Index(dataset.ColSignature)] = rows[8][s.Index(dataset.ColSignature)] }, `row 7, column "signature"`},
				{"signature removed", func(r dataset.Row) { r[s.Index(dataset.ColSignature)] = nil }, `row 7, column "signature": provenance does not verify: signature is null`},
				{"node not an address", func(r dataset.Row) { r[s.Index(dataset.ColNode)] = "me" }, `row 7, column "node"`},
				{"re-signed by another key", func(r dataset.Row) {
					r[s.Index(dataset.ColNode)] = stranger
					if err := dataset.SignRows(s, []dataset.Row{r}, other); err != nil {
						t.Fatal(err)
					}
				}, "provenance root is"},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					changed := make([]dataset.Row, len(rows))
					for i, r := range rows {
						changed[i] = append(dataset.Row(nil), r...)
					}
					tt.change(changed[7])
					out := filepath.Join(t.TempDir(), "tampered"+f.Ext())
					writeRows(t, out, f, s, changed)
					rep, err := dataset.Verify(ctx, out, dataset.VerifyOptions{Manifest: m})
					if !errors.Is(err, dataset.ErrProvenance) || errors.Is(err, dataset.ErrRootMismatch) || errors.Is(err, dataset.ErrInvalidRow) {
						t.Fatalf("got %v: expected a provenance error, not a content one", err)
					}
					if !strings.Contains(err.Error(), tt.want) {
						t.Fatalf("error %q: expected it to say %q", err, tt.want)
					}
					if rep.Root != m.Root || !slicesContain(rep.Checked, "manifest.root") {
						t.Fatalf("content should still verify: root %s, checked %v", rep.Root, rep.Checked)
					}
					if rep.Provenance.Status != dataset.ProvenanceTampered {
						t.Fatalf("provenance %+v", rep.Provenance)
					}
					// Without the manifest, a signature that fails is
					// still found (the report; meadow verify fails on it).
					rep, err = dataset.Verify(ctx, out, dataset.VerifyOptions{Root: &m.Root})
					if err != nil {
						t.Fatal(err)
					}
					if tt.name != "re-signed by another key" && rep.Provenance.Status != dataset.ProvenanceTampered && rep.Provenance.Status != dataset.ProvenanceUnsigned {
						t.Fatalf("without a manifest: provenance %+v", rep.Provenance)
					}
				})
			}
			t.Run("content", func(t *testing.T) {
				changed := make([]dataset.Row, len(rows))
				for i, r := range rows {
					changed[i] = append(dataset.Row(nil), r...)
				}
				changed[7][s.Index(dataset.ColText)] = "other text"
				out := filepath.Join(t.TempDir(), "content"+f.Ext())
				writeRows(t, out, f, s, changed)
				rep, err := dataset.Verify(ctx, out, dataset.VerifyOptions{Manifest: m})
				if !errors.Is(err, dataset.ErrRootMismatch) || errors.Is(err, dataset.ErrProvenance) {
					t.Fatalf("got %v: expected a content root mismatch", err)
				}
				// The row's signature was over the old content.
				if rep.Provenance.BadRows != 1 {
					t.Fatalf("provenance %+v", rep.Provenance)
				}
			})
			t.Run("older manifest", func(t *testing.T) {
				old := *m
				old.ProvenanceRoot = nil
				old.Tasks = append([]dataset.ManifestTask(nil), m.Tasks...)
				old.Tasks[0].ProvenanceRoot = nil
				rep, err := dataset.Verify(ctx, path, dataset.VerifyOptions{Manifest: &old})
				if err != nil {
					t.Fatal(err)
				}
				if rep.Provenance.Status != dataset.ProvenanceUnchecked || !strings.Contains(rep.Provenance.Reason, "no provenance_root") {
					t.Fatalf("provenance %+v", rep.Provenance)
				}
			})
		})
	}
}

func slicesContain(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// TestManifestProvenanceRoots: provenance roots are all there or none,
// inside the digest, and an older manifest's digest is unchanged.
func TestManifestProvenanceRoots(t *testing.T) {
	_, _, _, m := signedDataset(t, t.TempDir(), dataset.FormatArrowStream, 3)
	d1, _ := m.Digest()
	c := *m
	h := dataset.Hash{1}
	c.ProvenanceRoot = &h
	c.Tasks = []dataset.ManifestTask{m.Tasks[0]}
	c.Tasks[0].ProvenanceRoot = &h
	if d2, _ := c.Digest(); d2 == d1 {
		t.Fatal("the provenance root is not inside the digest")
	}
	c.Tasks[0].ProvenanceRoot = nil
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "tasks[0].provenance_root") {
		t.Fatalf("a missing task provenance root: %v", err)
	}
	c.ProvenanceRoot = nil
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	js, _ := c.MarshalJSON()
	if bytes.Contains(js, []byte("provenance_root")) {
		t.Fatalf("an older manifest gained a field: %s", js)
	}
	back, err := dataset.ParseManifest(js)
	if err != nil || back.HasProvenance() {
		t.Fatalf("older manifest: %v", err)
	}
	js, _ = m.MarshalJSON()
	back, err = dataset.ParseManifest(js)
	if err != nil || *back.ProvenanceRoot != *m.ProvenanceRoot || *back.Tasks[0].ProvenanceRoot != *m.Tasks[0].ProvenanceRoot {
		t.Fatalf("round trip: %v", err)
	}
	bad := bytes.Replace(js, []byte(`"provenance_root":"`), []byte(`"provenance_root":"Z`), 1)
	if _, err := dataset.ParseManifest(bad); err == nil || !strings.Contains(err.Error(), "provenance_root") {
		t.Fatalf("bad provenance root: %v", err)
	}
}

// With a manifest that covers provenance, a sample of the rows' signatures
// is recovered, and tampering with any row's provenance is still found by
// the provenance root; without one, every row's signature is recovered.
func TestVerifySamplesSignaturesUnderAProvenanceRoot(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path, s, rows, m := signedDataset(t, dir, dataset.FormatArrowStream, 400)
	rep, err := dataset.Verify(ctx, path, dataset.VerifyOptions{Manifest: m, SignatureSample: 20})
	if err != nil || rep.Provenance.Status != dataset.ProvenanceVerified {
		t.Fatalf("untouched file, sampled: %v %+v", err, rep.Provenance)
	}
	if n := rep.Provenance.SignaturesChecked; n == 0 || n >= int64(len(rows))/2 {
		t.Fatalf("sampled 1 in 20 of %d rows: %d signatures checked", len(rows), n)
	}
	rep, err = dataset.Verify(ctx, path, dataset.VerifyOptions{Root: &m.Root, SignatureSample: 20})
	if err != nil || rep.Provenance.SignaturesChecked != int64(len(rows)) {
		t.Fatalf("without a manifest every signature is checked: %v, %d of %d", err, rep.Provenance.SignaturesChecked, len(rows))
	}
	// One row's fetched_at changed: its signature no longer verifies, and
	// whether or not the sample drew it, the provenance root catches it.
	changed := make([]dataset.Row, len(rows))
	for i, r := range rows {
		changed[i] = append(dataset.Row(nil), r...)
	}
	changed[123][s.Index(dataset.ColFetchedAt)] = int64(1)
	out := filepath.Join(t.TempDir(), "tampered"+dataset.FormatArrowStream.Ext())
	writeRows(t, out, dataset.FormatArrowStream, s, changed)
	for range 5 {
		if _, err := dataset.Verify(ctx, out, dataset.VerifyOptions{Manifest: m, SignatureSample: 20}); !errors.Is(err, dataset.ErrProvenance) {
			t.Fatalf("tampered fetched_at, sampled: got %v, want a provenance error", err)
		}
	}
}
