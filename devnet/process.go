package devnet

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/meadow-net/meadow/coord"
)

// coordProc is one coordinator run as a `meadow coord` process. A restart
// reuses its addresses and data dir: the addresses are the member's identity
// in the Raft configuration, and the data dir its log.
type coordProc struct {
	bin, id, dir, logPath string
	raftAddr, httpAddr    string
	args                  []string // all but the addresses
	env                   []string
	log                   *slog.Logger
	// checker: the process is a meadow checker, which listens on HTTP
	// only (no --raft-addr).
	checker bool

	mu      sync.Mutex
	cmd     *exec.Cmd
	exited  chan struct{}
	waitErr error
	down    bool // killed or stopped on purpose
}

// errPortTaken is a process that exited at once because one of its ports
// was taken.
var errPortTaken = errors.New("devnet: a coordinator's port is taken")

// startCoordProcesses starts the coordinators as processes of
// cfg.CoordBinary with the settings startCoordinators gives the in-process
// ones, as flags, an operator key file and the cluster token in the
// environment (as an operator passes it). The first bootstraps the cluster;
// the others join through it.
func (n *Network) startCoordProcesses(ctx context.Context) error {
	env := append(childEnviron(os.Environ()), "MEADOW_CLUSTER_TOKEN="+n.token)
	for i := 0; i < n.cfg.Coordinators; i++ {
		id := fmt.Sprintf("c%d", i+1)
		dir := filepath.Join(n.dir, id)
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return fmt.Errorf("devnet: coordinator %s: %w", id, err)
		}
		keyFile := filepath.Join(dir, "operator.key")
		if err := os.WriteFile(keyFile, []byte(hex.EncodeToString(crypto.FromECDSA(n.Chain.Operators[i]))+"\n"), 0o600); err != nil {
			return fmt.Errorf("devnet: coordinator %s: operator key: %w", id, err)
		}
		relayerFile := filepath.Join(dir, "relayer.key")
		if err := os.WriteFile(relayerFile, []byte(hex.EncodeToString(crypto.FromECDSA(n.Chain.Relayers[i]))+"\n"), 0o600); err != nil {
			return fmt.Errorf("devnet: coordinator %s: relayer key: %w", id, err)
		}
		args := []string{"coord", "--log-level", "info", "--id", id, "--data-dir", dir,
			"--chain-id", strconv.FormatUint(n.chainID, 10),
			"--chain-rpc", n.Chain.RPC,
			"--distributor", n.Chain.Addrs.Distributor.Hex(),
			"--registry", n.Chain.Addrs.Registry.Hex(),
			"--deploy-block", strconv.FormatUint(n.Chain.Addrs.DeployBlock, 10),
			"--community-factory", n.Chain.Addrs.CommunityFactory.Hex(),
			"--operator-key", keyFile,
			"--relayer-key", relayerFile,
			"--relay-min-fee-meadow", "0", "--relay-min-fee-stable", "0", // as startMember: a dev chain's ether is free
			"--chain-confirmations", strconv.FormatUint(devChainConfirmations, 10),
			"--chain-poll", devChainPoll.String(),
			"--snapshot-copy=" + strconv.FormatBool(devSnapshotCopy),
			"--domain-min-interval", devDomainMinInterval.String(),
			"--lease-ttl", devLeaseTTL.String(),
			"--reveal-ttl", devRevealTTL.String(),
			"--upload-ttl", devUploadTTL.String(),
			"--dev-job-url-allow-list", "127.0.0.0/8", // the demo site
		}
		if i == 0 {
			args = append(args, "--bootstrap")
		} else {
			args = append(args, "--join", n.CoordURLs[0])
		}
		for _, u := range n.checkerURLs {
			args = append(args, "--checker", u)
		}
		args, penv := objectStoreArgs(args, env, n.objectStore)
		p := &coordProc{bin: n.cfg.CoordBinary, id: id, dir: dir, logPath: filepath.Join(dir, "coord.log"),
			args: args, env: penv, log: n.log.With("coord", id)}
		n.procs = append(n.procs, p)
		if err := p.startNew(ctx); err != nil {
			return err
		}
		n.CoordIDs = append(n.CoordIDs, id)
		n.CoordURLs = append(n.CoordURLs, p.url())
		if i == 0 {
			if err := waitFor(ctx, 30*time.Second, "a leader", func() bool {
				var st coord.Status
				return getJSONWithin(ctx, p.url()+"/v1/cluster/status", &st) == nil && st.State == "Leader"
			}); err != nil {
				return fmt.Errorf("%w (log: %s)", err, p.logPath)
			}
		}
	}
	return waitFor(ctx, 30*time.Second, "every coordinator to join", func() bool {
		var ms []coord.Member
		if getJSONWithin(ctx, n.CoordURLs[0]+"/v1/cluster/members", &ms) != nil {
			return false
		}
		voters := 0
		for _, m := range ms {
			if m.Voter && m.HTTPAddr != "" {
				voters++
			}
		}
		if voters != n.cfg.Coordinators {
			return false
		}
		for _, u := range n.CoordURLs {
			if !httpOK(ctx, u+"/readyz") {
				return false
			}
		}
		return true
	})
}

// childEnviron is environ without MEADOW_* variables: a coordinator refuses
// those that are no setting of it (MEADOW_TEST_SCALE…), and a config file or
// setting of the user's must not change the dev network's coordinators.
func childEnviron(environ []string) []string {
	var out []string
	for _, kv := range environ {
		if !strings.HasPrefix(kv, "MEADOW_") {
			out = append(out, kv)
		}
	}
	return out
}

func (p *coordProc) url() string { return "http://" + p.httpAddr }

// running reports whether the process was started and has not exited.
func (p *coordProc) running() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd == nil {
		return false
	}
	select {
	case <-p.exited:
		return false
	default:
		return true
	}
}

func (p *coordProc) pid() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd == nil || p.cmd.Process == nil {
		return 0
	}
	return p.cmd.Process.Pid
}

// startNew starts the process for the first time, on free ports.
func (p *coordProc) startNew(ctx context.Context) error {
	for attempt := 1; ; attempt++ {
		var err error
		if !p.checker {
			if p.raftAddr, err = freeLoopbackAddr(""); err != nil {
				return err
			}
		}
		if p.httpAddr, err = freeLoopbackAddr(p.raftAddr); err != nil {
			return err
		}
		err = p.launch(ctx)
		if !errors.Is(err, errPortTaken) || attempt == 3 {
			return err
		}
	}
}

// restart starts the process again on its addresses. A port may still be
// held for a moment by a socket of the previous run, so a start that finds
// one taken waits for it and tries again.
func (p *coordProc) restart(ctx context.Context) error {
	for attempt := 1; ; attempt++ {
		err := p.launch(ctx)
		if !errors.Is(err, errPortTaken) || attempt == 5 {
			return err
		}
		if err := waitFor(ctx, 10*time.Second, p.id+"'s ports to be free", func() bool {
			return (p.checker || canBind(p.raftAddr)) && canBind(p.httpAddr)
		}); err != nil {
			return err
		}
	}
}

// launch runs the process and waits until it answers /healthz; errPortTaken
// when it exited because a port was taken.
func (p *coordProc) launch(ctx context.Context) error {
	if err := p.spawn(); err != nil {
		return err
	}
	err := waitFor(ctx, 30*time.Second, p.id+" to serve HTTP", func() bool {
		return !p.running() || httpOK(ctx, p.url()+"/healthz")
	})
	switch {
	case err != nil:
		return fmt.Errorf("%w (log: %s)", err, p.logPath)
	case p.running():
		return nil
	case strings.Contains(p.tail(5), "address already in use"):
		return errPortTaken
	}
	return fmt.Errorf("devnet: coordinator %s exited on start: %v; the end of %s:\n%s", p.id, p.waitErr, p.logPath, p.tail(10))
}

// spawn starts the process, its output appended to its log file.
func (p *coordProc) spawn() error {
	args := slices.Clone(p.args)
	if !p.checker {
		args = append(args, "--raft-addr", p.raftAddr)
	}
	args = append(args, "--http-addr", p.httpAddr)
	logf, err := os.OpenFile(p.logPath, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("devnet: coordinator %s: %w", p.id, err)
	}
	// The child has its own descriptor once started.
	defer logf.Close()
	fmt.Fprintf(logf, "=== %s %s %s\n", time.Now().Format(time.RFC3339), p.bin, strings.Join(args, " "))
	cmd := exec.Command(p.bin, args...)
	cmd.Env = p.env
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = childAttr()
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("devnet: coordinator %s: %w", p.id, err)
	}
	exited := make(chan struct{})
	p.mu.Lock()
	p.cmd, p.exited, p.waitErr, p.down = cmd, exited, nil, false
	p.mu.Unlock()
	go func() {
		err := cmd.Wait()
		p.mu.Lock()
		p.waitErr = err
		down := p.down
		p.mu.Unlock()
		close(exited)
		if !down {
			p.log.Error("coordinator process exited", "pid", cmd.Process.Pid, "err", err, "log", p.logPath)
		}
	}()
	return nil
}

// kill sends SIGKILL and waits until the process is gone.
func (p *coordProc) kill() error {
	p.mu.Lock()
	p.down = true
	cmd, exited := p.cmd, p.exited
	p.mu.Unlock()
	if cmd == nil {
		return nil
	}
	if err := cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("devnet: kill coordinator %s: %w", p.id, err)
	}
	<-exited
	return nil
}

// stop sends SIGTERM, which a coordinator answers by closing its Raft log
// cleanly, and SIGKILL if it has not exited within grace.
func (p *coordProc) stop(grace time.Duration) {
	p.mu.Lock()
	p.down = true
	cmd, exited := p.cmd, p.exited
	p.mu.Unlock()
	if cmd == nil {
		return
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-exited:
	case <-time.After(grace):
		p.log.Warn("coordinator process did not stop on SIGTERM; killing it", "grace", grace)
		_ = p.kill()
	}
}

// tail returns the last n lines of the process's log.
func (p *coordProc) tail(n int) string {
	data, err := os.ReadFile(p.logPath)
	if err != nil {
		return err.Error()
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	return strings.Join(lines[max(len(lines)-n, 0):], "\n")
}

// freeLoopbackAddr picks a free port on 127.0.0.1 other than not, below
// Linux's range of ephemeral ports (32768 and up): a coordinator restarted
// after a kill needs its port back, and one from the ephemeral range may
// meanwhile have become the source port of some client connection.
func freeLoopbackAddr(not string) (string, error) {
	for range 100 {
		addr := fmt.Sprintf("127.0.0.1:%d", 20000+rand.IntN(12000))
		if addr != not && canBind(addr) {
			return addr, nil
		}
	}
	return "", errors.New("devnet: no free port on 127.0.0.1 between 20000 and 32000")
}

func canBind(addr string) bool {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return false
	}
	l.Close()
	return true
}

// httpOK reports whether GET u answers 200 within two seconds.
func httpOK(ctx context.Context, u string) bool {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return false
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// getJSONWithin is getJSON that gives up after five seconds.
func getJSONWithin(ctx context.Context, u string, out any) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	return getJSON(ctx, u, out)
}

// ProcessMode reports whether the coordinators run as processes
// (Config.CoordBinary).
func (n *Network) ProcessMode() bool { return n.cfg.CoordBinary != "" }

func (n *Network) proc(i int) (*coordProc, error) {
	if !n.ProcessMode() {
		return nil, ErrInProcess
	}
	if i < 0 || i >= len(n.procs) {
		return nil, fmt.Errorf("devnet: coordinator %d: expected 0 to %d", i, len(n.procs)-1)
	}
	return n.procs[i], nil
}

// KillCoordinator sends SIGKILL to the process of coordinator i (an index
// into CoordURLs) and waits until it is gone: no clean shutdown, no flush.
// The others carry on, and the nodes and buyers fail over to them. It
// returns ErrInProcess when the coordinators run in this process.
func (n *Network) KillCoordinator(i int) error {
	p, err := n.proc(i)
	if err != nil {
		return err
	}
	if !p.running() {
		return fmt.Errorf("devnet: coordinator %s is not running", p.id)
	}
	n.log.Warn("SIGKILL coordinator", "id", p.id, "pid", p.pid())
	return p.kill()
}

// RestartCoordinator starts coordinator i's process again, on its addresses
// and from its data dir, and waits until it serves HTTP; it then catches up
// with the others from their log. It returns ErrInProcess when the
// coordinators run in this process.
func (n *Network) RestartCoordinator(ctx context.Context, i int) error {
	p, err := n.proc(i)
	if err != nil {
		return err
	}
	if p.running() {
		return fmt.Errorf("devnet: coordinator %s is running", p.id)
	}
	n.log.Info("restarting coordinator", "id", p.id)
	return p.restart(ctx)
}

// CoordinatorRunning reports whether coordinator i runs: always, in
// process; for a process, until it is killed or exits.
func (n *Network) CoordinatorRunning(i int) bool {
	if !n.ProcessMode() {
		return i >= 0 && i < len(n.CoordURLs)
	}
	p, err := n.proc(i)
	return err == nil && p.running()
}

// LeaderIndex returns the index in CoordURLs of the coordinator that says
// it leads, asking the running ones over HTTP; an error when none does.
func (n *Network) LeaderIndex(ctx context.Context) (int, error) {
	for i, u := range n.CoordURLs {
		if !n.CoordinatorRunning(i) {
			continue
		}
		var st coord.Status
		if err := getJSONWithin(ctx, u+"/v1/cluster/status", &st); err == nil && st.State == "Leader" && st.Leader == st.ID {
			return i, nil
		}
	}
	return -1, errors.New("devnet: no coordinator leads")
}

// liveURL returns the URL of a running coordinator: the i-th of those that
// run, counting round, so that callers spread over them and skip a killed
// one.
func (n *Network) liveURL(i int) string {
	var live []string
	for j, u := range n.CoordURLs {
		if n.CoordinatorRunning(j) {
			live = append(live, u)
		}
	}
	if len(live) == 0 {
		return n.CoordURLs[((i%len(n.CoordURLs))+len(n.CoordURLs))%len(n.CoordURLs)]
	}
	return live[((i%len(live))+len(live))%len(live)]
}

// stopProcesses stops every coordinator process at once.
func (n *Network) stopProcesses() {
	var wg sync.WaitGroup
	for _, p := range n.procs {
		wg.Go(func() { p.stop(15 * time.Second) })
	}
	wg.Wait()
}

// objectStoreArgs adds the flags of an object store to a coordinator's
// command line, with its credentials in a file (--object-store-credentials-file)
// or the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY) as an
// operator passes them, never on the command line.
func objectStoreArgs(args, env []string, o *coord.ObjectStoreConfig) ([]string, []string) {
	if o == nil {
		return args, env
	}
	args = append(args, "--object-store-endpoint", o.Endpoint, "--object-store-bucket", o.Bucket)
	if o.Region != "" {
		args = append(args, "--object-store-region", o.Region)
	}
	if o.Prefix != "" {
		args = append(args, "--object-store-prefix", o.Prefix)
	}
	if o.UseTLS {
		args = append(args, "--object-store-tls")
	}
	if o.Verify != "" {
		args = append(args, "--object-store-verify", o.Verify)
	}
	if o.CredentialsFile != "" {
		return append(args, "--object-store-credentials-file", o.CredentialsFile), env
	}
	env = append(slices.Clone(env), "AWS_ACCESS_KEY_ID="+o.AccessKey, "AWS_SECRET_ACCESS_KEY="+o.SecretKey)
	return args, env
}
