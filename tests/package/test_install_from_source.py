"""Installing from source on a fresh Debian 12 (issue 18, items 1, 2, 3, 5, 6, 7, 12): `make install
DESTDIR=<root>` stages this build's files into a debootstrap root with no Swift toolchain, then configure runs in
the root as the Debian package's postinst or a live `make install` would run it (no systemd there), and nginx is
started by hand on the site's ports.

One root serves the module (apt-get in a fresh root takes most of a minute); a test that changes a setting puts it
back. The site listens on 3311 (plain HTTP) and 3312 (HTTPS), never 80/443, which other tests on this machine may
use; and since a site listens on every address, the root's nginx runs in a network namespace of its own (only
loopback in it), entered with nsenter to talk to it.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import stat
import subprocess
import time
from pathlib import Path

import pytest

from debian_root import DebianRoot

REPO = Path(__file__).resolve().parents[2]
BIN = Path(os.environ.get("BIN_DIR", REPO / ".build/release"))
ROOTS = Path(os.environ.get("HOLDFAST_ROOTS_DIR", "/var/tmp/holdfast-roots"))
PREFIX = "/usr/local"
CONFIGURE = f"{PREFIX}/libexec/holdfast/configure"
SETTINGS = "/etc/holdfast/holdfast.env"
HTTP_PORT, HTTPS_PORT = 3311, 3312
# nginx, the snakeoil tool, and the shared libraries the binaries still load from the system.
PACKAGES = "nginx ssl-cert openssl libfcgi0ldbl libsqlite3-0 libssl3 libcurl4 libpq5"
SNAKEOIL = ("/etc/ssl/certs/ssl-cert-snakeoil.pem", "/etc/ssl/private/ssl-cert-snakeoil.key")


def make_install(destdir: Path) -> subprocess.CompletedProcess:
    """`make install DESTDIR=...` from the host: the staging step only (install.sh)."""
    return subprocess.run(["make", "-s", "-C", str(REPO), "install", f"DESTDIR={destdir}", f"PREFIX={PREFIX}",
                           f"RELEASE_BIN={BIN}"], capture_output=True, text=True, timeout=300, check=True)


def configure(root: DebianRoot, check: bool = True, **env: str) -> subprocess.CompletedProcess:
    """Runs configure in the root (as root, with only `env` besides PATH); with `check`, a failure shows its output."""
    result = root.run(CONFIGURE, env=env, check=False, timeout=300)
    if check and result.returncode != 0:
        raise AssertionError(f"configure exited {result.returncode}:\n{result.stderr}")
    return result


def start_nginx(root: DebianRoot) -> int:
    """Starts the root's nginx (`DebianRoot.start_nginx`) and waits until it answers on HTTP_PORT; returns the
    master's pid, whose namespace `http_get` enters."""
    pid = root.start_nginx()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            http_get(pid, HTTP_PORT, "localhost")
            return pid
        except AssertionError:
            time.sleep(0.1)
    raise AssertionError("the root's nginx did not start answering within 20 s")


def http_get(pid: int, port: int, host: str, path: str = "/", scheme: str = "http",
             body: Path | None = None) -> tuple[str, dict[str, str]]:
    """A GET to the root's nginx, from inside its network namespace: status line and headers (the body into
    `body` when given). HTTPS accepts the self-signed snakeoil certificate."""
    result = subprocess.run(["nsenter", "-t", str(pid), "-n", "curl", "-sS", "-k", "-o", str(body or "/dev/null"),
                             "-D", "-", "--max-time", "10", "-H", f"Host: {host}", f"{scheme}://127.0.0.1:{port}{path}"],
                            capture_output=True, text=True, timeout=30)
    if result.returncode != 0:
        raise AssertionError(f"no answer on port {port}: {result.stderr}")
    # text=True has turned curl's CRLF line ends into "\n".
    head = result.stdout.split("\n\n", 1)[0].splitlines()
    headers = {}
    for line in head[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return head[0], headers


def read_setting(root: DebianRoot, name: str) -> str:
    lines = root.host_path(SETTINGS).read_text().splitlines()
    return [line.split("=", 1)[1] for line in lines if line.startswith(f"{name}=")][-1]


class EditedSettings:
    """Sets one line of the root's holdfast.env for a `with` block, then puts the file back as it was."""

    def __init__(self, root: DebianRoot, name: str, value: str):
        self.path, self.name, self.value = root.host_path(SETTINGS), name, value

    def __enter__(self):
        self.before = self.path.read_text()
        lines = [line for line in self.before.splitlines() if not line.startswith(f"{self.name}=")]
        self.path.write_text("\n".join(lines + [f"{self.name}={self.value}"]) + "\n")

    def __exit__(self, *exc):
        self.path.write_text(self.before)


def snapshot(root: DebianRoot, *folders: str) -> dict[str, tuple[str, str]]:
    """Every path under the folders with its mode, owner, link target and content hash."""
    entries = {}
    for folder in folders:
        base = root.host_path(folder)
        for path in sorted([base, *base.rglob("*")]):
            info = path.lstat()
            if stat.S_ISLNK(info.st_mode):
                detail = "-> " + os.readlink(path)
            elif stat.S_ISREG(info.st_mode):
                detail = hashlib.sha256(path.read_bytes()).hexdigest()
            else:
                detail = ""
            entries[str(path)] = (f"{stat.filemode(info.st_mode)} {info.st_uid}:{info.st_gid}", detail)
    return entries


@pytest.fixture(scope="module")
def installed():
    """A Debian 12 root with nginx and ssl-cert installed (services never started by the packages), the snakeoil
    pair deleted as in an image that never generated it, this build staged with DESTDIR, configured once with
    SERVER_NAME and the test ports, and nginx started on those ports."""
    ROOTS.mkdir(parents=True, exist_ok=True)
    folder = ROOTS / f"install-from-source-{os.getpid()}"
    shutil.rmtree(folder, ignore_errors=True)
    root = DebianRoot.fresh(folder)
    try:
        # No package may start a service in the root: nginx's postinst would listen on port 80.
        root.run("printf '#!/bin/sh\\nexit 101\\n' > /usr/sbin/policy-rc.d && chmod 0755 /usr/sbin/policy-rc.d")
        root.run(f"apt-get install -y -q --no-install-recommends {PACKAGES}", timeout=900)
        root.run(f"rm -f {' '.join(SNAKEOIL)}")
        staged = make_install(root.path)
        first = configure(root, SERVER_NAME="holdfast.test", HTTP_PORT=str(HTTP_PORT), HTTPS_PORT=str(HTTPS_PORT))
        # Debian's default site (port 80) is off, so nginx listens on the test ports only.
        dump = root.run("nginx -T 2>/dev/null").stdout
        assert not re.search(r"^\s*listen\s+(\[::\]:)?(80|443)\b", dump, re.M), "the root's nginx still listens on 80/443"
        nginx = start_nginx(root)
        yield {"root": root, "staged": staged, "first": first, "nginx": nginx}
    finally:
        root.close()


# ---- 1. nginx -t before anything is enabled ----

def test_a_missing_snakeoil_pair_is_generated_and_nginx_t_is_shown(installed):
    root, first = installed["root"], installed["first"]
    assert "generated Debian's snakeoil certificate" in first.stderr, first.stderr
    for path in SNAKEOIL:
        assert root.host_path(path).is_file(), path
    # nginx -t's own words are shown, warnings included, never swallowed.
    assert "configure: nginx -t: nginx: configuration file /etc/nginx/nginx.conf test is successful" in first.stderr
    root.run("nginx -t")


def test_an_unloadable_certificate_fails_and_nginx_keeps_its_previous_configuration(installed):
    root = installed["root"]
    site = root.host_path("/etc/nginx/sites-available/holdfast").read_text()
    nginx_files = snapshot(root, "/etc/nginx")
    with EditedSettings(root, "HOLDFAST_TLS_CERT", "/etc/ssl/certs/missing.pem"):
        result = configure(root, check=False)
    assert result.returncode != 0, result.stderr
    assert 'cannot load certificate "/etc/ssl/certs/missing.pem"' in result.stderr, result.stderr
    assert "set HOLDFAST_TLS_CERT and HOLDFAST_TLS_KEY" in result.stderr and SETTINGS in result.stderr
    assert "put the previous nginx files back" in result.stderr
    # Exactly the files that were there, and nginx still accepts them and still serves.
    assert snapshot(root, "/etc/nginx") == nginx_files
    assert root.host_path("/etc/nginx/sites-available/holdfast").read_text() == site
    root.run("nginx -t")
    status, _ = http_get(installed["nginx"], HTTP_PORT, "holdfast.test")
    assert status.startswith("HTTP/1.1 301"), status


# ---- 2. self-contained binaries ----

def test_the_binaries_need_no_swift_toolchain(installed):
    root = installed["root"]
    for name in ("holdfast", "holdfast-fcgi", "holdfast-sync"):
        dynamic = subprocess.run(["readelf", "-d", str(BIN / name)], capture_output=True, text=True, check=True).stdout
        assert "RUNPATH" not in dynamic and "RPATH" not in dynamic, dynamic
        needed = re.findall(r"\(NEEDED\)\s+Shared library: \[([^]]+)\]", dynamic)
        assert needed and not [lib for lib in needed if re.match(r"lib(swift|Foundation|_Foundation|dispatch|BlocksRuntime)", lib)], needed
        linked = root.run(f"ldd {PREFIX}/libexec/holdfast/{name}").stdout
        assert "not found" not in linked, linked
        if name != "holdfast-fcgi":  # the responder takes no arguments; it is started below
            root.run(f"{PREFIX}/bin/{name} --help")
    assert not list(root.host_path("/usr").glob("**/libswiftCore.so"))
    # configure migrated the database as the service user; a second migrate finds nothing to do.
    database = root.host_path("/var/lib/holdfast/holdfast.sqlite")
    assert database.is_file() and database.stat().st_uid == int(root.run("id -u holdfast").stdout)
    root.run("holdfast migrate", user="holdfast")


def test_the_responder_from_the_root_answers_through_the_site(installed, tmp_path):
    """holdfast-fcgi started by hand as the service user (its wrapper finds the settings and keys) on the socket
    the site names; /health through nginx's HTTPS server says the database is migrated."""
    root = installed["root"]
    root.run("install -d -o holdfast -g www-data -m 0750 /run/holdfast")
    # nginx's workers (www-data) connect; systemd's socket unit would give the group, by hand the mode does.
    responder = root.popen("holdfast-fcgi", user="holdfast", env={"HOLDFAST_SOCKET_MODE": "0666"},
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 20
        while not root.host_path("/run/holdfast/fcgi.sock").exists():
            assert responder.poll() is None, responder.stderr.read()
            assert time.monotonic() < deadline, "the responder made no socket within 20 s"
            time.sleep(0.1)
        body = tmp_path / "health.json"
        status, headers = http_get(installed["nginx"], HTTPS_PORT, "holdfast.test", "/health", scheme="https", body=body)
        assert status.startswith("HTTP/2 200") or status.startswith("HTTP/1.1 200"), status
        assert '"migrations":"current"' in body.read_text(), body.read_text()
        assert headers.get("strict-transport-security") == "max-age=63072000", headers
    finally:
        responder.terminate()
        try:
            responder.wait(timeout=30)
        except subprocess.TimeoutExpired:
            responder.kill()


# ---- 3. Debian's default site ----

def test_plain_http_gets_the_redirect_with_the_default_site_installed(installed):
    root, first = installed["root"], installed["first"]
    assert "disabled Debian's stock default site" in first.stderr, first.stderr
    assert not root.host_path("/etc/nginx/sites-enabled/default").exists()
    assert root.host_path("/etc/nginx/sites-available/default").is_file()
    # Holdfast's name, and a name nobody configured (a visit by IP address), the one Debian's default took.
    for host in ("holdfast.test", "203.0.113.7"):
        status, headers = http_get(installed["nginx"], HTTP_PORT, host, "/portfolio?x=1")
        assert status.startswith("HTTP/1.1 301"), (host, status)
        assert headers["location"] == f"https://{host}:{HTTPS_PORT}/portfolio?x=1", headers


def test_a_default_site_the_operator_changed_is_left_alone(installed):
    """Only Debian's unmodified stock site is disabled: one the operator edited (here: moved to another port)
    serves something of theirs, so it stays enabled, with a warning."""
    root = installed["root"]
    default = root.host_path("/etc/nginx/sites-available/default")
    link = root.host_path("/etc/nginx/sites-enabled/default")
    stock = default.read_text()
    assert "listen 80 default_server;" in stock and "listen [::]:80 default_server;" in stock
    default.write_text(stock.replace("listen 80 default_server;", "listen 3315 default_server;")
                            .replace("listen [::]:80 default_server;", "listen [::]:3315 default_server;"))
    link.symlink_to("/etc/nginx/sites-available/default")
    try:
        result = configure(root)
        assert link.is_symlink(), result.stderr
        assert "warning: kept /etc/nginx/sites-enabled/default (not Debian's unmodified stock site)" in result.stderr
    finally:
        link.unlink(missing_ok=True)
        default.write_text(stock)
        configure(root)


# ---- 5. one settings file, never reverted ----

def test_settings_survive_a_second_configure_and_a_differing_value_is_warned(installed):
    root = installed["root"]
    before = root.host_path(SETTINGS).read_text()
    assert read_setting(root, "HOLDFAST_SERVER_NAME") == "holdfast.test"
    assert read_setting(root, "HOLDFAST_HTTP_PORT") == str(HTTP_PORT)
    result = configure(root, SERVER_NAME="other.test")
    line = before.splitlines().index("HOLDFAST_SERVER_NAME=holdfast.test") + 1
    assert (f"warning: SERVER_NAME=other.test was not applied: {SETTINGS} keeps HOLDFAST_SERVER_NAME=holdfast.test "
            f"(line {line})") in result.stderr, result.stderr
    assert root.host_path(SETTINGS).read_text() == before
    # Every run says what it used.
    for name, value in (("HOLDFAST_SERVER_NAME", "holdfast.test"), ("HOLDFAST_HTTPS_PORT", str(HTTPS_PORT))):
        assert f"configure:   {name}={value}\n" in result.stderr
    assert "server_name holdfast.test;" in root.host_path("/etc/nginx/sites-available/holdfast").read_text()

    # An edit of the file is what changes the site, and a later plain configure keeps it.
    with EditedSettings(root, "HOLDFAST_CORS_ORIGIN", "https://app.holdfast.test"):
        configure(root)
        configure(root)
        http_conf = root.host_path("/etc/nginx/holdfast/holdfast-http.conf").read_text()
        assert '"https://app.holdfast.test" "https://app.holdfast.test";' in http_conf
    configure(root)
    assert "localhost:5173" in root.host_path("/etc/nginx/holdfast/holdfast-http.conf").read_text()


def test_an_upgrade_from_a_site_written_once_keeps_its_name_in_the_settings(installed):
    """An install before the settings file held the site wrote the site once and left it to the operator, who put
    the name there. Upgrading must not revert it to `_`: configure moves it into holdfast.env and keeps the old
    file beside the new rendering."""
    root = installed["root"]
    settings, site = root.host_path(SETTINGS), root.host_path("/etc/nginx/sites-available/holdfast")
    before = {settings: settings.read_text(), site: site.read_text()}
    old_settings = [line for line in before[settings].splitlines() if not line.startswith("HOLDFAST_SERVER_NAME=")]
    settings.write_text("\n".join(old_settings) + "\n")
    old_site = "\n".join(line for line in before[site].splitlines() if not line.startswith("# Rendered by configure"))
    site.write_text(old_site.replace("server_name holdfast.test;", "server_name old.holdfast.test;") + "\n")
    try:
        result = configure(root)
        assert f"added HOLDFAST_SERVER_NAME=old.holdfast.test to {SETTINGS}" in result.stderr, result.stderr
        assert read_setting(root, "HOLDFAST_SERVER_NAME") == "old.holdfast.test"
        assert "server_name old.holdfast.test;" in site.read_text()
        assert "kept as /etc/nginx/holdfast/site.previous" in result.stderr
        assert "old.holdfast.test" in root.host_path("/etc/nginx/holdfast/site.previous").read_text()
    finally:
        for path, text in before.items():
            path.write_text(text)
        configure(root)
    assert "server_name holdfast.test;" in site.read_text()


def test_configure_backs_up_an_existing_database_before_migrating(installed):
    """The first configure found no database (nothing to back up, no line); every later one copies it into
    backups/ as the service user before `holdfast migrate`."""
    root, first = installed["root"], installed["first"]
    assert "backed up" not in first.stderr and "without a backup" not in first.stderr, first.stderr
    result = configure(root)
    match = re.search(r"backed up the database to (/var/lib/holdfast/backups/holdfast-\d{8}T\d{6}Z(?:-\d+)?\.sqlite)\n",
                      result.stderr)
    assert match, result.stderr
    backup = root.host_path(match.group(1))
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert backup.stat().st_uid == int(root.run("id -u holdfast").stdout)


def test_configure_again_changes_nothing(installed):
    root = installed["root"]
    folders = ("/etc/holdfast", "/etc/nginx", PREFIX, "/etc/systemd/system")
    before = snapshot(root, *folders)
    result = configure(root)
    assert "generated" not in result.stderr and "wrote" not in result.stderr, result.stderr
    assert snapshot(root, *folders) == before
    # The package's postinst leaves the units to its own systemd helpers.
    result = configure(root, HOLDFAST_CONFIGURE_SYSTEMD="0")
    assert "units left to the caller (HOLDFAST_CONFIGURE_SYSTEMD=0)" in result.stderr
    assert snapshot(root, *folders) == before


# ---- 6. staging holds no secrets ----

def test_a_destdir_stage_holds_no_secrets_or_settings(tmp_path):
    result = make_install(tmp_path)
    assert "staged into" in result.stderr
    assert not (tmp_path / "etc/holdfast").exists() and not (tmp_path / "var").exists()
    assert not (tmp_path / "etc/nginx").exists()
    assert sorted(p.name for p in (tmp_path / "etc").rglob("*") if p.is_file()) == sorted(
        ["holdfast-fcgi.service", "holdfast-fcgi.socket", "holdfast-sync.service", "holdfast-sync.timer"])
    secret_like = re.compile(rb"\b[0-9a-f]{64}\b")
    for path in tmp_path.rglob("*"):
        if path.is_file() and b"\0" not in path.read_bytes()[:4096]:
            assert not secret_like.search(path.read_bytes()), path
    # What configure writes on the target comes from templates, with no host's values in them.
    example = (tmp_path / PREFIX.lstrip("/") / "share/holdfast/holdfast.env.example").read_text()
    assert "HOLDFAST_SERVER_NAME=_\n" in example and f"HOLDFAST_MIGRATIONS_DIR={PREFIX}/share/holdfast/migrations\n" in example


# ---- 7. every installed command finds the settings ----

def test_holdfast_sync_by_hand_finds_the_service_settings(installed):
    root = installed["root"]
    result = root.run("holdfast-sync --dry-run", user="holdfast", check=False)
    assert result.returncode == 0, result.stderr
    # The wrapper is what finds them: the bare binary, with the same clean environment, does not.
    bare = root.run(f"{PREFIX}/libexec/holdfast/holdfast-sync --dry-run", user="holdfast", check=False)
    assert bare.returncode != 0 and "HOLDFAST_DATABASE" in bare.stderr, bare.stderr
    # As root the wrappers refuse (a file root creates would lock the services out), saying how to run them.
    refused = root.run("holdfast-sync --dry-run", check=False)
    assert refused.returncode == 64 and "sudo -u holdfast holdfast-sync" in refused.stderr


# ---- 12. HOLDFAST_WORKERS against nginx's worker processes ----

def test_a_short_worker_count_is_warned(installed):
    root = installed["root"]
    # Debian's nginx.conf says worker_processes auto: one per CPU the root's nginx may use.
    processes = int(root.run("nproc").stdout)
    needed = 16 * processes + 32  # keepalive 16 per nginx worker, plus HOLDFAST_EXCHANGE_CONCURRENCY's 32
    with EditedSettings(root, "HOLDFAST_WORKERS", str(needed)):
        result = configure(root)
    assert f"warning: HOLDFAST_WORKERS={needed} is too few for nginx: {processes} worker processes" in result.stderr
    assert f"Set HOLDFAST_WORKERS={needed + 16} in {SETTINGS}" in result.stderr, result.stderr
    with EditedSettings(root, "HOLDFAST_WORKERS", str(needed + 1)):
        result = configure(root)
    assert "is too few for nginx" not in result.stderr, result.stderr
    # Debian's 768 worker_connections is still reported, as before.
    assert "has worker_connections 768" in result.stderr


# ---- make install on the machine itself ----

def test_sudo_make_install_with_a_server_name_installs_and_configures(debian_root):
    """The README's command as an operator types it, on the server: `sudo make install SERVER_NAME=...` from a
    checkout holding a release build (copied into the root; the root has no Swift). The variable survives sudo
    and lands in the settings file; the stage and configure steps both ran."""
    source = debian_root.host_path("/src")
    source.mkdir()
    for part in ("Makefile", "README.md", "Deploy", "nginx", "Migrations", "web", "scripts"):
        copy = shutil.copytree if (REPO / part).is_dir() else shutil.copy2
        copy(REPO / part, source / part)
    (source / "bin").mkdir()
    for name in ("holdfast", "holdfast-fcgi", "holdfast-sync"):
        shutil.copy2(BIN / name, source / "bin" / name)
    debian_root.run("printf '#!/bin/sh\\nexit 101\\n' > /usr/sbin/policy-rc.d && chmod 0755 /usr/sbin/policy-rc.d")
    debian_root.run(f"apt-get install -y -q --no-install-recommends {PACKAGES} make sudo", timeout=900)

    result = debian_root.run("cd /src && sudo make install SERVER_NAME=live.holdfast.test HTTP_PORT=3313 "
                             "HTTPS_PORT=3314 RELEASE_BIN=/src/bin", check=False, timeout=600)
    assert result.returncode == 0, result.stderr
    assert "installed the files under /usr/local" in result.stderr
    assert "configure:   HOLDFAST_SERVER_NAME=live.holdfast.test" in result.stderr
    assert read_setting(debian_root, "HOLDFAST_SERVER_NAME") == "live.holdfast.test"
    assert "server_name live.holdfast.test;" in debian_root.host_path("/etc/nginx/sites-available/holdfast").read_text()
    assert debian_root.host_path("/var/lib/holdfast/holdfast.sqlite").is_file()
    debian_root.run("nginx -t")
