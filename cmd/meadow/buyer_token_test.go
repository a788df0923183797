//go:build !nodeonly

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/meadow-net/meadow/api"
)

// TestBuyerTokenCreate: a token minted by the CLI verifies for the chain it
// was made for and carries the scope asked; bad flags are refused naming
// the flag; list shows the token's claims, never the token.
func TestBuyerTokenCreate(t *testing.T) {
	dir := t.TempDir()
	key := filepath.Join(dir, "buyer.key")
	out, errOut, err := meadowStreams(t, "buyer", "token", "create", "--scope", "dataset:ds-j-1", "--ttl", "2h", "--key", key, "--chain-id", "4242")
	if err != nil {
		t.Fatalf("create: %v\n%s", err, errOut)
	}
	tok := strings.TrimSpace(out)
	claims, err := api.VerifyReadToken(tok, time.Now(), 0, 4242)
	if err != nil || claims.Scope != "dataset:ds-j-1" || claims.Expiry-claims.Issued != 7200 {
		t.Fatalf("the token printed: %+v, %v", claims, err)
	}
	if !strings.Contains(errOut, claims.ID) {
		t.Errorf("stderr does not name the token's id: %q", errOut)
	}
	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{name: "bad scope", args: []string{"--scope", "table:x"}, want: "--scope"},
		{name: "no scope", args: nil, want: "--scope"},
		{name: "ttl over 30 days", args: []string{"--scope", "all", "--ttl", "721h"}, want: "--ttl"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"buyer", "token", "create", "--key", key}, tt.args...)
			if _, err := meadow(t, args...); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("%v: %v, want an error naming %s", tt.args, err, tt.want)
			}
		})
	}
	out, err = meadow(t, "buyer", "token", "list", "--key", key)
	if err != nil || !strings.Contains(out, claims.ID) || !strings.Contains(out, "valid") || strings.Contains(out, tok) {
		t.Errorf("list: %v\n%s", err, out)
	}
	st, err := os.Stat(filepath.Join(dir, "tokens.json"))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("tokens.json: %v, %v", st, err)
	}
	if _, err := meadow(t, "buyer", "token", "revoke", "XYZ", "--key", key); err == nil || !strings.Contains(err.Error(), "id") {
		t.Errorf("revoke XYZ: %v, want an error naming the id", err)
	}
}
