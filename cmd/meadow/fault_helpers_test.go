//go:build !nodeonly

package main

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"crypto/ecdsa"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math/big"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/contracts"
	"github.com/meadow-net/meadow/coord"
	"github.com/meadow-net/meadow/coord/blob"
	"github.com/meadow-net/meadow/coord/coordtest"
	"github.com/meadow-net/meadow/dataset"
	"github.com/meadow-net/meadow/devnet"
	"github.com/meadow-net/meadow/node"
)

// The fault suite (issue 17): real `meadow coord` processes, settling on a
// chain served over JSON-RPC, under concurrent signed writes of every kind
// (registrations, job submits, and work, commit, reveal and upload of real
// signed blobs as a node sends them) and the buyer's payments on the chain,
// a fault, and then a check
// that every acknowledged write is in the state, none is doubled, every
// member holds the same state at the same index (GET /v1/cluster/digest),
// and no write was blocked longer than the election plus 2 s.

// faultWrite is one write call as its client saw it, retries included.
type faultWrite struct {
	kind       string
	start, end time.Time
	err        error
}

// faultSuite is a cluster of coordinator processes and its load.
type faultSuite struct {
	t    *testing.T
	bin  string
	cl   *cpCluster
	acks *cpAcks
	site *httptest.Server

	// chain is the network's chain (go-ethereum's simulated backend over
	// JSON-RPC, the contracts deployed); the members settle on it and
	// the buyer pays its jobs there.
	chain   *devnet.Chain
	chainID uint64
	// paid is what the chain confirmed of the buyer's payments, by job
	// (under acks.mu); payments counts them.
	paid     map[string]*big.Int
	payments atomic.Int64
	due      map[string]*big.Int // job → what is left to pay (the payer's)

	workers, newcomers []*cpNode
	nextNewcomer       atomic.Int64
	buyer              *node.Client
	submits            atomic.Int64 // job submit calls made, each one envelope

	mu     sync.Mutex
	writes []faultWrite

	stopLoad context.CancelFunc
	wg       sync.WaitGroup
}

// faultResult is one scenario's figures.
type faultResult struct {
	scenario           string
	acked, failed      int
	lost, dup, diverge int
	uploads, payments  int            // acknowledged uploads and confirmed payments, in all
	kinds              map[string]int // acknowledged writes during the scenario, by kind
	blocked, election  time.Duration
	blockedKind        string
}

func (r faultResult) String() string {
	goal := r.election + 2*time.Second
	return fmt.Sprintf("scenario=%q acknowledged=%d (uploads %d) payments=%d failed=%d lost=%d duplicated=%d diverged=%d longest_blocked=%s (%s) election=%s goal=%s goal_met=%t",
		r.scenario, r.acked, r.uploads, r.payments, r.failed, r.lost, r.dup, r.diverge, r.blocked.Round(time.Millisecond), r.blockedKind,
		r.election.Round(time.Millisecond), goal.Round(time.Millisecond), r.blocked <= goal) + " kinds=" + fmt.Sprint(r.kinds)
}

// newFaultSuite builds meadow, starts three members and registers the
// worker nodes.
func newFaultSuite(t *testing.T, workers, newcomers int) *faultSuite {
	t.Helper()
	s := &faultSuite{t: t, bin: cpBuild(t), acks: newCPAcks()}
	s.site = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("the crawl target was fetched: %s", r.URL)
	}))
	t.Cleanup(s.site.Close)
	s.startChain()
	s.cl = cpStartClusterWith(t, s.bin, 3, s.chainFlags)
	for i := range workers {
		n := cpNewNodeOn(t, s.cl.urls(), fmt.Sprintf("127.0.%d.1", i+1), s.chainID)
		n.register(t, s.acks)
		s.workers = append(s.workers, n)
	}
	for i := range newcomers {
		s.newcomers = append(s.newcomers, cpNewNodeOn(t, s.cl.urls(), fmt.Sprintf("127.0.%d.%d", 20+i%200, 1+i/200), s.chainID))
	}
	// The buyer is the chain's funded one: it pays for its done jobs.
	s.buyer = cpClientOn(t, s.cl.urls(), s.chain.Buyer, nil, s.chainID)
	s.submit(context.Background())
	if len(s.acks.jobs) == 0 {
		t.Fatal("the first job submit failed")
	}
	t.Cleanup(s.stop)
	return s
}

func (s *faultSuite) record(kind string, start time.Time, err error) {
	s.mu.Lock()
	s.writes = append(s.writes, faultWrite{kind: kind, start: start, end: time.Now(), err: err})
	s.mu.Unlock()
}

// submit sends one crawl job of 4 tasks, timed.
func (s *faultSuite) submit(ctx context.Context) {
	i := s.submits.Add(1)
	start := time.Now()
	urls := []string{}
	for j := range 4 {
		urls = append(urls, fmt.Sprintf("%s/f/%d/%d", s.site.URL, i, j))
	}
	err := cpSubmit(ctx, s.buyer, s.acks, urls)
	if ctx.Err() == nil {
		s.record("job submit", start, err)
	}
}

// start starts the load: each worker leases, commits and reveals; one
// newcomer after another registers; the buyer submits jobs.
func (s *faultSuite) start() {
	ctx, cancel := context.WithCancel(context.Background())
	s.stopLoad = cancel
	for _, n := range s.workers {
		s.wg.Go(func() { s.work(ctx, n) })
	}
	s.wg.Go(func() {
		for ctx.Err() == nil {
			i := int(s.nextNewcomer.Add(1)) - 1
			if i >= len(s.newcomers) {
				return
			}
			start := time.Now()
			err := s.newcomers[i].tryRegister(ctx, s.acks)
			if ctx.Err() == nil {
				s.record("register", start, err)
			}
			s.pause(ctx, 40*time.Millisecond)
		}
	})
	s.wg.Go(func() {
		for ctx.Err() == nil {
			s.submit(ctx)
			s.pause(ctx, 150*time.Millisecond)
		}
	})
	s.wg.Go(func() { s.pay(ctx) })
}

// stop stops the load and waits for the writers.
func (s *faultSuite) stop() {
	if s.stopLoad != nil {
		s.stopLoad()
	}
	s.wg.Wait()
}

func (s *faultSuite) pause(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}

// work is cpNode.work with every call timed.
func (s *faultSuite) work(ctx context.Context, n *cpNode) {
	for ctx.Err() == nil {
		start := time.Now()
		wr, err := n.c.Work(ctx, api.WorkRequest{MaxTasks: 2})
		if ctx.Err() != nil {
			return
		}
		s.record("work", start, err)
		if err != nil {
			s.acks.failed.Add(1)
			s.pause(ctx, 50*time.Millisecond)
			continue
		}
		if len(wr.Leases) == 0 {
			s.pause(ctx, min(time.Duration(wr.RetryAfter)*time.Millisecond, 100*time.Millisecond))
			continue
		}
		for _, l := range wr.Leases {
			s.acks.granted(n, l)
		}
		for _, u := range wr.Uploads {
			s.upload(ctx, n, u.TaskID, u.LeaseID)
		}
		for _, l := range wr.Leases {
			blob, hs := faultBlob(s.t, n, l.Task)
			n.blobs.Store(l.ID, blob)
			cm := api.Commitment{TaskID: l.Task.ID, LeaseID: l.ID, Root: cpRoot(hs), Rows: int64(len(hs))}
			start := time.Now()
			_, err := n.c.Commit(ctx, cm)
			if ctx.Err() != nil {
				return
			}
			s.record("commit", start, err)
			if err != nil {
				s.acks.failed.Add(1)
				continue
			}
			s.acks.committed(l.ID, cm)
			start = time.Now()
			rr, err := n.c.Reveal(ctx, api.Reveal{TaskID: l.Task.ID, LeaseID: l.ID, RowHashes: hs})
			if ctx.Err() != nil {
				return
			}
			s.record("reveal", start, err)
			if err != nil {
				s.acks.failed.Add(1)
				continue
			}
			s.acks.revealed(l.ID, rr.UploadRequested)
			if rr.UploadRequested {
				s.upload(ctx, n, l.Task.ID, l.ID)
			}
		}
	}
}

// upload sends the blob of n's lease, timed; the coordinator keeps it once
// it holds every accepted row, on a majority of members before it answers.
func (s *faultSuite) upload(ctx context.Context, n *cpNode, task, lease string) {
	b, ok := n.blobs.Load(lease)
	if !ok {
		s.t.Errorf("node %s was asked to upload lease %s, which it was never granted", n.addr, lease)
		return
	}
	blob := b.([]byte)
	sum := sha256.Sum256(blob)
	start := time.Now()
	ur, err := n.c.Upload(ctx, api.Upload{TaskID: task, LeaseID: lease, SHA256: api.Hash(sum), Size: int64(len(blob))},
		func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(blob)), nil })
	if ctx.Err() != nil {
		return
	}
	s.record("upload", start, err)
	if err != nil {
		s.acks.failed.Add(1)
		return
	}
	s.acks.mu.Lock()
	s.acks.uploads[task] = faultUpload{sha: api.Hash(sum), rows: ur.Rows}
	s.acks.mu.Unlock()
}

// faultBlob is n's answer to a crawl task without fetching anything: a row
// per URL whose text depends on the URL alone, so that every replica's
// content rows agree, signed by n as a node signs its rows. It returns the
// Arrow IPC stream and the rows' content hashes.
func faultBlob(t *testing.T, n *cpNode, task api.Task) ([]byte, []api.Hash) {
	t.Helper()
	if task.Crawl == nil {
		t.Fatalf("task %s is not a crawl task", task.ID)
	}
	sc, err := dataset.CrawlSchema(nil)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	w, err := dataset.NewWriter(&buf, dataset.FormatArrowStream, sc)
	if err != nil {
		t.Fatal(err)
	}
	h, err := dataset.NewHasher(sc)
	if err != nil {
		t.Fatal(err)
	}
	var hs []api.Hash
	for _, u := range task.Crawl.URLs {
		row := dataset.CrawlRow(sc, dataset.Page{URL: u, FinalURL: u, Status: 200, ContentType: "text/html", Text: "the fault suite's page at " + u},
			dataset.Provenance{Node: n.addr, FetchedAt: time.Now().UnixMilli()})
		if err := dataset.SignRows(sc, []dataset.Row{row}, n.key); err != nil {
			t.Fatal(err)
		}
		hh, err := h.Hash(row)
		if err != nil {
			t.Fatal(err)
		}
		hs = append(hs, api.Hash(hh))
		if err := w.Write(row); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), hs
}

// checkUploads reads every acknowledged upload's blob from every member's
// own disk (GET /v1/blobs/{sha256} with the cluster token, as a peer reads)
// and returns how many a majority of members does not hold: an upload is
// acknowledged once a majority stores it. Every member must come to hold
// every blob within 60 s (background pushes, blob repair).
func (s *faultSuite) checkUploads(scenario string) int {
	s.t.Helper()
	s.acks.mu.Lock()
	ups := maps.Clone(s.acks.uploads)
	s.acks.mu.Unlock()
	procs := s.cl.running()
	held := func(base string, sha api.Hash) bool {
		req, err := http.NewRequest(http.MethodGet, base+blob.PathPrefix+sha.String(), nil)
		if err != nil {
			s.t.Fatal(err)
		}
		req.Header.Set(blob.TokenHeader, cpClusterToken)
		resp, err := cpHTTP.Do(req)
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		h := sha256.New()
		if _, err := io.Copy(h, resp.Body); err != nil || resp.StatusCode != http.StatusOK {
			return false
		}
		return api.Hash(h.Sum(nil)) == sha
	}
	// Every member should come to hold every blob (background pushes,
	// and blob repair for a member that lost some); a majority must hold
	// each at once.
	holders := map[string]int{}
	deadline := time.Now().Add(60 * time.Second * coordtest.Scale())
	for {
		for task, u := range ups {
			if holders[task] == len(procs) {
				continue
			}
			n := 0
			for _, p := range procs {
				if held(p.url(), u.sha) {
					n++
				}
			}
			holders[task] = n
		}
		all := true
		for task := range ups {
			all = all && holders[task] == len(procs)
		}
		if all || time.Now().After(deadline) {
			break
		}
		time.Sleep(500 * time.Millisecond)
	}
	lost, everywhere := 0, 0
	for _, task := range slices.Sorted(maps.Keys(ups)) {
		u, n := ups[task], holders[task]
		if n == len(procs) {
			everywhere++
		}
		if n < len(procs)/2+1 {
			lost++
			s.t.Errorf("%s: the upload of task %s (blob %s, %d rows) was acknowledged; %d of %d members hold it", scenario, task, u.sha, u.rows, n, len(procs))
		}
	}
	if everywhere < len(ups) {
		s.t.Errorf("%s: %d of %d acknowledged blobs are not on every member after 60 s: a member that lost them did not fetch them back", scenario, len(ups)-everywhere, len(ups))
	}
	s.t.Logf("%s: %d acknowledged uploads, %d held by every member, %d by fewer than a majority", scenario, len(ups), everywhere, lost)
	return lost
}

// startChain starts the suite's chain: three operators, two of whom sign.
func (s *faultSuite) startChain() {
	t := s.t
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute*coordtest.Scale())
	defer cancel()
	ch, err := devnet.StartChain(ctx, 3, 2)
	if err != nil {
		t.Fatal(err)
	}
	// The members count a payment once a block follows it
	// (--chain-confirmations 1). The in-process chain mines only when a
	// transaction waits, so after the load's last payment of a scenario no
	// block would come; a real chain keeps making them. So does this one,
	// one a second, for as long as the suite runs.
	blocks, stop := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(blocks)
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				ch.Mine()
			}
		}
	}()
	t.Cleanup(func() { close(stop); <-blocks; ch.Close() })
	id, err := ch.ChainID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	s.chain, s.chainID, s.paid, s.due = ch, id.Uint64(), map[string]*big.Int{}, map[string]*big.Int{}
}

// chainFlags points member i at the chain with operator and relayer keys
// of its own, as an operator deploys one.
func (s *faultSuite) chainFlags(i int, p *cpProc) {
	t := s.t
	dir := t.TempDir()
	keyFile := func(name string, k *ecdsa.PrivateKey) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(hex.EncodeToString(crypto.FromECDSA(k))+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	a := s.chain.Addrs
	p.chainID = s.chainID
	p.extra = []string{"--chain-rpc", s.chain.RPC, "--distributor", a.Distributor.Hex(), "--registry", a.Registry.Hex(),
		"--deploy-block", strconv.FormatUint(a.DeployBlock, 10),
		"--operator-key", keyFile("operator.key", s.chain.Operators[i]), "--relayer-key", keyFile("relayer.key", s.chain.Relayers[i]),
		"--chain-confirmations", "1", "--chain-poll", "100ms"}
}

// pay pays the buyer's done jobs on the chain, each in two installments,
// one payment at a time, and records what the chain confirmed. Payments
// are the chain's writes, not the cluster's: they are not timed as client
// writes, and are checked as paid amounts on every member (checkPayments).
func (s *faultSuite) pay(ctx context.Context) {
	due := s.due
	for ctx.Err() == nil {
		s.acks.mu.Lock()
		jobs := slices.Sorted(maps.Keys(s.acks.jobs))
		s.acks.mu.Unlock()
		for _, id := range jobs {
			if ctx.Err() != nil {
				return
			}
			left, seen := due[id]
			if !seen {
				var st api.JobStatus
				code, body, err := cpSignedGet(s.cl.urls()[rand.IntN(len(s.cl.urls()))], "/v1/jobs/"+id, s.buyer)
				if err != nil || code != http.StatusOK || json.Unmarshal(body, &st) != nil || st.State != api.JobDone {
					continue
				}
				price, ok := new(big.Int).SetString(st.Price, 10)
				if !ok || price.Sign() <= 0 {
					s.t.Errorf("job %s is done with price %q: want a positive price on a network with a chain", id, st.Price)
					due[id] = new(big.Int)
					continue
				}
				left = price
				due[id] = left
			}
			if left.Sign() == 0 {
				continue
			}
			amount := new(big.Int).Set(left) // the second installment: the rest
			if s.paid[id] == nil {
				amount.Div(left, big.NewInt(2)) // the first: half
			}
			if amount.Sign() == 0 {
				amount.Set(left)
			}
			// A payment sent is seen through, even when the load stops
			// meanwhile: the chain would count one the test did not.
			pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute*coordtest.Scale())
			_, err := s.chain.Pay(pctx, s.chain.Buyer, contracts.JobKey(id), amount)
			cancel()
			if err != nil {
				s.t.Errorf("pay %s for job %s: %v", amount, id, err)
				return
			}
			left.Sub(left, amount)
			s.acks.mu.Lock()
			if s.paid[id] == nil {
				s.paid[id] = new(big.Int)
			}
			s.paid[id].Add(s.paid[id], amount)
			s.acks.mu.Unlock()
			s.payments.Add(1)
			s.pause(ctx, 100*time.Millisecond)
		}
		s.pause(ctx, 200*time.Millisecond)
	}
}

// checkPayments waits until every member's state counts, for every job,
// exactly what the chain confirmed the buyer paid for it, and returns how
// many jobs fall short (lost) and how many count more (duplicated) when
// the wait is over.
func (s *faultSuite) checkPayments(scenario string) (lost, dup int) {
	s.t.Helper()
	s.acks.mu.Lock()
	want := map[string]*big.Int{}
	for id, v := range s.paid {
		want[id] = new(big.Int).Set(v)
	}
	s.acks.mu.Unlock()
	var short, over []string
	for range 60 {
		short, over = nil, nil
		for _, p := range s.cl.running() {
			for _, id := range slices.Sorted(maps.Keys(want)) {
				var st api.JobStatus
				code, body, err := cpSignedGet(p.url(), "/v1/jobs/"+id, s.buyer)
				if err != nil || code != http.StatusOK || json.Unmarshal(body, &st) != nil {
					short = append(short, fmt.Sprintf("%s: job %s: unreadable (%d %v)", p.id, id, code, err))
					continue
				}
				got, _ := new(big.Int).SetString(cmp.Or(st.Paid, "0"), 10)
				switch c := got.Cmp(want[id]); {
				case c < 0:
					short = append(short, fmt.Sprintf("%s: job %s paid %s, the chain confirmed %s", p.id, id, got, want[id]))
				case c > 0:
					over = append(over, fmt.Sprintf("%s: job %s paid %s, the chain confirmed %s", p.id, id, got, want[id]))
				}
			}
		}
		if len(short) == 0 && len(over) == 0 {
			break
		}
		time.Sleep(250 * time.Millisecond)
	}
	for _, l := range short {
		s.t.Errorf("%s: payment lost: %s", scenario, l)
	}
	for _, l := range over {
		s.t.Errorf("%s: payment counted twice: %s", scenario, l)
	}
	s.t.Logf("%s: %d payments confirmed on chain for %d jobs; every member counts them exactly: %t", scenario, s.payments.Load(), len(want), len(short)+len(over) == 0)
	return len(short), len(over)
}

// faultUpload is an acknowledged upload: the blob's hash and the rows the
// coordinator kept.
type faultUpload struct {
	sha  api.Hash
	rows int64
}

// acked waits until the load has had n more acknowledged writes than now.
func (s *faultSuite) ackedMore(n int, what string) {
	s.t.Helper()
	base := s.ackedSince(time.Time{})
	coordtest.WaitFor(s.t, 60*time.Second*coordtest.Scale(), fmt.Sprintf("%d acknowledged writes %s", n, what), func() bool {
		return s.ackedSince(time.Time{}) >= base+n
	})
}

func (s *faultSuite) ackedSince(from time.Time) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, w := range s.writes {
		if w.err == nil && !w.start.Before(from) {
			n++
		}
	}
	return n
}

// others are the running members other than p.
func (s *faultSuite) others(p *cpProc) []*cpProc {
	var out []*cpProc
	for _, q := range s.cl.running() {
		if q != p {
			out = append(out, q)
		}
	}
	return out
}

// waitLeaderAmong waits until one of ps says it leads and returns it with
// the time since from.
func (s *faultSuite) waitLeaderAmong(ps []*cpProc, from time.Time) (*cpProc, time.Duration) {
	s.t.Helper()
	var leader *cpProc
	var took time.Duration
	coordtest.WaitFor(s.t, 60*time.Second*coordtest.Scale(), "a member to lead", func() bool {
		for _, p := range ps {
			var st coord.Status
			if cpGetJSON(p.url(), "/v1/cluster/status", &st) == nil && st.State == "Leader" && st.ID == p.id {
				leader, took = p, time.Since(from)
				return true
			}
		}
		return false
	})
	return leader, took
}

// killLeader SIGKILLs the leader, measures the election among the others
// and restarts the killed member from its data dir.
func (s *faultSuite) killLeader() time.Duration {
	s.t.Helper()
	old := s.cl.leader(s.t)
	at := time.Now()
	old.kill(s.t)
	_, election := s.waitLeaderAmong(s.others(old), at)
	s.t.Logf("SIGKILL leader %s: a new leader after %s", old.id, election.Round(time.Millisecond))
	s.ackedMore(20, "under the new leader")
	old.start(s.t)
	s.cl.waitMembers(s.t)
	return election
}

// stallLeader stops the leader with SIGSTOP for d, measures the election
// and continues it.
func (s *faultSuite) stallLeader(d time.Duration) time.Duration {
	s.t.Helper()
	old := s.cl.leader(s.t)
	s.t.Cleanup(func() {
		if old.running() {
			_ = old.cmd.Process.Signal(syscall.SIGCONT)
		}
	})
	at := time.Now()
	if err := old.cmd.Process.Signal(syscall.SIGSTOP); err != nil {
		s.t.Fatal(err)
	}
	_, election := s.waitLeaderAmong(s.others(old), at)
	s.t.Logf("SIGSTOP leader %s for %s: a new leader after %s", old.id, d, election.Round(time.Millisecond))
	time.Sleep(time.Until(at.Add(d))) // the stall itself is the scenario, not a wait for a condition
	if err := old.cmd.Process.Signal(syscall.SIGCONT); err != nil {
		s.t.Fatal(err)
	}
	s.ackedMore(20, "after SIGCONT")
	s.cl.waitMembers(s.t)
	return election
}

// scenario runs fault under load and checks the cluster after it. The goal
// on blocking is the election time plus 2 s, over every write that ended
// after the fault began; fault returns the election time. A write blocked
// past the goal is logged, and fails the test.
func (s *faultSuite) scenario(name string, fault func() time.Duration) faultResult {
	s.t.Helper()
	s.start()
	s.ackedMore(30, "before "+name)
	from := time.Now()
	election := fault()
	s.ackedMore(20, "after "+name)
	s.stop()
	r := faultResult{scenario: name, election: election, kinds: map[string]int{}}
	s.mu.Lock()
	for _, w := range s.writes {
		if w.end.Before(from) {
			continue
		}
		if w.err != nil {
			r.failed++
			// A fault may cost a write its answer (api.ErrAnswerLost)
			// or every try; it must never turn it into a refusal of
			// the request itself, which the client does not retry.
			var re *api.RemoteError
			if errors.As(w.err, &re) && re.Status >= 400 && re.Status < 500 && re.Code != api.CodeReplayed {
				s.t.Errorf("%s: a %s was refused as a bad request during the fault: %v", name, w.kind, w.err)
			}
			if r.failed <= 5 {
				s.t.Logf("%s: a %s started %s after the fault failed after %s: %v", name, w.kind,
					w.start.Sub(from).Round(time.Millisecond), w.end.Sub(w.start).Round(time.Millisecond), w.err)
			}
		} else if !w.start.Before(from) {
			r.acked++
			r.kinds[w.kind]++
		}
		d := w.end.Sub(w.start)
		if d > r.blocked {
			r.blocked, r.blockedKind = d, w.kind
		}
		if d > election+2*time.Second {
			s.t.Logf("%s: a %s started %s after the fault was blocked %s (err %v)", name, w.kind,
				w.start.Sub(from).Round(time.Millisecond), d.Round(time.Millisecond), w.err)
		}
	}
	s.mu.Unlock()
	s.check(&r)
	s.t.Logf("FAULT %s", r)
	if r.lost != 0 || r.dup != 0 || r.diverge != 0 {
		s.t.Errorf("%s: %d lost, %d duplicated, %d diverged; want none", name, r.lost, r.dup, r.diverge)
	}
	if bound := r.election + 2*time.Second; r.blocked > bound {
		s.t.Errorf("%s: a %s was blocked %s, want at most the election time plus 2 s (%s)", name, r.blockedKind,
			r.blocked.Round(time.Millisecond), bound.Round(time.Millisecond))
	}
	return r
}

// check fills in lost, duplicated and diverged, with the load stopped: the
// members' digests are compared at one state index; every acknowledged
// write is read back from every member's own state (faultCheckAcked); and
// the leader's job count and the acknowledged leases are compared with the
// calls made.
func (s *faultSuite) check(r *faultResult) {
	s.t.Helper()
	leader := s.cl.leader(s.t)
	r.diverge = s.diverged()
	for _, p := range s.cl.running() {
		lost := faultCheckAcked(s.t, p.url(), p == leader, s.acks)
		if len(lost) > 0 {
			s.t.Errorf("%s: %s: %d acknowledged writes lost:\n  %s", r.scenario, p.id, len(lost), strings.Join(lost[:min(len(lost), 40)], "\n  "))
		}
		r.lost = max(r.lost, len(lost))
	}
	r.lost = max(r.lost, s.checkUploads(r.scenario))
	s.acks.mu.Lock()
	r.uploads = len(s.acks.uploads)
	s.acks.mu.Unlock()
	r.payments = int(s.payments.Load())
	payLost, payDup := s.checkPayments(r.scenario)
	r.lost, r.dup = max(r.lost, payLost), r.dup+payDup
	jobs, err := faultMetricSum(leader.url(), "meadow_jobs{")
	if err != nil {
		s.t.Fatal(err)
	}
	s.acks.mu.Lock()
	if calls := s.submits.Load(); jobs > calls {
		s.t.Errorf("%s: %d jobs in the state from %d submit calls (one envelope each)", r.scenario, jobs, calls)
		r.dup += int(jobs - calls)
	}
	if jobs < int64(len(s.acks.jobs)) {
		s.t.Errorf("%s: %d jobs in the state, %d acknowledged", r.scenario, jobs, len(s.acks.jobs))
	}
	// A task is leased to a node once: two acknowledged leases of one task
	// for one node would be one grant applied twice.
	pairs := map[string]int{}
	for _, l := range s.acks.leases {
		pairs[l.task+" "+l.node]++
	}
	for p, n := range pairs {
		if n > 1 {
			s.t.Errorf("%s: task and node %s leased %d times", r.scenario, p, n)
			r.dup += n - 1
		}
	}
	s.acks.mu.Unlock()
}

// diverged waits until every running member reports the same state index
// (asking each with ?at= the leader's index) and returns how many members'
// digests differ from the leader's there.
func (s *faultSuite) diverged() int {
	s.t.Helper()
	var ds map[string]coord.Digest
	var leaderID string
	coordtest.WaitFor(s.t, 60*time.Second*coordtest.Scale(), "every member to report one state index", func() bool {
		leader := s.cl.leader(s.t)
		leaderID = leader.id
		ld, err := faultDigest(leader.url(), 0)
		if err != nil {
			return false
		}
		ds = map[string]coord.Digest{}
		for _, p := range s.cl.running() {
			d, err := faultDigest(p.url(), ld.StateIndex)
			if err != nil || d.StateIndex != ld.StateIndex {
				return false
			}
			ds[p.id] = d
		}
		return len(ds) == len(s.cl.procs)
	})
	n := 0
	for id, d := range ds {
		if d.Digest != ds[leaderID].Digest {
			s.t.Errorf("%s's state at index %d has digest %s, the leader %s's %s", id, d.StateIndex, d.Digest, leaderID, ds[leaderID].Digest)
			n++
		}
	}
	s.t.Logf("digests: %d members at state index %d, %d diverged", len(ds), ds[leaderID].StateIndex, n)
	return n
}

// faultDigest reads a member's GET /v1/cluster/digest?at=at with the
// cluster token.
func faultDigest(base string, at uint64) (coord.Digest, error) {
	var d coord.Digest
	req, err := http.NewRequest(http.MethodGet, base+"/v1/cluster/digest?at="+strconv.FormatUint(at, 10), nil)
	if err != nil {
		return d, err
	}
	req.Header.Set(blob.TokenHeader, cpClusterToken)
	resp, err := (&http.Client{Timeout: 15 * time.Second}).Do(req)
	if err != nil {
		return d, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		var b bytes.Buffer
		_, _ = b.ReadFrom(resp.Body)
		return d, fmt.Errorf("GET %s/v1/cluster/digest: %d %s", base, resp.StatusCode, bytes.TrimSpace(b.Bytes()))
	}
	return d, json.NewDecoder(resp.Body).Decode(&d)
}

// faultMetricSum sums a member's samples of the metrics whose lines start
// with prefix.
func faultMetricSum(base, prefix string) (int64, error) {
	code, body, err := cpGet(base, "/metrics")
	if err != nil || code != http.StatusOK {
		return 0, fmt.Errorf("GET %s/metrics: %d %v", base, code, err)
	}
	var sum float64
	sc := bufio.NewScanner(bytes.NewReader(body))
	for sc.Scan() {
		if line := sc.Text(); strings.HasPrefix(line, prefix) {
			_, v, _ := strings.Cut(line[strings.LastIndexByte(line, '}')+1:], " ")
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil {
				return 0, fmt.Errorf("metric line %q: %v", line, err)
			}
			sum += f
		}
	}
	return int64(sum), nil
}

// operator runs `meadow operator --coord base args...` with the token.
func (s *faultSuite) operator(base string, args ...string) (string, error) {
	cmd := exec.Command(s.bin, append([]string{"operator", "--coord", base}, args...)...)
	cmd.Env = append(cpEnviron(), "MEADOW_CLUSTER_TOKEN="+cpClusterToken)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// startRefused starts p and expects it to exit on its own, with a log
// line containing want.
func (s *faultSuite) startRefused(p *cpProc, want string) {
	s.t.Helper()
	p.spawn(s.t)
	select {
	case <-p.exited:
	case <-time.After(60 * time.Second * coordtest.Scale()):
		p.kill(s.t)
		s.t.Fatalf("%s started although its data dir is gone and its id is in the cluster:\n%s", p.id, p.tail(20))
	}
	p.down = true
	var ee *exec.ExitError
	if !errors.As(p.waitErr, &ee) || !strings.Contains(p.tail(10), want) {
		s.t.Fatalf("%s exited with %v, want a refusal naming %q:\n%s", p.id, p.waitErr, want, p.tail(20))
	}
}

// wipe removes a member's data dir, as a lost disk would.
func (s *faultSuite) wipe(p *cpProc) {
	s.t.Helper()
	if err := os.RemoveAll(p.dir); err != nil {
		s.t.Fatal(err)
	}
}

// faultCheckAcked reads every acknowledged write back from one member's own
// state (no ?consistent: the check is of that member's replica) and
// returns those it does not reflect, by name: node records (read with the
// cluster token, as operators see a node's address), jobs and their task
// counts (read as the buyer), and, on the leader (probe), one commitment
// per acknowledged lease that differs from the acknowledged one: a
// coordinator that holds the commitment refuses it as made once, one that
// lost it would take it. The caller has let every member reach the
// leader's state index.
func faultCheckAcked(t *testing.T, base string, probe bool, acks *cpAcks) []string {
	t.Helper()
	acks.mu.Lock()
	defer acks.mu.Unlock()
	var lost []string
	loss := func(format string, args ...any) { lost = append(lost, fmt.Sprintf(format, args...)) }
	for _, addr := range slices.Sorted(maps.Keys(acks.nodes)) {
		req, err := http.NewRequest(http.MethodGet, base+"/v1/node/"+addr, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set(blob.TokenHeader, cpClusterToken)
		var rec cpNodeRecord
		resp, err := cpHTTP.Do(req)
		if err == nil {
			if resp.StatusCode != http.StatusOK {
				err = fmt.Errorf("status %d", resp.StatusCode)
			} else {
				err = json.NewDecoder(resp.Body).Decode(&rec)
			}
			resp.Body.Close()
		}
		switch {
		case err != nil:
			loss("registration of node %s from %s: %v", addr, acks.nodes[addr], err)
		case rec.IP != acks.nodes[addr]:
			loss("registration of node %s from %s: the record says %q", addr, acks.nodes[addr], rec.IP)
		}
	}
	for _, id := range slices.Sorted(maps.Keys(acks.jobs)) {
		var st api.JobStatus
		code, body, err := cpSignedGet(base, "/v1/jobs/"+id, acks.buyer)
		if err == nil && code != http.StatusOK {
			err = fmt.Errorf("%d %s", code, bytes.TrimSpace(body))
		}
		if err == nil {
			err = json.Unmarshal(body, &st)
		}
		if err != nil {
			loss("job %s: %v", id, err)
		} else if got := st.Progress.Tasks.Total(); got != int64(acks.jobs[id]) {
			loss("job %s: %d tasks acknowledged, the status counts %d", id, acks.jobs[id], got)
		}
	}
	if !probe {
		return lost
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second*coordtest.Scale())
	defer cancel()
	for _, id := range slices.Sorted(maps.Keys(acks.leases)) {
		l := acks.leases[id]
		if !l.committed {
			continue
		}
		probe := l.commitment
		probe.Root[0] ^= 0xff
		_, err := acks.by[l.node].c.Commit(ctx, probe)
		var re *api.RemoteError
		switch {
		case err == nil:
			loss("commitment of lease %s (node %s): acknowledged, yet the coordinator took it again as new", id, l.node)
		case !errors.As(err, &re):
			t.Fatalf("probe commitment of lease %s: %v", id, err)
		case re.Status == http.StatusNotFound:
			loss("lease %s (node %s): acknowledged grant and commitment, the coordinator does not know the lease: %s", id, l.node, re.Message)
		case l.revealed && !strings.Contains(re.Message, "is revealed: a commitment is made once"):
			loss("reveal of lease %s (node %s): acknowledged, the coordinator answers: %s", id, l.node, re.Message)
		case !strings.Contains(re.Message, "a commitment is made once"):
			loss("commitment of lease %s (node %s): acknowledged, the coordinator answers: %s", id, l.node, re.Message)
		}
	}
	return lost
}
