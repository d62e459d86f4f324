"""Fixtures for the deployment tests: a fresh Debian 12 root per test (see debian_root.py). They need root
(chroot, mount) and debootstrap, as CI and `make test-package` have."""

import os
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from debian_root import DebianRoot  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
ROOTS = Path(os.environ.get("HOLDFAST_ROOTS_DIR", "/var/tmp/holdfast-roots"))


def pytest_collection_modifyitems(config, items):
    missing = [] if os.geteuid() == 0 else ["root"]
    if not shutil.which("debootstrap"):
        missing.append("debootstrap")
    if missing:
        skip = pytest.mark.skip(reason=f"deployment tests need {' and '.join(missing)} (make test-package)")
        for item in items:
            item.add_marker(skip)


@pytest.fixture
def debian_root(request):
    """A fresh Debian 12 root (minbase, package lists fetched, /proc mounted), deleted after the test."""
    ROOTS.mkdir(parents=True, exist_ok=True)
    folder = ROOTS / f"{request.node.name[:60]}-{os.getpid()}"
    shutil.rmtree(folder, ignore_errors=True)
    root = DebianRoot.fresh(folder)
    try:
        yield root
    finally:
        root.close()
