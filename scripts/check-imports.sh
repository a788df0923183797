#!/usr/bin/env bash
# Checks the import direction of Meadow's packages (docs/ARCHITECTURE.md):
# each package may depend, directly or not, only on the Meadow packages listed
# for it. node and coord never meet except through api and dataset.
set -euo pipefail
cd "$(dirname "$0")/.."
mod=$(go list -m)

allowed() {
	case "$1" in
	api) echo "" ;;
	dataset) echo "api" ;;
	rewards) echo "" ;;
	release) echo "" ;;
	release/internal) echo "api" ;; # mkrelease checks the network file it ships
	# crawl runs the main-text extractor (issue 13): compute/extract only,
	# a leaf held to the standalone rule below, never the rest of compute.
	crawl) echo "api dataset compute/extract" ;;
	# What the extension runs as WebAssembly (ext/wasm): no dataset, no
	# network, no Chromium, so that the module stays small and builds for
	# js/wasm.
	crawl/htmldoc) echo "api compute/extract" ;;
	compute) echo "api dataset" ;;
	contracts) echo "rewards" ;;
	node) echo "api dataset crawl compute release" ;;
	coord) echo "api dataset rewards contracts release" ;;
	buyer) echo "api dataset contracts rewards" ;;
	devnet) echo "api dataset crawl compute node rewards contracts coord buyer release" ;;
	deploy) echo "" ;;
	examples) echo "" ;; # buyers' code: the standard library only
	*) echo "*" ;;
	esac
}

# Subpackages held to more than their top-level package's rule: they may
# depend on no other Meadow package (not even their parent) and on no module
# outside the standard library but the ones listed. compute/text is a pure
# kernel library (docs/ARCHITECTURE.md, "Pretraining text"); compute/extract
# wraps one maintained library (issue 13) and lists the modules it pulls
# in, so that a new dependency is a decision.
standalone() {
	case "$1" in
	compute/text | compute/text/*) echo "golang.org/x/text" ;;
	# The language detector wraps whatlanggo alone (issue 13; its profiles
	# are Go source in its module, so nothing is downloaded at run time).
	compute/langid | compute/langid/*) echo "github.com/abadojack/whatlanggo" ;;
	compute/extract | compute/extract/*)
		echo "github.com/markusmobius github.com/JohannesKaufmann github.com/go-shiori github.com/andybalholm/cascadia" \
			"github.com/gogs/chardet github.com/RadhiFadlillah/whatlanggo github.com/araddon/dateparse github.com/elliotchance/pie" \
			"github.com/forPelevin/gomoji github.com/rivo/uniseg github.com/hablullah github.com/jalaali/go-jalaali" \
			"github.com/rs/zerolog github.com/mattn/go-colorable github.com/mattn/go-isatty github.com/yosssi/gohtml" \
			"golang.org/x/net golang.org/x/text golang.org/x/sys golang.org/x/exp"
		;;
	*) echo "-" ;;
	esac
}

fail=0
for pkg in $(go list ./...); do
	rel=${pkg#"$mod"}
	rel=${rel#/}
	top=${rel%%/*}
	ext=$(standalone "$rel")
	if [ "$ext" != "-" ]; then
		for dep in $(go list -deps -f '{{if not .Standard}}{{.ImportPath}}{{end}}' "$pkg"); do
			[ "$dep" = "$pkg" ] && continue
			case "$dep" in
			"$pkg"/*) continue ;;
			"$mod"/*) echo "import check: $rel depends on ${dep#"$mod"/}; it may depend on no other Meadow package" >&2 ;;
			*)
				ok=0
				for e in $ext; do
					case "$dep" in "$e" | "$e"/*) ok=1 ;; esac
				done
				[ $ok = 1 ] && continue
				echo "import check: $rel depends on $dep; outside the standard library it may use only: $ext" >&2
				;;
			esac
			fail=1
		done
		continue
	fi
	key=$top
	case "$rel" in release/internal/*) key=release/internal ;; crawl/htmldoc | crawl/htmldoc/*) key=crawl/htmldoc ;; esac
	ok=$(allowed "$key")
	[ "$ok" = "*" ] && continue
	for dep in $(go list -deps -f '{{if not .Standard}}{{.ImportPath}}{{end}}' "$pkg"); do
		case "$dep" in "$mod"/*) ;; *) continue ;; esac
		d=${dep#"$mod"/}
		dtop=${d%%/*}
		[ "$dtop" = "$top" ] && continue
		# An entry is a top-level package (and all below it) or, with a
		# slash, exactly that subpackage and what is below it.
		good=0
		for e in $ok; do
			case "$d" in "$e" | "$e"/*) good=1 ;; esac
		done
		if [ $good = 0 ]; then
			echo "import check: $rel depends on $d; $top may depend only on: ${ok:-no other Meadow package}" >&2
			fail=1
		fi
	done
done
exit $fail
