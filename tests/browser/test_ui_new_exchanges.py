"""OKX, Bybit and Bitvavo connected from the UI against the sandbox (issue 17): the region list where keys belong
to one regional host, a wrong region explained, wallets on the card, and Bitvavo's unverifiable key rights."""
import re

import pytest
from playwright.sync_api import expect

from .test_ui_connections import open_connect_dialog
from .ui_support import card, login, screenshot

NAMES = {"okx": "OKX", "bybit": "Bybit", "bitvavo": "Bitvavo"}


def demo_account(sandbox, exchange):
    """The first demo account of `exchange` whose key reads without a fault."""
    return next(a for a in sandbox.accounts if a["exchange"] == exchange and not a.get("faults"))


def fill(dialog, account, region=None):
    dialog.get_by_label("Exchange").select_option(label=NAMES[account["exchange"]])
    if region is not None:
        dialog.get_by_label(re.compile("^Region")).select_option(value=region)
    dialog.get_by_label(re.compile("API key", re.I)).fill(account["apiKey"])
    dialog.get_by_role("textbox", name=re.compile("secret", re.I)).fill(account["apiSecret"])
    if account.get("passphrase"):
        dialog.locator("#connect-passphrase").fill(account["passphrase"])


@pytest.mark.parametrize("exchange", ["okx", "bybit", "bitvavo"])
def test_connect_each_new_exchange_from_the_ui(page, user, sandbox, exchange):
    account = demo_account(sandbox, exchange)
    login(page, user)
    dialog = open_connect_dialog(page)
    dialog.get_by_label("Exchange").select_option(label=NAMES[exchange])
    region_select = dialog.get_by_label(re.compile("^Region"))
    if exchange == "bitvavo":
        expect(region_select).to_be_hidden()
        expect(dialog.locator("#connect-passphrase")).to_be_hidden()
        expect(dialog.locator("#connect-help")).to_contain_text("cannot check that this key is read-only")
    else:
        expect(region_select).to_be_visible()
        # The default host comes first and is preselected.
        expect(region_select).to_have_value("global")
        passphrase = expect(dialog.locator("#connect-passphrase"))
        if exchange == "okx":
            passphrase.to_be_visible()
        else:
            passphrase.to_be_hidden()
    region = account.get("region") or ("global" if exchange != "bitvavo" else None)
    fill(dialog, account, region)
    dialog.get_by_role("button", name="Test connection").click()
    result = dialog.locator("#connect-result")
    expect(result).to_contain_text("Connection works")
    if exchange == "bitvavo":
        expect(result).to_contain_text("Bitvavo cannot tell whether this key may trade or withdraw")
    dialog.get_by_role("button", name="Connect", exact=True).click()
    expect(dialog).to_be_hidden()
    entry = page.locator("li.card").first
    expect(entry).to_contain_text(NAMES[exchange])
    expect(entry.locator(".status")).to_have_text("Active")
    if region not in (None, "global"):
        expect(entry.locator("dd.region")).to_contain_text(region.upper() if len(region) == 2 else "EEA")
    if exchange == "bitvavo":
        expect(entry.locator("p.warning")).to_contain_text("cannot tell whether this key may trade")
    if exchange == "bybit":
        # The demo account borrowed USDT: not a holding, but the debt stays in sight.
        expect(entry.locator(".read-notes")).to_contain_text("debt")
    entry.locator(".holdings-details summary").click()
    rows = entry.locator("table.holdings tbody tr")
    expect(rows.first).to_be_visible()
    # Every holding says which wallet(s) it sits in.
    for n in range(rows.count()):
        expect(rows.nth(n).locator("td.wallets")).not_to_have_text("")
    screenshot(page, f"20-connected-{exchange}")


@pytest.mark.parametrize("exchange", ["okx", "bybit"])
def test_a_key_on_the_wrong_regional_host_is_explained(page, user, sandbox, exchange):
    account = demo_account(sandbox, exchange)
    home = account.get("region") or "global"
    elsewhere = "nl" if exchange == "bybit" and home == "global" else ("eea" if home == "global" else "global")
    login(page, user)
    dialog = open_connect_dialog(page)
    fill(dialog, account, elsewhere)
    dialog.get_by_role("button", name="Test connection").click()
    result = dialog.locator("#connect-result")
    expect(result).to_have_attribute("role", "alert")
    expect(result).to_contain_text(re.compile("region", re.I))
    # The field to change is marked, with a hint of its own.
    expect(dialog.get_by_label(re.compile("^Region"))).to_have_attribute("aria-invalid", "true")
    expect(dialog.locator("#connect-region-error")).to_contain_text("region your account was opened in")
    screenshot(page, f"21-wrong-region-{exchange}")
