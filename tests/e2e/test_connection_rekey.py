"""Issue 14, server part: a connection's API key replaced in place (PATCH /exchanges/connections/{id} with apiKey,
apiSecret, passphrase, region). The new key is tested before anything is stored; the connection keeps its id,
holdings and history. And test, connect and rekey say so when the exchange cannot be reached: the key was not
checked, which is never a refusal. Real binaries, real HTTP to the sandbox exchanges."""
from datetime import datetime, timezone

import database
from conftest import STATE
from sandbox import admin, clear_faults, credentials, new_account, set_faults
from test_connections import API, connect, holdings
from test_sync_timer import run_sync

NOT_CHECKED = "your key was not checked"


def new_key(account, **override):
    """The PATCH fields of `account`'s key: connect's body without the exchange."""
    body = {k: v for k, v in credentials(account).items() if k != "exchange"}
    body.update(override)
    return body


def patch(client, cid, body):
    return client.request("PATCH", f"{API}/connections/{cid}", json_body=body)


def listed(client, cid):
    r = client.fresh().get(f"{API}/connections")
    assert r.status == 200, r
    return {c["id"]: c for c in r.json()["connections"]}[cid]


def syncs(client, cid):
    r = client.fresh().get(f"{API}/connections/{cid}/syncs")
    assert r.status == 200, r
    return r.json()["syncs"]


def key_requests(exchange, account):
    """How many signed requests the sandbox has answered for `account`'s key."""
    return admin(exchange, "GET", "/__sandbox/stats")["keys"].get(account["apiKey"], 0)


def stored_key(cid):
    return database.row("SELECT api_key_encrypted, api_secret_encrypted, passphrase_encrypted, api_key_hint, updated_at "
                        "FROM exchange_connections WHERE id = ?", (cid,))


def due_now(cid):
    r = run_sync("--dry-run")
    assert r.returncode == 0, r.stderr
    return cid in r.stdout


def assert_no_secrets(response, *accounts):
    for account in accounts:
        for secret in (account["apiKey"], account["apiSecret"], account.get("passphrase")):
            if secret:
                assert secret.encode() not in response.body, response


def test_a_new_key_replaces_the_old_one_in_place(logged_in):
    old = new_account("binance", balances=[{"asset": "BTC", "free": "1.5", "locked": "0"}])
    new = new_account("binance", balances=[{"asset": "ETH", "free": "4", "locked": "0.5"}])
    created = connect(logged_in, old, label="Main")
    assert created.status == 201, created
    cid = created.json()["connection"]["id"]
    assert logged_in.post(f"{API}/connections/{cid}/sync").status == 200
    before_holdings, before_syncs = holdings(logged_in, cid), syncs(logged_in, cid)
    assert before_holdings == {"BTC": "1.5"} and len(before_syncs) == 2, (before_holdings, before_syncs)

    r = patch(logged_in, cid, new_key(new, label="Main, new key"))
    assert r.status == 200, r
    assert_no_secrets(r, old, new)
    connection = r.json()["connection"]
    assert connection["id"] == cid and connection["label"] == "Main, new key"
    assert connection["apiKeyHint"] == new["apiKey"][-4:] and new["apiKey"].endswith(connection["apiKeyHint"])
    assert connection["status"] == "active" and connection["needsAttention"] is False
    assert connection["permissions"]["canRead"] is True
    # Kept: the same holdings and history, until the next sync reads the new account.
    assert holdings(logged_in, cid) == before_holdings
    assert syncs(logged_in, cid) == before_syncs
    assert due_now(cid)

    old_requests, new_requests = key_requests("binance", old), key_requests("binance", new)
    r = logged_in.post(f"{API}/connections/{cid}/sync")
    assert r.status == 200, r
    assert holdings(logged_in, cid) == {"ETH": "4.5"}
    assert len(syncs(logged_in, cid)) == 3
    assert key_requests("binance", old) == old_requests, "the old key was used after it was replaced"
    assert key_requests("binance", new) > new_requests

    # The responder logs the replacement with the key's hint only: never the key, the secret or its signature input.
    log = (STATE / "logs" / "fcgi.log").read_text()
    lines = [line for line in log.splitlines() if "connection key replaced" in line and cid in line]
    assert len(lines) == 1 and "binance" in lines[0] and new["apiKey"][-4:] in lines[0], lines
    for secret in (old["apiKey"], old["apiSecret"], new["apiKey"], new["apiSecret"]):
        assert secret not in log


def test_a_refused_key_changes_nothing(logged_in):
    old = new_account("kucoin")
    new = new_account("kucoin")
    cid = connect(logged_in, old).json()["connection"]["id"]
    stored = stored_key(cid)
    # What connect answers for the same refused key, PATCH answers too.
    for wrong in ({"apiSecret": "wrong"}, {"passphrase": "not the passphrase"}, {"apiKey": "0" * 24}):
        expected = logged_in.post(f"{API}/connect", credentials(new, **wrong))
        assert expected.status in (400, 422), expected
        r = patch(logged_in, cid, new_key(new, label="Renamed", **wrong))
        assert (r.status, r.error_code) == (expected.status, expected.error_code), (wrong, r, expected)
        assert_no_secrets(r, old, new)
        assert stored_key(cid) == stored
    # The old key still works, and is the one used.
    before = key_requests("kucoin", old)
    r = logged_in.post(f"{API}/connections/{cid}/sync")
    assert r.status == 200 and r.json()["connection"].get("label") is None, r
    assert key_requests("kucoin", old) > before


def test_an_unreachable_exchange_checks_nothing_and_says_so(logged_in):
    old = new_account("kucoin")
    new = new_account("kucoin")
    cid = connect(logged_in, old).json()["connection"]["id"]
    stored, before = stored_key(cid), listed(logged_in, cid)
    set_faults("kucoin", new, outage="unavailable")
    try:
        r = patch(logged_in, cid, new_key(new, label="Renamed"))
        assert r.status == 503 and r.error_code == "exchange_unavailable", r
        message = r.json()["error"]["message"]
        assert message.startswith("Couldn't reach KuCoin; " + NOT_CHECKED), message
        assert "will try again" not in message  # nothing was saved, so nothing will be retried
        assert_no_secrets(r, old, new)
        assert stored_key(cid) == stored
        assert listed(logged_in, cid) == before
        # Test and connect say the same: no verdict on the key, never a refusal.
        r = logged_in.post(f"{API}/test", credentials(new))
        assert r.status == 503 and r.error_code == "exchange_unavailable" and NOT_CHECKED in r.json()["error"]["message"], r
        r = logged_in.post(f"{API}/connect", credentials(new))
        assert r.status == 503 and r.error_code == "exchange_unavailable" and NOT_CHECKED in r.json()["error"]["message"], r
    finally:
        clear_faults("kucoin", new)
    assert [c["id"] for c in logged_in.get(f"{API}/connections").json()["connections"]] == [cid]


def test_a_new_key_fixes_a_connection_that_needs_attention(logged_in):
    old = new_account("kucoin")
    new = new_account("kucoin")
    cid = connect(logged_in, old).json()["connection"]["id"]
    set_faults("kucoin", old, ipRestricted=True)
    r = logged_in.post(f"{API}/connections/{cid}/sync")
    assert r.status == 422 and r.error_code == "ip_not_allowed", r
    broken = listed(logged_in, cid)
    assert broken["needsAttention"] is True and broken["status"] == "error" and broken.get("nextSyncAt") is None, broken
    assert not due_now(cid)

    r = patch(logged_in, cid, new_key(new))
    assert r.status == 200, r
    fixed = r.json()["connection"]
    assert fixed["needsAttention"] is False and fixed["status"] == "active" and fixed.get("lastError") is None, fixed
    assert datetime.fromisoformat(fixed["nextSyncAt"]) <= datetime.now(timezone.utc), fixed
    row = database.row("SELECT consecutive_failures, last_error_code FROM exchange_connections WHERE id = ?", (cid,))
    assert row == {"consecutive_failures": 0, "last_error_code": None}, row
    assert due_now(cid)
    # The timer's next run syncs it with the new key.
    r = run_sync("--connection", cid)
    assert r.returncode == 0 and "outcome=success" in r.stderr, r.stderr


def test_a_paused_connection_stays_paused_with_a_new_key(logged_in):
    old, new = new_account("binance"), new_account("binance")
    cid = connect(logged_in, old).json()["connection"]["id"]
    assert patch(logged_in, cid, {"status": "disabled"}).status == 200
    r = patch(logged_in, cid, new_key(new))
    assert r.status == 200 and r.json()["connection"]["status"] == "disabled", r
    assert not due_now(cid)


def test_a_key_of_another_connection_is_a_conflict(logged_in):
    first, second = new_account("binance"), new_account("binance")
    first_id = connect(logged_in, first).json()["connection"]["id"]
    assert connect(logged_in, second).status == 201
    stored = stored_key(first_id)
    r = patch(logged_in, first_id, new_key(second))
    assert r.status == 409 and r.error_code == "conflict", r
    assert stored_key(first_id) == stored
    # Its own key again (say, pasted anew) is no conflict.
    r = patch(logged_in, first_id, new_key(first))
    assert r.status == 200, r


def test_half_a_key_names_the_missing_field(logged_in):
    account = new_account("kucoin")
    cid = connect(logged_in, account).json()["connection"]["id"]
    stored = stored_key(cid)
    cases = [
        ({"apiKey": account["apiKey"]}, {"apiSecret", "passphrase"}),
        ({"apiKey": account["apiKey"], "passphrase": account["passphrase"]}, {"apiSecret"}),
        ({"apiSecret": account["apiSecret"], "passphrase": account["passphrase"]}, {"apiKey"}),
        ({"passphrase": account["passphrase"]}, {"apiKey", "apiSecret"}),
        ({**new_key(account), "exchange": "kraken"}, {"exchange"}),
        ({**new_key(account), "region": "mars"}, {"region"}),
    ]
    for body, fields in cases:
        r = patch(logged_in, cid, body)
        assert r.status == 422 and r.error_code == "validation_failed", (body, r)
        assert set(r.json()["error"]["fields"]) == fields, (body, r)
        assert_no_secrets(r, account)
    assert stored_key(cid) == stored
    # The connection's own exchange may be named.
    assert patch(logged_in, cid, {**new_key(account), "exchange": "kucoin"}).status == 200
