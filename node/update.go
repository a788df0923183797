package node

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/release"
)

// Updates.
//
// A node learns of a release from its coordinators (GET /v1/release: the
// SUMS file and its signature), checks the signature against the release
// signer of its network file and reads the version from the signed archive
// names, so that neither a coordinator nor anyone between can offer a
// release the release key did not sign. To apply one it downloads its own
// archive (release.NodeArchive), checks its hash against the signed SUMS
// line before writing anything next to the executable, extracts the binary
// to NAME.new beside it, checks that it runs and reports the version, keeps
// the running binary as NAME.old and renames NAME.new over NAME: a rename,
// so the executable is at every moment either the old binary or the new
// one. Rollback renames NAME.old back.

// ErrUpdated is returned by Watch after it replaced the executable: the
// caller stops the node and starts the new binary.
var ErrUpdated = errors.New("node: updated to a new release")

// MaxArchiveSize bounds a downloaded archive (a node binary is ~50 MB).
const MaxArchiveSize = 512 << 20

// OldSuffix and NewSuffix name the previous binary, kept to roll back to,
// and the new one while it is put in place.
const (
	OldSuffix = ".old"
	NewSuffix = ".new"
)

// Updater checks for and applies releases.
type Updater struct {
	// Coordinators are tried in turn.
	Coordinators []string
	// Signer is the network file's release_signer; zero turns updates off.
	Signer common.Address
	// Version is the running binary's version.
	Version string
	// Executable is the binary to replace (os.Executable, links resolved).
	Executable string
	// GOOS and GOARCH pick the archive (default: this build's).
	GOOS, GOARCH string
	// HTTP is the client (default: one with a 10-minute overall limit).
	HTTP *http.Client
}

// Release is a release a coordinator offered, its signature checked.
type Release struct {
	Version string
	Sums    release.Sums
	// Coordinator is the base URL that served it; the archive is fetched
	// from it first.
	Coordinator string
	// Archive and Binary are this platform's archive and the binary in it.
	Archive, Binary string
	// Newer reports whether Version is newer than the running one (false
	// for a build without a release version, such as "dev").
	Newer bool
}

// UpdateStatus is what the dashboard and `meadow node doctor` say about
// updates.
type UpdateStatus struct {
	Current   string    `json:"current"`
	Latest    string    `json:"latest,omitempty"`
	Available bool      `json:"available"`
	Auto      bool      `json:"auto"`
	Checked   time.Time `json:"checked"`
	Error     string    `json:"error,omitempty"`
}

func (u *Updater) client() *http.Client {
	if u.HTTP != nil {
		return u.HTTP
	}
	return &http.Client{Timeout: 10 * time.Minute}
}

func (u *Updater) platform() (string, string) {
	goos, goarch := u.GOOS, u.GOARCH
	if goos == "" {
		goos = runtime.GOOS
	}
	if goarch == "" {
		goarch = runtime.GOARCH
	}
	return goos, goarch
}

// Check asks the coordinators in turn for the current release and returns
// the first whose signature and names check. A coordinator that offers a
// release the release key did not sign is skipped; when none offers a good
// one, the error says what each answered (errors.Is ErrBadSignature when
// one was forged).
func (u *Updater) Check(ctx context.Context) (Release, error) {
	if u.Signer == (common.Address{}) {
		return Release{}, errors.New("node: updates: the network file names no release_signer, so no release can be trusted")
	}
	var errs []error
	for _, base := range u.Coordinators {
		r, err := u.checkOne(ctx, strings.TrimRight(base, "/"))
		if err == nil {
			return r, nil
		}
		errs = append(errs, fmt.Errorf("%s: %w", base, err))
		if ctx.Err() != nil {
			break
		}
	}
	return Release{}, fmt.Errorf("node: updates: no coordinator offered a release signed by %s: %w", u.Signer.Hex(), errors.Join(errs...))
}

func (u *Updater) checkOne(ctx context.Context, base string) (Release, error) {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	body, err := u.get(ctx, base+api.ReleaseRoute, 1<<20)
	if err != nil {
		return Release{}, err
	}
	var info api.ReleaseInfo
	if err := api.Unmarshal(body, &info); err != nil {
		return Release{}, err
	}
	sums, err := release.Verify([]byte(info.Sums), []byte(info.Sig), u.Signer)
	if err != nil {
		return Release{}, err
	}
	v, err := sums.NodeVersion()
	if err != nil {
		return Release{}, err
	}
	goos, goarch := u.platform()
	r := Release{Version: v, Sums: sums, Coordinator: base}
	r.Archive, r.Binary = release.NodeArchive(v, goos, goarch)
	if cur := release.ParseVersion(u.Version); cur != nil {
		r.Newer = release.ParseVersion(v).Compare(*cur) > 0
	}
	return r, nil
}

func (u *Updater) get(ctx context.Context, url string, limit int64) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := u.client().Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s: %s", url, resp.Status, bytes.TrimSpace(body[:min(len(body), 300)]))
	}
	if int64(len(body)) > limit {
		return nil, fmt.Errorf("GET %s: more than %d bytes", url, limit)
	}
	return body, nil
}

// Apply downloads r's archive for this platform, checks it against the
// signed SUMS, and puts its binary in place of the executable, keeping the
// old one as NAME.old. A refused archive changes nothing next to the
// executable.
func (u *Updater) Apply(ctx context.Context, r Release) error {
	if _, ok := r.Sums.Lookup(r.Archive); !ok {
		goos, goarch := u.platform()
		return fmt.Errorf("node: updates: release %s has no archive for %s/%s (%s)", r.Version, goos, goarch, r.Archive)
	}
	if u.Executable == "" {
		return errors.New("node: updates: no executable to replace")
	}
	// The archive goes to a temporary file first and is checked whole
	// before anything is written beside the executable.
	tmp, err := os.CreateTemp("", "meadow-update-*")
	if err != nil {
		return fmt.Errorf("node: updates: %w", err)
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	var errs []error
	sources := append([]string{r.Coordinator}, u.Coordinators...)
	ok := false
	for _, base := range sources {
		if err := u.download(ctx, strings.TrimRight(base, "/"), r, tmp); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", base, err))
			if ctx.Err() != nil {
				break
			}
			continue
		}
		ok = true
		break
	}
	if !ok {
		return fmt.Errorf("node: updates: no coordinator served %s as SHA256SUMS lists it: %w", r.Archive, errors.Join(errs...))
	}
	bin, err := extractBinary(tmp, r.Archive, r.Binary)
	if err != nil {
		return err
	}
	newPath := u.Executable + NewSuffix
	if err := writeExecutable(newPath, bin); err != nil {
		return fmt.Errorf("node: updates: cannot write beside %s (%v): a node installed by a package is updated by upgrading the package", u.Executable, err)
	}
	if err := checkRuns(ctx, newPath, r.Version); err != nil {
		os.Remove(newPath)
		return err
	}
	return replace(u.Executable, newPath)
}

// download fetches the archive from base into f (truncated first) and
// checks its hash against the SUMS line.
func (u *Updater) download(ctx context.Context, base string, r Release, f *os.File) error {
	if err := f.Truncate(0); err != nil {
		return err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+api.ReleaseFilesRoute+r.Archive, nil)
	if err != nil {
		return err
	}
	resp, err := u.client().Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 300))
		return fmt.Errorf("GET %s: %s: %s", req.URL, resp.Status, bytes.TrimSpace(msg))
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(f, h), io.LimitReader(resp.Body, MaxArchiveSize+1))
	if err != nil {
		return err
	}
	if n > MaxArchiveSize {
		return fmt.Errorf("%s: more than %d bytes", r.Archive, MaxArchiveSize)
	}
	want, _ := r.Sums.Lookup(r.Archive)
	if got := h.Sum(nil); !bytes.Equal(got, want[:]) {
		return fmt.Errorf("%s has sha256 %x, the signed %s says %x: refused", r.Archive, got, release.SumsFile, want)
	}
	return nil
}

// extractBinary reads the binary at the path bin (release.NodeArchive) of the archive
// in f (tar.gz, or zip when the name ends in .zip).
func extractBinary(f *os.File, archive, bin string) ([]byte, error) {
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	fail := func(err error) ([]byte, error) {
		return nil, fmt.Errorf("node: updates: %s: %w", archive, err)
	}
	if strings.HasSuffix(archive, ".zip") {
		zr, err := zip.NewReader(f, st.Size())
		if err != nil {
			return fail(err)
		}
		for _, e := range zr.File {
			if strings.TrimPrefix(e.Name, "./") != bin || e.UncompressedSize64 > MaxArchiveSize {
				continue
			}
			rc, err := e.Open()
			if err != nil {
				return fail(err)
			}
			defer rc.Close()
			b, err := io.ReadAll(io.LimitReader(rc, MaxArchiveSize))
			if err != nil {
				return fail(err)
			}
			return b, nil
		}
		return fail(fmt.Errorf("no %s at its top level", bin))
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return fail(err)
	}
	gz, err := gzip.NewReader(f)
	if err != nil {
		return fail(err)
	}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return fail(fmt.Errorf("no %s at its top level", bin))
		}
		if err != nil {
			return fail(err)
		}
		if h.Typeflag != tar.TypeReg || strings.TrimPrefix(h.Name, "./") != bin || h.Size > MaxArchiveSize {
			continue
		}
		b, err := io.ReadAll(io.LimitReader(tr, MaxArchiveSize))
		if err != nil {
			return fail(err)
		}
		return b, nil
	}
}

func writeExecutable(path string, b []byte) error {
	os.Remove(path) // a leftover of an interrupted update
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o755)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	return f.Close()
}

// checkRuns runs the new binary's `version --json` and checks that it is
// the release's version: an archive for another platform, or a broken one,
// is caught before it replaces a working binary.
func checkRuns(ctx context.Context, path, version string) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, "version")
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "MEADOW_") { // settings are for the node, not this check
			cmd.Env = append(cmd.Env, kv)
		}
	}
	out, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("node: updates: the new binary does not run here (%v): kept the running one", err)
	}
	if !strings.Contains(string(out), " "+version+" ") {
		return fmt.Errorf("node: updates: the new binary says %q, not version %s: kept the running one", strings.TrimSpace(string(out)), version)
	}
	return nil
}

// replace keeps exe as exe.old and renames newPath over exe.
func replace(exe, newPath string) error {
	old := exe + OldSuffix
	if err := os.Remove(old); err != nil && !errors.Is(err, os.ErrNotExist) {
		os.Remove(newPath)
		return fmt.Errorf("node: updates: removing the previous %s: %w", old, err)
	}
	if runtime.GOOS == "windows" {
		// Windows cannot rename over a running executable, but can rename
		// it away.
		if err := os.Rename(exe, old); err != nil {
			os.Remove(newPath)
			return fmt.Errorf("node: updates: %w", err)
		}
		if err := os.Rename(newPath, exe); err != nil {
			os.Rename(old, exe)
			return fmt.Errorf("node: updates: %w", err)
		}
		return nil
	}
	// A hard link keeps the old binary without a moment when exe is
	// missing; a copy where links are not allowed.
	if err := os.Link(exe, old); err != nil {
		if err := copyFile(exe, old); err != nil {
			os.Remove(newPath)
			return fmt.Errorf("node: updates: keeping the old binary as %s: %w", old, err)
		}
	}
	if err := os.Rename(newPath, exe); err != nil {
		os.Remove(newPath)
		return fmt.Errorf("node: updates: %w", err)
	}
	return syncDir(filepath.Dir(exe))
}

func copyFile(from, to string) error {
	b, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	return writeExecutable(to, b)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return nil
	}
	defer d.Close()
	_ = d.Sync() // not supported everywhere; the renames are done either way
	return nil
}

// Rollback puts exe.old back in place of exe.
func Rollback(exe string) error {
	old := exe + OldSuffix
	if _, err := os.Stat(old); err != nil {
		return fmt.Errorf("node: rollback: no previous binary kept at %s (one is kept by each update): %w", old, err)
	}
	if runtime.GOOS == "windows" {
		bad := exe + ".rolledback"
		os.Remove(bad)
		if err := os.Rename(exe, bad); err != nil {
			return fmt.Errorf("node: rollback: %w", err)
		}
		if err := os.Rename(old, exe); err != nil {
			os.Rename(bad, exe)
			return fmt.Errorf("node: rollback: %w", err)
		}
		return nil
	}
	if err := os.Rename(old, exe); err != nil {
		return fmt.Errorf("node: rollback: %w", err)
	}
	return syncDir(filepath.Dir(exe))
}

// SetUpdate records the last update check, for the dashboard.
func (n *Node) SetUpdate(s UpdateStatus) { n.update.Store(&s) }

// Status is the outcome of a check as the dashboard shows it.
func (u *Updater) Status(r Release, err error, auto bool, now time.Time) UpdateStatus {
	s := UpdateStatus{Current: u.Version, Auto: auto, Checked: now.UTC()}
	if err != nil {
		s.Error = err.Error()
		return s
	}
	s.Latest, s.Available = r.Version, r.Newer
	return s
}

// Watch checks at once and then every interval, reporting each outcome.
// With auto set, a newer release is applied; Watch then returns ErrUpdated
// and the caller stops the node and starts the new binary. It returns nil
// when ctx ends.
func (u *Updater) Watch(ctx context.Context, interval time.Duration, auto bool, report func(UpdateStatus)) error {
	for {
		r, err := u.Check(ctx)
		if ctx.Err() != nil {
			return nil
		}
		st := u.Status(r, err, auto, time.Now())
		if err == nil && r.Newer && auto {
			if aerr := u.Apply(ctx, r); aerr != nil {
				st.Error = aerr.Error()
			} else {
				report(st)
				return fmt.Errorf("%w: %s", ErrUpdated, r.Version)
			}
		}
		report(st)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(interval):
		}
	}
}
