#!/usr/bin/env bash
# Is the release reproducible? Builds the same targets of HEAD twice, from
# two clean checkouts at different paths, the second with an empty Go build
# cache, with the same version, date and key, and compares SHA256SUMS and
# its signature byte for byte. A few minutes (the cold build).
# Usage: scripts/release-repro.sh [TARGETS]  (default: two node targets)
set -euo pipefail
cd "$(dirname "$0")/.."
targets=${1:-meadow-node:linux/amd64,meadow-node:windows/amd64}
commit=$(git rev-parse HEAD)
date=$(git log -1 --format=%ct)
tmp=$(mktemp -d)
trap 'git worktree remove --force "$tmp/a" 2>/dev/null; git worktree remove --force "$tmp/b" 2>/dev/null; chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
# A throwaway key: ECDSA signatures here are deterministic (RFC 6979), so
# the same key and SUMS give the same signature.
od -An -tx1 -N32 /dev/urandom | tr -d ' \n' > "$tmp/key"
chmod 600 "$tmp/key"
for side in a b; do
	git worktree add -q --detach "$tmp/$side" "$commit"
done
build() { # side, extra env
	(cd "$tmp/$1" && env "${@:2}" go run ./release/internal/mkrelease -out "$tmp/out-$1" -version v0.0.0-repro \
		-commit "$commit" -date "$date" -key "$tmp/key" -targets "$targets")
}
build a GOFLAGS=
build b GOCACHE="$tmp/gocache" GOFLAGS=-modcacherw
if cmp -s "$tmp/out-a/SHA256SUMS" "$tmp/out-b/SHA256SUMS" && cmp -s "$tmp/out-a/SHA256SUMS.sig" "$tmp/out-b/SHA256SUMS.sig"; then
	echo "release-repro: reproducible: the two builds of $commit have the same SHA256SUMS and signature:"
	cat "$tmp/out-a/SHA256SUMS"
else
	echo "release-repro: NOT reproducible:" >&2
	diff "$tmp/out-a/SHA256SUMS" "$tmp/out-b/SHA256SUMS" >&2 || true
	exit 1
fi
