"""Faults: killed processes, concurrent writers beside the timer, misbehaving exchanges, a full disk.
Every test is bounded and stops by itself."""
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest

import database
from conftest import BIN, ROOT, STATE, Client, cli, process_running, wait_until
from database import sqlite_only, store_free
from sandbox import admin, clear_faults, credentials, new_account, set_balances, set_faults
from test_connections import API, connect, holdings
from test_sync_timer import start_sync, run_sync, sync_env


def test_sigkill_responder_gives_502_json_and_it_comes_back(client):
    pid = int((STATE / "run" / "fcgi.pid").read_text())
    # The supervisor is paused while the responder is dead, so the request below meets a dead upstream every
    # time instead of racing the restart (which made a 401 from the new responder an accepted answer).
    supervisor = int((STATE / "run" / "fcgi-supervisor.pid").read_text())
    os.kill(supervisor, signal.SIGSTOP)
    try:
        os.kill(pid, signal.SIGKILL)
        wait_until(lambda: not process_running(pid), timeout=10, message="the killed responder gone")
        r = client.get("/api/v1/auth/me")
    finally:
        os.kill(supervisor, signal.SIGCONT)
    # nginx answers for the dead upstream in the API's error shape.
    assert r.status == 502, r
    assert r.error_code == "service_unavailable" and r.header("content-type") == "application/json"
    deadline = time.time() + 15
    while time.time() < deadline:
        if client.get("/health").status == 200:
            break
        time.sleep(0.2)
    assert client.get("/health").status == 200
    assert int((STATE / "run" / "fcgi.pid").read_text()) != pid


def test_sigkill_timer_at_random_points_twenty_times(logged_in):
    sets = [
        [{"asset": "BTC", "free": "1", "locked": "0"}, {"asset": "ETH", "free": "2", "locked": "0"}],
        [{"asset": "SOL", "free": "30", "locked": "0"}, {"asset": "BTC", "free": "0.5", "locked": "0.5"}, {"asset": "DOT", "free": "4", "locked": "0"}],
    ]
    expected = [{"BTC": "1", "ETH": "2"}, {"SOL": "30", "BTC": "1", "DOT": "4"}]
    account = new_account("kucoin", balances=sets[0])
    cid = connect(logged_in, account).json()["connection"]["id"]
    rng = random.Random(8)
    for round_ in range(20):
        target = (round_ + 1) % 2
        set_balances("kucoin", account, sets[target])
        set_faults("kucoin", account, latencyMs=rng.randint(0, 150))
        timer = start_sync("--connection", cid)
        # Time is the subject here: a kill at a random point of the run (seeded, so a failure replays).
        time.sleep(rng.uniform(0.0, 0.6))
        timer.send_signal(signal.SIGKILL)
        timer.wait(timeout=10)
        current = holdings(logged_in, cid)
        assert current in expected, (round_, current)
    clear_faults("kucoin", account)
    if not database.is_postgresql():  # PostgreSQL has no PRAGMA; a killed client's transaction is rolled back by the server
        with database.connect() as db:
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert run_sync("--connection", cid).returncode == 0
    assert holdings(logged_in, cid) == expected[(20) % 2]


def test_four_writers_beside_the_timer_lose_nothing():
    # Four users write at once while holdfast-sync keeps syncing other connections. Each write comes from a
    # fresh source address: the per-IP rate limit is proven elsewhere and would otherwise stop a writer at 21.
    writers = []
    for n in range(4):
        email = f"writer{n}-{os.getpid()}@example.com"
        cli("user", "add", email, stdin="correct horse battery staple\n")
        writers.append(email)
    background = Client()
    cli("user", "add", f"timer-load-{os.getpid()}@example.com", stdin="correct horse battery staple\n")
    background.login(f"timer-load-{os.getpid()}@example.com", "correct horse battery staple")
    timer_ids = [connect(background, new_account("binance")).json()["connection"]["id"] for _ in range(6)]

    stop = threading.Event()
    timer_runs = []

    def keep_timer_busy():
        while not stop.is_set():
            with database.connect(timeout=10) as db:
                for i in timer_ids:
                    db.execute("UPDATE exchange_connections SET next_attempt_at = '2000-01-01T00:00:00.000Z' WHERE id = ?", (i,))
            timer_runs.append(run_sync("--concurrency", "4").returncode)

    failures = []

    def write(email, count=200):
        token_client = Client()
        token_client.login(email, "correct horse battery staple")
        connection = connect(token_client, new_account("kraken")).json()["connection"]["id"]
        for i in range(count):
            c = Client()
            c.token, c.csrf = token_client.token, token_client.csrf
            r = c.request("PATCH", f"{API}/connections/{connection}", json_body={"label": f"write {i}"})
            if r.status != 200 or b"locked" in r.body:
                failures.append((email, i, r.status, r.body[:200]))
        final = token_client.get(f"{API}/connections").json()["connections"][0]["label"]
        if final != f"write {count - 1}":
            failures.append((email, "final", final))

    timer_thread = threading.Thread(target=keep_timer_busy)
    timer_thread.start()
    threads = [threading.Thread(target=write, args=(email,)) for email in writers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    # A writer still running has neither failed nor finished: it hung, and its missing writes are the bug.
    hung = [email for email, t in zip(writers, threads) if t.is_alive()]
    stop.set()
    timer_thread.join(timeout=120)
    assert not hung, f"writers did not finish within 300 s: {hung}"
    assert not timer_thread.is_alive(), "the timer loop did not finish within 120 s of being stopped"
    assert not failures, failures[:5]
    assert timer_runs and all(code == 0 for code in timer_runs), timer_runs
    log = (STATE / "logs" / "fcgi.log").read_text()
    assert "database is locked" not in log


@pytest.mark.parametrize("faults,code", [
    # Retry-After 1: Holdfast blocks the Binance scope (per IP, shared by every test of the stack) until then.
    ({"rateLimited": True, "retryAfterSeconds": 1}, "rate_limited"),
    ({"serverError": 500}, "exchange_unavailable"),
    ({"htmlError": True}, "exchange_unavailable"),
    ({"malformedJSON": True}, "bad_response"),
    ({"truncatedJSON": True}, "bad_response"),
    # One byte over the transport's 8 MiB answer cap, announced by Content-Length or found only by reading.
    ({"paddedBodyBytes": 8 * 1024 * 1024 + 1}, "bad_response"),
    ({"paddedBodyBytes": 8 * 1024 * 1024 + 1, "chunkedBody": True}, "bad_response"),
])
def test_exchange_faults_hit_only_their_connection(logged_in, faults, code):
    bad = new_account("binance")
    good = new_account("kucoin")
    bad_id = connect(logged_in, bad).json()["connection"]["id"]
    good_id = connect(logged_in, good).json()["connection"]["id"]
    set_faults("binance", bad, **faults)
    results = {r["connectionId"]: r for r in logged_in.post(f"{API}/sync-all").json()["results"]}
    assert results[bad_id]["success"] is False and results[bad_id]["error"]["code"] == code
    assert results[good_id]["success"] is True
    by_id = {c["id"]: c for c in logged_in.get(f"{API}/connections").json()["connections"]}
    assert by_id[bad_id]["status"] == "error" and by_id[good_id]["status"] == "active"


@store_free  # 30 s of an exchange's timeout; the error it records is stored as in test_exchange_faults_hit_only_their_connection
def test_exchange_hanging_past_the_timeout(logged_in):
    account = new_account("kraken")
    cid = connect(logged_in, account).json()["connection"]["id"]
    set_faults("kraken", account, hangSeconds=45)
    started = time.time()
    r = logged_in.post(f"{API}/connections/{cid}/sync")
    assert r.status == 503 and r.json()["error"]["code"] == "timeout", r
    assert time.time() - started < 70  # bounded by the 30 s client timeout (plus one retry at most)
    # Meanwhile the API answered others; and the connection recovers once the exchange does.
    clear_faults("kraken", account)
    assert logged_in.post(f"{API}/connections/{cid}/sync").status == 200


def nginx_upstream_timeout():
    """nginx's fastcgi_read_timeout for the API, in seconds, from the snippet every Holdfast site includes."""
    text = (ROOT / "nginx" / "snippets" / "holdfast-fastcgi.conf").read_text()
    return int(re.search(r"^fastcgi_read_timeout (\d+)s;", text, re.M).group(1))


@store_free  # 45 s of nginx's and the exchange's timeouts; POST /exchanges/test stores nothing
def test_slow_exchange_test_answers_before_nginx_gives_up(logged_in):
    # Every call answers inside the 30 s per-request timeout, but a balance read of four pages at 20 s each
    # takes 80 s in all: longer than nginx waits. The responder must answer first, with its own error.
    balances = [{"asset": a, "free": "1", "locked": "0"} for a in ("BTC", "ETH", "SOL", "ADA")]
    account = new_account("coinbase", balances=balances, pageSize=1)
    set_faults("coinbase", account, latencyMs=20_000)
    started = time.time()
    r = logged_in.post(f"{API}/test", credentials(account))
    elapsed = time.time() - started
    clear_faults("coinbase", account)
    # No verdict on the key: a 503 that says it was not checked, never a refusal (a 200 with success false).
    assert r.status == 503 and r.header("content-type") == "application/json", r
    assert r.error_code == "exchange_unavailable", r
    assert "your key was not checked" in r.json()["error"]["message"] and "too slowly" in r.json()["error"]["message"], r
    assert elapsed < nginx_upstream_timeout() - 10, elapsed


def fcgi_exchange(socket, method, path, body=b"", headers=None):
    """One request straight to a responder through cgi-fcgi: (status, headers with lower-case names, parsed JSON
    or the raw body)."""
    env = {"REQUEST_METHOD": method, "REQUEST_URI": path, "SCRIPT_NAME": path, "CONTENT_LENGTH": str(len(body)),
           "PATH": os.environ.get("PATH", "")}
    for name, value in (headers or {}).items():
        env["HTTP_" + name.upper().replace("-", "_")] = value
        if name.lower() == "content-type":
            env["CONTENT_TYPE"] = value
    out = subprocess.run(["cgi-fcgi", "-bind", "-connect", socket], input=body, env=env, capture_output=True, timeout=30).stdout
    head, _, payload = out.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    fields = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return int(lines[0].split()[1]), fields, json.loads(payload) if payload.startswith(b"{") else payload


def fcgi_request(socket, method, path, body=b"", headers=None):
    """`fcgi_exchange` without the headers: (status, parsed JSON or raw body)."""
    status, _, payload = fcgi_exchange(socket, method, path, body, headers)
    return status, payload


def fill(directory):
    """Writes a file in `directory` until the filesystem refuses another byte; returns its path."""
    filler = directory / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        for size in (1 << 16, 1 << 10, 1):
            try:
                while True:
                    os.write(fd, b"\0" * size)
            except OSError:
                pass
    finally:
        os.close(fd)
    return filler


def own_responder(tmp_path, database_dir, email):
    """A responder of its own, driven without nginx through cgi-fcgi: a migrated database (a SQLite file in
    `database_dir`, or on the PostgreSQL pass a fresh database on the stack's server), one user, the test
    stack's exchange settings. Returns (process, socket path, login body)."""
    env = dict(sync_env())
    if database.is_postgresql():
        location = database.fresh_database("holdfast_own_" + re.sub(r"\W", "_", email.split("@")[0]))
    else:
        location = str(database_dir / "holdfast.sqlite")
    env.update({"HOLDFAST_DATABASE": location, "HOLDFAST_SOCKET": str(tmp_path / "fcgi.sock"),
                "HOLDFAST_SOCKET_MODE": "0600", "JWT_SECRET": "own-responder-secret-own-responder-01"})
    subprocess.run([str(BIN / "holdfast"), "migrate"], env=env, check=True, capture_output=True)
    subprocess.run([str(BIN / "holdfast"), "user", "add", email], input=b"correct horse battery staple\n", env=env, check=True, capture_output=True)
    responder = subprocess.Popen([str(BIN / "holdfast-fcgi")], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    sock = str(tmp_path / "fcgi.sock")
    # Bounded, and failing here with the reason rather than later with a confusing connection error.
    wait_until(lambda: os.path.exists(sock) or responder.poll() is not None, timeout=15, message="the responder's socket")
    assert responder.poll() is None, responder.stderr.read().decode(errors="replace")
    return responder, sock, json.dumps({"email": email, "password": "correct horse battery staple"}).encode()


@sqlite_only  # the disk under the SQLite file fills up; on PostgreSQL the server going away is test_postgres_outage
def test_full_disk_writes_503_reads_work_health_says_so_and_recovery_without_restart(tmp_path):
    mount = tmp_path / "disk"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", str(mount)], capture_output=True).returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    responder = None
    try:
        responder, sock, login_body = own_responder(tmp_path, mount, "disk@example.com")
        status, login = fcgi_request(sock, "POST", "/api/v1/auth/login", login_body, {"Content-Type": "application/json"})
        assert status == 200
        auth = {"Authorization": "Bearer " + login["token"], "X-CSRF-Token": login["csrfToken"]}
        status, _, body = fcgi_exchange(sock, "GET", "/health")
        assert status == 200 and body["writes"] == "ok" and body["disk"]["status"] == "ok", body

        filler = fill(mount)
        for _ in range(3):
            status, headers, body = fcgi_exchange(sock, "POST", "/api/v1/auth/login", login_body,
                                                  {"Content-Type": "application/json"})
            assert status == 503 and body["error"]["code"] == "service_unavailable", (status, body)
            assert headers.get("retry-after") == "30"
        status, body = fcgi_request(sock, "GET", "/api/v1/auth/me", headers=auth)
        assert status == 200 and body["user"]["email"] == "disk@example.com"
        # /health tells a monitor that writes fail, though reads work.
        status, headers, body = fcgi_exchange(sock, "GET", "/health")
        assert status == 503 and headers.get("retry-after") == "30", (status, body)
        assert body["status"] == "unavailable" and body["database"] == "ok" and body["writes"] == "failing"
        assert body["writes_failure"]["reason"] == "disk_full", body
        assert body["disk"]["status"] == "low" and body["disk"]["available_bytes"] < 64 * 1024
        status, headers, body = fcgi_exchange(sock, "HEAD", "/health")
        assert status == 503 and headers.get("retry-after") == "30" and body == b""

        filler.unlink()
        # No write is made meanwhile: /health's own probe (at most every 5 s) finds the space again.
        deadline = time.monotonic() + 20
        while True:
            status, headers, body = fcgi_exchange(sock, "GET", "/health")
            if status == 200 or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        assert status == 200 and body["writes"] == "ok" and "writes_failure" not in body, body
        assert "retry-after" not in headers
        status, body = fcgi_request(sock, "POST", "/api/v1/auth/login", login_body, {"Content-Type": "application/json"})
        assert status == 200, body
        status, _ = fcgi_request(sock, "POST", "/api/v1/auth/logout", headers=auth)
        assert status == 204
        assert responder.poll() is None  # the same process recovered
        with sqlite3.connect(str(mount / "holdfast.sqlite")) as db:
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        if responder:
            responder.terminate()
            try:
                responder.wait(timeout=10)
            except subprocess.TimeoutExpired:
                responder.kill()
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def test_sigterm_finishes_in_flight_requests_then_exits(tmp_path):
    responder, sock, login_body = own_responder(tmp_path, tmp_path, "drain@example.com")
    try:
        _, login = fcgi_request(sock, "POST", "/api/v1/auth/login", login_body, {"Content-Type": "application/json"})
        account = new_account("kraken")
        set_faults("kraken", account, latencyMs=2500)
        body = json.dumps(credentials(account)).encode()
        result = {}
        slow = threading.Thread(target=lambda: result.update(answer=fcgi_request(
            sock, "POST", "/api/v1/exchanges/connect", body,
            {"Content-Type": "application/json", "Authorization": "Bearer " + login["token"], "X-CSRF-Token": login["csrfToken"]})))
        slow.start()
        # SIGTERM only once the connect is waiting on the exchange (2.5 s per request), not after a guessed time.
        wait_until(lambda: admin("kraken", "GET", "/__sandbox/stats")["inFlight"] > 0, timeout=10,
                   message="the connect waiting on the exchange")
        responder.send_signal(signal.SIGTERM)
        slow.join(timeout=30)
        assert result["answer"][0] == 201, result  # the in-flight request completed
        assert responder.wait(timeout=30) == 0     # and then the process exited cleanly
        assert not os.path.exists(sock)
        assert b"stopping" in responder.stderr.read()
    finally:
        if responder.poll() is None:
            responder.kill()
