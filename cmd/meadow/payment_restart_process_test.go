//go:build !nodeonly

package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/buyer"
	"github.com/meadow-net/meadow/contracts"
	"github.com/meadow-net/meadow/coord"
	"github.com/meadow-net/meadow/coord/coordtest"
	"github.com/meadow-net/meadow/devnet"
)

// TestCoordProcessesKeepPaymentsThroughFullRestart is issue 17, item 11:
// three real `meadow coord` processes settling on a chain served over
// JSON-RPC, done jobs whose data is 402 until paid, the buyer paying them
// in installments on the chain, and all three members SIGKILLed while the
// payments flow, more payments confirmed while none runs, then the old
// leader restarted first and the others after it. Every payment the chain
// confirmed must end attributed to its job on every member (the job's paid
// amount is the sum of its payments, exactly), and each job's data must
// download from every member.
//
// Before the fix, the restarted leader led before its state had replayed
// the log (raft-wal keeps no commit index, so a member restarted without a
// snapshot starts empty until its term's first entry commits): its payment
// watcher found the payments made while the cluster was down and recorded
// the first against job "" (its state knew no job yet), for good. Against
// the code before commit bc8d7ea this test failed 2 runs of 2 once the
// kill came before any payment was counted (a job paid 5334 of 8000 on
// every member); a ballast job ahead of the paid ones in the log makes the
// replay long enough to be seen. It takes about 45 s on 2 loaded cores, a
// third of it building meadow.
func TestCoordProcessesKeepPaymentsThroughFullRestart(t *testing.T) {
	start := time.Now()
	bin := cpBuild(t)
	t.Logf("go build: %s", time.Since(start).Round(time.Millisecond))
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute*coordtest.Scale())
	defer cancel()
	nw := prStartNetwork(ctx, t, bin)
	t.Logf("network up with %d coordinator processes (%s in)", len(nw.CoordURLs), time.Since(start).Round(time.Millisecond))

	// Done jobs, priced, their data refused until paid.
	b, err := buyer.New(buyer.Config{Coordinators: nw.CoordURLs, Key: nw.Chain.Buyer, ChainID: nw.ChainID()})
	if err != nil {
		t.Fatal(err)
	}
	// Ballast: a job of 20,000 tasks, cancelled at once, ahead of the paid
	// jobs in the log. A member restarted from disk replays it before it
	// knows the paid jobs, as a member of a busy cluster replays a long log:
	// a leader that acts before its state has caught up is caught acting.
	ballast := make([]string, 20_000)
	for i := range ballast {
		ballast[i] = fmt.Sprintf("%s/articles/0?ballast=%d", nw.SiteURL, i)
	}
	bj, err := b.Submit(ctx, api.JobSpec{Kind: api.JobCrawl, Name: "ballast", Crawl: &api.CrawlSpec{URLs: ballast, TaskSize: 1}})
	if err != nil {
		t.Fatalf("submit the ballast job: %v", err)
	}
	if _, err := b.Cancel(ctx, bj.ID); err != nil {
		t.Fatalf("cancel the ballast job: %v", err)
	}
	const jobs = 3
	static, _ := nw.Site.ArticleURLs(nw.SiteURL)
	var sts []api.JobStatus
	for i := range jobs {
		spec := api.JobSpec{Kind: api.JobCrawl, Name: fmt.Sprintf("payment restart %d", i), Crawl: &api.CrawlSpec{
			URLs: static[i*8 : (i+1)*8], TextSelector: "article", TaskSize: 2,
		}}
		job, err := b.Submit(ctx, spec)
		if err != nil {
			t.Fatalf("submit job %d: %v", i, err)
		}
		st, err := b.Wait(ctx, job.ID, 100*time.Millisecond, nil)
		if err != nil {
			t.Fatalf("job %s: %v", job.ID, err)
		}
		if st.State != api.JobDone || st.Dataset == "" || st.Price == "" || st.Price == "0" {
			t.Fatalf("job %s: %+v: want done with a dataset and a price", job.ID, st)
		}
		sts = append(sts, st)
	}
	dl := t.TempDir()
	if _, err := b.Download(ctx, sts[0].Dataset, api.FormatArrow, filepath.Join(dl, "unpaid.arrow")); !prIsStatus(err, 402) {
		t.Fatalf("download of unpaid job %s's data: %v, want 402", sts[0].ID, err)
	}
	t.Logf("%d jobs done and priced (%s in)", jobs, time.Since(start).Round(time.Millisecond))

	// The payments: each job's price in three installments, the jobs
	// interleaved, paid one after another by the buyer on the chain.
	type install struct {
		job    string
		amount *big.Int
	}
	var plan []install
	for part := range 3 {
		for _, st := range sts {
			price, _ := new(big.Int).SetString(st.Price, 10)
			third := new(big.Int).Div(price, big.NewInt(3))
			amount := third
			if part == 2 {
				amount = new(big.Int).Sub(price, new(big.Int).Mul(third, big.NewInt(2)))
			}
			plan = append(plan, install{job: st.ID, amount: amount})
		}
	}
	var (
		mu        sync.Mutex
		confirmed = map[string]*big.Int{} // job → sum of the payments the chain confirmed
		paidN     int
		payErr    error
	)
	paid := func() int { mu.Lock(); defer mu.Unlock(); return paidN }
	// gate holds the payer back after each payment until the test lets it
	// go on, so that payments are confirmed at every phase of the restart.
	gate := make(chan struct{}, len(plan))
	payDone := make(chan struct{})
	go func() {
		defer close(payDone)
		for _, in := range plan {
			select {
			case <-gate:
			case <-ctx.Done():
				return
			}
			_, err := nw.Chain.Pay(ctx, nw.Chain.Buyer, contracts.JobKey(in.job), in.amount)
			mu.Lock()
			if err != nil {
				payErr = fmt.Errorf("pay %s for job %s: %w", in.amount, in.job, err)
				mu.Unlock()
				return
			}
			if confirmed[in.job] == nil {
				confirmed[in.job] = new(big.Int)
			}
			confirmed[in.job].Add(confirmed[in.job], in.amount)
			paidN++
			mu.Unlock()
		}
	}()
	release := func(n int) {
		for range n {
			gate <- struct{}{}
		}
	}
	waitPaid := func(n int) {
		t.Helper()
		coordtest.WaitFor(t, 30*time.Second*coordtest.Scale(), fmt.Sprintf("%d payments confirmed on chain", n), func() bool {
			mu.Lock()
			defer mu.Unlock()
			if payErr != nil {
				t.Fatal(payErr)
			}
			return paidN >= n
		})
	}

	// The first payment sent to the chain, and SIGKILL of all three
	// members at once while it is on its way. The payments then come to a
	// cluster none of whose members counted one: whichever member leads
	// after the restart, its watcher's first find is a payment its state has
	// not seen, for a job its state may not have replayed yet.
	old, err := nw.LeaderIndex(ctx)
	if err != nil {
		t.Fatal(err)
	}
	release(1)
	var wg sync.WaitGroup
	for i := range nw.CoordURLs {
		wg.Go(func() {
			if err := nw.KillCoordinator(i); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	t.Logf("SIGKILL all three (old leader %s) with %d payment(s) confirmed on chain", nw.CoordIDs[old], paid())

	// While none runs, more payments are confirmed.
	release(3)
	waitPaid(4)

	// The old leader first, then the others. The others start once the
	// old leader campaigns, so that it is the likely winner: it is the
	// member whose watcher's cursor is past every payment counted, so the
	// first payment it finds is one its state has not seen.
	if err := nw.RestartCoordinator(ctx, old); err != nil {
		t.Fatal(err)
	}
	if !prPoll(ctx, 10*time.Second*coordtest.Scale(), func() bool {
		var st coord.Status
		return cpGetJSON(nw.CoordURLs[old], "/v1/cluster/status", &st) == nil && st.State == "Candidate"
	}) {
		t.Logf("%s, restarted alone, did not campaign within 10s; starting the others", nw.CoordIDs[old])
	}
	for i := range nw.CoordURLs {
		if i != old {
			if err := nw.RestartCoordinator(ctx, i); err != nil {
				t.Fatal(err)
			}
		}
	}
	leader, err := prWaitLeader(ctx, nw)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("all three restarted, %s first; %s leads (%s in)", nw.CoordIDs[old], nw.CoordIDs[leader], time.Since(start).Round(time.Millisecond))

	// The rest of the payments, to the restarted cluster.
	release(len(plan) - 4)
	select {
	case <-payDone:
	case <-ctx.Done():
		t.Fatalf("the payments did not finish: %v", ctx.Err())
	}
	if payErr != nil {
		t.Fatal(payErr)
	}

	// Every member: each job paid exactly what the chain confirmed for
	// it, and its data downloads. One deadline for all: a payment lost is
	// lost for good, and waiting again on each member adds nothing.
	deadline := time.Now().Add(30 * time.Second * coordtest.Scale())
	for i, u := range nw.CoordURLs {
		mb, err := buyer.New(buyer.Config{Coordinators: []string{u}, Key: nw.Chain.Buyer, ChainID: nw.ChainID()})
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range sts {
			want := confirmed[st.ID].String()
			if want != st.Price {
				t.Fatalf("job %s: the chain confirmed %s, its price is %s", st.ID, want, st.Price)
			}
			var got api.JobStatus
			ok := prPoll(ctx, max(time.Until(deadline), time.Second), func() bool {
				got, err = mb.Status(ctx, st.ID)
				return err == nil && got.Paid == want
			})
			if !ok {
				t.Errorf("%s: job %s paid %q (%v), want %s: the sum of its %d payments confirmed on chain", nw.CoordIDs[i], st.ID, got.Paid, err, want, 3)
				continue
			}
			if _, err := mb.Download(ctx, st.Dataset, api.FormatArrow, filepath.Join(dl, fmt.Sprintf("%s-%s.arrow", nw.CoordIDs[i], st.Dataset))); err != nil {
				t.Errorf("%s: download of paid job %s's data: %v", nw.CoordIDs[i], st.ID, err)
			}
		}
	}
	if !t.Failed() {
		t.Logf("%d payments attributed on every member; done in %s", len(plan), time.Since(start).Round(time.Millisecond))
	}
}

// prStartNetwork starts the dev network with its coordinators as processes
// of bin, without JavaScript nodes or faulty ones (neither matters here),
// and closes it when the test ends, showing the logs if it failed.
func prStartNetwork(ctx context.Context, t *testing.T, bin string) *devnet.Network {
	t.Helper()
	cfg := devnet.DefaultConfig()
	cfg.Nodes, cfg.Faulty, cfg.JSNodes = 3, 0, 0
	cfg.Dir = t.TempDir()
	cfg.CoordBinary = bin
	logPath := filepath.Join(cfg.Dir, "devnet.log")
	lf, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lf.Close() })
	cfg.Logger = slog.New(slog.NewTextHandler(lf, &slog.HandlerOptions{Level: slog.LevelInfo}))
	nw, err := devnet.Start(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("devnet's log, last lines:\n%s", fileTail(logPath, 25))
			for _, id := range nw.CoordIDs {
				t.Logf("log of %s, last lines:\n%s", id, fileTail(filepath.Join(cfg.Dir, id, "coord.log"), 40))
			}
		}
		nw.Close()
	})
	return nw
}

// prWaitLeader waits until a member leads and every member answers.
func prWaitLeader(ctx context.Context, nw *devnet.Network) (int, error) {
	deadline := time.Now().Add(30 * time.Second * coordtest.Scale())
	for {
		i, err := nw.LeaderIndex(ctx)
		if err == nil {
			all := true
			for _, u := range nw.CoordURLs {
				var st coord.Status
				if cpGetJSON(u, "/v1/cluster/status", &st) != nil || st.Leader == "" {
					all = false
				}
			}
			if all {
				return i, nil
			}
		}
		if time.Now().After(deadline) {
			return -1, fmt.Errorf("no leader every member agrees on within 30s: %v", err)
		}
		select {
		case <-ctx.Done():
			return -1, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// prPoll checks cond every 100 ms until it holds (true) or timeout passes
// (false): the caller says what was expected and what was found.
func prPoll(ctx context.Context, timeout time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		select {
		case <-ctx.Done():
			return false
		case <-time.After(100 * time.Millisecond):
		}
	}
	return true
}

// prIsStatus reports whether err is a coordinator's answer with status code.
func prIsStatus(err error, code int) bool {
	var re *api.RemoteError
	return errors.As(err, &re) && re.Status == code && !strings.Contains(re.Error(), "not leader")
}
