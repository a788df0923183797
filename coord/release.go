package coord

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"

	"github.com/valyala/fasthttp"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/coord/state"
	"github.com/meadow-net/meadow/release"
)

// The release a coordinator publishes to nodes.
//
// An operator gives every member a copy of one release directory
// (--release-dir) holding SHA256SUMS, SHA256SUMS.sig and the archives the
// SUMS file lists. GET /v1/release answers the two files' text and the
// version their node archives are named with; GET /v1/release/files/NAME
// serves an archive the SUMS file lists, and nothing else. The directory is
// read on every request and never goes through Raft: the release is signed
// by the release key, not by the cluster, so a member with a stale or
// missing copy can at worst offer an old release or none, and a node checks
// the signature and every hash itself. To publish a release, copy the
// archives in first and SHA256SUMS.sig and SHA256SUMS last (or swap a
// symbolic link to the directory): a node that reads a half-published
// directory sees a signature that does not match and tries again later.

// errNoRelease answers the release routes of a member without a release.
var errNoRelease = fmt.Errorf("%w: this coordinator publishes no release (its operator gave it no --release-dir)", errNoRoute)

// releaseSums reads the release directory's SUMS file and signature.
func (c *Coordinator) releaseSums() (sums, sig []byte, parsed release.Sums, err error) {
	if c.cfg.ReleaseDir == "" {
		return nil, nil, nil, errNoRelease
	}
	sums, err = os.ReadFile(filepath.Join(c.cfg.ReleaseDir, release.SumsFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil, fmt.Errorf("%w: the release directory has no %s yet", errNoRoute, release.SumsFile)
	}
	if err != nil {
		return nil, nil, nil, err
	}
	if sig, err = os.ReadFile(filepath.Join(c.cfg.ReleaseDir, release.SigFile)); err != nil {
		return nil, nil, nil, fmt.Errorf("%w: the release directory has %s but no readable %s", state.ErrConflict, release.SumsFile, release.SigFile)
	}
	if parsed, err = release.ParseSums(sums); err != nil {
		return nil, nil, nil, fmt.Errorf("%w: the release directory's %v", state.ErrConflict, err)
	}
	return sums, sig, parsed, nil
}

// handleRelease answers GET /v1/release.
func (c *Coordinator) handleRelease(ctx *fasthttp.RequestCtx) {
	sums, sig, parsed, err := c.releaseSums()
	if err != nil {
		c.reply(ctx, nil, err)
		return
	}
	v, err := parsed.NodeVersion()
	if err != nil {
		c.reply(ctx, nil, fmt.Errorf("%w: the release directory's %v", state.ErrConflict, err))
		return
	}
	c.reply(ctx, api.ReleaseInfo{Version: v, Sums: string(sums), Sig: string(sig)}, nil)
}

// handleReleaseFile answers GET /v1/release/files/NAME with the archive,
// streamed from disk; only names the SUMS file lists are served, so the
// route cannot reach any other file.
func (c *Coordinator) handleReleaseFile(ctx *fasthttp.RequestCtx, name string) {
	_, _, parsed, err := c.releaseSums()
	if err != nil {
		c.reply(ctx, nil, err)
		return
	}
	if _, ok := parsed.Lookup(name); !ok {
		c.reply(ctx, nil, fmt.Errorf("%w: %q is not a file of the release (%s lists the files)", errNoRoute, name, release.SumsFile))
		return
	}
	f, err := os.Open(filepath.Join(c.cfg.ReleaseDir, name))
	if err != nil {
		c.reply(ctx, nil, fmt.Errorf("%w: the release lists %s but this member's copy lacks it: %v", state.ErrConflict, name, err))
		return
	}
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		f.Close()
		c.reply(ctx, nil, fmt.Errorf("%w: the release's %s is not a readable file", state.ErrConflict, name))
		return
	}
	c.setFreshness(ctx)
	ctx.SetContentType("application/octet-stream")
	ctx.Response.Header.Set("Content-Disposition", "attachment; filename="+strconv.Quote(name))
	if ctx.IsHead() {
		f.Close()
		ctx.Response.Header.SetContentLength(int(st.Size()))
		return
	}
	ctx.SetBodyStream(f, int(st.Size())) // fasthttp closes f when sent
}
