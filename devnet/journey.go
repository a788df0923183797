package devnet

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/buyer"
	"github.com/meadow-net/meadow/compute"
	"github.com/meadow-net/meadow/contracts"
	"github.com/meadow-net/meadow/coord"
	"github.com/meadow-net/meadow/dataset"
	"github.com/meadow-net/meadow/node"
)

// Summary is what a journey did, for people (meadow dev) and scripts
// (meadow dev --json).
type Summary struct {
	OK       bool          `json:"ok"`
	Failed   string        `json:"failed_step,omitempty"`
	Error    string        `json:"error,omitempty"`
	Steps    []Step        `json:"steps"`
	Jobs     []JobSummary  `json:"jobs"`
	Coords   []CoordInfo   `json:"coordinators"`
	Nodes    []NodeInfo    `json:"nodes"`
	Site     string        `json:"site"`
	Chain    ChainInfo     `json:"chain"`
	Epoch    *EpochSummary `json:"epoch,omitempty"`
	Duration time.Duration `json:"duration_ns"`
	// Pipeline is the pretrain pipeline the journey ran (issue 13).
	Pipeline *PipelineSummary `json:"pipeline,omitempty"`
	// Community is the community the journey ran: its vault, credits, the
	// job they paid for and who could read it (issue 15).
	Community *CommunitySummary `json:"community,omitempty"`
	// ObjectStore is the S3-compatible store that held every blob, and
	// what the journey counted in it (issue 16); nil: the members' disks.
	ObjectStore *ObjectStoreSummary `json:"object_store,omitempty"`
	// Groups is the network's work groups (Config.Groups); nil on a
	// network of one group.
	Groups *GroupsSummary `json:"groups,omitempty"`

	// ClusterTokenFile holds the coordinators' cluster token (mode 0600),
	// which meadow operator --cluster-token-file reads.
	ClusterTokenFile string `json:"cluster_token_file"`
	// Buyer is the funded buyer the journey bought as, for a person to go
	// on buying with (meadow buyer --key).
	Buyer BuyerInfo `json:"buyer"`
	// NetworkFile is the network's network file (meadow buyer --network)
	// and BuyerKeyFile the funded dev buyer's key (mode 0600).
	NetworkFile  string `json:"network_file"`
	BuyerKeyFile string `json:"buyer_key_file"`
}

// PipelineSummary is the journey's pretrain pipeline: its stages' jobs and
// rows, and the final dataset saved with its card.
type PipelineSummary struct {
	ID     string                `json:"id"`
	Stages []PipelineStageResult `json:"stages"`
	Files  buyer.PipelineFiles   `json:"files"`
	Paid   string                `json:"paid"` // stable base units, all stages
}

// PipelineStageResult is one stage of the journey's pipeline.
type PipelineStageResult struct {
	Name    string `json:"name"`
	Job     string `json:"job"`
	Dataset string `json:"dataset"`
	Rows    int64  `json:"rows"`
	Root    string `json:"root"`
	// Replication is the stage job's k, TasksAlone its tasks that one node
	// ran alone (the journey requires none), from the pipeline's card.
	Replication int   `json:"replication"`
	TasksAlone  int64 `json:"tasks_alone"`
}

// BuyerInfo is the dev buyer: its key file (mode 0600) and what it holds
// on the dev chain when the summary is made, read from the chain.
type BuyerInfo struct {
	Address string `json:"address"`
	KeyFile string `json:"key_file"`
	Stable  string `json:"stable"` // stable base units (6 decimals)
	Wei     string `json:"wei"`    // ether, for gas
}

// EpochSummary is the epoch the journey settled: what it minted and shared
// out, for how much work, signed by whom, posted in which transaction; and
// what the nodes claimed from it.
type EpochSummary struct {
	Epoch        uint64   `json:"epoch"`
	Root         string   `json:"root"`
	Emission     string   `json:"emission"`      // MEADOW base units (18 decimals)
	RevenueShare string   `json:"revenue_share"` // stable base units (6 decimals)
	Revenue      string   `json:"revenue"`       // what the buyer paid, stable base units
	Units        uint64   `json:"units"`
	Signers      []string `json:"signers"`
	Tx           string   `json:"tx"`
	// Settled and Claimed sum the nodes' leaves and what their claims paid,
	// per token; they are equal when every node claimed.
	SettledMeadow string `json:"settled_meadow"`
	SettledStable string `json:"settled_stable"`
	ClaimedMeadow string `json:"claimed_meadow"`
	ClaimedStable string `json:"claimed_stable"`
	// Referral is the MEADOW the epoch paid referrers from its referral
	// reserve, Unminted what it left of the reserve (not minted), and
	// Referrers each referrer's share (issue 15).
	Referral  string            `json:"referral,omitempty"`
	Unminted  string            `json:"unminted,omitempty"`
	Referrers []ReferrerSummary `json:"referrers,omitempty"`
}

// ReferrerSummary is one referrer's share of the journey's epoch.
type ReferrerSummary struct {
	Node    string `json:"node"`
	Account string `json:"account"`
	Meadow  string `json:"meadow"` // MEADOW base units (18 decimals)
}

// Step is one step of the journey.
type Step struct {
	Name     string        `json:"name"`
	OK       bool          `json:"ok"`
	Detail   string        `json:"detail,omitempty"`
	Duration time.Duration `json:"duration_ns"`
}

// JobSummary is one job and its dataset.
type JobSummary struct {
	Name         string            `json:"name"`
	ID           string            `json:"id"`
	Kind         api.JobKind       `json:"kind"`
	Tasks        api.TaskCounts    `json:"tasks"`
	RowsSeen     int64             `json:"rows_seen"`
	RowsAccepted int64             `json:"rows_accepted"`
	RowsRejected int64             `json:"rows_rejected"`
	Dataset      string            `json:"dataset"`
	Root         string            `json:"root"`
	Rows         int64             `json:"rows"`
	Files        map[string]string `json:"files"`
	Verified     []string          `json:"verified"`
	ProofRow     int64             `json:"proof_row"`
	ProofOK      bool              `json:"proof_ok"`
	// Price is what the job cost (stable base units), paid on chain in
	// PayTx. RegistryOK says the chain's registry holds the dataset's root.
	Price      string `json:"price"`
	PayTx      string `json:"pay_tx,omitempty"`
	RegistryOK bool   `json:"registry_ok"`
	// Clusters and Duplicates are the near-duplicate groups a dedup job
	// found (set on that job): clusters of two rows or more, and the rows
	// that all but one member of each would drop.
	Clusters   int `json:"clusters,omitempty"`
	Duplicates int `json:"duplicates,omitempty"`
	// Refused counts the URLs nodes would not fetch, by reason (each
	// node's report once).
	Refused map[api.RefusalReason]int64 `json:"refused,omitempty"`
	// Fuel is a wasm job's metered work (api.JobStatus.Fuel); Module the
	// buyer's module it ran.
	Fuel   uint64 `json:"fuel,omitempty"`
	Module string `json:"module,omitempty"`
}

// CoordInfo is one coordinator.
type CoordInfo struct {
	ID        string `json:"id"`
	URL       string `json:"url"`
	Leader    bool   `json:"leader"`
	StatusURL string `json:"status_url"`
	Metrics   string `json:"metrics_url"`
	// PID, Log and Down are for coordinators run as processes: the
	// process, its log file, and whether it was killed or has exited.
	PID  int    `json:"pid,omitempty"`
	Log  string `json:"log,omitempty"`
	Down bool   `json:"down,omitempty"`
}

// NodeInfo is one node and what cross-checking made of its work.
type NodeInfo struct {
	Name string `json:"name"`
	// Group is the node's home group on a network of several.
	Group        string `json:"group,omitempty"`
	Address      string `json:"address"`
	SourceIP     string `json:"source_ip"`
	Faulty       bool   `json:"faulty"`
	RenderJS     bool   `json:"render_js"`
	Dashboard    string `json:"dashboard"`
	TasksDone    int64  `json:"tasks_done"`
	Reputation   int64  `json:"reputation"`
	WorkUnits    int64  `json:"work_units"`
	AgreeingRuns int64  `json:"agreeing_tasks"`
	// RowsAccepted and RowsRejected are the coordinators' verdicts on the
	// rows it revealed; Altered the rows it changed (the faulty node).
	RowsAccepted int64 `json:"rows_accepted"`
	RowsRejected int64 `json:"rows_rejected"`
	Altered      int64 `json:"altered_rows"`
	// Meadow and Stable are its settled rewards (base units); Claimed*
	// what its claim on chain paid.
	Meadow        string `json:"meadow"`
	Stable        string `json:"stable"`
	ClaimedMeadow string `json:"claimed_meadow"`
	ClaimedStable string `json:"claimed_stable"`
	// WasmCache is its compiled-module cache's counters, as its dashboard
	// answered them (/api/status) when the summary was made.
	WasmCache node.WasmCache `json:"wasm_cache"`
}

// ChainInfo is the dev chain and its contracts.
type ChainInfo struct {
	ChainID     uint64 `json:"chain_id"`
	RPC         string `json:"rpc"`
	Distributor string `json:"distributor"`
	Registry    string `json:"registry"`
	Token       string `json:"token"`
	Stable      string `json:"stable"`
	Marketplace string `json:"marketplace"`
}

// JourneyOptions shape a journey.
type JourneyOptions struct {
	// OutDir receives the downloaded datasets.
	OutDir string
	// Progress, when set, hears about each poll of a job.
	Progress func(job string, st api.JobStatus)
	// Log, when set, hears about each step as it ends.
	Log func(Step)
}

// Journey walks the buyer's journey on the network: a crawl job of the demo
// site's static pages, one of its JavaScript pages when some node renders
// them, MinHash and embedding compute jobs over the static crawl; each job
// paid for on chain, its dataset's root checked against the chain's
// registry, the dataset downloaded in both formats and verified row by row
// against its manifest, one row's proof checked against the manifest root;
// the near-duplicate clusters a dedup job finds over the MinHash dataset
// (one cross-checked task over all its rows); then the operators
// settle the epoch (2 of 3 signatures), every node with rewards claims them,
// and the faulty node's altered rows are shown to have earned nothing.
// With an object store, the journey ends by counting the bucket: every
// dataset's blobs are there, and none on the members' disks.
func (n *Network) Journey(ctx context.Context, opts JourneyOptions) Summary {
	j := n.newJourney(ctx, opts)
	s, fail, step, revenue := j.s, j.fail, j.step, j.revenue
	b, err := buyer.New(buyer.Config{Coordinators: n.CoordURLs, Key: n.Chain.Buyer, ChainID: n.chainID})
	if err != nil {
		return fail("buyer client", err)
	}
	static, js := n.Site.ArticleURLs(n.SiteURL)
	run := func(name string, spec api.JobSpec) (*JobSummary, string, error) { return j.run(ctx, b, name, spec) }

	// The static crawl also lists pages robots.txt disallows: nodes refuse
	// them, report why, and never fetch them.
	private := []string{n.SiteURL + "/private/0", n.SiteURL + "/private/1"}
	crawl, failed, err := run("crawl: static pages", crawlJob("demo site, static pages", append(slices.Clone(static), private...), false))
	if err != nil {
		return fail(failed, err)
	}
	t0 := time.Now()
	if hits, refused := n.Site.PrivateHits(), crawl.Refused[api.RefusedRobots]; hits != 0 || refused < int64(len(private)) {
		return fail("crawl: static pages: robots.txt", fmt.Errorf("the disallowed path was fetched %d times and %d robots.txt refusals were reported for its %d URLs", hits, refused, len(private)))
	}
	step("crawl: static pages: robots.txt", fmt.Sprintf("the %d disallowed URLs were never fetched; nodes reported %d refusals", len(private), crawl.Refused[api.RefusedRobots]), t0)
	// A pretrain pipeline over the articles, their mirrors and the odd
	// pages: submitted now, its stages run beside the jobs below, and it
	// is checked before settlement (pipelineJourney).
	t0 = time.Now()
	plStart := t0
	pl, err := b.SubmitPipeline(ctx, n.pretrainSpec(static))
	if err != nil {
		return fail("pretrain: submit", err)
	}
	step("pretrain: submit", fmt.Sprintf("pipeline %s: %s; its stages run beside the jobs below", pl.ID, pipelineStages(pl)), t0)
	if n.cfg.JSNodes >= 2 && len(js) > 0 {
		if _, failed, err := run("crawl: JavaScript pages", crawlJob("demo site, JavaScript pages", js[:min(len(js), 8)], true)); err != nil {
			return fail(failed, err)
		}
	}
	for _, kernel := range []string{api.KernelMinHash, api.KernelEmbed} {
		name := "compute: " + kernel
		job, failed, err := run(name, api.JobSpec{Kind: api.JobCompute, Name: kernel + " of the demo crawl",
			Compute: &api.ComputeSpec{Input: crawl.Dataset, Kernel: kernel, ShardRows: 50}})
		if err != nil {
			return fail(failed, err)
		}
		if kernel != api.KernelMinHash {
			continue
		}
		// Dataset-wide dedup over the MinHash dataset, as a job of its
		// own: one task, cross-checked like any other (issue 13).
		name = "compute: " + api.KernelDedup
		dd, failed, err := run(name, api.JobSpec{Kind: api.JobCompute, Name: "dedup of the demo crawl",
			Compute: &api.ComputeSpec{Input: job.Dataset, Kernel: api.KernelDedup}})
		if err != nil {
			return fail(failed, err)
		}
		t0 := time.Now()
		clusters, dups, err := nearDuplicates(dd.Files[api.FormatParquet])
		if err != nil {
			return fail(name+": near-duplicates", err)
		}
		s.Jobs[len(s.Jobs)-1].Clusters, s.Jobs[len(s.Jobs)-1].Duplicates = clusters, dups
		step(name+": near-duplicates", fmt.Sprintf("%d clusters of near-duplicate pages; %d rows marked to drop (from the verified dedup dataset)", clusters, dups), t0)
	}
	// A buyer's own code: examples/wasm/cleaner, built from the checkout
	// as a buyer builds it, uploaded, and run over the static crawl.
	t0 = time.Now()
	switch root, err := SourceRoot(); {
	case errors.Is(err, ErrNoSourceTree):
		step("compute: wasm", "not run: "+err.Error()+" (run meadow dev from a checkout: make dev)", t0)
	case err != nil:
		return fail("compute: wasm", err)
	default:
		if failed, err := n.wasmJourney(ctx, b, root, crawl.Dataset, opts.OutDir, run, step); err != nil {
			return fail(failed, err)
		}
	}
	if failed, err := n.communityJourney(ctx, b, static, opts.OutDir, s, step); err != nil {
		return fail(failed, err)
	}
	if failed, err := n.pipelineJourney(ctx, b, pl.ID, plStart, opts, s, revenue, step); err != nil {
		return fail(failed, err)
	}
	if failed, err := n.settleAndClaim(ctx, s, revenue, step); err != nil {
		return fail(failed, err)
	}
	if failed, err := n.checkFaulty(ctx, s, step); err != nil {
		return fail(failed, err)
	}
	if failed, err := n.checkObjectStore(ctx, s, opts.OutDir, step); err != nil {
		return fail(failed, err)
	}
	s.OK = true
	return j.finish()
}

// short abbreviates a long hex string for a line of text.
func short(h string) string {
	if len(h) <= 14 {
		return h
	}
	return h[:10] + "…" + h[len(h)-4:]
}

func crawlJob(name string, urls []string, renderJS bool) api.JobSpec {
	return api.JobSpec{
		Kind: api.JobCrawl,
		Name: name,
		Crawl: &api.CrawlSpec{
			URLs: urls,
			Fields: []api.FieldRule{
				{Name: "title", Selector: "h1.title"},
				{Name: "author", Selector: ".byline .author"},
			},
			TextSelector: "article",
			Exclude:      []string{".clock", ".ad"},
			RenderJS:     renderJS,
			TaskSize:     10,
		},
	}
}

// fillSummary adds the coordinators, nodes and chain as they are now.
func (n *Network) fillSummary(ctx context.Context, s *Summary) {
	s.Coords = nil
	for i, u := range n.CoordURLs {
		info := CoordInfo{ID: n.CoordIDs[i], URL: u, StatusURL: u + "/v1/cluster/status", Metrics: u + "/metrics"}
		if i < len(n.Coords) {
			info.Leader = n.Coords[i].IsLeader()
		}
		if i < len(n.procs) {
			p := n.procs[i]
			info.PID, info.Log, info.Down = p.pid(), p.logPath, !p.running()
			var st coord.Status
			if !info.Down && getJSONWithin(ctx, u+"/v1/cluster/status", &st) == nil {
				info.Leader = st.State == "Leader"
			}
		}
		s.Coords = append(s.Coords, info)
	}
	s.Nodes = nil
	caches, err := n.WasmCaches(ctx)
	if err != nil {
		n.log.Warn("reading the nodes' wasm caches", "err", err)
	}
	for i, nd := range n.Nodes {
		info := NodeInfo{Name: nd.Name, Address: nd.Address().Hex(), SourceIP: nd.SourceIP, Faulty: nd.Faulty, RenderJS: nd.RenderJS,
			Dashboard: nd.DashboardURL(), TasksDone: nd.Status().TasksDone}
		var rec struct {
			Reputation   int64 `json:"reputation"`
			Units        int64 `json:"units"`
			Agreeing     int64 `json:"agreeing"`
			RowsAccepted int64 `json:"rows_accepted"`
			RowsRejected int64 `json:"rows_rejected"`
		}
		info.Group = nd.Group
		if err := getJSON(ctx, n.homeURL(nd)+"/v1/node/"+strings.ToLower(info.Address), &rec); err == nil {
			info.Reputation, info.WorkUnits, info.AgreeingRuns = rec.Reputation, rec.Units, rec.Agreeing
			info.RowsAccepted, info.RowsRejected = rec.RowsAccepted, rec.RowsRejected
		}
		info.Altered = nd.Altered()
		if i < len(caches) {
			info.WasmCache = caches[i]
		}
		info.Meadow, info.Stable, info.ClaimedMeadow, info.ClaimedStable = "0", "0", "0", "0"
		if c, ok := n.claims[nd.Name]; ok {
			info.Meadow, info.Stable = c.settled.Meadow.String(), c.settled.Stable.String()
			info.ClaimedMeadow, info.ClaimedStable = c.paid.Meadow.String(), c.paid.Stable.String()
		}
		s.Nodes = append(s.Nodes, info)
	}
	if s.ObjectStore == nil {
		s.ObjectStore = n.objectStoreInfo()
	}
	s.ClusterTokenFile = n.ClusterTokenFile()
	s.Buyer = n.buyerInfo(ctx)
	s.NetworkFile, s.BuyerKeyFile = n.NetworkFilePath(), n.BuyerKeyFile()
	s.Chain = ChainInfo{ChainID: n.chainID, RPC: n.Chain.RPC, Distributor: n.Chain.Addrs.Distributor.Hex(), Registry: n.Chain.Addrs.Registry.Hex(),
		Token: n.Chain.Addrs.Token.Hex(), Stable: n.Chain.Addrs.Stable.Hex(), Marketplace: n.Chain.Addrs.Marketplace.Hex()}
}

// buyerInfo reads the dev buyer's balances from the chain; one that cannot
// be read is left empty.
func (n *Network) buyerInfo(ctx context.Context) BuyerInfo {
	addr := n.Chain.BuyerAddress()
	b := BuyerInfo{Address: addr.Hex(), KeyFile: n.BuyerKeyFile()}
	if v, err := n.Chain.BalanceOf(ctx, contracts.TokenStable, addr); err == nil {
		b.Stable = v.String()
	}
	if sim := n.Chain.Simulated(); sim != nil {
		if v, err := sim.Client().BalanceAt(ctx, addr, nil); err == nil {
			b.Wei = v.String()
		}
	}
	return b
}

// getJSON reads u into out: each try within getTimeout, up to three tries
// (a read is safe to repeat) when the member cannot be reached, stalls, or
// answers 5xx or 429.
func getJSON(ctx context.Context, u string, out any) error {
	var err error
	for try := 1; try <= 3; try++ {
		var again bool
		if again, err = getJSONOnce(ctx, u, out); err == nil || !again || ctx.Err() != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(time.Duration(try) * 200 * time.Millisecond):
		}
	}
	return err
}

// getTimeout bounds one try of getJSON.
const getTimeout = 5 * time.Second

func getJSONOnce(ctx context.Context, u string, out any) (again bool, err error) {
	ctx, cancel := context.WithTimeout(ctx, getTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return false, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return true, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests, fmt.Errorf("%s: %s", u, resp.Status)
	}
	return false, json.NewDecoder(resp.Body).Decode(out)
}

// nearDuplicates reads a dedup dataset file (compute's dedup kernel) and
// counts its clusters of two rows or more and the rows marked to drop.
func nearDuplicates(path string) (clusters, drop int, err error) {
	r, err := dataset.Open(path)
	if err != nil {
		return 0, 0, err
	}
	defer r.Close()
	ki, si := r.Schema().Index(compute.ColKeep), r.Schema().Index(compute.ColClusterSize)
	if ki < 0 || si < 0 {
		return 0, 0, fmt.Errorf("%s: no %s or %s column: expected a dedup dataset", path, compute.ColKeep, compute.ColClusterSize)
	}
	for r.Next() {
		row := r.Row()
		keep, _ := row[ki].(bool)
		size, _ := row[si].(int64)
		if keep && size > 1 {
			clusters++
		}
		if !keep {
			drop++
		}
	}
	return clusters, drop, r.Err()
}

// journey records a journey's steps into its summary as they end.
type journey struct {
	n       *Network
	ctx     context.Context
	opts    JourneyOptions
	s       *Summary
	start   time.Time
	revenue *big.Int // what buyers paid on chain, stable base units
}

func (n *Network) newJourney(ctx context.Context, opts JourneyOptions) *journey {
	return &journey{n: n, ctx: ctx, opts: opts, s: &Summary{Site: n.SiteURL}, start: time.Now(), revenue: new(big.Int)}
}

// fail ends the journey at step with err: the summary, filled in.
func (j *journey) fail(step string, err error) Summary {
	j.s.Failed, j.s.Error = step, err.Error()
	j.s.Steps = append(j.s.Steps, Step{Name: step, Detail: err.Error()})
	if j.opts.Log != nil {
		j.opts.Log(j.s.Steps[len(j.s.Steps)-1])
	}
	return j.finish()
}

// finish fills in the summary's network, nodes and duration.
func (j *journey) finish() Summary {
	j.n.fillSummary(j.ctx, j.s)
	j.s.Duration = time.Since(j.start)
	return *j.s
}

// step records a step that went well.
func (j *journey) step(name, detail string, t0 time.Time) {
	st := Step{Name: name, OK: true, Detail: detail, Duration: time.Since(t0)}
	j.s.Steps = append(j.s.Steps, st)
	if j.opts.Log != nil {
		j.opts.Log(st)
	}
}

// run submits one job with b, follows it, and checks its dataset as a
// buyer would; it returns the step that failed, if any.
func (j *journey) run(ctx context.Context, b *buyer.Client, name string, spec api.JobSpec) (*JobSummary, string, error) {
	t0 := time.Now()
	job, err := b.Submit(ctx, spec)
	if err != nil {
		return nil, name + ": submit", err
	}
	st, err := b.Wait(ctx, job.ID, 200*time.Millisecond, func(st api.JobStatus) {
		if j.opts.Progress != nil {
			j.opts.Progress(name, st)
		}
	})
	if err != nil {
		return nil, name + ": run", err
	}
	p := st.Progress
	js := &JobSummary{Name: name, ID: job.ID, Kind: spec.Kind, Tasks: p.Tasks, RowsAccepted: p.RowsAccepted,
		RowsRejected: p.RowsRejected, RowsSeen: p.RowsAccepted + p.RowsRejected, Dataset: st.Dataset, Files: map[string]string{},
		Refused: p.Refusals, Fuel: st.Fuel}
	detail := fmt.Sprintf("%d tasks verified, %d inconclusive; %d rows accepted, %d rejected", p.Tasks.Verified, p.Tasks.Inconclusive, p.RowsAccepted, p.RowsRejected)
	if r := p.Refusals[api.RefusedRobots]; r > 0 {
		detail += fmt.Sprintf("; %d robots.txt refusals reported", r)
	}
	if st.Fuel > 0 {
		detail += fmt.Sprintf("; %d fuel metered", st.Fuel)
	}
	j.step(name+": run", detail, t0)

	t0 = time.Now()
	pay, err := b.Pay(ctx, j.n.Chain.Chain, job.ID, 25*time.Millisecond)
	switch {
	case errors.Is(err, buyer.ErrPaid):
		js.Price = st.Price
		j.step(name+": pay", "nothing to pay: "+err.Error(), t0)
	case err != nil:
		return nil, name + ": pay", err
	default:
		js.Price, js.PayTx = pay.Price.String(), pay.Tx.Hex()
		j.revenue.Add(j.revenue, pay.Amount)
		units := fmt.Sprintf("%d rows", p.RowsAccepted)
		if st.Fuel > 0 {
			// Every api.WasmFuelPerRowPrice of fuel, rounded up, costs a row.
			units += fmt.Sprintf(" + %d for %d fuel", (st.Fuel+api.WasmFuelPerRowPrice-1)/api.WasmFuelPerRowPrice, st.Fuel)
		}
		j.step(name+": pay", fmt.Sprintf("%s stable base units (%s at %d) paid on chain in %s; the coordinators counted it after %s",
			pay.Amount, units, st.PricePerRow, short(pay.Tx.Hex()), pay.Seen.Round(time.Millisecond)), t0)
	}

	t0 = time.Now()
	m, raw, err := b.Manifest(ctx, st.Dataset)
	if err != nil {
		return nil, name + ": manifest", err
	}
	js.Root, js.Rows = m.Root.String(), m.TotalRows
	if m.TotalRows > 0 {
		rctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		_, err := buyer.CheckRegistry(rctx, j.n.Chain.Chain, st.Dataset, common.Hash(m.Root), uint64(m.TotalRows), 25*time.Millisecond)
		cancel()
		if err != nil {
			return nil, name + ": registry", err
		}
		js.RegistryOK = true
		j.step(name+": registry", fmt.Sprintf("the chain's registry holds root %s with %d rows, as the manifest says", short(m.Root.String()), m.TotalRows), t0)
	}
	base := filepath.Join(j.opts.OutDir, st.Dataset)
	if err := os.WriteFile(base+".manifest.json", raw, 0o644); err != nil {
		return nil, name + ": manifest", err
	}
	for _, format := range []string{api.FormatArrow, api.FormatParquet} {
		path := base + "." + format
		if _, err := b.Download(ctx, st.Dataset, format, path); err != nil {
			return nil, name + ": download " + format, err
		}
		rep, err := dataset.Verify(ctx, path, dataset.VerifyOptions{Manifest: m})
		if err != nil {
			return nil, name + ": verify " + format, err
		}
		js.Files[format] = path
		js.Verified = append(js.Verified, format+": "+strings.Join(rep.Checked, ", "))
	}
	j.step(name+": download and verify", fmt.Sprintf("%d rows, root %s, Arrow and Parquet checked row by row against the manifest", m.TotalRows, m.Root), t0)

	if m.TotalRows > 0 {
		t0 = time.Now()
		js.ProofRow = m.TotalRows / 2
		pr, err := b.Proof(ctx, st.Dataset, js.ProofRow)
		if err != nil {
			return nil, name + ": proof", err
		}
		if _, err := dataset.CheckRowProof(ctx, js.Files[api.FormatParquet], js.ProofRow, pr, m.Root); err != nil {
			return nil, name + ": proof", err
		}
		js.ProofOK = true
		j.step(name+": proof", fmt.Sprintf("row %d proven against the manifest root (%d hashes in the path)", js.ProofRow, len(pr.Path)), t0)
	}
	j.s.Jobs = append(j.s.Jobs, *js)
	return js, "", nil
}
