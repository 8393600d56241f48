"""QR code: the booking link as one filled PDF path (far cheaper than one shape per module)."""

from __future__ import annotations

import itertools
import re
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

QUIET = 2  # modules of white margin; the box around the code adds the rest


_RUN5 = re.compile(r"0{5,}|1{5,}")
_FINDER = "10111010000"


def lost_points(modules: list) -> int:
    """Return the mask penalty exactly as ReportLab's QRUtil.getLostPoint scores it, faster.

    Same rules and the same quirks (a finder-like pattern counts only left to right in rows and
    not at the last position; columns never count for rule 3), so the same mask is chosen.
    """
    rows = ["".join("1" if m else "0" for m in row) for row in modules]
    cols = ["".join(col) for col in zip(*rows)]
    score = sum(len(m.group()) - 2 for line in rows + cols for m in _RUN5.finditer(line))
    n = len(rows)
    bits = [int(r, 2) for r in rows]
    inner = (1 << (n - 1)) - 1
    for a, b in zip(bits, bits[1:]):
        equal = ~(a ^ b)  # a 2×2 block is one colour: equal in two neighbouring columns,
        score += 3 * (equal & (equal >> 1) & ~(a ^ (a >> 1)) & inner).bit_count()  # and a too
    for row in rows:
        j = row.find(_FINDER)
        while 0 <= j < n - len(_FINDER):
            score += 40
            j = row.find(_FINDER, j + len(_FINDER))
    dark = sum(row.count("1") for row in rows)
    return score + 10 * (abs(100 * dark // (n * n) - 50) // 5)


@lru_cache(maxsize=256)
def qr_modules(data: str) -> tuple[tuple[bool, ...], ...]:
    """Return the QR matrix for `data` (error correction M), cached per link."""
    qrencoder = _qrencoder()

    class FastQRCode(qrencoder.QRCode):
        def getBestMaskPattern(self) -> int:  # noqa: N802 - ReportLab API
            scores = []
            for mask in range(8):
                self.makeImpl(True, mask)
                scores.append((lost_points(self.modules), mask))
            return min(scores)[1]

    code = FastQRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(data)
    code.make()
    return tuple(tuple(bool(m) for m in row) for row in code.modules)


@cache
def _qrencoder() -> Any:
    """Return ReportLab's QR encoder module without its package, whose import builds every
    barcode widget (8 ms of a cold start); the module itself needs only the standard library."""
    import importlib.util
    import sys

    name = "reportlab.graphics.barcode.qrencoder"
    if name in sys.modules:
        return sys.modules[name]
    import reportlab.graphics

    path = Path(reportlab.graphics.__file__).parent / "barcode" / "qrencoder.py"
    spec = importlib.util.spec_from_file_location("handouts._rl_qrencoder", path)
    if spec is None or spec.loader is None:  # an unusual install: take the ordinary way
        from reportlab.graphics.barcode import qrencoder
        return qrencoder
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def draw_qr(canv: Any, data: str, x: float, y: float, size: float) -> None:
    """Draw the QR code for `data` as a `size`-point square with its lower-left at (x, y).

    Drawn in module units (one unit per module, scaled once), so every rectangle is written with
    small integers: a third of the bytes of the same path in points.
    """
    modules = qr_modules(data)
    count = len(modules) + 2 * QUIET
    canv.saveState()
    canv.translate(x, y)
    canv.scale(size / count, size / count)
    path = canv.beginPath()
    for r, row in enumerate(modules):
        c = 0
        for dark, run in itertools.groupby(row):
            n = len(list(run))
            if dark:
                path.rect(c + QUIET, count - (r + QUIET + 1), n, 1)
            c += n
    canv.drawPath(path, stroke=0, fill=1)
    canv.restoreState()
