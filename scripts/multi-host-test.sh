#!/usr/bin/env bash
# The multi-host test (issue 12 §2): one PostgreSQL, two responders behind one nginx upstream, three timers, 3,000
# due connections against the sandbox. `scripts/multi-host-test.sh [pytest args…]`; `make test-multihost` runs it.
#
# This script makes the shared parts, reusing what the other stacks use: the throwaway server (scripts/postgres.sh,
# stopped again on exit if this script started it) with a fresh database holdfast_multihost, and the stack of
# scripts/stack.sh on it (sandbox, the first responder, nginx; it migrates with `holdfast migrate`). The test
# (tests/multihost) adds the second responder and the timers, and stops them itself; the trap below stops anything
# it left (its pid files are $HOLDFAST_STATE_DIR/run/multihost-*.pid) and the stack, on success, failure or Ctrl-C.
#
# Settings as for scripts/stack.sh (loopback only); the defaults are this test's own ports, beside the e2e stack's.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export HOLDFAST_STATE_DIR=${HOLDFAST_STATE_DIR:-$root/state/multihost}
export HOLDFAST_HTTP_PORT=${HOLDFAST_HTTP_PORT:-3201} HOLDFAST_HTTPS_PORT=${HOLDFAST_HTTPS_PORT:-3641}
export HOLDFAST_SANDBOX_PORT_BASE=${HOLDFAST_SANDBOX_PORT_BASE:-17200} HOLDFAST_COOKIE_SECURE=1
export BIN_DIR=${BIN_DIR:-$root/.build/release}
# The responders log a line per request at debug level: the test reads them to prove both answered.
export HOLDFAST_LOG_LEVEL=debug

# The state folder is deleted below: never the demo stack's, nor one holding the PostgreSQL cluster.
pg_dir=${HOLDFAST_POSTGRES_DIR:-$root/state/postgres}
case "${HOLDFAST_STATE_DIR%/}/" in
  "$root/"|"$root/state/"|"${pg_dir%/}/"*) echo "multi-host-test.sh: refusing to delete $HOLDFAST_STATE_DIR" >&2; exit 2 ;;
esac
case "${pg_dir%/}/" in
  "${HOLDFAST_STATE_DIR%/}/"*) echo "multi-host-test.sh: HOLDFAST_POSTGRES_DIR is inside $HOLDFAST_STATE_DIR" >&2; exit 2 ;;
esac

started_postgres=0
"$root/scripts/postgres.sh" status >/dev/null 2>&1 || started_postgres=1
server=$("$root/scripts/postgres.sh" start)
cleanup() {
  local file
  for file in "$HOLDFAST_STATE_DIR"/run/multihost-*.pid; do
    [ -f "$file" ] && kill -KILL "$(cat "$file")" 2>/dev/null || true
    rm -f "$file"
  done
  "$root/scripts/stack.sh" stop || true
  [ "$started_postgres" -eq 0 ] || "$root/scripts/postgres.sh" stop || true
}
trap cleanup EXIT

psql -q -v ON_ERROR_STOP=1 "$server" -c "DROP DATABASE IF EXISTS holdfast_multihost WITH (FORCE)" \
  -c "CREATE DATABASE holdfast_multihost"
export HOLDFAST_DATABASE=${server%/*}/holdfast_multihost

"$root/scripts/stack.sh" stop
rm -rf "$HOLDFAST_STATE_DIR"
"$root/scripts/stack.sh" start
cd "$root"
"${PYTHON:-python3}" -m pytest -q tests/multihost "$@"
