package release

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strconv"
	"strings"
	"time"
)

// Binaries a release ships.
const (
	// NodeBinary is the node-only build (-tags nodeonly), for home users.
	NodeBinary = "meadow-node"
	// FullBinary is the whole meadow, for operators and buyers.
	FullBinary = "meadow"
)

// Files beside the binary inside an archive.
const (
	// ReadmeFile is the short README and notice every archive carries.
	ReadmeFile = "README.txt"
	// NetworkFile is the network file (api.Network), when the release was
	// made for a network.
	NetworkFile = "network.json"
)

// Archive extensions: tar.gz for unix targets, zip for windows.
const (
	TarGz = ".tar.gz"
	Zip   = ".zip"
)

// MaxUnpacked bounds the bytes ListArchive unpacks from one archive (the full
// meadow is about 130 MB).
const MaxUnpacked = 1 << 30

// Artifact names one archive of a release: a binary built for one target.
// Its archive is named
//
//	BINARY_VERSION_OS_ARCH.tar.gz   (BINARY_VERSION_OS_ARCH.zip on windows)
//
// e.g. meadow-node_v0.4.0_linux_arm64.tar.gz, and holds one directory of the
// same name without the extension, with the binary (BINARY, or BINARY.exe on
// windows), README.txt and, when the release was made for a network,
// network.json:
//
//	meadow-node_v0.4.0_linux_arm64/meadow-node
//	meadow-node_v0.4.0_linux_arm64/README.txt
//	meadow-node_v0.4.0_linux_arm64/network.json
//
// '_' separates the parts, so no part contains one.
type Artifact struct {
	Binary  string // NodeBinary or FullBinary
	Version string // e.g. v0.4.0, or a commit for a dev release
	OS      string // GOOS
	Arch    string // GOARCH
}

// ArchiveName is the file name of binary's archive for version, goos and
// goarch: Artifact{binary, version, goos, goarch}.Name().
func ArchiveName(binary, version, goos, goarch string) string {
	return Artifact{Binary: binary, Version: version, OS: goos, Arch: goarch}.Name()
}

// Ext is the archive's extension: Zip on windows, TarGz elsewhere.
func (a Artifact) Ext() string {
	if a.OS == "windows" {
		return Zip
	}
	return TarGz
}

// Dir is the one directory at the top of the archive.
func (a Artifact) Dir() string {
	return a.Binary + "_" + a.Version + "_" + a.OS + "_" + a.Arch
}

// Name is the archive's file name.
func (a Artifact) Name() string { return a.Dir() + a.Ext() }

// Executable is the binary's file name: with .exe on windows.
func (a Artifact) Executable() string {
	if a.OS == "windows" {
		return a.Binary + ".exe"
	}
	return a.Binary
}

// BinaryPath is where the binary sits inside the archive ('/'-separated).
func (a Artifact) BinaryPath() string { return a.Dir() + "/" + a.Executable() }

// Validate checks that each part is a name ArchiveName can join and
// ParseArchiveName split again.
func (a Artifact) Validate() error {
	if a.Binary != NodeBinary && a.Binary != FullBinary {
		return fmt.Errorf("release: binary %s: expected %s or %s", strconv.Quote(a.Binary), NodeBinary, FullBinary)
	}
	if !validVersion(a.Version) {
		return fmt.Errorf("release: version %s: expected 1 to 64 letters, digits, '.' and '-', starting with a letter or digit", strconv.Quote(short(a.Version)))
	}
	if !lowerAlnum(a.OS) {
		return fmt.Errorf("release: os %s: expected a GOOS such as linux", strconv.Quote(short(a.OS)))
	}
	if !lowerAlnum(a.Arch) {
		return fmt.Errorf("release: arch %s: expected a GOARCH such as amd64", strconv.Quote(short(a.Arch)))
	}
	return nil
}

func validVersion(s string) bool {
	if s == "" || len(s) > 64 || s[0] == '.' || s[0] == '-' {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-') {
			return false
		}
	}
	return true
}

func lowerAlnum(s string) bool {
	if s == "" || len(s) > 16 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// ParseArchiveName splits an archive's file name into its artifact; it is
// how a node finds its own archive, and the release's version, among a
// SUMS file's names.
func ParseArchiveName(name string) (Artifact, error) {
	var base string
	var ext string
	switch {
	case strings.HasSuffix(name, TarGz):
		base, ext = strings.TrimSuffix(name, TarGz), TarGz
	case strings.HasSuffix(name, Zip):
		base, ext = strings.TrimSuffix(name, Zip), Zip
	default:
		return Artifact{}, fmt.Errorf("release: archive %s: expected a name ending in %s or %s", strconv.Quote(short(name)), TarGz, Zip)
	}
	parts := strings.Split(base, "_")
	if len(parts) != 4 {
		return Artifact{}, fmt.Errorf("release: archive %s: expected BINARY_VERSION_OS_ARCH%s", strconv.Quote(short(name)), ext)
	}
	a := Artifact{Binary: parts[0], Version: parts[1], OS: parts[2], Arch: parts[3]}
	if err := a.Validate(); err != nil {
		return Artifact{}, fmt.Errorf("release: archive %s: %w", strconv.Quote(short(name)), err)
	}
	if a.Ext() != ext {
		return Artifact{}, fmt.Errorf("release: archive %s: expected %s for %s", strconv.Quote(short(name)), a.Ext(), a.OS)
	}
	return a, nil
}

// Archive returns the artifact of binary for goos/goarch listed in s, if
// any: how an updater finds its archive (and the release's version).
func (s Sums) Archive(binary, goos, goarch string) (Artifact, bool) {
	for _, e := range s {
		a, err := ParseArchiveName(e.Name)
		if err == nil && a.Binary == binary && a.OS == goos && a.Arch == goarch {
			return a, true
		}
	}
	return Artifact{}, false
}

// Entry is one file of an archive.
type Entry struct {
	Path string      // '/'-separated, relative to the artifact's directory (Artifact.Dir)
	Mode fs.FileMode // permission bits
	Data []byte
}

// ListArchive reads the archive named name (its format from its name) and
// returns its files, strictly: every entry is a regular file or directory
// under the artifact's one directory, with a clean relative path, each path
// once, MaxUnpacked bytes in all. An updater takes the binary from it at
// Artifact.BinaryPath (see Binary).
func ListArchive(name string, data []byte) (Artifact, []Entry, error) {
	a, err := ParseArchiveName(name)
	if err != nil {
		return Artifact{}, nil, err
	}
	var entries []Entry
	if a.Ext() == Zip {
		entries, err = listZip(data)
	} else {
		entries, err = listTarGz(data)
	}
	if err != nil {
		return Artifact{}, nil, fmt.Errorf("release: archive %s: %w", name, err)
	}
	seen := map[string]bool{}
	for i, e := range entries {
		rel, ok := strings.CutPrefix(e.Path, a.Dir()+"/")
		if !ok || !fs.ValidPath(rel) || rel == "." || strings.Contains(rel, "\\") {
			return Artifact{}, nil, fmt.Errorf("release: archive %s: entry %s: expected a clean path under %s/", name, strconv.Quote(short(e.Path)), a.Dir())
		}
		if seen[rel] {
			return Artifact{}, nil, fmt.Errorf("release: archive %s: entry %s listed twice", name, strconv.Quote(short(e.Path)))
		}
		seen[rel] = true
		entries[i].Path = rel
	}
	return a, entries, nil
}

// Binary returns the binary inside the archive named name.
func Binary(name string, data []byte) ([]byte, error) {
	a, entries, err := ListArchive(name, data)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		if e.Path == a.Executable() {
			return e.Data, nil
		}
	}
	return nil, fmt.Errorf("release: archive %s has no %s", name, a.BinaryPath())
}

var errTooBig = fmt.Errorf("more than %d bytes unpacked", MaxUnpacked)

func listTarGz(data []byte) ([]Entry, error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("expected gzip: %w", err)
	}
	tr := tar.NewReader(zr)
	var out []Entry
	var total int64
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("tar: %w", err)
		}
		switch h.Typeflag {
		case tar.TypeDir:
			continue
		case tar.TypeReg:
		default:
			return nil, fmt.Errorf("entry %s: expected a regular file or directory", strconv.Quote(short(h.Name)))
		}
		if h.Size < 0 || total+h.Size > MaxUnpacked {
			return nil, errTooBig
		}
		total += h.Size
		b, err := io.ReadAll(io.LimitReader(tr, h.Size))
		if err != nil {
			return nil, fmt.Errorf("tar: entry %s: %w", strconv.Quote(short(h.Name)), err)
		}
		out = append(out, Entry{Path: h.Name, Mode: fs.FileMode(h.Mode).Perm(), Data: b})
	}
	// The gzip stream must end where the tar does (no trailing garbage
	// that another reader might see as more files).
	if _, err := io.Copy(io.Discard, io.LimitReader(zr, 1<<20)); err != nil {
		return nil, fmt.Errorf("gzip: %w", err)
	}
	return out, nil
}

func listZip(data []byte) ([]Entry, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("expected zip: %w", err)
	}
	var out []Entry
	var total uint64
	for _, f := range zr.File {
		if f.FileInfo().IsDir() {
			continue
		}
		if !f.Mode().IsRegular() {
			return nil, fmt.Errorf("entry %s: expected a regular file or directory", strconv.Quote(short(f.Name)))
		}
		if total+f.UncompressedSize64 > MaxUnpacked {
			return nil, errTooBig
		}
		total += f.UncompressedSize64
		rc, err := f.Open()
		if err != nil {
			return nil, fmt.Errorf("zip: entry %s: %w", strconv.Quote(short(f.Name)), err)
		}
		b, err := io.ReadAll(io.LimitReader(rc, int64(f.UncompressedSize64)+1))
		rc.Close()
		if err != nil {
			return nil, fmt.Errorf("zip: entry %s: %w", strconv.Quote(short(f.Name)), err)
		}
		if uint64(len(b)) != f.UncompressedSize64 {
			return nil, fmt.Errorf("zip: entry %s: size differs from its header", strconv.Quote(short(f.Name)))
		}
		out = append(out, Entry{Path: f.Name, Mode: f.Mode().Perm(), Data: b})
	}
	return out, nil
}

// WriteArchive writes a's archive (tar.gz, or zip on windows) holding files
// (paths relative to a.Dir()) under its one directory. Every entry gets
// mtime and the file's mode, and entries keep the order given, so the same
// inputs give the same bytes: a release can be rebuilt and compared.
func WriteArchive(w io.Writer, a Artifact, files []Entry, mtime time.Time) error {
	if err := a.Validate(); err != nil {
		return err
	}
	for _, f := range files {
		if !fs.ValidPath(f.Path) || f.Path == "." || strings.Contains(f.Path, "\\") {
			return fmt.Errorf("release: archive entry %s: expected a clean relative path", strconv.Quote(short(f.Path)))
		}
	}
	mtime = mtime.UTC().Truncate(time.Second)
	if a.Ext() == Zip {
		zw := zip.NewWriter(w)
		for _, f := range files {
			h := &zip.FileHeader{Name: a.Dir() + "/" + f.Path, Method: zip.Deflate, Modified: mtime}
			h.SetMode(f.Mode.Perm())
			fw, err := zw.CreateHeader(h)
			if err != nil {
				return fmt.Errorf("release: zip: %w", err)
			}
			if _, err := fw.Write(f.Data); err != nil {
				return fmt.Errorf("release: zip: %w", err)
			}
		}
		if err := zw.Close(); err != nil {
			return fmt.Errorf("release: zip: %w", err)
		}
		return nil
	}
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return fmt.Errorf("release: gzip: %w", err)
	}
	tw := tar.NewWriter(zw)
	hdr := func(h *tar.Header) error {
		h.ModTime, h.Uname, h.Gname, h.Format = mtime, "root", "root", tar.FormatPAX
		if err := tw.WriteHeader(h); err != nil {
			return fmt.Errorf("release: tar: %w", err)
		}
		return nil
	}
	if err := hdr(&tar.Header{Typeflag: tar.TypeDir, Name: a.Dir() + "/", Mode: 0o755}); err != nil {
		return err
	}
	for _, f := range files {
		if err := hdr(&tar.Header{Typeflag: tar.TypeReg, Name: a.Dir() + "/" + f.Path, Mode: int64(f.Mode.Perm()), Size: int64(len(f.Data))}); err != nil {
			return err
		}
		if _, err := tw.Write(f.Data); err != nil {
			return fmt.Errorf("release: tar: %w", err)
		}
	}
	if err := tw.Close(); err != nil {
		return fmt.Errorf("release: tar: %w", err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("release: gzip: %w", err)
	}
	return nil
}
