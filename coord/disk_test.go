package coord_test

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/coord"
	"github.com/meadow-net/meadow/coord/coordtest"
)

// smallDisk mounts a tmpfs of size bytes and returns its path; it is
// unmounted when the test ends. Mounting needs root (CI runs as root).
func smallDisk(t *testing.T, size string) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Fatalf("this test mounts a small tmpfs to fill a member's disk and needs root (mount -t tmpfs); run it as root, as CI does")
	}
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir).CombinedOutput(); err != nil {
		t.Fatalf("mount a tmpfs of %s (needs the mount command and root): %v: %s", size, err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", "-l", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", dir, err, out)
		}
	})
	return dir
}

// fill writes a file until the file system is full and returns its path.
func fill(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "filler")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	buf := make([]byte, 64<<10)
	for {
		if _, err := f.Write(buf); err != nil {
			return path
		}
	}
}

// A leader whose disk fills hands leadership on and says what it needs;
// writes go on through the others; a snapshot that fails leaves no
// temporary directory behind once space returns; a new member on a disk
// too small for its first log segment fails at start saying so.
func TestFullDiskHandsLeadershipOn(t *testing.T) {
	disk := smallDisk(t, "24m")
	cl := coordtest.NewTestCluster(t, 3, coordtest.WithConfig(func(i int, c *coord.Config) {
		if i == 0 {
			c.DataDir = filepath.Join(disk, c.ID)
		}
		c.DiskReserve = 4 << 20
		c.DiskCheckInterval = 50 * time.Millisecond
	}))
	full := cl.Members[0]
	cl.WaitFor("the member on the small disk to lead", func() bool { return cl.Leader() == full })

	filler := fill(t, disk)
	cl.WaitFor("the member with the full disk to hand leadership on", func() bool {
		l := cl.Leader()
		return l != nil && l != full && full.C.Disk().Low
	})
	// It forwards writes once it knows the new leader (until then it
	// answers 503 not_leader, which clients retry).
	cl.WaitFor("the member with the full disk to know the new leader", func() bool {
		id, addr := full.C.Leader()
		return id != "" && id != full.Config.ID && addr != ""
	})

	// Writes go on, through the member with the full disk too.
	n := newSigner(t)
	var rr api.RegisterResponse
	body := n.envelope(t, api.MethodRegister, api.RegisterRequest{Address: crypto.PubkeyToAddress(n.key.PublicKey), Capabilities: api.Capabilities{CPUCores: 1, MaxConcurrent: 1}, Version: "dev"})
	if code, eb := call(t, full.Config.HTTPAddr, "/v1/node/register", body, &rr); code != 200 {
		t.Fatalf("register through the member with the full disk: %d %+v", code, eb)
	}
	cl.WaitFor("the registration to reach the full member's state", func() bool {
		return full.C.StateIndex() >= cl.Leader().C.StateIndex()
	})

	// A snapshot on the full disk fails and is reported, and its
	// temporary directory does not stay.
	err := full.C.Snapshot()
	if err == nil {
		t.Fatalf("a snapshot on a full disk succeeded")
	}
	t.Logf("snapshot on the full disk: %v", err)
	cl.WaitFor("the failed snapshot to be reported and its temporary directory removed", func() bool {
		tmps, _ := filepath.Glob(filepath.Join(full.Config.DataDir, "snapshots", "*.tmp"))
		return len(tmps) == 0 && full.C.Disk().PersistError != ""
	})

	// A new member on the full disk cannot preallocate its log: it fails
	// at start, saying how much it needs.
	cfg := coordtest.TestConfig("new", filepath.Join(disk, "new"))
	cfg.Join = []string{cl.Leader().Config.HTTPAddr}
	cfg.WALSegmentSize = 4 << 20
	if _, err := coord.New(cfg); !errors.Is(err, coord.ErrDiskFull) || !strings.Contains(err.Error(), "--wal-segment-size") {
		t.Fatalf("new member on a full disk: got %v, want ErrDiskFull naming --wal-segment-size", err)
	}

	// Space returns: the member may lead again, and snapshots work.
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	cl.WaitFor("the disk to be seen with space again", func() bool { return !full.C.Disk().Low })
	if err := full.C.Snapshot(); err != nil {
		t.Fatalf("snapshot once space returned: %v", err)
	}
}
