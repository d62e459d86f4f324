#!/usr/bin/env python3
"""The web UI's cost, for a person with 5 connections: what one page load sends and how long the Portfolio page takes
to show the total and the chart (median of 10 cold loads in headless Chromium), and what idle tabs send in an hour
(Playwright's fake clock: an hour takes seconds). Also the size of web/ as served (raw and gzip -9). Starts its own
stack on its own ports with rate limits in dry run (so fast-forwarded tabs are counted, not refused) and stops it.
A benchmark, not a test: it prints figures and stops by itself.
Usage: BIN_DIR=.build/release python3 Benchmarks/ui.py [loads]"""
import gzip
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(os.environ.get("BIN_DIR", ROOT / ".build" / "release"))
STATE = ROOT / "state" / "bench-ui"
HTTP_PORT, HTTPS_PORT, SANDBOX_BASE = 3961, 4401, 18300
BASE = f"http://127.0.0.1:{HTTP_PORT}"
EMAIL, PASSWORD = "bench-ui@example.com", "benchmark password 1"
LOADS = int(sys.argv[1]) if len(sys.argv) > 1 else 10


def stack_env():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HOLDFAST_", "JWT_SECRET", "ENCRYPTION_KEY"))}
    env.update({"HOLDFAST_STATE_DIR": str(STATE), "HOLDFAST_HTTP_PORT": str(HTTP_PORT),
                "HOLDFAST_HTTPS_PORT": str(HTTPS_PORT), "HOLDFAST_SANDBOX_PORT_BASE": str(SANDBOX_BASE),
                "HOLDFAST_RATE_LIMIT_DRY_RUN": "on", "HOLDFAST_LOG_LEVEL": "warning", "BIN_DIR": str(BIN)})
    return env


def with_secrets(env):
    for line in (STATE / "holdfast.env").read_text().splitlines():
        if "=" in line and not line.startswith("#"):
            key, value = line.split("=", 1)
            env[key] = value
    return env


def api(method, path, body=None, token=None, csrf=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if csrf:
        headers["X-CSRF-Token"] = csrf
    request = urllib.request.Request(BASE + "/api/v1" + path, method=method, headers=headers,
                                     data=None if body is None else json.dumps(body).encode())
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read() or b"null")


def seed():
    env = with_secrets(stack_env())
    subprocess.run([str(BIN / "holdfast"), "user", "add", EMAIL], input=PASSWORD + "\n", text=True, env=env,
                   check=True, capture_output=True)
    token = api("POST", "/auth/login", {"email": EMAIL, "password": PASSWORD})["token"]
    csrf = api("GET", "/auth/me", token=token)["csrfToken"]
    fixture = json.loads(subprocess.run([str(BIN / "holdfast-sandbox"), "--print-fixture"], capture_output=True,
                                        text=True, check=True).stdout)
    chosen = {}
    for account in fixture["accounts"]:
        if account["exchange"] in ("binance", "kraken", "kucoin", "okx", "bybit"):
            chosen.setdefault(account["exchange"], account)
    for account in chosen.values():
        body = {k: account[k] for k in ("exchange", "apiKey", "apiSecret", "passphrase") if account.get(k)}
        api("POST", "/exchanges/connect", body, token=token, csrf=csrf)
    # One timer run: market data, and the first value point.
    subprocess.run([str(BIN / "holdfast-sync")], env=env, check=True, capture_output=True, timeout=300)


def login(context):
    page = context.new_page()
    page.goto(BASE + "/#/portfolio")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.locator("#portfolio-total:not(:empty)").wait_for()
    return page


def cold_loads(browser):
    """Median time from navigation to the total and the chart on screen, and what one load transfers."""
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    login(context).close()
    times, requests, api_requests, transferred = [], [], [], []
    for _ in range(LOADS):
        page = context.new_page()
        sizes = []
        page.on("requestfinished", lambda r: sizes.append((r.url, r.sizes()["responseBodySize"])))
        started = time.perf_counter()
        page.goto(BASE + "/#/portfolio")
        page.locator("#portfolio-total:not(:empty)").wait_for()
        page.locator("#history-panel svg, #history-status:has-text('Not enough')").first.wait_for()
        times.append((time.perf_counter() - started) * 1000)
        page.wait_for_load_state("networkidle")
        requests.append(len(sizes))
        api_requests.append(sum(1 for url, _ in sizes if "/api/v1/" in url))
        transferred.append(sum(size for _, size in sizes))
        page.close()
    context.close()
    return times, requests, api_requests, transferred


def idle_hour(browser, tabs=3):
    """API requests that `tabs` idle, visible tabs send in one hour."""
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    context.clock.install()
    pages = [login(context)]
    for _ in range(tabs - 1):
        page = context.new_page()
        page.goto(BASE + "/#/portfolio")
        page.locator("#portfolio-total:not(:empty)").wait_for()
        pages.append(page)
    counted = []
    context.on("request", lambda r: "/api/v1/" in r.url and counted.append(r.url))
    for _ in range(120):
        context.clock.run_for(30_000)
        for page in pages:
            while page.evaluate("document.documentElement.hasAttribute('data-refreshing')"):
                page.wait_for_timeout(10)
    context.close()
    return len(counted)


def main():
    script = str(ROOT / "scripts" / "stack.sh")
    env = stack_env()
    subprocess.run([script, "stop"], env=env, capture_output=True)
    subprocess.run(["rm", "-rf", str(STATE)], check=True)
    subprocess.run([script, "start"], env=env, check=True, capture_output=True)
    try:
        seed()
        web = [p for p in (ROOT / "web").rglob("*") if p.is_file()]
        raw = sum(p.stat().st_size for p in web)
        packed = sum(len(gzip.compress(p.read_bytes(), 9)) for p in web)
        print(f"web/: {len(web)} files, {raw / 1024:.1f} KiB, {packed / 1024:.1f} KiB gzip -9 (file by file)")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"))
            times, requests, api_requests, transferred = cold_loads(browser)
            print(f"Portfolio page, 5 connections, {LOADS} loads at 1440x900: total and chart shown after "
                  f"{statistics.median(times):.0f} ms median (min {min(times):.0f}, max {max(times):.0f}); "
                  f"{statistics.median(requests):.0f} requests ({statistics.median(api_requests):.0f} to the API), "
                  f"{statistics.median(transferred) / 1024:.1f} KiB of bodies per load")
            sent = idle_hour(browser)
            print(f"3 idle visible tabs, 1 hour (fake clock): {sent} API requests, {sent / 3:.1f} per tab "
                  f"(nginx's general limit: 10/s after a burst of 100; none reach an exchange)")
            browser.close()
    finally:
        subprocess.run([script, "stop"], env=env, capture_output=True)


if __name__ == "__main__":
    main()
