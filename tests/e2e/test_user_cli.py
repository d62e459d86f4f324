"""Users through the real CLI binary: list, and delete (refused without --yes; with it, the user's session dies
and their connections go)."""

import pytest

from conftest import STATE, Client, cli
from sandbox import credentials, new_account
import database


def listed(email):
    """The `holdfast user list` row of `email` as [email, id, created, connections], or None."""
    out = cli("user", "list").stdout.splitlines()
    assert out[0].split() == ["EMAIL", "ID", "CREATED", "CONNECTIONS"], out
    rows = [line.split() for line in out[1:]]
    return next((row for row in rows if row[0] == email), None)


def test_list_then_delete_a_user_with_a_live_session(user):
    email, password = user
    c = Client()
    c.login(email, password)
    assert c.post("/api/v1/exchanges/connect", credentials(new_account("binance"), label="Doomed")).status == 201
    row = listed(email)
    assert row is not None and row[3] == "1", row
    user_id = row[1]

    refused = cli("user", "delete", email, check=False)
    assert refused.returncode != 0
    assert "--yes" in refused.stderr and "1 session" in refused.stderr and "1 exchange connection" in refused.stderr, refused.stderr
    assert c.get("/api/v1/auth/me").status == 200  # nothing was deleted

    done = cli("user", "delete", email, "--yes")
    assert f"deleted user {email}" in done.stdout, done.stdout
    assert c.fresh().get("/api/v1/auth/me").status == 401
    assert listed(email) is None
    with database.connect() as db:
        for table in ("sessions", "exchange_connections", "portfolios"):
            assert db.execute(f"SELECT count(*) FROM {table} WHERE user_id = ?", (user_id,)).fetchone()[0] == 0, table

    again = cli("user", "delete", email, "--yes", check=False)
    assert again.returncode != 0 and "no user has that email" in again.stderr, again.stderr


@pytest.mark.skipif(not database.is_postgresql(), reason="PostgreSQL only: on SQLite they work (test_data_safety)")
def test_backup_and_restore_point_to_pg_dump_on_postgresql(tmp_path):
    for args in (["backup"], ["backup", str(tmp_path / "copy.sqlite")], ["restore", str(tmp_path / "copy.sqlite")]):
        r = cli(*args, check=False)
        assert r.returncode == 1, (args, r.stderr)
        assert "the database is PostgreSQL: use pg_dump/pg_restore" in r.stderr, (args, r.stderr)
        assert r.stdout == ""
    # An upgrade runs `backup --if-exists` before migrating: nothing to copy is not a failure.
    r = cli("backup", "--if-exists", check=False)
    assert r.returncode == 0 and r.stdout == "" and "pg_dump" in r.stderr, r.stderr
    assert not list(tmp_path.iterdir())


def test_migrate_status_reports_every_migration_applied():
    r = cli("migrate", "--check", check=False)
    assert r.returncode == 0 and r.stdout.strip() == "database is current", (r.stdout, r.stderr)
    status = cli("migrate", "--status").stdout.split("\n")
    assert status[0].startswith("applied 0001_") and all(line.startswith("applied ") for line in status if line)
