"""Issue 15's alerts on the Feeds & alerts page (#/settings), against the real stack and local receivers
(receiver.py): a webhook whose secret is shown once and signs what the receiver gets, an ntfy topic with a token,
a test alert and its outcome, an address the operator did not allow refused under the URL field, delete with a
confirmation, the stale-hours setting, the delivery log, keyboard only, phone and desktop, light and dark."""
import hashlib
import hmac
import re
import time

import pytest
from playwright.sync_api import expect

from .receiver import receiving
from .ui_support import (PASSWORD, RECEIVER_PORTS, REFUSED_RECEIVER_PORT, cli, login, names_without_their_visible_text,
                         new_page, open_page, run_timer, screenshot, unnamed_controls)

WEBHOOK_PORT, NTFY_PORT, FAILING_PORT = RECEIVER_PORTS[0], RECEIVER_PORTS[1], RECEIVER_PORTS[2]
PAGE_DATA = re.compile(r"/api/v1/(alerts|feeds)/")
SCREENS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1440, "height": 900}}


def channel_item(page, url):
    return page.locator("li.channel").filter(has_text=url)


def add_channel(page, kind, url, token=None):
    form = page.locator("#channel-form")
    form.get_by_label("Kind").select_option(kind)
    form.get_by_label("URL", exact=True).fill(url)
    if token is not None:
        form.get_by_label(re.compile("Access token")).fill(token)
    form.get_by_role("button", name="Add channel").click()


def settle_test_alert(page, item, receiver, count):
    """A test alert's outcome: sent at once by the responder, or queued for the timer (then one timer run sends it
    and Reload shows it). Returns the requests the receiver got."""
    outcome = item.locator(".channel-outcome")
    expect(outcome).to_have_text(re.compile("delivered|failed|not delivered|queued"), timeout=20_000)
    if "queued" in outcome.text_content():
        run_timer()
        page.get_by_role("button", name="Reload", exact=True).click()
    return receiver.wait_for(count)


def test_webhook_secret_shown_once_signs_the_test_alert(browser, user):
    context, page = new_page(browser, {"width": 1280, "height": 900},
                             permissions=["clipboard-read", "clipboard-write"])
    try:
        login(page, user, "settings")
        expect(page.locator("#channels-empty")).to_have_text(re.compile("No channels yet"))
        expect(page.locator("#stale-hours")).to_have_value("24")

        # A loopback port the operator did not allow: refused by the API, said under the URL field.
        add_channel(page, "webhook", f"http://127.0.0.1:{REFUSED_RECEIVER_PORT}/hook")
        url_field = page.locator("#channel-url")
        expect(page.locator("#channel-url-error")).to_be_visible()
        expect(url_field).to_have_attribute("aria-invalid", "true")
        expect(url_field).to_be_focused()
        expect(page.locator("li.channel")).to_have_count(0)
        # Not a URL at all: said before anything is sent.
        add_channel(page, "webhook", "hooks.example.com")
        expect(page.locator("#channel-url-error")).to_contain_text("http")

        with receiving(WEBHOOK_PORT) as receiver:
            url = f"{receiver.url}/hook"
            add_channel(page, "webhook", url)
            dialog = page.get_by_role("dialog", name="Webhook signing secret")
            expect(dialog).to_be_visible()
            expect(dialog).to_contain_text("you will not see it again")
            expect(page.locator("#channel-url-error")).to_be_hidden()
            secret = dialog.locator("#secret-value").input_value()
            assert len(secret) >= 16
            expect(dialog.get_by_role("button", name="Copy secret")).to_be_focused()
            dialog.get_by_role("button", name="Copy secret").click()
            expect(dialog.get_by_role("status")).to_contain_text("Copied")
            assert page.evaluate("() => navigator.clipboard.readText()") == secret
            screenshot(page, "feeds-webhook-secret")
            dialog.get_by_role("button", name="I have stored it").click()
            expect(dialog).to_be_hidden()

            # Gone from the page once the dialog closed, and never shown again (not after a reload either).
            expect(page.locator("#secret-value")).to_have_value("")
            item = channel_item(page, url)
            expect(item.get_by_role("button", name=re.compile("^Send test alert"))).to_be_focused()
            expect(item).to_contain_text("Webhook")
            expect(item.locator(".channel-last")).to_have_text("Last delivery: none yet")
            page.reload()
            expect(channel_item(page, url)).to_be_visible()
            assert secret not in page.content()

            # The test alert: its outcome beside the channel, signed with the secret the dialog showed.
            item = channel_item(page, url)
            item.get_by_role("button", name=re.compile("^Send test alert")).click()
            requests = settle_test_alert(page, item, receiver, 1)
            expect(item.locator(".channel-last")).to_contain_text("Delivered")
            expect(item.locator(".channel-outcome")).to_contain_text("delivered")
            sent = requests[0]
            assert sent["method"] == "POST" and sent["path"] == "/hook"
            expected = hmac.new(secret.encode(), sent["body"], hashlib.sha256).hexdigest()
            assert sent["headers"]["x-holdfast-signature"] == f"sha256={expected}"
            assert sent["headers"]["x-holdfast-event"] == "test"
            assert secret.encode() not in sent["body"]

        # The delivery log is loaded when opened (not before), newest first.
        log_requests = []
        page.on("request", lambda r: "/alerts/deliveries" in r.url and log_requests.append(r.url))
        page.reload()
        expect(channel_item(page, url)).to_be_visible()
        assert log_requests == []
        page.get_by_text("Show the last 50 deliveries").click()
        row = page.locator("#delivery-body tr").first
        expect(row).to_contain_text("Test alert")
        expect(row).to_contain_text("Delivered")
        expect(row).to_contain_text("127.0.0.1")
        assert len(log_requests) == 1
        screenshot(page, "feeds-alerts-delivered")
        assert page.evaluate("() => [localStorage.length, sessionStorage.length]") == [0, 0]
        assert page.csp_violations == []
    finally:
        context.close()


def test_ntfy_with_token_a_failing_receiver_and_delete(page, user):
    login(page, user, "settings")
    with receiving(NTFY_PORT) as ntfy, receiving(FAILING_PORT, status=500) as failing:
        topic = f"{ntfy.url}/holdfast-alerts"
        add_channel(page, "ntfy", topic, token="tk_browser_test_token")
        item = channel_item(page, topic)
        expect(item).to_contain_text("ntfy")
        expect(item).to_contain_text("with an access token")
        # No secret dialog for ntfy, and the token field is emptied.
        expect(page.get_by_role("dialog", name="Webhook signing secret")).to_be_hidden()
        expect(page.locator("#channel-token")).to_be_hidden()
        page.get_by_label("Kind").select_option("ntfy")
        expect(page.locator("#channel-token")).to_have_value("")
        assert "tk_browser_test_token" not in page.content()

        item.get_by_role("button", name=re.compile("^Send test alert")).click()
        sent = settle_test_alert(page, item, ntfy, 1)[0]
        assert sent["method"] == "POST" and sent["path"] == "/holdfast-alerts"
        assert sent["headers"]["authorization"] == "Bearer tk_browser_test_token"
        expect(item.locator(".channel-last")).to_contain_text("Delivered")

        # A receiver answering 500: the outcome says it failed, with the code, and the channel's last delivery too.
        hook = f"{failing.url}/broken"
        add_channel(page, "webhook", hook)
        page.get_by_role("dialog", name="Webhook signing secret").get_by_role("button", name="I have stored it").click()
        broken = channel_item(page, hook)
        broken.get_by_role("button", name=re.compile("^Send test alert")).click()
        settle_test_alert(page, broken, failing, 1)
        # Failed for good, or failed once and waiting for its retry: either way the code is shown.
        expect(broken.locator(".channel-outcome")).to_contain_text("target_http_500")
        expect(broken.locator(".channel-last")).to_have_text(re.compile(r"(Failed|Pending) \(target_http_500\)"))
        screenshot(page, "feeds-alerts-failed")

    # Delete asks first: Cancel keeps the channel, Delete channel removes it and focus stays on the page.
    broken.get_by_role("button", name=re.compile("^Delete")).click()
    confirm = page.get_by_role("dialog", name=re.compile("Delete this Webhook channel"))
    expect(confirm).to_be_visible()
    expect(confirm.get_by_role("button", name="Cancel")).to_be_focused()
    confirm.get_by_role("button", name="Cancel").click()
    expect(broken).to_be_visible()
    broken.get_by_role("button", name=re.compile("^Delete")).click()
    confirm.get_by_role("button", name="Delete channel").click()
    expect(broken).to_have_count(0)
    expect(page.locator(".toast-success")).to_contain_text("Deleted")
    assert page.evaluate("() => document.activeElement !== document.body")
    page.reload()
    expect(channel_item(page, topic)).to_be_visible()
    expect(page.locator("li.channel")).to_have_count(1)


def test_stale_hours_setting(page, user):
    login(page, user, "settings")
    hours = page.get_by_label("Alert after this many hours without a successful sync")
    expect(hours).to_have_value("24")
    for bad in ["0", "721", "2.5"]:
        hours.fill(bad)
        page.locator("#stale-form").get_by_role("button", name="Save").click()
        expect(page.locator("#stale-hours-error")).to_be_visible()
        expect(hours).to_have_attribute("aria-invalid", "true")
    hours.fill("48")
    hours.press("Enter")
    expect(page.locator("#stale-status")).to_contain_text("48 hours")
    expect(page.locator("#stale-hours-error")).to_be_hidden()
    page.reload()
    expect(page.get_by_label("Alert after this many hours without a successful sync")).to_have_value("48")


def test_add_a_webhook_with_the_keyboard_only(page, user):
    login(page, user, "settings")
    expect(page.get_by_role("heading", name="Feeds & alerts", level=1)).to_be_focused()
    with receiving(RECEIVER_PORTS[3]) as receiver:
        # Tab from the heading to the Kind select, then through the form; Enter submits.
        for _ in range(10):
            page.keyboard.press("Tab")
            if page.evaluate("() => document.activeElement.id") == "channel-kind":
                break
        expect(page.locator("#channel-kind")).to_be_focused()
        page.keyboard.press("Tab")
        expect(page.locator("#channel-url")).to_be_focused()
        page.keyboard.type(f"{receiver.url}/keys")
        page.keyboard.press("Enter")
        dialog = page.get_by_role("dialog", name="Webhook signing secret")
        expect(dialog).to_be_visible()
        expect(dialog.get_by_role("button", name="Copy secret")).to_be_focused()
        page.keyboard.press("Tab")
        expect(dialog.get_by_role("button", name="I have stored it")).to_be_focused()
        page.keyboard.press("Tab")  # focus stays inside the dialog
        assert page.evaluate("() => document.getElementById('secret-dialog').contains(document.activeElement)")
        page.keyboard.press("Escape")
        expect(dialog).to_be_hidden()
        item = channel_item(page, f"{receiver.url}/keys")
        test_button = item.get_by_role("button", name=re.compile("^Send test alert"))
        expect(test_button).to_be_focused()
        page.keyboard.press("Enter")
        settle_test_alert(page, item, receiver, 1)
        expect(item.locator(".channel-last")).to_contain_text("Delivered")
        # The delivery log opens from the keyboard.
        page.locator("#delivery-log summary").focus()
        page.keyboard.press("Enter")
        expect(page.locator("#delivery-body tr").first).to_contain_text("Delivered")


def test_the_page_loads_when_opened_and_is_never_polled(page, user):
    page.clock.install()
    login(page, user, "settings")
    expect(page.locator("#stale-hours")).to_have_value("24")
    seen = []
    page.on("request", lambda request: PAGE_DATA.search(request.url) and seen.append(request.url))
    # An idle half hour: the poller refreshes the connections and the portfolio, never this page's data.
    for _ in range(60):
        page.clock.run_for(30_000)
    page.wait_for_function("() => !document.documentElement.hasAttribute('data-refreshing')")
    assert seen == []
    # Coming back to the page loads it again, once; so does Reload.
    open_page(page, "portfolio")
    with page.expect_response(re.compile(r"/api/v1/alerts/settings$")):
        open_page(page, "settings")
    with page.expect_response(re.compile(r"/api/v1/alerts/channels$")):
        page.get_by_role("button", name="Reload", exact=True).click()
    page.wait_for_load_state("networkidle")
    paths = sorted(re.sub(r"^.*/api/v1", "", url) for url in seen)
    assert paths == sorted(["/alerts/channels", "/alerts/settings", "/feeds/ghostfolio"] * 2), paths


def test_loading_states_and_a_failed_load_never_a_false_empty_state(page, user):
    login(page, user, "portfolio")
    held = []
    released = []

    def hold(route):
        if released:
            route.continue_()
        else:
            held.append(route)

    page.route(PAGE_DATA, hold)
    open_page(page, "settings")
    expect(page.locator("#channels-loading")).to_be_visible()
    expect(page.locator("#ghostfolio-loading")).to_be_visible()
    expect(page.locator("#stale-hours")).to_be_disabled()
    # Its three loads (channels, setting, Ghostfolio) are all held: nothing has answered yet.
    deadline = time.monotonic() + 10
    while len(held) < 3:
        assert time.monotonic() < deadline, [route.request.url for route in held]
        page.wait_for_timeout(20)
    expect(page.locator("#channels-empty")).to_be_hidden()
    expect(page.locator("#ghostfolio-status")).to_be_hidden()
    screenshot(page, "feeds-loading")
    released.append(True)
    for route in held:
        # The channel list fails (a 503, as when the database is unavailable): said, not shown as "no channels".
        if route.request.url.endswith("/alerts/channels"):
            route.fulfill(status=503, content_type="application/json",
                          body='{"error":{"code":"service_unavailable","message":"The database is unavailable."}}')
        else:
            route.continue_()
    expect(page.locator("#channels-error")).to_contain_text("The database is unavailable.")
    expect(page.locator("#channels-empty")).to_be_hidden()
    expect(page.locator("#channels-loading")).to_be_hidden()
    expect(page.locator("#stale-hours")).to_have_value("24")
    page.get_by_role("button", name="Reload", exact=True).click()
    expect(page.locator("#channels-empty")).to_be_visible()
    expect(page.locator("#channels-error")).to_be_hidden()


def test_signing_out_clears_the_page_for_the_next_person(page, user):
    login(page, user, "settings")
    topic = f"http://127.0.0.1:{RECEIVER_PORTS[7]}/first-persons-topic"
    add_channel(page, "ntfy", topic)
    expect(channel_item(page, topic)).to_be_visible()
    page.get_by_label("Alert after this many hours without a successful sync").fill("99")
    page.locator("#stale-form").get_by_role("button", name="Save").click()
    expect(page.locator("#stale-status")).to_contain_text("99 hours")
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    # Gone from the page, not only hidden.
    assert "first-persons-topic" not in page.content()
    expect(page.locator("#stale-hours")).to_have_value("")

    # The next person signs in on the same page (no reload) and sees only their own.
    second = f"second-{user[0]}"
    cli("user", "add", second, stdin=PASSWORD + "\n")
    page.get_by_label("Email").fill(second)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Feeds & alerts", level=1)).to_be_visible()
    expect(page.locator("#channels-empty")).to_be_visible()
    expect(page.locator("li.channel")).to_have_count(0)
    expect(page.locator("#stale-hours")).to_have_value("24")


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_alerts_screens(browser, user, size, scheme):
    context, page = new_page(browser, SCREENS[size], color_scheme=scheme)
    try:
        login(page, user, "settings")
        with receiving(RECEIVER_PORTS[4]) as receiver, receiving(RECEIVER_PORTS[5], status=500) as failing:
            add_channel(page, "webhook", f"{receiver.url}/a-rather-long-path/that-must-wrap-on-a-phone/holdfast")
            page.get_by_role("button", name="I have stored it").click()
            add_channel(page, "ntfy", f"{failing.url}/topic", token="tk")
            for index, source in enumerate([receiver, failing]):
                item = page.locator("li.channel").nth(index)
                item.get_by_role("button", name=re.compile("^Send test alert")).click()
                settle_test_alert(page, item, source, 1)
        page.get_by_text("Show the last 50 deliveries").click()
        expect(page.locator("#delivery-body tr")).to_have_count(2)
        assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
        assert unnamed_controls(page) == []
        assert names_without_their_visible_text(page) == []
        if scheme == "dark":
            background = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
            assert background == "rgb(15, 20, 27)", background
        screenshot(page, f"screen-feeds-alerts-{size}-{scheme}")
        assert page.csp_violations == []
    finally:
        context.close()
