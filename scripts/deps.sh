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
