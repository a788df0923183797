package rewards

import "golang.org/x/crypto/sha3"

// keccak256 is Ethereum's Keccak-256: the original Keccak padding, not FIPS
// 202's SHA3-256. It comes from golang.org/x/crypto, the Go team's extended
// standard library, rather than from go-ethereum, so that rewards stays free
// of any chain client.
func keccak256(data []byte) [32]byte {
	h := sha3.NewLegacyKeccak256()
	h.Write(data)
	var out [32]byte
	h.Sum(out[:0])
	return out
}
