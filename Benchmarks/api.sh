#!/usr/bin/env bash
# API throughput through nginx against an nginx `return 200` location in the same server with the same headers:
# authenticated GET /api/v1/auth/me (token check and one session read) and GET /api/v1/exchanges/connections
# for a user with 5 connections. Prints req/s, p50/p99, the ratio, the responder's CPU time per request and
# its RSS before and after. A benchmark, not a test: it prints figures and always stops by itself.
# Usage: Benchmarks/api.sh [seconds] [connections]     (BIN_DIR: release binaries)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-10}
connections=${2:-16}
export CONNECTIONS=$connections
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
csrf=$(curl -fsS "http://127.0.0.1:$HOLDFAST_HTTP_PORT/api/v1/auth/me" -H "Authorization: Bearer $token" | python3 -c 'import json,sys; print(json.load(sys.stdin)["csrfToken"])')
# Five connections, one per exchange, from the sandbox's demo accounts.
"$BIN_DIR/holdfast-sandbox" --print-fixture | python3 -c '
import json, sys
seen = {}
for a in json.load(sys.stdin)["accounts"]:
    seen.setdefault(a["exchange"], a)
for a in seen.values():
    body = {"exchange": a["exchange"], "apiKey": a["apiKey"], "apiSecret": a["apiSecret"]}
    if a.get("passphrase"): body["passphrase"] = a["passphrase"]
    print(json.dumps(body))' | while read -r body; do
  curl -fsS -o /dev/null -X POST "http://127.0.0.1:$HOLDFAST_HTTP_PORT/api/v1/exchanges/connect" -H 'Content-Type: application/json' \
    -H "Authorization: Bearer $token" -H "X-CSRF-Token: $csrf" --data-binary "$body"
done
# 60 assets for GET /portfolio: the Binance and KuCoin accounts hold 30 each (16 with sandbox markets, 44 without,
# which value as unpriced), then one timer run reads the market data and records a value point.
python3 - "$HOLDFAST_SANDBOX_PORT_BASE" <<'PY'
import http.client, json, subprocess, sys, os
base = int(sys.argv[1])
ports = {name: base + 1 + i for i, name in enumerate(["binance", "coinbase", "coinbaseexchange", "kraken", "kucoin", "okx", "bybit", "bitvavo"])}
accounts = json.loads(subprocess.run([os.environ["BIN_DIR"] + "/holdfast-sandbox", "--print-fixture"], capture_output=True, text=True, check=True).stdout)["accounts"]
real = ["BTC", "ETH", "SOL", "BNB", "LDO", "ADA", "DOT", "XTZ", "DOGE", "ATOM", "KCS", "MNT", "BETH", "USDT", "USDC", "EUR"]
assets = real + [f"TOK{n:02d}" for n in range(1, 45)]
for exchange, part in (("binance", assets[0::2]), ("kucoin", assets[1::2])):
    account = next(a for a in accounts if a["exchange"] == exchange)
    conn = http.client.HTTPConnection("127.0.0.1", ports[exchange], timeout=10)
    balances = [{"asset": asset, "free": f"{n + 1}.125", "locked": "0"} for n, asset in enumerate(part)]
    conn.request("POST", "/__sandbox/fixture", body=json.dumps({"apiKey": account["apiKey"], "balances": balances}),
                 headers={"Content-Type": "application/json"})
    assert conn.getresponse().status == 200
PY
for id in $(curl -fsS "http://127.0.0.1:$HOLDFAST_HTTP_PORT/api/v1/exchanges/connections" -H "Authorization: Bearer $token" |
  python3 -c 'import json,sys; print(" ".join(c["id"] for c in json.load(sys.stdin)["connections"] if c["exchange"] in ("binance", "kucoin")))'); do
  curl -fsS -o /dev/null -X POST "http://127.0.0.1:$HOLDFAST_HTTP_PORT/api/v1/exchanges/connections/$id/sync" \
    -H "Authorization: Bearer $token" -H "X-CSRF-Token: $csrf"
done
(unset JWT_SECRET; "$BIN_DIR/holdfast-sync" >/dev/null 2>&1)
assets=$(curl -fsS "http://127.0.0.1:$HOLDFAST_HTTP_PORT/api/v1/portfolio" -H "Authorization: Bearer $token" |
  python3 -c 'import json,sys; b=json.load(sys.stdin); print(len(b["assets"]), "assets,", b["unpricedCount"], "unpriced,", len(b["connections"]), "connections")')
fcgi_pid=$(cat "$HOLDFAST_STATE_DIR/run/fcgi.pid")
ticks=$(getconf CLK_TCK)

cpu_ticks() { awk '{print $14 + $15}' "/proc/$fcgi_pid/stat"; }
rss_kib() { awk '/VmRSS/ {print $2}' "/proc/$fcgi_pid/status"; }

# Runs wrk and prints "requests_per_second p50 p99 requests".
measure() {
  local url=$1; shift
  local out
  out=$(wrk -t2 -c"$connections" -d"${seconds}s" --latency "$@" "$url")
  local non2xx
  non2xx=$(awk '/Non-2xx/ {print $5}' <<<"$out")
  [ -n "$non2xx" ] && echo "warning: $non2xx non-2xx responses" >&2
  echo "$(awk '/Requests\/sec/ {print $2}' <<<"$out") $(awk '$1 == "50%" {print $2}' <<<"$out") \
$(awk '$1 == "99%" {print $2}' <<<"$out") $(awk '/requests in/ {print $1}' <<<"$out")"
}

base="http://127.0.0.1:$HOLDFAST_HTTP_PORT"
auth=(-H "Authorization: Bearer $token")
# Warm-up with the measured concurrency, so every worker thread the runs will use has its stack and SQLite
# connection already: RSS after the runs then shows growth, not first use.
for path in /api/v1/auth/me /api/v1/exchanges/connections /api/v1/portfolio; do
  wrk -t2 -c"$connections" -d3s "${auth[@]}" "$base$path" >/dev/null
done
rss_before=$(rss_kib)
read -r static_rps static_p50 static_p99 _ < <(measure "$base/__bench/static")
cpu0=$(cpu_ticks)
read -r me_rps me_p50 me_p99 me_total < <(measure "$base/api/v1/auth/me" "${auth[@]}")
cpu1=$(cpu_ticks)
# PROFILE=1: sample the responder with perf during the list run and print where its time went afterwards.
[ "${PROFILE:-}" = 1 ] && { perf record -F 999 -g -p "$fcgi_pid" -o "$HOLDFAST_STATE_DIR/perf.data" -- sleep "$seconds" >/dev/null 2>&1 & }
read -r list_rps list_p50 list_p99 list_total < <(measure "$base/api/v1/exchanges/connections" "${auth[@]}")
cpu2=$(cpu_ticks)
wait
read -r value_rps value_p50 value_p99 value_total < <(measure "$base/api/v1/portfolio" "${auth[@]}")
cpu3=$(cpu_ticks)
rss_after=$(rss_kib)

python3 - "$ticks" "$rss_before" "$rss_after" "$static_rps" "$static_p50" "$static_p99" \
  "$me_rps" "$me_p50" "$me_p99" "$me_total" "$cpu0" "$cpu1" "$list_rps" "$list_p50" "$list_p99" "$list_total" "$cpu2" \
  "$value_rps" "$value_p50" "$value_p99" "$value_total" "$cpu3" "$assets" <<'PY'
import sys
a = sys.argv[1:]
ticks, rss0, rss1 = int(a[0]), int(a[1]), int(a[2])
static_rps = float(a[3])
print(f"wrk -t2 -c{__import__('os').environ.get('CONNECTIONS', '16')} through nginx, {sys.argv[0] and ''}same server, same headers")
print(f"nginx return 200                 : {static_rps:9.0f} req/s  p50 {a[4]:>8}  p99 {a[5]:>8}")
for label, rps, p50, p99, total, c0, c1 in [("GET /api/v1/auth/me", a[6], a[7], a[8], a[9], a[10], a[11]),
                                            ("GET /exchanges/connections", a[12], a[13], a[14], a[15], a[11], a[16]),
                                            ("GET /portfolio", a[17], a[18], a[19], a[20], a[16], a[21])]:
    cpu_us = (int(c1) - int(c0)) / ticks * 1e6 / max(int(total), 1)
    print(f"{label:<33}: {float(rps):9.0f} req/s  p50 {p50:>8}  p99 {p99:>8}  ratio {float(rps) / static_rps * 100:5.1f} %  responder CPU {cpu_us:6.1f} us/req")
print(f"responder RSS                    : {rss0 / 1024:.1f} MiB before, {rss1 / 1024:.1f} MiB after   (target ratio >= 15 %)")
print(f"the user: {a[22]}")
PY
if [ "${PROFILE:-}" = 1 ]; then
  echo "where the responder's time went during the list run (perf, self time, top 40):"
  perf report -i "$HOLDFAST_STATE_DIR/perf.data" --no-children --sort symbol --stdio 2>/dev/null | grep -E '^ +[0-9]' | head -40
fi
