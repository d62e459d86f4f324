"""Browser end-to-end fixtures: headless Chromium (Debian's package) driving the web UI of a real stack.

The suite starts its OWN stack (nginx -> holdfast-fcgi -> SQLite, sandbox exchanges) with scripts/stack.sh,
beside the e2e stack, on ports 3111/3553 and sandbox ports 17111-17118, with nginx's rate limits in dry run
(`HOLDFAST_RATE_LIMIT_DRY_RUN=on`: computed and logged, not enforced). Why: a browser session makes many API
calls from one address (every page load, every 2-30 s poll, and many logins and exchange calls), so the per-client
limits (login and exchange calls: 5 a minute after a burst of 20) would turn the tests into a test of the limiter.
The limits themselves are proven by the e2e suite (tests/e2e/test_foundation.py, test_nginx_hardening.py), against
a stack that enforces them; this suite exercises the UI. Nothing here is mocked: the UI talks to the real API,
which talks to the sandbox exchanges.

Chromium is Debian's (`/usr/bin/chromium`, apt package `chromium`), launched by Playwright through
`executable_path`; `playwright install` (which downloads a browser) is never needed.
"""
import itertools
import os
import shutil
import subprocess

import pytest
from playwright.sync_api import sync_playwright

from .ui_support import BASE_URL, CHROMIUM, PASSWORD, ROOT, STATE, Sandbox, cli, new_page, stack_env


@pytest.fixture(scope="session")
def stack():
    """The browser suite's own stack, started fresh for the session and stopped after it."""
    env = stack_env()
    script = str(ROOT / "scripts" / "stack.sh")
    subprocess.run([script, "stop"], env=env, check=False, capture_output=True)
    shutil.rmtree(STATE, ignore_errors=True)
    started = subprocess.run([script, "start"], env=env, capture_output=True, text=True)
    if started.returncode != 0:
        subprocess.run([script, "stop"], env=env, check=False, capture_output=True)
        pytest.fail(f"browser stack did not start:\n{started.stdout}\n{started.stderr}")
    try:
        yield BASE_URL
    finally:
        subprocess.run([script, "stop"], env=env, check=False, capture_output=True)


_users = itertools.count(1)


@pytest.fixture
def user(stack):
    """A new user (email, password) made with the CLI; every test signs in as its own user."""
    email = f"browser{next(_users)}-{os.getpid()}@example.com"
    cli("user", "add", email, stdin=PASSWORD + "\n")
    return email, PASSWORD


@pytest.fixture(scope="session")
def browser(stack):
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A desktop-sized page in a fresh browser context (no cookies from other tests)."""
    context, page = new_page(browser, {"width": 1280, "height": 900})
    yield page
    assert page.csp_violations == [], page.csp_violations
    context.close()


@pytest.fixture
def phone_page(browser):
    """A phone-sized page: 390 x 844, the CSS viewport of current mid-size phones."""
    context, page = new_page(browser, {"width": 390, "height": 844})
    yield page
    assert page.csp_violations == [], page.csp_violations
    context.close()


@pytest.fixture(scope="session")
def sandbox(stack):
    """The suite stack's sandbox exchanges (shared by every test: restore what you change)."""
    return Sandbox()
