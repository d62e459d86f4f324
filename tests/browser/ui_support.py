"""Helpers and settings for the browser suite (see conftest.py for why it runs its own stack)."""
import itertools
import json
import os
import sqlite3
import subprocess
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import expect

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(os.environ.get("BIN_DIR", ROOT / ".build" / "release"))
STATE = ROOT / "state" / "browser"
# Overridable so that a second checkout can run the suite beside this one.
HTTP_PORT = int(os.environ.get("HOLDFAST_BROWSER_HTTP_PORT", "3111"))
HTTPS_PORT = int(os.environ.get("HOLDFAST_BROWSER_HTTPS_PORT", "3553"))
SANDBOX_PORT_BASE = int(os.environ.get("HOLDFAST_BROWSER_SANDBOX_PORT_BASE", "17110"))
SANDBOX_PORTS = {name: SANDBOX_PORT_BASE + i for i, name in
                 enumerate(["binance", "coinbase", "coinbaseexchange", "kraken", "kucoin", "okx", "bybit", "bitvavo"], start=1)}
BASE_URL = f"http://localhost:{HTTP_PORT}"
# Local receivers of outbound requests (webhooks, ntfy, Ghostfolio; tests/browser/receiver.py) listen on
# base+1..base+8, and the stack allows exactly those (HOLDFAST_OUTBOUND_ALLOW); base+9 stays refused, as any loopback
# port the operator did not allow must be.
RECEIVER_PORT_BASE = int(os.environ.get("HOLDFAST_BROWSER_RECEIVER_PORT_BASE", "19600"))
RECEIVER_PORTS = [RECEIVER_PORT_BASE + i for i in range(1, 9)]
REFUSED_RECEIVER_PORT = RECEIVER_PORT_BASE + 9
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
PASSWORD = "correct horse battery staple"

# Settings that the caller's environment (e.g. `make test-e2e`, which exports the e2e stack's) must not leak
# into this suite's stack.
_INHERITED = ("HOLDFAST_", "JWT_SECRET", "ENCRYPTION_KEY")


def stack_env():
    env = {k: v for k, v in os.environ.items() if not k.startswith(_INHERITED)}
    env.update({
        "HOLDFAST_STATE_DIR": str(STATE),
        "HOLDFAST_HTTP_PORT": str(HTTP_PORT),
        "HOLDFAST_HTTPS_PORT": str(HTTPS_PORT),
        "HOLDFAST_SANDBOX_PORT_BASE": str(SANDBOX_PORT_BASE),
        "HOLDFAST_RATE_LIMIT_DRY_RUN": "on",
        "HOLDFAST_COOKIE_SECURE": "1",
        "HOLDFAST_OUTBOUND_ALLOW": ",".join(f"127.0.0.1:{port}" for port in RECEIVER_PORTS),
        "BIN_DIR": str(BIN),
    })
    return env


def cli_env():
    """The stack's environment with its env file (database, secrets, exchange hosts), as the CLI and timer read it."""
    env = stack_env()
    for line in (STATE / "holdfast.env").read_text().splitlines():
        if "=" in line and not line.startswith("#"):
            key, value = line.split("=", 1)
            env[key] = value
    return env


def cli(*args, stdin=None):
    """The admin CLI against this suite's database and secrets."""
    env = cli_env()
    return subprocess.run([str(BIN / "holdfast"), *args], input=stdin, capture_output=True, text=True,
                          env=env, check=True)


def run_timer():
    """One run of holdfast-sync against this suite's stack, as the timer runs it: syncs what is due, reads every
    connected exchange's market data (forced: a run reads an exchange at most every 50 s) and records each user's
    value point. The suite's stack runs no timer of its own."""
    env = cli_env()
    with sqlite3.connect(env["HOLDFAST_DATABASE"], timeout=10) as db:
        db.execute("UPDATE market_fetches SET attempted_at = '2000-01-01T00:00:00.000Z'")
    result = subprocess.run([str(BIN / "holdfast-sync")], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0 and "prices and history recorded" in result.stderr, result.stderr
    return result


def new_page(browser, viewport, **options):
    """A page in a fresh context; `options` go to new_context (e.g. color_scheme="dark" emulates
    prefers-color-scheme: dark)."""
    context = browser.new_context(base_url=BASE_URL, viewport=viewport, **options)
    page = context.new_page()
    page.csp_violations = []
    page.on("console", lambda message: "Content Security Policy" in message.text
            and page.csp_violations.append(message.text))
    return context, page


def screenshot(page, name):
    """Saves a full-page screenshot to artifacts/screenshots/ (gitignored)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


PAGE_HEADINGS = {"portfolio": "Portfolio", "connections": "Connections", "settings": "Feeds & alerts"}


def unnamed_controls(page):
    """Visible controls without an accessible name (buttons, links, inputs, selects, text areas, summaries)."""
    return page.evaluate("""() => [...document.querySelectorAll('button, a[href], input, select, textarea, summary')]
        .filter((e) => e.getClientRects().length > 0)
        .filter((e) => !(e.getAttribute('aria-label') || e.labels?.length || e.textContent.trim()
                         || e.getAttribute('aria-labelledby') || e.title))
        .map((e) => e.outerHTML.slice(0, 120))""")


def names_without_their_visible_text(page):
    """Visible controls whose aria-label does not contain the words they show (WCAG 2.5.3, label in name: a person
    using speech input says what they see), as [aria-label, visible text] pairs. A symbol such as "×" is not words."""
    return page.evaluate("""() => [...document.querySelectorAll('button, a[href], summary')]
        .filter((e) => e.getClientRects().length > 0 && e.hasAttribute('aria-label'))
        .map((e) => [e.getAttribute('aria-label'), e.textContent.replace(/\\s+/g, ' ').trim()])
        .filter(([label, text]) => /\\p{L}/u.test(text) && !label.toLowerCase().includes(text.toLowerCase()))""")


def login(page, user, destination="connections"):
    """Signs in through the login form on `destination`'s URL (#/portfolio, #/connections or #/settings) and waits
    for it."""
    email, password = user
    page.goto(f"/#/{destination}")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name=PAGE_HEADINGS[destination], level=1)).to_be_visible()


def open_page(page, destination):
    """Follows the nav link to `destination` ("portfolio", "connections" or "settings") and waits for its heading."""
    page.get_by_role("navigation", name="Pages").get_by_role("link", name=PAGE_HEADINGS[destination]).click()
    expect(page.get_by_role("heading", name=PAGE_HEADINGS[destination], level=1)).to_be_visible()


def connect_via_api(page, account, label=None):
    """Connects `account` for the signed-in user with the page's own session and CSRF token, then reloads."""
    body = {k: account[k] for k in ("exchange", "apiKey", "apiSecret", "passphrase") if account.get(k)}
    if label:
        body["label"] = label
    status, answer = page.evaluate("""async (body) => {
        const me = await (await fetch('/api/v1/auth/me', {credentials: 'same-origin'})).json();
        const response = await fetch('/api/v1/exchanges/connect', {method: 'POST', credentials: 'same-origin',
            headers: {'Content-Type': 'application/json', 'X-CSRF-Token': me.csrfToken}, body: JSON.stringify(body)});
        return [response.status, await response.json()];
    }""", body)
    assert status == 201, answer
    page.reload()
    expect(card(page, answer["connection"]["id"])).to_be_visible()
    return answer["connection"]


def card(page, connection_id):
    return page.locator(f'li.card[data-connection-id="{connection_id}"]')


class Sandbox:
    """The suite stack's sandbox exchanges: demo accounts, and the admin endpoint that changes them."""

    def __init__(self):
        out = subprocess.run([str(BIN / "holdfast-sandbox"), "--print-fixture"], capture_output=True, text=True,
                             check=True).stdout
        self.accounts = json.loads(out)["accounts"]

    def account(self, exchange, label=None):
        return next(a for a in self.accounts if a["exchange"] == exchange and (label is None or a["label"] == label))

    def _call(self, exchange, method, body=None):
        request = urllib.request.Request(f"http://127.0.0.1:{SANDBOX_PORTS[exchange]}/__sandbox/fixture",
                                         method=method, data=None if body is None else json.dumps(body).encode(),
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    def update(self, account, **changes):
        """POST /__sandbox/fixture {apiKey, ...changes} on the account's exchange port."""
        return self._call(account["exchange"], "POST", {"apiKey": account["apiKey"], **changes})

    def current(self, account):
        """The account as the sandbox holds it now."""
        fixture = self._call(account["exchange"], "GET")
        return next(a for a in fixture["accounts"]
                    if a["apiKey"] == account["apiKey"] and a["exchange"] == account["exchange"])

    _copies = itertools.count(1)

    def new_account(self, exchange, label=None):
        """A copy of a demo account with a key of its own (the last 12 characters replaced), added to the sandbox,
        so a test's faults and key changes touch no other test. Binance-style keys only (long random strings)."""
        template = dict(self.account(exchange, label))
        suffix = f"{os.getpid() % 10**6:06d}{next(self._copies):06d}"
        account = {**template, "apiKey": template["apiKey"][:-12] + suffix, "faults": None}
        self.put(account)
        return account

    def put(self, account):
        """Adds `account` to its exchange, or replaces the one with its key (e.g. with another secret: the
        exchange then refuses the key Holdfast stored, as after the key was changed or revoked there)."""
        return self._call(account["exchange"], "POST", {"account": account})

    @contextmanager
    def changed(self, account):
        """Restores the account's balances and clears its faults afterwards: the fixture is shared by the run."""
        balances = self.current(account).get("balances", [])
        try:
            yield
        finally:
            self.update(account, balances=balances, clearFaults=True)
