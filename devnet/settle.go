package devnet

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/contracts"
	"github.com/meadow-net/meadow/coord/blob"
	"github.com/meadow-net/meadow/dataset"
	"github.com/meadow-net/meadow/node"
	"github.com/meadow-net/meadow/rewards"
)

// claim is one node's rewards after the journey's epoch: its settled leaf
// and what its claim paid.
type claim struct {
	settled rewards.Balance
	paid    rewards.Balance
}

// settleAndClaim settles the epoch as an operator would (POST
// /v1/cluster/settle with the cluster token, to the last coordinator that
// runs: a follower, which forwards it, unless it leads), then has every node
// with a leaf claim it on chain with the proof a coordinator gives it, and
// checks that the claims paid what was settled and that a second claim pays
// nothing.
func (n *Network) settleAndClaim(ctx context.Context, s *Summary, revenue *big.Int, step func(string, string, time.Time)) (string, error) {
	t0 := time.Now()
	var sr api.SettleResponse
	if err := postToken(ctx, n.settlerURL(-1)+"/v1/cluster/settle", n.token, api.SettleRequest{}, &sr); err != nil {
		return "settle", err
	}
	if err := sr.Validate(); err != nil {
		return "settle", err
	}
	ep := &EpochSummary{
		Epoch: sr.Epoch, Root: sr.Root.Hex(), Emission: sr.Emission, RevenueShare: sr.RevenueShare,
		Revenue: revenue.String(), Units: sr.Units, Tx: sr.Tx.Hex(),
	}
	for _, a := range sr.Signers {
		ep.Signers = append(ep.Signers, a.Hex())
	}
	s.Epoch = ep
	referrals, err := n.referrers(ep, sr)
	if err != nil {
		return "settle: referrals", err
	}
	step("settle", fmt.Sprintf("epoch %d: %s MEADOW minted and %s stable shared for %d work units, root %s signed by %d of %d operators, posted in %s%s",
		sr.Epoch, rewards.FormatAmount(sr.Emission, 18), rewards.FormatAmount(sr.RevenueShare, 6), sr.Units, short(sr.Root.Hex()), len(sr.Signers), len(n.GroupURLs(0)), short(sr.Tx.Hex()), referrals), t0)

	t0 = time.Now()
	n.claims = map[string]claim{}
	settled, paid := zeroBalance(), zeroBalance()
	fees := zeroBalance()
	claimed := 0
	ch := n.Chain.Chain
	domain, err := ch.RewardsDomain(ctx)
	if err != nil {
		return "claim", err
	}
	for i, nd := range n.Nodes {
		var r api.NodeRewards
		// Any running member answers; spread the questions over them.
		if err := getJSON(ctx, n.settlerURL(i)+"/v1/node/"+strings.ToLower(nd.Address().Hex())+"/rewards?consistent=1", &r); err != nil {
			return "claim: " + nd.Name, err
		}
		if err := r.Validate(); err != nil {
			return "claim: " + nd.Name, err
		}
		if r.Epoch != sr.Epoch {
			return "claim: " + nd.Name, fmt.Errorf("rewards of epoch %d, want %d", r.Epoch, sr.Epoch)
		}
		if err := checkReferralShown(ep, nd, r); err != nil {
			return "settle: referrals: " + nd.Name, err
		}
		leaf := rewards.Leaf{Account: rewards.Address(nd.Address()), Meadow: amount(r.Meadow), Stable: amount(r.Stable)}
		c := claim{settled: rewards.Balance{Meadow: leaf.Meadow, Stable: leaf.Stable}, paid: zeroBalance()}
		if leaf.Meadow.Sign() > 0 || leaf.Stable.Sign() > 0 {
			// A home node holds no ether: it claims through a
			// coordinator's relayer, as meadow node claim does.
			id, err := node.LoadOrCreateIdentity(nd.DataDir)
			if err != nil {
				return "claim: " + nd.Name, err
			}
			res, err := n.relayClaim(ctx, i, id, domain, r)
			if err != nil {
				return "claim: " + nd.Name, err
			}
			c.paid = rewards.Balance{Meadow: res.Meadow, Stable: res.Stable}
			if res.Meadow.Cmp(leaf.Meadow) != 0 || res.Stable.Cmp(leaf.Stable) != 0 {
				return "claim: " + nd.Name, fmt.Errorf("the claim paid %s MEADOW and %s stable, the leaf says %s and %s", res.Meadow, res.Stable, leaf.Meadow, leaf.Stable)
			}
			fees.Meadow.Add(fees.Meadow, res.FeeMeadow)
			fees.Stable.Add(fees.Stable, res.FeeStable)
			// Nothing is left to claim: a second authorization has
			// nothing to sign for.
			m, st, err := ch.Claimed(ctx, nd.Address())
			if err != nil {
				return "claim again: " + nd.Name, err
			}
			if _, err := contracts.AuthorizeClaim(id.Key, domain, id.Address, leaf.Meadow, leaf.Stable, m, st, 0, common.Address{}, 1); !errors.Is(err, contracts.ErrNothingToClaim) {
				return "claim again: " + nd.Name, fmt.Errorf("after the claim, a second one: %v, want nothing to claim", err)
			}
			if eth, err := ch.EtherBalance(ctx, nd.Address()); err != nil || eth.Sign() != 0 {
				return "claim: " + nd.Name, fmt.Errorf("the node holds %v ether (%v), want none: it claimed without gas", eth, err)
			}
			claimed++
		}
		n.claims[nd.Name] = c
		settled.Meadow.Add(settled.Meadow, c.settled.Meadow)
		settled.Stable.Add(settled.Stable, c.settled.Stable)
		paid.Meadow.Add(paid.Meadow, c.paid.Meadow)
		paid.Stable.Add(paid.Stable, c.paid.Stable)
	}
	ep.SettledMeadow, ep.SettledStable = settled.Meadow.String(), settled.Stable.String()
	ep.ClaimedMeadow, ep.ClaimedStable = paid.Meadow.String(), paid.Stable.String()
	if settled.Meadow.Cmp(paid.Meadow) != 0 || settled.Stable.Cmp(paid.Stable) != 0 {
		return "claims", fmt.Errorf("claimed %s MEADOW and %s stable, settled %s and %s", paid.Meadow, paid.Stable, settled.Meadow, settled.Stable)
	}
	step("claims", fmt.Sprintf("%d nodes with no ether claimed %s MEADOW and %s stable, all that was settled, through the coordinators' relayers (fees %s MEADOW and %s stable); nothing is left to claim",
		claimed, rewards.FormatAmount(paid.Meadow.String(), 18), rewards.FormatAmount(paid.Stable.String(), 6),
		rewards.FormatAmount(fees.Meadow.String(), 18), rewards.FormatAmount(fees.Stable.String(), 6)), t0)
	return "", nil
}

// relayClaim has node nd claim what r settled without gas: it signs the
// authorization with the fee a coordinator's relayer asks (GET /v1/chain)
// and that member sends it (POST /v1/rewards/relay, never forwarded: each
// member relays with its own key); a member that cannot (503) hands over
// to the next. It waits for the transaction.
func (n *Network) relayClaim(ctx context.Context, i int, id *node.Identity, domain contracts.Domain, r api.NodeRewards) (contracts.RelayedClaimResult, error) {
	ch := n.Chain.Chain
	var last error
	for try := 0; try < len(n.CoordURLs); try++ {
		base := n.settlerURL(i + try)
		var info api.ChainInfo
		if err := getJSON(ctx, base+"/v1/chain", &info); err != nil {
			last = err
			continue
		}
		if info.Relay == nil {
			last = fmt.Errorf("%s relays no claims", base)
			continue
		}
		m, s, err := ch.Claimed(ctx, id.Address)
		if err != nil {
			return contracts.RelayedClaimResult{}, err
		}
		now := uint64(time.Now().Unix())
		if head, err := ch.HeadTime(ctx); err == nil && head > now {
			now = head
		}
		c, err := contracts.AuthorizeClaim(id.Key, domain, id.Address, amount(r.Meadow), amount(r.Stable), m, s, info.Relay.FeeBps, common.Address{}, now+3600)
		if err != nil {
			return contracts.RelayedClaimResult{}, err
		}
		q := api.RelayClaimRequest{Account: id.Address, CumulativeMeadow: r.Meadow, CumulativeStable: r.Stable, Proof: r.Proof,
			FeeMeadow: c.Auth.FeeMeadow.String(), FeeStable: c.Auth.FeeStable.String(), Deadline: c.Auth.Deadline}
		copy(q.Signature[:], c.Signature)
		var sent api.RelayClaimResponse
		if err := postJSON(ctx, base+"/v1/rewards/relay", q, &sent); err != nil {
			last = err
			continue
		}
		return ch.WaitRelayedClaim(ctx, sent.Tx)
	}
	return contracts.RelayedClaimResult{}, fmt.Errorf("no coordinator relayed the claim: %w", last)
}

// postJSON posts body to u once (a relayed claim is sent again only to
// another member, by the caller) and decodes a 200 answer into out.
func postJSON(ctx context.Context, u string, body, out any) error {
	b, err := json.Marshal(body)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(b))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("POST %s: %d %s", u, resp.StatusCode, bytes.TrimSpace(raw))
	}
	return json.Unmarshal(raw, out)
}

// checkFaulty shows what cross-checking did to the faulty nodes: the rows
// they altered were rejected, none is in a crawl dataset, and they earned
// only for the rows the majority accepted.
func (n *Network) checkFaulty(ctx context.Context, s *Summary, step func(string, string, time.Time)) (string, error) {
	t0 := time.Now()
	var details []string
	for _, nd := range n.Nodes {
		if !nd.Faulty {
			continue
		}
		var rec struct {
			RowsAccepted int64 `json:"rows_accepted"`
			RowsRejected int64 `json:"rows_rejected"`
			Units        int64 `json:"units"`
		}
		if err := getJSON(ctx, n.liveURL(0)+"/v1/node/"+strings.ToLower(nd.Address().Hex()), &rec); err != nil {
			return "faulty node", err
		}
		if nd.Altered() > 0 && rec.RowsRejected == 0 {
			return "faulty node", fmt.Errorf("%s altered %d rows and none was rejected", nd.Name, nd.Altered())
		}
		details = append(details, fmt.Sprintf("%s altered %d rows: %d of its rows rejected, %d accepted; it earned %d work units, for accepted rows only",
			nd.Name, nd.Altered(), rec.RowsRejected, rec.RowsAccepted, rec.Units))
	}
	for _, j := range s.Jobs {
		if j.Kind != api.JobCrawl {
			continue
		}
		bad, err := countAltered(j.Files[api.FormatParquet])
		if err != nil {
			return "faulty node", err
		}
		if bad > 0 {
			return "faulty node", fmt.Errorf("dataset %s holds %d rows a faulty node altered", j.Dataset, bad)
		}
	}
	if len(details) > 0 {
		step("faulty node", strings.Join(details, "; ")+"; no altered row is in any crawl dataset", t0)
	}
	return "", nil
}

// alteredMark is the text Tamper adds to a page.
const alteredMark = "inserted by a faulty node"

// countAltered counts the rows of a crawl dataset file whose text carries
// Tamper's mark.
func countAltered(path string) (int, error) {
	r, err := dataset.Open(path)
	if err != nil {
		return 0, err
	}
	defer r.Close()
	i := r.Schema().Index(dataset.ColText)
	bad := 0
	for r.Next() {
		if i >= 0 {
			if t, _ := r.Row()[i].(string); strings.Contains(t, alteredMark) {
				bad++
			}
		}
	}
	return bad, r.Err()
}

func zeroBalance() rewards.Balance {
	return rewards.Balance{Meadow: new(big.Int), Stable: new(big.Int)}
}

// amount parses a validated decimal amount.
func amount(s string) *big.Int {
	v, _ := new(big.Int).SetString(s, 10)
	return v
}

// postToken posts body as JSON with the cluster token, as an operator's
// command does, and decodes the answer into out. A settlement carries no
// nonce, so it is sent again only where the member says it did nothing: no
// connection, 503 not_leader (no leader known yet, a forward that found no
// leader), 429; with back-off, for up to postTokenTries tries.
func postToken(ctx context.Context, u, token string, body, out any) error {
	b, err := json.Marshal(body)
	if err != nil {
		return err
	}
	backoff := 200 * time.Millisecond
	var last error
	for try := 1; ; try++ {
		again, err := postTokenOnce(ctx, u, token, b, out)
		if err == nil || !again || try == postTokenTries {
			return err
		}
		last = err
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w (last: %w)", ctx.Err(), last)
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 2*time.Second)
	}
}

// postTokenTries bounds postToken's tries: about 20 s of elections.
const postTokenTries = 12

func postTokenOnce(ctx context.Context, u, token string, b []byte, out any) (again bool, err error) {
	// A settlement gathers signatures and posts on chain: generous, but
	// not unbounded, for a member that stalls.
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(b))
	if err != nil {
		return false, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(blob.TokenHeader, token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		var op *net.OpError
		return errors.As(err, &op) && op.Op == "dial", err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return false, err
	}
	if resp.StatusCode != http.StatusOK {
		var eb api.ErrorBody
		_ = json.Unmarshal(raw, &eb)
		again := resp.StatusCode == http.StatusTooManyRequests ||
			(resp.StatusCode >= 500 && eb.Error.Code == api.CodeNotLeader)
		return again, fmt.Errorf("%s: %s: %s", u, resp.Status, bytes.TrimSpace(raw))
	}
	return false, json.Unmarshal(raw, out)
}

// referrers fills the epoch's referral figures from the settlement's answer
// and describes them for the settle step. The dev network's honest nodes
// after the first were each referred by the one before (startNodes), so a
// settled epoch in which they worked pays node1 and node2 shares: none is
// an error.
func (n *Network) referrers(ep *EpochSummary, sr api.SettleResponse) (string, error) {
	ep.Referral, ep.Unminted = sr.Referral, sr.Unminted
	names := map[common.Address]string{}
	referred := 0
	for _, nd := range n.Nodes {
		names[nd.Address()] = nd.Name
		if nd.Referrer != "" {
			referred++
		}
	}
	var parts []string
	for _, r := range sr.Referrers {
		ep.Referrers = append(ep.Referrers, ReferrerSummary{Node: names[r.Account], Account: r.Account.Hex(), Meadow: r.Meadow})
		parts = append(parts, fmt.Sprintf("%s %s", names[r.Account], rewards.FormatAmount(r.Meadow, 18)))
	}
	if referred > 0 && len(sr.Referrers) == 0 {
		return "", fmt.Errorf("%d nodes were referred and worked, and the epoch paid no referrer", referred)
	}
	if len(parts) == 0 {
		return "", nil
	}
	return fmt.Sprintf("; referrers paid from the referral reserve, never from their referees: %s MEADOW (%s of the reserve not minted)",
		strings.Join(parts, ", "), rewards.FormatAmount(sr.Unminted, 18)), nil
}

// checkReferralShown checks that what the settlement answered as nd's
// referral share is what the node's own rewards say it earned as a
// referrer in that epoch: two answers of the service, one per route.
func checkReferralShown(ep *EpochSummary, nd *Node, r api.NodeRewards) error {
	want := "0"
	for _, rs := range ep.Referrers {
		if common.HexToAddress(rs.Account) == nd.Address() {
			want = rs.Meadow
		}
	}
	got := "0"
	for _, h := range r.History {
		if h.Epoch == ep.Epoch && h.Referral != "" {
			got = h.Referral
		}
	}
	if amount(got).Cmp(amount(want)) != 0 {
		return fmt.Errorf("its rewards show %s MEADOW as a referrer in epoch %d, the settlement %s", got, ep.Epoch, want)
	}
	return nil
}
