"""The fixture the deployment tests stand on: a fresh Debian 12 root with no Swift toolchain, reaching the
registry and the host's loopback."""

import socket
import threading


def test_the_root_is_debian_12_without_a_swift_toolchain(debian_root):
    release = debian_root.run(". /etc/os-release; echo $VERSION_ID").stdout.strip()
    assert release == "12"
    assert debian_root.run("command -v swift", check=False).returncode != 0
    assert not list(debian_root.host_path("/usr/lib").glob("**/libswiftCore.so"))


def test_a_server_on_the_host_loopback_is_reachable_from_the_root(debian_root):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]
    accepted = []
    thread = threading.Thread(target=lambda: accepted.append(listener.accept()), daemon=True)
    thread.start()
    # bash's /dev/tcp needs no extra package in the root.
    debian_root.run(f"bash -c 'exec 3<>/dev/tcp/127.0.0.1/{port}'", timeout=30)
    thread.join(10)
    listener.close()
    assert accepted, "the root could not connect to the host's loopback"
