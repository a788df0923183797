package blob

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/meadow-net/meadow/dataset"
)

// files lists every regular file under dir, relative to it.
func files(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestPutOpenStatListRemove(t *testing.T) {
	s, reg := newTestStore(t)
	ctx := context.Background()
	b, h := randomBlob(t, 300_000)

	size, err := s.Put(ctx, bytes.NewReader(b), h, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if size != int64(len(b)) {
		t.Fatalf("Put size = %d, want %d", size, len(b))
	}
	name := h.String()
	want := []string{filepath.Join(name[:2], name[2:4], name)}
	if got := files(t, s.Dir()); len(got) != 1 || got[0] != want[0] {
		t.Fatalf("files = %v, want %v", got, want)
	}

	f, n, err := s.Open(h)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(f)
	f.Close()
	if err != nil || n != int64(len(b)) || !bytes.Equal(got, b) {
		t.Fatalf("Open: size %d, %d bytes read, equal %v, err %v", n, len(got), bytes.Equal(got, b), err)
	}
	if !s.Has(h) {
		t.Fatal("Has = false after Put")
	}
	info, err := s.Stat(h)
	if err != nil || info.Size != int64(len(b)) || info.Hash != h {
		t.Fatalf("Stat = %+v, %v", info, err)
	}
	if err := s.Check(h); err != nil {
		t.Fatalf("Check: %v", err)
	}

	b2, h2 := randomBlob(t, 0)
	if _, err := s.Put(ctx, bytes.NewReader(b2), h2, 1); err != nil {
		t.Fatalf("Put of an empty blob: %v", err)
	}
	list, err := s.List()
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || bytes.Compare(list[0][:], list[1][:]) >= 0 {
		t.Fatalf("List = %v, want both hashes in ascending order", list)
	}
	if v := metricValue(t, reg, "meadow_blob_local_blobs"); v != 2 {
		t.Fatalf("local_blobs = %v, want 2", v)
	}
	if v := metricValue(t, reg, "meadow_blob_stored_bytes_total"); v != float64(len(b)) {
		t.Fatalf("stored_bytes_total = %v, want %d", v, len(b))
	}

	if err := s.Remove(h); err != nil {
		t.Fatal(err)
	}
	if s.Has(h) {
		t.Fatal("Has = true after Remove")
	}
	for _, err := range []error{s.Remove(h), s.Check(h)} {
		if !errors.Is(err, ErrNotFound) {
			t.Fatalf("after Remove: %v, want ErrNotFound", err)
		}
	}
	if _, _, err := s.Open(h); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Open after Remove: %v, want ErrNotFound", err)
	}
	if _, err := s.Stat(h); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Stat after Remove: %v, want ErrNotFound", err)
	}
	if v := metricValue(t, reg, "meadow_blob_local_bytes"); v != 0 {
		t.Fatalf("local_bytes = %v after removing the non-empty blob, want 0", v)
	}
}

func TestPutRejectsAndLeavesNothing(t *testing.T) {
	b, h := randomBlob(t, 100_000)
	corrupt := bytes.Clone(b)
	corrupt[500] ^= 1
	_, other := randomBlob(t, 10)
	tests := []struct {
		name    string
		body    []byte
		want    dataset.Hash
		max     int64
		wantErr error
	}{
		{name: "one bit flipped", body: corrupt, want: h, max: 1 << 20, wantErr: ErrDigestMismatch},
		{name: "other blob's name", body: b, want: other, max: 1 << 20, wantErr: ErrDigestMismatch},
		{name: "truncated", body: b[:len(b)-1], want: h, max: 1 << 20, wantErr: ErrDigestMismatch},
		{name: "one byte over the cap", body: b, want: h, max: int64(len(b)) - 1, wantErr: ErrTooLarge},
		{name: "far over the cap", body: b, want: h, max: 10, wantErr: ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, reg := newTestStore(t)
			_, err := s.Put(context.Background(), bytes.NewReader(tt.body), tt.want, tt.max)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Put: %v, want %v", err, tt.wantErr)
			}
			var de *DigestError
			if errors.As(err, &de) {
				if de.Want != tt.want || de.Got == tt.want || !strings.Contains(err.Error(), tt.want.String()) || !strings.Contains(err.Error(), de.Got.String()) {
					t.Fatalf("DigestError %+v / %q does not name expected and actual digests", de, err)
				}
			}
			var se *SizeError
			if errors.As(err, &se) && se.Max != tt.max {
				t.Fatalf("SizeError.Max = %d, want %d", se.Max, tt.max)
			}
			if got := files(t, s.Dir()); len(got) != 0 {
				t.Fatalf("files left behind: %v", got)
			}
			if s.Has(tt.want) {
				t.Fatal("Has = true after a rejected Put")
			}
			reason := "digest"
			if tt.wantErr == ErrTooLarge {
				reason = "size"
			}
			if v := metricValue(t, reg, "meadow_blob_rejected_total", "reason", reason); v != 1 {
				t.Fatalf("rejected_total{reason=%s} = %v, want 1", reason, v)
			}
		})
	}
}

// failReader fails the test if it is read.
type failReader struct{ t *testing.T }

func (r failReader) Read([]byte) (int, error) {
	r.t.Error("Put read the body of a blob it already holds")
	return 0, io.ErrUnexpectedEOF
}

func TestPutExistingDoesNotRead(t *testing.T) {
	s, _ := newTestStore(t)
	b, h := randomBlob(t, 1000)
	if _, err := s.Put(context.Background(), bytes.NewReader(b), h, 0); err != nil {
		t.Fatal(err)
	}
	size, created, err := s.put(context.Background(), failReader{t}, h, 0)
	if err != nil || created || size != 1000 {
		t.Fatalf("second put = %d, %v, %v; want 1000, false, nil", size, created, err)
	}
	if _, err := s.Put(context.Background(), failReader{t}, h, 999); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("Put of a held blob over the cap: %v, want ErrTooLarge", err)
	}
}

func TestConcurrentPuts(t *testing.T) {
	s, reg := newTestStore(t)
	b, h := randomBlob(t, 2<<20)
	corrupt := bytes.Clone(b)
	corrupt[len(b)/2] ^= 0x80
	const n = 12
	var wg sync.WaitGroup
	var mu sync.Mutex
	created := 0
	for i := range n {
		wg.Go(func() {
			body := b
			if i%3 == 2 {
				body = corrupt
			}
			size, c, err := s.put(context.Background(), bytes.NewReader(body), h, 0)
			if i%3 == 2 {
				if err != nil && !errors.Is(err, ErrDigestMismatch) {
					t.Errorf("corrupt put %d: %v", i, err)
				}
				return
			}
			if err != nil || size != int64(len(b)) {
				t.Errorf("put %d: %d, %v", i, size, err)
			}
			if c {
				mu.Lock()
				created++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if created != 1 {
		t.Fatalf("%d puts report creating the blob, want exactly 1", created)
	}
	if err := s.Check(h); err != nil {
		t.Fatal(err)
	}
	if got := files(t, s.Dir()); len(got) != 1 {
		t.Fatalf("files = %v, want the blob alone", got)
	}
	if v := metricValue(t, reg, "meadow_blob_stored_total"); v != 1 {
		t.Fatalf("stored_total = %v, want 1", v)
	}
}

func TestPutCanceled(t *testing.T) {
	s, _ := newTestStore(t)
	b, h := randomBlob(t, 1<<20)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Put(ctx, bytes.NewReader(b), h, 0); !errors.Is(err, context.Canceled) {
		t.Fatalf("Put with a canceled context: %v", err)
	}
	if got := files(t, s.Dir()); len(got) != 0 {
		t.Fatalf("files left behind: %v", got)
	}
}

func TestNewStoreCleansTempFilesAndCounts(t *testing.T) {
	s, _ := newTestStore(t)
	b, h := randomBlob(t, 1234)
	if _, err := s.Put(context.Background(), bytes.NewReader(b), h, 0); err != nil {
		t.Fatal(err)
	}
	name := h.String()
	dir := filepath.Join(s.Dir(), name[:2], name[2:4])
	leftover := filepath.Join(dir, tempPrefix+"12345")
	if err := os.WriteFile(leftover, []byte("half a blob"), 0o600); err != nil {
		t.Fatal(err)
	}
	stray := filepath.Join(s.Dir(), "README")
	if err := os.WriteFile(stray, []byte("an operator's note"), 0o600); err != nil {
		t.Fatal(err)
	}

	reg2 := newRegistry(t)
	m, _ := NewMetrics(reg2)
	s2, err := NewStore(s.Dir(), WithMetrics(m))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(leftover); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("temporary file survived NewStore: %v", err)
	}
	if _, err := os.Stat(stray); err != nil {
		t.Fatalf("NewStore touched a file that is not its own: %v", err)
	}
	if list, err := s2.List(); err != nil || len(list) != 1 || list[0] != h {
		t.Fatalf("List = %v, %v", list, err)
	}
	if v := metricValue(t, reg2, "meadow_blob_local_bytes"); v != 1234 {
		t.Fatalf("local_bytes after reopening = %v, want 1234", v)
	}
}

func TestCheckDetectsRot(t *testing.T) {
	s, _ := newTestStore(t)
	b, h := randomBlob(t, 5000)
	if _, err := s.Put(context.Background(), bytes.NewReader(b), h, 0); err != nil {
		t.Fatal(err)
	}
	name := h.String()
	p := filepath.Join(s.Dir(), name[:2], name[2:4], name)
	if err := os.Chmod(p, 0o600); err != nil {
		t.Fatal(err)
	}
	b[10] ^= 1
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	var de *DigestError
	if err := s.Check(h); !errors.As(err, &de) || de.Want != h {
		t.Fatalf("Check of a changed file: %v, want *DigestError", err)
	}
}

func TestParseHash(t *testing.T) {
	good := strings.Repeat("0123456789abcdef", 4)
	tests := []struct {
		name string
		in   string
		ok   bool
	}{
		{name: "lowercase", in: good, ok: true},
		{name: "uppercase", in: strings.ToUpper(good)},
		{name: "0x prefix", in: "0x" + good[2:]},
		{name: "short", in: good[:63]},
		{name: "long", in: good + "0"},
		{name: "not hex", in: good[:63] + "g"},
		{name: "empty", in: ""},
		{name: "path", in: "../" + good[3:]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := ParseHash(tt.in)
			if tt.ok {
				if err != nil || h.String() != tt.in {
					t.Fatalf("ParseHash(%q) = %v, %v", tt.in, h, err)
				}
				return
			}
			if !errors.Is(err, ErrInvalidHash) || !strings.Contains(err.Error(), "64 lowercase hex digits") {
				t.Fatalf("ParseHash(%q) error = %v", tt.in, err)
			}
		})
	}
}
