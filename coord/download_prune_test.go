package coord

import (
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

func TestPruneDownloads(t *testing.T) {
	dir := t.TempDir()
	c := &Coordinator{cfg: Config{DownloadCache: 250}, log: slog.New(slog.DiscardHandler)}
	base := time.Now().Add(-time.Hour)
	write := func(name string, size int, age int) {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, make([]byte, size), 0o640); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p+".etag", []byte(`"x"`), 0o640); err != nil {
			t.Fatal(err)
		}
		at := base.Add(time.Duration(age) * time.Minute)
		if err := os.Chtimes(p, at, at); err != nil {
			t.Fatal(err)
		}
	}
	write("old.parquet", 100, 0)
	write("mid.arrow", 100, 1)
	write("new.arrows", 100, 2)
	write("big-just-written.parquet", 300, 3)

	// 600 bytes against 250: the oldest go until it fits or only the file
	// just written is left, which stays whatever its size.
	c.pruneDownloads(dir, filepath.Join(dir, "big-just-written.parquet"))
	ents, _ := os.ReadDir(dir)
	var got []string
	for _, e := range ents {
		got = append(got, e.Name())
	}
	want := []string{"big-just-written.parquet", "big-just-written.parquet.etag"}
	if !slices.Equal(got, want) {
		t.Fatalf("left %v, want %v", got, want)
	}

	// Under the bound nothing goes.
	write("a.arrow", 100, 4)
	c.cfg.DownloadCache = 1000
	c.pruneDownloads(dir, filepath.Join(dir, "a.arrow"))
	if ents, _ := os.ReadDir(dir); len(ents) != 4 {
		t.Fatalf("%d entries left under the bound, want 4", len(ents))
	}
}
