package devnet

import (
	"context"
	"testing"
	"time"
)

// TestCommunityJourney runs the journey's community on a small dev network:
// a community whose account buys a crawl, members' deposits whose yield is
// harvested into credits that pay for it, a member who reads and verifies
// the dataset with their membership NFT, a stranger refused, a member who
// leaves with their principal. Every figure of the summary is the chain's
// or the coordinators' answer.
func TestCommunityJourney(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	nw, b := startTestNetwork(ctx, t, 2, 0)
	static, _ := nw.Site.ArticleURLs(nw.SiteURL)
	var s Summary
	failed, err := nw.communityJourney(ctx, b, static, t.TempDir(), &s, func(name, detail string, t0 time.Time) {
		t.Logf("%s (%s): %s", name, time.Since(t0).Round(time.Millisecond), detail)
	})
	if err != nil {
		t.Fatalf("%s: %v", failed, err)
	}
	cs := s.Community
	if !cs.MemberVerified || !cs.StrangerRefused || cs.Paid == "" || cs.Paid == "0" {
		t.Fatalf("community summary %+v", cs)
	}
}
