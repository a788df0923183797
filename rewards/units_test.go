package rewards

import (
	"errors"
	"strings"
	"testing"
)

// TestWorkUnits pins WorkUnits' rates, those of jobs submitted before rates
// were fixed at submission: replaying an old log credits them, so these
// figures must never change (a new rate is a change of Rate only).
func TestWorkUnits(t *testing.T) {
	tests := []struct {
		name    string
		kind    string
		kernel  string
		rows    uint64
		want    uint64
		wantErr error
		wantMsg string
	}{
		{name: "static crawl", kind: KindCrawl, kernel: "", rows: 7, want: 70},
		{name: "static crawl named", kind: KindCrawl, kernel: RendererStatic, rows: 7, want: 70},
		{name: "js crawl", kind: KindCrawl, kernel: RendererJS, rows: 7, want: 210},
		{name: "minhash", kind: KindCompute, kernel: KernelMinHash, rows: 7, want: 14},
		{name: "embed", kind: KindCompute, kernel: KernelEmbed, rows: 7, want: 140},
		{name: "tokens", kind: KindCompute, kernel: KernelTokens, rows: 7, want: 7},
		{name: "dedup", kind: KindCompute, kernel: KernelDedup, rows: 7, want: 14},
		{name: "quality", kind: KindCompute, kernel: KernelQuality, rows: 7, want: 7},
		{name: "pii", kind: KindCompute, kernel: KernelPII, rows: 7, want: 7},
		{name: "language", kind: KindCompute, kernel: KernelLanguage, rows: 7, want: 7},
		{name: "zero rows", kind: KindCompute, kernel: KernelEmbed, rows: 0, want: 0},
		{name: "largest tokens", kind: KindCompute, kernel: KernelTokens, rows: ^uint64(0), want: ^uint64(0)},
		{name: "largest embed", kind: KindCompute, kernel: KernelEmbed, rows: ^uint64(0) / 20, want: ^uint64(0) / 20 * 20},
		{name: "overflow", kind: KindCompute, kernel: KernelEmbed, rows: ^uint64(0)/20 + 1, wantErr: ErrOverflow},
		{name: "unknown kind", kind: "mine", kernel: "", rows: 1, wantErr: ErrUnknownKind, wantMsg: `"mine"`},
		{name: "unknown kernel", kind: KindCompute, kernel: "sha", rows: 1, wantErr: ErrUnknownKernel, wantMsg: `"sha"`},
		{name: "compute needs a kernel", kind: KindCompute, kernel: "", rows: 1, wantErr: ErrUnknownKernel},
		{name: "crawl kernel", kind: KindCrawl, kernel: KernelEmbed, rows: 1, wantErr: ErrUnknownKernel, wantMsg: "embed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := WorkUnits(tt.kind, tt.kernel, tt.rows)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) || !strings.Contains(err.Error(), tt.wantMsg) {
					t.Fatalf("WorkUnits() error = %v, want %v mentioning %s", err, tt.wantErr, tt.wantMsg)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("WorkUnits() = %d, %v, want %d", got, err, tt.want)
			}
		})
	}
}

func TestRate(t *testing.T) {
	tests := []struct {
		name     string
		kind     string
		kernel   string
		mainText bool
		want     uint64
		wantErr  error
	}{
		{name: "static crawl", kind: KindCrawl, kernel: RendererStatic, want: 10},
		{name: "static crawl with main text", kind: KindCrawl, kernel: RendererStatic, mainText: true, want: 10 + MainTextUnits},
		{name: "js crawl with main text", kind: KindCrawl, kernel: RendererJS, mainText: true, want: 30 + MainTextUnits},
		{name: "tokens", kind: KindCompute, kernel: KernelTokens, want: 1},
		{name: "main text on a compute row", kind: KindCompute, kernel: KernelTokens, mainText: true, wantErr: ErrUnknownKernel},
		{name: "unknown kind", kind: "mine", wantErr: ErrUnknownKind},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Rate(tt.kind, tt.kernel, tt.mainText)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("Rate() error = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("Rate() = %d, %v, want %d", got, err, tt.want)
			}
		})
	}
	// No rule gives more than MaxRate, the bound the state checks a
	// submitted rate against.
	for kind, kernels := range unitsPerRow {
		for kernel := range kernels {
			for _, mt := range []bool{false, kind == KindCrawl} {
				if r, err := Rate(kind, kernel, mt); err != nil || r == 0 || r > MaxRate {
					t.Errorf("Rate(%s, %q, %v) = %d, %v: want 1..%d", kind, kernel, mt, r, err, MaxRate)
				}
			}
		}
	}
}
