package api

import "fmt"

// ReleaseRoute is the coordinators' route for the release they publish;
// ReleaseFilesRoute followed by a file name serves one of its files.
const (
	ReleaseRoute      = "/v1/release"
	ReleaseFilesRoute = "/v1/release/files/"
)

// ReleaseInfo is what GET /v1/release answers: the current release as the
// coordinators' operators published it. Sums and Sig are the SHA256SUMS
// and SHA256SUMS.sig files' text, byte for byte, so that a node checks the
// signature itself (against its network file's release_signer) rather than
// trusting the coordinator. Version is informational: a node reads the
// version from the signed file names (release.Sums.NodeVersion).
type ReleaseInfo struct {
	Version string `json:"version"`
	Sums    string `json:"sums"`
	Sig     string `json:"sig"`
}

// Validate bounds the fields; the signature and the SUMS lines are checked
// by package release, against the network's release signer.
func (r ReleaseInfo) Validate() error {
	var v validator
	v.text("version", r.Version, 64, true)
	if r.Sums == "" || len(r.Sums) > 64<<10 {
		v.add("sums", fmt.Sprintf("%d bytes", len(r.Sums)), "the SHA256SUMS text, 1 byte to 64 KiB")
	}
	if r.Sig == "" || len(r.Sig) > 256 {
		v.add("sig", fmt.Sprintf("%d bytes", len(r.Sig)), "the SHA256SUMS.sig text (0x and 130 hex digits)")
	}
	return v.err()
}
