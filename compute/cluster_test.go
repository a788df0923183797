package compute

import (
	"context"
	"crypto/sha256"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/dataset"
)

func TestClusterNearDuplicates(t *testing.T) {
	// 20 distinct pages from one vocabulary, each with up to three near
	// copies: a word changed, a footer appended, a sentence dropped.
	pages := englishCorpus(20, 3000)
	r := rand.New(rand.NewPCG(3, 4))
	var texts []string
	var family []int // which page each text derives from
	for i, p := range pages {
		texts, family = append(texts, p), append(family, i)
		words := strings.Fields(p)
		for v := 0; v < i%4; v++ {
			w := slices.Clone(words)
			switch v {
			case 0:
				w[r.IntN(len(w))] = "CHANGED"
			case 1:
				w = append(w, "Copyright", "2026", "example", "inc.")
			case 2:
				at := r.IntN(len(w) - 12)
				w = append(w[:at], w[at+12:]...)
			}
			texts, family = append(texts, strings.Join(w, " ")), append(family, i)
		}
	}
	k, err := New(api.ComputeSpec{Kernel: api.KernelMinHash})
	if err != nil {
		t.Fatal(err)
	}
	in := dataset.Schema{Kind: dataset.KindCrawl, Columns: []dataset.Column{{Name: "text", Type: dataset.TypeString, Role: dataset.RoleContent}}}
	rows := make([]dataset.Row, len(texts))
	hashes := make([][]byte, len(texts))
	for i, tx := range texts {
		rows[i] = dataset.Row{tx}
		h := sha256.Sum256([]byte(tx))
		hashes[i] = h[:]
	}
	out, err := RunShard(context.Background(), k, rows, in, hashes, dataset.Provenance{Node: "0xabc", FetchedAt: 1})
	if err != nil {
		t.Fatal(err)
	}
	schema, _ := dataset.ComputeSchema(k.OutputColumns())
	ms, err := Cluster(schema, out)
	if err != nil {
		t.Fatal(err)
	}
	clusterOf := map[int]string{}
	for i, m := range ms {
		f := family[i]
		if c, ok := clusterOf[f]; ok && c != string(m.Cluster) {
			t.Errorf("text %d (near copy of page %d) is in another cluster than its page", i, f)
		}
		clusterOf[f] = string(m.Cluster)
	}
	seen := map[string]int{}
	for f, c := range clusterOf {
		if g, ok := seen[c]; ok {
			t.Errorf("distinct pages %d and %d share a cluster", g, f)
		}
		seen[c] = f
	}
	// Each cluster: id = smallest source hash, exactly one kept row.
	kept := map[string]int{}
	for i, m := range ms {
		var want []byte
		for j := range ms {
			if family[j] == family[i] && (want == nil || string(hashes[j]) < string(want)) {
				want = hashes[j]
			}
		}
		if string(m.Cluster) != string(want) {
			t.Errorf("row %d: cluster id is not the smallest source hash of its cluster", i)
		}
		if m.Keep {
			kept[string(m.Cluster)]++
			if string(hashes[i]) != string(m.Cluster) {
				t.Errorf("row %d kept but its hash is not the cluster id", i)
			}
		}
	}
	for c, n := range kept {
		if n != 1 {
			t.Errorf("cluster %x: %d rows kept, want 1", c[:4], n)
		}
	}
	if len(kept) != len(pages) {
		t.Errorf("%d clusters kept a row, want %d", len(kept), len(pages))
	}

	// The result does not depend on row order.
	perm := r.Perm(len(out))
	shuffled := make([]dataset.Row, len(out))
	for i, p := range perm {
		shuffled[i] = out[p]
	}
	ms2, err := Cluster(schema, shuffled)
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range perm {
		if string(ms2[i].Cluster) != string(ms[p].Cluster) || ms2[i].Keep != ms[p].Keep || ms2[i].Size != ms[p].Size {
			t.Fatalf("row %d: membership changed when the rows were shuffled", p)
		}
	}
}

func TestClusterBadInput(t *testing.T) {
	schema, _ := dataset.ComputeSchema([]dataset.Column{{Name: ColMinHashBands, Type: dataset.TypeUint64List}})
	if _, err := Cluster(dataset.Schema{Kind: dataset.KindCompute, Columns: schema.Columns[1:]}, nil); err == nil {
		t.Error("schema without source_hash: no error")
	}
	if _, err := Cluster(schema, []dataset.Row{{[]byte{1}, []uint32{1}, "n", int64(1), nil}}); err == nil {
		t.Error("bands of the wrong type: no error")
	}
	if _, err := ClusterBands([][]byte{{1}}, nil); err == nil {
		t.Error("mismatched lengths: no error")
	}
}
