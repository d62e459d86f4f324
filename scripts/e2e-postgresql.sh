#!/usr/bin/env bash
# The e2e files that exercise the store through the API, the CLI and the timer, run again with the stack on
# PostgreSQL (issue 12): `scripts/e2e-postgresql.sh [pytest args…]`, with the same HOLDFAST_STATE_DIR / port /
# BIN_DIR environment as `scripts/stack.sh`. `make test-e2e` runs it after the SQLite pass.
#
# It starts the throwaway server (scripts/postgres.sh; stopped again on exit if this script started it), makes a
# fresh database holdfast_e2e on it, starts the stack with HOLDFAST_DATABASE pointing there (stack.sh migrates it
# with `holdfast migrate`), runs the files below and stops the stack. Tests that are about the SQLite file (modes,
# WAL, backup, restore, a full disk) are marked `sqlite_only` in tests/e2e and skip themselves; so do the few slow
# ones marked `store_free` (an exchange's timeouts), to keep this pass's time down.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
: "${HOLDFAST_STATE_DIR:?set HOLDFAST_STATE_DIR (and the ports) as for scripts/stack.sh}"
# Every file whose tests reach the store (through the API, the CLI or the timer). Left out, as they never touch the
# stack's database: exchange_cli (no store), nginx_hardening, schemathesis (nginx and the schema, measured too slow
# for a second pass), socket_activation and deploy (services of their own on SQLite files), db_copy (SQLite to
# PostgreSQL already). faults and error_site give their responder of its own a fresh PostgreSQL database here.
files=(connections sync_timer sync_claims bad_input foundation user_cli wallets request_budgets openapi
       faults postgres_outage runtime data_safety login_throttle vault_cli region_and_keys read_fidelity error_site
       binance_keys binance_wallets bybit okx bitvavo kucoin_modes portfolio_value connection_rekey alerts ghostfolio_feed)

started_postgres=0
"$root/scripts/postgres.sh" status >/dev/null 2>&1 || started_postgres=1
server=$("$root/scripts/postgres.sh" start)
cleanup() {
  "$root/scripts/stack.sh" stop || true
  [ "$started_postgres" -eq 0 ] || "$root/scripts/postgres.sh" stop || true
}
trap cleanup EXIT

psql -q -v ON_ERROR_STOP=1 "$server" -c "DROP DATABASE IF EXISTS holdfast_e2e WITH (FORCE)" -c "CREATE DATABASE holdfast_e2e"
export HOLDFAST_DATABASE=${server%/*}/holdfast_e2e

"$root/scripts/stack.sh" stop
rm -rf "$HOLDFAST_STATE_DIR"
"$root/scripts/stack.sh" start
cd "$root"
paths=()
for file in "${files[@]}"; do paths+=("tests/e2e/test_$file.py"); done
"${PYTHON:-python3}" -m pytest -q "${paths[@]}" "$@"
