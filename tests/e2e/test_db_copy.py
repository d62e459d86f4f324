"""`holdfast db copy` through the real CLI binary: a SQLite database made by `holdfast migrate` and `holdfast user
add` copied into a fresh PostgreSQL database on the throwaway server (scripts/postgres.sh), then refused the
second time. Needs only the binary and the server, not the stack."""
import os
import subprocess
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from conftest import BIN, ROOT

TIMEOUT = 120


def run(*args, env=None, stdin=None):
    return subprocess.run([str(BIN / "holdfast"), *args], input=stdin, capture_output=True, text=True,
                          env=env, timeout=TIMEOUT)


@pytest.fixture(scope="module")
def server_url():
    url = os.environ.get("HOLDFAST_TEST_POSTGRES_URL")
    if url:
        yield url
        return
    started = subprocess.run([str(ROOT / "scripts" / "postgres.sh"), "status"], capture_output=True).returncode != 0
    url = subprocess.run([str(ROOT / "scripts" / "postgres.sh"), "start"], capture_output=True, text=True,
                         check=True, timeout=TIMEOUT).stdout.strip()
    yield url
    if started:
        subprocess.run([str(ROOT / "scripts" / "postgres.sh"), "stop"], check=False, timeout=TIMEOUT)


@pytest.fixture
def target(server_url):
    """A fresh, empty database on the server; dropped afterwards."""
    name = "holdfast_e2e_" + uuid.uuid4().hex
    subprocess.run(["psql", server_url, "-qc", f"CREATE DATABASE {name}"], check=True, timeout=TIMEOUT)
    parts = urlsplit(server_url)
    yield urlunsplit(parts._replace(path="/" + name))
    subprocess.run(["psql", server_url, "-qc", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], timeout=TIMEOUT)


def test_copy_then_refuse_the_non_empty_target(tmp_path, target):
    source = tmp_path / "holdfast.sqlite"
    env = dict(os.environ, HOLDFAST_DATABASE=str(source), HOLDFAST_MIGRATIONS_DIR=str(ROOT / "Migrations"))
    assert run("migrate", env=env).returncode == 0
    for email in ("alice@example.com", "bob@example.com"):
        added = run("user", "add", email, env=env, stdin="correct horse battery staple\n")
        assert added.returncode == 0, added.stderr
    before = source.read_bytes()

    copied = run("db", "copy", "--from", str(source), "--to", target, env=env)
    assert copied.returncode == 0, copied.stderr
    lines = copied.stdout.splitlines()
    assert "users: 2 rows" in lines, lines
    assert "sessions: 0 rows" in lines, lines
    assert lines[-1].startswith("copied 2 rows in ") and lines[-1].endswith(" s"), lines
    assert source.read_bytes() == before
    emails = subprocess.run(["psql", target, "-Atc", "SELECT email FROM users ORDER BY email"], capture_output=True,
                            text=True, check=True, timeout=TIMEOUT).stdout.split()
    assert emails == ["alice@example.com", "bob@example.com"]

    again = run("db", "copy", "--from", str(source), "--to", target, env=env)
    assert again.returncode == 1
    assert again.stdout == ""
    assert "not empty" in again.stderr and "users" in again.stderr, again.stderr


def test_unreachable_target_exits_1_without_the_password(tmp_path):
    source = tmp_path / "holdfast.sqlite"
    env = dict(os.environ, HOLDFAST_DATABASE=str(source), HOLDFAST_MIGRATIONS_DIR=str(ROOT / "Migrations"))
    assert run("migrate", env=env).returncode == 0
    password = "Sup3r-Secret-Pa55word"
    result = run("db", "copy", "--from", str(source), "--to", f"postgresql://holdfast:{password}@127.0.0.1:1/x",
                 env=env)
    assert result.returncode == 1
    assert "PostgreSQL target: cannot connect" in result.stderr, result.stderr
    assert password not in result.stderr + result.stdout


def test_foreign_file_is_refused(tmp_path, target):
    foreign = tmp_path / "notes.sqlite"
    import sqlite3
    with sqlite3.connect(foreign) as db:
        db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY)")
    env = dict(os.environ, HOLDFAST_MIGRATIONS_DIR=str(ROOT / "Migrations"))
    result = run("db", "copy", "--from", str(foreign), "--to", target, env=env)
    assert result.returncode == 1
    assert "not a Holdfast database" in result.stderr, result.stderr
