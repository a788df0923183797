package state

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
)

func TestMayReadAndGrants(t *testing.T) {
	s := New()
	buyer, friend, stranger := common.HexToAddress(addr(100)), common.HexToAddress(addr(101)), addr(102)
	nj := crawlJob("j", 1, 2, 2)
	nj.Buyer = buyer
	if _, err := s.SubmitJob(nj, 1); err != nil {
		t.Fatal(err)
	}
	if err := s.MayRead("j", strings.ToUpper(buyer.Hex()[2:])); err == nil {
		t.Fatal("an address without 0x read the job")
	}
	if err := s.MayRead("j", buyer.Hex()); err != nil {
		t.Fatalf("the buyer: %v", err)
	}
	err := s.MayRead("j", stranger)
	if !errors.Is(err, ErrForbidden) || !strings.Contains(err.Error(), buyer.Hex()) || !strings.Contains(err.Error(), "grant") {
		t.Fatalf("a stranger: %v; want ErrForbidden naming the buyer and grants", err)
	}
	if err := s.MayRead("nope", buyer.Hex()); !errors.Is(err, ErrNotFound) {
		t.Fatalf("an unknown job: %v", err)
	}

	// Only the buyer grants; a refused grant changes nothing.
	var before bytes.Buffer
	if err := s.Encode(&before); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GrantAccess("j", stranger, friend, true); !errors.Is(err, ErrForbidden) || !strings.Contains(err.Error(), buyer.Hex()) {
		t.Fatalf("a stranger's grant: %v", err)
	}
	if _, err := s.GrantAccess("j", buyer.Hex(), buyer, true); !errors.Is(err, ErrInvalid) {
		t.Fatalf("granting the buyer: %v", err)
	}
	var after bytes.Buffer
	if err := s.Encode(&after); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before.Bytes(), after.Bytes()) {
		t.Fatal("a refused grant changed the state")
	}

	j, err := s.GrantAccess("j", strings.ToLower(buyer.Hex()), friend, true)
	if err != nil {
		t.Fatal(err)
	}
	if g := j.Grantees(); len(g) != 1 || g[0] != strings.ToLower(friend.Hex()) {
		t.Fatalf("grantees %v", g)
	}
	if err := s.MayRead("j", friend.Hex()); err != nil {
		t.Fatalf("a granted address: %v", err)
	}
	if st, _ := s.JobStatus("j"); len(st.Grants) != 1 || st.Grants[0] != friend {
		t.Fatalf("status grants %v", st.Grants)
	}
	if _, err := s.GrantAccess("j", buyer.Hex(), friend, false); err != nil {
		t.Fatal(err)
	}
	if err := s.MayRead("j", friend.Hex()); !errors.Is(err, ErrForbidden) {
		t.Fatalf("a revoked address: %v", err)
	}
	if s.Jobs["j"].Grants != nil {
		t.Fatalf("grants left after the last revoke: %v", s.Jobs["j"].Grants)
	}
}
