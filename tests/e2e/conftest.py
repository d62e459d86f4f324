"""End-to-end fixtures: the real stack (nginx -> holdfast-fcgi -> SQLite, sandbox exchanges) started by
`make test-e2e` through scripts/stack.sh, driven over real HTTP.

Every test client connects from its own loopback address (127.0.0.0/8 all routes to lo), so nginx's per-IP
rate limits apply to each test separately, exactly as they would to separate people.
"""
import http.client
import itertools
import json
import os
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STATE = Path(os.environ.get("HOLDFAST_STATE_DIR", ROOT / "state" / "test"))
HTTP_PORT = int(os.environ.get("HOLDFAST_HTTP_PORT", "3101"))
HTTPS_PORT = int(os.environ.get("HOLDFAST_HTTPS_PORT", "3543"))
BIN = Path(os.environ.get("BIN_DIR", ROOT / ".build" / "release"))
ALLOWED_ORIGIN = "http://localhost:5173"

_addresses = itertools.count(2)


def fresh_source_address():
    """A loopback source address no other client in this run has used."""
    n = next(_addresses)
    return f"127.0.{n // 250}.{n % 250 + 2}"


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def header(self, name):
        return self.headers.get(name.lower())

    def json(self):
        return json.loads(self.body)

    @property
    def error_code(self):
        try:
            return self.json()["error"]["code"]
        except Exception:
            return None

    def __repr__(self):
        return f"<{self.status} {self.body[:200]!r}>"


def capture(method, path, status, headers, body):
    """Keeps every response the suite receives, for the secrets sweep that runs after it (scripts/secrets-sweep.py)."""
    with open(STATE / "captured-responses.log", "ab") as out:
        out.write(f"{method} {path} {status} {headers}\n".encode() + body + b"\n")


class Client:
    """One user agent: its own source address, cookies jar-less (tests pass what they need)."""

    def __init__(self, port=HTTP_PORT, source=None):
        self.port = port
        self.source = source or fresh_source_address()
        self.token = None
        self.csrf = None

    def request(self, method, path, body=None, headers=None, json_body=None, raw=None):
        headers = dict(headers or {})
        data = raw
        if json_body is not None:
            data = json.dumps(json_body).encode()
            headers.setdefault("Content-Type", "application/json")
        elif body is not None:
            data = body.encode() if isinstance(body, str) else body
        if self.token and "Authorization" not in headers:
            headers["Authorization"] = f"Bearer {self.token}"
        if self.csrf and method not in ("GET", "HEAD", "OPTIONS") and "X-CSRF-Token" not in headers:
            headers["X-CSRF-Token"] = self.csrf
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60, source_address=(self.source, 0))
        try:
            conn.request(method, path, body=data, headers=headers)
            resp = conn.getresponse()
            payload = resp.read()
            capture(method, path, resp.status, resp.getheaders(), payload)
            return Response(resp.status, {k.lower(): v for k, v in resp.getheaders()}, payload)
        finally:
            conn.close()

    def fresh(self):
        """The same session from a new source address (a fresh rate-limit bucket), for tests that poll."""
        other = Client(port=self.port)
        other.token, other.csrf = self.token, self.csrf
        return other

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, json_body=None, **kw):
        return self.request("POST", path, json_body=json_body, **kw)

    def login(self, email, password):
        r = self.post("/api/v1/auth/login", {"email": email, "password": password})
        assert r.status == 200, r
        self.token = r.json()["token"]
        self.csrf = r.json()["csrfToken"]
        return r


def wait_until(condition, timeout, interval=0.05, message="condition"):
    """Polls `condition` until it returns something truthy and returns that; fails the test after `timeout`
    seconds. The bounded wait for a condition that tests use instead of a fixed sleep."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"{message} not met within {timeout} s")
        time.sleep(interval)


def process_running(pid):
    """Whether `pid` is a process that still runs (a zombie waiting for its parent to reap it does not)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False
    return fields[0] not in ("Z", "X")


def database_file_bytes(database):
    """The bytes of the database file and its `-wal`/`-shm` companions, read by another process.

    This process holds sqlite3 connections on that database, and POSIX drops every lock a process holds on a
    file when it closes any descriptor of that file. Reading the files here with open() would silently release
    this process's SQLite locks: another process could then take itself for the database's last user,
    checkpoint and delete the WAL under the running stack, and corrupt the database
    (https://sqlite.org/howtocorrupt.html, section 2.2). `cat` in a child process has no locks to lose.
    """
    database = Path(database)
    files = sorted(str(p) for p in database.parent.glob(database.name + "*") if not p.name.endswith(".lock"))
    return subprocess.run(["cat", *files], capture_output=True, check=True, timeout=60).stdout


def cli(*args, stdin=None, check=True, env_extra=None):
    """Runs the admin CLI against the test stack's database and secrets."""
    env = dict(os.environ)
    for line in (STATE / "holdfast.env").read_text().splitlines():
        if "=" in line and not line.startswith("#"):
            k, v = line.split("=", 1)
            env[k] = v
    env.update(env_extra or {})
    return subprocess.run([str(BIN / "holdfast"), *args], input=stdin, capture_output=True, text=True, env=env, check=check)


_users = itertools.count(1)


@pytest.fixture
def user():
    """A new user (email, password) created with the CLI."""
    email = f"user{next(_users)}-{os.getpid()}@example.com"
    password = "correct horse battery staple"
    cli("user", "add", email, stdin=password + "\n")
    return email, password


@pytest.fixture
def client():
    return Client()


@pytest.fixture
def logged_in(user):
    c = Client()
    c.login(*user)
    return c
