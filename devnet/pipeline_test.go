package devnet

import (
	"context"
	"encoding/hex"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/compute"
	"github.com/meadow-net/meadow/dataset"
)

// TestPretrainPipeline submits one pretrain pipeline over demo articles,
// their mirrors (near duplicates) and the site's odd pages, through three
// coordinators and two nodes. The coordinators run every stage in turn —
// crawl with main text, language, quality, pii, minhash, dedup, tokens —
// each an ordinary verified job over the stage before. The buyer pays and
// downloads every stage's dataset and finds, stage by stage, exactly the
// rows the stage's filter keeps of the rows before, with the kernel's
// output computed here and the record carried on; the final dataset has
// FineWeb's columns, one row per page left after dedup, each tracing back
// to its crawled page; and the dataset card's counts are the jobs'.
func TestPretrainPipeline(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	start := time.Now()
	nw, b := startTestNetwork(ctx, t, 2, 0)
	static, _ := nw.Site.ArticleURLs(nw.SiteURL)
	urls := append([]string(nil), static[:8]...)
	urls = append(urls, static[nw.cfg.Site.Articles:nw.cfg.Site.Articles+2]...) // two mirrors
	for _, p := range OddPages() {
		urls = append(urls, nw.SiteURL+p)
	}
	crawl := crawlSpec(urls).Crawl
	spec := api.PipelineSpec{Template: api.TemplatePretrain, Name: "demo pretrain", Crawl: crawl, ShardRows: 4}

	// Refused, naming the field, before anything is submitted.
	bad := spec
	bad.Stages = []string{"quality", "sorting"}
	if _, err := b.SubmitPipeline(ctx, bad); !hasField(api.FieldErrors(err), "stages[1]") {
		t.Fatalf("a pipeline with an unknown stage: %v; want an error naming stages[1]", err)
	}
	bad = spec
	bad.Languages = []string{"en", "klingon"}
	if _, err := b.SubmitPipeline(ctx, bad); !hasField(api.FieldErrors(err), "languages[1]") {
		t.Fatalf("a pipeline with an unknown language: %v; want an error naming languages[1]", err)
	}

	// A pipeline cancelled while it crawls: its crawl job is cancelled and
	// no later stage starts; cancelling it again is refused.
	gone, err := b.SubmitPipeline(ctx, spec)
	if err != nil {
		t.Fatalf("submit: %v", err)
	}
	if gone, err = b.CancelPipeline(ctx, gone.ID); err != nil || gone.State != api.JobCancelled || gone.Stages[0].Job.State != api.JobCancelled {
		t.Fatalf("cancel: %+v %v", gone, err)
	}
	if _, err := b.CancelPipeline(ctx, gone.ID); err == nil {
		t.Fatal("a cancelled pipeline was cancelled again")
	}

	p, err := b.SubmitPipeline(ctx, spec)
	if err != nil {
		t.Fatalf("submit: %v", err)
	}
	want := []string{api.StageCrawl, api.StageLanguage, api.StageQuality, api.StagePII, api.StageMinHash, api.StageDedup, api.StageTokens}
	var names []string
	for _, s := range p.Stages {
		names = append(names, s.Name)
	}
	if !slices.Equal(names, want) || p.Stages[0].Job == nil || p.Stages[1].Job != nil {
		t.Fatalf("submitted pipeline's stages %v (first job %v): want %v, the crawl started", names, p.Stages[0].Job, want)
	}
	last := ""
	p, err = b.WaitPipeline(ctx, p.ID, 200*time.Millisecond, func(p api.Pipeline) {
		var s []string
		for _, st := range p.Stages {
			if st.Job != nil {
				s = append(s, st.Name+":"+string(st.Job.State))
			}
		}
		if line := strings.Join(s, " "); line != last {
			t.Logf("pipeline %s at %s: %s", p.ID, time.Since(start).Round(time.Millisecond), line)
			last = line
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if p.State != api.JobDone || p.Dataset == "" {
		t.Fatalf("pipeline %s: %s (%s), dataset %q", p.ID, p.State, p.Error, p.Dataset)
	}

	// Every stage's dataset, paid for, downloaded and verified.
	dir := t.TempDir()
	type stageData struct {
		schema dataset.Schema
		rows   []dataset.Row
		hashes []dataset.Hash
	}
	var data []stageData
	for i, st := range p.Stages {
		if st.Job.State != api.JobDone || st.Job.Progress.Tasks.Inconclusive != 0 {
			t.Fatalf("stage %s: %+v", st.Name, st.Job)
		}
		payJob(ctx, t, b, nw, st.Job.ID)
		m, _, err := b.Manifest(ctx, st.Job.Dataset)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, st.Name+".arrows")
		if _, err := b.Download(ctx, st.Job.Dataset, api.FormatArrow, path); err != nil {
			t.Fatalf("download stage %s: %v", st.Name, err)
		}
		if _, err := dataset.Verify(ctx, path, dataset.VerifyOptions{Manifest: m}); err != nil {
			t.Fatalf("verify stage %s: %v", st.Name, err)
		}
		s, rows, hashes := readRows(t, path)
		data = append(data, stageData{s, rows, hashes})
		if int64(len(rows)) != st.Job.Progress.RowsAccepted {
			t.Fatalf("stage %s: %d rows downloaded, %d accepted", st.Name, len(rows), st.Job.Progress.RowsAccepted)
		}
		if i > 0 {
			// The stage computed here over the stage before's rows.
			in := data[i-1]
			job := p.Spec.StageSpec(i, p.Stages[i-1].Job.Dataset).WithDefaults()
			k, err := compute.New(*job.Compute)
			if err != nil {
				t.Fatal(err)
			}
			stage, err := dataset.NewStage(in.schema, k.OutputColumns(), job.Compute.Where, job.Compute.Carry)
			if err != nil {
				t.Fatal(err)
			}
			hs := make([][]byte, len(in.hashes))
			for j := range in.hashes {
				hs[j] = in.hashes[j][:]
			}
			ws, wrows, err := compute.RunStage(ctx, k, stage, in.rows, in.schema, hs, dataset.Provenance{Node: "local"})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(ws.Columns, s.Columns) {
				t.Fatalf("stage %s: schema %v, want %v", st.Name, s.Columns, ws.Columns)
			}
			nc := s.NumContent()
			byHash := map[string]dataset.Row{}
			for _, r := range wrows {
				byHash[string(r[0].([]byte))] = dataset.NormalizeRow(ws, r)[:nc]
			}
			if len(byHash) != len(rows) {
				t.Fatalf("stage %s: %d rows; its filter keeps %d of the %d before", st.Name, len(rows), len(byHash), len(in.rows))
			}
			for _, r := range rows {
				w, ok := byHash[string(r[0].([]byte))]
				if !ok || !reflect.DeepEqual(r[:nc], w) {
					t.Fatalf("stage %s row %x:\n got %v\nwant %v", st.Name, r[0], r[:nc], w)
				}
			}
		}
		t.Logf("stage %s: %d rows of %d columns, verified", st.Name, len(rows), len(s.Columns))
	}

	// The final dataset: FineWeb's columns, one row per page kept, each
	// tracing to its crawled page.
	final := data[len(data)-1]
	for _, c := range []string{"text", "id", "url", "date", "language", "language_score", "tokens", "gopher_tokens", "gopher_words", "pii_emails"} {
		if final.schema.Index(c) < 0 {
			t.Errorf("the final dataset lacks column %s: %v", c, final.schema.Columns)
		}
	}
	for _, c := range []string{"main_text", "quality_text", "pii_text", "keep", "quality_keep", "minhash"} {
		if final.schema.Index(c) >= 0 {
			t.Errorf("the final dataset has column %s, which the record leaves out", c)
		}
	}
	crawled := map[string]dataset.Row{}
	for i, h := range data[0].hashes {
		crawled[hex.EncodeToString(h[:])] = data[0].rows[i]
	}
	ti, ii, ui := final.schema.Index("text"), final.schema.Index("id"), final.schema.Index("url")
	for _, r := range final.rows {
		c, ok := crawled[r[ii].(string)]
		if !ok {
			t.Fatalf("final row %x: id %v is no crawled row's hash", r[0], r[ii])
		}
		if c[data[0].schema.Index("url")] != r[ui] || r[ti] == "" {
			t.Fatalf("final row %v: url %v, crawled %v; text %q", r[ii], r[ui], c[data[0].schema.Index("url")], r[ti])
		}
	}
	dedup := data[len(data)-2]
	dropped := 0
	for _, r := range dedup.rows {
		if !r[dedup.schema.Index(compute.ColKeep)].(bool) {
			dropped++
		}
	}
	if dropped == 0 || len(final.rows) != len(dedup.rows)-dropped {
		t.Fatalf("dedup dropped %d of %d rows, the final dataset has %d: want the mirrors dropped and the rest kept", dropped, len(dedup.rows), len(final.rows))
	}

	// The cancelled pipeline never went past its crawl.
	if gone, err = b.Pipeline(ctx, gone.ID); err != nil || gone.State != api.JobCancelled || gone.Stages[1].Job != nil {
		t.Fatalf("the cancelled pipeline later: %+v %v", gone, err)
	}

	// The card's counts are the jobs'.
	card, err := b.PipelineCard(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(card.Stages) != len(p.Stages) || card.Dataset != p.Dataset || !strings.HasPrefix(card.Markdown, "---\n") || !strings.Contains(card.Markdown, "data/*.parquet") {
		t.Fatalf("card %+v", card)
	}
	for i, cs := range card.Stages {
		if cs.Rows != p.Stages[i].Job.Progress.RowsAccepted || cs.Job != p.Stages[i].Job.ID || (i > 0 && cs.RowsIn != card.Stages[i-1].Rows) {
			t.Errorf("card stage %s: %+v; job %+v", cs.Name, cs, p.Stages[i].Job)
		}
		// Every stage's job checks every task: no task ran alone.
		if cs.Replication < 2 || cs.TasksAlone != 0 {
			t.Errorf("card stage %s: replication %d, %d tasks alone: want every task cross-checked", cs.Name, cs.Replication, cs.TasksAlone)
		}
	}
	if !strings.Contains(card.Markdown, "each of its tasks was run by at least 2 independent nodes") {
		t.Errorf("the card does not say every task was cross-checked:\n%s", card.Markdown)
	}
	t.Logf("pipeline done and checked at %s; card:\n%s", time.Since(start).Round(time.Millisecond), card.Markdown)
}
