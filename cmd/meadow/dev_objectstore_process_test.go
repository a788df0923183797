//go:build !nodeonly

package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/meadow-net/meadow/coord/coordtest"
	"github.com/meadow-net/meadow/dataset"
	"github.com/meadow-net/meadow/devnet"
)

// blobKey is a blob's object key under the store's prefix: ab/cd/abcd… (64
// hex digits), the disk store's layout.
var blobKey = regexp.MustCompile(`^([0-9a-f]{2})/([0-9a-f]{2})/([0-9a-f]{64})$`)

// TestDevOnceObjectStore is issue 16's "meadow dev --object-store runs the
// whole journey with every blob in a real S3-compatible server started by
// the dev network": `meadow dev --once --object-store --checkers 1 --json`
// as a process exits 0, its uploads checked by the checker process; the gateway's posix directory holds the blobs the summary
// counted, each a file whose SHA-256 is its name, among them every blob of
// the datasets the journey downloaded; the coordinators' blob directories
// hold none; the credentials file is 0600; and no gateway is left running.
func TestDevOnceObjectStore(t *testing.T) {
	start := time.Now()
	bin := cpBuild(t)
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute*coordtest.Scale())
	defer cancel()
	// No Chromium: the JavaScript crawl adds nothing to where blobs live.
	// One checker (a meadow checker process) checks the presigned uploads.
	cmd := exec.CommandContext(ctx, bin, "dev", "--once", "--object-store", "--checkers", "1", "--json", "--js-nodes", "0", "--dir", dir)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	checkDevLogs(t, stderr.String())
	if err != nil {
		t.Fatalf("meadow dev --once --object-store: %v\n%s\n%s", err, tail(stdout.String(), 20), tail(stderr.String(), 30))
	}
	t.Logf("meadow dev --once --object-store: %s (with the build)", time.Since(start).Round(time.Millisecond))
	var s devnet.Summary
	if err := json.Unmarshal(stdout.Bytes(), &s); err != nil {
		t.Fatalf("summary is not JSON: %v\n%s", err, tail(stdout.String(), 20))
	}
	if !s.OK {
		t.Fatalf("journey failed at %q: %s", s.Failed, s.Error)
	}
	o := s.ObjectStore
	if o == nil || !o.Checked || o.Objects == 0 || o.Bytes == 0 || o.DatasetBlobs == 0 || o.LocalBlobs != 0 {
		t.Fatalf("object_store %+v: want the bucket counted, with blobs, and none on the members' disks", o)
	}
	// Every node's blob went straight to the bucket: the members' own
	// counters, read by the journey before it ended.
	if o.PresignedUploads == 0 || o.ProxiedUploads != 0 || o.ProxiedBytes != 0 || o.MembersCounted == 0 || o.PresignedModules == 0 {
		t.Fatalf("object_store uploads: %d presigned, %d proxied (%d bytes), %d modules presigned, over %d members: want every task blob and the wasm step's module PUT to the store, none through a coordinator",
			o.PresignedUploads, o.ProxiedUploads, o.ProxiedBytes, o.PresignedModules, o.MembersCounted)
	}
	if len(o.Checkers) != 1 || o.CheckedByCheckers == 0 {
		t.Fatalf("object_store checkers %v checked %d uploads (%d checked by a member itself): want one checker that checked them", o.Checkers, o.CheckedByCheckers, o.CheckedWithoutCheckers)
	}
	if want := filepath.Join(dir, devnet.ObjectStoreDirName, "root"); o.Root != want || o.PID == 0 {
		t.Fatalf("object_store root %q, pid %d: want %s and the gateway's process", o.Root, o.PID, want)
	}
	if fi, err := os.Stat(o.CredentialsFile); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("credentials_file %q: %v; want a file of mode 0600", o.CredentialsFile, err)
	}

	// The gateway is gone: its process, and any versitygw serving the run's
	// directory.
	if alive(o.PID) {
		t.Errorf("the gateway's process %d is still running after meadow dev exited", o.PID)
	}
	if left := gatewaysServing(t, dir); len(left) > 0 {
		t.Errorf("versitygw processes left serving %s: %v", dir, left)
	}

	// The bucket, read from the gateway's posix directory: the blobs the
	// summary counted, each intact.
	prefix := filepath.Join(o.Root, o.Bucket, filepath.FromSlash(o.Prefix))
	held := map[string]bool{}
	var bytesHeld int64
	err = filepath.WalkDir(prefix, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(prefix, path)
		m := blobKey.FindStringSubmatch(filepath.ToSlash(rel))
		if m == nil || m[3][:2] != m[1] || m[3][2:4] != m[2] {
			return nil // not a blob (a dataset file, say)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != m[3] {
			t.Errorf("object %s does not hash to its name", rel)
		}
		held[m[3]] = true
		bytesHeld += int64(len(data))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(held)) != o.Objects || bytesHeld != o.Bytes {
		t.Errorf("the gateway's directory holds %d blobs of %d bytes; the summary says %d of %d", len(held), bytesHeld, o.Objects, o.Bytes)
	}
	blobs := 0
	for _, j := range s.Jobs {
		raw, err := os.ReadFile(filepath.Join(dir, j.Dataset+".manifest.json"))
		if err != nil {
			t.Fatal(err)
		}
		m, err := dataset.ParseManifest(raw)
		if err != nil {
			t.Fatalf("%s: %v", j.Name, err)
		}
		for _, task := range m.Tasks {
			blobs++
			if !held[task.BlobSHA256.String()] {
				t.Errorf("%s: the blob %s of task %s is not in the bucket", j.Name, task.BlobSHA256, task.TaskID)
			}
		}
	}
	if blobs == 0 {
		t.Error("the journey's datasets list no blob")
	}
	for _, c := range s.Coords {
		if es, err := os.ReadDir(filepath.Join(dir, c.ID, "blobs")); err == nil && len(es) > 0 {
			t.Errorf("coordinator %s has %d entries in its blob directory", c.ID, len(es))
		} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
			t.Error(err)
		}
	}
	t.Logf("%d blobs, %d bytes in the bucket (%d listed by the datasets); done in %s", len(held), bytesHeld, blobs, time.Since(start).Round(time.Millisecond))
}

// alive reports whether process pid exists and is not a zombie.
func alive(pid int) bool {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	// The state follows the command's closing parenthesis.
	s := string(stat)
	if i := strings.LastIndexByte(s, ')'); i >= 0 && i+2 < len(s) {
		return s[i+2] != 'Z'
	}
	return true
}

// gatewaysServing lists the versitygw processes whose command line names
// a path under dir, from /proc.
func gatewaysServing(t *testing.T, dir string) []string {
	t.Helper()
	procs, err := os.ReadDir("/proc")
	if err != nil {
		t.Logf("no /proc to look for gateways in: %v", err)
		return nil
	}
	var out []string
	for _, p := range procs {
		cmdline, err := os.ReadFile(filepath.Join("/proc", p.Name(), "cmdline"))
		if err != nil {
			continue
		}
		args := strings.Split(string(cmdline), "\x00")
		if filepath.Base(args[0]) == "versitygw" && strings.Contains(string(cmdline), dir) {
			out = append(out, p.Name()+": "+strings.Join(args, " "))
		}
	}
	return out
}
