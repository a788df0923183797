# Meadow's build. `make dev` runs the whole network on one machine; `make test`
# runs every test CI runs. Both install what they need through `make deps`.

GO      ?= go
BIN     := bin/meadow
# `meadow version` prints both; without .git (a source tarball) they are
# "dev" and "unknown" unless given: make release VERSION=v0.4.0 COMMIT=…
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT  ?= $(shell git rev-parse HEAD 2>/dev/null || echo unknown)
LDFLAGS := -X main.version=$(VERSION) -X main.commit=$(COMMIT)
# The whole suite must stay under 30 minutes on 2 cores.
TEST_TIMEOUT ?= 25m

.PHONY: all build node-bin release release-repro test dev bench node-rss soak lint deps contracts contracts-check ptx device-bins ext fuzz vectors clean

all: build

build:
	$(GO) build -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/meadow

# The node-only build for home users: meadow with node, verify and version
# only, without the coordinator, buyer and dev network, Parquet or the
# in-process chain, so that a running node maps far less of its binary
# (docs/ARCHITECTURE.md, "Resident memory of a node" in docs/BENCHMARKS.md).
NODE_BIN := bin/meadow-node
node-bin:
	$(GO) build -tags nodeonly -ldflags '$(LDFLAGS)' -o $(NODE_BIN) ./cmd/meadow

# The home node as a Debian package, bin/meadow-node_VERSION_ARCH.deb: the
# node-only binary, its hardened systemd unit and /etc/meadow/node.toml,
# built with nfpm (deploy/internal/cmd/mkdeb; docs/DEPLOY.md).
.PHONY: deb
deb: node-bin
	$(GO) run ./deploy/internal/cmd/mkdeb -bin $(NODE_BIN) -version '$(VERSION)'

# Release archives in out/release (docs/ARCHITECTURE.md, "Release
# artifacts"): meadow-node for linux/amd64, linux/arm64, darwin/arm64 and
# windows/amd64, meadow for linux/amd64 and linux/arm64, all CGO_ENABLED=0;
# SHA256SUMS, and SHA256SUMS.sig signed with the key in the file RELEASE_KEY
# (without it, a throwaway dev key in out/release, said loudly).
# RELEASE_NETWORK=FILE ships that network file in every archive.
RELEASE_DIR     ?= out/release
RELEASE_KEY     ?=
RELEASE_NETWORK ?=
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)
release:
	$(GO) run ./release/internal/mkrelease -out '$(RELEASE_DIR)' -version '$(VERSION)' -commit '$(COMMIT)' \
		-date '$(SOURCE_DATE_EPOCH)' -key '$(RELEASE_KEY)' -network '$(RELEASE_NETWORK)'

deps:
	@scripts/deps.sh

lint:
	$(GO) vet ./...
	$(GO) vet -tags nodeonly ./cmd/meadow
	$(GO) vet -tags wasmc ./compute/wasm
	# -trimpath as ext/build.mjs builds it, so that the build reuses what vet compiled.
	GOOS=js GOARCH=wasm $(GO) vet -trimpath ./ext/wasm
	@scripts/check-imports.sh
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt: these files need formatting:"; gofmt -l $$(git ls-files '*.go'); exit 1; }

test: deps lint
	$(GO) test -count=1 -timeout $(TEST_TIMEOUT) ./...
	$(GO) test -count=1 -tags nodeonly ./cmd/meadow
	ext/test/run.sh

dev: deps build
	$(BIN) dev

# Benchmarks: figures go to docs/BENCHMARKS.md with the command that made them.
# The build tag wasmc adds the WebAssembly sandbox's C module (built with
# clang for wasm32-wasi: compute/wasm/cmodule_test.go), its output check
# first; scripts/deps-bench.sh installs clang, lld and wasi-libc, which
# `make test` does not need.
bench: deps
	@scripts/deps-bench.sh
	$(GO) test -tags wasmc -count=1 -run CModule ./compute/wasm
	$(GO) test -tags wasmc -run '^$$' -bench . -benchmem -timeout 60m ./...
	node ext/test/maintext.bench.mjs
	scripts/node-rss.sh

# Resident memory of a home node, idle and busy, against a dev network: the
# figures of "Resident memory of a node" in docs/BENCHMARKS.md (about 2 minutes).
node-rss:
	scripts/node-rss.sh

# Long-running load and failure tests, kept out of `make test`.
# Build part of the release twice (two checkouts, the second with an empty
# build cache) and compare the bytes: scripts/release-repro.sh (minutes).
release-repro:
	scripts/release-repro.sh

soak: deps
	$(GO) test -tags soak -count=1 -run Soak -timeout 60m ./...

# Run each fuzz target for a while (FUZZTIME each); the seeds run in `make test`.
FUZZTIME ?= 30s
fuzz:
	@scripts/fuzz.sh $(FUZZTIME)

# Compile the Solidity contracts (solc-js 0.8.37 from node_modules, settings in
# contracts/solc-input.json) into contracts/build and regenerate the Go
# bindings in contracts/bindings; contracts-check fails when the committed
# ones differ from a fresh build (so does `go test ./contracts/...`).
contracts:
	$(GO) run ./contracts/internal/gencontracts

contracts-check:
	$(GO) run ./contracts/internal/gencontracts -check

# Regenerate the golden test vectors; each package's tests check that the
# committed files match what its generator makes.
vectors:
	$(GO) run ./dataset/internal/genvectors -out dataset/testdata
	$(GO) run ./api/internal/genvectors
	$(GO) run ./rewards/internal/genvectors
	$(GO) run ./rewards/internal/plot
	$(GO) run ./compute/internal/genvectors -out compute/testdata
	$(GO) test ./compute/text -run TestGolden -update
	$(GO) test ./compute/extract -run '^TestGolden$$' -update
	$(GO) run ./ext/test/gen

# CUDA kernels to PTX (compute/cuda/*.ptx, committed and embedded). Needs
# nvcc; see compute/cuda/ptx.sh for PTX_ARCH and PTX_ISA.
ptx:
	compute/cuda/ptx.sh

# The checks that need the lent GPU machine, prepared as test binaries in
# out/device; there, `scripts/device-check.sh run` (see the script).
device-bins:
	scripts/device-check.sh build

clean:
	rm -rf bin out

# The browser extension: bundle (esbuild, from node_modules) into
# ext/dist/unpacked and pack ext/dist/meadow-ext-VERSION.zip, the file users
# load. See ext/README.md.
ext: deps
	node ext/build.mjs --zip
