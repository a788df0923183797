// Package releasetest makes real release directories for tests: node
// archives (tar.gz or zip, the binary at the top level), a SHA256SUMS over
// them and its signature by a test key, as `make release` and a release
// key would.
package releasetest

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"crypto/ecdsa"
	"crypto/sha256"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/meadow-net/meadow/release"
)

// NodeArchive packs binary as the node archive of version for goos/goarch
// and returns its name and bytes.
func NodeArchive(t testing.TB, version, goos, goarch string, binary []byte) (string, []byte) {
	t.Helper()
	name, bin := release.NodeArchive(version, goos, goarch)
	var b bytes.Buffer
	if goos == "windows" {
		zw := zip.NewWriter(&b)
		h := &zip.FileHeader{Name: bin, Method: zip.Deflate, Modified: time.Unix(0, 0)}
		h.SetMode(0o755)
		w, err := zw.CreateHeader(h)
		if err == nil {
			_, err = w.Write(binary)
		}
		if err == nil {
			err = zw.Close()
		}
		if err != nil {
			t.Fatalf("releasetest: zip: %v", err)
		}
		return name, b.Bytes()
	}
	gz := gzip.NewWriter(&b)
	tw := tar.NewWriter(gz)
	err := tw.WriteHeader(&tar.Header{Name: bin, Mode: 0o755, Size: int64(len(binary)), Typeflag: tar.TypeReg, ModTime: time.Unix(0, 0)})
	if err == nil {
		_, err = tw.Write(binary)
	}
	if err == nil {
		err = tw.Close()
	}
	if err == nil {
		err = gz.Close()
	}
	if err != nil {
		t.Fatalf("releasetest: tar.gz: %v", err)
	}
	return name, b.Bytes()
}

// WriteDir writes files into dir (created if needed) with a SHA256SUMS
// listing them all and SHA256SUMS.sig signed by key, and returns the SUMS
// file's bytes.
func WriteDir(t testing.TB, dir string, key *ecdsa.PrivateKey, files map[string][]byte) []byte {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	var sums release.Sums
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
		sums = append(sums, release.Sum{Name: name, SHA256: sha256.Sum256(data)})
	}
	text := sums.Bytes()
	sig, err := release.Sign(key, text)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, release.SigFile), sig, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, release.SumsFile), text, 0o644); err != nil {
		t.Fatal(err)
	}
	return text
}
