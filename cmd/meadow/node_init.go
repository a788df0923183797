package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"golang.org/x/term"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/crawl"
	"github.com/meadow-net/meadow/node"
)

// NetworkFileName is the network file's name where a release ships it
// (beside the binary) and where `meadow node init` keeps its copy (in the
// data dir).
const NetworkFileName = "network.json"

// NodeConfigName is the config file `meadow node init` writes in the data
// dir unless told another path.
const NodeConfigName = "node.toml"

// CoordCAFileName is the copy of --coord-ca that init keeps in the data dir.
const CoordCAFileName = "coord-ca.pem"

// defaultNodeDataDir is ~/.meadow, the data dir the examples use.
func defaultNodeDataDir() string {
	home, err := os.UserHomeDir()
	if err != nil {
		return ".meadow"
	}
	return filepath.Join(home, ".meadow")
}

// shippedNetworkFile is the network file a release or package installed:
// beside the binary, then the package's places. "" when there is none.
func shippedNetworkFile() string {
	var try []string
	if exe, err := os.Executable(); err == nil {
		try = append(try, filepath.Join(filepath.Dir(exe), NetworkFileName))
	}
	try = append(try, "/etc/meadow/"+NetworkFileName, "/usr/share/meadow/"+NetworkFileName)
	for _, p := range try {
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			return p
		}
	}
	return ""
}

// initNetworkCopy is the network file init copied into dataDir, or "".
func initNetworkCopy(dataDir string) string {
	p := filepath.Join(dataDir, NetworkFileName)
	if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
		return p
	}
	return ""
}

// given reports whether a setting was given on the command line, in the
// config file or in the environment (not left at its default).
func (a *app) given(fl *pflag.FlagSet, name string) bool {
	return fl.Changed(name) || a.sources[name] != ""
}

// applyNodeNetwork reads `meadow node`'s --network file (default: the copy
// init keeps in the data dir, when no --coord is given) and takes the
// coordinators and chain id from it where they were not given.
func applyNodeNetwork(a *app, fl *pflag.FlagSet, path string, cfg *node.Config) (*api.Network, error) {
	return a.networkDefaults(fl, path, cfg.DataDir, &cfg.Coordinators, &cfg.ChainID)
}

// networkDefaults reads the network file at path (default: the copy init
// keeps in dataDir, when no --coord is given) and fills coord and chainID
// from it where --coord and --chain-id were not given; a chain id given
// that differs from the file's is refused, since every signature would
// then be made in the wrong domain. It returns nil when there is no file.
func (a *app) networkDefaults(fl *pflag.FlagSet, path, dataDir string, coord *[]string, chainID *uint64) (*api.Network, error) {
	coordGiven := a.given(fl, "coord") && len(*coord) > 0
	if path == "" && !coordGiven && dataDir != "" {
		path = initNetworkCopy(dataDir) // a data dir set up by init
	}
	if path == "" {
		return nil, nil
	}
	n, err := api.LoadNetwork(path)
	if err != nil {
		return nil, usageError(fmt.Errorf("--network: %w", err))
	}
	if !coordGiven {
		*coord = n.Coordinators
	}
	a.trustNetworkCA(n)
	if err := a.networkChainID(fl, path, n, chainID); err != nil {
		return nil, err
	}
	return &n, nil
}

// networkChainID takes --chain-id from the network file n (read from path)
// when it was not given, and refuses one given that differs from the
// file's: every signature would then be made in the wrong domain.
func (a *app) networkChainID(fl *pflag.FlagSet, path string, n api.Network, chainID *uint64) error {
	if !a.given(fl, "chain-id") {
		*chainID = n.ChainID
	} else if *chainID != n.ChainID {
		return usageError(fmt.Errorf("--chain-id %d: the network file %s says chain %d; leave --chain-id out to use it", *chainID, path, n.ChainID))
	}
	return nil
}

// nodeInit is what `meadow node init` settles, from flags or answers.
type nodeInit struct {
	network     string
	dataDir     string
	configOut   string
	bytesPerDay string
	concurrency int
	noGPU       bool
	gpuMaxUtil  int
	gpuHours    string
	hours       string
	renderJS    bool
	autoUpdate  bool
}

// initResult is what init did, as --json prints it.
type initResult struct {
	Network     string      `json:"network"`
	NetworkName string      `json:"network_name"`
	ChainID     uint64      `json:"chain_id"`
	DataDir     string      `json:"data_dir"`
	KeyFile     string      `json:"key_file"`
	KeyCreated  bool        `json:"key_created"`
	Address     string      `json:"address"`
	Config      string      `json:"config"`
	Limits      node.Limits `json:"limits"`
	NoGPU       bool        `json:"no_gpu"`
	RenderJS    bool        `json:"render_js"`
	AutoUpdate  bool        `json:"auto_update"`
	Start       string      `json:"start"`
	Backup      string      `json:"backup"`
}

func newNodeInitCmd(a *app) *cobra.Command {
	def := node.DefaultLimits()
	in := nodeInit{concurrency: def.MaxConcurrent, gpuMaxUtil: def.GPUMaxUtil, bytesPerDay: humanBytes(def.BytesPerDay)}
	var yes, interactive bool
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Set up a home node: its network, key, caps and updates, in a config file",
		Long: `Set up a home node. On a terminal it asks; otherwise (or with --yes) it takes
the flags and defaults. It reads the network file (a release ships
network.json; meadow operator deploy writes one), so there is no coordinator
URL or chain id to type; creates the node's key in the data dir (0600), or
keeps the one there; sets your caps; asks whether the node may update itself;
and writes a config file, whose path it prints. It starts nothing: run the
command it prints when you are ready.`,
		Example: `  meadow node init
  meadow node init --yes --network network.json --data-dir ~/.meadow --bytes-per-day 5GiB --auto-update`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fl := cmd.Flags()
			if in.dataDir == "" {
				in.dataDir = defaultNodeDataDir()
			}
			prompt := interactive || (!yes && isTerminal(cmd.InOrStdin()))
			if !prompt {
				if in.network == "" {
					in.network = shippedNetworkFile()
				}
				return a.runNodeInit(in)
			}
			p := &prompter{in: bufio.NewReader(cmd.InOrStdin()), out: a.stderr}
			return a.promptNodeInit(p, fl, in)
		},
	}
	f := cmd.Flags()
	f.StringVar(&in.network, "network", "", "the network file (default: the network.json shipped beside the binary or in /etc/meadow)")
	f.StringVar(&in.dataDir, "data-dir", "", "directory for the node's key, caps and state (default ~/.meadow)")
	f.StringVar(&in.configOut, "write-config", "", "where to write the config file (default DATA_DIR/node.toml)")
	f.StringVar(&in.bytesPerDay, "bytes-per-day", in.bytesPerDay, "cap on bytes downloaded per UTC day (bytes, or with KiB, MiB, GiB, TiB, KB, MB, GB, TB)")
	f.IntVar(&in.concurrency, "max-concurrent", in.concurrency, "cap on fetches at once")
	f.BoolVar(&in.noGPU, "no-gpu", false, "never use the GPU")
	f.IntVar(&in.gpuMaxUtil, "gpu-max-util", in.gpuMaxUtil, "use the GPU only while its utilization (%) is below this (it is idle)")
	f.StringVar(&in.gpuHours, "gpu-hours", "", "local hours the GPU may be used, HH-HH (empty: any time)")
	f.StringVar(&in.hours, "hours", "", "local hours the node takes any work, HH-HH such as 22-07 (empty: any time)")
	f.BoolVar(&in.renderJS, "render-js", false, "take pages that need JavaScript (runs Chromium)")
	f.BoolVar(&in.autoUpdate, "auto-update", false, "let the node update itself to releases signed by the network's release key")
	f.BoolVar(&yes, "yes", false, "ask nothing: take the flags and defaults even on a terminal")
	f.BoolVar(&interactive, "interactive", false, "ask even when standard input is not a terminal (answers one a line)")
	return cmd
}

// isTerminal reports whether r is a terminal.
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// parseBytes reads a size: bytes, or a number with a unit (KiB…TiB in
// powers of 1024, KB…TB in powers of 1000).
func parseBytes(field, s string) (int64, error) {
	t := strings.TrimSpace(s)
	units := []struct {
		suffix string
		mult   float64
	}{{"TiB", 1 << 40}, {"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"TB", 1e12}, {"GB", 1e9}, {"MB", 1e6}, {"KB", 1e3}, {"B", 1}}
	mult := 1.0
	for _, u := range units {
		if rest, ok := strings.CutSuffix(t, u.suffix); ok {
			t, mult = strings.TrimSpace(rest), u.mult
			break
		}
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || !(v >= 0 && v*mult <= 1<<62) || t == "" { // also refuses NaN and Inf
		return 0, fmt.Errorf("%s %q: expected a size such as 2GiB, 500MB or a number of bytes", field, s)
	}
	return int64(v * mult), nil
}

// limits turns the answers into caps, checked.
func (in nodeInit) limits() (node.Limits, error) {
	l := node.DefaultLimits()
	b, err := parseBytes("--bytes-per-day", in.bytesPerDay)
	if err != nil {
		return l, err
	}
	l.BytesPerDay, l.MaxConcurrent, l.GPUMaxUtil, l.GPUHours, l.Hours = b, in.concurrency, in.gpuMaxUtil, in.gpuHours, in.hours
	if err := l.Validate(); err != nil {
		return l, err
	}
	return l, nil
}

// runNodeInit checks every answer first, then writes: a refused answer
// leaves the data dir and config as they were.
func (a *app) runNodeInit(in nodeInit) error {
	if in.network == "" {
		return usageError(errors.New("--network: expected the network file (a release ships network.json; meadow operator deploy writes one)"))
	}
	netw, err := api.LoadNetwork(in.network)
	if err != nil {
		return usageError(fmt.Errorf("--network: %w", err))
	}
	lim, err := in.limits()
	if err != nil {
		return usageError(err)
	}
	dataDir, err := filepath.Abs(in.dataDir)
	if err != nil {
		return usageError(fmt.Errorf("--data-dir %q: %w", in.dataDir, err))
	}
	out := in.configOut
	if out == "" {
		out = filepath.Join(dataDir, NodeConfigName)
	}
	if out, err = filepath.Abs(out); err != nil {
		return usageError(fmt.Errorf("--write-config: %w", err))
	}
	if st, err := os.Stat(dataDir); err == nil && !st.IsDir() {
		return usageError(fmt.Errorf("--data-dir %s: expected a directory, found a file", dataDir))
	}

	keyFile := filepath.Join(dataDir, node.KeyFile)
	_, statErr := os.Stat(keyFile)
	created := errors.Is(statErr, fs.ErrNotExist)
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return fmt.Errorf("--data-dir: %w", err)
	}
	id, err := node.LoadOrCreateIdentity(dataDir)
	if err != nil {
		return err
	}
	// The node reads its own copy, so that the config keeps working when
	// the downloaded file moves.
	netCopy := filepath.Join(dataDir, NetworkFileName)
	if err := api.WriteNetwork(netCopy+".tmp", netw); err != nil {
		return err
	}
	if err := os.Rename(netCopy+".tmp", netCopy); err != nil {
		return err
	}
	if err := node.SaveLimits(dataDir, lim); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return fmt.Errorf("--write-config: %w", err)
	}
	// --coord-ca is copied beside the network file, so that the node's
	// config names everything it needs inside its data dir.
	caCopy := ""
	if a.coordCA != "" {
		b, err := os.ReadFile(a.coordCA)
		if err != nil {
			return fmt.Errorf("--coord-ca: %w", err)
		}
		caCopy = filepath.Join(dataDir, CoordCAFileName)
		if err := writeFileAtomic(caCopy, b, 0o644); err != nil {
			return fmt.Errorf("--coord-ca: %w", err)
		}
	}
	if err := writeFileAtomic(out, nodeConfigText(in, netCopy, caCopy, dataDir, lim, out), 0o644); err != nil {
		return fmt.Errorf("--write-config: %w", err)
	}

	res := initResult{
		Network: netCopy, NetworkName: netw.Name, ChainID: netw.ChainID, DataDir: dataDir, KeyFile: keyFile,
		KeyCreated: created, Address: id.Address.Hex(), Config: out, Limits: lim, NoGPU: in.noGPU,
		RenderJS: in.renderJS, AutoUpdate: in.autoUpdate,
		Start:  nodeCmd + " --config " + shellQuote(out),
		Backup: nodeCmd + " key export --data-dir " + shellQuote(dataDir) + " --out FILE",
	}
	if a.jsonOut {
		return a.printJSON(res)
	}
	w := a.stdout
	fmt.Fprintf(w, "network   %s (chain %d, %d coordinators), copied to %s\n", netw.Name, netw.ChainID, len(netw.Coordinators), netCopy)
	if created {
		fmt.Fprintf(w, "key       created %s (readable by you only)\n", keyFile)
	} else {
		fmt.Fprintf(w, "key       kept the one in %s\n", keyFile)
	}
	fmt.Fprintf(w, "address   %s: the node's identity and the account its rewards go to\n", res.Address)
	fmt.Fprintf(w, "back up   %s\n", res.Backup)
	fmt.Fprintf(w, "          and keep FILE offline: whoever holds the key can claim the rewards; without it they are lost\n")
	fmt.Fprintf(w, "caps      %s\n", describeCaps(lim, in.noGPU))
	if in.autoUpdate {
		fmt.Fprintf(w, "updates   automatic: releases signed by %s are installed and the node restarts into them\n", releaseSigner(netw))
	} else {
		fmt.Fprintf(w, "updates   not automatic: "+nodeCmd+" doctor says when one is there; "+nodeCmd+" update --apply installs it\n")
	}
	fmt.Fprintf(w, "config    %s\n", out)
	fmt.Fprintf(w, "start     %s\n", res.Start)
	return nil
}

func releaseSigner(n api.Network) string {
	if n.ReleaseSigner == ([20]byte{}) {
		return "the release key (this network names none yet, so none will be installed)"
	}
	return n.ReleaseSigner.Hex()
}

// describeCaps says the caps in words.
func describeCaps(l node.Limits, noGPU bool) string {
	s := fmt.Sprintf("%s a day, %d fetches at once, %d pages a minute", humanBytes(l.BytesPerDay), l.MaxConcurrent, l.PagesPerMinute)
	if l.Hours != "" {
		s += fmt.Sprintf(", working between %s h only", l.Hours)
	}
	switch {
	case noGPU:
		s += ", no GPU"
	case l.GPUHours != "":
		s += fmt.Sprintf(", GPU only while below %d%% use and between %s h", l.GPUMaxUtil, l.GPUHours)
	default:
		s += fmt.Sprintf(", GPU only while below %d%% use", l.GPUMaxUtil)
	}
	return s
}

// nodeConfigText is the [node] table init writes: keys are `meadow node`
// flags, so the file reads like the command line it replaces.
func nodeConfigText(in nodeInit, network, coordCA, dataDir string, l node.Limits, path string) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# Written by `"+nodeCmd+" init` on %s. Start the node with\n#   "+nodeCmd+" --config %s\n", time.Now().UTC().Format(time.DateOnly), path)
	fmt.Fprintf(&b, "# Every key is a flag of `"+nodeCmd+"` (see "+nodeCmd+" --help); flags given\n# on the command line override this file. Check it with "+nodeCmd+" doctor --config %s\n", path)
	kv := func(k string, v any) {
		if s, ok := v.(string); ok {
			v = strconv.Quote(s)
		}
		fmt.Fprintf(&b, "%s = %v\n", k, v)
	}
	if coordCA != "" {
		kv("coord-ca", coordCA) // a flag of every command: before any table
	}
	b.WriteString("[node]\n")
	kv("network", network)
	kv("data-dir", dataDir)
	kv("bytes-per-day", l.BytesPerDay)
	kv("max-concurrent", l.MaxConcurrent)
	kv("gpu-max-util", l.GPUMaxUtil)
	kv("gpu-hours", l.GPUHours)
	kv("hours", l.Hours)
	kv("no-gpu", in.noGPU)
	kv("render-js", in.renderJS)
	kv("auto-update", in.autoUpdate)
	return b.Bytes()
}

func writeFileAtomic(path string, data []byte, mode os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

func shellQuote(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t\n'\"\\$`!*?[]{}()<>|&;#~") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// prompter asks questions one line at a time.
type prompter struct {
	in  *bufio.Reader
	out io.Writer
}

// ask prints the question with its default and returns the answer (the
// default for an empty line), re-asking while check refuses it.
func (p *prompter) ask(question, def string, check func(string) error) (string, error) {
	for tries := 0; ; tries++ {
		if def != "" {
			fmt.Fprintf(p.out, "%s [%s]: ", question, def)
		} else {
			fmt.Fprintf(p.out, "%s: ", question)
		}
		line, err := p.in.ReadString('\n')
		if err != nil && (line == "" || !errors.Is(err, io.EOF)) {
			if errors.Is(err, io.EOF) {
				return "", fmt.Errorf("no answer to %q (standard input ended)", question)
			}
			return "", err
		}
		ans := strings.TrimSpace(line)
		if ans == "" {
			ans = def
		}
		cerr := check(ans)
		if cerr == nil {
			return ans, nil
		}
		fmt.Fprintf(p.out, "  %v\n", cerr)
		if tries >= 4 {
			return "", cerr
		}
	}
}

// yesNo asks a yes/no question.
func (p *prompter) yesNo(question string, def bool) (bool, error) {
	d := "y/N"
	if def {
		d = "Y/n"
	}
	var v bool
	_, err := p.ask(question+" ("+d+")", "", func(s string) error {
		switch strings.ToLower(s) {
		case "":
			v = def
		case "y", "yes":
			v = true
		case "n", "no":
			v = false
		default:
			return fmt.Errorf("%q: expected y or n", s)
		}
		return nil
	})
	return v, err
}

// promptNodeInit asks for each setting a flag did not give, then runs init.
func (a *app) promptNodeInit(p *prompter, fl *pflag.FlagSet, in nodeInit) error {
	fmt.Fprintln(p.out, "Setting up a Meadow node. Press Enter to take the value in brackets.")
	var err error
	ask := func(name, question string, target *string, check func(string) error) {
		if err != nil || fl.Changed(name) {
			return
		}
		*target, err = p.ask(question, *target, check)
	}
	askInt := func(name, question string, target *int, check func(int) error) {
		if err != nil || fl.Changed(name) {
			return
		}
		_, err = p.ask(question, strconv.Itoa(*target), func(s string) error {
			v, perr := strconv.Atoi(s)
			if perr != nil {
				return fmt.Errorf("%q: expected a whole number", s)
			}
			if cerr := check(v); cerr != nil {
				return cerr
			}
			*target = v
			return nil
		})
	}
	askYes := func(name, question string, target *bool) {
		if err != nil || fl.Changed(name) {
			return
		}
		*target, err = p.yesNo(question, *target)
	}
	if in.network == "" {
		in.network = shippedNetworkFile()
	}
	ask("network", "Network file (a release ships network.json)", &in.network, func(s string) error {
		if s == "" {
			return errors.New("expected the path of a network file")
		}
		n, lerr := api.LoadNetwork(s)
		if lerr == nil {
			fmt.Fprintf(p.out, "  network %s: chain %d, coordinators %s\n", n.Name, n.ChainID, strings.Join(n.Coordinators, ", "))
		}
		return lerr
	})
	ask("data-dir", "Data directory (the node's key and state)", &in.dataDir, func(s string) error {
		if s == "" {
			return errors.New("expected a directory")
		}
		if _, kerr := os.Stat(filepath.Join(s, node.KeyFile)); kerr == nil {
			fmt.Fprintf(p.out, "  %s holds a key already: it is kept\n", s)
		}
		return nil
	})
	ask("bytes-per-day", "Most the node may download a day", &in.bytesPerDay, func(s string) error {
		v, perr := parseBytes("bytes a day", s)
		if perr == nil && v < 1<<20 {
			perr = fmt.Errorf("%q: expected at least 1MiB", s)
		}
		return perr
	})
	askInt("max-concurrent", "Most fetches at once", &in.concurrency, func(v int) error {
		if v < 1 || v > 64 {
			return fmt.Errorf("%d: expected 1 to 64", v)
		}
		return nil
	})
	ask("hours", "Hours the node may work, HH-HH local time (Enter: any time)", &in.hours, func(s string) error {
		if s == "" {
			return nil
		}
		_, _, herr := node.ParseHours(s)
		return herr
	})
	useGPU := !in.noGPU
	askYes("no-gpu", "Use the GPU for compute work, only while it is idle", &useGPU)
	in.noGPU = !useGPU
	if useGPU {
		askInt("gpu-max-util", "Count the GPU as idle below this use (%)", &in.gpuMaxUtil, func(v int) error {
			if v < 0 || v > 100 {
				return fmt.Errorf("%d: expected 0 to 100", v)
			}
			return nil
		})
		ask("gpu-hours", "Hours the GPU may be used, HH-HH local time (Enter: any time)", &in.gpuHours, func(s string) error {
			if s == "" {
				return nil
			}
			_, _, herr := node.ParseHours(s)
			return herr
		})
	}
	if _, cerr := crawl.FindChromium(""); cerr == nil {
		askYes("render-js", "Also take pages that need JavaScript (runs Chromium)", &in.renderJS)
	} else if !fl.Changed("render-js") {
		fmt.Fprintln(p.out, "  Chromium is not installed: the node takes pages without JavaScript only (install chromium and run init again to take them)")
	}
	if !fl.Changed("auto-update") {
		in.autoUpdate = true
	}
	askYes("auto-update", "Install new releases automatically (checked against the network's release key)", &in.autoUpdate)
	if in.configOut == "" && in.dataDir != "" {
		in.configOut = filepath.Join(in.dataDir, NodeConfigName)
	}
	ask("write-config", "Write the config file to", &in.configOut, func(s string) error {
		if s == "" {
			return errors.New("expected a path")
		}
		return nil
	})
	if err != nil {
		return usageError(err)
	}
	fmt.Fprintln(p.out)
	return a.runNodeInit(in)
}
