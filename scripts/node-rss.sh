#!/usr/bin/env bash
# Resident memory of a home node, idle and busy: the figures of "Resident
# memory of a node" in docs/BENCHMARKS.md (`make node-rss`).
#
# It builds meadow twice, the full binary and the node-only build
# (-tags nodeonly, as `make node-bin`), starts a dev network from a separate
# copy of the full binary (so that the binaries measured share no pages with
# it), and runs separate `meadow node` processes against its coordinators:
#
#   idle  each build as `go build` left it ("built": its page cache as the
#         linker wrote it) and a copy written with O_DIRECT ("cold": none of
#         it in the page cache, as after a reboot), sampled after IDLE_S
#         seconds, registered and waiting for work;
#   busy  each build, cold, while the network runs compute jobs (minhash,
#         embed, tokens, and wasm: examples/wasm/cleaner, a buyer's module
#         in the node's sandbox) over the dev journey's crawl dataset, a
#         crawl job of the demo site, and the pretraining stages (a crawl
#         with main text, language, quality, pii, and dedup over the
#         minhash dataset), sampled every 0.5 s.
#
# The busy nodes are measurement builds (-tags devallow, which adds only
# --dev-allow and --dev-domain-delay to `meadow node`): a release node
# refuses the demo site, which is on loopback, so only such a build fetches
# and extracts its pages. While they run, one of the dev network's two
# nodes is paused, so every task (two replicas each) is done by the measured
# node and the other dev node: each phase's figures are that node's own work.
#
# Usage: scripts/node-rss.sh [DIR]   (DIR keeps the logs and samples; default
# a new temporary directory). Linux only: it reads /proc.
set -euo pipefail
cd "$(dirname "$0")/.."

W=${1:-$(mktemp -d /tmp/meadow-node-rss.XXXXXX)}
mkdir -p "$W"
W=$(cd "$W" && pwd)
IDLE_S=${IDLE_S:-12}
pids=()
devpid=
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	if [ -n "$devpid" ]; then
		kill -INT "$devpid" 2>/dev/null || true
		wait "$devpid" 2>/dev/null || true
	fi
	rm -f "$W"/meadow-* # 400 MB of binaries; the logs and samples stay
}
trap cleanup EXIT

echo "node-rss: building into $W" >&2
go build -o "$W/meadow-full" ./cmd/meadow
go build -tags nodeonly -o "$W/meadow-node" ./cmd/meadow
go build -tags devallow -o "$W/meadow-full-dev" ./cmd/meadow
go build -tags nodeonly,devallow -o "$W/meadow-node-dev" ./cmd/meadow
cp "$W/meadow-full" "$W/meadow-dev"
cold() { # cold SRC DST: a copy none of which is in the page cache
	dd if="$1" of="$2" bs=4M oflag=direct status=none
	chmod +x "$2"
}

echo "node-rss: starting a dev network (meadow dev --nodes 2 --faulty 0 --js-nodes 0)" >&2
mkdir -p "$W/dev"
"$W/meadow-dev" dev --dir "$W/dev" --nodes 2 --faulty 0 --js-nodes 0 >"$W/dev.out" 2>"$W/dev.err" &
devpid=$!
for _ in $(seq 180); do
	grep -q 'keeps running' "$W/dev.err" && break
	kill -0 "$devpid" 2>/dev/null || { cat "$W/dev.err" >&2; exit 1; }
	sleep 1
done
grep -q 'keeps running' "$W/dev.err" || { echo "node-rss: the dev network did not come up" >&2; exit 1; }
coords=$(grep -oE 'status http://[0-9.]+:[0-9]+' "$W/dev.out" | sed 's/^status //' | paste -sd, -)
chain=$(grep -oE '^chain [0-9]+' "$W/dev.out" | awk '{print $2}')
site=$(grep -oE '^site +http://[0-9.:]+' "$W/dev.out" | awk '{print $2}')
input=$(grep -m1 -oE 'dataset +ds-[A-Za-z0-9-]+' "$W/dev.out" | awk '{print $2}')
echo "node-rss: coordinators $coords, chain $chain, input dataset $input" >&2

port=17300

# startnode BIN NAME [FLAGS...]: a node of BIN with its own data dir and a
# dashboard on a free port; sets $nodepid and $nodedash.
startnode() {
	while ss -Hltn "sport = :$port" | grep -q .; do port=$((port + 1)); done
	nodedash=127.0.0.1:$port
	port=$((port + 1))
	mkdir -p "$W/$2"
	"$1" node --coord "$coords" --data-dir "$W/$2" --chain-id "$chain" --dashboard "$nodedash" "${@:3}" \
		>"$W/$2/node.out" 2>"$W/$2/node.log" &
	nodepid=$!
	pids+=("$nodepid")
}

mb() { awk -v k="$2" '$1 == k":" {printf "%.1f", $2 / 1024}' "/proc/$1/status"; }
state() { "$W/meadow-full" node status --dashboard "$1" --json 2>/dev/null | grep -oE "\"$2\": *\"?[a-z0-9]*" | grep -oE '[a-z0-9]+$' || true; }

echo
echo "idle, after ${IDLE_S} s: MB (VmRSS = RssAnon + RssFile; Pss from smaps_rollup)"
printf '%-14s %-6s %9s %6s %7s %7s %6s  %s\n' build state "file MB" VmRSS RssAnon RssFile Pss "node state"
declare -A ipid idash
for b in full node; do
	cold "$W/meadow-$b" "$W/meadow-$b-cold"
	for s in built cold; do
		bin=$W/meadow-$b
		[ $s = cold ] && bin=$W/meadow-$b-cold
		startnode "$bin" "idle-$b-$s"
		ipid[$b-$s]=$nodepid
		idash[$b-$s]=$nodedash
	done
done
sleep "$IDLE_S"
for b in full node; do
	for s in built cold; do
		p=${ipid[$b-$s]}
		if [ ! -e "/proc/$p/status" ]; then
			echo "node-rss: the meadow-$b $s node stopped: $(tail -1 "$W/idle-$b-$s/node.log")" >&2
			continue
		fi
		pss=$(awk '$1 == "Pss:" {printf "%.1f", $2 / 1024}' "/proc/$p/smaps_rollup")
		size=$(stat -c %s "$W/meadow-$b" | awk '{printf "%.1f", $1 / 1e6}')
		printf '%-14s %-6s %9s %6s %7s %7s %6s  %s\n' "meadow-$b" $s "$size" "$(mb $p VmRSS)" "$(mb $p RssAnon)" "$(mb $p RssFile)" "$pss" "$(state "${idash[$b-$s]}" state)"
		kill "$p"
		wait "$p" 2>/dev/null || true
	done
done
pids=()

# sampler PID FILE: VmRSS, VmHWM, RssAnon, RssFile (kB) and the current
# phase every 0.5 s until PID ends.
sampler() {
	while [ -e "/proc/$1/status" ]; do
		awk -v ph="$(cat "$W/phase")" -v t="$(date +%s.%N)" '
			$1 == "VmRSS:" {r = $2} $1 == "VmHWM:" {h = $2} $1 == "RssAnon:" {a = $2} $1 == "RssFile:" {f = $2}
			END {if (r) print t, ph, r, h, a, f}' "/proc/$1/status" >>"$2" 2>/dev/null || true
		sleep 0.5
	done
}

declare -A tasks
submit() { # submit NAME SPEC: run a job to its end as a buyer would
	echo "$1" >"$W/phase"
	printf '%s\n' "$2" >"$W/job.json"
	local before after
	before=$(state "$nodedash" tasks_done)
	"$W/meadow-full" buyer job submit "$W/job.json" --coord "$coords" --chain-id "$chain" --key "$W/dev/buyer.key" --wait \
		>>"$W/jobs.out" 2>&1 || echo "node-rss: job $1 failed, see $W/jobs.out" >&2
	after=$(state "$nodedash" tasks_done)
	tasks[$1]=$((${after:-0} - ${before:-0}))
}

# The wasm phase runs examples/wasm/cleaner, built as a buyer builds it and
# uploaded once.
GOOS=wasip1 GOARCH=wasm CGO_ENABLED=0 go build -trimpath -o "$W/cleaner.wasm" ./examples/wasm/cleaner
module=$("$W/meadow-full" buyer module upload "$W/cleaner.wasm" --coord "$coords" --chain-id "$chain" --key "$W/dev/buyer.key" --json |
	grep -oE '"sha256": *"[0-9a-f]{64}' | grep -oE '[0-9a-f]{64}$')
[ -n "$module" ] || { echo "node-rss: uploading examples/wasm/cleaner failed" >&2; exit 1; }
wasmspec() {
	printf '{"kind":"compute","name":"node-rss wasm","compute":{"input":"%s","kernel":"wasm","shard_rows":10,"wasm":{"module":"%s","outputs":[{"name":"clean","type":"string"}]}}}' "$input" "$module"
}

compute() { printf '{"kind":"compute","name":"node-rss %s","compute":{"input":"%s","kernel":"%s","shard_rows":10}}' "$1" "$input" "$1"; }
crawlspec() { # crawlspec NAME EXTRACT: 40 demo articles, main text when EXTRACT is true
	local urls
	urls=$(for i in $(seq 1 40); do printf '"%s/articles/%d"\n' "$site" "$i"; done | paste -sd, -)
	printf '{"kind":"crawl","name":"node-rss %s","crawl":{"urls":[%s],"fields":[{"name":"title","selector":"h1.title"}],"text_selector":"article","exclude":[".clock",".ad"],"task_size":10,"extract":{"enabled":%s}}}' "$1" "$urls" "$2"
}
# lastdataset: the dataset of the last job submit waited for.
lastdataset() { grep -oE '^  dataset  ds-[A-Za-z0-9.-]+' "$W/jobs.out" | tail -1 | awk '{print $2}'; }
dedupspec() { printf '{"kind":"compute","name":"node-rss dedup","compute":{"input":"%s","kernel":"dedup"}}' "$1"; }

echo
echo "busy (cold binary), sampled every 0.5 s: tasks this node did in each phase, VmRSS median and peak, RssAnon peak (MB)"
printf '%-14s %-8s %6s %8s %7s %6s %9s\n' build phase tasks samples median peak "peak anon"
devdash=$(grep -m1 -oE 'dashboard http://[0-9.:]+' "$W/dev.out" | awk '{print $2}')
"$W/meadow-full" node pause --dashboard "$devdash" >/dev/null
for b in full node; do
	cold "$W/meadow-$b-dev" "$W/meadow-$b-busy"
	echo idle >"$W/phase"
	startnode "$W/meadow-$b-busy" "busy-$b" --dev-allow 127.0.0.0/8 --dev-domain-delay 10ms
	p=$nodepid
	sleep 5
	: >"$W/busy-$b.samples"
	sampler "$p" "$W/busy-$b.samples" &
	spid=$!
	sleep 3
	submit minhash "$(compute minhash)"
	mh=$(lastdataset)
	submit embed "$(compute embed)"
	submit tokens "$(compute tokens)"
	submit wasm "$(wasmspec)"
	submit crawl "$(crawlspec crawl false)"
	# The pretraining stages (issue 13): main text in the crawl, then the
	# kernels over the journey's crawl, and dedup over the minhash above.
	submit maintext "$(crawlspec maintext true)"
	submit language "$(compute language)"
	submit quality "$(compute quality)"
	submit pii "$(compute pii)"
	submit dedup "$(dedupspec "$mh")"
	echo after >"$W/phase"
	sleep 5
	tasks[all]=$(state "$nodedash" tasks_done)
	kill "$p"
	wait "$p" 2>/dev/null || true
	wait "$spid" 2>/dev/null || true
	for ph in idle minhash embed tokens wasm crawl maintext language quality pii dedup after all; do
		awk -v ph=$ph '$2 == ph || ph == "all" {print $3, $5}' "$W/busy-$b.samples" | sort -n | awk -v b="meadow-$b" -v ph=$ph -v n="${tasks[$ph]:-}" '
			{r[NR] = $1; if ($1 > pk) pk = $1; if ($2 > pa) pa = $2}
			END {if (NR) printf "%-14s %-8s %6s %8d %7.1f %6.1f %9.1f\n", b, ph, n, NR, r[int((NR + 1) / 2)] / 1024, pk / 1024, pa / 1024}'
	done
	awk '{if ($4 > h) h = $4} END {printf "%-14s VmHWM when it stopped: %.1f MB\n", "", h / 1024}' "$W/busy-$b.samples"
	tasks=()
done
echo
echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(uname -r), $(go version | awk '{print $3}')"
echo "files: $W"
