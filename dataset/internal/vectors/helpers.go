package vectors

import (
	"crypto/sha256"

	"github.com/meadow-net/meadow/dataset"
)

func sha256Sum(b []byte) [32]byte { return sha256.Sum256(b) }

// mustJCS returns the canonical text a manifest's digest covers, without
// the domain prefix, for the vector file.
func mustJCS(m *dataset.Manifest) string {
	b, err := m.CanonicalJSON()
	if err != nil {
		panic(err)
	}
	return string(b)
}
