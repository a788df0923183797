package pipebench

import (
	"bytes"
	"compress/gzip"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/meadow-net/meadow/crawl/internal/realpages"
)

// labelsPath is the real-pages label file: it names the packages and the
// directories they install their HTML under.
const labelsPath = "../../testdata/realpages/labels.json"

// minPageBytes leaves out redirects and stubs (Apache's index.html is a
// 732-byte language chooser).
const minPageBytes = 2 << 10

// page is one HTML document and the URL it is crawled as.
type page struct {
	url  string
	html []byte
}

// corpusBytes is the pages' total size.
func corpusBytes(pages []page) int64 {
	var n int64
	for _, p := range pages {
		n += int64(len(p.html))
	}
	return n
}

// loadPages returns n installed pages of at least minPageBytes, spread
// evenly over the packages of the label file (an equal share each) and,
// within a package, evenly over its files in sorted path order: the same
// pages on every machine with the same package versions. Symbolic links to
// pages count as pages (Apache's manual links untranslated pages into each
// language's directory; a web server serves them at both URLs). A missing
// package fails the test, naming it.
func loadPages(tb testing.TB, n int) []page {
	tb.Helper()
	f, err := realpages.Load(labelsPath)
	if err != nil {
		tb.Fatal(err)
	}
	var out []page
	for pi, pkg := range f.Packages {
		if _, err := realpages.InstalledVersion(pkg.Name); err != nil {
			tb.Fatalf("%v; run make deps", err)
		}
		paths := htmlFiles(tb, pkg.Name, pkg.Root)
		want := n / len(f.Packages)
		if pi < n%len(f.Packages) {
			want++
		}
		if len(paths) < want {
			tb.Fatalf("pipebench: Debian package %s has %d HTML pages of %d bytes or more under %s, expected at least %d (reinstall it: make deps)",
				pkg.Name, len(paths), minPageBytes, pkg.Root, want)
		}
		for i := range want {
			rel := paths[i*len(paths)/want]
			b, err := readPage(filepath.Join(pkg.Root, rel))
			if err != nil {
				tb.Fatalf("pipebench: %v (Debian package %s: make deps)", err, pkg.Name)
			}
			out = append(out, page{url: "http://" + pkg.Name + ".meadow.test/" + strings.TrimSuffix(filepath.ToSlash(rel), ".gz"), html: b})
		}
	}
	return out
}

// htmlFiles lists the .html and .html.gz files under root of at least
// minPageBytes (on disk), relative to root, sorted.
func htmlFiles(tb testing.TB, pkg, root string) []string {
	tb.Helper()
	var paths []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() || !(strings.HasSuffix(name, ".html") || strings.HasSuffix(name, ".html.gz")) {
			return nil
		}
		fi, err := os.Stat(path) // follows a link
		if err != nil || !fi.Mode().IsRegular() || fi.Size() < minPageBytes {
			return nil
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		paths = append(paths, rel)
		return nil
	})
	if err != nil {
		tb.Fatalf("pipebench: walking %s: %v (Debian package %s: make deps)", root, err, pkg)
	}
	sort.Strings(paths)
	return paths
}

// readPage reads a page, decompressed when it ends in .gz.
func readPage(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil || !strings.HasSuffix(path, ".gz") {
		return b, err
	}
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	return io.ReadAll(zr)
}
