//go:build !nodeonly

package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/meadow-net/meadow/api"
)

// TestPrintJobStatusSaysWhyItWaits: `meadow buyer status` shows a running
// job's stranded tasks and why they wait, and a done job's tasks that ended
// so: a job that waits must never look merely slow.
func TestPrintJobStatusSaysWhyItWaits(t *testing.T) {
	tests := []struct {
		name string
		st   api.JobStatus
		want []string
	}{
		{
			name: "running, stranded",
			st: api.JobStatus{ID: "j-1", State: api.JobRunning, Waiting: "1 task wants replica 3 (of at most 4) that no registered node may take.",
				Progress: api.Progress{Tasks: api.TaskCounts{Pending: 1}, Stranded: 1}},
			want: []string{"  waiting  1 task wants replica 3 (of at most 4) that no registered node may take.\n"},
		},
		{
			name: "done, ended stranded",
			st:   api.JobStatus{ID: "j-1", State: api.JobDone, Progress: api.Progress{Tasks: api.TaskCounts{Inconclusive: 1}, StrandedInconclusive: 1}},
			want: []string{"  stranded 1 inconclusive: no registered node could take the replica they wanted in time\n"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			printJobStatus(&app{stdout: &out, stderr: &out}, tt.st)
			for _, w := range tt.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, out.String())
				}
			}
		})
	}
}
