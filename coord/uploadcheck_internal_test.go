package coord

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/dataset"
)

// BenchmarkUploadCheck measures what the leader spends on an uploaded
// blob's rows whatever carries the bytes (through the leader, or a
// presigned PUT to the bucket that the leader then reads back): decoding
// the Arrow stream, hashing every row, checking every row's node signature
// (one ecrecover a row) and that the rows are the accepted ones
// (keepAccepted). The baseline is crypto/sha256 over the same bytes, the
// least any check of the blob costs. Rows are crawl rows of textBytes of
// page text, as the network's crawls make (a few KB a page).
//
//	go test ./coord -run '^$' -bench UploadCheck -benchtime 5x
func BenchmarkUploadCheck(b *testing.B) {
	for _, textBytes := range []int{2 << 10, 16 << 10} {
		blob, accepted, node := signedCrawlBlob(b, 2000, textBytes)
		path := filepath.Join(b.TempDir(), "blob")
		if err := os.WriteFile(path, blob, 0o600); err != nil {
			b.Fatal(err)
		}
		sum := dataset.Hash(sha256.Sum256(blob))
		b.Run(fmt.Sprintf("text=%dKiB/keepAccepted", textBytes>>10), func(b *testing.B) {
			b.SetBytes(int64(len(blob)))
			for b.Loop() {
				f, err := os.Open(path)
				if err != nil {
					b.Fatal(err)
				}
				final, _, rows, err := keepAccepted(f, sum, accepted, b.TempDir(), node)
				f.Close()
				if err != nil || final != path || rows != int64(len(accepted)) {
					b.Fatalf("keepAccepted: %v, %s, %d rows", err, final, rows)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*len(accepted)), "µs/row")
		})
		b.Run(fmt.Sprintf("text=%dKiB/sha256", textBytes>>10), func(b *testing.B) {
			b.SetBytes(int64(len(blob)))
			for b.Loop() {
				if sha256.Sum256(blob) == ([32]byte{}) {
					b.Fatal("zero hash")
				}
			}
		})
	}
}

// signedCrawlBlob is an Arrow stream of n crawl rows of textBytes of text,
// each signed by a node key, and the rows' hashes (all accepted).
func signedCrawlBlob(b *testing.B, n, textBytes int) ([]byte, []api.Hash, common.Address) {
	b.Helper()
	key, err := crypto.GenerateKey()
	if err != nil {
		b.Fatal(err)
	}
	node := crypto.PubkeyToAddress(key.PublicKey)
	s, err := dataset.CrawlSchema(nil)
	if err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	w, err := dataset.NewWriter(&buf, dataset.FormatArrowStream, s)
	if err != nil {
		b.Fatal(err)
	}
	h, err := dataset.NewHasher(s)
	if err != nil {
		b.Fatal(err)
	}
	words := strings.Repeat("meadow rows are checked one by one ", textBytes/35+1)[:textBytes]
	var hs []api.Hash
	for i := range n {
		u := fmt.Sprintf("https://a.example/%d", i)
		row := dataset.CrawlRow(s, dataset.Page{URL: u, FinalURL: u, Status: 200, ContentType: "text/html", Text: fmt.Sprint(i, " ", words)},
			dataset.Provenance{Node: strings.ToLower(node.Hex()), FetchedAt: 1})
		if err := dataset.SignRows(s, []dataset.Row{row}, key); err != nil {
			b.Fatal(err)
		}
		hh, err := h.Hash(row)
		if err != nil {
			b.Fatal(err)
		}
		hs = append(hs, api.Hash(hh))
		if err := w.Write(row); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes(), hs, node
}
