#!/usr/bin/env bash
# Runs the extension's tests with Node's own test runner: the formats
# against Go's vectors (no browser), then the browser tests (Chromium with
# the development build) and the cluster test. Exits non-zero on any failure.
#
#   ext/test/run.sh            every test
#   ext/test/run.sh --unit     only the tests that need neither Chromium nor Go
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ ! -d node_modules/@noble/curves ] || [ ! -d node_modules/esbuild ]; then
	echo "ext tests: node_modules is missing or stale; run 'make deps' (npm ci)" >&2
	exit 1
fi
unit=(ext/test/envelope.test.mjs ext/test/formats.test.mjs ext/test/dataset_vectors.test.mjs ext/test/runner.test.mjs ext/test/coordclient.test.mjs ext/test/doh.test.mjs ext/test/rewards.test.mjs ext/test/claim.test.mjs ext/test/provenance.test.mjs)
if [ "${1:-}" = "--unit" ]; then
	exec node --test --test-concurrency=1 "${unit[@]}"
fi
# The browser and cluster tests start Chromium and Go programs: one file at a
# time, so that two Chromiums never compete for the two cores.
exec node --test --test-concurrency=1 "${unit[@]}" ext/test/go_vectors.test.mjs ext/test/maintext.test.mjs ext/test/arrow.test.mjs ext/test/browser.test.mjs ext/test/hostile.test.mjs ext/test/cluster.test.mjs
