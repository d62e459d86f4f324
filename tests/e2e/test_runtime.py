"""The running services as an operator meets them (issue 18, items 8-12): HEAD through nginx, exit 78 on a
permanent start-up error, journald priorities, 0600 database files, the worker check against nginx, and a WAL
that a held reader makes grow and a checkpoint brings back under its limit."""
import http.client
import os
import re
import select
import signal
import sqlite3
import ssl
import subprocess
import time
from pathlib import Path

import pytest

import database as stack_database
from conftest import BIN, HTTPS_PORT, ROOT, STATE, Client
from database import sqlite_only

WAL_LIMIT = 8 * 1024 * 1024  # Connection.walSizeLimitBytes


def service_env(**overrides):
    """The stack's settings (holdfast.env) plus `overrides`; a value None removes the setting."""
    env = dict(os.environ)
    for line in (STATE / "holdfast.env").read_text().splitlines():
        if "=" in line and not line.startswith("#"):
            k, v = line.split("=", 1)
            env[k] = v
    env.pop("JOURNAL_STREAM", None)
    for k, v in overrides.items():
        if v is None:
            env.pop(k, None)
        else:
            env[k] = v
    return env


def database():
    return Path(service_env()["HOLDFAST_DATABASE"])


def https_request(method, path):
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    conn = http.client.HTTPSConnection("127.0.0.1", HTTPS_PORT, context=context, timeout=10)
    try:
        conn.request(method, path)
        r = conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        conn.close()


# --- 9: HEAD -----------------------------------------------------------------------------------------------

def test_head_health_through_nginx_over_https():
    status, headers, body = https_request("GET", "/health")
    head_status, head_headers, head_body = https_request("HEAD", "/health")
    assert status == head_status == 200
    assert head_body == b""
    assert head_headers.get("content-length") == str(len(body))
    assert head_headers.get("content-type") == headers.get("content-type")


def test_head_on_an_authenticated_get_route(logged_in):
    get = logged_in.get("/api/v1/auth/me")
    head = logged_in.request("HEAD", "/api/v1/auth/me")
    assert get.status == head.status == 200
    assert head.body == b""
    assert head.header("content-length") == str(len(get.body))
    assert Client().request("HEAD", "/api/v1/auth/me").status == 401
    allow = logged_in.request("PUT", "/api/v1/auth/me")
    assert allow.status == 405 and allow.header("allow") == "GET, HEAD, PATCH"


# --- 8c: exit 78 --------------------------------------------------------------------------------------------

def run_responder(tmp_path, timeout=30, stderr=subprocess.PIPE, **overrides):
    env = service_env(HOLDFAST_SOCKET=str(tmp_path / "fcgi.sock"), **overrides)
    return subprocess.run([str(BIN / "holdfast-fcgi")], env=env, capture_output=stderr is subprocess.PIPE,
                          stderr=None if stderr is subprocess.PIPE else stderr, text=True, timeout=timeout)


def test_a_bad_setting_exits_78_with_a_clear_line(tmp_path):
    r = run_responder(tmp_path, HOLDFAST_WORKERS="many")
    assert r.returncode == 78, r.stderr
    assert "critical holdfast-fcgi" in r.stderr and "HOLDFAST_WORKERS must be a whole number" in r.stderr
    assert not (tmp_path / "fcgi.sock").exists()


@sqlite_only  # a new SQLite file and its mode
def test_an_unmigrated_database_exits_78_and_is_created_0600(tmp_path):
    empty = tmp_path / "empty.sqlite"
    old = os.umask(0o022)
    try:
        r = run_responder(tmp_path, HOLDFAST_DATABASE=str(empty))
    finally:
        os.umask(old)
    assert r.returncode == 78, r.stderr
    assert "is not migrated" in r.stderr and "holdfast migrate" in r.stderr
    assert empty.stat().st_mode & 0o777 == 0o600


@sqlite_only  # copies the stack's SQLite file
def test_a_database_from_a_newer_holdfast_exits_78(tmp_path):
    newer = tmp_path / "newer.sqlite"
    with sqlite3.connect(database()) as source, sqlite3.connect(newer) as copy:
        source.backup(copy)  # a consistent copy, WAL included
    with sqlite3.connect(newer) as db:
        db.execute("INSERT INTO schema_migrations (version, name, checksum, applied_at) "
                   "VALUES (9999, '9999_from_the_future', 'x', '2030-01-01T00:00:00.000Z')")
    r = run_responder(tmp_path, HOLDFAST_DATABASE=str(newer))
    assert r.returncode == 78, r.stderr
    assert "9999_from_the_future" in r.stderr


@pytest.mark.skipif(not stack_database.is_postgresql(), reason="PostgreSQL's counterpart of the two SQLite tests above")
def test_an_unmigrated_or_newer_postgresql_database_exits_78(tmp_path):
    # The test server trusts local clients, so any password gets in: one that must never be printed.
    password = "e2e-password-never-printed"
    url = stack_database.fresh_database("holdfast_e2e_runtime").replace("://holdfast@", f"://holdfast:{password}@", 1)
    assert password in url
    empty = run_responder(tmp_path, HOLDFAST_DATABASE=url)
    assert empty.returncode == 78, empty.stderr
    assert "is not migrated" in empty.stderr and "holdfast migrate" in empty.stderr
    assert password not in empty.stderr

    env = service_env(HOLDFAST_DATABASE=url)
    subprocess.run([str(BIN / "holdfast"), "migrate"], env=env, check=True, capture_output=True, timeout=60)
    import psycopg
    with psycopg.connect(url) as db:
        db.execute("INSERT INTO schema_migrations (version, name, checksum, applied_at) "
                   "VALUES (9999, '9999_from_the_future', 'x', '2030-01-01T00:00:00.000Z')")
    newer = run_responder(tmp_path, HOLDFAST_DATABASE=url)
    assert newer.returncode == 78, newer.stderr
    assert "9999_from_the_future" in newer.stderr and password not in newer.stderr


def test_under_journald_lines_carry_their_priority(tmp_path):
    """JOURNAL_STREAM names stderr's device and inode, as systemd sets it: the critical line starts with <2>."""
    read_end, write_end = os.pipe()
    st = os.fstat(write_end)
    env = service_env(HOLDFAST_SOCKET=str(tmp_path / "fcgi.sock"), HOLDFAST_WORKERS="many",
                      JOURNAL_STREAM=f"{st.st_dev}:{st.st_ino}")
    with os.fdopen(read_end, "rb") as reader:
        r = subprocess.run([str(BIN / "holdfast-fcgi")], env=env, stderr=write_end, timeout=30)
        os.close(write_end)
        lines = reader.read().decode().splitlines()
    assert r.returncode == 78
    assert lines and all(line.startswith("<") for line in lines), lines
    assert any(line.startswith("<2>") and "HOLDFAST_WORKERS" in line for line in lines), lines
    # Without JOURNAL_STREAM (a terminal, the stack's log file) the same line has no prefix.
    plain = run_responder(tmp_path, HOLDFAST_WORKERS="many")
    assert not plain.stderr.startswith("<")


def test_the_unit_does_not_restart_on_exit_78():
    unit = (ROOT / "Deploy/holdfast-fcgi.service").read_text()
    settings = [line for line in unit.splitlines() if not line.startswith("#")]
    assert "RestartPreventExitStatus=78" in settings
    assert "Restart=on-failure" in settings


# --- 12: worker capacity against nginx ----------------------------------------------------------------------

def start_responder_reading_stderr(tmp_path, **overrides):
    env = service_env(HOLDFAST_SOCKET=str(tmp_path / "fcgi.sock"), HOLDFAST_CHECKPOINT_SECONDS="3600",
                      HOLDFAST_LOG_LEVEL="info", **overrides)
    return subprocess.Popen([str(BIN / "holdfast-fcgi")], env=env, stderr=subprocess.PIPE, text=True)


def wait_until_listening(process, deadline=30):
    """The responder's stderr up to its `listening` line. Its socket file appears a moment before it blocks
    SIGTERM for its signal-waiting thread, and a SIGTERM in between is swallowed by libfcgi's own handler, so
    a test stops it only after this line."""
    end = time.monotonic() + deadline
    seen = []
    while not any("listening" in line for line in seen):
        remaining = end - time.monotonic()
        assert remaining > 0, "the responder never logged `listening`: " + "".join(seen)
        ready, _, _ = select.select([process.stderr], [], [], remaining)
        if ready:
            line = process.stderr.readline()
            assert line, "the responder exited: " + "".join(seen)
            seen.append(line)
    return "".join(seen)


def stop(process):
    """SIGTERM, then the rest of stderr. The responder must exit 0 promptly: its maintenance thread must not
    take the signal away from the thread that waits for it."""
    process.send_signal(signal.SIGTERM)
    try:
        assert process.wait(timeout=40) == 0
    finally:
        if process.poll() is None:
            process.kill()
    return process.stderr.read()


def test_too_few_workers_for_nginx_warns_once_and_still_serves(tmp_path):
    main = tmp_path / "nginx.conf"
    main.write_text("user www-data;\n# worker_processes 1;\nworker_processes 8;\nevents { worker_connections 768; }\n")
    upstream = tmp_path / "holdfast-http.conf"
    upstream.write_text("upstream holdfast_fcgi {\n    server unix:/run/holdfast/fcgi.sock;\n    keepalive 16;\n}\n")
    process = start_responder_reading_stderr(tmp_path, HOLDFAST_NGINX_CONF=str(main),
                                             HOLDFAST_NGINX_UPSTREAM_CONF=str(upstream), HOLDFAST_WORKERS="96",
                                             HOLDFAST_EXCHANGE_CONCURRENCY="32")
    err = wait_until_listening(process)
    assert process.poll() is None  # a warning, never a refusal
    err += stop(process)
    warnings = [line for line in err.splitlines() if "HOLDFAST_WORKERS is 96" in line]
    assert len(warnings) == 1, err
    assert "warning" in warnings[0] and "HOLDFAST_WORKERS=161" in warnings[0] and "8 worker processes" in warnings[0]


def test_enough_workers_for_nginx_say_nothing(tmp_path):
    main = tmp_path / "nginx.conf"
    main.write_text("worker_processes 2;\n")
    process = start_responder_reading_stderr(tmp_path, HOLDFAST_NGINX_CONF=str(main),
                                             HOLDFAST_NGINX_UPSTREAM_CONF=str(tmp_path / "missing.conf"),
                                             HOLDFAST_WORKERS="96", HOLDFAST_EXCHANGE_CONCURRENCY="32")
    err = wait_until_listening(process)
    assert "HOLDFAST_WORKERS is" not in err + stop(process)


# --- 10: the WAL ---------------------------------------------------------------------------------------------

def metric(name):
    text = Client(source="127.0.0.1").get("/metrics").body.decode()
    match = re.search(rf"^{name} (\d+)$", text, re.M)
    assert match, f"{name} not in /metrics"
    return int(match.group(1))


def run_timer():
    env = service_env()
    env.pop("JWT_SECRET", None)
    # --max-duration 0: start no sync, only the end-of-run checkpoint.
    return subprocess.run([str(BIN / "holdfast-sync"), "--max-duration", "0"], capture_output=True, text=True,
                          env=env, timeout=60)


@sqlite_only  # the WAL and its checkpoints
def test_a_held_reader_grows_the_wal_and_the_timer_brings_it_back():
    path = database()
    wal = Path(str(path) + "-wal")
    reader = sqlite3.connect(path, isolation_level=None, timeout=10)
    writer = sqlite3.connect(path, isolation_level=None, timeout=10)
    try:
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM users").fetchone()  # holds its snapshot from here on
        writer.execute("CREATE TABLE IF NOT EXISTS e2e_wal_filler (b BLOB)")
        for _ in range(3000):  # 3,000 commits of 4 KiB: about 12 MiB the checkpoints may not reuse
            writer.execute("INSERT INTO e2e_wal_filler VALUES (zeroblob(4000))")
        assert wal.stat().st_size > WAL_LIMIT
        assert metric("holdfast_sqlite_wal_bytes") > WAL_LIMIT

        held = run_timer()
        assert held.returncode == 0, held.stderr
        warning = [line for line in held.stderr.splitlines() if "WAL checkpoint could not complete" in line]
        assert len(warning) == 1 and "wal_bytes=" in warning[0], held.stderr
        assert wal.stat().st_size > WAL_LIMIT

        reader.execute("COMMIT")
        released = run_timer()
        assert released.returncode == 0, released.stderr
        assert "WAL checkpoint could not complete" not in released.stderr
        assert wal.stat().st_size <= WAL_LIMIT
        assert metric("holdfast_sqlite_wal_bytes") <= WAL_LIMIT
    finally:
        if reader.in_transaction:
            reader.execute("COMMIT")
        writer.execute("DROP TABLE IF EXISTS e2e_wal_filler")
        reader.close()
        writer.close()


@sqlite_only  # the modes of the SQLite file and its companions
def test_database_files_are_the_owners_alone():
    path = database()
    assert path.exists(), path  # the stack's database, made by `holdfast migrate` with the shell's umask
    for file in (path, Path(str(path) + "-wal"), Path(str(path) + "-shm")):
        if file.exists():
            assert file.stat().st_mode & 0o077 == 0, f"{file} is {oct(file.stat().st_mode & 0o777)}"


# --- 11: a full disk: test_faults.py, test_full_disk_writes_503_reads_work_health_says_so_and_recovery_without_restart


def test_a_failed_sync_is_a_warning_in_the_journal(logged_in, tmp_path):
    """`journalctl -p warning` must show a connection that keeps failing: the sync line and the run summary of a
    failed sync carry priority 4, a successful one stays at 6."""
    from sandbox import credentials, new_account, set_faults
    account = new_account("kucoin")
    cid = logged_in.post("/api/v1/exchanges/connect", credentials(account)).json()["connection"]["id"]

    def timer_lines():
        read_end, write_end = os.pipe()
        st = os.fstat(write_end)
        env = service_env(JOURNAL_STREAM=f"{st.st_dev}:{st.st_ino}", JWT_SECRET=None)
        with os.fdopen(read_end, "rb") as reader:
            subprocess.run([str(BIN / "holdfast-sync"), "--connection", cid], env=env, stderr=write_end,
                           stdout=subprocess.DEVNULL, timeout=60)
            os.close(write_end)
            return reader.read().decode().splitlines()

    lines = timer_lines()
    assert any(line.startswith("<6>") and "outcome=success" in line for line in lines), lines
    set_faults("kucoin", account, outage="unavailable")
    lines = timer_lines()
    assert any(line.startswith("<4>") and "outcome=failure" in line for line in lines), lines
    assert any(line.startswith("<4>") and "sync run finished" in line and "failed=1" in line for line in lines), lines
