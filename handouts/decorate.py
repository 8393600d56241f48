"""Decorate: each page's band and footer, and the page numbers.

Page 1's band and footer carry what a reader needs (the clinic, its address, the booking link and
QR code, phone, e-mail, website), so in the tagged PDF they are content: the logo and the QR code
are figures with alternative text, the links real links. Bands, tiles and rules, and everything
repeated on later pages, are artifacts.
"""

from __future__ import annotations

from typing import Any

from . import furniture
from .errors import RenderError, problem
from .furniture import BOTTOM, MARGIN, QR_TILE, PAGE_SIZES
from .styles import INK
from .tagging import Node, artifact, tagged, tagger_of

LINE_STEP = 1.2  # baseline to baseline in the band, as a multiple of the type size
SEPARATOR = "  ·  "


def decorate(canv: Any, page: Any, first: bool, fitted: tuple | None = None) -> None:
    """Draw the band and footer of one page (page 1's tagged, the rest artifacts); `fitted` is
    (footer rows, band lines) worked out once per document by `fit_furniture`."""
    rows, lines = fitted or fit_furniture(page)
    from reportlab.lib.colors import HexColor

    width, height = PAGE_SIZES[page.paper]
    sizes = page.sizes
    band = sizes.band_first if first else sizes.band_later
    pal = page.palette
    canv.saveState()
    if not (first and page.letterhead):
        with artifact(canv, "Pagination"):
            canv.setFillColor(HexColor(pal.primary))
            canv.rect(0, height - band, width, band, stroke=0, fill=1)
            if pal.accent != pal.primary:
                canv.setFillColor(HexColor(pal.accent))
                canv.rect(0, height - band - 4, width, 4, stroke=0, fill=1)
        canv.setFillColor(HexColor(pal.on_primary))
        if first:
            _first_band(canv, page, width, height, lines)
        else:
            with artifact(canv, "Pagination"):
                room = width - 2 * MARGIN
                name = furniture.ellipsize(page.chain, page.clinic.name, sizes.line, room, True)
                furniture.draw_line(canv, page.chain, MARGIN,
                                    height - band + sizes.running_baseline,
                                    furniture.Line(name, sizes.line, True))
    elif first:
        _letterhead_name(canv, page, height)
    _footer(canv, page, width, rows, tag=first)
    canv.restoreState()


def _letterhead_name(canv: Any, page: Any, height: float) -> None:
    """On a letterhead, the clinic's name is part of the letterhead (an artifact to a screen
    reader): say it first anyway, as invisible text (render mode 3) tagged as page 1's first
    paragraph, where the letterhead shows it."""
    root = _root(canv)
    if root is None:
        return
    with tagged(canv, root.child("P")):
        furniture.draw_line(canv, page.chain, MARGIN, height - 40,
                            furniture.Line(page.clinic.name, page.sizes.line, True), mode=3)


def fit_furniture(page: Any) -> tuple[list, list]:
    """Fit the footer rows and page 1's band lines (a RenderError names what cannot fit)."""
    return footer_rows(page), band_lines(page, band_room(page)[1])


def _root(canv: Any) -> Node | None:
    tagger = tagger_of(canv)
    return tagger.root if tagger is not None else None


def footer_items(page: Any) -> list[tuple[str, str]]:
    """The footer's items with their keys: the address lines the header leaves out, phone,
    e-mail, website (the clinic's name is in the band of every page)."""
    c, lab = page.clinic, page.labels
    items: list[tuple[str, str]] = []
    rest = c.address if page.letterhead else c.address[header_address_lines(page):]
    items += [(f"address[{i}]", line) for i, line in enumerate(rest, len(c.address) - len(rest))]
    items.append(("phone", f"{lab['phone']} {c.phone}"))
    items += [("email", f"{lab['email']} {c.email}")] if c.email else []
    items += [("website", c.website.removeprefix("https://").rstrip("/"))] if c.website else []
    return items


def footer_rows(page: Any) -> list[list[tuple[str, str]]]:
    """The footer's items, broken into lines (raises RenderError if it needs more than three)."""
    room = PAGE_SIZES[page.paper][0] - 2 * MARGIN - 75 * page.sizes.floor / furniture.MIN_SIZE
    items = footer_items(page)  # (the right end is the page number's)
    lines = furniture.footer_lines(page.chain, items, room, page.clinic.source, page.sizes)
    rows, it = [], iter(items)
    for line in lines:
        row: list[tuple[str, str]] = []
        while SEPARATOR.join(t for _, t in row) != line.text:
            row.append(next(it))
        rows.append(row)
    return rows


def _footer(canv: Any, page: Any, width: float, rows: list, tag: bool) -> None:
    from reportlab.lib.colors import HexColor

    top = BOTTOM + (len(rows) - 1) * page.sizes.footer_leading
    rule = top + page.sizes.floor + 3
    with artifact(canv, "Pagination"):
        canv.setStrokeColor(HexColor(page.palette.primary))
        canv.setLineWidth(0.8)
        canv.line(MARGIN, rule, width - MARGIN, rule)
    canv.setFillColor(HexColor("#333333"))
    root = _root(canv) if tag else None
    para = Node("P", root, last=True) if root is not None else None
    if para is None:
        with artifact(canv, "Pagination"):
            _footer_text(canv, page, rows, top, None)
    else:
        _footer_text(canv, page, rows, top, para)


def _footer_text(canv: Any, page: Any, rows: list, top: float, para: Node | None) -> None:
    c = page.clinic
    labels = page.labels  # in the handout's language, as the visible footer
    links = {"email": (f"mailto:{c.email}", f"{labels['email']} {c.email}"),
             "website": (c.website, f"{labels['web']}: {c.website}")}
    for n, row in enumerate(rows):
        x, y = MARGIN, top - n * page.sizes.footer_leading
        size = page.sizes.floor
        for k, (key, text) in enumerate(row):
            line = furniture.Line(text, size)
            with tagged(canv, para):
                if k:
                    x += furniture.draw_line(canv, page.chain, x, y,
                                             furniture.Line(SEPARATOR, size))
                if para is None or key not in links:
                    x += furniture.draw_line(canv, page.chain, x, y, line)
            if para is not None and key in links:
                x = _link_text(canv, page, x, y, line, para, *links[key])


def _link_text(canv: Any, page: Any, x: float, y: float, line: furniture.Line, parent: Node,
               url: str, contents: str) -> float:
    """Draw `line` as a tagged link to `url`; return the x after it."""
    link = parent.child("Link")
    tagger = tagger_of(canv)
    with tagged(canv, link):
        width = furniture.draw_line(canv, page.chain, x, y, line)
    if tagger is not None:
        tagger.add_link(canv, link, url, (x, y - 0.25 * line.size, x + width, y + line.size),
                        contents, print_flag=True)
    return x + width


def band_room(page: Any) -> tuple[float, float]:
    """Return the x where page 1's band text starts and the width it has."""
    width = PAGE_SIZES[page.paper][0]
    x = MARGIN
    if page.logo is not None:
        x += logo_size(page)[0] + 8 + 14
    right = width - MARGIN - (QR_TILE + 12 if page.clinic.booking_url else 0)
    return x, right - x


def header_address_lines(page: Any) -> int:
    """How many address lines the band shows: all on one line if they fit, else one (the rest
    go to the footer). The address keeps to the edition's floor (14 pt in large print); only a
    long booking link may go below it."""
    room = band_room(page)[1]
    joined = ", ".join(page.clinic.address)
    sizes = page.sizes
    fits = furniture.fit_size(page.chain, joined, sizes.line, room, False, sizes.floor)
    return len(page.clinic.address) if fits else 1


def band_lines(page: Any, room: float) -> list[tuple[str, furniture.Line]]:
    """The text of page 1's band, each line with its role (name, address, label, link)."""
    clinic, chain, labels, sizes = page.clinic, page.chain, page.labels, page.sizes
    size, floor = sizes.line, sizes.band_floor
    lines = [("name", line) for line in furniture.name_lines(chain, clinic.name, room,
                                                             clinic.source, sizes)]
    shown = ", ".join(clinic.address[:header_address_lines(page)])
    # the edition's floor, unless even the first line alone is longer (then the band's)
    least = sizes.floor if furniture.fit_size(chain, shown, size, room, False, sizes.floor) \
        else floor
    lines.append(("address", furniture.fitted_line(chain, shown, size, room, False,
                                                   clinic.source, "address[0]", least)))
    if clinic.booking_url:
        label, url = f"{labels['book_online']}:", clinic.booking_url.removeprefix("https://")
        if furniture.fit_size(chain, f"{label} {url}", size, room, True, floor):
            fitted = furniture.fitted_line(chain, f"{label} {url}", size, room, True,
                                           clinic.source, "booking_url", floor).size
            lines.append(("booking", furniture.Line(f"{label} {url}", fitted, True)))
        elif furniture.fit_size(chain, url, size, room, True, floor):  # a line of its own
            lines.append(("label", furniture.Line(label, size, True)))
            lines.append(("link", furniture.fitted_line(chain, url, size, room, True,
                                                        clinic.source, "booking_url", floor)))
        else:  # a long link: after its label, broken after a / ? & # or = onto more lines
            spare = sizes.band_first - 10 - sum(line.size * LINE_STEP for _, line in lines)
            lines += _long_link(chain, label, url, size, floor, room, clinic.source, spare)
    else:
        lines.append(("phone", furniture.fitted_line(chain, f"{labels['phone']} {clinic.phone}",
                                                     size, room, True, clinic.source, "phone",
                                                     floor)))
    if sum(line.size * LINE_STEP for _, line in lines) > sizes.band_first - 10:
        raise RenderError(problem(clinic.source, "name", "the clinic's name, address and booking "
                                                         "link do not fit in the header; shorten "
                                                         "the name"))
    return lines


def _long_link(chain: Any, label: str, url: str, size: float, floor: float, room: float,
               source: object, spare: float) -> list[tuple[str, furniture.Line]]:
    """The booking link on two or three lines, the first after its label (the QR code carries
    it whole): the largest size and fewest lines that fit the band's `spare` height."""
    for most, trial in ((2, size), (2, floor), (3, size), (3, floor)):
        after = room - furniture.text_width(chain, f"{label} ", trial, True)
        parts = furniture.url_lines(chain, url, trial, after, room, most)
        if parts and len(parts) * trial * LINE_STEP <= spare:
            return [("booking", furniture.Line(f"{label} {parts[0]}", trial, True)),
                    *(("link", furniture.Line(part, trial, True)) for part in parts[1:])]
    raise RenderError(problem(source, "booking_url", f"{url!r} is too long for the header, even "
                                                     f"on three lines of {floor:g} pt; shorten it"))


def _first_band(canv: Any, page: Any, width: float, height: float, lines: list) -> None:
    """Page 1 band: logo, clinic name and address, booking link and QR code (tagged)."""
    from reportlab.lib.colors import HexColor

    clinic, root, band = page.clinic, _root(canv), page.sizes.band_first
    if page.logo is not None:
        _draw_logo(canv, page, MARGIN, height - band + (band - furniture.LOGO_BOX) / 2, root)
        canv.setFillColor(HexColor(page.palette.on_primary))
    x, _ = band_room(page)
    steps = [line.size * LINE_STEP for _, line in lines]
    y = height - (band - sum(steps)) / 2 - lines[0][1].size * 0.95
    name = root.child("P") if root is not None else None
    booking = root.child("P") if root is not None else None
    for (role, line), step in zip(lines, steps, strict=True):
        _band_line(canv, page, x, y, role, line, name, booking, root)
        y -= step
    if clinic.booking_url:
        _qr(canv, page, width - MARGIN - QR_TILE, height - band + (band - QR_TILE) / 2, booking)


def _band_line(canv: Any, page: Any, x: float, y: float, role: str, line: furniture.Line,
               name: Node | None, booking: Node | None, root: Node | None) -> None:
    url = page.clinic.booking_url or ""
    contents = f"{page.labels['book_online']}: {url}"
    if booking is not None and role == "booking":  # "Book online: example.com/book"
        label = line.text.split(": ", 1)[0] + ": "
        with tagged(canv, booking):
            x += furniture.draw_line(canv, page.chain, x, y, furniture.Line(label, line.size, True))
        _link_text(canv, page, x, y, furniture.Line(line.text[len(label):], line.size, True),
                   booking, url, contents)
    elif booking is not None and role == "link":
        _link_text(canv, page, x, y, line, booking, url, contents)
    else:
        node = name if role == "name" else (booking if role == "label" else
                                           (root.child("P") if root is not None else None))
        with tagged(canv, node):
            furniture.draw_line(canv, page.chain, x, y, line)


def _qr(canv: Any, page: Any, x: float, y: float, booking: Node | None) -> None:
    url = page.clinic.booking_url
    with artifact(canv):
        furniture.draw_qr_tile(canv, url, x, y, tile_only=True)
    if booking is None:
        furniture.draw_qr_tile(canv, url, x, y, link=True)
        return
    link = booking.child("Link")
    figure = link.child("Figure", Alt=f"{page.labels['scan_to_book']}: {url}")  # the page's language
    with tagged(canv, figure):
        furniture.draw_qr_tile(canv, url, x, y, code_only=True)
    tagger_of(canv).add_link(canv, link, url, (x, y, x + QR_TILE, y + QR_TILE),
                             f"{page.labels['book_online']}: {url}", print_flag=True)


def logo_size(page: Any) -> tuple[float, float]:
    """The logo's drawn size: its pixel size as shown (after EXIF rotation) fitted to the band."""
    width, height = page.clinic.logo.width, page.clinic.logo.height
    shown_w, shown_h = page.logo.getSize()
    if (shown_w > shown_h) != (width > height) and shown_w != shown_h:
        width, height = height, width  # the file's EXIF orientation turns it a quarter
    return furniture.logo_box(width, height, page.clinic.source)


def _draw_logo(canv: Any, page: Any, x: float, y: float, root: Node | None) -> float:
    """Draw the logo on a white tile in the band; return the tile's right edge."""
    from reportlab.lib.colors import white

    box = furniture.LOGO_BOX
    w, h = logo_size(page)
    with artifact(canv):
        canv.setFillColor(white)
        canv.roundRect(x, y, w + 8, box, 4, stroke=0, fill=1)
    figure = root.child("Figure", Alt=f"{page.clinic.name} logo") if root is not None else None
    with tagged(canv, figure):
        canv.drawImage(page.logo, x + 4, y + (box - h) / 2, w, h)
    return x + w + 8


def draw_page_number(canv: Any, page: Any, label: str, number: int, total: int) -> None:
    from reportlab.lib.colors import HexColor

    width, _ = PAGE_SIZES[page.paper]
    size = page.sizes.floor
    line = furniture.Line(label.format(page=number, pages=total), size, True)
    canv.setFillColor(HexColor(INK))
    x = width - MARGIN - furniture.text_width(page.chain, line.text, size, True)
    furniture.draw_line(canv, page.chain, x, BOTTOM, line)
