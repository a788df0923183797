// Package deb builds the meadow-node Debian package with nfpm: the node-only
// binary, its systemd unit, its settings file and the maintainer scripts
// that create the meadow user and data dir and remove them on purge. The
// files themselves live in deploy/systemd and deploy/debian; this package
// only says where each goes (docs/ARCHITECTURE.md, "The Debian package").
package deb

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/goreleaser/nfpm/v2"
	debpkg "github.com/goreleaser/nfpm/v2/deb"
	"github.com/goreleaser/nfpm/v2/files"
)

// The installed layout: what the unit, the scripts, the tests and
// docs/DEPLOY.md agree on.
const (
	Name       = "meadow-node"
	BinPath    = "/usr/bin/meadow-node"
	UnitPath   = "/usr/lib/systemd/system/meadow-node.service"
	ConfigPath = "/etc/meadow/node.toml"
	DataDir    = "/var/lib/meadow-node"
	User       = "meadow"
)

// Options say what to package.
type Options struct {
	// Root is the repository's root, where deploy/ is.
	Root string
	// Binary is the node-only meadow binary (make node-bin).
	Binary string
	// Version is the package's version; Version normalizes `git describe`.
	Version string
	// Arch is the Debian architecture: amd64 or arm64.
	Arch string
	// Out is the .deb file to write.
	Out string
}

// Validate names each option that is missing or wrong.
func (o Options) Validate() error {
	var errs []error
	if o.Binary == "" {
		errs = append(errs, errors.New("-bin: expected the node-only meadow binary (make node-bin)"))
	} else if st, err := os.Stat(o.Binary); err != nil {
		errs = append(errs, fmt.Errorf("-bin %s: %w", o.Binary, err))
	} else if !st.Mode().IsRegular() || st.Mode().Perm()&0o111 == 0 {
		errs = append(errs, fmt.Errorf("-bin %s: expected an executable file", o.Binary))
	}
	if !debVersion.MatchString(o.Version) {
		errs = append(errs, fmt.Errorf("-version %q: expected a Debian version: a digit first, then letters, digits and . + ~ -", o.Version))
	}
	if o.Arch != "amd64" && o.Arch != "arm64" {
		errs = append(errs, fmt.Errorf("-arch %q: expected amd64 or arm64", o.Arch))
	}
	if o.Out == "" {
		errs = append(errs, errors.New("-o: expected the .deb file to write"))
	}
	for _, f := range sources {
		if _, err := os.Stat(filepath.Join(o.Root, f)); err != nil {
			errs = append(errs, fmt.Errorf("-root %q: expected the repository's root, with %s: %w", o.Root, f, err))
			break
		}
	}
	return errors.Join(errs...)
}

// debVersion is Debian policy's upstream version (5.6.12) without an epoch.
var debVersion = regexp.MustCompile(`^[0-9][A-Za-z0-9.+~-]*$`)

// Version turns what `git describe --tags --always --dirty` prints into a
// Debian version: v1.2.3 is 1.2.3, v1.2.3-4-gabc is 1.2.3+4.gabc (after
// 1.2.3), and a bare commit abc or abc-dirty (no tag yet) is 0~gitabc or
// 0~gitabc.dirty, sorting before any tagged release.
func Version(describe string) string {
	v := strings.TrimPrefix(strings.TrimSpace(describe), "v")
	if v == "" || v == "dev" {
		return "0~dev"
	}
	if v[0] >= '0' && v[0] <= '9' && strings.Contains(v, ".") {
		base, rest, _ := strings.Cut(v, "-")
		if rest == "" {
			return base
		}
		return base + "+" + strings.ReplaceAll(rest, "-", ".")
	}
	return "0~git" + strings.ReplaceAll(v, "-", ".")
}

// The files of the package, relative to the repository's root.
const (
	unitSrc   = "deploy/systemd/meadow-node.service"
	configSrc = "deploy/debian/node.toml"
	postinst  = "deploy/debian/postinst"
	prerm     = "deploy/debian/prerm"
	postrm    = "deploy/debian/postrm"
)

var sources = []string{unitSrc, configSrc, postinst, prerm, postrm}

// Info is the package's nfpm description.
func Info(o Options) *nfpm.Info {
	src := func(p string) string { return filepath.Join(o.Root, p) }
	info := &nfpm.Info{
		Name:          Name,
		Arch:          o.Arch,
		Platform:      "linux",
		Version:       o.Version,
		VersionSchema: "none",
		Section:       "net",
		Priority:      "optional",
		Maintainer:    "Meadow developers <meadow@users.noreply.github.com>",
		Homepage:      "https://github.com/meadow-net/meadow",
		Description: `Meadow home node: idle bandwidth and GPU for verifiable AI training data
 Runs meadow-node as the unprivileged meadow user under systemd: it fetches
 public web pages and runs compute tasks for the Meadow network within the
 caps set in /etc/meadow/node.toml, and earns rewards to its key in
 /var/lib/meadow-node.`,
		Overridables: nfpm.Overridables{
			Depends:  []string{"adduser"},
			Suggests: []string{"chromium"},
			Contents: files.Contents{
				{Source: o.Binary, Destination: BinPath, FileInfo: &files.ContentFileInfo{Mode: 0o755}},
				{Source: src(unitSrc), Destination: UnitPath, FileInfo: &files.ContentFileInfo{Mode: 0o644}},
				{Source: src(configSrc), Destination: ConfigPath, Type: files.TypeConfigNoReplace, FileInfo: &files.ContentFileInfo{Mode: 0o644}},
			},
			Scripts: nfpm.Scripts{PostInstall: src(postinst), PreRemove: src(prerm), PostRemove: src(postrm)},
			// zstd: on a loaded 2-core machine nfpm's pure-Go xz took 2 m 35 s
			// for 23.3 MB, gzip 24 s for 25.1 MB, zstd 5 s for 24.1 MB. dpkg
			// reads zstd since Debian 12 and Ubuntu 21.10.
			Deb: nfpm.Deb{Compression: "zstd"},
		},
	}
	return info
}

// Build writes the package to o.Out.
func Build(o Options) error {
	if err := o.Validate(); err != nil {
		return err
	}
	info := nfpm.WithDefaults(Info(o))
	if err := nfpm.PrepareForPackager(info, "deb"); err != nil {
		return fmt.Errorf("deb: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(o.Out), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(o.Out), ".meadow-node-*.deb")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := debpkg.Default.Package(info, tmp); err != nil {
		tmp.Close()
		return fmt.Errorf("deb: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), o.Out)
}
