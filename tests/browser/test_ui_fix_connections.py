"""Connections fixed in place (issue 14, "Connections, on their own page", inputs 1 and 5): the needs-attention banner
and the two failure states, Sync now recovering a key fixed on the exchange, the Edit dialog by keyboard, the sync log,
a replaced key keeping the history, honest errors when the exchange cannot be reached, and a PEM pasted whole."""
import re

import pytest
from playwright.sync_api import expect

from .test_ui_connections import open_connect_dialog
from .ui_support import card, connect_via_api, login, names_without_their_visible_text, new_page, open_page, screenshot

NO_SCROLL = "() => document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture
def wide_page(browser):
    """1440 x 900, the wide desktop the issue names."""
    context, page = new_page(browser, {"width": 1440, "height": 900})
    yield page
    assert page.csp_violations == [], page.csp_violations
    context.close()


@pytest.fixture
def dark_phone_page(browser):
    """390 x 844 with the system's dark theme."""
    context, page = new_page(browser, {"width": 390, "height": 844}, color_scheme="dark")
    yield page
    assert page.csp_violations == [], page.csp_violations
    context.close()


def refuse_key(sandbox, account):
    """The exchange no longer accepts the stored key: its secret changed there (as after a revoke and re-issue)."""
    sandbox.put({**account, "apiSecret": account["apiSecret"][::-1]})


def banner(page):
    return page.locator("#attention-banner")


def card_button(page, connection_id, name):
    return card(page, connection_id).get_by_role("button", name=re.compile(name))


def test_a_refused_key_stops_the_connection_and_sync_now_recovers_it(wide_page, user, sandbox):
    """Issue item 5: the key fault is fixed on the exchange; the banner says so and its Sync now button recovers."""
    page = wide_page
    healthy = sandbox.new_account("binance", "Binance read-only")
    broken = sandbox.new_account("binance", "Binance read-only")
    login(page, user)
    first = connect_via_api(page, healthy, label="Healthy")
    second = connect_via_api(page, broken, label="Savings")
    expect(banner(page)).to_be_hidden()
    expect(page.locator("li.card").first).to_have_attribute("data-connection-id", first["id"])

    refuse_key(sandbox, broken)
    card_button(page, second["id"], "^Sync now: ").click()
    expect(page.locator(".toast-error")).to_contain_text("failed")
    entry = card(page, second["id"])
    expect(entry.locator(".status")).to_have_text("Stopped: your action is needed")
    expect(entry).to_have_attribute("data-state", "stopped")
    expect(entry.locator(".next-sync")).to_have_text("Stopped until you act")
    # The stopped connection comes first, and the banner says what happened and what to do.
    expect(page.locator("li.card").first).to_have_attribute("data-connection-id", second["id"])
    expect(banner(page)).to_be_visible()
    expect(page.get_by_role("alert").filter(has_text="stopped syncing")).to_contain_text("Binance (Savings)")
    item = banner(page).locator(f'li[data-connection-id="{second["id"]}"]')
    expect(item).to_contain_text("refused the stored key")
    expect(item).to_contain_text("Sync now")
    expect(item.get_by_role("button", name="Replace key: Binance (Savings)")).to_be_visible()
    # The healthy connection is not in the banner.
    expect(banner(page).locator("li")).to_have_count(1)
    # Each button's name starts with the words it shows, then says which connection (WCAG 2.5.3).
    assert names_without_their_visible_text(page) == []
    assert page.evaluate(NO_SCROLL)
    screenshot(page, "30-stopped-banner-1440")
    # The portfolio says so too, with the way back here.
    open_page(page, "portfolio")
    pointer = page.locator("#portfolio-attention")
    expect(pointer).to_have_text("1 connection needs your attention →")
    pointer.get_by_role("link").click()
    expect(page.get_by_role("heading", name="Connections", level=1)).to_be_visible()

    # Fixed on the exchange (the old secret is valid again): the banner's Sync now brings it back.
    sandbox.put(broken)
    item.get_by_role("button", name="Sync now: Binance (Savings)").click()
    expect(page.locator(".toast-success")).to_contain_text("Synced Binance (Savings)")
    expect(entry.locator(".status")).to_have_text("Active")
    expect(banner(page)).to_be_hidden()
    expect(entry.locator(".error-box")).to_be_hidden()
    # Focus was on the banner's button, which is gone: it lands on the card's own Sync button, not on <body>.
    expect(entry.get_by_role("button", name="Sync now: Binance (Savings)")).to_be_focused()

    # The sync log, loaded when opened: the connect, the refused sync and the recovery, newest first.
    entry.locator(".sync-log summary").click()
    rows = entry.locator(".sync-log-table tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_have_attribute("data-outcome", "success")
    expect(rows.nth(0)).to_contain_text("Sync now")
    expect(rows.nth(1)).to_have_attribute("data-outcome", "failure")
    expect(rows.nth(1).locator("td.error-code")).to_have_text(re.compile("invalid_"))
    expect(rows.nth(1).locator("td").nth(5)).to_have_text("—")
    expect(rows.nth(2)).to_contain_text("Connect")
    expect(entry.locator(".sync-interval")).to_have_text("every 5 minutes")
    screenshot(page, "31-sync-log-1440")


def test_failed_and_stopped_look_different_on_a_dark_phone(dark_phone_page, user, sandbox):
    page = dark_phone_page
    retrying = sandbox.new_account("binance", "Binance read-only")
    stopped = sandbox.new_account("binance", "Binance read-only")
    fine = sandbox.new_account("binance", "Binance read-only")
    login(page, user)
    ok = connect_via_api(page, fine, label="Fine")
    transient = connect_via_api(page, retrying, label="Flaky")
    refused = connect_via_api(page, stopped, label="Old key")
    sandbox.update(retrying, faults={"serverError": 503})
    refuse_key(sandbox, stopped)
    try:
        card_button(page, transient["id"], "^Sync now: ").click()
        expect(card(page, transient["id"]).locator(".status")).to_have_text(re.compile(r"^Failed, will retry at \d"))
        card_button(page, refused["id"], "^Sync now: ").click()
        expect(card(page, refused["id"]).locator(".status")).to_have_text("Stopped: your action is needed")
        # Stopped first, then the one retrying by itself, then the healthy one.
        order = page.locator("li.card").evaluate_all("cards => cards.map((c) => c.dataset.connectionId)")
        assert order == [refused["id"], transient["id"], ok["id"]]
        expect(card(page, transient["id"])).to_have_attribute("data-state", "retrying")
        # Only the stopped one is in the banner: the other needs nothing from the person.
        expect(banner(page).locator("li")).to_have_count(1)
        expect(banner(page)).to_contain_text("Binance (Old key)")
        # After a failure the card's button is a retry.
        expect(card_button(page, transient["id"], "^Retry now: ")).to_be_visible()
        assert names_without_their_visible_text(page) == []
        # The two states differ in colour too, from the dark theme's variables.
        colours = page.evaluate("""(ids) => ids.map((id) => getComputedStyle(
            document.querySelector(`li.card[data-connection-id="${id}"] .status`)).backgroundColor)""",
                                [refused["id"], transient["id"]])
        assert colours[0] != colours[1], colours
        assert page.evaluate(NO_SCROLL)
        screenshot(page, "32-failed-vs-stopped-phone-dark")

        # The sync log scrolls inside its own box on a phone, never the page.
        log = card(page, refused["id"]).locator(".sync-log")
        log.locator("summary").click()
        expect(log.locator("tbody tr")).to_have_count(2)
        assert page.evaluate(NO_SCROLL)

        # The Edit dialog fits the phone too.
        card_button(page, refused["id"], "^Edit").click()
        dialog = page.get_by_role("dialog", name=re.compile("^Edit"))
        expect(dialog).to_be_visible()
        assert page.evaluate(NO_SCROLL)
        box = dialog.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390
        screenshot(page, "33-edit-dialog-phone-dark")
        page.keyboard.press("Escape")
    finally:
        sandbox.put(retrying)
        sandbox.put(stopped)


def test_paused_and_automatic_sync_off_are_distinct(page, user, sandbox):
    login(page, user)
    paused = connect_via_api(page, sandbox.new_account("binance", "Binance read-only"), label="Paused one")
    manual = connect_via_api(page, sandbox.new_account("binance", "Binance read-only"), label="By hand")
    card_button(page, paused["id"], "^Pause").click()
    expect(card(page, paused["id"]).locator(".status")).to_have_text("Paused")
    card_button(page, manual["id"], "^Edit").click()
    dialog = page.get_by_role("dialog", name="Edit Binance (By hand)")
    dialog.get_by_label("Sync automatically").uncheck()
    dialog.get_by_role("button", name="Save").click()
    expect(dialog).to_be_hidden()
    expect(card(page, manual["id"]).locator(".status")).to_have_text("Automatic sync off")
    expect(card(page, manual["id"])).to_have_attribute("data-state", "manual")
    expect(card(page, paused["id"])).to_have_attribute("data-state", "paused")
    screenshot(page, "34-paused-and-manual")


def test_the_edit_dialog_by_keyboard_only(wide_page, user, sandbox):
    page = wide_page
    login(page, user)
    connection = connect_via_api(page, sandbox.new_account("binance", "Binance read-only"), label="Savings")
    entry = card(page, connection["id"])
    expect(entry.locator(".sync-interval")).to_have_text("every 5 minutes")
    edit = entry.get_by_role("button", name="Edit Binance (Savings)")
    page.wait_for_load_state("networkidle")
    edit.press("Enter")
    dialog = page.get_by_role("dialog", name="Edit Binance (Savings)")
    expect(dialog).to_be_visible()
    label = dialog.get_by_label(re.compile("^Label"))
    expect(label).to_be_focused()
    expect(label).to_have_value("Savings")
    page.keyboard.press("Control+a")
    page.keyboard.type("Long term")
    page.keyboard.press("Tab")
    interval = dialog.get_by_label("Sync interval")
    expect(interval).to_be_focused()
    expect(interval).to_have_value("300")
    # 5 minutes -> 15 minutes -> 30 minutes -> 1 hour.
    for _ in range(3):
        page.keyboard.press("ArrowDown")
    expect(interval).to_have_value("3600")
    page.keyboard.press("Tab")
    auto = dialog.get_by_label("Sync automatically")
    expect(auto).to_be_focused()
    expect(auto).to_be_checked()
    page.keyboard.press("Space")
    expect(auto).not_to_be_checked()
    # The key fields are folded away in Edit; Enter on their summary opens them.
    key = dialog.locator("#edit-apiKey")
    expect(key).to_be_hidden()
    page.keyboard.press("Tab")
    expect(dialog.locator("#edit-key-details > summary")).to_be_focused()
    page.keyboard.press("Enter")
    expect(key).to_be_visible()
    # Focus stays in the dialog however far Tab goes.
    for _ in range(12):
        page.keyboard.press("Tab")
        assert page.evaluate("() => document.querySelector('#edit-dialog').contains(document.activeElement)")
    screenshot(page, "35-edit-dialog-1440")
    label.focus()
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    expect(page.locator(".toast-success")).to_contain_text("Saved Binance (Long term)")
    expect(entry.locator(".card-title")).to_contain_text("Long term")
    expect(entry.locator(".sync-interval")).to_have_text("every 1 hour")
    expect(entry.locator(".status")).to_have_text("Automatic sync off")
    expect(entry.locator(".next-sync")).to_have_text("Automatic sync off")
    # Focus is back on the card's Edit button (renamed with the card).
    expect(entry.get_by_role("button", name="Edit Binance (Long term)")).to_be_focused()

    # Escape closes without saving, and focus returns.
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Edit Binance (Long term)")
    expect(dialog).to_be_visible()
    page.keyboard.type(" changed")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(entry.get_by_role("button", name="Edit Binance (Long term)")).to_be_focused()
    expect(entry.locator(".card-title")).not_to_contain_text("changed")


def test_replace_key_keeps_history_and_says_why_a_key_is_refused(page, user, sandbox):
    """The new key is tested before it is saved (PATCH with apiKey/apiSecret): a refused key and an unreachable
    exchange say different things and change nothing; a good key replaces the old one, the history stays."""
    old = sandbox.new_account("binance", "Binance read-only")
    new = sandbox.new_account("binance", "Binance read-only")
    login(page, user)
    connection = connect_via_api(page, old, label="Savings")
    entry = card(page, connection["id"])
    expect(entry.locator("dd").filter(has_text=old["apiKey"][-4:])).to_be_visible()
    refuse_key(sandbox, old)
    entry.get_by_role("button", name=re.compile("^Sync now: ")).click()
    expect(entry.locator(".status")).to_have_text("Stopped: your action is needed")

    banner(page).get_by_role("button", name="Replace key: Binance (Savings)").click()
    dialog = page.get_by_role("dialog", name="Replace the key of Binance (Savings)")
    expect(dialog).to_be_visible()
    key = dialog.locator("#edit-apiKey")
    secret = dialog.locator("#edit-apiSecret")
    expect(key).to_be_focused()
    result = dialog.locator("#edit-result")

    # A secret the exchange refuses: nothing is saved.
    key.fill(new["apiKey"])
    secret.fill(new["apiSecret"][::-1])
    dialog.get_by_role("button", name="Save").click()
    expect(result).to_have_attribute("role", "alert")
    expect(result).to_contain_text("Binance refused these credentials")
    expect(result).to_contain_text("Nothing was changed")
    # Save was disabled while the key was tested; focus is back on it, not lost on the page behind the dialog.
    expect(dialog.get_by_role("button", name="Save")).to_be_focused()

    # The exchange cannot be reached: the key was not checked, and the words say so.
    sandbox.update(new, faults={"serverError": 503})
    secret.fill(new["apiSecret"])
    dialog.get_by_role("button", name="Save").click()
    expect(result).to_contain_text("Couldn't reach Binance; your key was not checked.")
    expect(result).not_to_contain_text("refused")
    screenshot(page, "36-replace-key-unreachable")

    sandbox.update(new, clearFaults=True)
    dialog.get_by_role("button", name="Save").click()
    expect(dialog).to_be_hidden()
    expect(page.locator(".toast-success").filter(has_text="Replaced the key of Binance (Savings)")).to_be_visible()
    # The new key is used at once: a sync follows the replacement.
    expect(page.locator(".toast-success").filter(has_text="Synced Binance (Savings)")).to_be_visible()
    expect(entry.locator(".status")).to_have_text("Active")
    expect(banner(page)).to_be_hidden()
    # The banner's Replace key button that opened the dialog is gone: focus lands on the card's Edit button.
    expect(entry.get_by_role("button", name="Edit Binance (Savings)")).to_be_focused()
    expect(entry.locator("dd").filter(has_text=new["apiKey"][-4:])).to_be_visible()
    # The secret fields are empty when the dialog opens again.
    entry.get_by_role("button", name=re.compile("^Edit")).click()
    dialog = page.get_by_role("dialog", name=re.compile("^Edit"))
    expect(dialog.locator("#edit-apiSecret")).to_have_value("")
    expect(dialog.locator("#edit-apiKey")).to_have_value("")
    page.keyboard.press("Escape")
    # Same connection, same history: the connect and the refused sync are still in its log.
    entry.locator(".holdings-details summary").click()
    expect(entry.locator('tr[data-asset="BTC"]')).to_be_visible()
    entry.locator(".sync-log summary").click()
    expect(entry.locator(".sync-log-table tbody tr").filter(has_text="Connect")).to_have_count(1)
    expect(entry.locator(".sync-log-table tbody tr[data-outcome='failure']")).to_have_count(1)
    expect(entry.locator(".sync-log-table tbody tr").first).to_have_attribute("data-outcome", "success")
    sandbox.put(old)


@pytest.mark.parametrize("fault", [{"serverError": 503}, {"htmlError": True}])
def test_test_connection_says_when_the_exchange_could_not_be_reached(page, user, sandbox, fault):
    account = sandbox.new_account("binance", "Binance read-only")
    sandbox.update(account, faults=fault)
    login(page, user)
    dialog = open_connect_dialog(page)
    dialog.get_by_label("Exchange").select_option(label="Binance")
    dialog.locator("#connect-apiKey").fill(account["apiKey"])
    dialog.locator("#connect-apiSecret").fill(account["apiSecret"])
    dialog.get_by_role("button", name="Test connection").click()
    result = dialog.locator("#connect-result")
    expect(result).to_have_attribute("role", "alert")
    expect(result).to_contain_text("Couldn't reach Binance; your key was not checked.")
    expect(result).not_to_contain_text("refused")
    screenshot(page, "37-test-unreachable")
    dialog.get_by_role("button", name="Connect", exact=True).click()
    expect(result).to_contain_text("Could not connect")
    expect(result).to_contain_text("Couldn't reach Binance; your key was not checked.")
    expect(result).not_to_contain_text("refused")
    page.keyboard.press("Escape")
    expect(page.locator("li.card")).to_have_count(0)


def test_a_key_already_connected_is_said_once(page, user, sandbox):
    """Connecting a key a second time, or giving one connection another's key, is a 409 `conflict`: the dialog says
    so once (before: a title, the server's sentence, and again in other words)."""
    first_account = sandbox.new_account("binance", "Binance read-only")
    login(page, user)
    connect_via_api(page, first_account, label="First")
    second = connect_via_api(page, sandbox.new_account("binance", "Binance read-only"), label="Second")

    dialog = open_connect_dialog(page)
    dialog.get_by_label("Exchange").select_option(label="Binance")
    dialog.locator("#connect-apiKey").fill(first_account["apiKey"])
    dialog.locator("#connect-apiSecret").fill(first_account["apiSecret"])
    dialog.get_by_role("button", name="Connect", exact=True).click()
    result = dialog.locator("#connect-result")
    expect(result).to_contain_text("This Binance API key is already connected.")
    expect(result.locator("p")).to_have_text(["Could not connect.", "This Binance API key is already connected."])
    page.keyboard.press("Escape")
    expect(page.locator("li.card")).to_have_count(2)

    card_button(page, second["id"], "^Edit").click()
    dialog = page.get_by_role("dialog", name="Edit Binance (Second)")
    dialog.get_by_text("Replace the API key").click()
    dialog.locator("#edit-apiKey").fill(first_account["apiKey"])
    dialog.locator("#edit-apiSecret").fill(first_account["apiSecret"])
    dialog.get_by_role("button", name="Save").click()
    result = dialog.locator("#edit-result")
    expect(result).to_contain_text("Nothing was changed")
    expect(result.locator("p")).to_have_text(["Another connection already uses this key.",
                                              "Nothing was changed: the connection keeps its current key and settings."])
    page.keyboard.press("Escape")


def test_test_connection_says_when_the_exchange_asked_to_slow_down(page, user, sandbox):
    """The exchange's own 429 is no verdict on the key: the API answers 503 `rate_limited`, and the words say the
    key was not checked, never that it was refused."""
    account = sandbox.new_account("binance", "Binance read-only")
    sandbox.update(account, faults={"rateLimited": True, "retryAfterSeconds": 1})
    login(page, user)
    dialog = open_connect_dialog(page)
    dialog.get_by_label("Exchange").select_option(label="Binance")
    dialog.locator("#connect-apiKey").fill(account["apiKey"])
    dialog.locator("#connect-apiSecret").fill(account["apiSecret"])
    with page.expect_response(lambda r: r.url.endswith("/api/v1/exchanges/test")) as answer:
        dialog.get_by_role("button", name="Test connection").click()
    assert answer.value.status == 503
    result = dialog.locator("#connect-result")
    expect(result).to_have_attribute("role", "alert")
    expect(result).to_contain_text("Binance asked Holdfast to slow down; your key was not checked.")
    expect(result).not_to_contain_text("refused")
    page.keyboard.press("Escape")
    expect(page.locator("li.card")).to_have_count(0)


def test_a_coinbase_pem_pasted_whole_keeps_its_line_breaks(wide_page, user, sandbox):
    """Issue input 1: the whole PEM (several lines), pasted as the help text says, works for Test and Connect."""
    page = wide_page
    account = sandbox.account("coinbase", "Coinbase CDP ECDSA")
    pem = account["apiSecret"]
    assert pem.count("\n") >= 3 and pem.startswith("-----BEGIN")
    login(page, user)
    dialog = open_connect_dialog(page)
    dialog.get_by_label("Exchange").select_option(value="coinbase")
    expect(dialog.locator("#connect-apiSecret-hint")).to_contain_text("Paste the whole")
    dialog.locator("#connect-apiKey").fill(account["apiKey"])
    secret = dialog.locator("textarea#connect-apiSecret")
    secret.focus()
    page.keyboard.insert_text(pem)  # as a paste: one insertion of the whole text
    assert secret.input_value() == pem
    # Masked until asked; Show reveals it to check the paste.
    expect(secret).to_have_class(re.compile(r"\bmasked\b"))
    toggle = dialog.get_by_role("button", name="Show the secret")
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    expect(secret).not_to_have_class(re.compile(r"\bmasked\b"))
    screenshot(page, "38-coinbase-pem-pasted")
    toggle.click()
    expect(secret).to_have_class(re.compile(r"\bmasked\b"))
    dialog.get_by_role("button", name="Test connection").click()
    expect(dialog.locator("#connect-result")).to_contain_text("Connection works")
    dialog.get_by_role("button", name="Connect", exact=True).click()
    expect(dialog).to_be_hidden()
    entry = page.locator("li.card").first
    expect(entry).to_contain_text("Coinbase")
    expect(entry.locator(".status")).to_have_text("Active")
    # Cleared after use: the next Connect starts empty.
    dialog = open_connect_dialog(page)
    expect(dialog.locator("#connect-apiSecret")).to_have_value("")
    page.keyboard.press("Escape")


@pytest.mark.parametrize("answer", ["no answer", "nginx 504"])
def test_a_test_that_gets_no_verdict_never_blames_the_key(page, user, sandbox, answer):
    """The only answers this suite fakes (page.route): no answer at all, and nginx's own 504 after a slow exchange,
    which the real stack cannot be made to give within a test's time. Neither may read as a refused key."""
    account = sandbox.account("binance", "Binance read-only")
    login(page, user)
    if answer == "no answer":
        page.route("**/api/v1/exchanges/test", lambda route: route.abort())
        expected = "Couldn't reach Holdfast; your key was not checked."
    else:
        page.route("**/api/v1/exchanges/test", lambda route: route.fulfill(
            status=504, content_type="application/json",
            body='{"error": {"code": "timeout", "message": "The server took too long to answer."}}'))
        expected = "Couldn't reach Binance; your key was not checked."
    dialog = open_connect_dialog(page)
    dialog.get_by_label("Exchange").select_option(label="Binance")
    dialog.locator("#connect-apiKey").fill(account["apiKey"])
    dialog.locator("#connect-apiSecret").fill(account["apiSecret"])
    dialog.get_by_role("button", name="Test connection").click()
    result = dialog.locator("#connect-result")
    expect(result).to_contain_text(expected)
    expect(result).not_to_contain_text("refused")
    page.keyboard.press("Escape")
