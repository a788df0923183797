package rewards

import (
	"errors"
	"strings"
	"testing"
)

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
