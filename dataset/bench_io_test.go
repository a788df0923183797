package dataset

import (
	"bytes"
	"context"
	"crypto/sha256"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"
)

// benchFormats are the formats the I/O benchmarks cover.
var benchFormats = []Format{FormatArrowStream, FormatArrowFile, FormatParquet}

// BenchmarkWrite writes 16,384 rows of 1 KiB (16 MiB of values) per
// iteration to io.Discard: validation, normalization, hashing, Arrow
// building and encoding (Parquet: Snappy).
func BenchmarkWrite(b *testing.B) {
	s, rows, _ := benchData(b, benchRows, benchRowBytes)
	for _, f := range benchFormats {
		b.Run(f.String(), func(b *testing.B) {
			b.SetBytes(benchRows * benchRowBytes)
			b.ReportAllocs()
			for range b.N {
				w, err := NewWriter(io.Discard, f, s)
				if err != nil {
					b.Fatal(err)
				}
				for _, r := range rows {
					if err := w.Write(r); err != nil {
						b.Fatal(err)
					}
				}
				if err := w.Close(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*benchRows)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

// benchFile writes the benchmark rows in format f to memory.
func benchFile(b *testing.B, f Format) ([]byte, Schema) {
	s, rows, _ := benchData(b, benchRows, benchRowBytes)
	return encodeRows(b, f, s, rows), s
}

// encodeRows writes rows in format f to memory.
func encodeRows(b *testing.B, f Format, s Schema, rows []Row) []byte {
	var buf bytes.Buffer
	w, err := NewWriter(&buf, f, s)
	if err != nil {
		b.Fatal(err)
	}
	for _, r := range rows {
		if err := w.Write(r); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkRead reads the 16 MiB of rows back: "batches" decodes and checks
// each record batch (structure, nulls), "rows" also materializes every Row
// (copies of its values), "hashes" hashes every row as Verify does.
func BenchmarkRead(b *testing.B) {
	for _, f := range benchFormats {
		data, _ := benchFile(b, f)
		for _, mode := range []string{"batches", "rows", "hashes"} {
			b.Run(f.String()+"/"+mode, func(b *testing.B) {
				b.SetBytes(benchRows * benchRowBytes)
				b.ReportAllocs()
				for range b.N {
					r, err := NewReader(bytes.NewReader(data), int64(len(data)))
					if err != nil {
						b.Fatal(err)
					}
					n := 0
					switch mode {
					case "batches":
						for r.NextBatch() {
							n += int(r.Batch().NumRows())
						}
					case "rows":
						for r.Next() {
							_ = r.Row()
							n++
						}
					case "hashes":
						for {
							hs, ok := r.NextHashes()
							if !ok {
								break
							}
							n += len(hs)
						}
					}
					if err := r.Err(); err != nil || n != benchRows {
						b.Fatalf("%d rows, %v", n, err)
					}
					r.Close()
				}
				b.ReportMetric(float64(b.N*benchRows)/b.Elapsed().Seconds(), "rows/s")
			})
		}
	}
}

// BenchmarkVerify runs Verify on a 16 MiB file: open, read, check and hash
// every row, sort, root, compare with --root.
func BenchmarkVerify(b *testing.B) {
	dir := b.TempDir()
	for _, f := range benchFormats {
		data, _ := benchFile(b, f)
		path := filepath.Join(dir, "bench"+f.Ext())
		if err := os.WriteFile(path, data, 0o644); err != nil {
			b.Fatal(err)
		}
		rep, err := Verify(context.Background(), path, VerifyOptions{})
		if err != nil {
			b.Fatal(err)
		}
		root := rep.Root
		b.Run(f.String(), func(b *testing.B) {
			b.SetBytes(benchRows * benchRowBytes)
			b.ReportAllocs()
			for range b.N {
				if _, err := Verify(context.Background(), path, VerifyOptions{Root: &root}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*benchRows)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

// TestVerifyMemoryChild is TestSoakVerifyMemory's child process; it does
// nothing unless MEADOW_VERIFY_CHILD names a file.
func TestVerifyMemoryChild(t *testing.T) {
	path := os.Getenv("MEADOW_VERIFY_CHILD")
	if path == "" {
		return
	}
	root, err := ParseHash(os.Getenv("MEADOW_VERIFY_ROOT"))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Verify(context.Background(), path, VerifyOptions{Root: &root})
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatalf("reading peak memory: %v", err)
	}
	hwm := ""
	for _, l := range strings.Split(string(st), "\n") {
		if strings.HasPrefix(l, "VmHWM:") {
			hwm = strings.Fields(l)[1]
		}
	}
	t.Logf("VmHWM_kB=%s rows=%d bytes=%d duration=%v MB/s=%.0f", hwm, rep.Rows, rep.Bytes, rep.Duration, float64(rep.Bytes)/rep.Duration.Seconds()/1e6)
}

// BenchmarkVerifySigned is BenchmarkVerify (Arrow stream) on rows that carry
// the node's row signatures, as every Meadow dataset's rows do now: each row's
// signer is recovered (secp256k1, in parallel), next to the same file with
// the signatures left null.
func BenchmarkVerifySigned(b *testing.B) {
	key, err := crypto.GenerateKey()
	if err != nil {
		b.Fatal(err)
	}
	s, rows, _ := benchData(b, benchRows, benchRowBytes)
	node := strings.ToLower(crypto.PubkeyToAddress(key.PublicKey).Hex())
	for _, r := range rows {
		r[s.Index(ColNode)] = node
	}
	if err := SignRows(s, rows, key); err != nil {
		b.Fatal(err)
	}
	data := encodeRows(b, FormatArrowStream, s, rows)
	path := filepath.Join(b.TempDir(), "signed.arrows")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		b.Fatal(err)
	}
	rep, err := Verify(context.Background(), path, VerifyOptions{})
	if err != nil {
		b.Fatal(err)
	}
	// A manifest whose provenance root covers every row, for the sampled
	// mode (meadow verify's default with such a manifest).
	var recs []Hash
	for _, r := range rows {
		h, err := RecordHash(s, r)
		if err != nil {
			b.Fatal(err)
		}
		recs = append(recs, h)
	}
	pr := ProvenanceRoot(recs)
	m := &Manifest{
		Version: ManifestVersion, DatasetID: "ds-bench", JobID: "job-bench", Kind: s.Kind, Schema: s,
		Tasks:     []ManifestTask{{TaskID: "t0", Root: rep.Root, Rows: rep.Rows, BlobSHA256: sha256.Sum256(data), ProvenanceRoot: &pr}},
		TotalRows: rep.Rows, Root: rep.Root, ProvenanceRoot: &pr, CreatedAt: time.Unix(1790000000, 0).UTC(), Signatures: []Signature{},
	}
	for _, mode := range []struct {
		name string
		opts VerifyOptions
	}{
		{"every-row", VerifyOptions{Root: &rep.Root}},
		{"sample-32", VerifyOptions{Manifest: m, SignatureSample: 32}},
	} {
		b.Run(mode.name, func(b *testing.B) {
			b.SetBytes(benchRows * benchRowBytes)
			b.ReportAllocs()
			for range b.N {
				if _, err := Verify(context.Background(), path, mode.opts); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*benchRows)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
