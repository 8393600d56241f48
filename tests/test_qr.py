"""QR: the fast mask penalty scores exactly as ReportLab's, so the same code is drawn."""

from __future__ import annotations

import random

from reportlab.graphics.barcode import qrencoder

from handouts.qr import lost_points, qr_modules


def _urls(count: int) -> list[str]:
    rng = random.Random(7)
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789-./?=&_%"
    return [f"https://{''.join(rng.choice(alphabet) for _ in range(rng.randint(4, 140)))}"
            for _ in range(count)] + ["https://harbourview-physio.example/book"]


def test_lost_points_match_reportlab_for_every_mask() -> None:
    for url in _urls(30):
        code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
        code.addData(url)
        code.version = code.calculate_version()
        for mask in range(8):
            code.makeImpl(True, mask)
            assert lost_points(code.modules) == qrencoder.QRUtil.getLostPoint(code), (url, mask)


def test_same_matrix_as_reportlab() -> None:
    for url in _urls(10):
        ref = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
        ref.addData(url)
        ref.make()
        assert qr_modules(url) == tuple(tuple(bool(m) for m in row) for row in ref.modules)
