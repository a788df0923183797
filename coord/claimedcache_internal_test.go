package coord

import (
	"encoding/binary"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// TestClaimedCache: an entry answers for claimedTTL, not after (nor for a
// clock that went back); a relayed claim drops it; the cache starts over
// when full rather than growing.
func TestClaimedCache(t *testing.T) {
	var cc claimedCache
	a, b := common.Address{1}, common.Address{2}
	t0 := time.Unix(1_790_000_000, 0)
	if _, _, ok := cc.get(a, t0); ok {
		t.Fatal("an empty cache answered")
	}
	cc.put(a, "10", "2", t0)
	for _, tc := range []struct {
		at   time.Time
		want bool
	}{
		{t0, true},
		{t0.Add(claimedTTL - time.Millisecond), true},
		{t0.Add(claimedTTL), false},
		{t0.Add(-time.Second), false},
	} {
		m, s, ok := cc.get(a, tc.at)
		if ok != tc.want || (ok && (m != "10" || s != "2")) {
			t.Errorf("get at %s: %q %q %v; want %v", tc.at.Sub(t0), m, s, ok, tc.want)
		}
	}
	cc.put(b, "1", "0", t0)
	cc.drop(a)
	if _, _, ok := cc.get(a, t0); ok {
		t.Error("a dropped entry answered")
	}
	if _, _, ok := cc.get(b, t0); !ok {
		t.Error("dropping one entry dropped another")
	}
	for i := range claimedMaxEntries + 1 {
		var x common.Address
		binary.BigEndian.PutUint32(x[:4], uint32(i)+10)
		cc.put(x, "0", "0", t0)
	}
	if n := len(cc.entries); n > claimedMaxEntries {
		t.Errorf("%d entries, want at most %d", n, claimedMaxEntries)
	}
}
