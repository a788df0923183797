package state

import (
	"errors"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/meadow-net/meadow/contracts"
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
	// 130 splits into a node pool of 100 and a referral reserve of 30,
	// which no referrer earns here: the root mints 100.
	p, err := s.ProposeEpoch(EpochSettle{Epoch: 1, Emission: big.NewInt(130), RevenueShare: big.NewInt(3)}, 1)
	if err != nil {
		t.Fatal(err)
	}
	if p.Emission.Int64() != 100 || p.Schedule.Int64() != 130 || p.Unminted.Int64() != 30 || p.Referral.Sign() != 0 {
		t.Fatalf("proposal mints %s of %s, unminted %s, referral %s; want 100 of 130, 30, 0", p.Emission, p.Schedule, p.Unminted, p.Referral)
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

// TestPaymentBeforeItsJobIsHeld is issue 17, item 11 at the state: a
// payment recorded while the state did not have its job yet (a leader whose
// view was behind named no job) is held by its job id on chain and
// attributed when the job is added, and a payment whose JobID hint is empty
// finds its job from the key. Before, both were recorded against no job and
// the job stayed paid 0 for good.
func TestPaymentBeforeItsJobIsHeld(t *testing.T) {
	s := New()
	key := contracts.JobKey("j1")
	early := Payment{ID: "0xaa:0", Key: key, Amount: big.NewInt(5), Epoch: 1}
	if added, err := s.RecordPayment(early); err != nil || !added {
		t.Fatalf("record: %v, %v", added, err)
	}
	if s.PendingPayments() != 1 {
		t.Fatalf("%d payments held, want 1", s.PendingPayments())
	}
	if _, err := s.SubmitJob(crawlJob("j1", 1, 1, 1), 10); err != nil {
		t.Fatal(err)
	}
	j := s.Jobs["j1"]
	if got := j.PaidAmount(); got.Cmp(big.NewInt(5)) != 0 {
		t.Fatalf("job paid %s after it appeared, want 5", got)
	}
	if s.Rewards.Payments[early.ID].JobID != "j1" || s.PendingPayments() != 0 {
		t.Fatalf("payment %+v, %d held; want attributed to j1 and none held", s.Rewards.Payments[early.ID], s.PendingPayments())
	}
	// A stale leader's hint is empty; the key still finds the job.
	late := Payment{ID: "0xbb:1", Key: key, Amount: big.NewInt(3), Epoch: 1}
	if _, err := s.RecordPayment(late); err != nil {
		t.Fatal(err)
	}
	if got := j.PaidAmount(); got.Cmp(big.NewInt(8)) != 0 || s.Rewards.Payments[late.ID].JobID != "j1" {
		t.Fatalf("job paid %s, payment %+v; want 8 and attributed", got, s.Rewards.Payments[late.ID])
	}
	// The held payments survive a snapshot round trip.
	other := Payment{ID: "0xcc:2", Key: contracts.JobKey("j2"), Amount: big.NewInt(2), Epoch: 1}
	if _, err := s.RecordPayment(other); err != nil {
		t.Fatal(err)
	}
	back := roundTrip(t, s)
	if back.PendingPayments() != 1 {
		t.Fatalf("%d payments held after a round trip, want 1", back.PendingPayments())
	}
}
