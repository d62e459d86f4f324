"""The vault through the real CLI binary: legacy import (all or nothing), key rotation, no plaintext on disk."""
import json
import os
import sqlite3
from contextlib import closing
import tempfile
from pathlib import Path

import database as stack_database
from conftest import ROOT, STATE, cli, database_file_bytes

LEGACY = json.loads((ROOT / "Tests" / "VaultTests" / "Vectors" / "legacy-format.json").read_text())
V = LEGACY["vectors"]


def write_rows(rows):
    handle = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)
    json.dump(rows, handle)
    handle.close()
    return handle.name


def database():
    env = dict(line.split("=", 1) for line in (STATE / "holdfast.env").read_text().splitlines() if "=" in line and not line.startswith("#"))
    return env["HOLDFAST_DATABASE"]


def count_for(email):
    with stack_database.connect() as db:
        return db.execute("SELECT count(*) FROM exchange_connections c JOIN users u ON u.id = c.user_id WHERE u.email = ?", (email,)).fetchone()[0]


def good_rows():
    return [
        {"exchange": "binance", "label": "Main", "api_key_encrypted": V[0]["ciphertext"], "api_secret_encrypted": V[1]["ciphertext"],
         "passphrase_encrypted": None, "status": "active", "auto_sync": True, "sync_interval": 300},
        {"exchange": "kucoin", "label": "KC", "api_key_encrypted": V[1]["ciphertext"], "api_secret_encrypted": V[0]["ciphertext"],
         "passphrase_encrypted": V[1]["ciphertext"], "status": "active", "auto_sync": True, "sync_interval": 300},
    ]


def test_import_legacy_good_file_then_rotate(user):
    email, _ = user
    legacy_env = {"HOLDFAST_LEGACY_ENCRYPTION_KEY": LEGACY["encryption_key"]}
    r = cli("import-legacy", "--user", email, write_rows(good_rows()), env_extra=legacy_env)
    assert "imported 2 connections" in r.stdout
    assert count_for(email) == 2

    # Rotate to a new key, keeping the old one readable; a second run has nothing left to do.
    env_text = (STATE / "holdfast.env").read_text()
    old_key = [l.split("=", 1)[1] for l in env_text.splitlines() if l.startswith("ENCRYPTION_KEY=")][0]
    new_key = "rotated-key-for-the-e2e-test-" + "9" * 20
    r1 = cli("keys", "rotate", env_extra={"ENCRYPTION_KEY": new_key, "ENCRYPTION_KEYS_PREVIOUS": old_key})
    assert "fields re-encrypted: 0" not in r1.stdout, r1.stdout
    r2 = cli("keys", "rotate", env_extra={"ENCRYPTION_KEY": new_key, "ENCRYPTION_KEYS_PREVIOUS": old_key})
    assert "fields re-encrypted: 0" in r2.stdout, r2.stdout
    # Rotate back so the running stack (which has the old key) can read everything again.
    r3 = cli("keys", "rotate", env_extra={"ENCRYPTION_KEY": old_key, "ENCRYPTION_KEYS_PREVIOUS": new_key})
    assert "fields re-encrypted: 0" not in r3.stdout

    if stack_database.is_postgresql():
        # The server's files are its own; what it stores is what the CLI wrote, read back whole.
        with stack_database.connect() as db:
            data = repr(db.execute("SELECT * FROM exchange_connections").fetchall()).encode()
    else:
        with closing(sqlite3.connect(database())) as db:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        data = database_file_bytes(database())
    for vector in V[:2]:
        assert vector["plaintext"].encode() not in data


def test_import_legacy_bad_row_imports_nothing(user):
    email, _ = user
    rows = good_rows()
    salt, iv, tag, ct = V[0]["ciphertext"].split(":")
    rows[1]["api_secret_encrypted"] = ":".join([salt, iv, tag[::-1], ct])
    r = cli("import-legacy", "--user", email, write_rows(rows), check=False,
            env_extra={"HOLDFAST_LEGACY_ENCRYPTION_KEY": LEGACY["encryption_key"]})
    assert r.returncode != 0
    assert "row 1" in r.stderr and "nothing was imported" in r.stderr
    assert V[0]["plaintext"] not in r.stderr + r.stdout
    assert count_for(email) == 0


def test_import_legacy_requires_the_old_key(user):
    r = cli("import-legacy", "--user", user[0], write_rows(good_rows()), check=False,
            env_extra={"HOLDFAST_LEGACY_ENCRYPTION_KEY": ""})
    assert r.returncode != 0 and "HOLDFAST_LEGACY_ENCRYPTION_KEY" in r.stderr
