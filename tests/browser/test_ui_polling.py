"""How often the UI asks the API (issue 14, item 2): three tabs from one address once tripped nginx's per-address limit
within 10 minutes, because each polled every 30 s on its own. Now a tab asks only when an answer can have changed
(web/js/poller.js): every 2 s while a sync runs, every 5 minutes when idle and visible, never while hidden, and it
waits out a 429's Retry-After. Time is Playwright's fake clock, so an hour takes seconds; requests are counted as the
browser sends them."""
import re
import time

from playwright.sync_api import expect

from .ui_support import BASE_URL, connect_via_api, login

BINANCE = "binance"
API = re.compile(r"/api/v1/")
# What a tab may send per idle hour: a refresh every 5 minutes (12), each GET /exchanges/connections, GET /portfolio
# and at most GET /portfolios; the old UI sent 2 a minute (120 an hour) per tab.
MAX_IDLE_REQUESTS_PER_TAB_HOUR = 12 * 3
# Requests that reach an exchange: limited to 5 a minute per client by nginx, and never sent by an idle tab.
EXCHANGE_TOUCHING = re.compile(r"/exchanges/(test|connect|sync-all)$|/connections/[^/]+/sync$")


class ApiLog:
    """Every API request a browser context sends, with the answers' statuses."""

    def __init__(self, context):
        self.requests = []
        self.statuses = []
        self.pending = 0
        context.on("request", self._sent)
        context.on("requestfinished", self._done)
        context.on("requestfailed", self._done)
        context.on("response", lambda response: API.search(response.url) and self.statuses.append(response.status))

    def _sent(self, request):
        if API.search(request.url):
            self.requests.append((request.frame.page, request.method, request.url))
            self.pending += 1

    def _done(self, request):
        if API.search(request.url):
            self.pending -= 1

    def settle(self, page, timeout_s=10):
        """Waits until the page's refresh is over (poller.js marks the root element with data-refreshing while one
        runs) and no API request is in flight: the fake clock only fires timers; the fetches are real."""
        deadline = time.monotonic() + timeout_s
        while self.pending > 0 or page.evaluate("document.documentElement.hasAttribute('data-refreshing')"):
            assert time.monotonic() < deadline, f"{self.pending} API requests still in flight"
            page.wait_for_timeout(10)

    def count(self, page=None):
        return sum(1 for sent_by, _, _ in self.requests if page is None or sent_by == page)


def advance(clock, pages, log, minutes, step_s=30):
    """Runs the fake clock forward `minutes`, in steps, letting each step's refreshes finish in every page."""
    for _ in range(int(minutes * 60 / step_s)):
        clock.run_for(step_s * 1000)
        for page in pages if isinstance(pages, list) else [pages]:
            log.settle(page)


def test_three_idle_tabs_stay_within_the_limits_for_an_hour(browser, user, sandbox):
    context = browser.new_context(base_url=BASE_URL,
                                  viewport={"width": 1280, "height": 900})
    try:
        context.clock.install()
        first = context.new_page()
        login(first, user)
        connect_via_api(first, sandbox.account(BINANCE, "Binance read-only"))
        tabs = [first]
        for _ in range(2):
            tab = context.new_page()
            tab.goto("/#/portfolio")
            expect(tab.get_by_role("heading", name="Portfolio", level=1)).to_be_visible()
            tabs.append(tab)
        log = ApiLog(context)
        for tab in tabs:
            log.settle(tab)
        before = {tab: log.count(tab) for tab in tabs}

        advance(context.clock, tabs, log, minutes=60)

        sent = {tab: log.count(tab) - before[tab] for tab in tabs}
        assert all(0 < n <= MAX_IDLE_REQUESTS_PER_TAB_HOUR for n in sent.values()), sent
        touching = [url for _, method, url in log.requests if method != "GET" or EXCHANGE_TOUCHING.search(url)]
        assert touching == []
        assert 429 not in log.statuses
    finally:
        context.close()


def test_a_hidden_tab_sends_nothing_and_refreshes_when_it_returns(page, user, sandbox):
    page.clock.install()
    login(page, user)
    connect_via_api(page, sandbox.account(BINANCE, "Binance read-only"))
    log = ApiLog(page.context)
    log.settle(page)
    # The page is hidden the way a browser hides a background tab: document.hidden and a visibilitychange event.
    set_hidden(page, True)
    advance(page.clock, page, log, minutes=30)
    assert log.count() == 0
    set_hidden(page, False)
    log.settle(page)
    expect(page.locator("#refresh-status")).to_contain_text("Updated")
    assert any(url.endswith("/exchanges/connections") for _, _, url in log.requests)


def test_a_429_is_waited_out_for_its_retry_after(page, user, sandbox):
    page.clock.install()
    login(page, user)
    connect_via_api(page, sandbox.account(BINANCE, "Binance read-only"))
    log = ApiLog(page.context)
    log.settle(page)
    refused = []

    def too_many(route):
        refused.append(route.request.url)
        route.fulfill(status=429, headers={"Retry-After": "1200", "Content-Type": "application/json"},
                      body='{"error":{"code":"rate_limited","message":"Too many requests; try again in 1200 s."}}')

    page.route("**/api/v1/exchanges/connections", too_many)
    advance(page.clock, page, log, minutes=5.5)
    assert len(refused) == 1
    expect(page.locator("#refresh-status")).to_contain_text("Too many requests")
    # Retry-After says 20 minutes: nothing is sent before they are over (the idle poll alone would ask at 10 min).
    advance(page.clock, page, log, minutes=19)
    assert len(refused) == 1
    page.unroute("**/api/v1/exchanges/connections")
    advance(page.clock, page, log, minutes=1.5)
    expect(page.locator("#refresh-status")).to_contain_text("Updated")


def test_a_running_sync_is_followed_every_few_seconds(page, user, sandbox):
    page.clock.install()
    login(page, user)
    connection = connect_via_api(page, sandbox.account(BINANCE, "Binance read-only"))
    log = ApiLog(page.context)
    log.settle(page)

    # The list says a sync is running (as when the timer's sync is caught mid-way): the page follows it closely.
    def syncing(route):
        answer = route.fetch()
        body = answer.json()
        for entry in body["connections"]:
            entry["syncing"] = entry["id"] == connection["id"]
        route.fulfill(response=answer, json=body)

    page.route("**/api/v1/exchanges/connections", syncing)
    advance(page.clock, page, log, minutes=5.5, step_s=2)
    following = log.count()
    page.unroute("**/api/v1/exchanges/connections")
    # 5 minutes to the first idle poll, then one every 2 s for the remaining half minute (each 2 or 3 requests).
    assert following >= 2 * 14, following
    # Once the sync is over, the page goes back to the idle pace.
    advance(page.clock, page, log, minutes=0.2, step_s=2)
    settled = log.count()
    advance(page.clock, page, log, minutes=4)
    assert log.count() == settled


def set_hidden(page, hidden):
    page.evaluate("""(hidden) => {
        Object.defineProperty(document, 'hidden', {configurable: true, get: () => hidden});
        Object.defineProperty(document, 'visibilityState', {configurable: true, get: () => hidden ? 'hidden' : 'visible'});
        document.dispatchEvent(new Event('visibilitychange'));
    }""", hidden)
