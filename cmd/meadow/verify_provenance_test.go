package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/meadow-net/meadow/dataset"
)

// writeSignedRows writes rows (signed or not) with the dataset writer, as
// a buyer rewriting a downloaded file would.
func writeSignedRows(t *testing.T, path string, s dataset.Schema, rows []dataset.Row) dataset.WriteSummary {
	t.Helper()
	fh, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	w, err := dataset.NewWriter(fh, dataset.FormatArrowStream, s, dataset.WithBatchRows(16))
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

// TestVerifyCommandProvenance: meadow verify reports provenance tampering
// (a rewritten node, fetched_at or signature column) apart from content
// tampering: its own message, exit code 3 and, with --json, the
// provenance field, while the content checks still pass; a content change
// is reported as content (exit 1).
func TestVerifyCommandProvenance(t *testing.T) {
	nodeKey, _ := crypto.GenerateKey()
	opKey, _ := crypto.GenerateKey()
	node := crypto.PubkeyToAddress(nodeKey.PublicKey).Hex()
	op := crypto.PubkeyToAddress(opKey.PublicKey).Hex()
	s, err := dataset.CrawlSchema([]string{"title"})
	if err != nil {
		t.Fatal(err)
	}
	rows := make([]dataset.Row, 50)
	for i := range rows {
		title := fmt.Sprintf("T%d", i)
		rows[i] = dataset.CrawlRow(s, dataset.Page{URL: fmt.Sprintf("https://example.com/%d", i), FinalURL: fmt.Sprintf("https://example.com/%d", i),
			Status: 200, ContentType: "text/html", Fields: map[string]*string{"title": &title}, Text: fmt.Sprintf("text %d", i)},
			dataset.Provenance{Node: node, FetchedAt: 1767225600000 + int64(i)})
	}
	if err := dataset.SignRows(s, rows, nodeKey); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	good := filepath.Join(dir, "good.arrows")
	sum := writeSignedRows(t, good, s, rows)
	var recs []dataset.Hash
	for _, r := range rows {
		h, _ := dataset.RecordHash(s, r)
		recs = append(recs, h)
	}
	pr := dataset.ProvenanceRoot(recs)
	m := &dataset.Manifest{
		Version: dataset.ManifestVersion, DatasetID: "ds-p", JobID: "job-p", Kind: s.Kind, Schema: s,
		Tasks:     []dataset.ManifestTask{{TaskID: "job-p:0", Root: sum.Root, Rows: sum.Rows, BlobSHA256: sum.SHA256, ProvenanceRoot: &pr}},
		TotalRows: sum.Rows, Root: sum.Root, ProvenanceRoot: &pr, CreatedAt: time.Unix(1790000000, 0).UTC(),
	}
	if err := m.AddSignature(op, func(d dataset.Hash) ([]byte, error) { return crypto.Sign(d[:], opKey) }); err != nil {
		t.Fatal(err)
	}
	mf := filepath.Join(dir, "manifest.json")
	js, _ := json.Marshal(m)
	if err := os.WriteFile(mf, js, 0o644); err != nil {
		t.Fatal(err)
	}
	verify := func(t *testing.T, file string, extra ...string) (string, error) {
		t.Helper()
		return meadow(t, append([]string{"verify", file, "--manifest", mf, "--signers", op, "--quorum", "1"}, extra...)...)
	}
	out, err := verify(t, good)
	if err != nil || !strings.Contains(out, "provenance ok") {
		t.Fatalf("good file: %v\n%s", err, out)
	}

	tamper := func(t *testing.T, change func(r dataset.Row)) string {
		changed := make([]dataset.Row, len(rows))
		for i, r := range rows {
			changed[i] = append(dataset.Row(nil), r...)
		}
		change(changed[5])
		p := filepath.Join(t.TempDir(), "tampered.arrows")
		writeSignedRows(t, p, s, changed)
		return p
	}
	for _, tt := range []struct {
		name   string
		change func(r dataset.Row)
	}{
		{"node", func(r dataset.Row) { r[s.Index(dataset.ColNode)] = op }},
		{"fetched_at", func(r dataset.Row) { r[s.Index(dataset.ColFetchedAt)] = int64(42) }},
		{"signature", func(r dataset.Row) { r[s.Index(dataset.ColSignature)] = rows[6][s.Index(dataset.ColSignature)] }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := tamper(t, tt.change)
			// By default a sample of the signatures is checked and the
			// provenance root catches the rest: exit 3 either way.
			if _, err := verify(t, p); exitCode(err) != exitProvenance || !strings.Contains(err.Error(), "provenance tampered (content verified") {
				t.Fatalf("sampled signatures: got exit %d, %v", exitCode(err), err)
			}
			// --signatures 1 recovers every row's: the row is named.
			out, err := verify(t, p, "--signatures", "1")
			if exitCode(err) != exitProvenance || !strings.Contains(err.Error(), "provenance tampered (content verified") ||
				!strings.Contains(err.Error(), `row 5, column "signature": provenance does not verify: signature does not recover to its node`) {
				t.Fatalf("got exit %d, %v\n%s", exitCode(err), err, out)
			}
			stdout, _, err := meadowStreams(t, "--json", "verify", p, "--manifest", mf, "--signers", op, "--quorum", "1", "--signatures", "1")
			var res verifyResult
			if jerr := json.Unmarshal([]byte(stdout), &res); jerr != nil {
				t.Fatalf("--json: %v\n%s", jerr, stdout)
			}
			if exitCode(err) != exitProvenance || res.OK || res.Error != "" || res.Provenance.OK || res.Provenance.Status != "tampered" ||
				res.Provenance.BadRows != 1 || res.Root != sum.Root.String() {
				t.Fatalf("--json: exit %d, %+v", exitCode(err), res)
			}
			// Without the manifest, the row signature fails on its own.
			_, err = meadow(t, "verify", p, "--root", sum.Root.String())
			if exitCode(err) != exitProvenance {
				t.Fatalf("--root only: exit %d, %v", exitCode(err), err)
			}
		})
	}
	t.Run("content", func(t *testing.T) {
		p := tamper(t, func(r dataset.Row) { r[s.Index(dataset.ColText)] = "changed" })
		out, err := verify(t, p)
		if exitCode(err) != exitFailure || !strings.Contains(err.Error(), "content: dataset: root mismatch") || strings.Contains(err.Error(), "provenance tampered") {
			t.Fatalf("got exit %d, %v\n%s", exitCode(err), err, out)
		}
	})
}
