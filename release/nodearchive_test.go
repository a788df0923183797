package release

import (
	"strings"
	"testing"
)

func TestNodeArchiveNames(t *testing.T) {
	for _, tt := range []struct{ goos, goarch, archive, binary string }{
		{goos: "linux", goarch: "amd64", archive: "meadow-node_v1.2.3_linux_amd64.tar.gz", binary: "meadow-node_v1.2.3_linux_amd64/meadow-node"},
		{goos: "darwin", goarch: "arm64", archive: "meadow-node_v1.2.3_darwin_arm64.tar.gz", binary: "meadow-node_v1.2.3_darwin_arm64/meadow-node"},
		{goos: "windows", goarch: "amd64", archive: "meadow-node_v1.2.3_windows_amd64.zip", binary: "meadow-node_v1.2.3_windows_amd64/meadow-node.exe"},
	} {
		a, b := NodeArchive("v1.2.3", tt.goos, tt.goarch)
		if a != tt.archive || b != tt.binary {
			t.Errorf("NodeArchive(%s/%s) = %s, %s; want %s, %s", tt.goos, tt.goarch, a, b, tt.archive, tt.binary)
		}
	}
}

func TestNodeVersion(t *testing.T) {
	h := strings.Repeat("0", 64) + "  "
	for _, tt := range []struct{ name, sums, want, err string }{
		{name: "one version", sums: h + "meadow-node_v0.0.2_linux_amd64.tar.gz\n" + h + "meadow-node_v0.0.2_windows_amd64.zip\n" + h + "meadow_v0.0.2_linux_amd64.tar.gz\n", want: "v0.0.2"},
		{name: "two versions", sums: h + "meadow-node_v0.0.2_linux_amd64.tar.gz\n" + h + "meadow-node_v0.0.3_linux_arm64.tar.gz\n", err: "two versions"},
		{name: "no node archive", sums: h + "meadow_v0.0.2_linux_amd64.tar.gz\n", err: "no node archive"},
		{name: "not a version", sums: h + "meadow-node_dev_linux_amd64.tar.gz\n", err: "expected meadow-node_VERSION"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s, err := ParseSums([]byte(tt.sums))
			if err != nil {
				t.Fatal(err)
			}
			got, err := s.NodeVersion()
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("NodeVersion = %q, %v; want an error with %q", got, err, tt.err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("NodeVersion = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestVersionOrder(t *testing.T) {
	// Semantic versioning's own precedence example, oldest first.
	order := []string{"v1.0.0-alpha", "v1.0.0-alpha.1", "v1.0.0-alpha.beta", "v1.0.0-beta", "v1.0.0-beta.2", "v1.0.0-beta.11", "v1.0.0-rc.1", "v1.0.0", "v1.0.1", "v1.1.0", "v2.0.0", "v10.0.0"}
	for i := range order {
		for j := range order {
			a, b := ParseVersion(order[i]), ParseVersion(order[j])
			if a == nil || b == nil {
				t.Fatalf("ParseVersion(%q or %q) = nil", order[i], order[j])
			}
			want := 0
			if i < j {
				want = -1
			} else if i > j {
				want = 1
			}
			if got := a.Compare(*b); got != want {
				t.Errorf("%s vs %s: %d, want %d", order[i], order[j], got, want)
			}
		}
	}
	for _, bad := range []string{"dev", "1.2.3", "v1.2", "v01.2.3", "v1.2.3-", "v1.2.3-a..b", "v1.2.3+build", "v1.2.x", ""} {
		if ParseVersion(bad) != nil {
			t.Errorf("ParseVersion(%q) accepted it", bad)
		}
	}
}

func FuzzParseVersion(f *testing.F) {
	f.Add("v1.2.3")
	f.Add("v1.0.0-rc.1")
	f.Fuzz(func(t *testing.T, s string) {
		v := ParseVersion(s)
		if v == nil {
			return
		}
		if v.Compare(*v) != 0 {
			t.Fatalf("%q is not equal to itself", s)
		}
		again := ParseVersion(s)
		if again == nil || *again != *v {
			t.Fatalf("%q parsed twice differently", s)
		}
	})
}
