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
