package release

import (
	"fmt"
	"strconv"
	"strings"
)

// NodeArchivePrefix starts the name of every node-only archive of a release.
const NodeArchivePrefix = "meadow-node_"

// NodeArchive names the node-only archive of version for one target and the
// path of the binary inside it, as the release build writes them
// (ArchiveName, Artifact): meadow-node_VERSION_OS_ARCH.tar.gz holding
// meadow-node_VERSION_OS_ARCH/meadow-node, or .zip with meadow-node.exe for
// windows. Nodes and coordinators learn the naming from here.
func NodeArchive(version, goos, goarch string) (archive, binary string) {
	a := Artifact{Binary: NodeBinary, Version: version, OS: goos, Arch: goarch}
	return a.Name(), a.BinaryPath()
}

// NodeVersion is the version a SUMS file releases, read from the names of
// its node archives (meadow-node_VERSION_OS_ARCH…). The version is thereby
// covered by the signature: a coordinator cannot claim another one. Every
// node archive must name the same version.
func (s Sums) NodeVersion() (string, error) {
	version := ""
	for _, e := range s {
		rest, ok := strings.CutPrefix(e.Name, NodeArchivePrefix)
		if !ok {
			continue
		}
		v, _, ok := strings.Cut(rest, "_")
		if !ok || ParseVersion(v) == nil {
			return "", fmt.Errorf("release: %s: file name %q: expected %sVERSION_OS_ARCH with a version such as v1.2.3", SumsFile, e.Name, NodeArchivePrefix)
		}
		if version != "" && v != version {
			return "", fmt.Errorf("release: %s: node archives of two versions, %s and %s", SumsFile, version, v)
		}
		version = v
	}
	if version == "" {
		return "", fmt.Errorf("release: %s lists no node archive (%sVERSION_OS_ARCH…)", SumsFile, NodeArchivePrefix)
	}
	return version, nil
}

// Version is a parsed release version: vMAJOR.MINOR.PATCH with an optional
// -PRERELEASE (semantic versioning's precedence, build metadata not allowed).
type Version struct {
	Major, Minor, Patch uint64
	Pre                 string
}

// ParseVersion reads a release version such as v1.2.3 or v1.2.3-rc.1; nil
// when s is not one (a "dev" build, for one).
func ParseVersion(s string) *Version {
	rest, ok := strings.CutPrefix(s, "v")
	if !ok || len(s) > 64 {
		return nil
	}
	core, pre, hasPre := strings.Cut(rest, "-")
	parts := strings.Split(core, ".")
	if len(parts) != 3 || (hasPre && !validPre(pre)) {
		return nil
	}
	var n [3]uint64
	for i, p := range parts {
		if p == "" || (len(p) > 1 && p[0] == '0') {
			return nil
		}
		v, err := strconv.ParseUint(p, 10, 64)
		if err != nil {
			return nil
		}
		n[i] = v
	}
	return &Version{Major: n[0], Minor: n[1], Patch: n[2], Pre: pre}
}

func validPre(s string) bool {
	if s == "" {
		return false
	}
	for _, id := range strings.Split(s, ".") {
		if id == "" {
			return false
		}
		for _, r := range id {
			if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '-') {
				return false
			}
		}
	}
	return true
}

// Compare returns -1, 0 or 1 as v is older than, the same as or newer than
// w; a pre-release is older than its release.
func (v Version) Compare(w Version) int {
	for _, d := range [][2]uint64{{v.Major, w.Major}, {v.Minor, w.Minor}, {v.Patch, w.Patch}} {
		if d[0] != d[1] {
			if d[0] < d[1] {
				return -1
			}
			return 1
		}
	}
	switch {
	case v.Pre == w.Pre:
		return 0
	case v.Pre == "":
		return 1
	case w.Pre == "":
		return -1
	}
	a, b := strings.Split(v.Pre, "."), strings.Split(w.Pre, ".")
	for i := 0; i < len(a) && i < len(b); i++ {
		if c := comparePreID(a[i], b[i]); c != 0 {
			return c
		}
	}
	switch {
	case len(a) < len(b):
		return -1
	case len(a) > len(b):
		return 1
	}
	return 0
}

func comparePreID(a, b string) int {
	na, ea := strconv.ParseUint(a, 10, 64)
	nb, eb := strconv.ParseUint(b, 10, 64)
	switch {
	case ea == nil && eb == nil:
		if na == nb {
			return 0
		}
		if na < nb {
			return -1
		}
		return 1
	case ea == nil:
		return -1 // numeric identifiers sort before alphanumeric ones
	case eb == nil:
		return 1
	}
	return strings.Compare(a, b)
}
