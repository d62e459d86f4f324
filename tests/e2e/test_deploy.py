"""The deployment kit (Deploy/): `make install` staged with DESTDIR into a temp folder (install.sh only: files, no
secrets or settings), then checked the way the target machine would: `systemd-analyze verify` on the installed
units, `nginx -t` on the site rendered from the installed templates, the installed binaries started as systemd
would start them (socket activation, credentials directory). configure itself, which needs root and a whole
machine, runs in a Debian root in tests/package/test_install_from_source.py.

Nothing here touches the real system or the running test stack: every path is under a temp folder, and the
responder listens on a temp unix socket.
"""
import hashlib
import os
import re
import shutil
import signal
import stat
import subprocess
import time
from pathlib import Path

import pytest

from conftest import BIN, ROOT

UNITS = ["holdfast-fcgi.socket", "holdfast-fcgi.service", "holdfast-sync.service", "holdfast-sync.timer"]
PLACEHOLDER = re.compile(rb"@[A-Z_]+@")


def run(*args, env=None, check=True, **kw):
    result = subprocess.run(args, env=env, capture_output=True, text=True, timeout=120, **kw)
    if check and result.returncode != 0:
        raise AssertionError(f"{args} exited {result.returncode}\nstdout: {result.stdout}\nstderr: {result.stderr}")
    return result


def make_install(stage, prefix, target="install", **extra):
    """`make install` (or uninstall) with DESTDIR: the exact entry point an operator or a packager uses."""
    env = dict(os.environ, DESTDIR=str(stage), PREFIX=str(prefix), **extra)
    # `make install` reads the build from RELEASE_BIN (.build/release); point it at BIN_DIR if the suite has one.
    return run("make", "-s", "-C", str(ROOT), target, f"RELEASE_BIN={BIN}", env=env)


def snapshot(folder):
    """Every path under folder with its type, mode, link target and content hash."""
    entries = {}
    for path in sorted(folder.rglob("*")):
        info = path.lstat()
        if stat.S_ISLNK(info.st_mode):
            detail = "-> " + os.readlink(path)
        elif stat.S_ISREG(info.st_mode):
            detail = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            detail = ""
        entries[str(path.relative_to(folder))] = (stat.filemode(info.st_mode), detail)
    return entries


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A staged install. PREFIX is a temp path too, linked to the staged copy, so the rendered units name
    binaries that exist on this machine (what `systemd-analyze verify` checks) exactly as installed."""
    base = tmp_path_factory.mktemp("deploy")
    stage, prefix = base / "stage", base / "prefix"
    cert, key = base / "cert.pem", base / "key.pem"
    run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=holdfast.test",
        "-keyout", str(key), "-out", str(cert))
    make_install(stage, prefix)
    prefix.symlink_to(stage / str(prefix).lstrip("/"))
    return {"base": base, "stage": stage, "prefix": prefix, "cert": cert, "key": key}


def installed_settings(installed, tmp_path):
    """The settings a first configure writes (the installed holdfast.env.example), with the state paths moved into
    the temp folder, and a credentials directory of fresh secrets as LoadCredential= provides."""
    settings = {}
    example = installed["prefix"] / "share/holdfast/holdfast.env.example"
    for line in example.read_text().splitlines():
        if line and not line.startswith("#"):
            name, value = line.split("=", 1)
            settings[name] = value
    settings["HOLDFAST_DATABASE"] = str(tmp_path / "holdfast.sqlite")
    settings["HOLDFAST_NONCE_DIRECTORY"] = str(tmp_path / "nonces")
    credentials = tmp_path / "credentials"
    credentials.mkdir()
    for name in ("jwt-secret", "encryption-key"):
        (credentials / name).write_text(os.urandom(32).hex() + "\n")
    (credentials / "encryption-keys-previous").write_text("\n")
    return settings, credentials


def test_install_lays_out_the_tree_with_modes(installed):
    stage, prefix = installed["stage"], str(installed["prefix"]).lstrip("/")
    expected = {
        f"{prefix}/libexec/holdfast/holdfast": 0o755,
        f"{prefix}/libexec/holdfast/holdfast-fcgi": 0o755,
        f"{prefix}/libexec/holdfast/holdfast-sync": 0o755,
        f"{prefix}/libexec/holdfast/configure": 0o755,
        f"{prefix}/libexec/holdfast/render-nginx": 0o755,
        f"{prefix}/bin/holdfast-fcgi": 0o755,
        f"{prefix}/bin/holdfast-sync": 0o755,
        f"{prefix}/bin/holdfast": 0o755,
        f"{prefix}/share/holdfast/holdfast.env.example": 0o644,
        f"{prefix}/share/holdfast/migrations/0001_initial.sql": 0o644,
        f"{prefix}/share/holdfast/nginx/sites/holdfast.conf": 0o644,
        f"{prefix}/share/holdfast/nginx/snippets/holdfast-locations.conf": 0o644,
        f"{prefix}/share/holdfast/web/index.html": 0o644,
        **{f"etc/systemd/system/{unit}": 0o644 for unit in UNITS},
    }
    for path, mode in expected.items():
        assert stat.S_IMODE((stage / path).stat().st_mode) == mode, path
    # Both dialects' timelines: the SQLite files, and the PostgreSQL ones in their own folder.
    installed = stage / prefix / "share/holdfast/migrations"
    migrations = sorted(p.name for p in (ROOT / "Migrations").glob("*.sql"))
    assert sorted(p.name for p in installed.iterdir()) == sorted(migrations + ["postgresql"])
    postgresql = sorted(p.name for p in (ROOT / "Migrations" / "postgresql").glob("*.sql"))
    assert sorted(p.name for p in (installed / "postgresql").iterdir()) == postgresql == migrations
    # One wrapper under three names; the binaries themselves are in libexec.
    wrappers = {(stage / prefix / "bin" / name).read_bytes() for name in ("holdfast", "holdfast-fcgi", "holdfast-sync")}
    assert len(wrappers) == 1 and next(iter(wrappers)).startswith(b"#!/bin/sh")
    assert not (stage / prefix / "bin/holdfast-sandbox").exists()
    # Staging makes no secret, settings file, nginx site or state: configure does, on the target.
    assert sorted(str(p.relative_to(stage)) for p in (stage / "etc").rglob("*") if not p.is_dir()) == sorted(
        f"etc/systemd/system/{unit}" for unit in UNITS)
    assert not (stage / "var").exists()


def test_nothing_is_left_unrendered(installed):
    stage, prefix = installed["stage"], installed["prefix"]
    # configure renders the nginx templates on the target, with the renderer that names every placeholder.
    templates = stage / str(prefix).lstrip("/") / "share/holdfast/nginx"
    renderer = stage / str(prefix).lstrip("/") / "libexec/holdfast/render-nginx"
    for path in stage.rglob("*"):
        if path.is_file() and not path.is_symlink() and templates not in path.parents and path != renderer:
            data = path.read_bytes()
            if b"\0" in data[:4096]:  # binaries
                continue
            # Comments may name the placeholder syntax ("@NAME@ placeholders are filled in at install").
            for line in data.splitlines():
                if not line.lstrip().startswith(b"#"):
                    assert not PLACEHOLDER.search(line), f"{path}: {line.decode()}"
    unit = (stage / "etc/systemd/system/holdfast-fcgi.service").read_text()
    assert f"ExecStart={prefix}/libexec/holdfast/holdfast-fcgi\n" in unit
    env = (prefix / "share/holdfast/holdfast.env.example").read_text()
    assert f"HOLDFAST_MIGRATIONS_DIR={prefix}/share/holdfast/migrations\n" in env
    assert f'PREFIX={prefix}\n' in (prefix / "libexec/holdfast/configure").read_text()
    assert f'exec "{prefix}/libexec/holdfast/$name" "$@"' in (prefix / "bin/holdfast").read_text()


def test_units_pass_systemd_analyze_verify(installed):
    units = [str(installed["stage"] / "etc/systemd/system" / unit) for unit in UNITS]
    result = run("systemd-analyze", "verify", *units, check=False)
    # verify exits 0 on unknown keys and bad values and only warns: any output is a finding.
    assert result.returncode == 0 and result.stderr == "" and result.stdout == "", result.stderr + result.stdout


def test_verify_would_catch_a_missing_binary(installed, tmp_path):
    """The check above is meaningful: the same unit pointing at a binary that is not there fails."""
    unit = (installed["stage"] / "etc/systemd/system/holdfast-sync.service").read_text()
    broken = tmp_path / "holdfast-sync.service"
    broken.write_text(unit.replace(f"{installed['prefix']}/libexec/holdfast/holdfast-sync",
                                  f"{tmp_path}/missing/holdfast-sync"))
    result = run("systemd-analyze", "verify", str(broken), check=False)
    assert result.returncode != 0 and "missing/holdfast-sync" in result.stderr


def test_units_have_the_agreed_settings(installed):
    def settings(unit):
        lines = (installed["stage"] / "etc/systemd/system" / unit).read_text().splitlines()
        return [line for line in lines if line and not line.startswith("#")]

    socket = settings("holdfast-fcgi.socket")
    for line in ("ListenStream=/run/holdfast/fcgi.sock", "SocketMode=0660", "SocketGroup=www-data", "SocketUser=holdfast"):
        assert line in socket
    timer = settings("holdfast-sync.timer")
    for line in ("OnCalendar=minutely", "AccuracySec=1s", "Persistent=true"):
        assert line in timer
    for unit in ("holdfast-fcgi.service", "holdfast-sync.service"):
        service = settings(unit)
        for line in ("User=holdfast", "NoNewPrivileges=yes", "ProtectSystem=strict", "ProtectHome=yes",
                     "PrivateTmp=yes", "ReadWritePaths=/var/lib/holdfast", "UMask=0077",
                     "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6", "MemoryDenyWriteExecute=yes",
                     "EnvironmentFile=/etc/holdfast/holdfast.env",
                     "LoadCredential=encryption-key:/etc/holdfast/encryption-key"):
            assert line in service, f"{unit}: {line}"
        assert not any(line.startswith(("Environment=JWT", "Environment=ENCRYPTION")) for line in service)
    assert "LoadCredential=jwt-secret:/etc/holdfast/jwt-secret" in settings("holdfast-fcgi.service")
    assert "Restart=on-failure" in settings("holdfast-fcgi.service")
    sync = settings("holdfast-sync.service")
    assert "Type=oneshot" in sync and any(line.startswith("TimeoutStartSec=") for line in sync)


def test_nginx_accepts_the_installed_site(installed, tmp_path):
    """`nginx -t` on the site rendered from the installed templates by the installed renderer, with the values
    configure passes (a name, a certificate, non-default ports). The only change: the absolute include paths
    (/etc/nginx/holdfast/...) point into the temp folder, since nothing is installed in /etc."""
    prefix = installed["prefix"]
    conf = tmp_path / "conf"
    env = dict(os.environ, SOCKET="/run/holdfast/fcgi.sock", CONF_DIR="/etc/nginx/holdfast", SERVER_NAME="holdfast.test",
               TLS_CERT=str(installed["cert"]), TLS_KEY=str(installed["key"]), CORS_ORIGIN="https://app.holdfast.test",
               SITE_HTTP_PORT="3321", SITE_HTTPS_PORT="3322", WEB_ROOT=f"{prefix}/share/holdfast/web")
    run(str(prefix / "libexec/holdfast/render-nginx"), str(prefix / "share/holdfast/nginx"), str(conf), env=env)
    for path in conf.rglob("*"):
        if path.is_file():
            text = path.read_text()
            for line in text.splitlines():
                if "/etc/nginx/holdfast" in line:
                    assert line.strip().startswith("include /etc/nginx/holdfast/"), line
            path.write_text(text.replace("/etc/nginx/holdfast/", f"{conf}/"))
    site = (conf / "sites/holdfast.conf").read_text()
    assert "server_name holdfast.test;" in site and f"ssl_certificate {installed['cert']};" in site
    assert "listen 3321;" in site and "listen 3322 ssl http2;" in site
    assert "return 301 https://$host:3322$request_uri;" in site
    temp = tmp_path / "tmp"
    temp.mkdir()
    main = tmp_path / "nginx.conf"
    main.write_text(f"""
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/error.log;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    client_body_temp_path {temp}/body;
    fastcgi_temp_path {temp}/fastcgi;
    proxy_temp_path {temp}/proxy;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {conf}/sites/holdfast.conf;
}}
""")
    result = run("nginx", "-t", "-q", "-e", str(tmp_path / "error.log"), "-p", str(tmp_path), "-c", str(main),
                 check=False)
    assert result.returncode == 0, result.stderr
    assert "[emerg]" not in result.stderr


def test_installed_binaries_run_as_systemd_starts_them(installed, tmp_path):
    """The responder on a socket passed as fd 3 (LISTEN_FDS, as holdfast-fcgi.socket does), started from libexec as
    the unit does, reading secrets from a credentials directory (as LoadCredential= provides) and the settings a
    first configure writes; the wrapper in bin migrates and adds a user with the same files."""
    prefix = installed["prefix"]
    settings, credentials = installed_settings(installed, tmp_path)
    env = {"PATH": os.environ["PATH"], "CREDENTIALS_DIRECTORY": str(credentials), **settings}

    wrapper = str(prefix / "bin/holdfast")
    if os.getuid() == 0:
        refused = run(wrapper, "migrate", env=env, check=False)
        assert refused.returncode == 64 and "sudo -u holdfast holdfast migrate" in refused.stderr
        env["HOLDFAST_ALLOW_ROOT"] = "1"
    run(wrapper, "migrate", env=env)
    run(wrapper, "user", "add", "deploy@example.com", input="a long deploy passphrase\n", env=env)

    sock = tmp_path / "fcgi.sock"
    activate = ["systemd-socket-activate", "-l", str(sock)] + [arg for name in env for arg in ("-E", name)]
    responder = subprocess.Popen(activate + [str(prefix / "libexec/holdfast/holdfast-fcgi")], env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        for _ in range(100):
            if sock.exists():
                break
            time.sleep(0.05)
        request = {"PATH": os.environ["PATH"], "REQUEST_METHOD": "GET", "SCRIPT_NAME": "/health",
                   "REQUEST_URI": "/health", "SERVER_PROTOCOL": "HTTP/1.1"}
        answer = run("cgi-fcgi", "-bind", "-connect", str(sock), env=request)
        assert answer.stdout.startswith("Status: 200"), answer.stdout
        assert '"migrations":"current"' in answer.stdout
    finally:
        responder.send_signal(signal.SIGTERM)
        try:
            output, _ = responder.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            responder.kill()
            output, _ = responder.communicate()
    assert "listener=systemd fd 3" in output, output


def test_install_twice_changes_nothing(installed):
    stage, prefix = installed["stage"], installed["prefix"]
    before = snapshot(stage)
    make_install(stage, prefix)
    assert snapshot(stage) == before


def test_uninstall_keeps_data_settings_and_keys_unless_purged(tmp_path):
    """What configure made on a target (settings, keys, data, the site) stands in for a configured machine here."""
    stage, prefix = tmp_path / "stage", tmp_path / "prefix"
    make_install(stage, prefix)
    kept = {"etc/holdfast/jwt-secret": "s", "etc/holdfast/encryption-key": "k", "etc/holdfast/holdfast.env": "x=1",
            "var/lib/holdfast/holdfast.sqlite": "data", "etc/nginx/holdfast/site.d/mine.conf": "# mine"}
    made = {"etc/nginx/sites-available/holdfast": "site", "etc/nginx/holdfast/holdfast-http.conf": "http",
            "etc/nginx/holdfast/default-site-disabled": "", "etc/nginx/sites-available/default": "debian"}
    for path, text in {**kept, **made}.items():
        (stage / path).parent.mkdir(parents=True, exist_ok=True)
        (stage / path).write_text(text)
    (stage / "etc/nginx/sites-enabled").mkdir(parents=True)
    (stage / "etc/nginx/sites-enabled/holdfast").symlink_to("/etc/nginx/sites-available/holdfast")

    make_install(stage, prefix, target="uninstall")
    remaining = {str(p.relative_to(stage)) for p in stage.rglob("*") if not p.is_dir()}
    assert remaining == set(kept) | {"etc/nginx/sites-available/default", "etc/nginx/sites-enabled/default"}
    # configure had disabled Debian's default site; uninstall links it again.
    assert os.readlink(stage / "etc/nginx/sites-enabled/default") == "/etc/nginx/sites-available/default"
    make_install(stage, prefix, target="uninstall", PURGE="1")
    assert not (stage / "etc/holdfast").exists() and not (stage / "var/lib/holdfast").exists()


def loaded_credentials(stage, unit):
    """The credential names a unit's LoadCredential= lines hand to its process."""
    lines = (stage / "etc/systemd/system" / unit).read_text().splitlines()
    return {line.split("=", 1)[1].split(":", 1)[0] for line in lines if line.startswith("LoadCredential=")}


def test_each_unit_gets_only_the_credentials_it_reads(installed, tmp_path):
    """The timer signs no session tokens, so its unit must not load the JWT secret; and the credentials it does
    load are enough: holdfast-sync runs with a credentials directory holding exactly those files."""
    stage, prefix = installed["stage"], installed["prefix"]
    sync_credentials = loaded_credentials(stage, "holdfast-sync.service")
    assert "jwt-secret" not in sync_credentials
    assert "jwt-secret" in loaded_credentials(stage, "holdfast-fcgi.service")

    _, secrets = installed_settings(installed, tmp_path)
    credentials = tmp_path / "sync-credentials"
    credentials.mkdir()
    for name in sync_credentials:
        (credentials / name).write_text((secrets / name).read_text())
    settings = {"HOLDFAST_DATABASE": str(tmp_path / "holdfast.sqlite"), "HOLDFAST_NONCE_DIRECTORY": str(tmp_path / "nonces"),
                "HOLDFAST_MIGRATIONS_DIR": str(ROOT / "Migrations")}
    env = {"PATH": os.environ["PATH"], "CREDENTIALS_DIRECTORY": str(credentials), **settings}
    run(str(BIN / "holdfast"), "migrate", env={**env, "HOLDFAST_ALLOW_ROOT": "1"})
    result = run(str(prefix / "libexec/holdfast/holdfast-sync"), "--dry-run", env=env, check=False)
    assert result.returncode == 0, result.stderr
