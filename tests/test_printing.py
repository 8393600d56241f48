"""print: a real CUPS server with the cups-pdf virtual printer receives the handout."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from handouts.cli import main

import private_cups
from conftest import DATE, EXAMPLES

PRINTER = "handouts-test"
REQUIRED = os.environ.get("HANDOUTS_REQUIRE_CUPS") == "1"  # set by .ci/run: never skip there
WHY_NOT = private_cups.unavailable()
needs_cups = pytest.mark.skipif(WHY_NOT is not None and not REQUIRED, reason=str(WHY_NOT))


@pytest.fixture(scope="session")
def cups_printer() -> Path:
    """A private CUPS scheduler (temporary ServerRoot and socket) with a cups-pdf queue; CUPS_SERVER
    points at it for the session. Return where cups-pdf writes the PDFs it prints."""
    assert WHY_NOT is None, WHY_NOT
    saved = os.environ.get("CUPS_SERVER")
    with private_cups.private_cups(PRINTER) as (server, pdf_dir):
        os.environ["CUPS_SERVER"] = server
        try:
            yield pdf_dir
        finally:
            if saved is None:
                os.environ.pop("CUPS_SERVER", None)
            else:
                os.environ["CUPS_SERVER"] = saved


def wait_for_output(folder: Path, job_id: str) -> Path:
    number = job_id.rsplit("-", 1)[1]
    for _ in range(300):
        found = [p for p in folder.glob(f"*job_{number}.pdf") if p.stat().st_size > 0]
        if found:
            time.sleep(0.2)  # let cups-pdf finish writing
            return found[0]
        time.sleep(0.1)
    raise AssertionError(f"cups-pdf wrote nothing for {job_id}")


def pdf_pages_and_text(path: Path) -> tuple[int, str]:
    # cups-pdf re-renders through Ghostscript without ToUnicode maps: poppler reads its text
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return pages, " ".join(text.split())


@needs_cups
@pytest.mark.parametrize("copies", [1, 2])
def test_print_reaches_the_printer(runner, cups_printer, copies) -> None:
    result = runner.invoke(main, ["print", "--clinic", str(EXAMPLES / "harbour-physio"), "--printer",
                                  PRINTER, "--copies", str(copies), "--for", "Jane Doe", "--date", DATE])
    assert result.exit_code == 0, result.output
    job_id = result.output.strip().rsplit(" ", 1)[1]
    assert job_id.startswith(f"{PRINTER}-")
    printed = wait_for_output(cups_printer, job_id)
    assert "Jane" not in printed.name  # the job title is built from ids only
    pages, text = pdf_pages_and_text(printed)
    assert pages == 2 * copies
    assert "IMS and acupuncture" in text and "Prepared for Jane Doe" in text


@needs_cups
def test_missing_and_stopped_printers(runner, cups_printer) -> None:
    args = ["print", "--clinic", str(EXAMPLES / "harbour-physio"), "--date", DATE, "--printer"]
    result = runner.invoke(main, [*args, "no-such-printer"])
    assert result.exit_code == 1
    assert result.output == ("Error: printer 'no-such-printer' does not exist: see the printers "
                             "with `lpstat -p`\n")
    subprocess.run(["cupsdisable", PRINTER], check=True)
    try:
        stopped = runner.invoke(main, [*args, PRINTER])
    finally:
        subprocess.run(["cupsenable", PRINTER], check=True)
    assert stopped.exit_code == 1
    assert f"printer '{PRINTER}' is stopped: start it with `cupsenable {PRINTER}`" in stopped.output


def test_no_cups_at_all(runner, monkeypatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    result = runner.invoke(main, ["print", "--clinic", str(EXAMPLES / "harbour-physio"), "--date", DATE])
    assert result.exit_code == 1
    assert result.output.startswith("Error: printing needs CUPS, and the `lp` command was not found")
