"""A private CUPS scheduler for the print tests: its own ServerRoot, socket and cups-pdf output
folder, all in one temporary folder; the system's cupsd, queues and /etc/cups are never touched.

cups-pdf reads its settings from the compiled-in /etc/cups, so the scheduler runs in its own mount
namespace (`unshare -m`, root only) where the temporary ServerRoot is bound over /etc/cups; the
bind exists only inside that namespace and disappears with the scheduler."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Iterator

CUPS_PDF = Path("/usr/lib/cups/backend/cups-pdf")
PPD = "lsb/usr/cups-pdf/CUPS-PDF_opt.ppd"


def unavailable() -> str | None:
    """Return why a private scheduler cannot run here, or None when it can."""
    for tool in ("cupsd", "lpadmin", "lpstat", "unshare"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (./dev test installs CUPS as root)"
    if not CUPS_PDF.exists():
        return "printer-driver-cups-pdf is not installed"
    if os.geteuid() != 0:
        return "the private CUPS scheduler needs root (cups-pdf and unshare -m)"
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True)
    if probe.returncode != 0:
        return "unshare -m is not permitted here (no private mount namespace)"
    return None


def _write_config(root: Path) -> None:
    etc = root / "etc"
    for sub in ("etc/ppd", "spool/tmp", "cache", "state", "log", "pdf", "cups-pdf-spool"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    (etc / "cups-files.conf").write_text(
        f"ServerRoot {etc}\nRequestRoot {root}/spool\nTempDir {root}/spool/tmp\n"
        f"CacheDir {root}/cache\nStateDir {root}/state\nAccessLog {root}/log/access_log\n"
        f"ErrorLog {root}/log/error_log\nPageLog {root}/log/page_log\n"
        "User lp\nGroup lp\nSystemGroup root\nFileDevice No\n", encoding="utf-8")
    (etc / "cupsd.conf").write_text(
        f"Listen {root}/cups.sock\nLogLevel warn\nBrowsing No\nWebInterface No\n"
        "DefaultShared No\nMaxJobs 100\n<Location />\n  Order allow,deny\n  Allow all\n"
        "</Location>\n<Policy default>\n  <Limit All>\n    Order deny,allow\n  </Limit>\n"
        "</Policy>\n", encoding="utf-8")
    (etc / "cups-pdf.conf").write_text(
        f"Out {root}/pdf\nAnonDirName {root}/pdf\nSpool {root}/cups-pdf-spool\n"
        "Label 2\nGrp root\nUserUMask 0022\n", encoding="utf-8")


def _running(env: dict) -> bool:
    out = subprocess.run(["lpstat", "-r"], capture_output=True, text=True, env=env).stdout
    return "scheduler is running" in out


@contextlib.contextmanager
def private_cups(printer: str) -> Iterator[tuple[str, Path]]:
    """Start a scheduler with one cups-pdf queue; yield (CUPS_SERVER value, PDF output folder)."""
    root = Path(tempfile.mkdtemp(prefix="handouts-cups-"))
    root.chmod(0o755)  # filters run as lp and must reach the spool
    _write_config(root)
    socket = str(root / "cups.sock")
    env = {**os.environ, "CUPS_SERVER": socket, "LC_ALL": "C"}
    etc = root / "etc"
    proc = subprocess.Popen(
        ["unshare", "-m", "sh", "-c", 'mount --bind "$1" /etc/cups && exec cupsd -f -c "$1/cupsd.conf" '
         '-s "$1/cups-files.conf"', "sh", str(etc)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        for _ in range(100):
            if _running(env) or proc.poll() is not None:
                break
            time.sleep(0.1)
        if not _running(env):
            raise RuntimeError(f"private cupsd did not start: {proc.stderr.read().decode()[-500:]}"
                               if proc.poll() is not None else "private cupsd did not start")
        for args in (["lpadmin", "-p", printer, "-E", "-v", "cups-pdf:/", "-m", PPD],
                     ["cupsenable", printer], ["cupsaccept", printer]):
            subprocess.run(args, check=True, capture_output=True, env=env)
        yield socket, root / "pdf"
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
        shutil.rmtree(root, ignore_errors=True)
