"""Issue 15's feeds on the Feeds & alerts page (#/settings), against the real stack and a local receiver
(receiver.py): the Ghostfolio URL and security token (the token field emptied after a save and the token never on
the page), an address the operator did not allow refused under the URL field, the push state per connection after a
timer run (a Ghostfolio answering 500: the error and the next try), Push now, Remove with a confirmation, and the
downloads (Ghostfolio JSON, Wealthfolio CSV combined and per connection)."""
import importlib.util
import json
import re

import pytest
from playwright.sync_api import expect

from .receiver import receiving
from .ui_support import (RECEIVER_PORTS, REFUSED_RECEIVER_PORT, ROOT, connect_via_api, login,
                         names_without_their_visible_text, new_page, open_page, run_timer, screenshot)

BINANCE = "binance"
GHOSTFOLIO_PORT = RECEIVER_PORTS[6]
SCREENS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1440, "height": 900}}
TOKEN = "gf-security-token-never-shown-0123456789"


def save_ghostfolio(page, url, token):
    form = page.locator("#ghostfolio-form")
    form.get_by_label("Ghostfolio URL").fill(url)
    form.get_by_label("Security token").fill(token)
    form.get_by_role("button", name=re.compile("^Save")).click()


def feed_entry(page, connection_id):
    return page.locator(f'li.feed-connection[data-connection-id="{connection_id}"]')


def test_ghostfolio_settings_push_state_and_remove(page, user, sandbox):
    login(page, user, "connections")
    connection = connect_via_api(page, sandbox.account(BINANCE, "Binance read-only"), label="Feed")
    open_page(page, "settings")
    expect(page.get_by_role("heading", name="Connect Ghostfolio")).to_be_visible()
    expect(page.locator("#ghostfolio-status")).to_be_hidden()

    # Checked before anything is sent: a URL and, the first time, a token.
    page.locator("#ghostfolio-form").get_by_role("button", name=re.compile("^Save")).click()
    expect(page.locator("#ghostfolio-url-error")).to_be_visible()
    expect(page.locator("#ghostfolio-url")).to_be_focused()
    page.get_by_label("Ghostfolio URL").fill("https://ghostfolio.example")
    page.locator("#ghostfolio-form").get_by_role("button", name=re.compile("^Save")).click()
    expect(page.locator("#ghostfolio-token-error")).to_be_visible()

    # A loopback port the operator did not allow: the API's 422 under the URL field.
    save_ghostfolio(page, f"http://127.0.0.1:{REFUSED_RECEIVER_PORT}", TOKEN)
    expect(page.locator("#ghostfolio-url-error")).to_be_visible()
    expect(page.locator("#ghostfolio-url")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#ghostfolio-status")).to_be_hidden()

    with receiving(GHOSTFOLIO_PORT, status=500) as ghostfolio:
        save_ghostfolio(page, ghostfolio.url, TOKEN)
        expect(page.locator("#ghostfolio-result")).to_contain_text("Saved")
        expect(page.locator("#ghostfolio-url-error")).to_be_hidden()
        expect(page.locator("#ghostfolio-token")).to_have_value("")
        expect(page.get_by_role("heading", name="Change Ghostfolio")).to_be_visible()
        expect(page.locator("#ghostfolio-summary")).to_contain_text(ghostfolio.url)
        entry = feed_entry(page, connection["id"])
        expect(entry.locator(".feed-connection-title")).to_have_text("Binance (Feed)")
        expect(entry.locator(".feed-state")).to_have_text("Not pushed yet")
        assert TOKEN not in page.content()

        # Push now asks the timer; after its run the failure shows on the connection, with the next try.
        page.get_by_role("button", name="Push now").click()
        expect(page.locator("#ghostfolio-push-status")).to_contain_text("queued")
        run_timer()
        ghostfolio.wait_for(1)
        page.get_by_role("button", name="Reload", exact=True).click()
        expect(entry.locator(".feed-state")).to_have_text("Push failed")
        expect(entry.locator(".error-code")).to_have_text(re.compile(r"^target_http_5\d\d$"))
        expect(entry).to_contain_text("Next try")
        screenshot(page, "feeds-ghostfolio-failed")
        # The token went to Ghostfolio (its anonymous-auth request), never to the page.
        assert any(TOKEN in request["body"].decode(errors="replace") + json.dumps(request["headers"])
                   for request in ghostfolio.requests)
        assert TOKEN not in page.content()

    # A reload shows the URL again but never the token.
    page.reload()
    expect(page.get_by_label("Ghostfolio URL")).to_have_value(re.compile(rf"^http://127\.0\.0\.1:{GHOSTFOLIO_PORT}/?$"))
    expect(page.get_by_label("Security token")).to_have_value("")
    assert TOKEN not in page.content()

    # Remove asks first; then the form is back to Connect.
    page.get_by_role("button", name="Remove Ghostfolio").click()
    confirm = page.get_by_role("dialog", name="Remove Ghostfolio?")
    expect(confirm.get_by_role("button", name="Cancel")).to_be_focused()
    confirm.get_by_role("button", name="Remove").click()
    expect(page.get_by_role("heading", name="Connect Ghostfolio")).to_be_visible()
    expect(page.locator("#ghostfolio-status")).to_be_hidden()
    expect(page.get_by_label("Ghostfolio URL")).to_be_focused()
    page.reload()
    expect(page.get_by_role("heading", name="Connect Ghostfolio")).to_be_visible()


def ghostfolio_standin():
    """The e2e suite's Ghostfolio stand-in (tests/e2e/ghostfolio_standin.py: Ghostfolio's auth, import and account
    rules), loaded by path: tests/e2e is not a package."""
    path = ROOT / "tests" / "e2e" / "ghostfolio_standin.py"
    if not path.exists():
        pytest.skip("needs tests/e2e/ghostfolio_standin.py (the ghostfolio branch)")
    spec = importlib.util.spec_from_file_location("ghostfolio_standin", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_successful_push_shows_the_ghostfolio_account(page, user, sandbox):
    server = ghostfolio_standin().Ghostfolio(RECEIVER_PORTS[6])
    try:
        login(page, user, "connections")
        connection = connect_via_api(page, sandbox.account(BINANCE, "Binance read-only"), label="Pushed")
        open_page(page, "settings")
        save_ghostfolio(page, server.url, server.token)
        entry = feed_entry(page, connection["id"])
        expect(entry.locator(".feed-state")).to_have_text("Not pushed yet")
        page.get_by_role("button", name="Push now").click()
        expect(page.locator("#ghostfolio-push-status")).to_contain_text("queued")
        run_timer()
        page.get_by_role("button", name="Reload", exact=True).click()
        expect(entry.locator(".feed-state")).to_have_text("Pushed")
        expect(entry.locator(".error-box")).to_have_count(0)
        assert server.accounts, "the push created no Ghostfolio account"
        account_id = next(iter(server.accounts))
        expect(entry).to_contain_text(account_id)
        expect(entry).to_contain_text(re.compile("just now|minute"))
        screenshot(page, "feeds-ghostfolio-pushed")
    finally:
        server.close()


def test_pause_and_resume_pushes(page, user, sandbox):
    """Pause pushes keeps the URL and token but pushes nothing, timer or Push now, until Resume pushes."""
    login(page, user, "connections")
    connect_via_api(page, sandbox.account(BINANCE, "Binance read-only"), label="Paused feed")
    open_page(page, "settings")
    with receiving(GHOSTFOLIO_PORT, status=500) as ghostfolio:
        save_ghostfolio(page, ghostfolio.url, TOKEN)
        expect(page.locator("#ghostfolio-result")).to_contain_text("Saved")
        page.get_by_role("button", name="Pause pushes").click()
        expect(page.locator("#ghostfolio-summary")).to_have_text(f"Paused: nothing is pushed to {ghostfolio.url} until you resume.")
        expect(page.get_by_role("button", name="Push now")).to_be_hidden()
        feed = page.evaluate("async () => (await (await fetch('/api/v1/feeds/ghostfolio')).json())")
        assert feed["enabled"] is False and feed["url"] == ghostfolio.url
        # Asked anyway (the button is gone, the API is not): refused, and the timer sends nothing.
        status = page.evaluate("""async () => {
            const me = await (await fetch('/api/v1/auth/me')).json();
            return (await fetch('/api/v1/feeds/ghostfolio/push', {method: 'POST', headers: {'X-CSRF-Token': me.csrfToken}})).status;
        }""")
        assert status == 409, status
        run_timer()
        assert ghostfolio.requests == []

        # Resumed: the same URL and token, pushed again.
        page.get_by_role("button", name="Resume pushes").click()
        expect(page.locator("#ghostfolio-summary")).to_have_text(f"Pushing to {ghostfolio.url}")
        page.get_by_role("button", name="Push now").click()
        expect(page.locator("#ghostfolio-push-status")).to_contain_text("queued")
        run_timer()
        ghostfolio.wait_for(1)
        assert any(TOKEN in request["body"].decode(errors="replace") for request in ghostfolio.requests)
        expect(page.get_by_role("button", name="Pause pushes")).to_be_visible()


def test_downloads_for_other_trackers(page, user, sandbox):
    login(page, user, "connections")
    connection = connect_via_api(page, sandbox.account(BINANCE, "Binance read-only"), label="Files")
    open_page(page, "settings")
    ghostfolio = page.get_by_role("link", name="Export for Ghostfolio (JSON)")
    combined = page.get_by_role("link", name="Wealthfolio CSV (all connections)")
    single = page.get_by_role("link", name=re.compile("Wealthfolio CSV: Binance"))
    expect(single).to_have_attribute("href", re.compile(rf"connection={connection['id']}$"))
    assert names_without_their_visible_text(page) == []

    for link, kind in [(ghostfolio, "json"), (combined, "csv"), (single, "csv")]:
        with page.expect_download() as download_info:
            link.click()
        download = download_info.value
        assert download.failure() is None
        text = open(download.path(), encoding="utf-8").read()
        if kind == "json":
            assert isinstance(json.loads(text), dict)
            assert download.suggested_filename.endswith(".json")
        else:
            assert download.suggested_filename.endswith(".csv")
            header = text.splitlines()[0].lower()
            assert "symbol" in header and "quantity" in header, header
            assert "BTC" in text


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_ghostfolio_screens(browser, user, sandbox, size, scheme):
    context, page = new_page(browser, SCREENS[size], color_scheme=scheme)
    try:
        login(page, user, "connections")
        connect_via_api(page, sandbox.account(BINANCE, "Binance read-only"), label="A label long enough to wrap")
        open_page(page, "settings")
        with receiving(RECEIVER_PORTS[7], status=500) as ghostfolio:
            save_ghostfolio(page, ghostfolio.url, TOKEN)
            expect(page.locator("#ghostfolio-status")).to_be_visible()
        assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
        screenshot(page, f"screen-feeds-ghostfolio-{size}-{scheme}")
        assert page.csp_violations == []
    finally:
        context.close()
