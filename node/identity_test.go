package node

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestIdentityCreatedOnceWithPrivateMode(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	first, err := LoadOrCreateIdentity(dir)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(filepath.Join(dir, KeyFile))
	if err != nil {
		t.Fatal(err)
	}
	if perm := st.Mode().Perm(); perm != 0o600 {
		t.Errorf("key mode %04o, want 0600", perm)
	}
	again, err := LoadOrCreateIdentity(dir)
	if err != nil {
		t.Fatal(err)
	}
	if again.Address != first.Address {
		t.Errorf("address changed across restarts: %s then %s", first.Address, again.Address)
	}
}

func TestIdentityRefusesBadKeys(t *testing.T) {
	tests := []struct {
		name    string
		content string
		mode    os.FileMode
		want    string
	}{
		{name: "readable by others", content: strings.Repeat("ab", 32), mode: 0o644, want: "expected 0600"},
		{name: "not hex", content: "not a key", mode: 0o600, want: "expected 64 hex digits"},
		{name: "too short", content: "abcd", mode: 0o600, want: "expected 64 hex digits"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, KeyFile)
			if err := os.WriteFile(path, []byte(tt.content), tt.mode); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(path, tt.mode); err != nil {
				t.Fatal(err)
			}
			_, err := LoadOrCreateIdentity(dir)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), path) {
				t.Fatalf("error %v: want one naming %s and containing %q", err, path, tt.want)
			}
		})
	}
}
