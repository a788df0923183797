//go:build !nodeonly

package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/meadow-net/meadow/coord"
	"github.com/meadow-net/meadow/coord/coordtest"
)

// TestOperatorConsole: `meadow operator console` refuses to run without a
// token, reports a wrong one as the coordinator does, and with the right one
// prints the console's address with the token in the fragment, or the
// figures with --json.
func TestOperatorConsole(t *testing.T) {
	c := coordtest.NewTestCluster(t, 1)
	m := c.WaitLeader()
	base := "http://" + m.Config.HTTPAddr
	tok := m.Config.ClusterToken
	if _, err := meadow(t, "operator", "console", "--coord", base); err == nil || !strings.Contains(err.Error(), "--cluster-token") {
		t.Fatalf("without a token: %v, want an error naming --cluster-token", err)
	}
	if _, err := meadow(t, "operator", "console", "--coord", base, "--cluster-token", "wrong"); err == nil || !strings.Contains(err.Error(), "Meadow-Cluster-Token") {
		t.Fatalf("with a wrong token: %v, want the coordinator's refusal naming the header", err)
	}
	out, err := meadow(t, "operator", "console", "--coord", base, "--cluster-token", tok)
	if err != nil || !strings.HasPrefix(out, base+"/console#token="+tok+"\n") || !strings.Contains(out, "1 of 1 members reachable") {
		t.Fatalf("console: %v\n%s", err, out)
	}
	out, err = meadow(t, "--json", "operator", "console", "--coord", base, "--cluster-token", tok)
	var v coord.ConsoleView
	if err != nil || json.Unmarshal([]byte(out), &v) != nil || v.ID != m.Config.ID || len(v.Members) != 1 {
		t.Fatalf("console --json: %v\n%s", err, out)
	}
}
