"""Typst peer: the English sample handout as a Typst document, for side-by-side timing.

The Markdown our pipeline renders (harbour-physio, sam-taylor, letter) is converted token by
token (markdown-it, the project's own parser) into Typst markup, with the same fonts, logo, a QR
code drawn once from our QR matrix as SVG, the table, boxes, two-column sections, references in
columns, a header band and a footer with "Page X of Y". Similar, not identical: see README, Speed.
"""

from __future__ import annotations

import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CLINIC = ROOT / "examples" / "clinics" / "harbour-physio"
FONTS = ROOT / "fonts"
DATE = "2026-11-25"
GUTTER = "18pt"

# Typst markup characters escaped in text (a backslash before any of them is a literal).
_SPECIAL = re.compile(r"([\\#*_`$<>@\[\]~/=+\-\"'.:;])")


def esc(text: str) -> str:
    """Escape text for Typst markup."""
    return _SPECIAL.sub(r"\\\1", text)


def string(text: str) -> str:
    """Return a Typst string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass(frozen=True)
class Peer:
    """Everything the Typst document needs besides its body."""

    name: str
    address: list[str]
    booking: str
    footer: str
    primary: str
    accent: str
    mark: str
    tint: str
    warning: str
    warning_tint: str
    title: str
    lang: str
    labels: dict
    version_line: str


def sample() -> tuple[Peer, str]:
    """Render our English sample's Markdown and gather its page furniture."""
    from handouts.config import load_clinic
    from handouts.document import render_text
    from handouts.jobs import HandoutJob
    from handouts.styles import make_palette

    clinic = load_clinic(CLINIC)
    job = HandoutJob(str(CLINIC), practitioner="sam-taylor", paper="letter",
                     date=DATE).resolved(clinic)
    text = render_text(clinic, job)
    pal = make_palette(clinic.brand.primary, clinic.brand.accent)
    labels = text.meta["labels"]
    footer = "  ·  ".join([f"{labels['phone']} {clinic.phone}",
                           f"{labels['email']} {clinic.email}",
                           clinic.website.removeprefix("https://").rstrip("/")])
    version = labels["version"].format(version=text.meta.get("version", ""),
                                       reviewed="November 26, 2026")
    peer = Peer(clinic.name, list(clinic.address), clinic.booking_url, footer, pal.primary,
                pal.accent, pal.mark, pal.tint, pal.warning, pal.warning_tint,
                str(text.meta["title"]), job.lang, labels, version)
    return peer, text.body


class Converter:
    """markdown-it block tokens → Typst markup (the constructs our templates use)."""

    def __init__(self, peer: Peer) -> None:
        self.peer = peer

    def convert(self, markdown: str) -> str:
        from handouts.markup import parse_blocks

        out, _ = self.blocks(parse_blocks(markdown), 0, None, "body")
        return "\n".join(out)

    def blocks(self, toks: list, i: int, until: str | None, role: str) -> tuple[list[str], int]:
        out: list[str] = []
        while i < len(toks):
            tok = toks[i]
            kind = tok.type
            if kind == until:
                return out, i + 1
            if kind == "heading_open":
                level = int(tok.tag[1])
                out.append("=" * level + " " + self.inline(toks[i + 1]) + "\n")
                i += 3
            elif kind == "paragraph_open":
                text = self.inline(toks[i + 1])
                out.append(f"#lead[{text}]\n" if role == "lead" else text + "\n")
                i += 3
            elif kind in ("bullet_list_open", "ordered_list_open"):
                text, i = self.listing(toks, i)
                out.append(text)
            elif kind == "table_open":
                text, i = self.table(toks, i)
                out.append(text)
            elif kind == "container_figure_open":
                text, i = self.figure(toks, i)
                out.append(text)
            elif kind.startswith("container_") and kind.endswith("_open"):
                name = kind[len("container_"):-len("_open")]
                inner, i = self.blocks(toks, i + 1, f"container_{name}_close", name)
                out.append(self.container(name, inner))
            elif kind == "hr":
                i += 1
            else:
                raise ValueError(f"unsupported token {kind}")
        return out, i

    def listing(self, toks: list, i: int) -> tuple[str, int]:
        ordered = toks[i].type == "ordered_list_open"
        close = toks[i].type.replace("_open", "_close")
        items: list[str] = []
        check = False
        i += 1
        while toks[i].type != close:
            inline = toks[i + 2]
            if inline.content.startswith("[ ] "):
                check = True
                items.append(self.inline(inline, skip=4))
            else:
                items.append(self.inline(inline))
            i += 5
        if check:  # a check list is one form: never split (like our KeepTogether)
            body = ", ".join(f"[{item}]" for item in items)
            return f"#block(breakable: false)[#list(marker: checkbox, {body})]\n", i + 1
        mark = "+" if ordered else "-"
        return "\n".join(f"{mark} {item}" for item in items) + "\n", i + 1

    def table(self, toks: list, i: int) -> tuple[str, int]:
        rows: list[list[str]] = []
        while toks[i].type != "table_close":
            tok = toks[i]
            if tok.type == "tr_open":
                rows.append([])
            elif tok.type in ("th_open", "td_open"):
                text = self.inline(toks[i + 1])
                head = tok.type == "th_open" or not rows[-1]
                rows[-1].append(f"[*{text}*]" if head and text else f"[{text}]")
                i += 2
            i += 1
        n = len(rows[0])
        first = 100 / n * 0.8
        rest = (100 - first) / (n - 1)
        widths = ", ".join([f"{first:.2f}%"] + [f"{rest:.2f}%"] * (n - 1))
        header = "table.header(" + ", ".join(rows[0]) + ")"
        body = ",\n  ".join(", ".join(row) for row in rows[1:])
        return (f"#handout-table(columns: ({widths}),\n  {header},\n  {body})\n", i + 1)

    def figure(self, toks: list, i: int) -> tuple[str, int]:
        labels: list[str] = []
        alt = ""
        i += 1
        while toks[i].type != "container_figure_close":
            if toks[i].type == "inline" and toks[i - 1].type == "paragraph_open" and \
                    toks[i - 2].type != "list_item_open":
                alt = toks[i].content
            elif toks[i].type == "inline":
                labels.append(toks[i].content)
            i += 1
        parts = [label.split(": ", 1) if ": " in label else label.split("? ", 1)
                 for label in labels]
        args = ", ".join(f"({string(a)}, {string(b)})" for a, b in parts)
        return f"#needle-sizes(alt: {string(alt)}, {args})\n", i + 1

    def container(self, name: str, inner: list[str]) -> str:
        if name in ("lead", "warning", "note"):
            return f"#{name}-box[\n" + "\n".join(inner) + "]\n"
        if name == "references":
            return "#references[\n" + "\n".join(inner) + "]\n"
        # columns: sections (each from a heading) side by side, as ours pairs them
        starts = [k for k, part in enumerate(inner) if part.startswith("=")] or [0]
        sections = ["\n".join(inner[a:b]) for a, b in zip(starts, [*starts[1:], len(inner)])]
        cells = ", ".join(f"[{s}]" for s in sections)
        return f"#grid(columns: (1fr, 1fr), column-gutter: {GUTTER}, {cells})\n"

    def inline(self, tok: Any, skip: int = 0) -> str:
        out: list[str] = []
        for n, child in enumerate(tok.children or []):
            kind = child.type
            if kind in ("text", "code_inline"):
                out.append(esc(child.content[skip:] if n == 0 else child.content))
            elif kind in ("strong_open", "em_open"):
                out.append("#strong[")
            elif kind in ("strong_close", "em_close", "link_close"):
                out.append("]")
            elif kind == "softbreak":
                out.append(" ")
            elif kind == "hardbreak":
                out.append(" \\\n")
            elif kind == "link_open":
                out.append(f"#link({string(child.attrs.get('href', ''))})[")
            else:
                raise ValueError(f"unsupported inline {kind}")
        return "".join(out)


PREAMBLE = r"""
#let name = sys.inputs.at("name", default: NAME)
#let primary = rgb(sys.inputs.at("primary", default: PRIMARY))
#let accent = rgb(ACCENT)
#let mark = rgb(MARK)
#let tint = rgb(TINT)
#let ink = rgb("#1A1A1A")
#set document(title: TITLE, author: name, date: datetime(year: 2026, month: 11, day: 25))
#set text(font: "Atkinson Hyperlegible", size: 12pt, lang: LANG, fill: ink)
#set par(leading: 6.2pt, spacing: 8pt)
#set list(marker: [•], indent: 3pt, body-indent: 7pt, spacing: 4pt)
#set enum(indent: 3pt, spacing: 4pt)
#show heading: set text(fill: primary, weight: "bold")
#show heading.where(level: 1): set text(size: 21pt)
#show heading.where(level: 1): set block(below: 8pt)
#show heading.where(level: 2): set text(size: 14.5pt)
#show heading.where(level: 2): set block(above: 9pt, below: 5pt)
#show heading.where(level: 3): set text(size: 12.5pt, fill: ink)
#let checkbox = box(stroke: 1.2pt + mark, width: 0.85em, height: 0.85em, baseline: 0.1em)
#let lead(body) = text(size: 13.5pt, weight: "bold", body)
#let lead-box(body) = block(width: 100%, fill: tint, inset: (x: 10pt, y: 6pt),
  stroke: (left: 4pt + primary), above: 4pt, below: 6pt, body)
#let warning-box(body) = block(width: 100%, fill: rgb(WARNING_TINT), inset: (x: 10pt, y: 6pt),
  stroke: 1.5pt + rgb(WARNING), above: 4pt, below: 6pt, body)
#let note-box(body) = block(width: 100%, fill: tint, inset: (x: 10pt, y: 6pt), above: 4pt,
  below: 6pt, body)
#let references(body) = {
  set text(size: 9pt, fill: rgb("#333333"))
  set par(leading: 3.5pt, spacing: 2pt)
  set enum(spacing: 3pt)
  columns(2, gutter: 18pt, body)
}
#let handout-table(columns: (), ..cells) = table(
  columns: columns, inset: (x: 5pt, y: 3pt), align: top + left,
  fill: (x, y) => if y == 0 { primary } else if calc.rem(y, 2) == 0 { tint },
  stroke: (x, y) => if y > 0 { (bottom: 0.5pt + rgb("#C8C8C8")) },
  ..cells)
#show table.cell.where(y: 0): set text(fill: white)
#let needle-sizes(alt: "", ..labels) = {
  let l = labels.pos()
  let r1 = 0.25mm * 15 / 2
  let r2 = 0.8192mm * 15 / 2
  let steel = gradient.radial(rgb("#E9EDF0"), rgb("#A7B0B8"), rgb("#6B757E"), center: (35%, 35%))
  figure(alt: alt, block(width: 100%, fill: tint, inset: 8pt, grid(
    columns: (1fr, auto, 1fr, auto, 1fr), column-gutter: 8pt, align: horizon,
    [#strong(l.at(0).at(0))? \ #l.at(0).at(1)],
    circle(radius: r1, fill: steel, stroke: 0.8pt + rgb("#3E474F")),
    [#strong(l.at(1).at(0) + ":") \ #l.at(1).at(1)],
    circle(radius: r2, fill: steel, stroke: 0.8pt + rgb("#3E474F"),
      inset: 0pt, align(center + horizon, circle(radius: 0.514mm * 15 / 2, fill: white,
      stroke: 0.8pt + rgb("#3E474F")))),
    [#strong(l.at(2).at(0) + ":") \ #l.at(2).at(1)],
  )))
}
#let band(first) = {
  let h = if first { 86pt } else { 26pt }
  place(top + left, rect(width: 100%, height: h, fill: primary))
  place(top + left, dy: h, rect(width: 100%, height: 4pt, fill: accent))
  if first {
    place(top + left, dx: 42pt, dy: 12pt, box(fill: white, radius: 4pt, inset: 4pt,
      image("logo.png", height: 54pt, alt: name + " logo")))
    place(top + right, dx: -42pt, dy: 8pt, box(fill: white, radius: 4pt, inset: 1pt,
      image("qr.svg", width: 68pt, alt: "QR code: " + BOOKING)))
    place(top + left, dx: 42pt + 62pt + 22pt, dy: 18pt, block(text(fill: white)[
      #text(size: 17pt, weight: "bold", name) \
      #text(size: 11pt, ADDRESS) \
      #text(size: 11pt, weight: "bold")[BOOK_LABEL: #link(BOOKING, BOOKING_SHOWN)]
    ]))
  } else {
    place(top + left, dx: 42pt, dy: 8pt, text(fill: white, size: 11pt, weight: "bold", name))
  }
}
#set page(
  paper: "us-letter",
  margin: (x: 42pt, top: 44pt, bottom: 56pt),
  background: context band(here().page() == 1),
  footer-descent: 14pt,
  footer: context {
    line(length: 100%, stroke: 0.8pt + primary)
    v(-4pt)
    set text(size: 9pt, fill: rgb("#333333"))
    FOOTER
    h(1fr)
    strong[PAGE_LABEL]
  },
)
#v(52pt)
#block(width: 100%, stroke: 0.8pt + primary, inset: (x: 8pt, top: 5pt, bottom: 3pt), below: 6pt)[
  PREPARED #box(width: 12em, line(length: 100%, stroke: 0.5pt)) ON
  #box(width: 6em, line(length: 100%, stroke: 0.5pt))
]
"""


def document(peer: Peer, body: str) -> str:
    """Return the whole Typst source of the handout."""
    page = peer.labels["page"].replace("{page}", "#counter(page).display()").replace(
        "{pages}", "#counter(page).final().first()")
    values = {
        "NAME": string(peer.name), "PRIMARY": string(peer.primary), "ACCENT": string(peer.accent),
        "MARK": string(peer.mark), "TINT": string(peer.tint), "TITLE": string(peer.title),
        "LANG": string(peer.lang), "WARNING_TINT": string(peer.warning_tint),
        "WARNING": string(peer.warning),
        "BOOKING_SHOWN": string(peer.booking.removeprefix("https://")),
        "BOOKING": string(peer.booking), "ADDRESS": string(", ".join(peer.address)),
        "BOOK_LABEL": esc(peer.labels["book_online"]), "FOOTER": string(peer.footer),
        "PAGE_LABEL": page, "PREPARED": esc(peer.labels["prepared_for"]),
        "ON": esc(peer.labels["on"]),
    }
    head = re.sub("|".join(sorted(values, key=len, reverse=True)),
                  lambda m: values[m.group()], PREAMBLE)
    small = f"#text(size: 9pt, fill: rgb(\"#333333\"))[{esc(peer.version_line)}]\n"
    return head + Converter(peer).convert(body) + "\n" + small


def qr_svg(url: str) -> str:
    """Our QR matrix (handouts.qr) as one SVG path, drawn once."""
    from handouts.qr import QUIET, qr_modules

    modules = qr_modules(url)
    n = len(modules) + 2 * QUIET
    path = "".join(f"M{x + QUIET},{y + QUIET}h1v1h-1z" for y, row in enumerate(modules)
                   for x, dark in enumerate(row) if dark)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {n} {n}" '
            f'shape-rendering="crispEdges"><path fill="#000" d="{path}"/></svg>')


def prepare(folder: Path) -> Path:
    """Write main.typ, logo.png and qr.svg into `folder`; return main.typ's path."""
    peer, body = sample()
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(CLINIC / "logo.png", folder / "logo.png")
    (folder / "qr.svg").write_text(qr_svg(peer.booking), encoding="utf-8")
    main = folder / "main.typ"
    main.write_text(document(peer, body), encoding="utf-8")
    return main


def compile_once(main: Path, inputs: dict | None = None) -> bytes:
    """One Typst compile of `main` with our fonts only (no system fonts)."""
    import typst

    return typst.compile(str(main), font_paths=[str(FONTS)], ignore_system_fonts=True,
                         sys_inputs=inputs or {})


if __name__ == "__main__":  # write the peer and its PDF for a look: typst_peer.py OUT_DIR
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "out/typst-peer")
    main = prepare(target)
    (target / "handout.pdf").write_bytes(compile_once(main))
    print(target / "handout.pdf")
