"""The database server going away under the running stack (PostgreSQL only): the counterpart of the SQLite pass's
full-disk fault (test_faults.py). While the server is stopped the responder answers the catalogue's 503
`service_unavailable` with Retry-After, never a 500 and never the reason; `/health` says the database is down; a
timer run exits non-zero without touching anything. Once the server is back the same responder process serves
again without a restart, and the next timer run syncs.

The server is the throwaway one of scripts/postgres.sh that scripts/e2e-postgresql.sh started (the same
HOLDFAST_POSTGRES_DIR reaches this process), stopped and started again with the same script; its data survive.
"""
import subprocess

import pytest

import database
from conftest import ROOT, STATE, Client, wait_until
from sandbox import new_account, set_balances
from test_connections import API, connect, holdings
from test_sync_timer import run_sync

pytestmark = pytest.mark.skipif(not database.is_postgresql(),
                                reason="PostgreSQL only: the SQLite pass has the full-disk fault instead (test_faults)")


def postgres(command):
    """`scripts/postgres.sh command` with this process's environment (the same cluster the stack uses)."""
    return subprocess.run([str(ROOT / "scripts" / "postgres.sh"), command], capture_output=True, text=True, timeout=120)


def responder_pid():
    return int((STATE / "run" / "fcgi.pid").read_text())


def test_a_stopped_server_is_503_then_the_same_responder_and_the_next_timer_run_recover(logged_in):
    account = new_account("kucoin")
    cid = connect(logged_in, account).json()["connection"]["id"]
    set_balances("kucoin", account, [{"asset": "ADA", "free": "5", "locked": "0"}])
    pid = responder_pid()
    url = database.setting()

    stopped = postgres("stop")
    assert stopped.returncode == 0, stopped.stderr
    try:
        for path in ("/api/v1/auth/me", f"{API}/connections", "/api/v1/portfolios"):
            r = logged_in.fresh().get(path)
            assert r.status == 503, (path, r)
            assert r.error_code == "service_unavailable" and r.header("retry-after"), (path, r)
            assert r.header("content-type") == "application/json"
            assert url not in r.body.decode() and "connection refused" not in r.body.decode().lower(), r
        write = logged_in.fresh().request("PATCH", f"{API}/connections/{cid}", json_body={"label": "while down"})
        assert write.status == 503 and write.error_code == "service_unavailable", write
        login = Client().post("/api/v1/auth/login", {"email": "nobody@example.com", "password": "whatever it is"})
        assert login.status == 503 and login.error_code == "service_unavailable", login
        health = Client().get("/health")
        assert health.status == 503, health

        timer = run_sync("--connection", cid)
        assert timer.returncode != 0, timer.stderr
        assert url not in timer.stderr
    finally:
        started = postgres("start")
        assert started.returncode == 0, started.stderr

    # The same process recovers on its own: its pool opens new connections once the server answers.
    wait_until(lambda: Client().get("/health").status == 200, timeout=30, message="/health answering 200 again")
    assert responder_pid() == pid
    assert logged_in.fresh().get(f"{API}/connections").status == 200
    changed = logged_in.fresh().request("PATCH", f"{API}/connections/{cid}", json_body={"label": "after"})
    assert changed.status == 200 and changed.json()["connection"]["label"] == "after", changed
    again = run_sync("--connection", cid)
    assert again.returncode == 0 and "outcome=success" in again.stderr, again.stderr
    assert holdings(logged_in, cid) == {"ADA": "5"}
