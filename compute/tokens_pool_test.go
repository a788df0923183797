package compute

import (
	"context"
	"fmt"
	"sync"
	"testing"
)

// Tokens tasks run at once share a few encoders: counts equal a serial
// run's, and no more encoders are built than the pool holds.
func TestTokensEncodersShared(t *testing.T) {
	texts := make([]string, 200)
	for i := range texts {
		texts[i] = fmt.Sprintf("Row %d of the meadow: grasses, clover and %d bees.", i, i*7)
	}
	k, err := newTokensKernel(EncodingCL100K)
	if err != nil {
		t.Fatal(err)
	}
	want, err := k.Run(context.Background(), texts)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for g := 0; g < 16; g++ {
		wg.Go(func() {
			k2, err := newTokensKernel(EncodingCL100K)
			if err != nil {
				errs <- err
				return
			}
			got, err := k2.Run(context.Background(), texts)
			if err != nil {
				errs <- err
				return
			}
			for i := range got {
				if got[i][0] != want[i][0] {
					errs <- fmt.Errorf("row %d: %v tokens, serially %v", i, got[i][0], want[i][0])
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	p := poolFor(EncodingCL100K)
	p.mu.Lock()
	built := p.built
	p.mu.Unlock()
	if built < 1 || built > cap(p.free) {
		t.Fatalf("%d encoders built for 17 kernels, want 1 to %d", built, cap(p.free))
	}
}
