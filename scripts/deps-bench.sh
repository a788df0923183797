#!/usr/bin/env bash
# Installs what `make bench` needs beyond `make deps`: clang, lld (wasm-ld)
# and wasi-libc, which build the example cleaner written in C
# (examples/wasm/cleaner-c) for the WebAssembly sandbox's tests and
# benchmarks behind the build tag wasmc (compute/wasm/cmodule_test.go).
# `make test` does not need them. Idempotent and quiet when they are there.
set -euo pipefail

# The check is a build: clang with the wasm32-wasi target, wasi-libc's
# headers and crt1, wasm-ld and compiler-rt's wasm32 builtins.
can_build() {
	local dir
	dir="$(mktemp -d)"
	printf 'int main(void) { return 0; }\n' >"$dir/t.c"
	clang --target=wasm32-wasi -O2 -o "$dir/t.wasm" "$dir/t.c" >/dev/null 2>&1
	local rc=$?
	rm -rf "$dir"
	return $rc
}

if ! can_build; then
	pkgs=(clang lld wasi-libc libclang-rt-dev-wasm32)
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		echo "deps-bench: installing Debian's ${pkgs[*]} (the C WebAssembly module of the benchmarks)"
		apt-get update -qq
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${pkgs[@]}" >/dev/null
	fi
	if ! can_build; then
		echo "deps-bench: clang cannot build for wasm32-wasi: the benchmarks need clang, lld (wasm-ld), wasi-libc" >&2
		echo "and compiler-rt's wasm32 builtins; on Debian or Ubuntu:" >&2
		echo "  sudo apt-get update && sudo apt-get install -y ${pkgs[*]}" >&2
		exit 1
	fi
fi
