"""Every main screen at a phone's and a desktop's width, light and dark (issue 14, Tests): screenshots kept in
artifacts/screenshots/ for a person to look at, and the checks any screen must pass: no horizontal scroll, no CSP
violation, every control named (with the words it shows), the page's heading reachable by keyboard."""
import pytest
from playwright.sync_api import expect

from .ui_support import BASE_URL, connect_via_api, login, names_without_their_visible_text, screenshot, unnamed_controls

WIDTHS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1440, "height": 900}}


def no_horizontal_scroll(page):
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_main_screens(browser, user, sandbox, size, scheme):
    context = browser.new_context(base_url=BASE_URL, viewport=WIDTHS[size], color_scheme=scheme)
    violations = []
    try:
        page = context.new_page()
        page.on("console", lambda m: "Content Security Policy" in m.text and violations.append(m.text))
        name = f"{size}-{scheme}"
        page.goto("/")
        expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
        assert no_horizontal_scroll(page)
        screenshot(page, f"screen-login-{name}")

        login(page, user, "connections")
        connect_via_api(page, sandbox.account("binance", "Binance read-only"))
        connect_via_api(page, sandbox.account("kraken"))
        expect(page.locator("li.card")).to_have_count(2)
        assert no_horizontal_scroll(page)
        assert unnamed_controls(page) == []
        assert names_without_their_visible_text(page) == []
        screenshot(page, f"screen-connections-{name}")

        page.get_by_role("button", name="Connect exchange").click()
        expect(page.get_by_role("dialog")).to_be_visible()
        assert no_horizontal_scroll(page)
        screenshot(page, f"screen-connect-dialog-{name}")
        page.keyboard.press("Escape")
        expect(page.get_by_role("dialog")).to_be_hidden()
        # Focus goes back to the button that opened the dialog (on the dialog's close event, after it is hidden).
        expect(page.get_by_role("button", name="Connect exchange")).to_be_focused()

        # Keyboard only: the nav link to the portfolio, then its heading has focus.
        link = page.get_by_role("navigation", name="Pages").get_by_role("link", name="Portfolio")
        link.focus()
        page.keyboard.press("Enter")
        heading = page.get_by_role("heading", name="Portfolio", level=1)
        expect(heading).to_be_focused()
        expect(page.locator("#totals-body tr").first).to_be_visible()
        assert no_horizontal_scroll(page)
        assert unnamed_controls(page) == []
        assert names_without_their_visible_text(page) == []
        if size == "phone":
            # The summary comes first on a phone: the total is on the first screen.
            box = page.locator("#portfolio-total").bounding_box()
            assert box is not None and box["y"] + box["height"] <= WIDTHS[size]["height"], box
        screenshot(page, f"screen-portfolio-{name}")
        assert violations == []
    finally:
        context.close()
