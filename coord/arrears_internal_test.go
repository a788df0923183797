package coord

import (
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/coord/state"
)

// TestOldestUnpaid is the rule behind a buyer's arrears: which done,
// unpaid job (if any) holds back its next submission.
func TestOldestUnpaid(t *testing.T) {
	buyer, other := common.Address{0xb}, common.Address{0xc}
	const cutoff = 1_000
	type job struct {
		id      string
		buyer   common.Address
		price   uint64 // per row; 10 rows accepted
		paid    int64
		done    int64 // the dataset's CreatedAt; 0: no dataset yet
		partial bool  // the dataset is not complete (blobs still uploading)
	}
	tests := []struct {
		name      string
		jobs      []job
		pipelines map[string]api.JobState
		want      string
		wantAt    int64
	}{
		{name: "no jobs"},
		{name: "done before the cutoff, unpaid", jobs: []job{{id: "j1", buyer: buyer, price: 5, done: 900}}, want: "j1", wantAt: 900},
		{name: "done at the cutoff", jobs: []job{{id: "j1", buyer: buyer, price: 5, done: cutoff}}, want: "j1", wantAt: cutoff},
		{name: "done after the cutoff: within the grace", jobs: []job{{id: "j1", buyer: buyer, price: 5, done: cutoff + 1}}},
		{name: "not done", jobs: []job{{id: "j1", buyer: buyer, price: 5}}},
		{name: "dataset not complete", jobs: []job{{id: "j1", buyer: buyer, price: 5, done: 900, partial: true}}},
		{name: "paid in full", jobs: []job{{id: "j1", buyer: buyer, price: 5, paid: 50, done: 900}}},
		{name: "paid in part", jobs: []job{{id: "j1", buyer: buyer, price: 5, paid: 49, done: 900}}, want: "j1", wantAt: 900},
		{name: "free job", jobs: []job{{id: "j1", buyer: buyer, price: 0, done: 900}}},
		{name: "another buyer's", jobs: []job{{id: "j1", buyer: other, price: 5, done: 900}}},
		{name: "the oldest of several", jobs: []job{
			{id: "j1", buyer: buyer, price: 5, done: 800}, {id: "j2", buyer: buyer, price: 5, done: 500}, {id: "j3", buyer: buyer, price: 5, done: 990},
		}, want: "j2", wantAt: 500},
		{name: "a tie goes to the smaller id", jobs: []job{
			{id: "j9", buyer: buyer, price: 5, done: 500}, {id: "j4", buyer: buyer, price: 5, done: 500},
		}, want: "j4", wantAt: 500},
		{name: "a running pipeline's stage", jobs: []job{{id: "p1.crawl", buyer: buyer, price: 5, done: 900}},
			pipelines: map[string]api.JobState{"p1": api.JobRunning}},
		{name: "an ended pipeline's stage", jobs: []job{{id: "p1.crawl", buyer: buyer, price: 5, done: 900}},
			pipelines: map[string]api.JobState{"p1": api.JobDone}, want: "p1.crawl", wantAt: 900},
		{name: "a failed pipeline's stage", jobs: []job{{id: "p1.crawl", buyer: buyer, price: 5, done: 900}},
			pipelines: map[string]api.JobState{"p1": api.JobFailed}, want: "p1.crawl", wantAt: 900},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := &state.State{Jobs: map[string]*state.Job{}, Datasets: map[string]*state.Dataset{}, Pipelines: map[string]*state.Pipeline{}}
			for _, j := range tt.jobs {
				sj := &state.Job{Job: api.Job{ID: j.id, Buyer: j.buyer}, RowsAccepted: 10, PricePerRow: j.price, Paid: big.NewInt(j.paid)}
				if j.done > 0 {
					sj.Dataset = state.DatasetID(j.id)
					st.Datasets[sj.Dataset] = &state.Dataset{ID: sj.Dataset, JobID: j.id, Rows: 10, CreatedAt: j.done, Complete: !j.partial}
				}
				st.Jobs[j.id] = sj
			}
			for id, s := range tt.pipelines {
				st.Pipelines[id] = &state.Pipeline{ID: id, Buyer: buyer, State: s}
			}
			late, at := oldestUnpaid(st, buyer, cutoff)
			switch {
			case tt.want == "" && late != nil:
				t.Fatalf("oldestUnpaid = %s (done at %d), want none", late.ID, at)
			case tt.want != "" && (late == nil || late.ID != tt.want || at != tt.wantAt):
				t.Fatalf("oldestUnpaid = %v at %d, want %s at %d", late, at, tt.want, tt.wantAt)
			}
		})
	}
}
