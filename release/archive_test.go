package release

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"io/fs"
	"strings"
	"testing"
	"time"
)

func TestArchiveNames(t *testing.T) {
	for _, tt := range []struct {
		name                        string
		binary, version, goos, arch string
		want, binaryPath            string
	}{
		{name: "node linux", binary: NodeBinary, version: "v0.4.0", goos: "linux", arch: "arm64",
			want: "meadow-node_v0.4.0_linux_arm64.tar.gz", binaryPath: "meadow-node_v0.4.0_linux_arm64/meadow-node"},
		{name: "node windows", binary: NodeBinary, version: "f6b0ecf-dirty", goos: "windows", arch: "amd64",
			want: "meadow-node_f6b0ecf-dirty_windows_amd64.zip", binaryPath: "meadow-node_f6b0ecf-dirty_windows_amd64/meadow-node.exe"},
		{name: "full darwin", binary: FullBinary, version: "1.2.3", goos: "darwin", arch: "arm64",
			want: "meadow_1.2.3_darwin_arm64.tar.gz", binaryPath: "meadow_1.2.3_darwin_arm64/meadow"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := ArchiveName(tt.binary, tt.version, tt.goos, tt.arch)
			if got != tt.want {
				t.Fatalf("ArchiveName = %s, want %s", got, tt.want)
			}
			a, err := ParseArchiveName(got)
			if err != nil {
				t.Fatal(err)
			}
			if a != (Artifact{Binary: tt.binary, Version: tt.version, OS: tt.goos, Arch: tt.arch}) {
				t.Fatalf("ParseArchiveName = %+v", a)
			}
			if a.BinaryPath() != tt.binaryPath {
				t.Fatalf("BinaryPath = %s, want %s", a.BinaryPath(), tt.binaryPath)
			}
		})
	}
}

func TestParseArchiveNameNamesTheProblem(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{in: "meadow-node_1_linux_amd64.tgz", want: "ending in .tar.gz or .zip"},
		{in: "meadow-node_1_2_linux_amd64.tar.gz", want: "BINARY_VERSION_OS_ARCH"},
		{in: "meadow-coord_1_linux_amd64.tar.gz", want: "binary"},
		{in: "meadow-node_.1_linux_amd64.tar.gz", want: "version"},
		{in: "meadow-node_1_Linux_amd64.tar.gz", want: "os"},
		{in: "meadow-node_1_linux_amd-64.tar.gz", want: "arch"},
		{in: "meadow-node_1_windows_amd64.tar.gz", want: "expected .zip for windows"},
		{in: "meadow-node_1_linux_amd64.zip", want: "expected .tar.gz for linux"},
	} {
		_, err := ParseArchiveName(tt.in)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseArchiveName(%q) = %v, want an error containing %q", tt.in, err, tt.want)
		}
	}
}

func TestWriteAndListArchive(t *testing.T) {
	files := []Entry{
		{Path: "meadow-node", Mode: 0o755, Data: []byte("\x7fELF a binary")},
		{Path: ReadmeFile, Mode: 0o644, Data: []byte("read me\n")},
	}
	mtime := time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC)
	for _, goos := range []string{"linux", "windows"} {
		t.Run(goos, func(t *testing.T) {
			a := Artifact{Binary: NodeBinary, Version: "v1", OS: goos, Arch: "amd64"}
			in := append([]Entry(nil), files...)
			in[0].Path = a.Executable()
			var b1, b2 bytes.Buffer
			if err := WriteArchive(&b1, a, in, mtime); err != nil {
				t.Fatal(err)
			}
			if err := WriteArchive(&b2, a, in, mtime); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(b1.Bytes(), b2.Bytes()) {
				t.Fatal("the same inputs gave different archives")
			}
			got, entries, err := ListArchive(a.Name(), b1.Bytes())
			if err != nil {
				t.Fatal(err)
			}
			if got != a || len(entries) != 2 {
				t.Fatalf("ListArchive = %+v, %d entries", got, len(entries))
			}
			for i, e := range entries {
				if e.Path != in[i].Path || e.Mode != in[i].Mode || !bytes.Equal(e.Data, in[i].Data) {
					t.Fatalf("entry %d = %s %v %q, want %s %v %q", i, e.Path, e.Mode, e.Data, in[i].Path, in[i].Mode, in[i].Data)
				}
			}
			bin, err := Binary(a.Name(), b1.Bytes())
			if err != nil || !bytes.Equal(bin, files[0].Data) {
				t.Fatalf("Binary = %q, %v", bin, err)
			}
		})
	}
	if err := WriteArchive(&bytes.Buffer{}, Artifact{Binary: NodeBinary, Version: "v1", OS: "linux", Arch: "amd64"}, []Entry{{Path: "../x"}}, mtime); err == nil {
		t.Fatal("WriteArchive accepted ../x")
	}
}

// tarGz builds a tar.gz with the given headers (each file's body is its
// name), to make archives WriteArchive never would.
func tarGz(t testing.TB, hdrs ...tar.Header) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	tw := tar.NewWriter(zw)
	for _, h := range hdrs {
		body := []byte(h.Name)
		if h.Typeflag == tar.TypeReg {
			h.Size = int64(len(body))
		}
		if err := tw.WriteHeader(&h); err != nil {
			t.Fatal(err)
		}
		if h.Typeflag == tar.TypeReg {
			tw.Write(body)
		}
	}
	tw.Close()
	zw.Close()
	return b.Bytes()
}

func TestListArchiveRefusesOddEntries(t *testing.T) {
	const name = "meadow-node_v1_linux_amd64.tar.gz"
	const dir = "meadow-node_v1_linux_amd64/"
	for _, tt := range []struct {
		name string
		hdrs []tar.Header
		want string
	}{
		{name: "outside the directory", hdrs: []tar.Header{{Typeflag: tar.TypeReg, Name: "meadow-node"}}, want: "expected a clean path under"},
		{name: "dot dot", hdrs: []tar.Header{{Typeflag: tar.TypeReg, Name: dir + "../../etc/passwd"}}, want: "expected a clean path under"},
		{name: "symlink", hdrs: []tar.Header{{Typeflag: tar.TypeSymlink, Name: dir + "meadow-node", Linkname: "/bin/sh"}}, want: "regular file"},
		{name: "twice", hdrs: []tar.Header{{Typeflag: tar.TypeReg, Name: dir + "a"}, {Typeflag: tar.TypeReg, Name: dir + "a"}}, want: "listed twice"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := ListArchive(name, tarGz(t, tt.hdrs...))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("ListArchive = %v, want an error containing %q", err, tt.want)
			}
		})
	}
	if _, err := Binary(name, tarGz(t, tar.Header{Typeflag: tar.TypeReg, Name: dir + "README.txt"})); err == nil || !strings.Contains(err.Error(), "has no "+dir+"meadow-node") {
		t.Fatalf("Binary of an archive without one: %v", err)
	}
	if _, _, err := ListArchive(name, []byte("not gzip")); err == nil || !strings.Contains(err.Error(), "expected gzip") {
		t.Fatalf("ListArchive of junk: %v", err)
	}
}

func TestSumsArchive(t *testing.T) {
	sums := Sums{
		{Name: "meadow-node_v2_linux_amd64.tar.gz"},
		{Name: "meadow-node_v2_windows_amd64.zip"},
		{Name: "meadow_v2_linux_amd64.tar.gz"},
		{Name: "notes.txt"},
	}
	a, ok := sums.Archive(NodeBinary, "windows", "amd64")
	if !ok || a.Name() != "meadow-node_v2_windows_amd64.zip" || a.Version != "v2" {
		t.Fatalf("Archive = %+v, %v", a, ok)
	}
	if _, ok := sums.Archive(NodeBinary, "darwin", "arm64"); ok {
		t.Fatal("found an archive that is not listed")
	}
}

func FuzzListArchive(f *testing.F) {
	var b bytes.Buffer
	a := Artifact{Binary: NodeBinary, Version: "v1", OS: "linux", Arch: "amd64"}
	if err := WriteArchive(&b, a, []Entry{{Path: "meadow-node", Mode: 0o755, Data: []byte("bin")}}, time.Unix(0, 0)); err != nil {
		f.Fatal(err)
	}
	f.Add(a.Name(), b.Bytes())
	b.Reset()
	a.OS = "windows"
	if err := WriteArchive(&b, a, []Entry{{Path: "meadow-node.exe", Mode: 0o755, Data: []byte("MZ")}}, time.Unix(0, 0)); err != nil {
		f.Fatal(err)
	}
	f.Add(a.Name(), b.Bytes())
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		a, entries, err := ListArchive(name, data)
		if err != nil {
			return
		}
		var total int
		for _, e := range entries {
			if !fs.ValidPath(e.Path) || e.Path == "." {
				t.Fatalf("entry %q escapes %s", e.Path, a.Dir())
			}
			total += len(e.Data)
		}
		if total > MaxUnpacked {
			t.Fatalf("%d bytes unpacked", total)
		}
	})
}
