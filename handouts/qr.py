"""QR code: the booking link as one filled PDF path (far cheaper than one shape per module)."""

from __future__ import annotations

import itertools
from functools import lru_cache
from typing import Any

QUIET = 2  # modules of white margin; the box around the code adds the rest


@lru_cache(maxsize=256)
def qr_modules(data: str) -> tuple[tuple[bool, ...], ...]:
    """Return the QR matrix for `data` (error correction M), cached per link."""
    from reportlab.graphics.barcode import qrencoder

    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(data)
    code.make()
    return tuple(tuple(bool(m) for m in row) for row in code.modules)


def draw_qr(canv: Any, data: str, x: float, y: float, size: float) -> None:
    """Draw the QR code for `data` as a `size`-point square with its lower-left at (x, y)."""
    modules = qr_modules(data)
    count = len(modules) + 2 * QUIET
    box = size / count
    path = canv.beginPath()
    for r, row in enumerate(modules):
        c = 0
        for dark, run in itertools.groupby(row):
            n = len(list(run))
            if dark:
                path.rect(x + (c + QUIET) * box, y + size - (r + QUIET + 1) * box, n * box, box)
            c += n
    canv.drawPath(path, stroke=0, fill=1)
