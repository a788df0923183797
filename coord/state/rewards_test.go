package state

import (
	"errors"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"
)

func TestRecordPaymentOnce(t *testing.T) {
	s := New()
	p := Payment{ID: "0xabc:0", Amount: big.NewInt(7), Epoch: 1, JobID: "nope"}
	for i, want := range []bool{true, false} {
		added, err := s.RecordPayment(p)
		if err != nil || added != want {
			t.Fatalf("delivery %d: added %v, %v; want %v", i, added, err, want)
		}
	}
	if got := s.Revenue(1); got.Cmp(big.NewInt(7)) != 0 {
		t.Fatalf("revenue %s, want 7", got)
	}
	if s.Rewards.Payments[p.ID].JobID != "" {
		t.Fatal("a payment for an unknown job kept the job id")
	}
	for _, bad := range []Payment{
		{Amount: big.NewInt(1), Epoch: 1},
		{ID: "x", Epoch: 1},
		{ID: "x", Amount: big.NewInt(-1), Epoch: 1},
		{ID: "x", Amount: big.NewInt(1)},
	} {
		if _, err := s.RecordPayment(bad); !errors.Is(err, ErrInvalid) {
			t.Fatalf("payment %+v: %v, want ErrInvalid", bad, err)
		}
	}
}

func TestEpochRules(t *testing.T) {
	s := New()
	n, err := s.RegisterNode(Registration{Address: "0x00000000000000000000000000000000000000aa", IP: "10.0.0.1"}, 1)
	if err != nil {
		t.Fatal(err)
	}
	n.PendingUnits = 10
	if _, err := s.ProposeEpoch(EpochSettle{Epoch: 2, Emission: big.NewInt(100), RevenueShare: new(big.Int)}, 1); !errors.Is(err, ErrConflict) {
		t.Fatalf("epoch out of order: %v", err)
	}
	p, err := s.ProposeEpoch(EpochSettle{Epoch: 1, Emission: big.NewInt(100), RevenueShare: big.NewInt(3)}, 1)
	if err != nil {
		t.Fatal(err)
	}
	n.PendingUnits += 5 // earned while the root is being posted
	if _, err := s.EpochPosted(1, common.Hash{1}, common.Hash{}, 2); !errors.Is(err, ErrConflict) {
		t.Fatalf("post of another root: %v", err)
	}
	if _, err := s.EpochPosted(1, p.Root, common.Hash{9}, 2); err != nil {
		t.Fatal(err)
	}
	if n.PendingUnits != 5 || s.Rewards.Epoch != 1 || s.Rewards.Proposal != nil || len(s.Rewards.Epochs) != 1 {
		t.Fatalf("after post: pending %d, rewards %+v", n.PendingUnits, s.Rewards)
	}
	if _, err := s.EpochPosted(1, p.Root, common.Hash{9}, 3); !errors.Is(err, ErrConflict) {
		t.Fatalf("second post: %v", err)
	}
	if b := s.Rewards.Balances[s.Leaves()[0].Account]; b.Meadow.Int64() != 100 || b.Stable.Int64() != 3 {
		t.Fatalf("balance %+v", b)
	}
}
