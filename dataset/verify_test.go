package dataset

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// manyCrawlRows makes n crawl rows with varied text.
func manyCrawlRows(tb testing.TB, n int) (Schema, []Row) {
	tb.Helper()
	s, base := sampleCrawlRows(tb)
	rows := make([]Row, n)
	for i := range rows {
		r := append(Row(nil), base[i%len(base)]...)
		r[s.Index(ColURL)] = fmt.Sprintf("https://example.org/p/%d", i)
		r[s.Index(ColText)] = fmt.Sprintf("row %d: %s", i, strings.Repeat("texte à lire ", i%7))
		rows[i] = r
	}
	return s, rows
}

func manifestFor(tb testing.TB, s Schema, sum WriteSummary) *Manifest {
	tb.Helper()
	m := &Manifest{
		Version: ManifestVersion, DatasetID: "ds", JobID: "job", Kind: s.Kind, Schema: s,
		Tasks:     []ManifestTask{{TaskID: "t0", Root: sum.Root, Rows: sum.Rows, BlobSHA256: sum.SHA256}},
		TotalRows: sum.Rows, Root: sum.Root, CreatedAt: time.Unix(1700000000, 0).UTC(), Signatures: []Signature{},
	}
	if err := m.Validate(); err != nil {
		tb.Fatal(err)
	}
	return m
}

func TestVerify(t *testing.T) {
	s, rows := manyCrawlRows(t, 1000)
	for _, f := range []Format{FormatArrowStream, FormatArrowFile, FormatParquet} {
		t.Run(f.String(), func(t *testing.T) {
			path, sum := writeFile(t, t.TempDir(), f, s, rows, WithBatchRows(128))
			m := manifestFor(t, s, sum)
			var progress []Progress
			rep, err := Verify(context.Background(), path, VerifyOptions{
				Root: &sum.Root, Manifest: m, TaskID: "t0",
				Progress: func(p Progress) { progress = append(progress, p) },
			})
			if err != nil {
				t.Fatal(err)
			}
			// Parquet is read in the reader's batches, not the writer's.
			batches := 8
			if f == FormatParquet {
				batches = 1
			}
			if rep.Rows != 1000 || rep.Root != sum.Root || rep.Format != f || rep.Bytes != sum.Bytes || rep.Batches != batches {
				t.Fatalf("report %+v", rep)
			}
			if len(progress) != batches || progress[batches-1].Rows != 1000 {
				t.Fatalf("progress %+v", progress)
			}
			t.Logf("checked %v", rep.Checked)

			// The dataset-level check of the manifest.
			if _, err := Verify(context.Background(), path, VerifyOptions{Manifest: m}); err != nil {
				t.Fatal(err)
			}

			other := sum.Root
			other[31] ^= 1
			rep, err = Verify(context.Background(), path, VerifyOptions{Root: &other})
			if !errors.Is(err, ErrRootMismatch) || rep.Root != sum.Root {
				t.Fatalf("wrong root: %v, report root %s", err, rep.Root)
			}
			m2 := *m
			m2.TotalRows, m2.Tasks = 999, []ManifestTask{{TaskID: "t0", Root: sum.Root, Rows: 999, BlobSHA256: sum.SHA256}}
			if _, err := Verify(context.Background(), path, VerifyOptions{Manifest: &m2}); !errors.Is(err, ErrRowCountMismatch) {
				t.Fatalf("wrong row count: %v", err)
			}
			m3 := *m
			m3.Schema.Columns = append([]Column(nil), m.Schema.Columns...)
			m3.Schema.Columns[4].Nullable = false
			if _, err := Verify(context.Background(), path, VerifyOptions{Manifest: &m3}); !errors.Is(err, ErrSchemaMismatch) {
				t.Fatalf("wrong schema: %v", err)
			}

			// Proofs of single rows, in file order.
			for _, row := range []int64{0, 1, 500, 999} {
				p, err := Proof(context.Background(), path, row)
				if err != nil {
					t.Fatal(err)
				}
				want, _ := HashRow(s, rows[row])
				if p.RowHash != want || *p.Row != row || p.Size != 1000 {
					t.Fatalf("proof of row %d: %+v", row, p)
				}
				if err := CheckProof(p, sum.Root); err != nil {
					t.Fatal(err)
				}
				if _, err := CheckRowProof(context.Background(), path, row, p, sum.Root); err != nil {
					t.Fatal(err)
				}
				if _, err := CheckRowProof(context.Background(), path, (row+1)%1000, p, sum.Root); !errors.Is(err, ErrInvalidProof) {
					t.Fatalf("proof of row %d accepted for another row: %v", row, err)
				}
			}
			if _, err := Proof(context.Background(), path, 1000); !errors.Is(err, ErrRowOutOfRange) {
				t.Fatalf("row past the end: %v", err)
			}

			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			if _, err := Verify(ctx, path, VerifyOptions{}); !errors.Is(err, context.Canceled) {
				t.Fatalf("cancelled: %v", err)
			}
		})
	}
}

func TestVerifyEmptyDataset(t *testing.T) {
	s, _ := sampleCrawlRows(t)
	for _, f := range []Format{FormatArrowStream, FormatArrowFile, FormatParquet} {
		path, sum := writeFile(t, t.TempDir(), f, s, nil)
		if sum.Root != EmptyRoot {
			t.Fatalf("%s: empty root %s", f, sum.Root)
		}
		rep, err := Verify(context.Background(), path, VerifyOptions{Root: &EmptyRoot})
		if err != nil || rep.Rows != 0 {
			t.Fatalf("%s: %v %+v", f, err, rep)
		}
	}
}

// TestVerifyReportsBadRows writes files whose rows break the schema in ways
// the Writer would refuse, by writing the Arrow data directly.
func TestVerifyReportsBadRows(t *testing.T) {
	s, rows := manyCrawlRows(t, 10)
	for i := range rows {
		rows[i] = NormalizeRow(s, rows[i]) // stored as the Writer stores them
	}
	dir := t.TempDir()

	// Invalid UTF-8 in row 7.
	bad := append([]Row(nil), rows...)
	bad[7] = append(Row(nil), rows[7]...)
	bad[7][s.Index(ColText)] = "ok\xffnot"
	path := filepath.Join(dir, "utf8.arrows")
	writeUnchecked(t, path, s, bad)
	_, err := Verify(context.Background(), path, VerifyOptions{})
	var re *RowError
	if !errors.As(err, &re) || re.Row != 7 || re.Column != ColText || !errors.Is(err, ErrInvalidRow) {
		t.Fatalf("got %v, want row 7, column text", err)
	}
	t.Log(err)

	// A null in a column that is not nullable, row 4: the file's Arrow
	// field is nullable but its Meadow schema is not.
	bad = append([]Row(nil), rows...)
	bad[4] = append(Row(nil), rows[4]...)
	bad[4][s.Index(ColURL)] = nil
	path = filepath.Join(dir, "null.arrows")
	writeUnchecked(t, path, s, bad)
	_, err = Verify(context.Background(), path, VerifyOptions{})
	if !errors.As(err, &re) || re.Row != 4 || re.Column != ColURL {
		t.Fatalf("got %v, want row 4, column url", err)
	}
	t.Log(err)
}

// TestReaderRefusesBadFloatsAndListText: a file holding NaN, ±Inf or -0
// in a float64 column, or invalid UTF-8 in a list<string> element (written
// without the Writer's checks), is refused by Verify and by Next, naming
// the row and the column.
func TestReaderRefusesBadFloatsAndListText(t *testing.T) {
	s, rows := sampleWasmRows(t)
	for i := range rows {
		rows[i] = NormalizeRow(s, rows[i])
	}
	for _, tt := range []struct {
		name string
		row  int
		col  string
		v    any
		msg  string
	}{
		{name: "NaN", row: 2, col: "score", v: math.NaN(), msg: "NaN"},
		{name: "+Inf", row: 1, col: "prob", v: math.Inf(1), msg: "+Inf"},
		{name: "-Inf", row: 3, col: "score", v: math.Inf(-1), msg: "-Inf"},
		{name: "-0", row: 3, col: "prob", v: math.Copysign(0, -1), msg: "-0"},
		{name: "bad list text", row: 2, col: "tokens", v: []string{"ok", "b\xffad"}, msg: "element 1: invalid UTF-8"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			bad := append([]Row(nil), rows...)
			bad[tt.row] = append(Row(nil), rows[tt.row]...)
			bad[tt.row][s.Index(tt.col)] = tt.v
			path := filepath.Join(t.TempDir(), "bad.arrows")
			writeUnchecked(t, path, s, bad)
			_, verr := Verify(context.Background(), path, VerifyOptions{})
			var re *RowError
			if !errors.As(verr, &re) || re.Row != int64(tt.row) || re.Column != tt.col || !errors.Is(verr, ErrInvalidRow) || !strings.Contains(verr.Error(), tt.msg) {
				t.Fatalf("Verify: got %v, want row %d, column %s, %q", verr, tt.row, tt.col, tt.msg)
			}
			r, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			n := 0
			for r.Next() {
				n++
			}
			if !errors.As(r.Err(), &re) || re.Row != int64(tt.row) || re.Column != tt.col || n > tt.row {
				t.Fatalf("Next: %d rows, then %v", n, r.Err())
			}
			t.Log(verr)
		})
	}
}

// writeUnchecked writes rows as an Arrow stream without the Writer's
// checks, every field nullable.
func writeUnchecked(tb testing.TB, path string, s Schema, rows []Row) {
	tb.Helper()
	as, err := ArrowSchema(s, nil)
	if err != nil {
		tb.Fatal(err)
	}
	fields := as.Fields()
	for i := range fields {
		fields[i].Nullable = true
	}
	md := as.Metadata()
	as = arrowNewSchema(fields, &md)
	var buf bytes.Buffer
	if err := writeRawStream(&buf, as, rows); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		tb.Fatal(err)
	}
}

func TestReaderCorruptFiles(t *testing.T) {
	s, rows := manyCrawlRows(t, 300)
	for _, f := range []Format{FormatArrowStream, FormatArrowFile, FormatParquet} {
		t.Run(f.String(), func(t *testing.T) {
			path, _ := writeFile(t, t.TempDir(), f, s, rows, WithBatchRows(64))
			data, _ := os.ReadFile(path)
			dir := t.TempDir()
			// Truncations at many points and flipped bytes: every one either
			// reads (a flip in text is a different, valid file) or fails
			// with one of the package's errors; none panics.
			for cut := 0; cut < len(data); cut += max(1, len(data)/97) {
				checkNoPanic(t, dir, data[:cut])
			}
			for i := 0; i < len(data); i += max(1, len(data)/211) {
				c := bytes.Clone(data)
				c[i] ^= 0x5a
				checkNoPanic(t, dir, c)
			}
		})
	}
	// A file of another kind altogether.
	p := filepath.Join(t.TempDir(), "x.csv")
	os.WriteFile(p, []byte("url,text\nhttps://a,b\n"), 0o644)
	if _, err := Verify(context.Background(), p, VerifyOptions{}); !errors.Is(err, ErrUnknownFormat) {
		t.Fatalf("CSV: %v", err)
	}
}

func checkNoPanic(tb testing.TB, dir string, data []byte) {
	tb.Helper()
	path := filepath.Join(dir, "f")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		tb.Fatal(err)
	}
	_, err := Verify(context.Background(), path, VerifyOptions{})
	if err != nil && !isPackageError(err) {
		tb.Fatalf("%d bytes: error wraps no sentinel: %v", len(data), err)
	}
}

func isPackageError(err error) bool {
	for _, s := range []error{ErrCorrupt, ErrUnknownFormat, ErrInvalidRow, ErrSchemaMismatch, ErrNoSchema, ErrProvenance} {
		if errors.Is(err, s) {
			return true
		}
	}
	return false
}

// FuzzReadArrow feeds arbitrary bytes to the Reader as a file: whatever the
// bytes, it must not panic, and its errors must wrap one of the package's
// sentinels. Seeds are small files of each format (and the corpus in
// testdata/fuzz/FuzzReadArrow).
func FuzzReadArrow(f *testing.F) {
	s, rows := sampleComputeRows(f)
	cs, crows := sampleCrawlRows(f)
	for _, fm := range []Format{FormatArrowStream, FormatArrowFile, FormatParquet} {
		var buf bytes.Buffer
		w, err := NewWriter(&buf, fm, s, WithBatchRows(2))
		if err != nil {
			f.Fatal(err)
		}
		for _, r := range rows {
			if err := w.Write(r); err != nil {
				f.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			f.Fatal(err)
		}
		f.Add(buf.Bytes())
		buf.Reset()
		ws, wrows := sampleWasmRows(f)
		w, _ = NewWriter(&buf, fm, ws, WithBatchRows(3))
		for _, r := range wrows {
			w.Write(r)
		}
		w.Close()
		f.Add(buf.Bytes())
		buf.Reset()
		w, _ = NewWriter(&buf, fm, cs)
		for _, r := range crows {
			w.Write(r)
		}
		w.Close()
		f.Add(buf.Bytes())
	}
	f.Add([]byte("ARROW1\x00\x00ARROW1"))
	f.Add([]byte("PAR1PAR1"))
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := NewReader(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			if !isPackageError(err) {
				t.Fatalf("open: error wraps no sentinel: %v", err)
			}
			return
		}
		defer r.Close()
		for i := 0; i < 1000; i++ {
			if i%2 == 0 {
				if !r.Next() {
					break
				}
				_ = r.Row()
			} else if _, ok := r.NextHashes(); !ok {
				break
			}
		}
		if err := r.Err(); err != nil && !isPackageError(err) {
			t.Fatalf("read: error wraps no sentinel: %v", err)
		}
	})
}

// TestVerifyRefusesTextNotStoredNormalized: text stored un-normalized
// hashes like its normal form, so the rows' hashes and the root all match;
// Verify must still refuse the file, naming the row and column, because a
// buyer reading it would read other text than was hashed.
func TestVerifyRefusesTextNotStoredNormalized(t *testing.T) {
	s, raw := manyCrawlRows(t, 10)
	good := make([]Row, len(raw))
	for i, r := range raw {
		good[i] = NormalizeRow(s, r)
	}
	dir := t.TempDir()
	_, sum := writeFile(t, dir, FormatArrowStream, s, good)
	goodPath := filepath.Join(dir, "good.arrows")
	writeUnchecked(t, goodPath, s, good)
	if _, err := Verify(context.Background(), goodPath, VerifyOptions{Root: &sum.Root}); err != nil {
		t.Fatalf("normalized rows: %v", err)
	}
	title := s.Index(FieldPrefix + "title")
	text := s.Index(ColText)
	tests := []struct {
		name string
		row  int
		col  int
		val  func(string) string
	}{
		{name: "leading space", row: 6, col: text, val: func(v string) string { return " " + v }},
		{name: "trailing tab", row: 2, col: text, val: func(v string) string { return v + "\t" }},
		{name: "two spaces", row: 9, col: text, val: func(v string) string { return strings.Replace(v, " ", "  ", 1) }},
		{name: "no-break space", row: 5, col: text, val: func(v string) string { return strings.Replace(v, " ", "\u00a0", 1) }},
		{name: "NFD", row: 0, col: title, val: func(v string) string { return strings.Replace(v, "é", "e\u0301", 1) }},
		{name: "NFD in ASCII-looking text", row: 4, col: text, val: func(v string) string { return v + "e\u0301" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bad := append([]Row(nil), good...)
			bad[tt.row] = append(Row(nil), good[tt.row]...)
			v := tt.val(good[tt.row][tt.col].(string))
			if tt.name == "NFD in ASCII-looking text" {
				// The normal form differs here; fix the good side to match.
				bad[tt.row][tt.col] = v
				g := append([]Row(nil), good...)
				g[tt.row] = NormalizeRow(s, bad[tt.row])
				_, sum = writeFile(t, t.TempDir(), FormatArrowStream, s, g)
			} else {
				_, sum = writeFile(t, t.TempDir(), FormatArrowStream, s, good)
			}
			bad[tt.row][tt.col] = v
			if v == NormalizeText(v) {
				t.Fatalf("test value %q is already normalized", v)
			}
			path := filepath.Join(t.TempDir(), "bad.arrows")
			writeUnchecked(t, path, s, bad)

			// The hashes normalize, so the root is the honest one...
			r, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			hs := new(hashSet)
			for {
				h, ok := r.NextHashes()
				if !ok {
					break
				}
				hs.add(h)
			}
			r.Close()
			if err := r.Err(); err != nil || hs.root() != sum.Root {
				t.Fatalf("hashing the stored rows: %v, root %s, want %s", err, hs.root(), sum.Root)
			}
			// ...and Verify refuses the file for what it stores.
			_, err = Verify(context.Background(), path, VerifyOptions{Root: &sum.Root})
			var re *RowError
			if !errors.As(err, &re) || re.Row != int64(tt.row) || re.Column != s.Columns[tt.col].Name ||
				!errors.Is(err, ErrInvalidRow) || !strings.Contains(err.Error(), "normal form") {
				t.Fatalf("got %v, want row %d, column %s, not in normal form", err, tt.row, s.Columns[tt.col].Name)
			}
			if _, err := Proof(context.Background(), path, int64(tt.row)); err == nil {
				t.Fatal("Proof of a file storing un-normalized text: no error")
			}
			t.Log(err)
		})
	}
}
