#!/usr/bin/env python3
"""While 32 requests hang on an exchange that never answers (each on its own connection, held until the 30 s
exchange timeout), other clients keep reading GET /api/v1/exchanges/connections. Prints their latency
percentiles next to a baseline taken with nothing hanging. A benchmark: prints figures, stops by itself.
Usage: Benchmarks/slow_exchange.py   (BIN_DIR: release binaries)"""
import http.client
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(os.environ.get("BIN_DIR", ROOT / ".build" / "release"))
PORT, SANDBOX_BASE = 3211, 17210
ENV = dict(os.environ, HOLDFAST_STATE_DIR=str(ROOT / "state" / "bench-slow"), HOLDFAST_HTTP_PORT=str(PORT),
           HOLDFAST_HTTPS_PORT="3653", HOLDFAST_SANDBOX_PORT_BASE=str(SANDBOX_BASE), HOLDFAST_RATE_LIMIT_DRY_RUN="on",
           HOLDFAST_LOG_LEVEL="warning", BIN_DIR=str(BIN))
HANGING = 32


def call(method, path, body=None, token=None, csrf=None, port=PORT, timeout=90):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = "Bearer " + token
    if csrf:
        headers["X-CSRF-Token"] = csrf
    conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    r = conn.getresponse()
    data = r.read()
    conn.close()
    return r.status, data


def latencies(token, seconds=8, clients=4):
    samples, stop = [], time.time() + seconds

    def reader():
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        while time.time() < stop:
            started = time.perf_counter()
            conn.request("GET", "/api/v1/exchanges/connections", headers={"Authorization": "Bearer " + token})
            response = conn.getresponse()
            response.read()
            assert response.status == 200, response.status
            samples.append((time.perf_counter() - started) * 1000)
        conn.close()

    threads = [threading.Thread(target=reader) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    samples.sort()
    pick = lambda q: samples[min(len(samples) - 1, int(q * len(samples)))]
    return len(samples) / seconds, pick(0.5), pick(0.99), samples[-1]


def main():
    stack = str(ROOT / "scripts" / "stack.sh")
    subprocess.run([stack, "stop"], env=ENV, capture_output=True)
    subprocess.run(["rm", "-rf", ENV["HOLDFAST_STATE_DIR"]])
    subprocess.run([stack, "start"], env=ENV, check=True, capture_output=True)
    try:
        settings = dict(l.split("=", 1) for l in (Path(ENV["HOLDFAST_STATE_DIR"]) / "holdfast.env").read_text().splitlines() if "=" in l and not l.startswith("#"))
        subprocess.run([str(BIN / "holdfast"), "user", "add", "slow@example.com"], input="benchmark password 1\n", text=True,
                       env=dict(ENV, **settings), check=True, capture_output=True)
        _, body = call("POST", "/api/v1/auth/login", {"email": "slow@example.com", "password": "benchmark password 1"})
        login = json.loads(body)
        token, csrf = login["token"], login["csrfToken"]
        demo = json.loads(subprocess.run([str(BIN / "holdfast-sandbox"), "--print-fixture"], capture_output=True, text=True, check=True).stdout)
        template = [a for a in demo["accounts"] if a["exchange"] == "binance"][0]
        ids, keys = [], []
        for n in range(HANGING):
            account = dict(template, apiKey=template["apiKey"][:-6] + f"{n:06d}", faults=None, label=f"hang {n}")
            call("POST", "/__sandbox/fixture", {"account": account}, port=SANDBOX_BASE + 1)
            status, body = call("POST", "/api/v1/exchanges/connect", {"exchange": "binance", "apiKey": account["apiKey"], "apiSecret": account["apiSecret"]}, token, csrf)
            assert status == 201, body
            ids.append(json.loads(body)["connection"]["id"])
            keys.append(account["apiKey"])
        baseline = latencies(token)
        for key in keys:
            call("POST", "/__sandbox/fixture", {"apiKey": key, "faults": {"hangSeconds": 120}}, port=SANDBOX_BASE + 1)
        outcomes = []
        hung = [threading.Thread(target=lambda i=i: outcomes.append(call("POST", f"/api/v1/exchanges/connections/{i}/sync", None, token, csrf)[0])) for i in ids]
        for t in hung:
            t.start()
        time.sleep(1.5)  # let every sync reach the exchange and hang
        _, stats = call("GET", "/__sandbox/stats", port=SANDBOX_BASE + 1)
        in_flight = json.loads(stats)["inFlight"]
        during = latencies(token)
        for t in hung:
            t.join(timeout=120)
        print(f"GET /api/v1/exchanges/connections, 4 clients, 8 s each, user with {HANGING} connections")
        print(f"  nothing hanging        : {baseline[0]:7.0f} req/s  p50 {baseline[1]:6.2f} ms  p99 {baseline[2]:6.2f} ms  max {baseline[3]:7.2f} ms")
        print(f"  {in_flight:2d} syncs hanging     : {during[0]:7.0f} req/s  p50 {during[1]:6.2f} ms  p99 {during[2]:6.2f} ms  max {during[3]:7.2f} ms")
        print(f"  hung syncs answered    : {sorted(set(outcomes))} (503 timeout after the 30 s exchange timeout)")
    finally:
        subprocess.run([stack, "stop"], env=ENV, capture_output=True)


if __name__ == "__main__":
    main()
