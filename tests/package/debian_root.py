"""A fresh Debian 12 root for install and package tests: made with debootstrap, entered with chroot.

The root shares this machine's network namespace, so a process in it reaches servers on the host's loopback
(the sandbox) and the Debian registry the host's apt uses. It has no systemd running, like a container
image: services are started by hand in tests, and install steps that need systemd must skip it.

The base root is made once and kept as a tarball (`HOLDFAST_ROOT_CACHE`, default
/var/cache/holdfast-tests); each test gets its own copy, so what one test installs never leaks into the next.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import tarfile
import time
from pathlib import Path

SUITE = "bookworm"
CACHE = Path(os.environ.get("HOLDFAST_ROOT_CACHE", "/var/cache/holdfast-tests"))
# A week: the base root's package lists must not be so old that the registry no longer serves their files.
MAX_AGE_SECONDS = 7 * 24 * 3600
PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def host_mirror() -> str:
    """The Debian mirror this machine's apt uses (deb822 `URIs:` or a classic `deb` line), so the root uses the
    same registry the host reaches."""
    candidates = [Path("/etc/apt/sources.list.d/debian.sources"), Path("/etc/apt/sources.list")]
    candidates += sorted(Path("/etc/apt/sources.list.d").glob("*.sources"))
    candidates += sorted(Path("/etc/apt/sources.list.d").glob("*.list"))
    for path in candidates:
        if not path.is_file():
            continue
        text = path.read_text()
        for match in re.finditer(r"^URIs:\s*(\S+)", text, re.M):
            if match.group(1).rstrip("/").endswith("/debian"):
                return match.group(1)
        for match in re.finditer(r"^deb\s+(?:\[[^]]*\]\s+)?(\S+)\s+" + SUITE + r"\s", text, re.M):
            if match.group(1).rstrip("/").endswith("/debian"):
                return match.group(1)
    raise RuntimeError("no Debian mirror found in this machine's apt sources")


def base_tarball() -> Path:
    """The cached minimal Debian 12 root (debootstrap minbase, package lists fetched), made when missing or
    older than a week."""
    tarball = CACHE / f"{SUITE}-minbase.tar"
    if tarball.exists() and time.time() - tarball.stat().st_mtime < MAX_AGE_SECONDS:
        return tarball
    CACHE.mkdir(parents=True, exist_ok=True)
    work = CACHE / f"{SUITE}-minbase.work"
    shutil.rmtree(work, ignore_errors=True)
    subprocess.run(["debootstrap", "--variant=minbase", SUITE, str(work), host_mirror()],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=900)
    root = DebianRoot(work)
    try:
        root.mount()
        root.run("apt-get update -qq", timeout=600)
    finally:
        root.unmount()
    partial = tarball.with_suffix(".tar.partial")
    with tarfile.open(partial, "w") as archive:
        archive.add(str(work), arcname=".")
    partial.rename(tarball)
    shutil.rmtree(work, ignore_errors=True)
    return tarball


class DebianRoot:
    """One Debian root folder and the commands run inside it as root (`chroot`)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._mounted: list[Path] = []

    @classmethod
    def fresh(cls, folder: Path) -> "DebianRoot":
        """A new copy of the cached base root in `folder` (which must not exist), with /proc mounted and the
        host's DNS settings, ready for `run`."""
        tarball = base_tarball()
        folder.mkdir(parents=True)
        subprocess.run(["tar", "-xf", str(tarball), "-C", str(folder)], check=True)
        shutil.copy("/etc/resolv.conf", folder / "etc/resolv.conf")
        root = cls(folder)
        root.mount()
        return root

    def mount(self) -> None:
        proc = self.path / "proc"
        proc.mkdir(exist_ok=True)
        subprocess.run(["mount", "-t", "proc", "proc", str(proc)], check=True)
        self._mounted.append(proc)

    def unmount(self) -> None:
        while self._mounted:
            subprocess.run(["umount", "-l", str(self._mounted.pop())], check=False)

    def host_path(self, inside: str) -> Path:
        """The host's path of `inside` (an absolute path in the root)."""
        return self.path / inside.lstrip("/")

    def run(self, command: str, *, check: bool = True, env: dict[str, str] | None = None,
            input: str | None = None, timeout: float = 300, user: str | None = None) -> subprocess.CompletedProcess:
        """Runs `command` with sh in the root, with a clean environment (PATH, LANG=C.UTF-8, DEBIAN_FRONTEND
        plus `env`), as root or as `user` (runuser). Output is captured as text; a non-zero exit raises
        `subprocess.CalledProcessError` (with the output) when `check` is set."""
        variables = {"PATH": PATH, "LANG": "C.UTF-8", "DEBIAN_FRONTEND": "noninteractive", "HOME": "/root"}
        variables.update(env or {})
        argv = ["chroot", str(self.path), "/usr/bin/env", "-i", *[f"{k}={v}" for k, v in variables.items()]]
        if user:
            argv += ["runuser", "-u", user, "--"]
        argv += ["/bin/sh", "-c", command]
        result = subprocess.run(argv, input=input, capture_output=True, text=True, timeout=timeout)
        if check and result.returncode != 0:
            raise subprocess.CalledProcessError(result.returncode, command, result.stdout, result.stderr)
        return result

    def popen(self, command: str, *, env: dict[str, str] | None = None, user: str | None = None,
              **kwargs) -> subprocess.Popen:
        """Starts `command` in the root in the background (a service started by hand); `close` stops whatever
        is still running in the root."""
        variables = {"PATH": PATH, "LANG": "C.UTF-8"}
        variables.update(env or {})
        argv = ["chroot", str(self.path), "/usr/bin/env", "-i", *[f"{k}={v}" for k, v in variables.items()]]
        if user:
            argv += ["runuser", "-u", user, "--"]
        argv += ["/bin/sh", "-c", command]
        return subprocess.Popen(argv, **kwargs)

    def start_nginx(self, seconds: float = 20) -> int:
        """Starts the root's nginx in a network namespace of its own with only loopback up, so nothing it listens
        on (a site listens on every address) is reachable from outside or clashes with the host; returns the
        master's pid, whose namespace `nsenter -t PID -n` enters to send requests. Processes left in the host's
        namespace (a responder, reaching the sandbox) talk to it through unix sockets."""
        subprocess.run(["unshare", "-n", "sh", "-c",
                        f"ip link set lo up && exec chroot {self.path} /usr/bin/env -i PATH=/usr/sbin:/usr/bin nginx"],
                       check=True, timeout=30)
        pid_file = self.host_path("/run/nginx.pid")
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if pid_file.is_file() and pid_file.read_text().strip():
                return int(pid_file.read_text())
            time.sleep(0.1)
        raise AssertionError(f"the root's nginx wrote no pid file within {seconds} s")

    def processes(self) -> list[int]:
        """The pids of every process whose root is this root."""
        pids = []
        real = os.path.realpath(self.path)
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                if os.path.realpath(entry / "root") == real:
                    pids.append(int(entry.name))
            except OSError:
                continue
        return pids

    def close(self) -> None:
        """Stops every process left in the root (TERM, then KILL after 5 s), unmounts and deletes it."""
        for sig in (signal.SIGTERM, signal.SIGKILL):
            for pid in self.processes():
                try:
                    os.kill(pid, sig)
                except ProcessLookupError:
                    pass
            deadline = time.monotonic() + 5
            while self.processes() and time.monotonic() < deadline:
                time.sleep(0.1)
        self.unmount()
        shutil.rmtree(self.path, ignore_errors=True)
