#!/usr/bin/env bash
# Installs what Meadow's tests and dev network need: Go modules, the npm
# packages in ./node_modules, and Debian's chromium. Idempotent and quiet when
# everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

go mod download

# npm packages: reinstall when the lock file is newer than node_modules.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
	echo "deps: installing npm packages into ./node_modules"
	# Not `npm ci`: its check that the lock lists every optional platform
	# package fails here, where the registry lacks duckdb's macOS and Windows
	# builds. `npm install --no-save` installs exactly the locked versions and
	# never rewrites the lock.
	npm install --no-audit --no-fund --no-save --loglevel=error
	touch node_modules/.package-lock.json
fi

# Chromium, for JS pages, the Chromium URL-safety tests and the extension tests.
if ! command -v chromium >/dev/null 2>&1; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		echo "deps: installing Debian's chromium"
		apt-get update -qq
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
	else
		echo "deps: chromium is missing; install it with:" >&2
		echo "  sudo apt-get update && sudo apt-get install -y chromium" >&2
		exit 1
	fi
fi

# go-ethereum's geth, for the test that deploys the contracts to a real node
# and settles through it (cmd/meadow/geth_process_test.go). Built from the Go
# module proxy into .cache/bin (git-ignored) when neither it nor a geth on
# PATH is there: about 2 minutes once. v1.17.9 and v1.17.10 do not build
# from the proxy here (a blocked dependency); v1.17.8 does.
GETH_VERSION=v1.17.8
if [ ! -x .cache/bin/geth ] && ! command -v geth >/dev/null 2>&1; then
	echo "deps: building go-ethereum's geth $GETH_VERSION into .cache/bin (about 2 minutes, once)"
	GOBIN="$PWD/.cache/bin" go install "github.com/ethereum/go-ethereum/cmd/geth@$GETH_VERSION"
fi

# Versity's S3 gateway (Apache-2.0), the S3-compatible object store that
# coord/blob's tests and `meadow dev --object-store` start as a separate
# process over a posix directory (coord/blob/s3gw). Never linked into Meadow's
# binaries. Built into .cache/bin when missing: measured 6 min 38 s wall
# (2 min 18 s user) on 2 cores with a cold module cache, most of it
# downloading; about 80 MB.
VERSITYGW_VERSION=v1.8.0
# `go install` stamps no version into it (--version says "git"), so a file
# beside it records which one was built.
if [ ! -x .cache/bin/versitygw ] || [ "$(cat .cache/bin/versitygw.version 2>/dev/null)" != "$VERSITYGW_VERSION" ]; then
	echo "deps: building Versity's S3 gateway versitygw $VERSITYGW_VERSION into .cache/bin (a few minutes, once)"
	GOBIN="$PWD/.cache/bin" go install "github.com/versity/versitygw/cmd/versitygw@$VERSITYGW_VERSION"
	echo "$VERSITYGW_VERSION" >.cache/bin/versitygw.version
fi

# Debian tools of the deploy tests (deploy/): promtool checks the alert rules,
# systemd-analyze the units, dpkg, setpriv and adduser install and run the
# meadow-node package.
missing=()
for pair in promtool:prometheus systemd-analyze:systemd dpkg:dpkg setpriv:util-linux adduser:adduser; do
	command -v "${pair%%:*}" >/dev/null 2>&1 || PATH="$PATH:/usr/sbin:/sbin" command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
done
if [ ${#missing[@]} -gt 0 ]; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		echo "deps: installing Debian's ${missing[*]}"
		apt-get update -qq
		# prometheus brings promtool; its recommended exporters are not needed.
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
	else
		echo "deps: missing Debian packages: ${missing[*]}; install them with:" >&2
		echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
		exit 1
	fi
fi

# curl, which docs/BUY.md (run by TestBuyTutorial) uses to read a dataset with
# a bearer read token, as a buyer's pipeline would.
if ! command -v curl >/dev/null 2>&1; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		echo "deps: installing Debian's curl"
		apt-get update -qq
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq curl >/dev/null
	else
		echo "deps: curl is missing; install it with:" >&2
		echo "  sudo apt-get update && sudo apt-get install -y curl" >&2
		exit 1
	fi
fi

# qemu-user's qemu-aarch64 and an arm64 glibc (libc6-arm64-cross, in
# /usr/aarch64-linux-gnu), to run the linux/arm64 release binary here
# (release/internal/mkrelease's test). The binary is CGO_ENABLED=0 but
# dynamically linked: purego takes dlopen from glibc to load NVML and CUDA.
if ! command -v qemu-aarch64 >/dev/null 2>&1 || [ ! -e /usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1 ]; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		echo "deps: installing Debian's qemu-user and libc6-arm64-cross"
		apt-get update -qq
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq qemu-user libc6-arm64-cross >/dev/null
	else
		echo "deps: qemu-aarch64 or the arm64 glibc is missing; install them with:" >&2
		echo "  sudo apt-get update && sudo apt-get install -y qemu-user libc6-arm64-cross" >&2
		exit 1
	fi
fi

# Debian's HTML manuals that the real-page tests read: crawl's TestRealPages
# serves apache2-doc, sqlite3-doc and python-django-doc and measures
# main-text extraction on them (crawl/testdata/realpages/README.md);
# compute/extract's corpus, golden vectors and arm64 check read
# python3.11-doc and debian-reference-en (compute/extract/DESIGN.md, "Real
# pages"). Real pages with a site's navigation, headers, sidebars and
# footers, which no one in this project wrote and which the repository does
# not copy. The labels are pinned to the versions (and, in compute/extract,
# the page hashes) in each labels.json; the tests say when an upgrade
# changed a page.
missing=()
for pkg in apache2-doc sqlite3-doc python-django-doc python3.11-doc debian-reference-en; do
	[ "$(dpkg-query -W -f '${db:Status-Status}' "$pkg" 2>/dev/null)" = installed ] || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		echo "deps: installing Debian's ${missing[*]}"
		apt-get update -qq
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
	else
		echo "deps: missing Debian packages: ${missing[*]}; install them with:" >&2
		echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
		exit 1
	fi
fi
