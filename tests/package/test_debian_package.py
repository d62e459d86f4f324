"""The Debian package (make deb) in a fresh Debian 12 root without a Swift toolchain: installed from the registry
with its dependencies, served through nginx, synced against the sandbox on the host, upgraded (backup, data kept,
new migration applied), refused a downgrade across a schema change, purged; refused beside a source install; its
Depends computed from the binaries and lintian clean.

The packages are built once per session from the release build (BIN_DIR): the current one as 1.0.0, and a newer
1.0.1 from a copy of the tree with one extra, harmless migration, as the next release would add."""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BIN = Path(os.environ.get("BIN_DIR", REPO / ".build/release")).resolve()
OLD_VERSION, NEW_VERSION = "1.0.0", "1.0.1"
# Ports of this suite (3601-3640): never 80/443, which other tests on this machine may use.
HTTP_PORT, HTTPS_PORT = 3611, 3612
SANDBOX_PORT_BASE = 17600
KUCOIN_ADMIN_PORT = SANDBOX_PORT_BASE + 5  # binance, coinbase, coinbaseexchange, kraken, kucoin: base+1 ... base+5
SERVICE_PATH = "PATH=/usr/sbin:/usr/bin:/sbin:/bin"
LIBEXEC = "/usr/libexec/holdfast"
DATABASE = "/var/lib/holdfast/holdfast.sqlite"


# --- building ---------------------------------------------------------------------------------------------

def build_deb(source: Path, version: str, out: Path) -> Path:
    """Runs Deploy/build-deb.sh (what make deb runs) on `source` and returns the .deb it printed; gzip rather than
    xz, the one difference from make deb, saves about two minutes per session."""
    result = subprocess.run([str(REPO / "Deploy/build-deb.sh")], capture_output=True, text=True, timeout=600,
                            env={**os.environ, "SOURCE": str(source), "BIN_DIR": str(BIN), "VERSION": version,
                                 "OUT_DIR": str(out), "COMPRESSION": "gzip"})
    assert result.returncode == 0, result.stderr
    return Path(result.stdout.strip().splitlines()[-1])


def next_migration_name(migrations: Path) -> str:
    last = max(int(path.name.split("_", 1)[0]) for path in migrations.glob("*.sql"))
    return f"{last + 1:04d}_package_upgrade_probe"


@pytest.fixture(scope="session")
def packages(tmp_path_factory):
    """(old .deb, new .deb, the new one's extra migration name)."""
    if not (BIN / "holdfast").exists():
        pytest.fail(f"no release build in {BIN}: make build")
    out = tmp_path_factory.mktemp("debs")
    old = build_deb(REPO, OLD_VERSION, out)
    newer = tmp_path_factory.mktemp("newer-tree")
    for part in ("Deploy", "Migrations", "nginx", "web"):
        shutil.copytree(REPO / part, newer / part)
    for part in ("README.md", "VERSION"):
        shutil.copy(REPO / part, newer / part)
    probe = next_migration_name(newer / "Migrations")
    (newer / "Migrations" / f"{probe}.sql").write_text(
        "-- A harmless migration for the package upgrade test.\nCREATE TABLE package_upgrade_probe (id INTEGER PRIMARY KEY);\n")
    new = build_deb(newer, NEW_VERSION, out)
    return old, new, probe


# --- the root ---------------------------------------------------------------------------------------------

def prepare(root) -> None:
    """A root where a package's services are never started by dpkg (policy-rc.d 101, as in any image build):
    nginx's own postinst would otherwise bind port 80 on this machine's network."""
    policy = root.host_path("/usr/sbin/policy-rc.d")
    policy.write_text("#!/bin/sh\nexit 101\n")
    policy.chmod(0o755)


def copy_in(root, deb: Path) -> str:
    inside = f"/tmp/{deb.name}"
    shutil.copy(deb, root.host_path(inside))
    return inside


def install(root, deb: Path) -> subprocess.CompletedProcess:
    """apt-get install of a local .deb: its dependencies come from the registry."""
    result = root.run(f"apt-get install -y -q {copy_in(root, deb)}", timeout=600, check=False)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result


def as_holdfast(root, command: str, *, check: bool = True, input: str | None = None) -> subprocess.CompletedProcess:
    return root.run(command, user="holdfast", check=check, input=input)


def stat(root, path: str) -> str:
    """`owner:group mode` of a path in the root."""
    return root.run(f"stat -c '%U:%G %a' {path}").stdout.strip()


def sha256(root, path: str) -> str:
    return hashlib.sha256(root.host_path(path).read_bytes()).hexdigest()


def migration_status(root) -> dict[str, str]:
    out = as_holdfast(root, "holdfast migrate --status").stdout
    return {name: state for state, name in (line.split(" ", 1) for line in out.splitlines() if line.strip())}


def set_settings(root, values: dict[str, str]) -> None:
    """Replaces or appends KEY=value lines of /etc/holdfast/holdfast.env, as an operator edits it."""
    path = root.host_path("/etc/holdfast/holdfast.env")
    lines = path.read_text().splitlines()
    for key, value in values.items():
        lines = [line for line in lines if not line.startswith(f"{key}=")] + [f"{key}={value}"]
    path.write_text("\n".join(lines) + "\n")


def unit_command(root, unit: str, *, env: dict[str, str] | None = None, args: str = "") -> str:
    """A shell command that runs the unit's ExecStart as systemd would here: its Environment= defaults, then its
    EnvironmentFile= (which wins), the secrets where LoadCredential= reads them, ${VAR} expanded; `env` adds what
    systemd itself would supply (the socket), `args` goes after ExecStart's own arguments."""
    text = root.host_path(f"/lib/systemd/system/{unit}").read_text()
    exec_start = re.search(r"^ExecStart=(.+)$", text, re.M).group(1)
    assert exec_start.startswith(LIBEXEC + "/"), exec_start
    defaults = re.findall(r"^Environment=(\S+)$", text, re.M)
    defaults += [f"{key}={value}" for key, value in (env or {}).items()]
    sources = "".join(f". {path}; " for path in re.findall(r"^EnvironmentFile=(\S+)$", text, re.M))
    return (f"env -i {SERVICE_PATH} LANG=C.UTF-8 CREDENTIALS_DIRECTORY=/etc/holdfast {' '.join(defaults)} "
            f"sh -c 'set -a; {sources}set +a; exec {exec_start} {args}'")


def wait_until(condition, what: str, seconds: float = 20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            value = condition()
            if value:
                return value
        except (OSError, AssertionError):
            pass
        time.sleep(0.1)
    raise AssertionError(f"{what} within {seconds} s")


# --- the root's nginx --------------------------------------------------------------------------------------
# In a network namespace of its own (DebianRoot.start_nginx); requests enter it with nsenter. The responder stays
# in this machine's namespace, where it reaches the sandbox; nginx reaches the responder through its unix socket.

def https(nginx: int, method: str, path: str, body=None, token=None, csrf=None) -> tuple[int, dict]:
    """A request to the root's nginx (master pid `nginx`) on HTTPS_PORT, from inside its network namespace
    (Debian's self-signed snakeoil certificate): the status and the JSON body ({} when there is none)."""
    command = ["nsenter", "-t", str(nginx), "-n", "curl", "-sSk", "--max-time", "30", "-X", method,
               "-o", "-", "-w", "\n%{http_code}"]
    if body is not None:
        command += ["-H", "Content-Type: application/json", "--data-binary", json.dumps(body)]
    if token:
        command += ["-H", f"Authorization: Bearer {token}"]
    if csrf:
        command += ["-H", f"X-CSRF-Token: {csrf}"]
    result = subprocess.run([*command, f"https://127.0.0.1:{HTTPS_PORT}{path}"], capture_output=True, text=True,
                            timeout=60)
    if result.returncode != 0:
        raise AssertionError(f"{method} {path}: no answer from nginx: {result.stderr}")
    payload, _, status = result.stdout.rpartition("\n")
    return int(status), (json.loads(payload) if payload.startswith("{") else {})


def sandbox_admin(port: int, body: dict) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("POST", "/__sandbox/fixture", body=json.dumps(body),
                           headers={"Content-Type": "application/json"})
        response = connection.getresponse()
        assert response.status == 200, (response.status, response.read())
    finally:
        connection.close()


@pytest.fixture
def sandbox():
    """The sandbox exchanges on the host's loopback (SANDBOX_PORT_BASE + 1 ... + 8): (its base-URL settings, the
    demo accounts)."""
    process = subprocess.Popen([str(BIN / "holdfast-sandbox"), "--port-base", str(SANDBOX_PORT_BASE)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until(lambda: socket.create_connection(("127.0.0.1", KUCOIN_ADMIN_PORT), timeout=1).close() or True,
                   "the sandbox listening")
        environment = subprocess.run([str(BIN / "holdfast-sandbox"), "--port-base", str(SANDBOX_PORT_BASE),
                                      "--print-environment"], capture_output=True, text=True, check=True).stdout
        fixture = subprocess.run([str(BIN / "holdfast-sandbox"), "--print-fixture"], capture_output=True, text=True,
                                 check=True).stdout
        settings = dict(line.split("=", 1) for line in environment.splitlines() if "=" in line)
        yield settings, json.loads(fixture)["accounts"]
    finally:
        process.terminate()
        process.wait(10)


# --- the tests --------------------------------------------------------------------------------------------

def test_the_package_depends_on_libraries_from_debian_and_ships_no_secret(packages):
    old, _, _ = packages
    depends = subprocess.run(["dpkg-deb", "-f", str(old), "Depends"], capture_output=True, text=True,
                             check=True).stdout
    for package in ("libc6", "libsqlite3-0", "libssl3", "libfcgi0ldbl", "libpq5", "nginx", "openssl", "ssl-cert", "passwd"):
        assert re.search(rf"(^|, ){re.escape(package)}\b", depends), (package, depends)
    assert "swift" not in depends.lower()
    contents = subprocess.run(["dpkg-deb", "-c", str(old)], capture_output=True, text=True, check=True).stdout
    paths = [line.split()[-1].lstrip(".") for line in contents.splitlines()]
    for expected in (f"{LIBEXEC}/holdfast", f"{LIBEXEC}/holdfast-fcgi", f"{LIBEXEC}/holdfast-sync",
                     f"{LIBEXEC}/configure", "/usr/bin/holdfast", "/usr/bin/holdfast-sync", "/usr/bin/holdfast-fcgi",
                     "/lib/systemd/system/holdfast-fcgi.socket", "/lib/systemd/system/holdfast-sync.timer",
                     "/usr/share/holdfast/migrations/0001_initial.sql", "/usr/share/holdfast/web/index.html",
                     "/usr/share/holdfast/nginx/sites/holdfast.conf", "/usr/share/doc/holdfast/README.md"):
        assert expected in paths, expected
    assert not [p for p in paths if p.startswith("/etc/holdfast") or p.startswith("/var/lib/holdfast")], paths


def test_lintian_finds_no_error_or_warning(packages):
    old, _, _ = packages
    result = subprocess.run(["lintian", "--fail-on", "error,warning", str(old)], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


def test_install_creates_the_user_and_secrets_migrates_serves_and_syncs(debian_root, packages, sandbox, tmp_path):
    old, _, _ = packages
    root = debian_root
    prepare(root)
    install(root, old)

    # The service user and the secrets, made on this machine at first configuration.
    user = root.run("getent passwd holdfast").stdout.strip().split(":")
    assert int(user[2]) < 1000 and user[5] == "/var/lib/holdfast" and user[6] == "/usr/sbin/nologin", user
    assert stat(root, "/etc/holdfast") == "root:holdfast 750"
    assert stat(root, "/var/lib/holdfast") == "holdfast:holdfast 750"
    for secret in ("jwt-secret", "encryption-key"):
        assert stat(root, f"/etc/holdfast/{secret}") == "root:holdfast 640"
        assert re.fullmatch(r"[0-9a-f]{64}\n", root.host_path(f"/etc/holdfast/{secret}").read_text())
    assert stat(root, "/etc/holdfast/holdfast.env") == "root:holdfast 640"
    assert set(migration_status(root).values()) == {"applied"}
    assert root.host_path(DATABASE).exists()
    # Every command runs from the package alone: no Swift toolchain in this root.
    assert not list(root.host_path("/usr").glob("**/libswiftCore.so"))
    for command in ("holdfast --help", "holdfast-sync --help"):
        assert as_holdfast(root, command, check=False).returncode == 0, command

    # The operator's settings: this suite's ports and the sandbox's exchanges; configure renders the site again.
    settings, accounts = sandbox
    set_settings(root, {"HOLDFAST_HTTP_PORT": str(HTTP_PORT), "HOLDFAST_HTTPS_PORT": str(HTTPS_PORT), **settings})
    root.run(f"{LIBEXEC}/configure")
    assert not root.host_path("/etc/nginx/sites-enabled/default").exists()

    # The responder as holdfast-fcgi.service runs it, on the socket holdfast-fcgi.socket would make.
    root.run("install -d -o holdfast -g www-data -m 2750 /run/holdfast")
    responder_log = tmp_path / "holdfast-fcgi.log"
    with responder_log.open("w") as log:
        root.popen(unit_command(root, "holdfast-fcgi.service",
                                env={"HOLDFAST_SOCKET": "/run/holdfast/fcgi.sock", "HOLDFAST_SOCKET_MODE": "0660"}),
                   user="holdfast", stdout=log, stderr=log)
    wait_until(lambda: root.host_path("/run/holdfast/fcgi.sock").exists(),
               f"the responder's socket ({responder_log.read_text()[-2000:]})")
    nginx = root.start_nginx()
    wait_until(lambda: https(nginx, "GET", "/health")[0] == 200, "GET /health through nginx answering 200")
    status, body = https(nginx, "GET", "/health")
    assert status == 200 and body["status"] == "ok", body

    # A user, an exchange connection on the sandbox, a sync run by holdfast-sync.service's command.
    as_holdfast(root, "holdfast user add admin@example.com", input="a long passphrase for the test\n")
    status, login = https(nginx, "POST", "/api/v1/auth/login", {"email": "admin@example.com",
                                                         "password": "a long passphrase for the test"})
    assert status == 200, login
    token, csrf = login["token"], login["csrfToken"]
    account = next(a for a in accounts if a["exchange"] == "kucoin" and not a.get("canTrade"))
    status, connected = https(nginx, "POST", "/api/v1/exchanges/connect", {
        "exchange": "kucoin", "apiKey": account["apiKey"], "apiSecret": account["apiSecret"],
        "passphrase": account["passphrase"]}, token, csrf)
    assert status == 201, connected
    connection = connected["connection"]["id"]
    sandbox_admin(KUCOIN_ADMIN_PORT, {"apiKey": account["apiKey"],
                                      "balances": [{"asset": "ADA", "free": "100", "locked": "0"}]})
    sync = as_holdfast(root, unit_command(root, "holdfast-sync.service", args=f"--connection {connection}"), check=False)
    assert sync.returncode == 0, sync.stderr
    status, holdings = https(nginx, "GET", f"/api/v1/exchanges/connections/{connection}/holdings", token=token)
    assert status == 200, holdings
    assert {h["asset"]: h["amount"] for h in holdings["holdings"]} == {"ADA": "100"}


def test_upgrade_backs_up_and_migrates_a_downgrade_is_refused_and_purge_removes_everything(debian_root, packages):
    old, new, probe = packages
    root = debian_root
    prepare(root)
    install(root, old)
    as_holdfast(root, "holdfast user add kept@example.com", input="a long passphrase for the test\n")
    assert probe not in migration_status(root)

    # Upgrade: a backup before the migration, the data kept, the new migration applied.
    install(root, new)
    assert root.run("dpkg-query -W -f '${Version}' holdfast").stdout == NEW_VERSION
    backups = list(root.host_path("/var/lib/holdfast/backups").glob("*.sqlite"))
    assert len(backups) == 1, backups
    assert stat(root, f"/var/lib/holdfast/backups/{backups[0].name}") == "holdfast:holdfast 600"
    with sqlite3.connect(f"file:{backups[0]}?mode=ro", uri=True) as backup:  # taken before the migration
        assert probe not in {name for (name,) in backup.execute("SELECT name FROM schema_migrations")}
    assert "kept@example.com" in as_holdfast(root, "holdfast user list").stdout
    assert migration_status(root)[probe] == "applied"

    # Downgrade across that migration: refused by the old package's preinst before any file is replaced.
    files = [f"{LIBEXEC}/holdfast", f"{LIBEXEC}/holdfast-fcgi", f"{LIBEXEC}/holdfast-sync", f"{LIBEXEC}/configure",
             f"/usr/share/holdfast/migrations/{probe}.sql", DATABASE]
    before = {path: sha256(root, path) for path in files}
    refused = root.run(f"dpkg -i {copy_in(root, old)}", check=False)
    assert refused.returncode != 0
    assert "refusing to install holdfast 1.0.0" in refused.stderr and probe in refused.stderr, refused.stderr
    assert {path: sha256(root, path) for path in files} == before
    assert root.run("dpkg-query -W -f '${Version} ${Status}' holdfast").stdout == f"{NEW_VERSION} install ok installed"
    assert migration_status(root)[probe] == "applied"

    # Purge: files, data, keys, the site's logs and the user gone; the host's nginx still passes nginx -t.
    root.run("touch /var/log/nginx/holdfast.access.log /var/log/nginx/holdfast.access.log.2.gz")
    root.run("apt-get purge -y -q holdfast", timeout=300)
    for path in ("/var/lib/holdfast", "/etc/holdfast", LIBEXEC, "/usr/share/holdfast", "/usr/bin/holdfast",
                 "/var/log/nginx/holdfast.access.log", "/var/log/nginx/holdfast.access.log.2.gz",
                 "/lib/systemd/system/holdfast-fcgi.service", "/etc/nginx/sites-enabled/holdfast",
                 "/etc/nginx/sites-available/holdfast", "/etc/nginx/holdfast"):
        assert not root.host_path(path).exists() and not root.host_path(path).is_symlink(), path
    assert root.run("getent passwd holdfast", check=False).returncode != 0
    assert root.run("getent group holdfast", check=False).returncode != 0
    assert root.run("nginx -t", check=False).returncode == 0


def test_a_source_install_on_the_machine_is_refused_before_any_file_is_replaced(debian_root, packages):
    old, _, _ = packages
    root = debian_root
    prepare(root)
    # What `make install` copies (PREFIX=/usr/local, units in /etc/systemd/system); its configure need not run.
    subprocess.run([str(REPO / "Deploy/install.sh")], check=True, capture_output=True, timeout=300,
                   env={**os.environ, "DESTDIR": str(root.path), "PREFIX": "/usr/local", "BIN_DIR": str(BIN)})
    refused = root.run(f"apt-get install -y -q {copy_in(root, old)}", check=False, timeout=600)
    assert refused.returncode != 0
    assert "a source install (make install) is on this machine" in refused.stderr, refused.stderr[-3000:]
    assert not root.host_path(LIBEXEC).exists()
    assert root.run("dpkg-query -W -f '${Status}' holdfast", check=False).stdout != "install ok installed"
