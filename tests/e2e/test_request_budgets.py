"""Exchange request budgets end to end (issue 11): the responder keeps each exchange's request allowance in the
database; a request it cannot afford within a short wait is not sent, and test/connect answer 503
`rate_limited` with Retry-After.

KuCoin's private pool is counted per key, so blocking one fresh key here touches no other test of the shared
stack (Binance's weight is per IP: blocking it would hold up every Binance test for the Retry-After).
"""
import time

from sandbox import admin, clear_faults, credentials, new_account, set_faults

API = "/api/v1/exchanges"


def account_reads():
    """How many signed balance reads the KuCoin sandbox has answered (any key)."""
    return admin("kucoin", "GET", "/__sandbox/stats")["paths"].get("/api/v1/accounts", 0)


def test_a_429_blocks_the_key_and_test_and_connect_answer_503_with_retry_after(logged_in):
    account = new_account("kucoin")
    set_faults("kucoin", account, rateLimited=True, retryAfterSeconds=30)
    # The exchange's own 429 is no verdict on the key: 503 `rate_limited` that says so, with the exchange's Retry-After.
    r = logged_in.post(f"{API}/test", credentials(account))
    assert r.status == 503 and r.json()["error"]["code"] == "rate_limited", r
    assert "your key was not checked" in r.json()["error"]["message"] and r.header("retry-after") == "30", r
    clear_faults("kucoin", account)

    # For the next 30 s Holdfast sends nothing for this key: the answer is its own 503, at once.
    before = account_reads()
    for path in ("test", "connect"):
        started = time.monotonic()
        r = logged_in.post(f"{API}/{path}", credentials(account))
        assert r.status == 503 and r.json()["error"]["code"] == "rate_limited", (path, r)
        assert 1 <= int(r.header("retry-after")) <= 30, (path, r.headers)
        assert time.monotonic() - started < 4, path  # no point waiting 5 s for a block of ~30 s
    assert account_reads() == before

    # Another key of the same exchange is not held up.
    other = new_account("kucoin")
    r = logged_in.post(f"{API}/test", credentials(other))
    assert r.status == 200 and r.json()["success"] is True, r
