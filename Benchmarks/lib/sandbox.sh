# Shared by the timer benchmarks (sync.sh, scale-out.sh): a sandbox of five exchanges answering after 100 ms,
# Holdfast pointed at it, and N connections seeded into a database. Source it; it defines functions only.
#
# Ports: the sandbox listens on BASE+1 … BASE+8 (binance, coinbase, coinbaseexchange, kraken, kucoin, okx,
# bybit, bitvavo); the five exchanges the fixture uses are BASE+1 … BASE+5.

# The exchanges of `Benchmarks/lib/fixture.py`, in port order.
bench_exchanges=(binance coinbase coinbaseexchange kraken kucoin)

# bench_fixture BIN OUT PER_EXCHANGE [fixture.py options…]: writes the fixture (see fixture.py).
bench_fixture() {
  local bin=$1 out=$2 per_exchange=$3; shift 3
  "$bin/holdfast-sandbox" --print-fixture |
    python3 "$(dirname "${BASH_SOURCE[0]}")/fixture.py" "$out" "$per_exchange" "$@"
}

# bench_sandbox_start BIN FIXTURE BASE LOG: starts the sandbox in the background (its pid in $bench_sandbox_pid)
# and waits until it answers. The caller stops it (bench_sandbox_stop, usually from an EXIT trap).
bench_sandbox_start() {
  local bin=$1 fixture=$2 base=$3 log=$4
  "$bin/holdfast-sandbox" --fixture "$fixture" --port-base "$base" >"$log" 2>&1 &
  bench_sandbox_pid=$!
  for _ in $(seq 1 100); do
    curl -fsS "http://127.0.0.1:$((base + 1))/__sandbox/stats" >/dev/null 2>&1 && return 0
    kill -0 "$bench_sandbox_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "the sandbox did not start; its log:" >&2; tail -20 "$log" >&2; return 1
}

# bench_sandbox_stop: stops the sandbox bench_sandbox_start started, if any.
bench_sandbox_stop() {
  [ -n "${bench_sandbox_pid:-}" ] || return 0
  kill "$bench_sandbox_pid" 2>/dev/null || true
  wait "$bench_sandbox_pid" 2>/dev/null || true
  bench_sandbox_pid=
}

# bench_point_at_sandbox BIN BASE: exports HOLDFAST_<EXCHANGE>_BASE_URL (and every region's) for the sandbox.
bench_point_at_sandbox() {
  local line
  while IFS= read -r line; do
    case $line in HOLDFAST_*=*) export "$line" ;; esac
  done < <("$1/holdfast-sandbox" --port-base "$2" --print-environment)
}

# bench_sandbox_reset BASE: zeroes every exchange's request counts (before the measured run, after seeding).
bench_sandbox_reset() {
  local i
  for i in 1 2 3 4 5; do curl -fsS -X POST "http://127.0.0.1:$(($1 + i))/__sandbox/stats/reset" >/dev/null; done
}

# bench_seed BIN FIXTURE COUNT: migrates the database HOLDFAST_DATABASE names, adds bench@example.com and seeds
# COUNT due connections spread over the fixture's accounts, each due once per run (needs HOLDFAST_MIGRATIONS_DIR,
# ENCRYPTION_KEY).
bench_seed() {
  local bin=$1 fixture=$2 count=$3
  "$bin/holdfast" migrate >/dev/null
  printf '%s\n' 'benchmark password 1' | "$bin/holdfast" user add bench@example.com >/dev/null
  "$bin/holdfast-bench" seed-connections --count "$count" --user bench@example.com --fixture "$fixture" >/dev/null
  bench_due_once_per_run
}

# bench_due_once_per_run: gives every connection a sync interval of a day, so one synced during the run is not due
# again before the run ends. With the default 300 s a run longer than five minutes syncs its first connections
# again, and a fleet slower than COUNT / 300 s a second never runs out of due work. Direct SQL on purpose: this
# shapes the benchmark's fixture (as seeding does), it is not something Holdfast does; no store offers it in bulk.
bench_due_once_per_run() {
  python3 - "$HOLDFAST_DATABASE" <<'PY'
import sqlite3, subprocess, sys
setting, sql = sys.argv[1], "UPDATE exchange_connections SET sync_interval = 86400"
if setting.startswith(("postgres://", "postgresql://")):
    subprocess.run(["psql", setting, "-qc", sql], check=True)
else:
    db = sqlite3.connect(setting)
    db.execute(sql)
    db.commit()
    db.close()
PY
}

# bench_sandbox_stats BASE: one line per exchange: requests since the last reset, the most at once, and the
# busiest paths.
bench_sandbox_stats() {
  local i
  for i in 1 2 3 4 5; do
    curl -fsS "http://127.0.0.1:$(($1 + i))/__sandbox/stats" | python3 -c '
import json, sys
s = json.load(sys.stdin)
paths = ", ".join(f"{p} {n}" for p, n in sorted(s["paths"].items(), key=lambda kv: -kv[1]))
print("sandbox        : %-17s %6d requests, at most %3d at once (%s)" % (sys.argv[1], s["requests"], s["maxInFlight"], paths))
' "${bench_exchanges[$((i - 1))]}"
  done
}
