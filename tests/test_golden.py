"""Golden page images: each sample clinic's handout in each language (English on both paper
sizes) is rendered to small PNGs and compared with the ones kept in tests/golden/.

A visible difference fails, and leaves a side-by-side image (kept | now | difference in red) in
tests/golden-diff/. After a deliberate change, refresh the goldens with `./dev goldens` and look
at them before committing.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import pytest

from handouts.jobs import HandoutJob, build_handout

from conftest import DATE, SAMPLE_CLINICS

GOLDEN = Path(__file__).parent / "golden"
DIFFS = Path(__file__).parent / "golden-diff"
DPI = 60
STRONG = 80        # a channel difference that is a real change, not anti-aliasing
MAX_CHANGED = 3    # pixels; a list bullet or a full stop at 60 dpi is about 6–12
UPDATE = os.environ.get("HANDOUTS_UPDATE_GOLDENS") == "1"


def golden_jobs() -> list[tuple[str, str, str]]:
    jobs = []
    for folder in SAMPLE_CLINICS:
        data = tomllib.loads((folder / "clinic.toml").read_text(encoding="utf-8"))
        for lang in data.get("languages", ["en"]):
            papers = ["letter", "a4"] if lang == "en" and "letterhead" not in data \
                else [data.get("paper", "letter")]
            jobs += [(folder.name, lang, paper) for paper in papers]
    return jobs


def render_pages(pdf: bytes) -> list:
    """Return each page as a grey PIL image at DPI (PDFium, as Chrome draws it)."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        return [doc[i].render(scale=DPI / 72, grayscale=True).to_pil().convert("L") for i in range(len(doc))]
    finally:
        doc.close()


def changed_pixels(kept: object, now: object) -> tuple[int, object]:
    """Return how many pixels differ strongly, and a mask image of them."""
    from PIL import ImageChops

    diff = ImageChops.difference(kept, now)
    mask = diff.point(lambda v: 255 if v >= STRONG else 0)
    return mask.histogram()[255], mask


def side_by_side(kept: object, now: object, mask: object) -> object:
    from PIL import Image

    w, h = kept.size
    out = Image.new("RGB", (w * 3 + 20, h), "white")
    out.paste(kept.convert("RGB"), (0, 0))
    out.paste(now.convert("RGB"), (w + 10, 0))
    red = Image.new("RGB", (w, h), (220, 0, 0))
    faded = now.point(lambda v: 155 + v * 100 // 255).convert("RGB")
    out.paste(Image.composite(red, faded, mask), (2 * w + 20, 0))
    return out


@pytest.mark.parametrize("clinic,lang,paper", golden_jobs())
def test_pages_look_like_the_goldens(clinic: str, lang: str, paper: str) -> None:
    from PIL import Image

    pdf = build_handout(HandoutJob(str(SAMPLE_CLINICS[0].parent / clinic), lang=lang,
                                   paper=paper, date=DATE))
    pages = render_pages(pdf)
    name = f"{clinic}-{lang}-{paper}"
    if UPDATE:
        GOLDEN.mkdir(exist_ok=True)
        for old in GOLDEN.glob(f"{name}-p*.png"):
            old.unlink()
        for n, image in enumerate(pages, 1):
            image.save(GOLDEN / f"{name}-p{n}.png", optimize=True)
    kept_files = sorted(GOLDEN.glob(f"{name}-p*.png"))
    assert len(kept_files) == len(pages), f"{name}: {len(pages)} pages, golden has {len(kept_files)}"
    for n, (path, now) in enumerate(zip(kept_files, pages, strict=True), 1):
        kept = Image.open(path).convert("L")
        assert kept.size == now.size, f"{name} page {n}: size {now.size} vs {kept.size}"
        count, mask = changed_pixels(kept, now)
        if count > MAX_CHANGED:
            DIFFS.mkdir(exist_ok=True)
            side_by_side(kept, now, mask).save(DIFFS / f"{name}-p{n}.png")
        assert count <= MAX_CHANGED, (f"{name} page {n}: {count} pixels changed; see "
                                      f"tests/golden-diff/{name}-p{n}.png (refresh: ./dev goldens)")


def test_a_missing_bullet_is_a_visible_difference() -> None:
    """The comparison sees one bullet's worth of ink (3×3 pixels at 60 dpi)."""
    from PIL import Image, ImageDraw

    kept = Image.open(sorted(GOLDEN.glob("*.png"))[0]).convert("L")
    now = kept.copy()
    ImageDraw.Draw(now).rectangle((100, 300, 102, 302), fill=0)
    assert changed_pixels(kept, kept)[0] == 0
    assert changed_pixels(kept, now)[0] > MAX_CHANGED
