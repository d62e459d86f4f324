"""The connections page against the real stack and the sandbox exchanges: connect, test, sync, errors,
disconnect, live refresh, phone width and keyboard use. Every test signs in through the UI as its own user."""
import re

from playwright.sync_api import expect

from .ui_support import card, connect_via_api, login, open_page, screenshot

BINANCE = "binance"


def open_connect_dialog(page):
    page.get_by_role("button", name="Connect exchange").click()
    dialog = page.get_by_role("dialog", name="Connect exchange")
    expect(dialog).to_be_visible()
    return dialog


def fill_credentials(dialog, account, exchange_name="Binance"):
    dialog.get_by_label("Exchange").select_option(label=exchange_name)
    dialog.get_by_label(re.compile("API key", re.I)).fill(account["apiKey"])
    dialog.get_by_role("textbox", name=re.compile("secret", re.I)).fill(account["apiSecret"])


def holding_amount(scope, asset):
    return scope.locator(f'tr[data-asset="{asset}"] td.amount')


def sync_now(page, connection_id):
    """The card's Sync now button (Retry now after a failure)."""
    card(page, connection_id).get_by_role("button", name=re.compile("^(Sync|Retry) now: ")).click()


def test_connect_a_sandbox_account(page, user, sandbox):
    account = sandbox.account(BINANCE, "Binance read-only")
    login(page, user)
    expect(page.get_by_text("No exchanges connected yet")).to_be_visible()
    screenshot(page, "04-connections-empty")
    dialog = open_connect_dialog(page)

    # The passphrase appears only for exchanges that need one.
    dialog.get_by_label("Exchange").select_option(label="Coinbase Exchange")
    expect(dialog.locator("#connect-passphrase")).to_be_visible()
    dialog.get_by_label("Exchange").select_option(label="Binance")
    expect(dialog.locator("#connect-passphrase")).to_be_hidden()

    fill_credentials(dialog, account)
    # The secret is a multi-line field (a PEM keeps its line breaks), masked until "Show" is pressed.
    secret = dialog.locator("textarea#connect-apiSecret")
    expect(secret).to_have_class(re.compile(r"\bmasked\b"))
    expect(secret).to_have_attribute("spellcheck", "false")
    expect(secret).to_have_attribute("autocomplete", "off")
    dialog.get_by_label(re.compile("Label")).fill("Main account")
    dialog.get_by_role("button", name="Test connection").click()
    expect(dialog.locator("#connect-result")).to_contain_text("Connection works")
    screenshot(page, "05-connect-dialog-tested")

    dialog.get_by_role("button", name="Connect", exact=True).click()
    expect(dialog).to_be_hidden()
    expect(page.locator(".toast-success")).to_contain_text("Connected")
    entry = page.locator("li.card").first
    expect(entry).to_contain_text("Binance")
    expect(entry).to_contain_text("Main account")
    expect(entry.locator(".status")).to_have_text("Active")
    expect(entry.locator(".last-sync")).to_have_text(re.compile("just now|minute"))
    entry.locator(".holdings-details summary").click()
    expect(holding_amount(entry, "BTC")).to_be_visible()
    screenshot(page, "06-connections-with-holdings")
    open_page(page, "portfolio")
    expect(page.locator("#totals-body tr[data-asset='BTC']")).to_be_visible()
    open_page(page, "connections")

    # The secret fields were cleared: opening the dialog again shows them empty.
    dialog = open_connect_dialog(page)
    expect(dialog.locator("#connect-apiSecret")).to_have_value("")
    expect(dialog.locator("#connect-apiKey")).to_have_value("")
    page.keyboard.press("Escape")
    storage = page.evaluate("() => [localStorage.length, sessionStorage.length]")
    assert storage == [0, 0]


def test_invalid_credentials_show_the_error(page, user, sandbox):
    account = dict(sandbox.account(BINANCE, "Binance read-only"))
    account["apiSecret"] = "x" * len(account["apiSecret"])
    login(page, user)
    dialog = open_connect_dialog(page)

    # Missing fields are flagged inline before anything is sent.
    dialog.get_by_role("button", name="Connect", exact=True).click()
    expect(dialog.locator("#connect-exchange-error")).to_be_visible()
    expect(dialog.locator("#connect-exchange")).to_have_attribute("aria-invalid", "true")

    fill_credentials(dialog, account)
    dialog.get_by_role("button", name="Test connection").click()
    result = dialog.locator("#connect-result")
    expect(result).to_have_attribute("role", "alert")
    expect(result).to_contain_text("refused")
    screenshot(page, "07-connect-dialog-invalid-credentials")

    # Connecting with them fails too, inside the dialog, and nothing is added.
    dialog.get_by_role("button", name="Connect", exact=True).click()
    expect(result).to_contain_text("Could not connect")
    # The secret stays while the dialog is open, so a wrong region or label is fixed without pasting it again;
    # closing the dialog clears it.
    expect(dialog.locator("#connect-apiSecret")).to_have_value(account["apiSecret"])
    dialog.get_by_role("button", name="Cancel").click()
    expect(page.locator("li.card")).to_have_count(0)
    dialog = open_connect_dialog(page)
    expect(dialog.locator("#connect-apiSecret")).to_have_value("")
    page.keyboard.press("Escape")


def test_the_list_shows_status_and_last_sync(page, user, sandbox):
    login(page, user)
    connection = connect_via_api(page, sandbox.account(BINANCE, "Binance read-only"), label="Savings")
    entry = card(page, connection["id"])
    expect(entry.locator(".status")).to_have_text("Active")
    expect(entry.locator(".status")).to_have_attribute("data-status", "active")
    expect(entry.locator(".last-sync")).to_have_text(re.compile(r"just now|\d+ minutes? ago"))
    expect(entry.locator(".next-sync")).not_to_be_empty()
    expect(entry).to_contain_text("Savings")


def test_sync_now_updates_the_holdings(page, user, sandbox):
    account = sandbox.account(BINANCE, "Binance read-only")
    login(page, user)
    connection = connect_via_api(page, account)
    entry = card(page, connection["id"])
    entry.locator(".holdings-details summary").click()
    expect(holding_amount(entry, "BTC")).to_be_visible()
    with sandbox.changed(account):
        sandbox.update(account, balances=[{"asset": "BTC", "free": "1.5", "locked": "0"}])
        sync_now(page, connection["id"])
        expect(page.locator(".toast-success")).to_contain_text("Synced")
        expect(holding_amount(entry, "BTC")).to_have_text("1.5")
        # Gone from spot: LDO (held nowhere else) leaves the list; ETH keeps only its Simple Earn locked stake.
        expect(entry.locator("tr[data-asset='LDO']")).to_have_count(0)
        expect(holding_amount(entry, "ETH")).to_have_text("0.5")
        screenshot(page, "08-after-sync-now")
        open_page(page, "portfolio")
        expect(page.locator("#totals-body tr[data-asset='BTC'] td.quantity")).to_have_text("1.5")


def test_disconnect_removes_the_connection(page, user, sandbox):
    login(page, user)
    connection = connect_via_api(page, sandbox.account(BINANCE, "Binance read-only"))
    entry = card(page, connection["id"])
    entry.get_by_role("button", name=re.compile("^Disconnect")).click()
    confirm = page.get_by_role("dialog", name=re.compile("Disconnect"))
    expect(confirm).to_be_visible()
    screenshot(page, "09-disconnect-confirm")
    confirm.get_by_role("button", name="Cancel").click()
    expect(confirm).to_be_hidden()
    expect(entry).to_be_visible()

    entry.get_by_role("button", name=re.compile("^Disconnect")).click()
    confirm.get_by_role("button", name="Disconnect").click()
    expect(entry).to_have_count(0)
    expect(page.locator(".toast-success")).to_contain_text("Disconnected")
    expect(page.get_by_text("No exchanges connected yet")).to_be_visible()
    page.reload()
    expect(page.get_by_text("No exchanges connected yet")).to_be_visible()


def test_a_failing_exchange_shows_the_error_state(page, user, sandbox):
    account = sandbox.account(BINANCE, "Binance read-only")
    login(page, user)
    connection = connect_via_api(page, account)
    entry = card(page, connection["id"])
    with sandbox.changed(account):
        # The sandbox's serverError fault is the HTTP status to answer with.
        sandbox.update(account, faults={"serverError": 503})
        sync_now(page, connection["id"])
        expect(page.locator(".toast-error")).to_contain_text("failed")
        # A transient failure: the timer retries by itself, and the card says when.
        expect(entry.locator(".status")).to_have_text(re.compile(r"^Failed, will retry at \d"))
        expect(entry).to_have_attribute("data-state", "retrying")
        expect(page.locator("#attention-banner")).to_be_hidden()
        error = entry.locator(".error-box")
        expect(error).to_be_visible()
        expect(error.locator(".error-message")).not_to_be_empty()
        screenshot(page, "10-connection-error")
    # Faults cleared: the next sync recovers.
    sync_now(page, connection["id"])
    expect(entry.locator(".status")).to_have_text("Active")
    expect(entry.locator(".error-box")).to_be_hidden()


def test_a_key_that_can_trade_is_flagged(page, user, sandbox):
    account = sandbox.account(BINANCE, "Binance trading key")
    login(page, user)
    dialog = open_connect_dialog(page)
    fill_credentials(dialog, account)
    dialog.get_by_role("button", name="Test connection").click()
    expect(dialog.locator("#connect-result")).to_contain_text("can trade and withdraw")
    dialog.get_by_role("button", name="Connect", exact=True).click()
    # Either the server accepts it (then the card carries the warning) or it insists on read-only keys.
    warning = page.locator("li.card .warning")
    refused = dialog.locator("#connect-result.result-error")
    expect(warning.or_(refused)).to_be_visible()
    if warning.is_visible():
        expect(warning).to_contain_text("can trade and withdraw")
    screenshot(page, "11-trading-key-warning")


def test_status_refreshes_without_a_reload(page, user, sandbox):
    page.clock.install()
    login(page, user)
    connection = connect_via_api(page, sandbox.account(BINANCE, "Binance read-only"))
    entry = card(page, connection["id"])
    expect(entry.locator(".status")).to_have_text("Active")
    # Another client pauses the connection; the page notices on its next idle poll (every 5 minutes, poller.js).
    status = page.evaluate("""async (id) => {
        const me = await (await fetch('/api/v1/auth/me', {credentials: 'same-origin'})).json();
        const response = await fetch('/api/v1/exchanges/connections/' + id, {method: 'PATCH',
            credentials: 'same-origin', body: JSON.stringify({status: 'disabled'}),
            headers: {'Content-Type': 'application/json', 'X-CSRF-Token': me.csrfToken}});
        return response.status;
    }""", connection["id"])
    assert status == 200
    expect(entry.locator(".status")).to_have_text("Active")
    page.clock.run_for(5 * 60_000 + 1000)
    expect(entry.locator(".status")).to_have_text("Paused")
    expect(entry.get_by_role("button", name=re.compile("^Resume"))).to_be_visible()


def test_phone_width_has_no_horizontal_scroll(phone_page, user, sandbox):
    page = phone_page
    login(page, user)
    connect_via_api(page, sandbox.account(BINANCE, "Binance read-only"),
                    label="A rather long label for a phone screen")
    page.locator("li.card .holdings-details summary").first.click()
    no_scroll = "() => document.documentElement.scrollWidth <= window.innerWidth"
    assert page.evaluate(no_scroll)
    screenshot(page, "12-connections-phone")
    dialog = open_connect_dialog(page)
    dialog.get_by_label("Exchange").select_option(label="Coinbase Exchange")
    assert page.evaluate(no_scroll)
    box = dialog.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    screenshot(page, "13-connect-dialog-phone")


def accessible_names_missing(page):
    """Visible controls with no accessible name (label, aria-label, aria-labelledby or text)."""
    return page.evaluate("""() => [...document.querySelectorAll('button, input, select, summary, a[href]')]
        .filter((el) => el.getClientRects().length > 0)
        .filter((el) => !(el.getAttribute('aria-label') || el.getAttribute('aria-labelledby') ||
                          (el.labels && el.labels.length) || el.textContent.trim()))
        .map((el) => el.outerHTML)""")


def focused(page):
    return page.evaluate("() => document.activeElement && (document.activeElement.id || "
                         "document.activeElement.getAttribute('aria-label') || document.activeElement.textContent.trim())")


def test_keyboard_reaches_every_control_and_escape_closes_the_dialog(page, user, sandbox):
    # Sign in with the keyboard only.
    page.goto("/#/connections")
    page.get_by_label("Email").focus()
    page.keyboard.type(user[0])
    page.keyboard.press("Tab")
    page.keyboard.type(user[1])
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Connections", level=1)).to_be_visible()
    connect_via_api(page, sandbox.account(BINANCE, "Binance read-only"))
    assert accessible_names_missing(page) == []

    # Tab walks through every visible control of the page.
    controls = page.evaluate("""() => [...document.querySelectorAll('button, input, select, summary, a[href]')]
        .filter((el) => el.getClientRects().length > 0 && !el.disabled && !el.closest('dialog'))
        .map((el) => el.id || el.getAttribute('aria-label') || el.textContent.trim())""")
    assert len(controls) >= 6, controls
    reached = set()
    page.locator("body").focus()
    for _ in range(len(controls) + 5):
        page.keyboard.press("Tab")
        reached.add(focused(page))
    assert set(controls) <= reached, set(controls) - reached

    # The dialog: opens from the keyboard, keeps focus inside, closes on Escape, gives focus back.
    opener = page.get_by_role("button", name="Connect exchange")
    opener.focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Connect exchange")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("Exchange")).to_be_focused()
    assert accessible_names_missing(page) == []
    for _ in range(12):
        page.keyboard.press("Tab")
        assert page.evaluate("() => document.querySelector('#connect-dialog').contains(document.activeElement)")
    for _ in range(3):
        page.keyboard.press("Shift+Tab")
        assert page.evaluate("() => document.querySelector('#connect-dialog').contains(document.activeElement)")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(opener).to_be_focused()

    # The confirmation dialog too: Escape cancels and focus returns to Disconnect.
    disconnect = page.locator("li.card").get_by_role("button", name=re.compile("^Disconnect"))
    # Let the poll that follows the connect settle, then focus and press in one action.
    page.wait_for_load_state("networkidle")
    disconnect.press("Enter")
    confirm = page.get_by_role("dialog", name=re.compile("Disconnect"))
    expect(confirm).to_be_visible()
    expect(confirm.get_by_role("button", name="Cancel")).to_be_focused()
    page.keyboard.press("Escape")
    expect(confirm).to_be_hidden()
    expect(disconnect).to_be_focused()
    expect(page.locator("li.card")).to_have_count(1)


def test_wallet_rows_and_unread_wallets_show_on_the_card(page, user, sandbox):
    # A Kraken staking key of its own that Kraken refuses the Earn allocations: the read succeeds without them.
    account = dict(sandbox.account("kraken", "Kraken staking key (lock-up ids, fee credits, xStocks)"))
    account["apiKey"] = account["apiKey"][:-8] + "unread01"
    account["earnPermissionDenied"] = True
    sandbox._call("kraken", "POST", {"account": account})
    login(page, user)
    connection = connect_via_api(page, account)
    entry = card(page, connection["id"])
    expect(entry.locator(".unread-wallets")).to_be_visible()
    expect(entry.locator(".unread-wallets")).to_contain_text("earn-allocations")
    expect(entry.locator(".unread-wallets")).to_contain_text("Query Funds")
    entry.locator(".holdings-details summary").click()
    expect(holding_amount(entry, "DOT")).to_have_text("13.5")
    expect(entry.locator('tr[data-asset="DOT"] td.wallets')).to_have_text("spot 1 · staked 12.5")
    screenshot(page, "12-unread-wallets")
    # The combined holdings have no wallet column: every row has exactly its five cells (asset, quantity, price,
    # value, share).
    open_page(page, "portfolio")
    totals = page.locator("#totals-body tr[data-asset]")
    expect(totals).to_have_count(5)
    for n in range(5):
        expect(totals.nth(n).locator("th, td")).to_have_count(5)
