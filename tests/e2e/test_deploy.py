"""The deployment kit (Deploy/): `make install` staged with DESTDIR into a temp folder, then checked the way the
target machine would: `systemd-analyze verify` on the installed units, `nginx -t` on the installed site, the
installed binaries started as systemd would start them (socket activation, credentials directory).

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
    make_install(stage, prefix, SERVER_NAME="holdfast.test", TLS_CERT=str(cert), TLS_KEY=str(key))
    prefix.symlink_to(stage / str(prefix).lstrip("/"))
    return {"base": base, "stage": stage, "prefix": prefix, "cert": cert, "key": key}


def test_install_lays_out_the_tree_with_modes(installed):
    stage, prefix = installed["stage"], str(installed["prefix"]).lstrip("/")
    expected = {
        "var/lib/holdfast": 0o750,
        "etc/holdfast": 0o750,
        "etc/holdfast/jwt-secret": 0o640,
        "etc/holdfast/encryption-key": 0o640,
        "etc/holdfast/encryption-keys-previous": 0o640,
        "etc/holdfast/holdfast.env": 0o640,
        f"{prefix}/bin/holdfast-fcgi": 0o755,
        f"{prefix}/bin/holdfast-sync": 0o755,
        f"{prefix}/bin/holdfast": 0o755,
        f"{prefix}/libexec/holdfast/holdfast": 0o755,
        f"{prefix}/share/holdfast/migrations/0001_initial.sql": 0o644,
        "etc/nginx/sites-available/holdfast": 0o644,
        "etc/nginx/holdfast/holdfast-http.conf": 0o644,
        "etc/nginx/holdfast/snippets/holdfast-locations.conf": 0o644,
        **{f"etc/systemd/system/{unit}": 0o644 for unit in UNITS},
    }
    for path, mode in expected.items():
        assert stat.S_IMODE((stage / path).stat().st_mode) == mode, path
    for name in ("jwt-secret", "encryption-key"):
        assert re.fullmatch(r"[0-9a-f]{64}\n", (stage / "etc/holdfast" / name).read_text()), name
    assert (stage / "etc/holdfast/jwt-secret").read_text() != (stage / "etc/holdfast/encryption-key").read_text()
    migrations = sorted(p.name for p in (ROOT / "Migrations").glob("*.sql"))
    assert sorted(p.name for p in (stage / prefix / "share/holdfast/migrations").iterdir()) == migrations
    assert os.readlink(stage / "etc/nginx/sites-enabled/holdfast") == "/etc/nginx/sites-available/holdfast"
    assert not (stage / prefix / "bin/holdfast-sandbox").exists()


def test_nothing_is_left_unrendered(installed):
    stage = installed["stage"]
    for path in stage.rglob("*"):
        if path.is_file() and not path.is_symlink():
            data = path.read_bytes()
            if b"\0" in data[:4096]:  # binaries
                continue
            # Comments may name the placeholder syntax ("@NAME@ placeholders are filled in at install").
            for line in data.splitlines():
                if not line.lstrip().startswith(b"#"):
                    assert not PLACEHOLDER.search(line), f"{path}: {line.decode()}"
    unit = (stage / "etc/systemd/system/holdfast-fcgi.service").read_text()
    assert f"ExecStart={installed['prefix']}/bin/holdfast-fcgi\n" in unit
    env = (stage / "etc/holdfast/holdfast.env").read_text()
    assert f"HOLDFAST_MIGRATIONS_DIR={installed['prefix']}/share/holdfast/migrations\n" in env
    site = (stage / "etc/nginx/sites-available/holdfast").read_text()
    assert "server_name holdfast.test;" in site and f"ssl_certificate {installed['cert']};" in site


def test_units_pass_systemd_analyze_verify(installed):
    units = [str(installed["stage"] / "etc/systemd/system" / unit) for unit in UNITS]
    result = run("systemd-analyze", "verify", *units, check=False)
    # verify exits 0 on unknown keys and bad values and only warns: any output is a finding.
    assert result.returncode == 0 and result.stderr == "" and result.stdout == "", result.stderr + result.stdout


def test_verify_would_catch_a_missing_binary(installed, tmp_path):
    """The check above is meaningful: the same unit pointing at a binary that is not there fails."""
    unit = (installed["stage"] / "etc/systemd/system/holdfast-sync.service").read_text()
    broken = tmp_path / "holdfast-sync.service"
    broken.write_text(unit.replace(f"{installed['prefix']}/bin/holdfast-sync", f"{tmp_path}/missing/holdfast-sync"))
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
    """`nginx -t` on the installed site with the installed snippets. The only change: the absolute include
    paths (/etc/nginx/holdfast/...) are pointed into the staging folder, since nothing is installed in /etc."""
    stage = installed["stage"]
    conf = tmp_path / "conf"
    shutil.copytree(stage / "etc/nginx", conf, symlinks=True)
    for path in conf.rglob("*"):
        if path.is_file() and not path.is_symlink():
            text = path.read_text()
            for line in text.splitlines():
                if "/etc/nginx/holdfast" in line:
                    assert line.strip().startswith("include /etc/nginx/holdfast/"), line
            path.write_text(text.replace("/etc/nginx/holdfast/", f"{conf}/holdfast/"))
    (tmp_path / "tmp").mkdir()
    main = tmp_path / "nginx.conf"
    temp = tmp_path / "tmp"
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
    include {conf}/sites-available/holdfast;
}}
""")
    result = run("nginx", "-t", "-q", "-e", str(tmp_path / "error.log"), "-p", str(tmp_path), "-c", str(main),
                 check=False)
    assert result.returncode == 0, result.stderr
    assert "[emerg]" not in result.stderr


def test_install_warns_when_nginx_allows_too_few_connections(tmp_path):
    """A site file cannot raise worker_connections; install.sh reads nginx's main file and says so when it
    allows fewer than the README recommends (Debian ships 768), and is quiet once it follows the README."""
    debian = tmp_path / "debian-nginx.conf"
    debian.write_text("user www-data;\nworker_processes auto;\nevents {\n\tworker_connections 768;\n}\n")
    result = make_install(tmp_path / "stage", tmp_path / "prefix", NGINX_MAIN_CONF=str(debian))
    assert f"warning: {debian} has worker_connections 768" in result.stderr, result.stderr
    assert "worker_connections 8192" in result.stderr and "worker_rlimit_nofile 16384" in result.stderr

    recommended = tmp_path / "recommended-nginx.conf"
    recommended.write_text("worker_rlimit_nofile 16384;\nevents {\n    worker_connections 8192; # README\n}\n")
    result = make_install(tmp_path / "stage", tmp_path / "prefix", NGINX_MAIN_CONF=str(recommended))
    assert "warning" not in result.stderr, result.stderr


def test_installed_binaries_run_as_systemd_starts_them(installed, tmp_path):
    """The responder on a socket passed as fd 3 (LISTEN_FDS, as holdfast-fcgi.socket does), reading the
    generated secrets from a credentials directory (as LoadCredential= provides) and the installed env file;
    the CLI wrapper migrates and adds a user with the same files."""
    stage, prefix = installed["stage"], installed["prefix"]
    settings = {}
    for line in (stage / "etc/holdfast/holdfast.env").read_text().splitlines():
        if line and not line.startswith("#"):
            name, value = line.split("=", 1)
            settings[name] = value
    # The installed file, with the state paths moved into the temp folder.
    settings["HOLDFAST_DATABASE"] = str(tmp_path / "holdfast.sqlite")
    settings["HOLDFAST_NONCE_DIRECTORY"] = str(tmp_path / "nonces")
    env = {"PATH": os.environ["PATH"], "CREDENTIALS_DIRECTORY": str(stage / "etc/holdfast"), **settings}

    wrapper = str(prefix / "bin/holdfast")
    if os.getuid() == 0:
        refused = run(wrapper, "migrate", env=env, check=False)
        assert refused.returncode == 64 and "sudo -u holdfast" in refused.stderr
        env["HOLDFAST_ALLOW_ROOT"] = "1"
    run(wrapper, "migrate", env=env)
    run(wrapper, "user", "add", "deploy@example.com", input="a long deploy passphrase\n", env=env)

    sock = tmp_path / "fcgi.sock"
    activate = ["systemd-socket-activate", "-l", str(sock)] + [arg for name in env for arg in ("-E", name)]
    responder = subprocess.Popen(activate + [str(prefix / "bin/holdfast-fcgi")], env=env,
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
    make_install(stage, prefix, SERVER_NAME="holdfast.test", TLS_CERT=str(installed["cert"]),
                 TLS_KEY=str(installed["key"]))
    assert snapshot(stage) == before


def test_reinstall_keeps_operator_files(tmp_path):
    stage, prefix = tmp_path / "stage", tmp_path / "prefix"
    make_install(stage, prefix)
    site = stage / "etc/nginx/sites-available/holdfast"
    env = stage / "etc/holdfast/holdfast.env"
    secrets = {name: (stage / "etc/holdfast" / name).read_text() for name in ("jwt-secret", "encryption-key")}
    site.write_text(site.read_text().replace("server_name _;", "server_name example.org;"))
    env.write_text(env.read_text().replace("HOLDFAST_LOG_LEVEL=info", "HOLDFAST_LOG_LEVEL=debug"))
    edited = {site: site.read_text(), env: env.read_text()}

    result = make_install(stage, prefix)
    assert "kept your /etc/nginx/sites-available/holdfast" in result.stderr
    for path, text in edited.items():
        assert path.read_text() == text
    assert "server_name _;" in (stage / "etc/nginx/sites-available/holdfast.new").read_text()
    for name, value in secrets.items():
        assert (stage / "etc/holdfast" / name).read_text() == value


def test_uninstall_keeps_data_and_keys_unless_purged(tmp_path):
    stage, prefix = tmp_path / "stage", tmp_path / "prefix"
    make_install(stage, prefix)
    (stage / "var/lib/holdfast/holdfast.sqlite").write_text("data")
    make_install(stage, prefix, target="uninstall")
    remaining = {str(p.relative_to(stage)) for p in stage.rglob("*") if not p.is_dir()}
    assert remaining == {"etc/holdfast/jwt-secret", "etc/holdfast/encryption-key",
                         "etc/holdfast/encryption-keys-previous", "etc/holdfast/holdfast.env",
                         "var/lib/holdfast/holdfast.sqlite"}
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

    credentials = tmp_path / "credentials"
    credentials.mkdir()
    for name in sync_credentials:
        source = stage / "etc/holdfast" / name
        (credentials / name).write_text(source.read_text() if source.exists() else "\n")
    settings = {"HOLDFAST_DATABASE": str(tmp_path / "holdfast.sqlite"), "HOLDFAST_NONCE_DIRECTORY": str(tmp_path / "nonces"),
                "HOLDFAST_MIGRATIONS_DIR": str(ROOT / "Migrations")}
    env = {"PATH": os.environ["PATH"], "CREDENTIALS_DIRECTORY": str(credentials), **settings}
    run(str(BIN / "holdfast"), "migrate", env={**env, "HOLDFAST_ALLOW_ROOT": "1"})
    result = run(str(prefix / "bin/holdfast-sync"), "--dry-run", env=env, check=False)
    assert result.returncode == 0, result.stderr
