package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Configuration comes, for every command, from four places, each overriding
// the one before: the flags' defaults, a TOML file (--config), MEADOW_*
// environment variables, and the command line. The keys are the flag names
// everywhere: `--data-dir` is `data-dir = "..."` in the file's section for the
// command and MEADOW_DATA_DIR in the environment. Each command then validates
// the result as a whole (Validate on its package's Config).
//
// The file has one table per subcommand ([coord], [node], [buyer], …); keys of
// the root's persistent flags (log-level, log-format, json) sit at the top.
// An unknown key, table or MEADOW_* variable is an error rather than being
// ignored, so that a typo never silently leaves a default in force.

// envPrefix starts every environment variable meadow reads.
const envPrefix = "MEADOW_"

// notAFlag lists the MEADOW_* variables that are not settings of a command.
var notAFlag = map[string]bool{
	envPrefix + "CONFIG":    true, // the config file itself
	envPrefix + "CHROMIUM":  true, // crawl: the Chromium binary
	envPrefix + "PERF":      true, // tests: fail timing tests below their goal
	envPrefix + "SOAK_ROWS": true, // make soak: size of the dataset soak test
}

// envName is the environment variable for a flag.
func envName(flag string) string {
	return envPrefix + strings.ToUpper(strings.ReplaceAll(flag, "-", "_"))
}

// configSource records where each flag's value came from, for `--help`-free
// debugging and for errors that name the source.
type configSource map[string]string

// applyConfig fills the flags of cmd that were not set on the command line from
// the config file and the environment. environ is os.Environ() in production.
func applyConfig(cmd *cobra.Command, path string, environ []string) (configSource, error) {
	src := configSource{}
	values := map[string]string{}
	flags := cmd.Flags()

	if path != "" {
		fileVals, err := readConfigFile(path, cmd)
		if err != nil {
			return nil, err
		}
		for k, v := range fileVals {
			values[k] = v
			src[k] = "file " + path
		}
	}

	known := allFlagNames(cmd.Root())
	for _, kv := range environ {
		name, val, ok := strings.Cut(kv, "=")
		if !ok || !strings.HasPrefix(name, envPrefix) {
			continue
		}
		if notAFlag[name] {
			continue // read by packages or tests directly; documented in the README
		}
		flag, isKnown := known[name]
		if !isKnown {
			return nil, fmt.Errorf("environment variable %s: no meadow command has such a setting (expected MEADOW_ followed by a flag name, e.g. %s)%s", name, envName("data-dir"), buildNote)
		}
		if flags.Lookup(flag) == nil {
			continue // a setting of another command
		}
		values[flag] = val
		src[flag] = "environment " + name
	}

	names := make([]string, 0, len(values))
	for k := range values {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		f := flags.Lookup(k)
		if f == nil {
			continue // a key of the table for another subcommand of it (`data-dir` of [node] for `node key export`)
		}
		if f.Changed {
			src[k] = "flag --" + k
			continue
		}
		if sv, ok := f.Value.(pflag.SliceValue); ok {
			if err := sv.Replace(splitList(values[k])); err != nil {
				return nil, fmt.Errorf("%s: %s %q: %w", src[k], k, values[k], err)
			}
		} else if err := f.Value.Set(values[k]); err != nil {
			return nil, fmt.Errorf("%s: %s %q: expected a %s: %w", src[k], k, values[k], f.Value.Type(), err)
		}
	}
	return src, nil
}

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	parts := strings.Split(s, ",")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return parts
}

// allFlagNames maps each MEADOW_* variable of every command to its flag.
func allFlagNames(root *cobra.Command) map[string]string {
	out := map[string]string{}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		add := func(f *pflag.Flag) {
			if f.Name == "help" || f.Name == "config" {
				return
			}
			out[envName(f.Name)] = f.Name
		}
		c.LocalFlags().VisitAll(add)
		c.PersistentFlags().VisitAll(add)
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	return out
}

// section is the config-file table of a command: its first-level subcommand.
func section(cmd *cobra.Command) string {
	c := cmd
	for c.HasParent() && c.Parent().HasParent() {
		c = c.Parent()
	}
	if !c.HasParent() {
		return ""
	}
	return c.Name()
}

// readConfigFile parses a TOML file and returns, as flag strings, the values
// that apply to cmd: the top-level keys of persistent flags and the keys of
// the command's table. Every key in the file must be a flag of some command;
// errors carry the path and, where it can be found, the line.
func readConfigFile(path string, cmd *cobra.Command) (map[string]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	var raw map[string]any
	if _, err := toml.Decode(string(data), &raw); err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("config %s:%d: %s", path, pe.Position.Line, pe.Message)
		}
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	root := cmd.Root()
	tables := map[string]*cobra.Command{}
	for _, c := range root.Commands() {
		tables[c.Name()] = c
	}
	want := section(cmd)
	out := map[string]string{}
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := raw[k]
		if sub, isTable := v.(map[string]any); isTable {
			c, ok := tables[k]
			if !ok {
				return nil, fmt.Errorf("config %s:%d: unknown table [%s]: expected one of %s%s", path, lineOf(data, "["+k+"]"), k, strings.Join(sortedKeys(tables), ", "), buildNote)
			}
			flagsOf := commandFlagNames(c)
			subKeys := make([]string, 0, len(sub))
			for sk := range sub {
				subKeys = append(subKeys, sk)
			}
			sort.Strings(subKeys)
			for _, sk := range subKeys {
				if !flagsOf[sk] {
					return nil, fmt.Errorf("config %s:%d: [%s] unknown key %q: expected a flag of `meadow %s` (see meadow %s --help)", path, lineOf(data, sk), k, sk, k, k)
				}
				if k == want {
					s, err := flagString(sub[sk])
					if err != nil {
						return nil, fmt.Errorf("config %s:%d: [%s] %s: %w", path, lineOf(data, sk), k, sk, err)
					}
					out[sk] = s
				}
			}
			continue
		}
		if root.PersistentFlags().Lookup(k) == nil || k == "config" {
			return nil, fmt.Errorf("config %s:%d: unknown key %q at the top level: expected log-level, log-format or json, or a [command] table", path, lineOf(data, k), k)
		}
		s, err := flagString(v)
		if err != nil {
			return nil, fmt.Errorf("config %s:%d: %s: %w", path, lineOf(data, k), k, err)
		}
		out[k] = s
	}
	return out, nil
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// commandFlagNames lists the flags of c and all its subcommands.
func commandFlagNames(c *cobra.Command) map[string]bool {
	out := map[string]bool{}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		c.LocalNonPersistentFlags().VisitAll(func(f *pflag.Flag) { out[f.Name] = true })
		c.PersistentFlags().VisitAll(func(f *pflag.Flag) { out[f.Name] = true })
		for _, s := range c.Commands() {
			walk(s)
		}
	}
	walk(c)
	delete(out, "help")
	return out
}

// flagString turns a TOML value into the text a flag parses.
func flagString(v any) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case int64, float64, bool:
		return fmt.Sprint(x), nil
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			s, err := flagString(e)
			if err != nil {
				return "", err
			}
			if strings.Contains(s, ",") {
				return "", fmt.Errorf("list element %q: expected no commas", s)
			}
			parts[i] = s
		}
		return strings.Join(parts, ","), nil
	default:
		return "", fmt.Errorf("value of type %T: expected a string, number, boolean or list", v)
	}
}

var keyLine = regexp.MustCompile(`^\s*"?([A-Za-z0-9_.\-\[\]]+)"?\s*(=|$)`)

// lineOf finds the first line of data that defines key (or is the table
// header key), for error messages; 0 when not found.
func lineOf(data []byte, key string) int {
	sc := bufio.NewScanner(bytes.NewReader(data))
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == key {
			return n
		}
		if m := keyLine.FindStringSubmatch(line); m != nil && m[1] == key {
			return n
		}
	}
	return 0
}
