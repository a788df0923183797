package sched

import (
	"errors"
	"slices"
	"testing"

	"github.com/meadow-net/meadow/api"
)

// TestMainTextCapability: a crawl task with crawl.extract on goes only to
// nodes that advertise main_text; a node without it (an older node or
// extension) still gets plain crawl tasks.
func TestMainTextCapability(t *testing.T) {
	mt := crawlTask("mt", "news.example", 1, 1)
	mt.NeedMainText = true
	mtJS := crawlTask("mt-js", "spa.example", 1, 2)
	mtJS.NeedMainText, mtJS.NeedJS = true, true
	tests := []struct {
		name string
		caps api.Capabilities
		want []string
	}{
		{name: "extension", caps: api.Capabilities{CPUCores: 2, MaxConcurrent: 8}, want: []string{"static"}},
		{name: "Go node without Chromium", caps: api.Capabilities{MainText: true, CPUCores: 2, MaxConcurrent: 8}, want: []string{"static", "mt"}},
		{name: "Chromium without the extractor", caps: api.Capabilities{RenderJS: true, CPUCores: 2, MaxConcurrent: 8}, want: []string{"static"}},
		{name: "Go node with Chromium", caps: api.Capabilities{MainText: true, RenderJS: true, CPUCores: 2, MaxConcurrent: 8}, want: []string{"static", "mt", "mt-js"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, crawlTask("static", "static.example", 1, 0), mt, mtJS)
			n := node(t, "0xa", "", "203.0.113.1")
			n.Caps = tt.caps
			p := h.request(Request{Node: n, Max: 10, Now: 1000, LeaseMs: 60_000})
			got := ids(p)
			slices.Sort(got)
			slices.Sort(tt.want)
			if !slices.Equal(got, tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
		})
	}
	// The need survives the queue (it is the lane's), and a compute task
	// cannot have it.
	h := newHarness(t, mt)
	if got, _ := h.q.Task("mt"); !got.NeedMainText {
		t.Errorf("the queue lost NeedMainText: %+v", got)
	}
	bad := computeTask("c", 3)
	bad.NeedMainText = true
	if err := h.q.Put(bad); !errors.Is(err, ErrInvalidTask) {
		t.Errorf("compute task with NeedMainText: Put = %v", err)
	}
}
