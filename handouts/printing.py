"""Printing: send a handout to a CUPS printer with `lp` (media and sides set from the job)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

from .errors import DeliveryError

MEDIA = {"letter": "Letter", "a4": "A4"}


def print_pdf(pdf: bytes, title: str, paper: str, printer: str | None, copies: int,
              duplex: bool) -> str:
    """Print through CUPS and return the job id it reports (e.g. 'front-desk-42')."""
    lp = shutil.which("lp")
    if lp is None:
        raise DeliveryError("printing needs CUPS, and the `lp` command was not found: install "
                            "CUPS (Debian: apt-get install cups), or write the PDF with "
                            "`handouts generate` and print it yourself")
    _check_scheduler()
    if printer:
        _check_queue(printer)
    args = [lp, "-n", str(copies), "-t", title, "-o", f"media={MEDIA[paper]}",
            "-o", "sides=two-sided-long-edge" if duplex else "sides=one-sided"]
    if copies > 1:
        args += ["-o", "collate=true"]  # whole sets, in page order, one per patient
    if printer:
        args += ["-d", printer]
    result = _run(args, pdf)
    match = _JOB_ID.search(result.stdout)
    if result.returncode != 0 or not match:
        raise DeliveryError(_explain(result.stderr or result.stdout, printer))
    return match.group(1)


# "request id is front-desk-42 (1 file(s))": the queue name may itself contain hyphens and digits.
_JOB_ID = re.compile(r"request id is (\S+?-\d+)(?=\s|\(|$)")
NOT_RUNNING = ("CUPS is not running: start it (e.g. `sudo service cups start`), or write the PDF "
               "with `handouts generate` and print it yourself")


def _check_scheduler() -> None:
    """Refuse early when the CUPS scheduler is down (lp would blame the printer instead)."""
    if shutil.which("lpstat") is None:
        return
    result = _run(["lpstat", "-r"], None)
    if "scheduler is running" not in result.stdout:
        raise DeliveryError(NOT_RUNNING)


def _check_queue(printer: str) -> None:
    """Refuse a printer that does not exist or whose queue is stopped."""
    result = _run(["lpstat", "-p", printer], None)
    text = (result.stdout + result.stderr).strip()
    if result.returncode != 0 or not text:
        raise DeliveryError(_explain(text, printer))
    if "disabled" in text:
        raise DeliveryError(f"printer {printer!r} is stopped: start it with "
                            f"`cupsenable {printer}` (or ask whoever manages the printers)")


def _run(args: list[str], data: bytes | None) -> subprocess.CompletedProcess:
    """Run a CUPS command; stdout and stderr come back as text."""
    # LC_ALL=C: the messages we read ("request id is", "disabled") must not be translated.
    env = {**os.environ, "LC_ALL": "C", "LANG": "C", "LANGUAGE": ""}
    try:
        result = subprocess.run(args, input=data, capture_output=True, timeout=60, check=False,
                                env=env)
    except (OSError, subprocess.TimeoutExpired) as err:
        raise DeliveryError(f"{args[0]}: {err}") from err
    result.stdout = result.stdout.decode("utf-8", "replace")
    result.stderr = result.stderr.decode("utf-8", "replace")
    return result


def _explain(message: str, printer: str | None) -> str:
    text = " ".join(message.split())
    lower = text.lower()
    if "does not exist" in lower or "invalid destination" in lower or "unknown printer" in lower:
        return f"printer {printer!r} does not exist: see the printers with `lpstat -p`"
    if "no default destination" in lower:
        return "no default printer is set: name one with --printer (see `lpstat -p`)"
    if "connect" in lower or "scheduler is not running" in lower or "not responding" in lower:
        return NOT_RUNNING
    return f"lp: {text or 'printing failed'}"
