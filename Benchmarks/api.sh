#!/usr/bin/env bash
# API throughput through nginx: authenticated GET /api/v1/auth/me (nginx -> responder -> SQLite) against an
# nginx `return 200` location in the same server with the same headers. Prints req/s, p99, the ratio and the
# responder's CPU time per request. A benchmark, not a test: it prints figures and always stops by itself.
# Usage: Benchmarks/api.sh [seconds] [connections]     (BIN_DIR: release binaries)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-10}
connections=${2:-16}
export HOLDFAST_STATE_DIR=$root/state/bench HOLDFAST_HTTP_PORT=3201 HOLDFAST_HTTPS_PORT=3643
export HOLDFAST_SANDBOX_PORT_BASE=17200 HOLDFAST_RATE_LIMIT_DRY_RUN=on HOLDFAST_LOG_LEVEL=${HOLDFAST_LOG_LEVEL:-warning}
export BIN_DIR=${BIN_DIR:-$root/.build/release}
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }

"$root/scripts/stack.sh" stop >/dev/null 2>&1 || true
rm -rf "$HOLDFAST_STATE_DIR"
"$root/scripts/stack.sh" start
trap '"$root/scripts/stack.sh" stop' EXIT
set -a; . "$HOLDFAST_STATE_DIR/holdfast.env"; set +a
printf '%s\n' 'benchmark password 1' | "$BIN_DIR/holdfast" user add bench@example.com >/dev/null
token=$(curl -fsS -X POST "http://127.0.0.1:$HOLDFAST_HTTP_PORT/api/v1/auth/login" -H 'Content-Type: application/json' \
  -d '{"email":"bench@example.com","password":"benchmark password 1"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
fcgi_pid=$(cat "$HOLDFAST_STATE_DIR/run/fcgi.pid")
ticks=$(getconf CLK_TCK)

cpu_ticks() { awk '{print $14 + $15}' "/proc/$fcgi_pid/stat"; }
rss_kib() { awk '/VmRSS/ {print $2}' "/proc/$fcgi_pid/status"; }

# Runs wrk and prints "requests_per_second p99_ms requests".
measure() {
  local url=$1; shift
  local out
  out=$(wrk -t2 -c"$connections" -d"${seconds}s" --latency "$@" "$url")
  local rps p99 total
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  total=$(awk '/requests in/ {print $1}' <<<"$out")
  non2xx=$(awk '/Non-2xx/ {print $5}' <<<"$out")
  [ -n "$non2xx" ] && echo "warning: $non2xx non-2xx responses" >&2
  echo "$rps $p99 $total"
}

base="http://127.0.0.1:$HOLDFAST_HTTP_PORT"
wrk -t1 -c4 -d2s -H "Authorization: Bearer $token" "$base/api/v1/auth/me" >/dev/null  # warm-up
rss_before=$(rss_kib)
read -r static_rps static_p99 _ < <(measure "$base/__bench/static")
cpu_before=$(cpu_ticks)
read -r api_rps api_p99 api_total < <(measure "$base/api/v1/auth/me" -H "Authorization: Bearer $token")
cpu_after=$(cpu_ticks)
rss_after=$(rss_kib)

python3 - "$static_rps" "$static_p99" "$api_rps" "$api_p99" "$api_total" "$cpu_before" "$cpu_after" "$ticks" "$rss_before" "$rss_after" <<'PY'
import sys
static_rps, static_p99, api_rps, api_p99, total, c0, c1, ticks, rss0, rss1 = sys.argv[1:]
cpu_us = (int(c1) - int(c0)) / int(ticks) * 1e6 / max(int(total), 1)
print(f"nginx return 200        : {float(static_rps):10.0f} req/s   p99 {static_p99}")
print(f"GET /api/v1/auth/me     : {float(api_rps):10.0f} req/s   p99 {api_p99}")
print(f"ratio (API / nginx)     : {float(api_rps) / float(static_rps) * 100:9.1f} %   (target >= 15 %)")
print(f"responder CPU / request : {cpu_us:10.1f} us")
print(f"responder RSS           : {int(rss0)/1024:.1f} MiB before, {int(rss1)/1024:.1f} MiB after")
PY
