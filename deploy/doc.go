// Package deploy holds what operators and home users install rather than
// build: the systemd units (systemd/), the meadow-node Debian package's
// settings and maintainer scripts (debian/, built by internal/cmd/mkdeb),
// an example coordinator configuration (coord/), the Grafana dashboard
// (grafana/) and the Prometheus alert rules (prometheus/). Its tests install
// the package on the machine, verify the units with systemd-analyze, check
// the rules with promtool and check that every metric the dashboard and the
// rules name is one a real coordinator exports. See docs/DEPLOY.md.
package deploy
