#!/usr/bin/env bash
# The checks that need the lent GPU machine, as one prepared run (the
# device tool gives a session a few minutes of it, and it has no Go
# toolchain of ours and no network):
#
#   scripts/device-check.sh build   # here: test binaries into out/device/
#   scripts/device-check.sh run     # there, from the repository root
#
# The binaries are stripped and gzipped (about 30 MB) so that they and the
# working tree fit the 64 MiB the device tool carries: name out/device in
# its carry.
#
# `run` writes everything under $OUT (the device tool brings that folder
# back): the CPU (lscpu), the GPU (nvidia-smi), the row-hash ratio against
# crypto/sha256 with MEADOW_PERF=1 (issue 13 asks for >= 0.8x on Intel as
# well as AMD) and its parts (encoding, hashing each path, sort, root), so
# that one run says where the time goes if it falls short, the GPU tests, the GPU benchmarks, and, where nvcc is
# there, the PTX rebuilt and compared with the committed files. Each step's
# exit status is in $OUT/status (eight files in all, what the tool brings
# back at most); one failing does not stop the others.
set -uo pipefail
cd "$(dirname "$0")/.."
bins=out/device

case "${1:-}" in
build)
	set -e
	mkdir -p "$bins"
	for pkg in dataset compute; do
		GOOS=linux GOARCH=amd64 go test -c -ldflags='-s -w' -o "$bins/$pkg.test" "./$pkg"
		gzip -9f "$bins/$pkg.test"
	done
	echo "device-check: test binaries in $bins; carry it and run: scripts/device-check.sh run"
	;;
run)
	out=${OUT:?set OUT to the folder to write results to}
	root=$PWD
	t=$(mktemp -d)
	for pkg in dataset compute; do
		gunzip -c "$bins/$pkg.test.gz" >"$t/$pkg.test" && chmod +x "$t/$pkg.test"
	done
	: >"$out/status"
	step() { # step NAME DIR CMD...: run CMD in DIR, output to $out/NAME.txt
		local name=$1 dir=$2
		shift 2
		(cd "$dir" && "$@") >"$out/$name.txt" 2>&1
		echo "$name $?" | tee -a "$out/status"
	}
	step lscpu . lscpu
	step nvidia-smi . nvidia-smi
	# The ratio on this CPU (its status is the step's), then, for the
	# record, as a CPU with SHA-NI and AVX2 but no AVX-512 (Intel client
	# cores since Alder Lake) would run it.
	step rowhash dataset bash -c 'MEADOW_PERF=1 "$0" -test.run RowHashRatio -test.v -test.count 3; rc=$?
		echo "== GODEBUG=cpu.avx512f=off"; GODEBUG=cpu.avx512f=off MEADOW_PERF=1 "$0" -test.run RowHashRatio -test.v; exit $rc' "$t/dataset.test"
	step rowhash-bench dataset "$t/dataset.test" -test.run '^$' -test.bench 'RowHashAndRoot|SHA256Baseline|RowHashParts|SHA256Lanes' -test.count 3
	step gpu-tests compute "$t/compute.test" -test.run 'GPU' -test.v
	step gpu-bench compute "$t/compute.test" -test.run '^$' -test.bench 'GPU' -test.benchtime 5x
	if command -v nvcc >/dev/null; then
		cp -r compute/cuda "$t/cuda"
		step ptx "$t/cuda" bash -c './ptx.sh && for k in minhash embed; do diff <(tail -n +2 $k.ptx) <(tail -n +2 '"$root"'/compute/cuda/$k.ptx) >/dev/null && echo "$k.ptx: same as committed" || echo "$k.ptx: DIFFERS from committed"; done'
	fi
	;;
*)
	echo "usage: scripts/device-check.sh build|run" >&2
	exit 2
	;;
esac
