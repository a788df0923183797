package compute

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"
)

// Tokens tasks run at once share one encoder: counts equal a serial run's,
// a second task does not wait for the first, and the encoder is dropped
// once idle and built again on the next task.
func TestTokensEncoderShared(t *testing.T) {
	texts := make([]string, 200)
	for i := range texts {
		texts[i] = fmt.Sprintf("Row %d of the meadow: grasses, clover and %d bees. Ünïcode, 数字 %d!", i, i*7, i*i)
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

	s := encoderFor(EncodingCL100K)
	first, err := s.get()
	if err != nil {
		t.Fatal(err)
	}
	second := make(chan error, 1)
	go func() {
		e, err := s.get()
		if err == nil && e != first {
			err = fmt.Errorf("a second task got another encoder")
		}
		second <- err
	}()
	select {
	case err := <-second:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a second task waited for the first task's encoder")
	}
	s.dropIfIdle(time.Now().Add(2 * encoderIdle))
	if s.enc == nil {
		t.Fatal("the encoder was dropped while two tasks used it")
	}
	s.put()
	s.put()
	s.dropIfIdle(time.Now().Add(2 * encoderIdle))
	s.mu.Lock()
	dropped, users := s.enc == nil, s.users
	s.mu.Unlock()
	if !dropped || users != 0 {
		t.Fatalf("idle encoder: dropped %v, users %d; want dropped, 0", dropped, users)
	}
	got, err := k.Run(context.Background(), texts[:3])
	if err != nil {
		t.Fatal(err)
	}
	for i := range got {
		if got[i][0] != want[i][0] {
			t.Fatalf("after the drop, row %d: %v tokens, want %v", i, got[i][0], want[i][0])
		}
	}
}
