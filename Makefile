# Holdfast: `make run` starts the whole stack locally (offline, sandbox exchanges); `make test` runs every test.
SHELL := /bin/bash
export HOLDFAST_STATE_DIR ?= $(CURDIR)/state
export HOLDFAST_HTTP_PORT ?= 3001
export HOLDFAST_HTTPS_PORT ?= 3443
# The test stack lives beside the demo stack, on its own ports, so both can run at once.
TEST_ENV := HOLDFAST_STATE_DIR=$(CURDIR)/state/test HOLDFAST_HTTP_PORT=3101 HOLDFAST_HTTPS_PORT=3543 \
	HOLDFAST_SANDBOX_PORT_BASE=17100 HOLDFAST_COOKIE_SECURE=1
RELEASE_BIN = $(CURDIR)/.build/release
PYTHON ?= python3

.PHONY: deps test-deps build build-debug run stop test test-unit test-e2e test-browser test-fuzz test-package fuzz bench clean install uninstall

deps:
	@scripts/stack.sh deps

test-deps: deps
	@scripts/stack.sh test-deps
	@$(PYTHON) -m pip install -q --root-user-action=ignore -r tests/requirements.txt

build: deps
	swift build -c release

build-debug: deps
	swift build

run: build
	@BIN_DIR=$(RELEASE_BIN) scripts/stack.sh run

stop:
	@scripts/stack.sh stop

test: build test-deps test-unit test-e2e test-fuzz test-package

# One test at a time: several suites check exchange clock windows of a few seconds against the in-process
# sandbox, and with every suite in parallel on a 2-core machine CPU-heavy suites (scrypt, RSA) starve them.
# Measured here: 18–25 s one at a time, about 20 s in parallel (with those failures).
test-unit: deps
	swift test --no-parallel

# The e2e stack starts once; the browser suite (tests/browser) runs in the same pytest session and brings up its
# own stack beside it, with rate limits in dry run (see tests/browser/conftest.py for why).
test-e2e: build test-deps
	@$(TEST_ENV) BIN_DIR=$(RELEASE_BIN) scripts/stack.sh stop
	@rm -rf state/test
	@$(TEST_ENV) BIN_DIR=$(RELEASE_BIN) scripts/stack.sh start
	@set -o pipefail; $(TEST_ENV) BIN_DIR=$(RELEASE_BIN) $(PYTHON) -m pytest -q tests/e2e tests/browser; status=$$?; \
		$(TEST_ENV) scripts/stack.sh stop; [ $$status -eq 0 ] || exit $$status; \
		$(PYTHON) scripts/secrets-sweep.py state $(RELEASE_BIN)

# The browser suite alone (make test runs it inside test-e2e); headless Debian Chromium, screenshots in artifacts/.
test-browser: build test-deps
	@BIN_DIR=$(RELEASE_BIN) $(PYTHON) -m pytest -q tests/browser

# Deployment tests (tests/package): each in a fresh Debian 12 root made with debootstrap (cached in
# /var/cache/holdfast-tests), with no Swift toolchain in it. They need root (chroot, mount), as CI has.
test-package: build test-deps
	@BIN_DIR=$(RELEASE_BIN) $(PYTHON) -m pytest -q tests/package

# libFuzzer: a short pass in make test (8 s per target); `make fuzz` runs FUZZ_SECONDS (default 10 minutes) per target.
FUZZ_SECONDS ?= 600
test-fuzz:
	@scripts/fuzz.sh 8

fuzz:
	@scripts/fuzz.sh $(FUZZ_SECONDS)

# Every benchmark; each prints figures (BENCHMARKS.md records them) and stops by itself.
bench: build test-deps
	@BIN_DIR=$(RELEASE_BIN) Benchmarks/api.sh
	@BIN_DIR=$(RELEASE_BIN) $(PYTHON) Benchmarks/slow_exchange.py
	@BIN_DIR=$(RELEASE_BIN) Benchmarks/sync.sh
	@BIN_DIR=$(RELEASE_BIN) Benchmarks/budget.sh
	@$(RELEASE_BIN)/holdfast bench vault

clean:
	rm -rf .build state

# Install on a server (Deploy/install.sh): `make build && sudo make install`. PREFIX (default /usr/local),
# DESTDIR (stage without touching the system) and PURGE=1 (uninstall: also delete data and keys) pass through.
PREFIX ?= /usr/local
install:
	@PREFIX="$(PREFIX)" DESTDIR="$(DESTDIR)" BIN_DIR="$(RELEASE_BIN)" Deploy/install.sh

uninstall:
	@PREFIX="$(PREFIX)" DESTDIR="$(DESTDIR)" PURGE="$(PURGE)" Deploy/uninstall.sh
