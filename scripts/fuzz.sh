#!/usr/bin/env bash
# Runs every Go fuzz target for $1 (default 30s). The corpus each target finds
# interesting is kept under its package's testdata/fuzz and runs in `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."
t=${1:-30s}
for pkg in $(go list ./...); do
	for f in $(go test -list '^Fuzz' "$pkg" 2>/dev/null | grep '^Fuzz' || true); do
		echo "fuzz: $pkg $f for $t"
		go test -run "^$" -fuzz "^$f\$" -fuzztime "$t" -fuzzminimizetime=3s "$pkg"
	done
done
