package main

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
)

// version and commit are set by the linker (-X main.version=… -X
// main.commit=…; see the Makefile's LDFLAGS): a release names its commit
// even when built from a tree without .git. `go run` builds say "dev", and
// take the commit from the build info where Go recorded one.
var (
	version = "dev"
	commit  = ""
)

// app is what every command shares: where output goes, the environment it
// reads, the global flags and the logger built from them. Nothing here is
// global state: tests build their own app.
type app struct {
	stdout, stderr io.Writer
	environ        []string

	configPath string
	jsonOut    bool
	logLevel   string
	logFormat  string

	// coordCA is --coord-ca, and coordRoots the system's roots with its
	// certificates: every client of the coordinators verifies with them.
	coordCA    string
	coordRoots *x509.CertPool

	logger *slog.Logger
	// sources says where each setting not on the command line came from
	// (the config file or the environment), for settings that a file such
	// as the network file fills only when nobody gave them.
	sources configSource
}

func newApp() *app {
	return &app{stdout: os.Stdout, stderr: os.Stderr, environ: os.Environ()}
}

// newRootCmd builds the whole command tree. Each area of commands lives in
// its own file and adds itself here.
func newRootCmd(a *app) *cobra.Command {
	root := &cobra.Command{
		Use:   progName,
		Short: "Meadow turns idle home bandwidth and GPUs into verifiable AI training data",
		Long: `Meadow turns idle home bandwidth and GPUs into AI training data that anyone can check.

Settings come from flags, MEADOW_* environment variables (MEADOW_DATA_DIR for
--data-dir) and a TOML file given with --config (or MEADOW_CONFIG), with one
[table] per command; flags override the environment, which overrides the file.`,
		SilenceUsage:      true,
		SilenceErrors:     true,
		PersistentPreRunE: a.setup,
	}
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)
	pf := root.PersistentFlags()
	pf.StringVar(&a.configPath, "config", "", "TOML config file (also MEADOW_CONFIG)")
	pf.BoolVar(&a.jsonOut, "json", false, "print machine-readable JSON")
	pf.StringVar(&a.logLevel, "log-level", "info", "log level: debug, info, warn or error")
	pf.StringVar(&a.logFormat, "log-format", "text", "log format: text or json")
	pf.StringVar(&a.coordCA, "coord-ca", "", "PEM file of the CA that signed the coordinators' certificates (a cluster with its own CA): trusted, besides the system's roots, by every command that talks to coordinators")

	root.AddCommand(newVersionCmd(a), newVerifyCmd(a), newNodeCmd(a))
	root.AddCommand(networkCmds(a)...)
	renameProgram(root, progName)
	return root
}

// nodeCmd is the node command as a user of this build types it.
const nodeCmd = progName + " node"

// renameProgram makes the examples and help of a build installed under
// another name (meadow-node) show the commands a user of it types:
// "meadow node init" becomes "meadow-node node init".
func renameProgram(c *cobra.Command, name string) {
	if name == "meadow" {
		return
	}
	for _, f := range []*string{&c.Long, &c.Example} {
		*f = strings.ReplaceAll(*f, "meadow node", name+" node")
		*f = strings.ReplaceAll(*f, "meadow verify", name+" verify")
		*f = strings.ReplaceAll(*f, "meadow version", name+" version")
	}
	for _, sub := range c.Commands() {
		renameProgram(sub, name)
	}
}

// cmdContext is the command's context, or the background one where the
// command runs without one (in tests).
func cmdContext(cmd *cobra.Command) context.Context {
	if ctx := cmd.Context(); ctx != nil {
		return ctx
	}
	return context.Background()
}

// setup runs before every command: it loads the config file and environment
// into the flags not given on the command line, and builds the logger.
func (a *app) setup(cmd *cobra.Command, _ []string) error {
	path := a.configPath
	if path == "" {
		for _, kv := range a.environ {
			if v, ok := strings.CutPrefix(kv, envPrefix+"CONFIG="); ok {
				path = v
			}
		}
	}
	src, err := applyConfig(cmd, path, a.environ)
	if err != nil {
		return usageError(err)
	}
	a.sources = src
	if a.coordCA != "" {
		if a.coordRoots, err = loadCoordCA(a.coordCA); err != nil {
			return usageError(err)
		}
	}
	// The CLI's plain calls (operator commands, status reads) go to
	// coordinators too. Set on every run: tests run commands in one
	// process.
	cliHTTP = &http.Client{}
	if a.coordRoots != nil {
		cliHTTP.Transport = coordTransport(a.coordRoots)
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(a.logLevel)); err != nil {
		return usageError(fmt.Errorf("--log-level %q: expected debug, info, warn or error", a.logLevel))
	}
	opts := &slog.HandlerOptions{Level: level}
	switch a.logFormat {
	case "text":
		a.logger = slog.New(slog.NewTextHandler(a.stderr, opts))
	case "json":
		a.logger = slog.New(slog.NewJSONHandler(a.stderr, opts))
	default:
		return usageError(fmt.Errorf("--log-format %q: expected text or json", a.logFormat))
	}
	return nil
}

// printJSON writes v as indented JSON to stdout.
func (a *app) printJSON(v any) error {
	enc := json.NewEncoder(a.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func newVersionCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print meadow's version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			info := struct {
				Version string `json:"version"`
				Go      string `json:"go"`
				OS      string `json:"os"`
				Arch    string `json:"arch"`
				Commit  string `json:"commit"`
			}{Version: version, Go: runtime.Version(), OS: runtime.GOOS, Arch: runtime.GOARCH, Commit: buildCommit()}
			if a.jsonOut {
				return a.printJSON(info)
			}
			fmt.Fprintf(a.stdout, "meadow %s (commit %s, %s, %s/%s)\n", info.Version, info.Commit, info.Go, info.OS, info.Arch)
			return nil
		},
	}
}

// releaseString names this build for other programs' displays: the version
// and the commit ("v1.2.0 (commit 0a1b2c3d4e5f)").
func releaseString() string {
	c := buildCommit()
	if len(c) > 12 && !strings.HasSuffix(c, "-dirty") {
		c = c[:12]
	}
	return version + " (commit " + c + ")"
}

// buildCommit is the commit the linker set, else the one Go recorded
// (vcs.revision, with "-dirty" when vcs.modified), else "unknown".
func buildCommit() string {
	if commit != "" {
		return commit
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		rev, dirty := "", false
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
		if rev != "" {
			if dirty {
				rev += "-dirty"
			}
			return rev
		}
	}
	return "unknown"
}

// Exit codes: 1 for a failed operation, 2 for bad usage or configuration.
const (
	exitFailure = 1
	exitUsage   = 2
)

// exitError carries a process exit code chosen by a command.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func usageError(err error) error { return &exitError{code: exitUsage, err: err} }

func exitCode(err error) int {
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	if strings.HasPrefix(err.Error(), "unknown command") || strings.HasPrefix(err.Error(), "unknown flag") ||
		strings.HasPrefix(err.Error(), "unknown shorthand flag") || strings.Contains(err.Error(), "invalid argument") ||
		strings.Contains(err.Error(), "accepts ") || strings.Contains(err.Error(), "requires ") {
		return exitUsage
	}
	return exitFailure
}
