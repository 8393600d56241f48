"""Replayed paragraphs, tables, figures and page furniture (replay.py, recording.py) and kept
column heights (columns.py) give exactly the bytes of a fresh drawing, and replay does happen
(issue 14)."""

from __future__ import annotations

import io
import subprocess
import sys

from conftest import DATE, EXAMPLES

# Each job built alone with replay off, then all of them in one process with it on, three times:
# languages with and without shaping (Punjabi's glyph codes and /ActualText), large print,
# check boxes in two clinics' colours, links.
SCRIPT = f'''
import hashlib, sys
from handouts import bodyreplay, recording as replay
from handouts.jobs import HandoutJob, build_handout
replay.enabled = sys.argv[1] == "on"
bodyreplay.enabled = False  # blocks replayed one by one (whole pages: test_bodyreplay.py)
for spec in sys.argv[2:]:
    clinic, who, lang, paper, edition = spec.split(":")
    data = build_handout(HandoutJob({str(EXAMPLES)!r} + "/" + clinic,
                                    practitioner=None if who == "-" else who, lang=lang,
                                    paper=paper, date={DATE!r}, edition=edition))
    print(hashlib.sha256(data).hexdigest())
kinds = [key[0] for key, kept in replay.recordings().items() if kept and kept != ("seen",)]
print(kinds.count("Furniture"), kinds.count("Figure"), kinds.count("Table"),
      replay.stats["replayed"], replay.stats["recorded"])
'''
JOBS = ["harbour-physio:sam-taylor:en:letter:standard",
        "cedar-lane-wellness:-:en:letter:standard",            # other colours, same check boxes
        "maple-needle-clinic:priya-gill:en:a4:large-print",
        "harbour-physio:-:fr:a4:standard",                     # accents: codes past ASCII
        "maple-needle-clinic:-:pa:letter:standard",            # shaped text replayed
        "maple-needle-clinic:chen-wei:zh-Hant:letter:standard",
        "harbour-physio:sam-taylor:vi:letter:standard"]


def _run(mode: str, jobs: list[str]) -> tuple[list[str], list[int]]:
    out = subprocess.run([sys.executable, "-c", SCRIPT, mode, *jobs], capture_output=True,
                         text=True, check=True).stdout.split()
    return out[:-5], [int(n) for n in out[-5:]]


def test_replayed_handouts_are_byte_identical_to_fresh_ones() -> None:
    fresh = [_run("off", [job])[0][0] for job in JOBS]
    # a drawing is recorded the second time it comes, replayed from the third
    replayed, (furniture, figures, tables, count, recorded) = _run("on", JOBS * 3)
    assert replayed == fresh * 3
    assert recorded > 100 and count > 200  # most paragraphs and tables of the third round
    assert tables >= 10  # boxes, check lists, the comparison table, the prepared-for strip
    assert furniture >= 2 * len(JOBS)  # page 1's band and footer (tagged) and the later pages'
    assert figures >= 3  # the needle figure (its shading made again in each document)


def _paragraph_pdf(texts: list[str]) -> bytes:
    """Draw `texts` as paragraphs on one page of a bare canvas (no tagging), in order."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfgen.canvas import Canvas

    from handouts import replay
    from handouts.fonts import font_chain
    from handouts.memo import memoize_wraps, paragraph

    chain = font_chain("en")
    replay.install(Canvas)
    style = ParagraphStyle("t", fontName=chain.regular, fontSize=11, leading=14)
    buf = io.BytesIO()
    canvas = Canvas(buf, invariant=1)
    y = 700.0
    for text in texts:
        para = memoize_wraps([paragraph(text, style)])[0]
        para.wrapOn(canvas, 400, 800)
        para.drawOn(canvas, 72, y)
        y -= 30
    canvas.save()
    return buf.getvalue()


def test_a_character_coded_otherwise_is_drawn_afresh() -> None:
    """'é' gets the first free code in the first document, but in the second 'ñ' took that
    code first: the recording's bytes would be wrong there, so the paragraph is drawn again."""
    from handouts import recording as replay

    replay.enabled = False
    expected = _paragraph_pdf(["Señor", "Café au lait"])
    replay.enabled = True
    try:
        _paragraph_pdf(["Café au lait"])  # seen
        _paragraph_pdf(["Café au lait"])  # recorded: é is the first code past ASCII
        before = dict(replay.stats)
        again = _paragraph_pdf(["Señor", "Café au lait"])
        assert again == expected
        assert replay.stats["fresh"] > before["fresh"]
        same = _paragraph_pdf(["Café au lait", "Café au lait"])  # the same codes: replayed
        assert replay.stats["replayed"] > before["replayed"]
        replay.enabled = False
        assert same == _paragraph_pdf(["Café au lait", "Café au lait"])
    finally:
        replay.enabled = True


def test_column_heights_are_kept_and_unchanged() -> None:
    """The references' measured column height is reused, and the handout is the same bytes as
    one whose columns are measured by ReportLab's search every time. Page bodies are not
    replayed here: a replayed page measures nothing (after tests that built these handouts
    before, the kept-height count did not move)."""
    from handouts import bodyreplay, columns
    from handouts.jobs import HandoutJob, build_handout

    jobs = [HandoutJob(str(EXAMPLES / clinic), practitioner=None, lang=lang, paper=paper,
                       date=DATE) for clinic, lang, paper in
            [("harbour-physio", "en", "letter"), ("maple-needle-clinic", "zh-Hant", "a4"),
             ("harbour-physio", "fr", "letter")]]
    bodyreplay.enabled = False
    try:
        columns.enabled = False
        try:
            searched = [build_handout(job) for job in jobs]
        finally:
            columns.enabled = True
        build_handout(jobs[0])
        kept = columns.stats["kept"]
        assert [build_handout(job) for job in jobs] == searched
        assert columns.stats["kept"] >= kept + 1
    finally:
        bodyreplay.enabled = True
