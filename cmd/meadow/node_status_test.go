package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/meadow-net/meadow/node"
)

// TestPrintNodeStatus: `meadow node status` writes every figure of the
// dashboard's status (devnet.TestNodeDashboardTellsTheTruth checks those
// against the coordinators): the units and MEADOW of issue 18's node among
// them, refusals by reason, uptime and notices.
func TestPrintNodeStatus(t *testing.T) {
	var out bytes.Buffer
	a := &app{stdout: &out, stderr: &out}
	printNodeStatus(a, node.Status{
		Address: "0x00000000000000000000000000000000000000aa", Version: "dev", State: "running",
		UptimeSeconds: 7200, OnlineSeconds: 3600, TasksDone: 12, TasksAccepted: 91, RowsAccepted: 1820, RowsRejected: 3,
		WorkUnits: 3640, PendingUnits: 40, Epoch: 7, SettledMeadow: "33331000000000000000000",
		BytesToday: 5 << 20, BytesPerDay: 2 << 30,
		RefusalCounts: map[string]int64{"robots": 2, "unsafe_address": 1},
		Notices:       []node.Notice{{Level: "info", Text: "meadow v0.4.0 is available"}},
		Update:        &node.UpdateStatus{Current: "v0.3.0", Latest: "v0.4.0", Available: true, Checked: time.Unix(1790000000, 0)},
		WasmModules:   []string{"ab12"},
		WasmCache:     node.WasmCache{Hits: 57, Misses: 43, Evictions: 0, Entries: 8, Bytes: 48600000},
	})
	for _, want := range []string{
		"uptime    2h 0m, online 50.0% of it",
		"tasks     12 done since start, 91 accepted in all",
		"rows      1820 accepted, 3 rejected",
		"rewards   3640 work units (40 pending the next epoch); 33331.0000 MEADOW settled up to epoch 7",
		"refused   robots 2, unsafe_address 1",
		"notice    meadow v0.4.0 is available",
		"wasm      running ab12, sandboxed",
		"          Compiled-module cache: 57 hits, 43 misses (57% hits), 0 evicted; 8 modules, 46.3 MiB held.",
		"update    v0.4.0 is available (this is v0.3.0): install it with " + nodeCmd + " update --apply",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("no line %q in\n%s", want, out.String())
		}
	}

	// Each outcome of a release check, in words.
	at := time.Unix(1790000000, 0)
	for _, tt := range []struct {
		u    node.UpdateStatus
		want string
	}{
		{node.UpdateStatus{Current: "v0.3.0", Latest: "v0.3.0", Checked: at}, "v0.3.0 is the latest release"},
		{node.UpdateStatus{Current: "v0.3.0", Latest: "v0.4.0", Available: true, Auto: true, Checked: at}, "v0.4.0 is available (this is v0.3.0): installing it"},
		{node.UpdateStatus{Current: "v0.3.0", Error: "no coordinator answered", Checked: at}, "could not check for a release (no coordinator answered"},
	} {
		if got := describeUpdate(tt.u); !strings.Contains(got, tt.want) {
			t.Errorf("describeUpdate(%+v) = %q; want it to say %q", tt.u, got, tt.want)
		}
	}
}
