package scalesim_test

import (
	"crypto/sha256"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/meadow-net/meadow/api"
)

// BenchmarkEnvelope measures what a simulated node's request costs in
// signatures alone, on each side: signing a work request (the node) and
// verifying it (the coordinator, which recovers the signer's key).
func BenchmarkEnvelope(b *testing.B) {
	d := sha256.Sum256([]byte("scalesim bench key"))
	key, err := crypto.ToECDSA(d[:])
	if err != nil {
		b.Fatal(err)
	}
	dom := api.DevDomain()
	b.Run("sign", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			if _, err := api.Sign(key, api.MethodWork, api.WorkRequest{MaxTasks: 1}, uint64(i+1), time.Now().Add(time.Minute), dom); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("verify", func(b *testing.B) {
		env, err := api.Sign(key, api.MethodWork, api.WorkRequest{MaxTasks: 1}, 1, time.Now().Add(time.Minute), dom)
		if err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			if _, err := env.Verify(time.Now(), dom); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("keygen", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			d := sha256.Sum256([]byte{byte(i), byte(i >> 8), byte(i >> 16)})
			if _, err := crypto.ToECDSA(d[:]); err != nil {
				b.Fatal(err)
			}
		}
	})
}
