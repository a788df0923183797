package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// probe is a command with one flag of each kind, to test how settings load.
type probe struct {
	dataDir string
	peers   []string
	port    int
	ran     bool
}

func runProbe(t *testing.T, file string, env []string, args ...string) (*probe, error) {
	t.Helper()
	var out bytes.Buffer
	a := &app{stdout: &out, stderr: &out, environ: env}
	root := newRootCmd(a)
	p := &probe{}
	c := &cobra.Command{Use: "probe", RunE: func(*cobra.Command, []string) error { p.ran = true; return nil }}
	c.Flags().StringVar(&p.dataDir, "data-dir", "default-dir", "")
	c.Flags().StringSliceVar(&p.peers, "peers", nil, "")
	c.Flags().IntVar(&p.port, "port", 7000, "")
	root.AddCommand(c)
	if file != "" {
		path := filepath.Join(t.TempDir(), "meadow.toml")
		if err := os.WriteFile(path, []byte(file), 0o600); err != nil {
			t.Fatal(err)
		}
		args = append(args, "--config", path)
	}
	root.SetArgs(append([]string{"probe"}, args...))
	return p, root.Execute()
}

func TestConfigPrecedence(t *testing.T) {
	file := "log-level = \"debug\"\n[probe]\ndata-dir = \"from-file\"\npeers = [\"a\", \"b\"]\nport = 7100\n"
	tests := []struct {
		name     string
		file     string
		env      []string
		args     []string
		wantDir  string
		wantPort int
		wantPeer string
	}{
		{name: "defaults", wantDir: "default-dir", wantPort: 7000},
		{name: "file", file: file, wantDir: "from-file", wantPort: 7100, wantPeer: "a,b"},
		{name: "env over file", file: file, env: []string{"MEADOW_DATA_DIR=from-env", "MEADOW_PEERS=x, y"}, wantDir: "from-env", wantPort: 7100, wantPeer: "x,y"},
		{name: "flag over env", file: file, env: []string{"MEADOW_DATA_DIR=from-env"}, args: []string{"--data-dir", "from-flag", "--port", "7200"}, wantDir: "from-flag", wantPort: 7200, wantPeer: "a,b"},
		{name: "unrelated vars ignored", env: []string{"HOME=/root", "MEADOWLARK=1"}, wantDir: "default-dir", wantPort: 7000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := runProbe(t, tt.file, tt.env, tt.args...)
			if err != nil {
				t.Fatalf("execute: %v", err)
			}
			if !p.ran || p.dataDir != tt.wantDir || p.port != tt.wantPort || strings.Join(p.peers, ",") != tt.wantPeer {
				t.Errorf("got dir=%q port=%d peers=%q ran=%v; want dir=%q port=%d peers=%q", p.dataDir, p.port, strings.Join(p.peers, ","), p.ran, tt.wantDir, tt.wantPort, tt.wantPeer)
			}
		})
	}
}

func TestConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		file string
		env  []string
		want []string // substrings of the error
	}{
		{name: "unknown key", file: "[probe]\ndata-dir = \"x\"\ndata-dri = \"y\"\n", want: []string{":3:", `unknown key "data-dri"`}},
		{name: "unknown table", file: "[prbe]\nport = 1\n", want: []string{":1:", "unknown table [prbe]"}},
		{name: "unknown top-level key", file: "colour = \"red\"\n", want: []string{`unknown key "colour"`}},
		{name: "syntax error", file: "[probe]\nport = = 3\n", want: []string{":2:"}},
		{name: "bad type in file", file: "[probe]\nport = \"many\"\n", want: []string{"port", `"many"`, "int"}},
		{name: "unknown variable", env: []string{"MEADOW_DATA_DRI=x"}, want: []string{"MEADOW_DATA_DRI", "no meadow command"}},
		{name: "bad variable value", env: []string{"MEADOW_PORT=seven"}, want: []string{"environment MEADOW_PORT", `"seven"`}},
		{name: "bad log level", env: []string{"MEADOW_LOG_LEVEL=loud"}, want: []string{"--log-level", "loud"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := runProbe(t, tt.file, tt.env)
			if err == nil {
				t.Fatal("expected an error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			if p.ran {
				t.Error("the command ran despite the bad configuration")
			}
			if exitCode(err) != exitUsage {
				t.Errorf("exit code %d, want %d", exitCode(err), exitUsage)
			}
		})
	}
}

func TestHelpEverywhere(t *testing.T) {
	a := &app{stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}}
	root := newRootCmd(a)
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Short == "" {
			t.Errorf("command %q has no short help", c.CommandPath())
		}
		for _, s := range c.Commands() {
			walk(s)
		}
	}
	walk(root)
}
