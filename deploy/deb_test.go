package deploy

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/coord/coordtest"
	"github.com/meadow-net/meadow/deploy/internal/deb"
)

// testVersion marks the package this test builds, so that a run that died
// half way is cleaned up by the next and a real install is never touched.
const testVersion = "0~deploytest"

// TestDebInstallRunPurge builds the meadow-node package, installs it with
// dpkg on this machine, checks the user, files, permissions and the unit
// (systemd-analyze verify, and the coordinator's unit too), runs the
// installed binary as the meadow user against a dev network until the
// coordinators have it registered and asking for work, reinstalls it (the
// key and the edited settings stay), removes it (they still stay), purges
// it and checks that nothing of it is left but the meadow user, which
// Debian practice keeps (docs/ARCHITECTURE.md, "The Debian package").
func TestDebInstallRunPurge(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Fatalf("this test installs a Debian package with dpkg and needs root (CI runs make test as root); euid is %d", os.Geteuid())
	}
	for _, tool := range []string{"dpkg", "dpkg-query", "systemd-analyze", "setpriv", "adduser"} {
		need(t, tool, "part of Debian: this test needs a Debian system (apt-get install dpkg systemd util-linux adduser)")
	}
	if out, err := exec.Command("dpkg-query", "-W", "-f", "${Status} ${Version}", deb.Name).Output(); err == nil && strings.Contains(string(out), "installed") {
		if !strings.HasSuffix(strings.TrimSpace(string(out)), testVersion) {
			t.Fatalf("%s is installed on this machine (%s), not by this test: remove it first (dpkg --purge %s)", deb.Name, out, deb.Name)
		}
		t.Logf("purging %s left by an earlier run", deb.Name)
		run(t, "dpkg", "--purge", deb.Name)
	}

	dir := t.TempDir()
	bin := filepath.Join(dir, "meadow-node")
	start := time.Now()
	build := exec.Command("go", "build", "-tags", "nodeonly", "-o", bin, "./cmd/meadow")
	build.Dir = ".."
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build -tags nodeonly ./cmd/meadow: %v\n%s", err, out)
	}
	t.Logf("node-only build: %s", time.Since(start).Round(time.Millisecond))
	pkg := filepath.Join(dir, "meadow-node.deb")
	start = time.Now()
	if err := deb.Build(deb.Options{Root: "..", Binary: bin, Version: testVersion, Arch: runtimeArch(t), Out: pkg}); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(pkg)
	if err != nil {
		t.Fatal(err)
	}
	bst, _ := os.Stat(bin)
	t.Logf("package built in %s: %.1f MB (binary %.1f MB)", time.Since(start).Round(time.Millisecond), mb(st.Size()), mb(bst.Size()))

	t.Cleanup(func() {
		if out, err := exec.Command("dpkg-query", "-W", "-f", "${Status}", deb.Name).Output(); err == nil && strings.Contains(string(out), "installed") {
			if out, err := exec.Command("dpkg", "--purge", deb.Name).CombinedOutput(); err != nil {
				t.Errorf("cleanup: dpkg --purge %s: %v\n%s", deb.Name, err, out)
			}
		}
	})
	start = time.Now()
	out := dpkg(t, "-i", pkg)
	t.Logf("dpkg -i: %s", time.Since(start).Round(time.Millisecond))
	if !strings.Contains(out, "coord = [...]") {
		t.Errorf("dpkg -i did not say to name the coordinators in %s:\n%s", deb.ConfigPath, out)
	}

	// The user, the files, their owners and modes.
	u, err := user.Lookup(deb.User)
	if err != nil {
		t.Fatalf("after install: %v", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	if uid == 0 || uid >= 1000 || u.HomeDir != deb.DataDir {
		t.Errorf("user %s: uid %d, home %s; want a system uid (1-999) and home %s", deb.User, uid, u.HomeDir, deb.DataDir)
	}
	if pw := passwdLine(t, deb.User); !strings.HasSuffix(pw, ":/usr/sbin/nologin") {
		t.Errorf("user %s: %q, want the shell /usr/sbin/nologin", deb.User, pw)
	}
	for _, f := range []struct {
		path     string
		mode     os.FileMode
		uid, gid int
	}{
		{deb.BinPath, 0o755, 0, 0},
		{deb.UnitPath, 0o644, 0, 0},
		{deb.ConfigPath, 0o644, 0, 0},
		{deb.DataDir, os.ModeDir | 0o750, uid, gid},
	} {
		checkFile(t, f.path, f.mode, f.uid, f.gid)
	}
	if conf := run(t, "dpkg-query", "-W", "-f", "${Conffiles}", deb.Name); !strings.Contains(conf, deb.ConfigPath) {
		t.Errorf("%s is not a conffile (an upgrade would overwrite the user's settings): %q", deb.ConfigPath, conf)
	}
	// Enabled as dh_installsystemd does (there may be no systemd running).
	wants := "/etc/systemd/system/multi-user.target.wants/meadow-node.service"
	if _, err := os.Lstat(wants); err != nil {
		t.Errorf("the unit is not enabled: %v", err)
	}
	if out := run(t, deb.BinPath, "version"); !strings.Contains(out, "meadow") {
		t.Errorf("meadow-node version: %q", out)
	}

	// The units as systemd reads them.
	verify(t, deb.UnitPath)
	coordUnit := filepath.Join(dir, "meadow-coord.service")
	stub := filepath.Join(dir, "meadow")
	if err := os.WriteFile(stub, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile("systemd/meadow-coord.service")
	if err != nil {
		t.Fatal(err)
	}
	// systemd-analyze checks that the command exists: the full meadow
	// binary is not installed here, so a stub stands in at the same place
	// in the command line.
	if !bytes.Contains(raw, []byte("ExecStart=/usr/bin/meadow ")) {
		t.Fatalf("systemd/meadow-coord.service: expected ExecStart=/usr/bin/meadow …")
	}
	if err := os.WriteFile(coordUnit, bytes.ReplaceAll(raw, []byte("ExecStart=/usr/bin/meadow "), []byte("ExecStart="+stub+" ")), 0o644); err != nil {
		t.Fatal(err)
	}
	verify(t, coordUnit)

	// The shipped settings are read without complaint but for the one
	// thing the user must add, the coordinators.
	sh := exec.Command(deb.BinPath, "--config", deb.ConfigPath, "node", "--data-dir", filepath.Join(dir, "data"))
	if out, err := sh.CombinedOutput(); sh.ProcessState.ExitCode() != 2 || !strings.Contains(string(out), "coord") || strings.Contains(string(out), "unknown") {
		t.Errorf("meadow-node with the shipped %s: %v, %s; want exit 2 asking for the coordinators", deb.ConfigPath, err, out)
	}

	// The installed node, as the service runs it, against a dev network.
	nw := network(t)
	dash := coordtest.FreeAddr(t)
	quoted := make([]string, len(nw.CoordURLs))
	for i, u := range nw.CoordURLs {
		quoted[i] = strconv.Quote(u)
	}
	conf := fmt.Sprintf("[node]\ncoord = [%s]\nchain-id = %d\ndashboard = %q\n", strings.Join(quoted, ", "), nw.ChainID(), dash)
	if err := os.WriteFile(deb.ConfigPath, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	addr := runNode(t, uid, gid, nw.CoordURLs, dash)

	// The key, its mode and owner, and every file of the data dir owned by
	// meadow.
	keyPath := filepath.Join(deb.DataDir, "node.key")
	checkFile(t, keyPath, 0o600, uid, gid)
	filepath.Walk(deb.DataDir, func(p string, fi os.FileInfo, err error) error {
		if err == nil && fi.Sys().(*syscall.Stat_t).Uid != uint32(uid) {
			t.Errorf("%s is owned by uid %d, not %s", p, fi.Sys().(*syscall.Stat_t).Uid, deb.User)
		}
		return nil
	})

	// Reinstalling keeps the key and the edited settings.
	dpkg(t, "-i", pkg)
	key, err := api.LoadOrCreateKey(keyPath)
	if err != nil || crypto.PubkeyToAddress(key.PublicKey).Hex() != addr {
		t.Errorf("after reinstalling, the key is %v (%v); want the node's %s", key, err, addr)
	}
	if b, _ := os.ReadFile(deb.ConfigPath); string(b) != conf {
		t.Errorf("after reinstalling, %s is %q; want the edited settings kept", deb.ConfigPath, b)
	}

	// Removing keeps the key and settings (purge is what deletes them).
	dpkg(t, "-r", deb.Name)
	for _, p := range []string{deb.BinPath, deb.UnitPath} {
		if _, err := os.Lstat(p); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("after dpkg -r, %s is still there (%v)", p, err)
		}
	}
	for _, p := range []string{keyPath, deb.ConfigPath} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("after dpkg -r, %s should stay until purge: %v", p, err)
		}
	}

	start = time.Now()
	dpkg(t, "--purge", deb.Name)
	t.Logf("dpkg --purge: %s", time.Since(start).Round(time.Millisecond))
	for _, p := range []string{deb.BinPath, deb.UnitPath, deb.DataDir, "/etc/meadow", wants,
		"/etc/systemd/system/meadow-node.service",
		"/var/lib/systemd/deb-systemd-helper-enabled/meadow-node.service.dsh-also",
		"/var/lib/systemd/deb-systemd-helper-enabled/multi-user.target.wants/meadow-node.service",
		"/var/lib/systemd/deb-systemd-helper-masked/meadow-node.service"} {
		if _, err := os.Lstat(p); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("after purge, %s is still there (%v)", p, err)
		}
	}
	if out, err := exec.Command("dpkg-query", "-W", "-f", "${Status}", deb.Name).Output(); err == nil && !strings.Contains(string(out), "not-installed") {
		t.Errorf("after purge, dpkg still knows %s: %s", deb.Name, out)
	}
	// The user stays; nothing it owns does.
	if _, err := user.Lookup(deb.User); err != nil {
		t.Errorf("after purge, user %s is gone (%v); Debian practice keeps system users", deb.User, err)
	}
	roots := []string{}
	for _, d := range []string{"/etc", "/var", "/usr", "/opt"} {
		if _, err := os.Stat(d); err == nil {
			roots = append(roots, d)
		}
	}
	if out := run(t, "find", append(roots, "-xdev", "-user", deb.User)...); strings.TrimSpace(out) != "" {
		t.Errorf("after purge, files owned by %s remain:\n%s", deb.User, out)
	}
}

// runNode runs the installed binary as the service does (the meadow user,
// no new privileges, no capabilities, the settings file and data dir of the
// unit) until the coordinators have it registered and it asks them for
// work; it returns the node's address and stops the node.
func runNode(t *testing.T, uid, gid int, coords []string, dash string) string {
	t.Helper()
	cmd := exec.Command("setpriv", "--reuid", strconv.Itoa(uid), "--regid", strconv.Itoa(gid), "--init-groups",
		"--no-new-privs", "--bounding-set", "-all", "--inh-caps", "-all", "--",
		deb.BinPath, "--config", deb.ConfigPath, "node", "--data-dir", deb.DataDir)
	cmd.Dir = "/"
	cmd.Env = []string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "HOME=" + deb.DataDir, "LANG=C.UTF-8"}
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	stopped := false
	stop := func() {
		if stopped {
			return
		}
		stopped = true
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(45 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
			t.Errorf("the node did not stop within 45 s of SIGTERM")
		}
	}
	t.Cleanup(stop)
	start := time.Now()
	keyPath := filepath.Join(deb.DataDir, "node.key")
	var addr string
	waitFor(t, 30*time.Second, "the node to create its key", func() (bool, string) {
		select {
		case err := <-exited:
			exited <- err
			t.Fatalf("the installed node exited: %v\n%s", err, logs.String())
		default:
		}
		if _, err := os.Stat(keyPath); err != nil {
			return false, err.Error()
		}
		key, err := api.LoadOrCreateKey(keyPath)
		if err != nil {
			return false, err.Error()
		}
		addr = crypto.PubkeyToAddress(key.PublicKey).Hex()
		return true, ""
	})
	// Registered: the coordinators answer its record.
	waitFor(t, 30*time.Second, "the coordinators to have the node registered", func() (bool, string) {
		code, body, err := get(coords[0] + "/v1/node/" + strings.ToLower(addr))
		if err != nil {
			return false, err.Error()
		}
		return code == http.StatusOK, fmt.Sprintf("%d %s", code, body)
	})
	// Asking for work: its dashboard says it is running, not offline, and
	// the leader has heard from it.
	waitFor(t, 30*time.Second, "the node to run", func() (bool, string) {
		code, body, err := get("http://" + dash + "/api/status")
		if err != nil {
			return false, err.Error()
		}
		return code == http.StatusOK && strings.Contains(body, `"state":"running"`), body
	})
	t.Logf("the installed node %s registered and running in %s", addr, time.Since(start).Round(time.Millisecond))
	stop()
	if cmd.ProcessState != nil && !cmd.ProcessState.Success() {
		t.Errorf("the node exited with %v on SIGTERM\n%s", cmd.ProcessState, logs.String())
	}
	return addr
}

// dpkg runs dpkg without ever asking (a conffile question would hang).
func dpkg(t *testing.T, args ...string) string {
	t.Helper()
	cmd := exec.Command("dpkg", append([]string{"--force-confdef", "--force-confold"}, args...)...)
	cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("dpkg %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// verify runs systemd-analyze verify on a unit; any complaint fails.
func verify(t *testing.T, unit string) {
	t.Helper()
	out, err := exec.Command("systemd-analyze", "verify", unit).CombinedOutput()
	if err != nil || len(bytes.TrimSpace(out)) > 0 {
		t.Errorf("systemd-analyze verify %s: %v\n%s", unit, err, out)
	}
}

func checkFile(t *testing.T, path string, mode os.FileMode, uid, gid int) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Errorf("%v", err)
		return
	}
	st := fi.Sys().(*syscall.Stat_t)
	if fi.Mode() != mode || int(st.Uid) != uid || int(st.Gid) != gid {
		t.Errorf("%s: mode %v, owner %d:%d; want %v, %d:%d", path, fi.Mode(), st.Uid, st.Gid, mode, uid, gid)
	}
}

func passwdLine(t *testing.T, name string) string {
	t.Helper()
	return strings.TrimSpace(run(t, "getent", "passwd", name))
}

// runtimeArch is the Debian architecture of this machine.
func runtimeArch(t *testing.T) string {
	t.Helper()
	return strings.TrimSpace(run(t, "dpkg", "--print-architecture"))
}

func mb(n int64) float64 { return float64(n) / 1e6 }
