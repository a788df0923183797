package coord

import (
	"context"
	"errors"
	"math"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/meadow-net/meadow/api"
)

// TestRelayDeadline: a member sends an authorization only when its deadline
// is at least minRelayDeadline ahead; a closer or past one is 400 naming
// deadline and saying how far it is.
func TestRelayDeadline(t *testing.T) {
	now := time.Unix(1_790_000_000, 0)
	at := func(d time.Duration) uint64 { return uint64(now.Add(d).Unix()) }
	for _, tc := range []struct {
		name     string
		deadline uint64
		want     string // "" when accepted
	}{
		{"an hour ahead, as clients sign", at(time.Hour), ""},
		{"exactly the minimum", at(minRelayDeadline), ""},
		{"a second short", at(minRelayDeadline - time.Second), "is 9m59s away"},
		{"a second ahead", at(time.Second), "is 1s away"},
		{"now", at(0), "passed 0s ago"},
		{"past", at(-time.Minute), "passed 1m0s ago"},
		{"1", 1, "passed"},
		{"past int64", math.MaxUint64, ""},
		{"the largest int64", math.MaxInt64, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := checkRelayDeadline(tc.deadline, now)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if err == nil || !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "at least 10m0s ahead") {
				t.Fatalf("got %v, want an invalid deadline that %s", err, tc.want)
			}
			if f := errorField(err); f != "deadline" {
				t.Fatalf("names %q, want deadline", f)
			}
		})
	}
}

// TestRelayMinFee: a relayer sends a claim whose fee reaches the minimum
// of either token; a minimum of 0 (or none) leaves its token out, and with
// both out every claim goes.
func TestRelayMinFee(t *testing.T) {
	b := func(v int64) *big.Int { return big.NewInt(v) }
	for _, tc := range []struct {
		name       string
		feeM, feeS *big.Int
		minM, minS *big.Int
		want       string // "" when sent
	}{
		{"no minimum", b(0), b(0), nil, nil, ""},
		{"both minimums 0", b(0), b(0), b(0), b(0), ""},
		{"MEADOW fee reaches its minimum", b(100), b(0), b(100), b(10), ""},
		{"stable fee reaches its minimum", b(0), b(10), b(100), b(10), ""},
		{"both under", b(99), b(9), b(100), b(10), "under this relayer's minimum of 100 MEADOW base units or 10 stable base units"},
		{"dust", b(0), b(0), b(100), b(10), "fees of 0 MEADOW and 0 stable"},
		{"stable left out", b(99), b(1_000_000), b(100), b(0), "minimum of 100 MEADOW base units,"},
		{"MEADOW left out", b(1_000_000), b(9), nil, b(10), "minimum of 10 stable base units,"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := checkRelayMinFee(tc.feeM, tc.feeS, tc.minM, tc.minS)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if err == nil || !errors.Is(err, ErrInvalid) || errorField(err) != "fee_meadow" || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want 400 naming fee_meadow: %s", err, tc.want)
			}
		})
	}
}

// TestInFlightSameAuthorization: the same authorization again gets the
// transaction it was sent in from the in-flight record alone (no chain
// read), as after the member's memory of relayed requests started over.
func TestInFlightSameAuthorization(t *testing.T) {
	acct := common.Address{7}
	res := api.RelayClaimResponse{Account: acct, Tx: common.Hash{9}}
	c := &Coordinator{} // no chain: a read would panic
	c.rememberInFlight(res, "key")
	got, same, err := c.checkNotInFlight(context.Background(), acct, "key")
	if err != nil || !same || got.Tx != res.Tx {
		t.Fatalf("%+v %v %v, want the same transaction", got, same, err)
	}
	if _, same, err := c.checkNotInFlight(context.Background(), common.Address{8}, "key"); err != nil || same {
		t.Fatalf("another account: %v %v, want nothing in flight", same, err)
	}
}
