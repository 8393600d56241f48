"""Blocks: the fixed parts of a handout around the template text (prepared-for, booking)."""

from __future__ import annotations

from typing import Any

from .fonts import FontChain
from .models import Clinic
from .qr import draw_qr
from .styles import Palette, table_style

QR_SIZE = 78.0
BLANK_NAME = "_" * 30
BLANK_DATE = "_" * 16


def prepared_for(labels: dict, patient: str | None, date_text: str, styles: dict,
                 palette: Palette, chain: FontChain) -> Any:
    """Return the 'Prepared for ___ on ___' strip: filled in, or blank lines to write on."""
    from reportlab.lib.colors import HexColor
    from reportlab.platypus import Paragraph, Table

    if patient:
        who, when = f"<b>{chain.to_markup(patient)}</b>", chain.to_markup(date_text)
    else:
        who, when = BLANK_NAME, BLANK_DATE
    text = f"{chain.to_markup(labels['prepared_for'])} {who}  {chain.to_markup(labels['on'])} {when}"
    strip = Table([[Paragraph(text, styles["body"])]], colWidths=["100%"], hAlign="LEFT")
    strip.setStyle(table_style(chain, [
        ("BOX", (0, 0), (-1, -1), 0.8, HexColor(palette.primary)),
        ("TOPPADDING", (0, 0), (-1, -1), 5), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 8),
    ]))
    strip.spaceAfter = 8
    return strip


def booking(clinic: Clinic, labels: dict, styles: dict, palette: Palette,
            chain: FontChain) -> Any:
    """Return the closing box: QR code and printed booking link (or the phone number)."""
    from reportlab.lib.colors import HexColor
    from reportlab.platypus import Paragraph, Table

    m = chain.to_markup
    lines = []
    if clinic.booking_url:
        lines.append(f"<b>{m(labels['book_online'])}</b>")
        lines.append(f'<a href="{m(clinic.booking_url)}" color="{palette.text}">'
                     f"{m(clinic.booking_url)}</a>")
    lines.append(f"{m(labels['phone'])} {m(clinic.phone)}"
                 + (f"  ·  {m(labels['email'])} {m(clinic.email)}" if clinic.email else ""))
    text = Paragraph("<br/>".join(lines), styles["body"])
    if clinic.booking_url:
        cells = [[QrFlowable(clinic.booking_url, QR_SIZE), text]]
        widths = [QR_SIZE + 12, None]
    else:
        cells, widths = [[text]], [None]
    box = Table(cells, colWidths=widths, hAlign="LEFT")
    box.setStyle(table_style(chain, [
        ("BACKGROUND", (0, 0), (-1, -1), HexColor(palette.tint)),
        ("LINEABOVE", (0, 0), (-1, 0), 2, HexColor(palette.primary)),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 6), ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
    ]))
    box.spaceBefore, box.spaceAfter = 6, 6
    box.keepWithNext = 0
    return box


def QrFlowable(data: str, size: float) -> Any:  # noqa: N802 - flowable factory
    """Return a flowable drawing the QR code for `data` on a white square."""
    from reportlab.lib.colors import black, white
    from reportlab.platypus import Flowable

    class _Qr(Flowable):
        def wrap(self, *_: Any) -> tuple[float, float]:
            return size, size

        def draw(self) -> None:
            self.canv.setFillColor(white)
            self.canv.rect(0, 0, size, size, stroke=0, fill=1)
            self.canv.setFillColor(black)
            draw_qr(self.canv, data, 0, 0, size)

    return _Qr()


def small_line(text: str, styles: dict, chain: FontChain) -> Any:
    """Return one line of small print (content version, review date)."""
    from reportlab.platypus import Paragraph

    line = Paragraph(chain.to_markup(text), styles["small"])
    line.spaceBefore = 4
    return line
