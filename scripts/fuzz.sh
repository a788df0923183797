#!/usr/bin/env bash
# Runs every Go fuzz target of the packages $2 (default ./...) for $1
# (default 30s), then keeps the inputs the
# fuzzer found interesting: go test -fuzz writes them to its cache, not to
# the package, so they are copied into the package's testdata/fuzz/<target>,
# where `make test` runs them as seeds. Inputs over 64 KiB are left out, so
# that the corpus stays small enough to commit.
set -euo pipefail
cd "$(dirname "$0")/.."
t=${1:-30s}
pkgs=${2:-./...}
cache=$(go env GOCACHE)/fuzz
for pkg in $(go list "$pkgs"); do
	dir=$(go list -f '{{.Dir}}' "$pkg")
	for f in $(go test -list '^Fuzz' "$pkg" 2>/dev/null | grep '^Fuzz' || true); do
		echo "fuzz: $pkg $f for $t"
		go test -run "^$" -fuzz "^$f\$" -fuzztime "$t" -fuzzminimizetime=3s "$pkg"
		found="$cache/$pkg/$f"
		[ -d "$found" ] || continue
		mkdir -p "$dir/testdata/fuzz/$f"
		kept=0
		while IFS= read -r -d '' in; do
			out="$dir/testdata/fuzz/$f/$(basename "$in")"
			[ -e "$out" ] && continue
			cp "$in" "$out"
			kept=$((kept + 1))
		done < <(find "$found" -maxdepth 1 -type f -size -65k -print0)
		echo "fuzz: $f: $kept new inputs kept in ${dir#"$PWD"/}/testdata/fuzz/$f"
	done
done
