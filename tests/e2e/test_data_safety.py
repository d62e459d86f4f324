"""Data safety against the running test stack: a wrong encryption key refused before any sync work (exit 78,
connections untouched), online backups, restore refusals and success, and databases from a newer Holdfast.

The wrong-key services run as systemd would start them after an operator's mistake: the installed binaries
with the stack's settings but another ENCRYPTION_KEY, against the stack's database. (Restarting the shared
test stack itself with a wrong key would take every other test's responder away.)"""
import os
import shutil
import sqlite3
import stat
import subprocess

import database
from conftest import BIN, STATE, cli
from database import sqlite_only
from sandbox import new_account, set_balances
from test_connections import connect, database_path
from test_sync_timer import run_sync, start_sync, sync_env

WRONG_KEY = "e2e-wrong-encryption-key-e2e-wrong-encryption-key"
CRITICAL = "no stored exchange credential opens with the configured encryption keys"


def connection_rows():
    """Every connection's stored state, whole rows, in a stable order."""
    with database.connect() as db:
        return db.execute("SELECT * FROM exchange_connections ORDER BY id").fetchall()


def run_responder(env, tmp_path, timeout=30):
    env = dict(env, HOLDFAST_SOCKET=str(tmp_path / "wrong.sock"))
    return subprocess.run([str(BIN / "holdfast-fcgi")], capture_output=True, text=True, env=env, timeout=timeout)


def stack_env(**changes):
    env = sync_env()
    env["JWT_SECRET"] = cli_env()["JWT_SECRET"]
    env.update(changes)
    return env


def cli_env():
    return dict(l.split("=", 1) for l in (STATE / "holdfast.env").read_text().splitlines() if "=" in l and not l.startswith("#"))


def test_a_wrong_key_stops_both_services_before_any_sync_work(logged_in, tmp_path):
    account = new_account("kucoin")
    cid = connect(logged_in, account).json()["connection"]["id"]
    set_balances("kucoin", account, [{"asset": "ADA", "free": "7", "locked": "0"}])
    assert run_sync("--connection", cid).returncode == 0
    before = connection_rows()

    wrong = stack_env(ENCRYPTION_KEY=WRONG_KEY)
    responder = run_responder(wrong, tmp_path)
    assert responder.returncode == 78, responder.stderr
    assert CRITICAL in responder.stderr and "holdfast keys check" in responder.stderr
    assert not (tmp_path / "wrong.sock").exists()
    # --connection syncs whether due or not: without the check it would mark this connection "needs attention".
    sync = subprocess.run([str(BIN / "holdfast-sync"), "--connection", cid], capture_output=True, text=True,
                          env=dict(wrong, JWT_SECRET=""), timeout=60)
    assert sync.returncode == 78, sync.stderr
    assert CRITICAL in sync.stderr and "critical" in sync.stderr
    for line in (responder.stderr + sync.stderr).splitlines():
        assert WRONG_KEY not in line and cli_env()["ENCRYPTION_KEY"] not in line
    assert connection_rows() == before

    check = cli("keys", "check", check=False, env_extra={"ENCRYPTION_KEY": WRONG_KEY})
    assert check.returncode == 1 and "open with the current key: 0" in check.stdout, check
    right = cli("keys", "check", check=False)
    assert right.returncode == 0 and "open with none: 0" in right.stdout, right

    # Back to the right key: the same connection syncs.
    set_balances("kucoin", account, [{"asset": "ADA", "free": "8", "locked": "0"}])
    again = run_sync("--connection", cid)
    assert again.returncode == 0 and "outcome=success" in again.stderr, again.stderr


@sqlite_only  # `holdfast backup` copies the SQLite file (PostgreSQL has its own tools)
def test_backup_while_a_sync_writes_is_whole_and_opens(logged_in, tmp_path):
    account = new_account("kucoin")
    cid = connect(logged_in, account).json()["connection"]["id"]
    set_balances("kucoin", account, [{"asset": "BTC", "free": "1", "locked": "0"}])
    running = start_sync("--connection", cid)
    try:
        made = cli("backup")
    finally:
        running.communicate(timeout=60)
    path = made.stdout.strip()
    assert made.returncode == 0 and path.startswith(str(os.path.dirname(database_path())) + "/backups/holdfast-"), made
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("SELECT count(*) FROM schema_migrations").fetchone()[0] > 0
    check = cli("keys", "check", env_extra={"HOLDFAST_DATABASE": path})
    assert "open with none: 0" in check.stdout
    missing = cli("backup", "--if-exists", env_extra={"HOLDFAST_DATABASE": str(tmp_path / "none.sqlite")})
    assert missing.returncode == 0 and missing.stdout == ""
    assert not (tmp_path / "none.sqlite").exists()


@sqlite_only  # `holdfast restore` replaces the SQLite file
def test_restore_is_refused_while_the_responder_runs_and_works_when_nothing_holds_the_database(logged_in, tmp_path):
    backup = cli("backup").stdout.strip()
    before = connection_rows()
    refused = cli("restore", backup, check=False)
    assert refused.returncode == 1 and "in use" in refused.stderr, refused
    assert connection_rows() == before

    # A database no service holds (a copy of the stack's) takes the backup.
    target = tmp_path / "holdfast.sqlite"
    shutil.copy(backup, target)
    with sqlite3.connect(target) as db:
        db.execute("DELETE FROM exchange_connections")
    restored = cli("restore", backup, env_extra={"HOLDFAST_DATABASE": str(target)})
    assert "the replaced database is kept as" in restored.stdout
    with sqlite3.connect(target) as db:
        assert db.execute("SELECT count(*) FROM exchange_connections").fetchone()[0] == len(before)
    kept = [p for p in os.listdir(tmp_path) if p.startswith("holdfast.sqlite.before-restore-")]
    assert len(kept) == 1
    junk = tmp_path / "junk.sqlite"
    junk.write_text("not a database")
    bad = cli("restore", str(junk), check=False, env_extra={"HOLDFAST_DATABASE": str(target)})
    assert bad.returncode == 1 and "not a SQLite database" in bad.stderr


@sqlite_only  # a SQLite file stamped by a newer version
def test_a_database_from_a_newer_holdfast_is_refused_everywhere(tmp_path):
    status = cli("migrate", "--status")
    assert status.stdout and all(line.startswith("applied ") for line in status.stdout.splitlines()), status
    newer = tmp_path / "newer.sqlite"
    shutil.copy(cli("backup").stdout.strip(), newer)
    with sqlite3.connect(newer) as db:
        db.execute("INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (9999, '9999_future', 'x', 'now')")
    extra = {"HOLDFAST_DATABASE": str(newer)}
    assert "unknown 9999_future" in cli("migrate", "--status", env_extra=extra).stdout.splitlines()
    migrate = cli("migrate", check=False, env_extra=extra)
    assert migrate.returncode == 78 and "made by a newer Holdfast" in migrate.stderr, migrate
    responder = run_responder(stack_env(**extra), tmp_path)
    assert responder.returncode == 78 and "made by a newer Holdfast" in responder.stderr, responder.stderr
    sync = subprocess.run([str(BIN / "holdfast-sync")], capture_output=True, text=True, env=dict(sync_env(), **extra), timeout=60)
    assert sync.returncode == 78 and "made by a newer Holdfast" in sync.stderr, sync.stderr
    refused = cli("restore", str(newer), check=False, env_extra={"HOLDFAST_DATABASE": str(tmp_path / "target.sqlite")})
    assert refused.returncode == 1 and "newer Holdfast" in refused.stderr


@sqlite_only  # the restore lock beside the SQLite file
def test_services_stay_away_from_a_database_being_restored(tmp_path):
    """A restore holds `<db>.lock` exclusively: a timer run skips (exit 0, says why), the responder does not start."""
    import fcntl

    database = tmp_path / "holdfast.sqlite"
    shutil.copy(cli("backup").stdout.strip(), database)
    extra = {"HOLDFAST_DATABASE": str(database)}
    with open(f"{database}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        sync = subprocess.run([str(BIN / "holdfast-sync")], capture_output=True, text=True, env=dict(sync_env(), **extra), timeout=60)
        assert sync.returncode == 0 and "restore of the database is in progress" in sync.stderr, sync.stderr
        assert "sync run finished" not in sync.stderr
        responder = run_responder(stack_env(**extra), tmp_path)
        assert responder.returncode == 1 and "restore of the database is in progress" in responder.stderr
    # Released: the timer runs again.
    sync = subprocess.run([str(BIN / "holdfast-sync"), "--dry-run"], capture_output=True, text=True, env=dict(sync_env(), **extra), timeout=60)
    assert sync.returncode == 0 and "due" in sync.stdout, sync.stderr
