//go:build devallow

package main

import (
	"fmt"
	"net/netip"

	"github.com/spf13/pflag"

	"github.com/meadow-net/meadow/node"
)

// A measurement build (scripts/node-rss.sh builds `-tags devallow`) lets a
// separate `meadow node` process crawl the dev network's loopback sites, as
// the dev network's own nodes do, so that the memory of a node fetching and
// extracting pages is measured in a process of its own. No release, package
// or `make build` binary has these flags.
func init() {
	nodeDevFlags = func(f *pflag.FlagSet) func(*node.Config) error {
		allow := f.StringSlice("dev-allow", nil, "measurement builds only: non-public prefixes the crawler may reach, such as 127.0.0.0/8")
		delay := f.Duration("dev-domain-delay", 0, "measurement builds only: pause between two requests to one host (0: the crawler's own)")
		return func(cfg *node.Config) error {
			if len(*allow) == 0 && *delay == 0 {
				return nil
			}
			if *delay < 0 {
				return fmt.Errorf("--dev-domain-delay %s: expected a duration of 0 or more", *delay)
			}
			cfg.Development = true
			cfg.PerDomainDelay = *delay
			for _, s := range *allow {
				p, err := netip.ParsePrefix(s)
				if err != nil {
					return fmt.Errorf("--dev-allow %q: expected a prefix such as 127.0.0.0/8: %w", s, err)
				}
				cfg.AllowList = append(cfg.AllowList, p)
			}
			return nil
		}
	}
}
