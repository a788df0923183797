package state

import (
	"errors"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/meadow-net/meadow/api"
)

// The same job.submit envelope sent again (a client retrying after a lost
// answer) gets the job it created, not a replay error and not a second job;
// a new envelope makes a new job, and another signer's nonce is its own.
func TestSubmitJobSignedIsIdempotent(t *testing.T) {
	s := New()
	buyer := common.HexToAddress(addr(100))
	signer := strings.ToLower(buyer.Hex())
	first := crawlJob("j1", 1, 2, 2)
	first.Buyer = buyer
	j, err := s.SubmitJobSigned(signer, 7, first, 1)
	if err != nil {
		t.Fatal(err)
	}
	// The leader draws a new id for each try of the same envelope.
	again := crawlJob("j2", 1, 2, 2)
	again.Buyer = buyer
	j2, err := s.SubmitJobSigned(signer, 7, again, 2)
	if err != nil || j2.ID != j.ID {
		t.Fatalf("the same envelope again: %v %v; want job %s", j2, err, j.ID)
	}
	if len(s.Jobs) != 1 {
		t.Fatalf("%d jobs after a resent envelope, want 1", len(s.Jobs))
	}
	if _, err := s.SubmitJobSigned(signer, 8, again, 3); err != nil || len(s.Jobs) != 2 {
		t.Fatalf("a new envelope: %v, %d jobs", err, len(s.Jobs))
	}
	// A replayed nonce that created no job is still a replay.
	other := crawlJob("j3", 1, 2, 2)
	other.Buyer = common.HexToAddress(addr(101))
	osigner := strings.ToLower(other.Buyer.Hex())
	if err := s.UseNonce(osigner, 5, func() error { return nil }); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SubmitJobSigned(osigner, 5, other, 4); !errors.Is(err, api.ErrReplayed) {
		t.Fatalf("a replayed nonce that made no job: got %v, want ErrReplayed", err)
	}
}
