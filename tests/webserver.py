"""Helpers for the front-desk tests: a real `handouts serve` process on a free loopback port."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"


def in_ci() -> bool:
    """Tell whether the tests run in CI, where nothing may be skipped."""
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def skip_or_fail(reason: str) -> None:
    """Skip a test on a developer machine; fail it in CI."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true: this test must run)")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_server(clinics: Path, *args: str, log: Path,
                   env: dict[str, str] | None = None) -> Iterator[str]:
    """Start `handouts serve` on a free port; yield its base URL; stop it afterwards."""
    port = free_port()
    command = [sys.executable, "-m", "handouts", "serve", "--clinic", str(clinics),
               "--port", str(port), *args]
    with log.open("wb") as sink:
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT, cwd=ROOT,
                                   env={**os.environ, **(env or {})})
        try:
            url = f"http://127.0.0.1:{port}"
            _wait_until_up(url, process, log)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_until_up(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server stopped: {log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(url + "/", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    raise AssertionError(f"the server did not start: {log.read_text(errors='replace')}")


CUPSD_CONF = """\
Listen {root}/cups.sock
LogLevel warn
WebInterface No
Browsing No
DefaultAuthType None
<Location />
  Order allow,deny
  Allow all
</Location>
<Policy default>
  <Limit All>
    Order deny,allow
  </Limit>
</Policy>
"""
CUPS_FILES_CONF = """\
ServerRoot {root}/etc
RequestRoot {root}/spool
CacheDir {root}/cache
StateDir {root}/state
TempDir {root}/tmp
AccessLog {root}/log/access_log
ErrorLog {root}/log/error_log
PageLog {root}/log/page_log
ServerBin /usr/lib/cups
DataDir /usr/share/cups
FileDevice No
User lp
Group lp
SystemGroup root
"""


@contextmanager
def private_cups(printer: str) -> Iterator[str]:
    """Run a CUPS scheduler of our own (never the system's) with a cups-pdf queue named
    `printer`; yield the value for CUPS_SERVER. cups-pdf writes to ~/PDF."""
    if os.geteuid() != 0:
        skip_or_fail("a private CUPS scheduler with the cups-pdf backend needs root")
    if not (Path("/usr/sbin/cupsd").exists() and Path("/usr/lib/cups/backend/cups-pdf").exists()):
        skip_or_fail("CUPS and printer-driver-cups-pdf are not installed")
    root = Path(tempfile.mkdtemp(prefix="handouts-cups-"))  # not under pytest's 0700 folders:
    root.chmod(0o755)                                       # the filters run as user lp
    for sub in ("etc", "spool", "cache", "state", "log"):
        (root / sub).mkdir()
    (root / "tmp").mkdir(mode=0o1777)
    (root / "tmp").chmod(0o1777)
    (root / "etc" / "cupsd.conf").write_text(CUPSD_CONF.format(root=root))
    (root / "etc" / "cups-files.conf").write_text(CUPS_FILES_CONF.format(root=root))
    server = str(root / "cups.sock")
    env = {**os.environ, "CUPS_SERVER": server, "LC_ALL": "C"}
    cupsd = subprocess.Popen(["/usr/sbin/cupsd", "-f", "-c", str(root / "etc" / "cupsd.conf"),
                              "-s", str(root / "etc" / "cups-files.conf")],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            status = subprocess.run(["lpstat", "-r"], env=env, capture_output=True, text=True)
            if "scheduler is running" in status.stdout:
                break
            time.sleep(0.1)
        for command in (["lpadmin", "-p", printer, "-E", "-v", "cups-pdf:/",
                         "-m", "lsb/usr/cups-pdf/CUPS-PDF_opt.ppd"],
                        ["cupsenable", printer], ["cupsaccept", printer]):
            subprocess.run(command, env=env, check=True, capture_output=True)
        yield server
    finally:
        cupsd.terminate()
        cupsd.wait(timeout=20)
        shutil.rmtree(root, ignore_errors=True)
