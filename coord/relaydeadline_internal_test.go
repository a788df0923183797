package coord

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"
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
