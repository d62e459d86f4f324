"""The stack's database, SQLite or PostgreSQL, for the few tests that look at rows directly.

`make test-e2e` runs the suite on SQLite and then again on PostgreSQL (HOLDFAST_DATABASE=postgresql://…, see the
Makefile). Tests write the same SQL for both, with `?` placeholders, as the stores do; `connect()` returns a
connection whose `execute(sql, params)` works on either. A test that only makes sense for the SQLite file (its
modes, WAL, backup and restore) is marked `@sqlite_only` and skipped on PostgreSQL with that reason.
"""
import os
import sqlite3

import pytest

from conftest import STATE


def setting():
    """HOLDFAST_DATABASE as the stack runs with it (its env file, else this process's environment)."""
    envfile = STATE / "holdfast.env"
    if envfile.exists():
        env = dict(line.split("=", 1) for line in envfile.read_text().splitlines()
                   if "=" in line and not line.startswith("#"))
        if env.get("HOLDFAST_DATABASE"):
            return env["HOLDFAST_DATABASE"]
    return os.environ.get("HOLDFAST_DATABASE", "")


def is_postgresql():
    """True when the stack runs on PostgreSQL (the same rule as `DatabaseLocation`: a URL or a keyword string)."""
    value = setting().strip()
    return value.lower().startswith(("postgres://", "postgresql://")) or value.split("=", 1)[0].strip() in (
        "host", "hostaddr", "port", "dbname", "user", "password", "service")


sqlite_only = pytest.mark.skipif(is_postgresql(), reason="SQLite-specific (the database file, WAL, backup, restore)")

# A slow test whose subject is not the store (an exchange's timeouts) and whose store work other tests repeat: the SQLite
# pass runs it, the PostgreSQL pass saves its time (scripts/e2e-postgresql.sh).
store_free = pytest.mark.skipif(is_postgresql(), reason="not about the store, whose part other tests repeat: the SQLite pass runs it")


class _PostgresConnection:
    """psycopg with sqlite3's shape: `execute(sql, params)` with `?` placeholders, `with` commits and closes."""

    def __init__(self, url):
        import psycopg  # only needed on PostgreSQL runs
        self._connection = psycopg.connect(url)

    def execute(self, sql, params=()):
        return self._connection.execute(sql.replace("%", "%%").replace("?", "%s"), tuple(params))

    def __enter__(self):
        return self

    def __exit__(self, kind, value, traceback):
        if kind is None:
            self._connection.commit()
        else:
            self._connection.rollback()
        self._connection.close()


def connect(timeout=5.0):
    """A connection to the stack's database; use it as `with connect() as db:` (commits on leaving). `timeout`
    is how long SQLite waits for a lock held by the stack, in seconds (PostgreSQL waits on its own terms)."""
    if is_postgresql():
        return _PostgresConnection(setting())
    return sqlite3.connect(setting(), timeout=timeout)


def fresh_database(name):
    """On PostgreSQL: a new, empty database `name` on the stack's server (dropped first if a previous run left
    it), for a test that runs services of its own; returns its URL. Callers migrate it (`holdfast migrate`)."""
    import psycopg
    from urllib.parse import urlsplit, urlunsplit
    parts = urlsplit(setting())
    with psycopg.connect(setting(), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path="/" + name))


def row(sql, params=()):
    """The first row `sql` returns as a dict by column name (None when there is none), on either backend."""
    with connect() as db:
        cursor = db.execute(sql, params)
        found = cursor.fetchone()
        return None if found is None else dict(zip([column[0] for column in cursor.description], found))
