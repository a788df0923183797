package coord

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/valyala/fasthttp"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/contracts"
	"github.com/meadow-net/meadow/coord/state"
	"github.com/meadow-net/meadow/rewards"
)

// Settlement and the chain. The leader watches the marketplace's payments and
// records each once (MsgPayment); settles an epoch on request or on a timer
// (MsgEpochSettle, with the emission and revenue share it read from the
// distributor); asks every member to sign the root its own replica computed
// (POST /v1/cluster/sign, each with its own operator key); posts the root
// with those signatures; and records the post (MsgEpochPosted), which makes
// the new balances the ones nodes claim against. Dataset roots go to the
// registry the same way (MsgDatasetPosted). See docs/ARCHITECTURE.md,
// "Settlement".

var (
	// ErrNoChain is returned by settlement and payment operations on a
	// coordinator started without a chain.
	ErrNoChain = errors.New("coord: no chain configured (--chain-rpc, or the dev network's chain)")
	// ErrGroupsSettle is the answer of a work group asked to settle: on a
	// network of several groups, the group map's first group settles
	// every epoch for all of them (docs/ARCHITECTURE.md, "Work groups").
	ErrGroupsSettle = errors.New("coord: epochs are settled by the group map's first group, for every group")
	// ErrUnpaid is returned for the data of a job whose payments do not
	// cover its price.
	ErrUnpaid = errors.New("coord: job unpaid")
)

// WithChain connects the coordinator to the chain its network settles on:
// it then prices jobs, watches payments, settles epochs and posts dataset
// roots. key is this member's operator key, one of those the distributor
// and the registry were deployed with; it signs roots and pays for the
// leader's transactions.
func WithChain(ch *contracts.Chain, key *ecdsa.PrivateKey) Option {
	return func(o *options) { o.chain, o.operatorKey = ch, key }
}

type paymentCmd struct {
	Payment state.Payment `json:"payment"`
}

type epochSettleCmd struct {
	state.EpochSettle
	Now int64 `json:"now"`
}

type epochPostedCmd struct {
	Epoch uint64      `json:"epoch"`
	Root  common.Hash `json:"root"`
	Tx    common.Hash `json:"tx"`
	Now   int64       `json:"now"`
}

type datasetPostedCmd struct {
	ID   string      `json:"id"`
	Root api.Hash    `json:"root"`
	Tx   common.Hash `json:"tx"`
	// Signatures are the members' signatures of the dataset's manifest.
	Signatures []state.ManifestSignature `json:"signatures,omitempty"`
}

func (f *fsm) applyPayment(body []byte, index uint64) any {
	var c paymentCmd
	decode(MsgPayment, body, index, &c)
	added, err := f.st.RecordPayment(c.Payment)
	if err != nil {
		return err
	}
	return added
}

func (f *fsm) applyEpochSettle(body []byte, index uint64) any {
	var c epochSettleCmd
	decode(MsgEpochSettle, body, index, &c)
	p, err := f.st.ProposeEpoch(c.EpochSettle, c.Now)
	if err != nil {
		return err
	}
	return *p
}

func (f *fsm) applyEpochPosted(body []byte, index uint64) any {
	var c epochPostedCmd
	decode(MsgEpochPosted, body, index, &c)
	rec, err := f.st.EpochPosted(c.Epoch, c.Root, c.Tx, c.Now)
	if err != nil {
		return err
	}
	return rec
}

func (f *fsm) applyDatasetPosted(body []byte, index uint64) any {
	var c datasetPostedCmd
	decode(MsgDatasetPosted, body, index, &c)
	return f.st.DatasetPosted(c.ID, c.Root, c.Tx, c.Signatures)
}

// requireChain returns ErrNoChain when the coordinator has no chain.
func (c *Coordinator) requireChain() error {
	if c.chain == nil || c.operatorKey == nil {
		return ErrNoChain
	}
	return nil
}

// DefaultUnpaidGrace is the default Config.UnpaidGrace: three days to pay
// for a done job before submitting more.
const DefaultUnpaidGrace = 72 * time.Hour

// checkArrears refuses a new job or pipeline from a buyer one of whose
// priced jobs has been done (its dataset complete) and unpaid for longer
// than Config.UnpaidGrace: ErrUnpaid (402, as a download of an unpaid
// dataset) naming the oldest such job, what it owes and how to pay. Buyers pay after the work, so this is what stops
// one from using the network for nothing; a fresh key escapes it, which is
// why the leader also posts only paid datasets' roots (registerDatasets).
// The stages of a pipeline still running are left out (oldestUnpaid). The
// leader reads its own state and clock: nothing of it enters the log.
func (c *Coordinator) checkArrears(buyer common.Address) error {
	if c.chain == nil || c.cfg.UnpaidGrace <= 0 {
		return nil
	}
	var (
		late   *state.Job
		doneAt int64
	)
	c.fsm.read(func(st *state.State) {
		late, doneAt = oldestUnpaid(st, buyer, c.now()-c.cfg.UnpaidGrace.Milliseconds())
	})
	if late == nil {
		return nil
	}
	owed := new(big.Int).Sub(late.Price(), late.PaidAmount())
	return fmt.Errorf("%w: buyer %s has not paid job %s, done %s ago (more than the %s a buyer has to pay): it costs %s stable base units and %s is paid; pay the %s left with `meadow buyer pay %s`, then submit again",
		ErrUnpaid, buyer.Hex(), late.ID, time.Duration(c.now()-doneAt)*time.Millisecond, c.cfg.UnpaidGrace, late.Price(), late.PaidAmount(), owed, late.ID)
}

// oldestUnpaid returns a copy of buyer's job that has been done and unpaid
// the longest, if its dataset completed at cutoff or before, and when it
// did; nil if there is none. Priced jobs only (Job.Unpaid), and no stage of
// a pipeline still running (a buyer pays a pipeline's stages together, with
// meadow buyer pipeline pay, once it ends). Ties go to the smaller job id.
func oldestUnpaid(st *state.State, buyer common.Address, cutoff int64) (*state.Job, int64) {
	var (
		late   *state.Job
		doneAt int64
	)
	for _, j := range st.Jobs {
		if j.Buyer != buyer || j.Dataset == "" || !j.Unpaid() {
			continue
		}
		if i := strings.LastIndexByte(j.ID, '.'); i > 0 {
			if p, ok := st.Pipelines[j.ID[:i]]; ok && !p.State.Final() {
				continue
			}
		}
		d, ok := st.Datasets[j.Dataset]
		if !ok || !d.Complete || d.CreatedAt > cutoff {
			continue
		}
		if late == nil || d.CreatedAt < doneAt || (d.CreatedAt == doneAt && j.ID < late.ID) {
			cp := *j
			late, doneAt = &cp, d.CreatedAt
		}
	}
	return late, doneAt
}

// pricePerRow is what a job submitted now costs a row: the configured price
// on a network with a chain, nothing without one (nobody could pay).
func (c *Coordinator) pricePerRow() uint64 {
	if c.chain == nil {
		return 0
	}
	return c.cfg.PricePerRow
}

// OperatorAddress is the address of this member's operator key; zero without
// a chain.
func (c *Coordinator) OperatorAddress() common.Address {
	if c.operatorKey == nil {
		return common.Address{}
	}
	return crypto.PubkeyToAddress(c.operatorKey.PublicKey)
}

// ChainInfo describes the chain and contracts the network settles on.
func (c *Coordinator) ChainInfo(ctx context.Context) (api.ChainInfo, error) {
	if err := c.requireChain(); err != nil {
		return api.ChainInfo{}, err
	}
	a := c.chain.Addresses()
	return api.ChainInfo{
		ChainID: c.cfg.ChainID, Endpoint: c.cfg.ChainPublicRPC,
		Distributor: a.Distributor, Registry: a.Registry, Marketplace: a.Marketplace,
		Meadow: a.Token, Stable: a.Stable, DeployBlock: a.DeployBlock,
		CommunityFactory: a.CommunityFactory,
		PricePerRow:      c.cfg.PricePerRow,
		Relay:            c.relayInfo(),
	}, nil
}

// watchPayments is a leader duty: it runs the chain's payment watcher, whose
// cursor lives in this member's data dir, and records every payment through
// Raft. A new leader's cursor may be behind the old one's; the state counts
// each payment once by its id.
func (c *Coordinator) watchPayments(ctx context.Context) {
	if c.chain == nil {
		return
	}
	cfg := contracts.DefaultWatcherConfig()
	cfg.DataDir = filepath.Join(c.cfg.DataDir, "chain")
	cfg.Confirmations = c.cfg.ChainConfirmations
	cfg.PollInterval = c.cfg.ChainPoll
	cfg.Logger = c.log.With("sub", "payments")
	for ctx.Err() == nil {
		w, err := c.chain.NewWatcher(ctx, cfg, c.recordPayment)
		if err == nil {
			c.watcher.Store(w) // for the metrics (opsmetrics.go)
			err = w.Run(ctx)
			c.watcher.Store(nil)
		}
		if ctx.Err() != nil {
			return
		}
		c.log.Warn("payment watcher stopped; restarting", "err", err)
		select {
		case <-ctx.Done():
		case <-time.After(cfg.MaxBackoff):
		}
	}
}

// recordPayment records one payment; the watcher retries it on error. The
// command carries the job's id on chain (Key): the state resolves it to a
// job when it applies the command, or holds the payment until the job
// appears, so a leader whose view is behind never records a payment against
// no job. JobID is this member's reading, a hint the state checks.
func (c *Coordinator) recordPayment(ctx context.Context, p contracts.Payment) error {
	var jobID string
	c.fsm.read(func(st *state.State) { jobID, _ = st.JobByKey(p.JobID) })
	res, err := c.propose(ctx, MsgPayment, paymentCmd{Payment: state.Payment{
		ID: p.ID(), JobID: jobID, Key: p.JobID, Buyer: p.Buyer, Amount: p.Amount, Epoch: p.Epoch,
		Block: p.BlockNumber, SeenAt: c.now(),
	}})
	if err != nil {
		return err
	}
	if added, _ := res.(bool); added {
		c.log.Info("payment", "job", jobID, "amount", p.Amount, "epoch", p.Epoch, "tx", p.TxHash.Hex())
	}
	return nil
}

// settleLoop is a leader duty when SettleInterval is set: it settles an
// epoch every interval.
func (c *Coordinator) settleLoop(ctx context.Context) {
	if c.chain == nil || c.cfg.SettleInterval <= 0 || !c.groups.settler() {
		return
	}
	every(ctx, c.cfg.SettleInterval, func(ctx context.Context) {
		if r, err := c.Settle(ctx, 0); err != nil {
			c.log.Warn("epoch settlement", "err", err)
		} else {
			c.log.Info("epoch settled", "epoch", r.Epoch, "root", r.Root.Hex(), "units", r.Units)
		}
	})
}

// Settle settles the next epoch on the leader: it reads the epoch's
// emission and revenue share limits from the distributor, settles the
// pending work units (MsgEpochSettle), gathers the members' signatures of the
// root, posts it, and records the post. epoch, when not 0, must be the next
// epoch. A settlement whose post failed (chain down, a refusal) leaves the
// balances as they were; running it again proposes afresh and posts. A post
// that landed on chain but was not recorded (the leader died in between) is
// recorded by the next run without posting again.
func (c *Coordinator) Settle(ctx context.Context, epoch uint64) (api.SettleResponse, error) {
	if !c.groups.settler() {
		return api.SettleResponse{}, fmt.Errorf("%w: ask a coordinator of group %s", ErrGroupsSettle, c.groups.m.Groups[0].ID)
	}
	if err := c.requireChain(); err != nil {
		return api.SettleResponse{}, err
	}
	if !c.IsLeader() {
		return api.SettleResponse{}, ErrNotLeader
	}
	c.settleMu.Lock()
	defer c.settleMu.Unlock()
	if err := c.Barrier(ctx); err != nil {
		return api.SettleResponse{}, err
	}
	var (
		next     uint64
		proposal *state.EpochProposal
	)
	c.fsm.read(func(st *state.State) {
		next = st.Rewards.Epoch + 1
		if p := st.Rewards.Proposal; p != nil {
			cp := *p
			proposal = &cp
		}
	})
	if epoch != 0 && epoch != next {
		return api.SettleResponse{}, fmt.Errorf("%w: epoch %d: expected %d, the next epoch to settle", state.ErrConflict, epoch, next)
	}
	chainEpoch, chainRoot, err := c.chain.LatestRoot(ctx)
	if err != nil && !errors.Is(err, contracts.ErrNoRoot) {
		return api.SettleResponse{}, chainErr(err)
	}
	if chainEpoch >= next {
		// The chain is ahead of the state: the last post landed but its
		// record did not. Record it if it is the root we proposed.
		if proposal == nil || proposal.Epoch != next || proposal.Root != chainRoot || chainEpoch != next {
			return api.SettleResponse{}, fmt.Errorf("%w: the chain has settled epoch %d (root %s), which this cluster did not propose", state.ErrConflict, chainEpoch, chainRoot.Hex())
		}
		c.log.Warn("recording an epoch posted earlier", "epoch", next)
		return c.recordPosted(ctx, *proposal, nil, common.Hash{})
	}

	emission, err := c.chain.EmissionLimit(ctx, next)
	if err != nil {
		return api.SettleResponse{}, chainErr(err)
	}
	share, err := c.chain.RevenueShareLimit(ctx, next)
	if err != nil {
		return api.SettleResponse{}, chainErr(err)
	}
	var reports []state.GroupReport
	if c.groups != nil {
		reports = c.gatherReports(ctx, next)
	}
	res, err := c.propose(ctx, MsgEpochSettle, epochSettleCmd{
		EpochSettle: state.EpochSettle{Epoch: next, Emission: emission, RevenueShare: share, SharedNetworkOK: c.cfg.SharedNetworkOK, Groups: reports}, Now: c.now(),
	})
	if err != nil {
		return api.SettleResponse{}, err
	}
	p := res.(state.EpochProposal)
	sr := signRequest{
		Kind: signEpoch, Index: c.StateIndex(), Epoch: p.Epoch, Root: p.Root,
		Emission: (*hexutil.Big)(p.Emission), RevenueShare: (*hexutil.Big)(p.RevenueShare),
	}
	sigs, signers, err := c.gatherSignatures(ctx, sr)
	if err != nil {
		return api.SettleResponse{}, err
	}
	rcpt, err := c.chain.PostRoot(ctx, c.operatorKey, contracts.EpochRoot{
		Epoch: p.Epoch, Root: p.Root, Emission: p.Emission, RevenueShare: p.RevenueShare,
	}, sigs)
	if err != nil {
		return api.SettleResponse{}, chainErr(err)
	}
	return c.recordPosted(ctx, p, signers, rcpt.TxHash)
}

// recordPosted records a posted proposal and describes it.
func (c *Coordinator) recordPosted(ctx context.Context, p state.EpochProposal, signers []common.Address, tx common.Hash) (api.SettleResponse, error) {
	if _, err := c.propose(ctx, MsgEpochPosted, epochPostedCmd{Epoch: p.Epoch, Root: p.Root, Tx: tx, Now: c.now()}); err != nil {
		return api.SettleResponse{}, err
	}
	if signers == nil {
		signers = []common.Address{}
	}
	res := api.SettleResponse{
		Epoch: p.Epoch, Root: p.Root, Leaves: int64(len(p.Balances)),
		Emission: p.Emission.String(), RevenueShare: p.RevenueShare.String(),
		Units: p.TotalUnits, Signers: signers, Tx: tx,
	}
	if p.Referral != nil {
		res.Referral, res.Unminted = p.Referral.String(), p.Unminted.String()
		for _, po := range p.Payouts {
			if po.Referral != nil && len(res.Referrers) < api.MaxSettleReferrers {
				res.Referrers = append(res.Referrers, api.ReferralPayout{Account: common.Address(po.Account), Meadow: po.Referral.String()})
			}
		}
	}
	return res, nil
}

// chainErr marks a failure to reach the chain as a temporary one (503), so
// that clients retry; the chain's refusals keep their own text.
func chainErr(err error) error {
	if errors.Is(err, contracts.ErrChainUnavailable) {
		return fmt.Errorf("%w: %w", ErrTimeout, err)
	}
	return err
}

// What members are asked to sign.
const (
	signEpoch    = "epoch"
	signDataset  = "dataset"
	signManifest = "manifest"
)

// signRequest asks a member to sign what its own replica holds: an epoch's
// proposal or a dataset's root. Index is the leader's applied index when it
// asked; the member waits until it has applied as far.
type signRequest struct {
	Kind         string       `json:"kind"`
	Index        uint64       `json:"index"`
	Epoch        uint64       `json:"epoch,omitempty"`
	Root         common.Hash  `json:"root"`
	Emission     *hexutil.Big `json:"emission,omitempty"`
	RevenueShare *hexutil.Big `json:"revenue_share,omitempty"`
	DatasetID    string       `json:"dataset_id,omitempty"`
	Rows         uint64       `json:"rows,omitempty"`
}

type signResponse struct {
	Signer    common.Address `json:"signer"`
	Signature hexutil.Bytes  `json:"signature"`
}

// signTimeout bounds one member's answer to a sign request: it waits for its
// log to catch up (normally milliseconds) and reads the chain once.
const signTimeout = 5 * time.Second

// gatherSignatures asks every member, this one included, to sign, and
// returns the signatures it got with their signers. Members that fail are
// logged; the chain decides whether enough signed.
func (c *Coordinator) gatherSignatures(ctx context.Context, sr signRequest) ([][]byte, []common.Address, error) {
	members, err := c.Members()
	if err != nil {
		return nil, nil, err
	}
	body, _ := json.Marshal(sr)
	type result struct {
		r   signResponse
		err error
		id  string
	}
	out := make([]result, len(members))
	var wg sync.WaitGroup
	for i, m := range members {
		wg.Go(func() {
			out[i].id = m.ID
			if m.ID == c.cfg.ID {
				out[i].r, out[i].err = c.sign(ctx, sr)
				return
			}
			if m.HTTPAddr == "" {
				out[i].err = fmt.Errorf("no HTTP address known")
				return
			}
			// A member that hangs rather than dies must not hold the
			// others' signatures back for long.
			mctx, cancel := context.WithTimeout(ctx, signTimeout)
			defer cancel()
			out[i].err = c.postJSON(mctx, m.HTTPAddr, "/v1/cluster/sign", body, &out[i].r)
		})
	}
	wg.Wait()
	var (
		sigs    [][]byte
		signers []common.Address
		errs    []error
	)
	for _, r := range out {
		if r.err != nil {
			c.log.Warn("member did not sign", "member", r.id, "kind", sr.Kind, "err", r.err)
			errs = append(errs, fmt.Errorf("member %s: %w", r.id, r.err))
			continue
		}
		if slices.Contains(signers, r.r.Signer) {
			continue
		}
		sigs = append(sigs, r.r.Signature)
		signers = append(signers, r.r.Signer)
	}
	if len(sigs) < 2 {
		return nil, nil, fmt.Errorf("%w: %d member(s) signed the %s, at least 2 must: %w", ErrTimeout, len(sigs), sr.Kind, errors.Join(errs...))
	}
	return sigs, signers, nil
}

// sign checks a sign request against this member's own replica and, when it
// holds the same thing, signs it with the operator key.
func (c *Coordinator) sign(ctx context.Context, sr signRequest) (signResponse, error) {
	if err := c.requireChain(); err != nil {
		return signResponse{}, err
	}
	if err := c.waitApplied(ctx, sr.Index); err != nil {
		return signResponse{}, err
	}
	var (
		sig []byte
		err error
	)
	switch sr.Kind {
	case signEpoch:
		sig, err = c.signEpoch(ctx, sr)
	case signDataset:
		sig, err = c.signDataset(ctx, sr)
	case signManifest:
		sig, err = c.signManifest(ctx, sr)
	default:
		err = invalidf("kind %q: expected %q, %q or %q", sr.Kind, signEpoch, signDataset, signManifest)
	}
	if err != nil {
		return signResponse{}, err
	}
	return signResponse{Signer: c.OperatorAddress(), Signature: sig}, nil
}

func (c *Coordinator) signEpoch(ctx context.Context, sr signRequest) ([]byte, error) {
	if sr.Emission == nil || sr.RevenueShare == nil {
		return nil, invalidf("emission and revenue_share: expected both amounts")
	}
	var p *state.EpochProposal
	c.fsm.read(func(st *state.State) {
		if q := st.Rewards.Proposal; q != nil {
			cp := *q
			p = &cp
		}
	})
	switch {
	case p == nil || p.Epoch != sr.Epoch:
		return nil, fmt.Errorf("%w: no proposal for epoch %d in this member's state", state.ErrConflict, sr.Epoch)
	case p.Root != sr.Root || p.Emission.Cmp(sr.Emission.ToInt()) != 0 || p.RevenueShare.Cmp(sr.RevenueShare.ToInt()) != 0:
		return nil, fmt.Errorf("%w: epoch %d: this member computed root %s, emission %s, revenue share %s; asked to sign %s, %s, %s",
			state.ErrConflict, sr.Epoch, p.Root.Hex(), p.Emission, p.RevenueShare, sr.Root.Hex(), sr.Emission.ToInt(), sr.RevenueShare.ToInt())
	}
	// The leader read the amounts from the chain; check them against this
	// member's own reading, so that a leader cannot make the others sign
	// an emission the schedule does not allow.
	limit, err := c.chain.EmissionLimit(ctx, p.Epoch)
	if err != nil {
		return nil, chainErr(err)
	}
	if p.Emission.Cmp(limit) > 0 {
		return nil, fmt.Errorf("%w: epoch %d: emission %s is above the schedule's %s", state.ErrConflict, p.Epoch, p.Emission, limit)
	}
	d, err := c.chain.RewardsDomain(ctx)
	if err != nil {
		return nil, chainErr(err)
	}
	return contracts.SignEpochRoot(c.operatorKey, d, contracts.EpochRoot{
		Epoch: p.Epoch, Root: p.Root, Emission: p.Emission, RevenueShare: p.RevenueShare,
	})
}

// signManifest signs a dataset's manifest (dataset.Manifest.Digest) after
// building it from this member's own replica: Root carries the digest the
// leader computed.
func (c *Coordinator) signManifest(ctx context.Context, sr signRequest) ([]byte, error) {
	m, err := c.unsignedManifest(ctx, sr.DatasetID)
	if err != nil {
		return nil, err
	}
	d, err := m.Digest()
	if err != nil {
		return nil, err
	}
	if common.Hash(d) != sr.Root {
		return nil, fmt.Errorf("%w: dataset %s: this member's manifest digest is %s, asked to sign %s", state.ErrConflict, sr.DatasetID, common.Hash(d).Hex(), sr.Root.Hex())
	}
	return crypto.Sign(d[:], c.operatorKey)
}

func (c *Coordinator) signDataset(ctx context.Context, sr signRequest) ([]byte, error) {
	d, err := c.Dataset(sr.DatasetID)
	if err != nil {
		return nil, err
	}
	if !d.Complete || common.Hash(d.Root) != sr.Root || uint64(d.Rows) != sr.Rows {
		return nil, fmt.Errorf("%w: dataset %s: this member holds root %s with %d rows (complete %v); asked to sign %s with %d",
			state.ErrConflict, d.ID, common.Hash(d.Root).Hex(), d.Rows, d.Complete, sr.Root.Hex(), sr.Rows)
	}
	dom, err := c.chain.DatasetsDomain(ctx)
	if err != nil {
		return nil, chainErr(err)
	}
	return contracts.SignDataset(c.operatorKey, dom, contracts.Dataset{ID: contracts.DatasetKey(d.ID), Root: sr.Root, Rows: sr.Rows})
}

// waitApplied waits until this member's state holds the command at index.
func (c *Coordinator) waitApplied(ctx context.Context, index uint64) error {
	deadline := time.Now().Add(c.timeout(ctx))
	for c.StateIndex() < index {
		if time.Now().After(deadline) {
			return fmt.Errorf("%w: state index %d, waiting for %d", ErrTimeout, c.StateIndex(), index)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(5 * time.Millisecond):
		}
	}
	return nil
}

// handleSign serves POST /v1/cluster/sign for the leader.
func (c *Coordinator) handleSign(ctx *fasthttp.RequestCtx) {
	if !ctx.IsPost() {
		c.reply(ctx, nil, errMethod)
		return
	}
	var sr signRequest
	if err := decodeBody(ctx, &sr); err != nil {
		c.reply(ctx, nil, err)
		return
	}
	rctx, cancel := context.WithTimeout(context.Background(), c.cfg.ApplyTimeout)
	defer cancel()
	r, err := c.sign(rctx, sr)
	c.reply(ctx, r, err)
}

// registerDatasets is a leader duty. Every complete dataset with rows gets
// its manifest signed by the members as soon as it completes, so that a
// buyer can check the manifest against the registry's operators before
// paying. Its root goes to the chain's registry only once the job is paid
// (or costs nothing): a post costs the operators about 85,000 gas, and a
// job is paid after it is done, so posting every completed dataset would
// let anyone with a throwaway key spend the operators' ether by submitting
// jobs it never pays for (docs/ARCHITECTURE.md, "Dataset registry").
func (c *Coordinator) registerDatasets(ctx context.Context) {
	if c.chain == nil {
		return
	}
	every(ctx, c.cfg.ChainPoll, func(ctx context.Context) {
		// Manifests to sign first: they need no chain, so a post that keeps
		// failing (the operator key's gas) does not hold them back.
		var sign, post []state.Dataset
		c.fsm.read(func(st *state.State) {
			for _, id := range sortedIDs(st.Datasets) {
				d := st.Datasets[id]
				switch waits, paid := awaitingRegistry(st, d); {
				case waits && paid:
					post = append(post, *d)
				case waits && len(d.Signatures) == 0:
					sign = append(sign, *d)
				}
			}
		})
		for i, d := range slices.Concat(sign, post) {
			if err := c.postDataset(ctx, d, i >= len(sign)); err != nil {
				c.log.Warn("post dataset root", "dataset", d.ID, "err", err)
				return
			}
		}
	})
}

// awaitingRegistry says whether a dataset's root is still to be posted to
// the registry (it is complete, has rows, and is not recorded as posted),
// and whether its job is paid, or costs nothing, so that it may be.
func awaitingRegistry(st *state.State, d *state.Dataset) (waits, paid bool) {
	if !d.Complete || d.Rows == 0 || d.ChainTx != (common.Hash{}) {
		return false, false
	}
	j, ok := st.Jobs[d.JobID]
	return true, ok && !j.Unpaid()
}

// postDataset records the members' signatures of a dataset's manifest and,
// when post is set, posts its root to the registry, or records the post
// when the registry already holds the same root (an earlier post not
// recorded). Signatures already recorded are kept.
func (c *Coordinator) postDataset(ctx context.Context, d state.Dataset, post bool) error {
	var tx common.Hash
	if post {
		key := contracts.DatasetKey(d.ID)
		root, _, ok, err := c.chain.DatasetRoot(ctx, key)
		if err != nil {
			return err
		}
		switch {
		case ok && root != common.Hash(d.Root):
			return fmt.Errorf("the registry holds root %s for it, not %s", root.Hex(), common.Hash(d.Root).Hex())
		case ok:
			tx = key // posted before; the transaction is not known here
		default:
			sigs, _, err := c.gatherSignatures(ctx, signRequest{
				Kind: signDataset, Index: c.StateIndex(), DatasetID: d.ID, Root: common.Hash(d.Root), Rows: uint64(d.Rows),
			})
			if err != nil {
				return err
			}
			rcpt, err := c.chain.PostDataset(ctx, c.operatorKey, contracts.Dataset{ID: key, Root: common.Hash(d.Root), Rows: uint64(d.Rows)}, sigs)
			if err != nil {
				return err
			}
			tx = rcpt.TxHash
			c.log.Info("dataset root posted", "dataset", d.ID, "root", common.Hash(d.Root).Hex(), "tx", tx.Hex())
		}
	}
	sigs := d.Signatures
	if len(sigs) == 0 {
		var err error
		if sigs, err = c.manifestSignatures(ctx, d.ID); err != nil {
			return err
		}
	}
	_, err := c.propose(ctx, MsgDatasetPosted, datasetPostedCmd{ID: d.ID, Root: d.Root, Tx: tx, Signatures: sigs})
	return err
}

// manifestSignatures gathers the members' signatures of a dataset's
// manifest, each built by the member from its own replica.
func (c *Coordinator) manifestSignatures(ctx context.Context, id string) ([]state.ManifestSignature, error) {
	m, err := c.unsignedManifest(ctx, id)
	if err != nil {
		return nil, err
	}
	d, err := m.Digest()
	if err != nil {
		return nil, err
	}
	sigs, signers, err := c.gatherSignatures(ctx, signRequest{Kind: signManifest, Index: c.StateIndex(), DatasetID: id, Root: common.Hash(d)})
	if err != nil {
		return nil, err
	}
	out := make([]state.ManifestSignature, len(sigs))
	for i := range sigs {
		out[i] = state.ManifestSignature{Signer: signers[i], Signature: sigs[i]}
	}
	return out, nil
}

// nodeRewardsClaimed is NodeRewards with what the distributor has already
// paid the node, read from the chain when this member has one: a client
// without chain access (the browser extension) needs it to sign a relayed
// claim, whose fee is a share of what the claim pays now. A chain that
// cannot be read leaves the fields out rather than failing the read: the
// rest of the answer is still true, and the popup shows it.
func (c *Coordinator) nodeRewardsClaimed(ctx context.Context, addr string) (api.NodeRewards, error) {
	r, err := c.NodeRewards(addr)
	if err != nil || c.chain == nil || (r.Meadow == "0" && r.Stable == "0") {
		return r, err // no leaf (a one-leaf tree has an empty proof): nothing paid
	}
	if m, s, ok := c.claimed.get(r.Address, time.Now()); ok {
		r.ClaimedMeadow, r.ClaimedStable = m, s
		return r, nil
	}
	m, s, err := c.chain.Claimed(ctx, r.Address)
	if err != nil {
		c.log.Warn("reading what the distributor paid a node", "node", r.Address.Hex(), "err", err)
		return r, nil
	}
	r.ClaimedMeadow, r.ClaimedStable = m.String(), s.String()
	c.claimed.put(r.Address, r.ClaimedMeadow, r.ClaimedStable, time.Now())
	return r, nil
}

// claimedCache keeps what the distributor paid each node for a few
// seconds: GET /v1/node/{address}/rewards is public and polled (the
// extension's popup reads it every 15 s), and each answer would otherwise
// cost the chain endpoint a call. A claim this member relays drops the
// account's entry; one relayed elsewhere shows within claimedTTL.
type claimedCache struct {
	mu      sync.Mutex
	entries map[common.Address]claimedEntry
}

type claimedEntry struct {
	meadow, stable string
	at             time.Time
}

const (
	claimedTTL        = 5 * time.Second
	claimedMaxEntries = 10_000
)

func (cc *claimedCache) get(a common.Address, now time.Time) (meadow, stable string, ok bool) {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	e, ok := cc.entries[a]
	if !ok || now.Sub(e.at) >= claimedTTL || now.Before(e.at) {
		return "", "", false
	}
	return e.meadow, e.stable, true
}

func (cc *claimedCache) put(a common.Address, meadow, stable string, now time.Time) {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	if cc.entries == nil || len(cc.entries) >= claimedMaxEntries {
		cc.entries = map[common.Address]claimedEntry{} // bounded: start over
	}
	cc.entries[a] = claimedEntry{meadow: meadow, stable: stable, at: now}
}

func (cc *claimedCache) drop(a common.Address) {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	delete(cc.entries, a)
}

// NodeRewards describes what a node earned and the proof of its latest
// cumulative balance.
func (c *Coordinator) NodeRewards(addr string) (api.NodeRewards, error) {
	a, err := rewards.ParseAddress(addr)
	if err != nil {
		return api.NodeRewards{}, invalidf("address %q: expected 0x and 40 hex digits", addr)
	}
	out := api.NodeRewards{Address: common.Address(a), Meadow: "0", Stable: "0", Proof: []common.Hash{}, History: []api.EpochPayout{}}
	// The reward tree is built once per posted epoch and kept: treeMu is
	// held across the read so that the tree and the balance are the same
	// epoch's.
	c.treeMu.Lock()
	defer c.treeMu.Unlock()
	var (
		leaves []rewards.Leaf
		inTree bool
	)
	c.fsm.read(func(st *state.State) {
		if n, ok := st.Nodes[a.String()]; ok {
			out.Units, out.PendingUnits = n.Units, n.PendingUnits
		}
		r := &st.Rewards
		out.Epoch = r.Epoch
		if len(r.Epochs) > 0 {
			out.Root = r.Epochs[len(r.Epochs)-1].Root
		}
		if b, ok := r.Balances[a]; ok {
			out.Meadow, out.Stable, inTree = b.Meadow.String(), b.Stable.String(), true
			if c.tree == nil || c.treeEpoch != r.Epoch {
				leaves = st.Leaves()
			}
		}
		for _, e := range r.Epochs {
			i, found := slices.BinarySearchFunc(e.Payouts, a, func(p rewards.Payout, t rewards.Address) int {
				return bytes.Compare(p.Account[:], t[:])
			})
			if found {
				p := e.Payouts[i]
				h := api.EpochPayout{
					Epoch: e.Epoch, Units: p.Units, Meadow: p.Meadow.String(), Stable: p.Stable.String(), Tx: e.Tx,
				}
				if p.Referral != nil {
					h.Referral = p.Referral.String()
				}
				out.History = append(out.History, h)
			}
		}
		if _, ok := st.Nodes[a.String()]; !ok {
			// A node of another work group (settled here, by the
			// settling group): its units as settled; what it has pending
			// is its own group's.
			for _, h := range out.History {
				out.Units += h.Units
			}
		}
	})
	if !inTree {
		return out, nil
	}
	if leaves != nil {
		t, err := rewards.BuildTree(leaves)
		if err != nil {
			return api.NodeRewards{}, fmt.Errorf("coord: reward tree of epoch %d: %w", out.Epoch, err)
		}
		c.tree, c.treeEpoch = t, out.Epoch
	}
	proof, err := c.tree.Proof(a)
	if err != nil {
		return api.NodeRewards{}, err
	}
	for _, h := range proof {
		out.Proof = append(out.Proof, common.Hash(h))
	}
	return out, nil
}
