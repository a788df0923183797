package contracts

import (
	"context"
	"errors"
	"testing"
	"time"
)

// A refusal for lack of funds is tried again (a node's pool may not have
// the new block's state yet), up to poolLagTries in all; other errors are
// not.
func TestRetryLaggingPool(t *testing.T) {
	lag := errors.New("insufficient funds for gas * price + value: balance 0, tx cost 5616, overshot 5616")
	for _, tt := range []struct {
		name      string
		fails     int // tries that fail before one succeeds
		err       error
		wantTries int
		wantErr   bool
	}{
		{"lagging pool, then accepted", 1, lag, 2, false},
		{"really penniless", 99, lag, poolLagTries, true},
		{"another error", 99, errors.New("nonce too low"), 1, true},
		{"first try", 0, lag, 1, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tries := 0
			start := time.Now()
			err := retryLaggingPool(context.Background(), func() error {
				tries++
				if tries <= tt.fails {
					return tt.err
				}
				return nil
			})
			if tries != tt.wantTries || (err != nil) != tt.wantErr || (err != nil && err != tt.err) {
				t.Fatalf("%d tries, %v; want %d tries, error %v", tries, err, tt.wantTries, tt.wantErr)
			}
			if limit := time.Duration(tt.wantTries) * poolLagWait; time.Since(start) > limit+time.Second {
				t.Errorf("took %s", time.Since(start))
			}
		})
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	tries := 0
	if err := retryLaggingPool(ctx, func() error { tries++; return lag }); err != lag || tries != 1 {
		t.Fatalf("with the context done: %d tries, %v", tries, err)
	}
}
