package main

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/crypto"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/compute"
	"github.com/meadow-net/meadow/crawl"
	"github.com/meadow-net/meadow/node"
)

// Check outcomes of `meadow node doctor`.
const (
	checkOK   = "OK"
	checkWarn = "WARN"
	checkFail = "FAIL"
)

// Thresholds of doctor's checks.
const (
	// clockWarn and clockFail: coordinators admit 30 s of skew (coord's
	// MaxClockSkew) and a signed request lives 2 minutes; past 30 s some
	// of the node's requests are refused.
	clockWarn = 2 * time.Second
	clockFail = 30 * time.Second
	// diskWarn and diskFail: a task's files are a few MB, a compute
	// task's input up to a few hundred.
	diskWarn = 1 << 30
	diskFail = 100 << 20
)

// doctorCheck is one line of the report.
type doctorCheck struct {
	Check   string `json:"check"`
	Status  string `json:"status"`
	Message string `json:"message"`
	Fix     string `json:"fix,omitempty"`
}

// nodeSettings fills `meadow node`'s own flags (cmd's parent) from the
// config file and environment, as `meadow node` would, so that doctor and
// update see the settings the node runs with. It returns the flags and
// which of them were given.
func (a *app) nodeSettings(cmd *cobra.Command) (*pflag.FlagSet, configSource, error) {
	parent := cmd.Parent()
	for parent != nil && parent.Name() != "node" {
		parent = parent.Parent()
	}
	if parent == nil {
		return nil, nil, errors.New("no `" + nodeCmd + "` command")
	}
	src, err := applyConfig(parent, a.configFile(), a.environ)
	if err != nil {
		return nil, nil, usageError(err)
	}
	return parent.Flags(), src, nil
}

// configFile is --config, else MEADOW_CONFIG.
func (a *app) configFile() string {
	if a.configPath != "" {
		return a.configPath
	}
	for _, kv := range a.environ {
		if v, ok := strings.CutPrefix(kv, envPrefix+"CONFIG="); ok {
			return v
		}
	}
	return ""
}

// setting is the value of a node setting: the subcommand's own flag when
// given on its command line, else `meadow node`'s (file, environment or
// default).
func setting(own, node *pflag.FlagSet, name string) string {
	if f := own.Lookup(name); f != nil && f.Changed {
		return f.Value.String()
	}
	if f := node.Lookup(name); f != nil {
		if sv, ok := f.Value.(pflag.SliceValue); ok {
			return strings.Join(sv.GetSlice(), ",")
		}
		return f.Value.String()
	}
	return ""
}

func newNodeDoctorCmd(a *app) *cobra.Command {
	var dataDir, network, chromium string
	cmd := &cobra.Command{
		Use:   "doctor",
		Short: "Check what the node needs: coordinators, clock, Chromium, GPU, disk, caps, key, updates",
		Long: `Check, without starting the node, everything it depends on, with the settings
it would run with (the same --config, environment and flags as meadow node):
each coordinator's reachability and answer time, this machine's clock against
theirs, Chromium (pages that need JavaScript), the GPU and NVIDIA's library,
free disk in the data dir, the caps in force, the key file's permissions and
whether a new release is there. Each line says OK, WARN or FAIL and what to
do; the exit code is 1 when any line is FAIL.`,
		Example: `  meadow node doctor --config ~/.meadow/node.toml
  meadow node doctor --network network.json --data-dir ~/.meadow --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			nf, src, err := a.nodeSettings(cmd)
			if err != nil {
				return err
			}
			own := cmd.Flags()
			d := doctor{
				dataDir:   setting(own, nf, "data-dir"),
				network:   setting(own, nf, "network"),
				chromium:  setting(own, nf, "chromium"),
				renderJS:  setting(own, nf, "render-js") == "true",
				noGPU:     setting(own, nf, "no-gpu") == "true",
				auto:      setting(own, nf, "auto-update") == "true",
				nodeFlags: nf, given: src, roots: a.coordRoots,
			}
			if c := setting(own, nf, "coord"); c != "" {
				d.coords = splitList(c)
			}
			if d.dataDir == "" {
				d.dataDir = defaultNodeDataDir()
			}
			if d.network == "" {
				d.network = initNetworkCopy(d.dataDir)
			}
			ctx, cancel := context.WithTimeout(cmdContext(cmd), 2*time.Minute)
			defer cancel()
			checks := d.run(ctx)
			failed := 0
			for _, c := range checks {
				if c.Status == checkFail {
					failed++
				}
			}
			if a.jsonOut {
				if err := a.printJSON(struct {
					OK     bool          `json:"ok"`
					Checks []doctorCheck `json:"checks"`
				}{failed == 0, checks}); err != nil {
					return err
				}
			} else {
				printChecks(a.stdout, checks)
			}
			if failed > 0 {
				return &exitError{code: exitFailure, err: fmt.Errorf("node doctor: %d of %d checks failed", failed, len(checks))}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&dataDir, "data-dir", "", "the node's data dir (default: the node's setting, else ~/.meadow)")
	f.StringVar(&network, "network", "", "the network file (default: the node's setting, else the copy "+nodeCmd+" init keeps in the data dir)")
	f.StringVar(&chromium, "chromium", "", "Chromium binary (default: the node's setting, else found on the PATH)")
	return cmd
}

func printChecks(w io.Writer, checks []doctorCheck) {
	width := 0
	for _, c := range checks {
		width = max(width, len(c.Check))
	}
	for _, c := range checks {
		fmt.Fprintf(w, "%-4s  %-*s  %s\n", c.Status, width, c.Check, c.Message)
		if c.Fix != "" {
			fmt.Fprintf(w, "      %-*s  fix: %s\n", width, "", c.Fix)
		}
	}
}

// doctor holds the settings the checks look at.
type doctor struct {
	dataDir, network, chromium string
	renderJS, noGPU, auto      bool
	coords                     []string
	nodeFlags                  *pflag.FlagSet
	given                      configSource
	net                        *api.Network
	// roots is --coord-ca's pool with the network file's coordinator_ca
	// (nil: the system's roots).
	roots *x509.CertPool
}

func (d *doctor) run(ctx context.Context) []doctorCheck {
	var out []doctorCheck
	add := func(c doctorCheck) { out = append(out, c) }
	add(d.checkNetwork())
	add(d.checkKey())
	if len(d.coords) == 0 && d.net != nil {
		d.coords = d.net.Coordinators
	}
	out = append(out, d.checkCoordinators(ctx)...)
	add(d.checkChromium())
	add(d.checkGPU())
	add(d.checkDisk())
	add(d.checkCaps())
	add(d.checkUpdates(ctx))
	return out
}

func (d *doctor) checkNetwork() doctorCheck {
	c := doctorCheck{Check: "network"}
	if d.network == "" {
		c.Status, c.Message = checkFail, "no network file given"
		c.Fix = "run " + nodeCmd + " init, or give --network FILE (a release ships network.json)"
		return c
	}
	n, err := api.LoadNetwork(d.network)
	if err != nil {
		c.Status, c.Message, c.Fix = checkFail, err.Error(), "give the network file your release shipped (or run "+nodeCmd+" init again)"
		return c
	}
	d.net = &n
	d.roots = networkRoots(d.roots, n)
	c.Status = checkOK
	c.Message = fmt.Sprintf("%s: chain %d, %d coordinators (%s)", n.Name, n.ChainID, len(n.Coordinators), d.network)
	return c
}

func (d *doctor) checkKey() doctorCheck {
	c := doctorCheck{Check: "key"}
	path := filepath.Join(d.dataDir, node.KeyFile)
	key, err := loadNodeKey(d.dataDir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		c.Status, c.Message, c.Fix = checkWarn, "no key in "+d.dataDir+" yet: the node creates one on its first start", "run "+nodeCmd+" init to create it now and back it up"
	case err != nil && strings.Contains(err.Error(), "has mode"):
		c.Status, c.Message, c.Fix = checkFail, err.Error(), "chmod 600 "+shellQuote(path)+" (others could read it and claim your rewards; the node refuses to start)"
	case err != nil:
		c.Status, c.Message, c.Fix = checkFail, err.Error(), "restore the key from your backup with "+nodeCmd+" key import FILE"
	default:
		c.Status = checkOK
		c.Message = fmt.Sprintf("%s, readable by you only: address %s", path, crypto.PubkeyToAddress(key.PublicKey).Hex())
	}
	return c
}

// coordAnswer is one coordinator's answer to the probes.
type coordAnswer struct {
	url     string
	rtt     time.Duration
	err     error
	offset  time.Duration // the coordinator's clock minus ours
	clockOK bool
}

// probeCoordinator times GET /healthz and estimates the clock offset from
// GET /v1/cluster/status (its now_ms) as NTP does: against the midpoint of
// the request's round trip.
func probeCoordinator(ctx context.Context, base string, roots *x509.CertPool) coordAnswer {
	ans := coordAnswer{url: base}
	base = strings.TrimRight(base, "/")
	cl := &http.Client{Timeout: 5 * time.Second, Transport: coordTransport(roots)}
	get := func(path string) ([]byte, time.Time, time.Time, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+path, nil)
		if err != nil {
			return nil, time.Time{}, time.Time{}, err
		}
		start := time.Now()
		resp, err := cl.Do(req)
		if err != nil {
			return nil, start, time.Now(), err
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		end := time.Now()
		if err == nil && resp.StatusCode != http.StatusOK {
			err = fmt.Errorf("answered %s", resp.Status)
		}
		return body, start, end, err
	}
	_, start, end, err := get("/healthz")
	if err != nil {
		ans.err = err
		return ans
	}
	ans.rtt = end.Sub(start)
	body, start, end, err := get("/v1/cluster/status")
	var st struct {
		NowMillis int64 `json:"now_ms"`
	}
	if err == nil && json.Unmarshal(body, &st) == nil && st.NowMillis > 0 {
		mid := start.Add(end.Sub(start) / 2)
		ans.offset, ans.clockOK = time.UnixMilli(st.NowMillis).Sub(mid), true
	}
	return ans
}

func (d *doctor) checkCoordinators(ctx context.Context) []doctorCheck {
	if len(d.coords) == 0 {
		return []doctorCheck{{Check: "coordinators", Status: checkFail, Message: "none known", Fix: "give the network file (--network) or --coord URL"}}
	}
	answers := make([]coordAnswer, len(d.coords))
	var wg sync.WaitGroup
	for i, u := range d.coords {
		wg.Add(1)
		go func() { defer wg.Done(); answers[i] = probeCoordinator(ctx, u, d.roots) }()
	}
	wg.Wait()
	var out []doctorCheck
	var offsets []time.Duration
	reached := 0
	for _, ans := range answers {
		c := doctorCheck{Check: "coordinator " + ans.url}
		if ans.err != nil {
			c.Status, c.Message = checkFail, "unreachable: "+ans.err.Error()
			c.Fix = "the node fails over to the others; if none answers, check this machine's internet connection, a firewall, or whether the network file is current"
		} else {
			reached++
			c.Status, c.Message = checkOK, fmt.Sprintf("answered in %s", ans.rtt.Round(time.Millisecond))
			if ans.clockOK {
				offsets = append(offsets, ans.offset)
			}
		}
		out = append(out, c)
	}
	clock := doctorCheck{Check: "clock"}
	if len(offsets) == 0 {
		clock.Status, clock.Message = checkWarn, "not compared: no coordinator told its time"
	} else {
		slices.Sort(offsets)
		med := offsets[len(offsets)/2]
		abs := med
		if abs < 0 {
			abs = -abs
		}
		dir := "behind"
		if med < 0 {
			dir = "ahead of"
		}
		clock.Message = fmt.Sprintf("this machine is %s %s the coordinators' clocks (median of %d)", abs.Round(time.Millisecond), dir, len(offsets))
		switch {
		case abs > clockFail:
			clock.Status = checkFail
			clock.Fix = "turn on time synchronisation (timedatectl set-ntp true, or your system's NTP setting): coordinators refuse signed requests this far off"
		case abs > clockWarn:
			clock.Status = checkWarn
			clock.Fix = "turn on time synchronisation (timedatectl set-ntp true, or your system's NTP setting)"
		default:
			clock.Status = checkOK
		}
	}
	out = append(out, clock)
	return out
}

func (d *doctor) checkChromium() doctorCheck {
	c := doctorCheck{Check: "chromium"}
	p, err := crawl.FindChromium(d.chromium)
	switch {
	case err == nil && d.renderJS:
		c.Status, c.Message = checkOK, p+": the node takes pages that need JavaScript"
	case err == nil:
		c.Status, c.Message = checkOK, p+" is there; the node takes pages that need JavaScript only with render-js = true"
	case d.renderJS:
		c.Status, c.Message = checkFail, "not found, and render-js is on: the node cannot take the pages that need JavaScript it offers to"
		c.Fix = "install Chromium (apt-get install chromium, or your system's package), give its path with --chromium, or set render-js = false"
	default:
		c.Status, c.Message = checkWarn, "not found: the node cannot take pages that need JavaScript, only plain HTML pages"
		c.Fix = "install Chromium (apt-get install chromium, or your system's package) and set render-js = true to take them"
	}
	return c
}

func (d *doctor) checkGPU() doctorCheck {
	c := doctorCheck{Check: "gpu"}
	if d.noGPU {
		c.Status, c.Message = checkOK, "off by your setting (no-gpu): compute work runs on the CPU"
		return c
	}
	dev := compute.Discover()
	if dev.CPUOnly {
		c.Status, c.Message = checkWarn, "none usable ("+dev.Reason+"): compute work runs on the CPU, GPU tasks are not offered to this node"
		c.Fix = "on a machine with an NVIDIA GPU, install its driver (it brings NVML, libnvidia-ml); otherwise nothing to do"
		return c
	}
	c.Status, c.Message = checkOK, "NVML finds "+dev.String()
	return c
}

func (d *doctor) checkDisk() doctorCheck {
	c := doctorCheck{Check: "disk"}
	dir := d.dataDir
	for {
		if _, err := os.Stat(dir); err == nil {
			break
		}
		up := filepath.Dir(dir)
		if up == dir {
			break
		}
		dir = up
	}
	free, err := diskFree(dir)
	switch {
	case err != nil:
		c.Status, c.Message = checkWarn, fmt.Sprintf("free space in %s: %v", d.dataDir, err)
	case free < diskFail:
		c.Status, c.Message = checkFail, fmt.Sprintf("%s free in %s: too little for a task's files", humanBytes(int64(free)), d.dataDir)
		c.Fix = "free some space on that disk, or move --data-dir to another"
	case free < diskWarn:
		c.Status, c.Message = checkWarn, fmt.Sprintf("%s free in %s: compute tasks may not fit", humanBytes(int64(free)), d.dataDir)
		c.Fix = "free some space on that disk, or move --data-dir to another"
	default:
		c.Status, c.Message = checkOK, fmt.Sprintf("%s free in %s", humanBytes(int64(free)), d.dataDir)
	}
	return c
}

// checkCaps shows the caps the node would run with: those saved in the
// data dir, with the ones the config file or environment give over them.
func (d *doctor) checkCaps() doctorCheck {
	c := doctorCheck{Check: "caps"}
	l, err := node.LoadLimits(d.dataDir)
	if err != nil {
		c.Status, c.Message, c.Fix = checkFail, err.Error(), "set the caps again with "+nodeCmd+" init"
		return c
	}
	nf := d.nodeFlags
	if nf != nil {
		var perr error
		set := func(name string, fn func(string) error) {
			if d.given[name] != "" {
				if err := fn(nf.Lookup(name).Value.String()); err != nil {
					perr = errors.Join(perr, err)
				}
			}
		}
		set("bytes-per-day", func(s string) (err error) { _, err = fmt.Sscan(s, &l.BytesPerDay); return })
		set("max-concurrent", func(s string) (err error) { _, err = fmt.Sscan(s, &l.MaxConcurrent); return })
		set("pages-per-minute", func(s string) (err error) { _, err = fmt.Sscan(s, &l.PagesPerMinute); return })
		set("gpu-max-util", func(s string) (err error) { _, err = fmt.Sscan(s, &l.GPUMaxUtil); return })
		set("gpu-hours", func(s string) error { l.GPUHours = s; return nil })
		set("hours", func(s string) error { l.Hours = s; return nil })
		if perr != nil {
			c.Status, c.Message = checkFail, perr.Error()
			return c
		}
	}
	if err := l.Validate(); err != nil {
		c.Status, c.Message, c.Fix = checkFail, err.Error(), "correct the setting named in the config file"
		return c
	}
	c.Status, c.Message = checkOK, describeCaps(l, d.noGPU)
	return c
}

func (d *doctor) checkUpdates(ctx context.Context) doctorCheck {
	c := doctorCheck{Check: "updates"}
	if d.net == nil {
		c.Status, c.Message = checkWarn, "not checked: no network file"
		return c
	}
	if d.net.ReleaseSigner == ([20]byte{}) {
		c.Status, c.Message = checkWarn, "this network names no release key (release_signer), so the node cannot check releases"
		c.Fix = "update by hand from the release page; ask the operators for a network file with release_signer"
		return c
	}
	exe, _ := currentExecutable()
	u := &node.Updater{Coordinators: d.coords, Signer: d.net.ReleaseSigner, Version: version, Executable: exe, HTTP: coordClient(d.roots, 10*time.Minute)}
	r, err := u.Check(ctx)
	switch {
	case err != nil:
		c.Status, c.Message = checkWarn, "could not check: "+err.Error()
	case r.Newer:
		c.Status = checkWarn
		c.Message = fmt.Sprintf("%s is available (this is %s)", r.Version, version)
		if d.auto {
			c.Message += "; the running node installs it (auto-update)"
		}
		c.Fix = nodeCmd + " update --apply, then restart the node"
		if _, ok := r.Sums.Lookup(r.Archive); !ok {
			c.Fix = "no archive for this platform (" + r.Archive + "): update by hand"
		}
	case releaseDev(version):
		c.Status, c.Message = checkOK, fmt.Sprintf("the network's release is %s; this is a %s build, which never updates itself", r.Version, version)
	default:
		c.Status, c.Message = checkOK, fmt.Sprintf("up to date (%s; the network's release is %s)", version, r.Version)
	}
	if d.auto && c.Status != checkFail && exe != "" {
		if err := dirWritable(filepath.Dir(exe)); err != nil {
			c.Status = checkWarn
			c.Message += fmt.Sprintf("; auto-update is on but %s cannot be replaced (%v)", exe, err)
			c.Fix = "a node installed by a package updates with the package (apt upgrade); or set auto-update = false"
		}
	}
	return c
}
