"""holdfast-sync, the timer binary, against the running test stack: leases, SIGKILL, dry run, metrics."""
import os
import signal
import subprocess
import time

import pytest

from conftest import BIN, STATE, Client
from sandbox import new_account, set_balances, set_faults, clear_faults, credentials
from test_connections import API, connect, holdings
import database


def sync_env():
    env = dict(os.environ)
    for line in (STATE / "holdfast.env").read_text().splitlines():
        if "=" in line and not line.startswith("#"):
            k, v = line.split("=", 1)
            env[k] = v
    env.pop("JWT_SECRET", None)  # the timer must not need it
    return env


def run_sync(*args, timeout=60):
    return subprocess.run([str(BIN / "holdfast-sync"), *args], capture_output=True, text=True, env=sync_env(), timeout=timeout)


def start_sync(*args):
    return subprocess.Popen([str(BIN / "holdfast-sync"), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=sync_env())


def wait_for_lease(connection_id, present=True, seconds=10):
    deadline = time.time() + seconds
    while time.time() < deadline:
        with database.connect() as db:
            found = db.execute("SELECT 1 FROM sync_leases WHERE connection_id = ?", (connection_id,)).fetchone() is not None
        if found == present:
            return
        time.sleep(0.05)
    raise AssertionError(f"lease present={present} not reached")


def test_timer_syncs_a_connection_and_logs_without_secrets(logged_in):
    account = new_account("kucoin")
    cid = connect(logged_in, account).json()["connection"]["id"]
    set_balances("kucoin", account, [{"asset": "ADA", "free": "100", "locked": "0"}])
    r = run_sync("--connection", cid)
    assert r.returncode == 0, r.stderr
    assert holdings(logged_in, cid) == {"ADA": "100"}
    assert f"connection={cid}" in r.stderr and "outcome=success" in r.stderr
    assert "sync run finished" in r.stderr
    for secret in (account["apiSecret"], account["passphrase"], account["apiKey"]):
        assert secret not in r.stderr + r.stdout
    history = logged_in.get(f"{API}/connections/{cid}/syncs").json()["syncs"]
    assert history[0]["trigger"] == "scheduled"


@pytest.mark.parametrize("exchange", ["okx", "bybit", "bitvavo"])
def test_timer_syncs_the_newer_exchanges(logged_in, exchange):
    account = new_account(exchange)
    cid = connect(logged_in, account).json()["connection"]["id"]
    before = holdings(logged_in, cid)
    assert before, "the demo account holds something"
    for amount in ("100", "250.5"):
        set_balances(exchange, account, [{"asset": "ADA", "free": amount, "locked": "0"}])
        # Syncs back to back can outrun an endpoint's per-second allowance (OKX On-chain Earn: 3/s, 85 % used):
        # the timer then defers rather than fails, and a later run syncs. Run again until it is not deferred.
        deadline = time.time() + 15
        while True:
            r = run_sync("--connection", cid)
            assert r.returncode == 0, r.stderr
            if "outcome=deferred" not in r.stderr or time.time() > deadline:
                break
            time.sleep(0.2)
        assert "outcome=success" in r.stderr, r.stderr
        after = holdings(logged_in, cid)
        assert after["ADA"] == amount, after
    for secret in filter(None, (account["apiSecret"], account.get("passphrase"))):
        assert secret not in r.stderr + r.stdout


def test_exchange_failure_does_not_fail_the_run(logged_in):
    account = new_account("binance")
    cid = connect(logged_in, account).json()["connection"]["id"]
    set_faults("binance", account, serverError=500)
    r = run_sync("--connection", cid)
    assert r.returncode == 0, r.stderr
    assert "outcome=failure" in r.stderr and "error_code=exchange_unavailable" in r.stderr


def test_dry_run_lists_due_connections_and_changes_nothing(logged_in):
    account = new_account("kraken")
    cid = connect(logged_in, account).json()["connection"]["id"]
    r = run_sync("--dry-run")
    assert r.returncode == 0 and cid not in r.stdout  # just synced: not due for 5 minutes
    with database.connect() as db:
        db.execute("UPDATE exchange_connections SET next_attempt_at = '2000-01-01T00:00:00.000Z' WHERE id = ?", (cid,))
    r = run_sync("--dry-run")
    assert cid in r.stdout
    assert len(logged_in.get(f"{API}/connections/{cid}/syncs").json()["syncs"]) == 1


def test_manual_sync_during_a_timer_sync_is_409(logged_in):
    account = new_account("binance")
    cid = connect(logged_in, account).json()["connection"]["id"]
    set_faults("binance", account, latencyMs=3000)
    timer = start_sync("--connection", cid)
    try:
        wait_for_lease(cid)
        r = logged_in.post(f"{API}/connections/{cid}/sync")
        assert r.status == 409 and r.error_code == "sync_in_progress", r
        assert logged_in.get(f"{API}/connections").json()["connections"][0]["syncing"] is True
    finally:
        assert timer.wait(timeout=60) == 0
        clear_faults("binance", account)
    wait_for_lease(cid, present=False)
    assert logged_in.post(f"{API}/connections/{cid}/sync").status == 200


def test_sigkill_mid_sync_then_rerun_completes(logged_in):
    account = new_account("coinbaseexchange", balances=[{"asset": "BTC", "free": "1", "locked": "0"}])
    cid = connect(logged_in, account).json()["connection"]["id"]
    assert holdings(logged_in, cid) == {"BTC": "1"}
    set_balances("coinbaseexchange", account, [{"asset": "ETH", "free": "3", "locked": "0"}])
    set_faults("coinbaseexchange", account, latencyMs=4000)
    timer = start_sync("--connection", cid)
    wait_for_lease(cid)
    timer.send_signal(signal.SIGKILL)
    timer.wait(timeout=10)
    assert holdings(logged_in, cid) == {"BTC": "1"}  # entirely the old set
    clear_faults("coinbaseexchange", account)
    r = run_sync("--connection", cid)
    assert r.returncode == 0 and "outcome=success" in r.stderr, r.stderr
    assert holdings(logged_in, cid) == {"ETH": "3"}  # entirely the new set
    if not database.is_postgresql():  # PostgreSQL has no PRAGMA; its own checks are the server's
        with database.connect() as db:
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_metrics_from_loopback_only(logged_in):
    account = new_account("kucoin")
    connect(logged_in, account)
    local = Client(source="127.0.0.1")
    r = local.get("/metrics")
    assert r.status == 200 and r.header("content-type").startswith("text/plain")
    text = r.body.decode()
    for name in ("holdfast_sync_attempts_total", "holdfast_sync_successes_total", "holdfast_sync_success_ratio",
                 "holdfast_sync_due_connections", "holdfast_sync_oldest_success_age_seconds"):
        assert f"# TYPE {name}" in text
    assert 'holdfast_sync_attempts_total{exchange="kucoin"}' in text
    remote = Client()  # another address: stands for the internet
    r = remote.get("/metrics")
    assert r.status == 403 and r.error_code == "forbidden"


def test_timer_without_encryption_key_fails_with_a_named_setting():
    env = sync_env()
    env.pop("ENCRYPTION_KEY")
    r = subprocess.run([str(BIN / "holdfast-sync"), "--dry-run"], capture_output=True, text=True, env=env, timeout=30)
    assert r.returncode != 0 and "ENCRYPTION_KEY" in r.stderr
