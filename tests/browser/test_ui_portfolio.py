"""The Portfolio page (issue 14, "What a person sees first") against the real stack: the total and its completeness,
unpriced and dust holdings, the value chart with gaps and partial points from seeded history, range buttons and the
chart's tooltip by keyboard, the currency switch, downloads, loading and empty states, at 390 and 1440 widths in
light and dark. Prices come from one timer run (holdfast-sync reads the sandbox exchanges' market data); history
points are seeded into the suite's SQLite database for the test's own user."""
import os
import re
import sqlite3
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from .ui_support import PASSWORD, cli, cli_env, connect_via_api, login, new_page, run_timer, screenshot

KRAKEN_STAKING = "Kraken staking key (lock-up ids, fee credits, xStocks)"
BINANCE = "Binance read-only"


@pytest.fixture(scope="module", autouse=True)
def kraken_markets(browser, sandbox):
    """A user of its own with a Kraken connection, so that every timer run reads Kraken's market data too:
    Binance lists no market in USD, so without Kraken's the tests' values would depend on whether an earlier test
    happened to connect Kraken. The tests' own users' holdings are untouched."""
    email = f"markets-{os.getpid()}@example.com"
    cli("user", "add", email, stdin=PASSWORD + "\n")
    context, page = new_page(browser, {"width": 1280, "height": 900})
    try:
        login(page, (email, PASSWORD))
        connect_via_api(page, sandbox.account("kraken", "Kraken query-funds key"))
    finally:
        context.close()


def grouped(value):
    """The page's way of writing a decimal string: the whole part grouped in thousands, the digits kept."""
    whole, _, fraction = value.partition(".")
    sign = "-" if whole.startswith("-") else ""
    whole = f"{int(whole.lstrip('-')):,}"
    return f"{sign}{whole}.{fraction}" if fraction else f"{sign}{whole}"


def api_get(page, path):
    """GET /api/v1`path` with the page's session, as JSON."""
    return page.evaluate("async (path) => (await fetch('/api/v1' + path, {credentials: 'same-origin'})).json()", path)


def show_portfolio(page):
    """Opens the portfolio page afresh (a reload: the poller's idle refresh is 5 minutes away)."""
    page.goto("/#/portfolio")
    page.reload()
    expect(page.get_by_role("heading", name="Portfolio", level=1)).to_be_visible()
    expect(page.locator("#portfolio-content")).to_be_visible()


def open_portfolio(page, user, *accounts, seed=False):
    """Signs in, connects `accounts` (on the connections page, where connect_via_api finds their cards), seeds
    history when asked, runs the timer once (prices and a value point) and shows the portfolio."""
    login(page, user)
    for account in accounts:
        connect_via_api(page, account)
    if seed:
        seed_history(user[0], **(seed if isinstance(seed, dict) else {}))
    run_timer()
    show_portfolio(page)


def user_id(email):
    with sqlite3.connect(cli_env()["HOLDFAST_DATABASE"], timeout=10) as db:
        return db.execute("SELECT id FROM users WHERE email = ?", (email,)).fetchone()[0]


def stamp(at):
    return at.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def seed_history(email, hours=8 * 24, hole=range(30, 36), partial_every=17, currency="USD"):
    """Hourly value points for the last `hours` hours (at :30 past), none in the `hole` hours (a gap), every
    `partial_every`-th one partial. Returns {time: (value, complete)} of the seeded points."""
    uid = user_id(email)
    base = datetime.now(timezone.utc).replace(minute=30, second=0, microsecond=0)
    if base > datetime.now(timezone.utc):
        base -= timedelta(hours=1)
    rows, seeded = [], {}
    for h in range(1, hours + 1):
        if h in hole:
            continue
        at = base - timedelta(hours=h)
        value = f"{50000 + (h % 24) * 250 + h}.{h % 100:02d}"
        complete = 0 if h % partial_every == 0 else 1
        rows.append((uid, stamp(at), currency, value, complete, "1h", "{}"))
        seeded[stamp(at)] = (value, bool(complete))
    with sqlite3.connect(cli_env()["HOLDFAST_DATABASE"], timeout=10) as db:
        db.executemany("INSERT INTO value_points (user_id, at, currency, total, complete, resolution, detail) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    return seeded


def expected_order(assets):
    """Priced and stale assets by exact value, highest first; unpriced ones after them, by name."""
    priced = sorted((a for a in assets if a["status"] != "unpriced"),
                    key=lambda a: (-Decimal(a["valueExact"]), a["asset"]))
    unpriced = sorted((a for a in assets if a["status"] == "unpriced"), key=lambda a: a["asset"])
    return [a["asset"] for a in priced + unpriced]


def test_total_matches_the_api_and_unpriced_holdings_are_marked(page, user, sandbox):
    open_portfolio(page, user, sandbox.account("kraken", KRAKEN_STAKING), sandbox.account("binance", BINANCE))
    body = api_get(page, "/portfolio")
    assert body["total"] is not None and body["unpricedCount"] > 0, body
    expect(page.locator("#portfolio-total")).to_have_text(grouped(body["total"]))
    expect(page.locator("#portfolio-currency")).to_have_text("USD")
    expect(page.locator("#portfolio-completeness")).to_contain_text("2 of 2 connections current")
    expect(page.locator("#portfolio-completeness")).to_contain_text(f"{body['unpricedCount']} assets without a price")
    expect(page.locator("#portfolio-as-of")).to_contain_text("as of")

    # Kraken's staking account holds assets no market prices: "—" and "no price", never 0.
    for name in ("AAPLX.T", "API3"):
        row = page.locator(f"#totals-body tr[data-asset='{name}']")
        expect(row.locator("td.value")).to_contain_text("—")
        expect(row.locator("td.value .marker")).to_have_text("no price")
        expect(row.locator("td.share")).to_have_text("—")
        assert "0.00" not in row.locator("td.value").inner_text()

    # Sorted by value, unpriced at the end.
    order = page.locator("#totals-body tr[data-asset]").evaluate_all("rows => rows.map(r => r.dataset.asset)")
    assert order == expected_order(body["assets"]), order
    btc = next(a for a in body["assets"] if a["asset"] == "BTC")
    expect(page.locator("#totals-body tr[data-asset='BTC'] td.value")).to_have_text(grouped(btc["value"]))

    # Allocation: a bar per exchange with its share, the unpriced noted.
    expect(page.locator("#allocation-exchanges li")).to_have_count(2)
    expect(page.locator("#allocation-assets li").first).to_contain_text(f"{body['assets'][0]['share']} %")
    expect(page.locator("#allocation-note")).to_contain_text("without a price")
    screenshot(page, "portfolio-1280-light")


def test_small_balances_hide_behind_a_toggle(page, user, sandbox):
    account = sandbox.account("binance", BINANCE)
    with sandbox.changed(account):
        sandbox.update(account, balances=[{"asset": "BTC", "free": "0.5", "locked": "0"},
                                          {"asset": "LDO", "free": "0.5", "locked": "0"},
                                          {"asset": "SOL", "free": "0.001", "locked": "0"}])
        open_portfolio(page, user, account)
    body = api_get(page, "/portfolio")
    dust = {a["asset"] for a in body["assets"]
            if a["status"] != "unpriced" and Decimal(a["valueExact"]) < 1}
    assert {"LDO", "SOL"} <= dust, body["assets"]
    toggle = page.get_by_role("button", name=f"Show {len(dust)} small balances")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(page.locator("#dust-help")).to_contain_text("less than 1.00")
    for name in dust:
        expect(page.locator(f"#totals-body tr[data-asset='{name}']")).to_be_hidden()
    expect(page.locator("#totals-body tr[data-asset='BTC']")).to_be_visible()
    toggle.click()
    for name in dust:
        expect(page.locator(f"#totals-body tr[data-asset='{name}']")).to_be_visible()
    hide = page.get_by_role("button", name=f"Hide {len(dust)} small balances")
    expect(hide).to_have_attribute("aria-expanded", "true")
    hide.click()
    for name in dust:
        expect(page.locator(f"#totals-body tr[data-asset='{name}']")).to_be_hidden()


def test_stale_values_show_their_time(page, user, sandbox):
    open_portfolio(page, user, sandbox.account("binance", BINANCE))
    # Every quote half an hour old: past the 15-minute limit, so each value is stale (the next timer run reads
    # them again).
    old = stamp(datetime.now(timezone.utc) - timedelta(minutes=30))
    with sqlite3.connect(cli_env()["HOLDFAST_DATABASE"], timeout=10) as db:
        db.execute("UPDATE market_quotes SET as_of = ?", (old,))
        # The responder keeps its price book while the market reads are unchanged: say they last succeeded then.
        db.execute("UPDATE market_fetches SET attempted_at = ?, succeeded_at = ?", (old, old))
    show_portfolio(page)
    body = api_get(page, "/portfolio")
    stale = [a["asset"] for a in body["assets"] if a["status"] == "stale"]
    assert stale and body["staleCount"] == len(stale), body
    row = page.locator(f"#totals-body tr[data-asset='{stale[0]}']")
    expect(row.locator("td.value")).to_contain_text(grouped(next(a["value"] for a in body["assets"]
                                                                 if a["asset"] == stale[0])))
    expect(row.locator("td.value .marker-stale")).to_contain_text("stale, as of")
    expect(page.locator("#portfolio-completeness")).to_contain_text(f"{len(stale)} assets priced with an old quote")


def breaks(points, bucket_seconds):
    """How many times the line breaks: a point without a value, or more than two buckets after the previous."""
    count, previous, drawing = 0, None, False
    for point in points:
        at = datetime.fromisoformat(point["time"].replace("Z", "+00:00"))
        far = previous is not None and (at - previous).total_seconds() > 2 * bucket_seconds
        if point["value"] is None or far:
            if drawing:
                count += 1
            drawing = False
        if point["value"] is not None:
            drawing = True
        previous = at
    return count


def test_the_chart_draws_the_history_with_gaps_and_partial_points(page, user, sandbox):
    open_portfolio(page, user, sandbox.account("binance", BINANCE), seed=True)
    expect(page.locator("#chart svg path.chart-line").first).to_be_visible()

    with page.expect_request(lambda r: "/portfolio/history" in r.url) as info:
        page.get_by_role("button", name="7 d", exact=True).click()
    expect(page.get_by_role("button", name="7 d", exact=True)).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_role("button", name="30 d", exact=True)).to_have_attribute("aria-pressed", "false")
    assert "resolution=1h" in info.value.url, info.value.url
    answer = api_get(page, info.value.url.split("/api/v1", 1)[1])
    points = answer["points"]
    assert len(points) > 100, len(points)
    expect(page.locator("#history-status")).to_contain_text(f"{len(points)} points over the last 7 days")
    # The table alternative has a row per point the API answered, partial ones said so.
    page.get_by_text("Show as table").click()
    expect(page.locator("#history-body tr")).to_have_count(len(points))
    partial = [p for p in points if not p["complete"] and p["value"] is not None]
    assert partial, points
    expect(page.locator("#history-body tr[data-complete='false']")).to_have_count(len([p for p in points if not p["complete"]]))
    # Partial points are hollow markers; the seeded hole is a break bridged by a dashed line.
    expect(page.locator("#chart circle.chart-partial")).to_have_count(len(partial))
    expected_breaks = breaks(points, 3600)
    assert expected_breaks >= 1
    expect(page.locator("#chart line.chart-gap")).to_have_count(expected_breaks)
    expect(page.locator("#chart-help")).to_contain_text("partial")

    # The change over 24 h is exact, from the last point at or before 24 h ago; 30 d has no point: "—".
    body = api_get(page, "/portfolio")
    now = datetime.now(timezone.utc)
    old = [p for p in points if datetime.fromisoformat(p["time"].replace("Z", "+00:00")) <= now - timedelta(hours=24)]
    reference = old[-1]
    change = (Decimal(body["totalExact"]) - Decimal(reference["valueExact"])).quantize(Decimal("0.01"))
    sign = "+" if change > 0 else ""
    expect(page.locator(".change[data-period='24h'] .change-amount")).to_have_text(f"{sign}{grouped(str(change))} USD")
    expect(page.locator(".change[data-period='24h'] .change-percent")).to_have_text(re.compile(r"^[+-]?\d+\.\d\d %$"))
    expect(page.locator(".change[data-period='30d'] .change-amount")).to_have_text("—")
    screenshot(page, "portfolio-chart-7d")


def test_range_buttons_and_the_chart_tooltip_by_keyboard(page, user, sandbox):
    open_portfolio(page, user, sandbox.account("binance", BINANCE), seed={"hours": 3 * 24, "hole": range(0)})
    expect(page.locator("#chart svg")).to_be_visible()

    # From the currency selector, Tab reaches the range buttons: Enter picks 24 h, Space picks 7 d.
    page.locator("#portfolio-currency-select").focus()
    page.keyboard.press("Tab")
    day = page.get_by_role("button", name="24 h", exact=True)
    expect(day).to_be_focused()
    with page.expect_request(lambda r: "/portfolio/history" in r.url and "resolution=5m" in r.url):
        page.keyboard.press("Enter")
    expect(day).to_have_attribute("aria-pressed", "true")
    page.keyboard.press("Tab")
    week = page.get_by_role("button", name="7 d", exact=True)
    expect(week).to_be_focused()
    with page.expect_request(lambda r: "/portfolio/history" in r.url and "resolution=1h" in r.url) as info:
        page.keyboard.press(" ")
    expect(week).to_have_attribute("aria-pressed", "true")
    expect(day).to_have_attribute("aria-pressed", "false")
    frm = re.search(r"from=([^&]+)", info.value.url).group(1).replace("%3A", ":")
    start = datetime.fromisoformat(frm.replace("Z", "+00:00"))
    assert abs((datetime.now(timezone.utc) - start) - timedelta(days=7)) < timedelta(minutes=5), frm
    with page.expect_request(lambda r: "resolution=1d" in r.url and "from=2009-01-03" in r.url):
        page.get_by_role("button", name="All", exact=True).press("Enter")
    week.press("Enter")
    expect(page.locator("#history-status")).to_contain_text("over the last 7 days")
    points = api_get(page, "/portfolio/history?from=" + frm + "&resolution=1h")["points"]

    # Tab on to the chart: focus shows the last point; the arrow keys walk the points, Home goes to the first.
    for _ in range(4):
        page.keyboard.press("Tab")
    chart = page.locator("#chart")
    expect(chart).to_be_focused()
    tooltip = page.locator("#chart-tooltip")
    expect(tooltip).to_be_visible()
    expect(tooltip).to_have_attribute("data-index", str(len(points) - 1))
    page.keyboard.press("ArrowLeft")
    expect(tooltip).to_have_attribute("data-index", str(len(points) - 2))
    second_last = points[-2]
    expect(tooltip).to_contain_text(f"{grouped(second_last['value'])} USD")
    expect(page.locator("#chart-readout")).to_contain_text(f"Point {len(points) - 1} of {len(points)}")
    page.keyboard.press("Home")
    expect(tooltip).to_have_attribute("data-index", "0")
    expect(tooltip).to_contain_text(grouped(points[0]["value"]))
    partial_index = next(i for i, p in enumerate(points) if not p["complete"])
    for _ in range(partial_index):
        page.keyboard.press("ArrowRight")
    expect(tooltip).to_contain_text("(partial)")
    # Hovering shows a point's tooltip too.
    box = page.locator("#chart svg").bounding_box()
    page.mouse.move(box["x"] + box["width"] - 12, box["y"] + box["height"] / 2)
    expect(tooltip).to_have_attribute("data-index", str(len(points) - 1))


def test_the_currency_switch_revalues_the_total(page, user, sandbox):
    open_portfolio(page, user, sandbox.account("binance", BINANCE))
    expect(page.locator("#portfolio-currency")).to_have_text("USD")
    with page.expect_request(lambda r: r.method == "PATCH" and r.url.endswith("/api/v1/auth/me")) as info:
        page.get_by_label("Currency").select_option("EUR")
    assert info.value.post_data_json == {"currency": "EUR"}
    expect(page.locator("#portfolio-currency")).to_have_text("EUR")
    expect(page.locator("#currency-status")).to_have_text("Values are now in EUR.")
    body = api_get(page, "/portfolio")
    assert body["currency"] == "EUR"
    expect(page.locator("#portfolio-total")).to_have_text(grouped(body["total"]))
    # JPY has no decimals.
    page.get_by_label("Currency").select_option("JPY")
    expect(page.locator("#portfolio-currency")).to_have_text("JPY")
    expect(page.locator("#portfolio-total")).not_to_contain_text(".")
    # The choice is the account's: a reload keeps it.
    page.reload()
    expect(page.locator("#portfolio-currency")).to_have_text("JPY")
    expect(page.get_by_label("Currency")).to_have_value("JPY")


def test_downloads_and_the_statement_date(page, user, sandbox):
    open_portfolio(page, user, sandbox.account("binance", BINANCE))
    expect(page.get_by_role("link", name="Export CSV")).to_have_attribute("href", "/api/v1/portfolio/export?format=csv")
    expect(page.get_by_role("link", name="Export JSON")).to_have_attribute("href", "/api/v1/portfolio/export?format=json")
    today = datetime.now(timezone.utc).date()
    for name, file in (("Export CSV", f"holdfast-holdings-{today}.csv"), ("Export JSON", f"holdfast-holdings-{today}.json"),
                       ("Statement CSV", f"holdfast-statement-{today}.csv"),
                       ("Statement JSON", f"holdfast-statement-{today}.json")):
        expect(page.get_by_role("link", name=name)).to_have_attribute("download", file)
    date = page.get_by_label("Statement date")
    expect(date).to_have_value(today.isoformat())
    # Today's statement is of now (the trial found today's midnight empty: nothing was recorded before it). "Now" is
    # taken again whenever the date is set or a link is used; set it again, after the timer run that priced things.
    date.fill(today.isoformat())
    href = page.get_by_role("link", name="Statement CSV").get_attribute("href")
    match = re.fullmatch(r"/api/v1/portfolio/statement\?at=(\d{4}-\d{2}-\d{2}T\d{2}%3A\d{2}%3A\d{2}\.\d{3}Z)&format=csv", href)
    assert match, href
    at = datetime.fromisoformat(match.group(1).replace("%3A", ":").replace("Z", "+00:00"))
    assert abs((datetime.now(timezone.utc) - at).total_seconds()) < 300, at
    statement = page.request.get(href.replace("format=csv", "format=json")).json()
    assert statement["total"] is not None and statement["connections"], statement

    date.fill((today + timedelta(days=2)).isoformat())
    expect(page.locator("#statement-error")).to_contain_text("future")
    expect(date).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#statement-json")).to_have_attribute("aria-disabled", "true")
    assert page.locator("#statement-csv").get_attribute("href") is None

    date.fill("")
    expect(page.locator("#statement-error")).to_have_text("Choose a date for the statement.")

    date.fill("2026-01-01")
    expect(page.locator("#statement-error")).to_be_hidden()
    # A past day's statement is of its end: the next day's midnight.
    expect(page.get_by_role("link", name="Statement JSON")).to_have_attribute(
        "href", "/api/v1/portfolio/statement?at=2026-01-02&format=json")
    # The links work with the page's session: the server answers each with the file.
    for href, kind in (("/api/v1/portfolio/export?format=csv", "text/csv"),
                       ("/api/v1/portfolio/statement?at=2026-01-01&format=json", "application/json")):
        response = page.request.get(href)
        assert response.status == 200 and kind in response.headers["content-type"], (href, response.status)


def test_loading_then_the_empty_state_links_to_connections(page, user):
    held = []
    # GET /portfolio waits until the test lets it go (a slow network, issue 14 item 3).
    page.route("**/api/v1/portfolio", lambda route: held.append(route))
    login(page, user, "portfolio")
    # While GET /portfolio has not answered: "Loading…", never the empty state.
    expect(page.locator("#portfolio-loading")).to_be_visible()
    expect(page.locator("#portfolio-empty")).to_be_hidden()
    expect(page.locator("#portfolio-content")).to_be_hidden()
    page.wait_for_function("() => true")  # lets the route handler run (it is dispatched between calls)
    assert held, "GET /portfolio was not asked for"
    for route in held:
        route.continue_()
    page.unroute("**/api/v1/portfolio")
    expect(page.locator("#portfolio-loading")).to_be_hidden()
    empty = page.locator("#portfolio-empty")
    expect(empty).to_be_visible()
    screenshot(page, "portfolio-empty")
    empty.get_by_role("link", name="Connect an exchange").click()
    expect(page.get_by_role("heading", name="Connections", level=1)).to_be_visible()


@pytest.mark.parametrize("width,height,scheme", [(390, 844, "light"), (390, 844, "dark"),
                                                 (1440, 900, "light"), (1440, 900, "dark")])
def test_layout_at_phone_and_desktop_widths_light_and_dark(browser, user, sandbox, width, height, scheme):
    context, page = new_page(browser, {"width": width, "height": height}, color_scheme=scheme)
    try:
        open_portfolio(page, user, sandbox.account("kraken", KRAKEN_STAKING), sandbox.account("binance", BINANCE),
                       seed=True)
        expect(page.locator("#chart svg")).to_be_visible()
        assert page.evaluate("() => matchMedia('(prefers-color-scheme: dark)').matches") == (scheme == "dark")
        # The total and its completeness are on the first screen, and nothing scrolls sideways.
        for selector in ("#portfolio-total", "#portfolio-completeness"):
            box = page.locator(selector).bounding_box()
            assert box["y"] + box["height"] <= height, (selector, box)
        assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
        chart = page.locator("#chart svg").bounding_box()
        assert chart["x"] >= 0 and chart["x"] + chart["width"] <= width, chart
        background = page.evaluate("() => getComputedStyle(document.querySelector('#portfolio-summary')).backgroundColor")
        assert (background == "rgb(24, 32, 43)") == (scheme == "dark"), background
        if width >= 1440:
            # Two columns: the chart beside the summary.
            summary = page.locator("#portfolio-summary").bounding_box()
            history = page.locator("#history-panel").bounding_box()
            assert history["x"] > summary["x"] + summary["width"] - 1 and abs(history["y"] - summary["y"]) < 2
        page.locator("#chart").focus()
        page.keyboard.press("ArrowLeft")
        expect(page.locator("#chart-tooltip")).to_be_visible()
        screenshot(page, f"portfolio-{width}-{scheme}")
        assert page.csp_violations == [], page.csp_violations
    finally:
        context.close()


def test_completeness_names_a_failed_connection(page, user, sandbox):
    account = sandbox.account("binance", BINANCE)
    login(page, user)
    connection = connect_via_api(page, account)
    with sandbox.changed(account):
        sandbox.update(account, faults={"serverError": 503})
        status = page.evaluate("""async (id) => {
            const me = await (await fetch('/api/v1/auth/me', {credentials: 'same-origin'})).json();
            const response = await fetch('/api/v1/exchanges/connections/' + id + '/sync', {method: 'POST',
                credentials: 'same-origin', headers: {'X-CSRF-Token': me.csrfToken}});
            return response.status;
        }""", connection["id"])
        assert status >= 400, status
    show_portfolio(page)
    completeness = page.locator("#portfolio-completeness")
    expect(completeness).to_contain_text("0 of 1 connection current")
    expect(completeness).to_contain_text(re.compile(r"Binance failed, will retry \(last synced (just now|\d+ minutes? ago)\)"))
    # Only the state and the time: the exchange's error text is the Connections page's to show.
    message = page.evaluate("async () => (await (await fetch('/api/v1/exchanges/connections')).json()).connections[0].lastError.message")
    expect(completeness).not_to_contain_text(message)
    expect(completeness).to_have_attribute("data-complete", "false")


def test_history_reloads_only_when_the_valuation_moved_5_minutes(page, user, sandbox):
    page.clock.install()
    shift = {"minutes": 0}

    def portfolio(route):
        # The answer as the server gave it, its valuedAt moved by `shift` (the server's clock is not the page's).
        response = route.fetch()
        body = response.json()
        at = datetime.fromisoformat(body["valuedAt"].replace("Z", "+00:00")) + timedelta(minutes=shift["minutes"])
        body["valuedAt"] = stamp(at)
        route.fulfill(response=response, json=body)

    page.route("**/api/v1/portfolio", portfolio)
    history = []
    page.on("request", lambda r: "/portfolio/history" in r.url and history.append(r.url))
    login(page, user)
    connect_via_api(page, sandbox.account("binance", BINANCE))
    with page.expect_response(lambda r: "/portfolio/history" in r.url):
        show_portfolio(page)
    expect(page.locator("#history-status")).to_contain_text("Not enough history yet")
    loaded = len(history)

    # The idle poll 5 minutes later values the portfolio seconds after the last: no history request.
    with page.expect_response(lambda r: r.url.endswith("/api/v1/portfolio")):
        page.clock.run_for(5 * 60_000 + 1000)
    # Valued 6 minutes after the last history load: the next poll loads the chart and the changes again.
    shift["minutes"] = 6
    # The reload asks for the range and the changes at once, then for the recent 5-minute points once the range's
    # answer is in: wait for that last answer, since the chart already says "Not enough history yet" meanwhile.
    with page.expect_response(lambda r: "/portfolio/history" in r.url and "resolution=5m" in r.url):
        page.clock.run_for(5 * 60_000 + 1000)
    expect(page.locator("#history-status")).to_contain_text("Not enough history yet")
    # One reload: the chart's range, its recent 5-minute points (the range at 1h has fewer than 2), the changes.
    assert len(history) == loaded + 3, history[loaded:]


def test_decimal_arithmetic_is_exact(page, stack):
    """The page's own sums, differences and percents (web/js/decimal.js) stay exact past Number's 2^53 and round
    half-even, as the API does."""
    page.goto("/")
    results = page.evaluate("""async () => {
        const d = await import('/js/decimal.js');
        const m = await import('/js/money.js');
        return [
            d.subtract('12345678901234567890.12', '0.01'),
            d.sum(['0.1', '0.2']),
            d.round('2.345', 2), d.round('2.355', 2), d.round('-0.004', 2),
            d.percentChange('3', '4'), d.percentChange('0', '4'), d.percentChange('200', '100'),
            d.percentOf('1', '3'),
            d.group('1234567890123456789.5'),
            m.moneyText(null, 'USD'), m.priceText('0.000012345', 'USD'), m.priceText('65432.1234', 'JPY'),
            m.isDust({status: 'priced', valueExact: '0.99'}, 'USD'), m.isDust({status: 'priced', valueExact: '99'}, 'JPY'),
            m.isDust({status: 'unpriced', valueExact: null}, 'USD'), m.isDust({status: 'priced', valueExact: '0.00002'}, 'BTC'),
            m.shareText('0'), m.shareText('0.00'), m.shareText('0.01'), m.shareText('12.5'), m.shareText(null),
        ];
    }""")
    assert results == [
        "12345678901234567890.11", "0.3", "2.34", "2.36", "0.00", "33.33", None, "-50.00", "33.33",
        "1,234,567,890,123,456,789.5", "—", "0.00001234", "65,432", True, True, False, False,
        "< 0.01 %", "< 0.01 %", "0.01 %", "12.5 %", "—",
    ], results


def expected_places(page):
    """{asset: [line, ...]} from the API: per connection holding the asset (in the connections' order), its title,
    amount and, for more than one wallet, the wallets; written as the page writes decimals."""
    connections = api_get(page, "/exchanges/connections")["connections"]
    portfolios = api_get(page, "/portfolios")["portfolios"]
    held = {}
    for portfolio in portfolios:
        if portfolio.get("connectionId"):
            held.setdefault(portfolio["connectionId"], []).extend(portfolio["holdings"])
    places = {}
    for connection in connections:
        name, label = connection["exchangeName"], connection.get("label")
        title = f"{name} ({label})" if label and label != name else name
        for holding in held.get(connection["id"], []):
            line = f"{title} {grouped(str(holding['amount']))}"
            wallets = holding.get("wallets") or []
            if len(wallets) > 1:
                line += " (" + " · ".join(f"{w['wallet']} {grouped(str(w['total']))}" for w in wallets) + ")"
            places.setdefault(holding["asset"], []).append(line)
    return places


def test_each_asset_opens_to_where_it_is_held(page, user, sandbox):
    """The holdings table answers "where is it?": an asset's name is a button (mouse or keyboard) that opens a row
    listing each connection holding it and, when it sits in several wallets there, their parts; a refresh redraws the
    rows and keeps it open; on a phone the row spans the table's width."""
    open_portfolio(page, user, sandbox.account("binance", BINANCE), sandbox.account("kraken", KRAKEN_STAKING))
    places = expected_places(page)
    # The asset held in the most places (connections, then wallets): the case the breakdown is for.
    asset = max(sorted(places), key=lambda a: (len(places[a]), sum(line.count(" · ") for line in places[a])))
    assert len(places[asset]) > 1 or " · " in places[asset][0], places
    toggle = page.locator(f"#totals-body tr[data-asset='{asset}'] th").get_by_role("button", name=asset, exact=True)
    expect(toggle).to_have_attribute("aria-expanded", "false")
    row = page.locator(f"#totals-body tr[data-places-for='{asset}']")
    expect(row).to_be_hidden()
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(row.locator("li")).to_have_text(places[asset])
    expect(page.locator(f"#{toggle.get_attribute('aria-controls')}")).to_have_attribute("data-places-for", asset)

    # A refresh redraws every row: what the person opened stays open.
    page.evaluate("async () => (await import('/js/store.js')).requestRefresh({ holdings: true })")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(row.locator("li")).to_have_text(places[asset])
    screenshot(page, "portfolio-holding-places")

    # By keyboard: Enter folds it again.
    toggle.focus()
    page.keyboard.press("Enter")
    expect(row).to_be_hidden()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    # Every asset the API holds has its places.
    for name, expected in places.items():
        expect(page.locator(f"#totals-body tr[data-places-for='{name}'] li")).to_have_count(len(expected))

    # On a phone the places row spans the table: nothing scrolls sideways, and each place is one or two lines.
    page.set_viewport_size({"width": 390, "height": 844})
    toggle.click()
    expect(row.locator("li")).to_have_text(places[asset])
    width = page.evaluate("() => { const w = document.querySelector('#totals-table').closest('.table-scroll');"
                          " return [w.scrollWidth, w.clientWidth]; }")
    assert width[0] <= width[1], width
    assert no_sideways_scroll(page)
    line_height = float(page.evaluate("() => getComputedStyle(document.querySelector('.places-list li')).lineHeight"
                                      ".replace('px', '')"))
    for height in row.locator("li").evaluate_all("items => items.map((i) => i.getBoundingClientRect().height)"):
        assert height <= 2 * line_height + 1, (height, line_height)
    screenshot(page, "portfolio-holding-places-phone")


def no_sideways_scroll(page):
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
