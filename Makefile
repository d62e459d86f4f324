# Holdfast: `make run` starts the whole stack locally (offline, sandbox exchanges); `make test` runs every test.
SHELL := /bin/bash
export HOLDFAST_STATE_DIR ?= $(CURDIR)/state
export HOLDFAST_HTTP_PORT ?= 3001
export HOLDFAST_HTTPS_PORT ?= 3443
# The test stack lives beside the demo stack, on its own ports, so both can run at once.
# The alert tests' webhook/ntfy receivers listen on 17191-17199 (tests/e2e/receivers.py); the stack may send to
# 17191-17195 only, so 17199 stands for a loopback service it must refuse. The Ghostfolio stand-ins listen on
# 17181-17189 (tests/e2e/ghostfolio_standin.py); the stack may send to 17181-17184 only (17189: refused).
TEST_ENV := HOLDFAST_STATE_DIR=$(CURDIR)/state/test HOLDFAST_HTTP_PORT=3101 HOLDFAST_HTTPS_PORT=3543 \
	HOLDFAST_SANDBOX_PORT_BASE=17100 HOLDFAST_COOKIE_SECURE=1 HOLDFAST_TEST_RECEIVER_BASE=17190 \
	HOLDFAST_TEST_GHOSTFOLIO_BASE=17180 \
	HOLDFAST_OUTBOUND_ALLOW=127.0.0.1:17191,127.0.0.1:17192,127.0.0.1:17193,127.0.0.1:17194,127.0.0.1:17195,127.0.0.1:17181,127.0.0.1:17182,127.0.0.1:17183,127.0.0.1:17184
RELEASE_BIN = $(CURDIR)/.build/release
PYTHON ?= python3

.PHONY: deps test-deps build build-debug run stop test test-unit test-e2e test-multihost test-browser test-fuzz test-package fuzz bench clean install uninstall deb

deps:
	@scripts/stack.sh deps
	@scripts/postgres.sh deps

test-deps: deps
	@scripts/stack.sh test-deps
	@$(PYTHON) -m pip install -q --root-user-action=ignore -r tests/requirements.txt

# Self-contained binaries: the Swift standard library and Foundation are linked in statically and no rpath is
# added, so a server needs no Swift toolchain (readelf -d: no RUNPATH, no libswift*/libFoundation* NEEDED). One
# product at a time, because a static standard library cannot go into the fuzzers' shared library (make fuzz
# builds that in .build-fuzz).
RELEASE_PRODUCTS := holdfast holdfast-fcgi holdfast-sync holdfast-sandbox holdfast-bench
build: deps
	@for product in $(RELEASE_PRODUCTS); do \
		swift build -c release --static-swift-stdlib --disable-local-rpath --product $$product || exit 1; done

build-debug: deps
	swift build

run: build
	@BIN_DIR=$(RELEASE_BIN) scripts/stack.sh run

stop:
	@scripts/stack.sh stop

test: build test-deps test-unit test-e2e test-multihost test-fuzz test-package

# One test at a time: several suites check exchange clock windows of a few seconds against the in-process
# sandbox, and with every suite in parallel on a 2-core machine CPU-heavy suites (scrypt, RSA) starve them.
# Measured here: 18–25 s one at a time, about 20 s in parallel (with those failures).
# The PostgreSQL module's tests use a throwaway server (scripts/postgres.sh), stopped on exit: pass, fail or Ctrl-C.
test-unit: deps
	@trap 'scripts/postgres.sh stop' EXIT; url=$$(scripts/postgres.sh start) || exit 1; \
		HOLDFAST_TEST_POSTGRES_URL=$$url swift test --no-parallel

# The e2e stack starts once; then the files that exercise the store run again with the stack on PostgreSQL
# (scripts/e2e-postgresql.sh). The browser suite (tests/browser) runs in the same pytest session and brings up its
# own stack beside it, with rate limits in dry run (see tests/browser/conftest.py for why).
test-e2e: build test-deps
	@$(TEST_ENV) BIN_DIR=$(RELEASE_BIN) scripts/stack.sh stop
	@rm -rf state/test
	@$(TEST_ENV) BIN_DIR=$(RELEASE_BIN) scripts/stack.sh start
	@set -o pipefail; $(TEST_ENV) BIN_DIR=$(RELEASE_BIN) $(PYTHON) -m pytest -q tests/e2e tests/browser; status=$$?; \
		$(TEST_ENV) scripts/stack.sh stop; [ $$status -eq 0 ] || exit $$status; \
		$(PYTHON) scripts/secrets-sweep.py state $(RELEASE_BIN)
	@$(TEST_ENV) BIN_DIR=$(RELEASE_BIN) PYTHON=$(PYTHON) scripts/e2e-postgresql.sh

# The multi-host test (issue 12 §2): one PostgreSQL, two responders, three timers (one SIGKILLed mid-run), 3,000
# due connections, each synced exactly once. Its own state folder (state/multihost) and ports (3201, 3641, sandbox
# 17201-17208), beside the e2e stack's. `make test` runs it after test-e2e (prerequisites run in order): both use
# scripts/postgres.sh's server, and each wants the 2 cores to itself.
# (The Makefile exports the demo stack's HOLDFAST_STATE_DIR and ports: these must replace them, as TEST_ENV does.)
MULTIHOST_ENV := HOLDFAST_STATE_DIR=$(CURDIR)/state/multihost HOLDFAST_HTTP_PORT=3201 HOLDFAST_HTTPS_PORT=3641 \
	HOLDFAST_SANDBOX_PORT_BASE=17200
test-multihost: build test-deps
	@$(MULTIHOST_ENV) BIN_DIR=$(RELEASE_BIN) PYTHON=$(PYTHON) scripts/multi-host-test.sh

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
	@BIN_DIR=$(RELEASE_BIN) Benchmarks/scale-out.sh
	@BIN_DIR=$(RELEASE_BIN) $(PYTHON) Benchmarks/ui.py
	@$(RELEASE_BIN)/holdfast-bench vault

clean:
	rm -rf .build state dist

# Install on a server: `make build && sudo make install SERVER_NAME=holdfast.example.org`. Deploy/install.sh
# copies the files (PREFIX, default /usr/local); then, unless DESTDIR is set (staging only: no secrets, no
# settings, no services), PREFIX/libexec/holdfast/configure sets up this machine (Deploy/configure.sh). The site
# values SERVER_NAME, TLS_CERT, TLS_KEY, CORS_ORIGIN (or HOLDFAST_CORS_ORIGIN), HTTP_PORT and HTTPS_PORT go into
# /etc/holdfast/holdfast.env when configure first writes it; make variables on the command line survive sudo.
# PURGE=1 (uninstall) also deletes data and keys.
PREFIX ?= /usr/local
install:
	@PREFIX="$(PREFIX)" DESTDIR="$(DESTDIR)" BIN_DIR="$(RELEASE_BIN)" Deploy/install.sh
	@if [ -z "$(DESTDIR)" ]; then \
		SERVER_NAME="$(SERVER_NAME)" TLS_CERT="$(TLS_CERT)" TLS_KEY="$(TLS_KEY)" CORS_ORIGIN="$(CORS_ORIGIN)" \
		HTTP_PORT="$(HTTP_PORT)" HTTPS_PORT="$(HTTPS_PORT)" "$(PREFIX)/libexec/holdfast/configure"; fi

uninstall:
	@PREFIX="$(PREFIX)" DESTDIR="$(DESTDIR)" PURGE="$(PURGE)" Deploy/uninstall.sh

# The Debian package: dist/holdfast_<version>_<arch>.deb (Deploy/build-deb.sh, debhelper). The version comes
# from the VERSION file unless given: make deb VERSION=1.2.3.
VERSION ?= $(shell cat VERSION)
deb: build
	@VERSION="$(VERSION)" BIN_DIR="$(RELEASE_BIN)" Deploy/build-deb.sh
