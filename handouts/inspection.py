"""Inspection: everything a render would validate for a clinic folder, every problem in one pass."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .config import PAPERS, read_clinic
from .errors import HandoutError, problem
from .models import Clinic
from .professions import former_college, professions
from .team import names_needling, unexplained

_PAGE_SIZES = {"letter": (612.0, 792.0), "a4": (595.2756, 841.8898)}  # as layout.PAGE_SIZES
_TOLERANCE = 1.0  # points, as postprocess.SIZE_TOLERANCE
# "Dr", "Dr." or "Doctor" before a name (CONTENT-FACTS: "Dr." alone is ambiguous for patients)
_DOCTOR = re.compile(r"\s*(dr\b\.?|doctor\b)", re.IGNORECASE)


@dataclass
class Report:
    """What `handouts check` found in one clinic folder."""

    folder: str
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # facts worth knowing, never fatal
    checked: str = ""  # what was covered, for the summary line
    clinic: Clinic | None = None  # the clinic as read, when it has no errors (batch reuses it)

    def ok(self, strict: bool = False) -> bool:
        """Tell whether the clinic passes (warnings count too under --strict)."""
        return not self.errors and not (strict and self.warnings)

    def summary(self) -> str:
        """Return the one-line summary."""
        counts = f"{_plural(len(self.errors), 'error')}, {_plural(len(self.warnings), 'warning')}"
        return f"{self.folder}: {counts}" + (f" ({self.checked})" if self.checked else "")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def check_clinic(folder: str | Path, render: bool = False) -> Report:
    """Validate a clinic folder as every render of it would, without writing a PDF.

    With `render`, also fit the header and footer on both papers in both editions, and lay out
    each practitioner version in memory to see that it fits.
    """
    report = Report(str(folder))
    try:
        clinic, problems = read_clinic(folder)
    except HandoutError as err:  # nothing to read past: no folder, no file, broken TOML
        report.errors += err.lines()
        return report
    report.errors += problems
    clinic = _filled(clinic)
    from .templating import available

    handouts = available(clinic.folder)
    _check_templates(clinic, handouts, report)
    _check_glyphs(clinic, report)
    _check_letterhead(clinic, report)
    _check_team(clinic, report)
    _check_contrast(clinic, report)
    if not report.errors:
        report.clinic = clinic
        if render:
            _check_fit(clinic, handouts, report)
            _check_furniture(clinic, handouts, report)
            _check_logo_shows(clinic, report)
    report.checked = (f"{_plural(len(clinic.practitioners), 'practitioner')} × "
                      f"{_plural(len(clinic.languages), 'language')} × "
                      f"{_plural(len(handouts), 'handout')}")
    return report


def _filled(clinic: Clinic) -> Clinic:
    """Return the partly-read clinic with empty values where a key was wrong (checked already)."""
    from dataclasses import fields, replace

    blanks = {f.name: () if f.name in ("address", "practitioners", "languages") else ""
              for f in fields(clinic) if getattr(clinic, f.name) is None
              and f.name not in ("logo", "letterhead", "smtp", "id")}
    if not clinic.languages:
        blanks["languages"] = ("en",)
    return replace(clinic, **blanks)


def _check_templates(clinic: Clinic, handouts: dict[str, list[str]], report: Report) -> None:
    """Each handout exists in each language the clinic offers, and fills in without errors."""
    from .templating import template_status

    # The stock templates are tested with the project; only a clinic's own can break per clinic.
    own = (clinic.folder / "templates").is_dir()
    for handout, langs in handouts.items():
        for i, lang in enumerate(clinic.languages):
            if lang not in langs:
                report.errors.append(problem(
                    clinic.source, f"languages[{i}]", f"handout {handout!r} has no {lang!r} "
                    f"template; languages with one: {', '.join(langs)}"))
                continue
            if not own:
                continue
            try:
                template_status(clinic.folder, handout, lang)
                if any(names_needling(p) for p in clinic.practitioners):
                    _dry_render(clinic, handout, lang)
            except HandoutError as err:
                report.errors += err.lines()


def _dry_render(clinic: Clinic, handout: str, lang: str) -> None:
    """Fill in the template for the clinic version (Jinja2 only): catches template errors."""
    from .jobs import select_practitioners
    from .team import group_team, localize
    from .templating import render_handout, select_template

    people = select_practitioners(clinic, None)
    context = {"clinic": clinic, "practitioners": [localize(p, lang) for p in people],
               "groups": group_team(people, lang), "practitioner": None, "lang": lang}
    render_handout(clinic.folder, select_template(clinic.folder, handout, lang), context)


def _check_glyphs(clinic: Clinic, report: Report) -> None:
    """Every string that can reach the page has a glyph in a bundled font, in every language."""
    from .fonts import font_chain

    missing: dict[tuple[str, str], list[str]] = {}
    seen: dict[frozenset, str] = {}  # languages drawn by the same fonts need one pass
    for lang in clinic.languages:
        chain = font_chain(lang)
        same = seen.setdefault(frozenset(chain.families), lang)
        if same != lang:
            for langs in missing.values():
                if same in langs:
                    langs.append(lang)
            continue
        for key, text in clinic.text_fields():
            ch = chain.missing(text)
            if ch is not None:
                missing.setdefault((key, ch), []).append(lang)
    for (key, ch), langs in missing.items():
        report.errors.append(problem(clinic.source, key, f"character {ch!r} (U+{ord(ch):04X}) is "
                                     f"not in any bundled font (languages {', '.join(langs)})"))


def _check_letterhead(clinic: Clinic, report: Report) -> None:
    """The letterhead is a readable, one-page, upright PDF of the clinic's paper size."""
    if clinic.letterhead is None:
        return
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    name = clinic.letterhead.name
    try:
        reader = PdfReader(clinic.letterhead)
        if reader.is_encrypted:
            report.errors.append(problem(clinic.source, "letterhead", f"{name!r} is encrypted"))
            return
        pages = reader.pages
        box = pages[0].mediabox if len(pages) == 1 else None
    except (PdfReadError, OSError, ValueError):
        report.errors.append(problem(clinic.source, "letterhead", f"{name!r} is not a readable PDF"))
        return
    if box is None:
        report.errors.append(problem(clinic.source, "letterhead",
                                     f"{name!r} has {len(pages)} pages; it must have exactly one"))
        return
    have = (float(box.width), float(box.height))
    for paper in PAPERS:
        want = _PAGE_SIZES[paper]
        fits = all(abs(a - b) <= _TOLERANCE for a, b in zip(want, have, strict=True))
        if paper == clinic.paper and not fits:
            report.errors.append(problem(clinic.source, "letterhead",
                                         f"{name!r} is {have[0]:.0f}×{have[1]:.0f} pt, not "
                                         f"{paper} paper (the clinic's paper)"))
        elif paper != clinic.paper and not fits:
            report.notes.append(problem(clinic.source, "letterhead",
                                        f"{name!r} cannot be used with --paper {paper}"))


def _check_team(clinic: Clinic, report: Report) -> None:
    """Professions, colleges, needling claims and credentials of every practitioner."""
    for p in clinic.practitioners:
        at = f"practitioners[{p.index}]"
        prof = professions().get(p.profession)
        if not p.profession:
            report.warnings.append(problem(
                clinic.source, f"{at}.profession", "not set: add profession = \"…\" "
                f"({' | '.join(professions())}) so the handout words the authorization "
                "correctly for this profession"))
        elif prof and prof.regulator and p.college and p.college.casefold() not in (
                a.casefold() for a in (*prof.regulator.aliases, prof.regulator.names["en"])):
            old = former_college(p.college)
            why = (f"that college became the {old.names['en']} on 28 June 2024" if old else
                   f"{prof.label('en', 2).lower()} in BC are regulated by the "
                   f"{prof.regulator.names['en']}")
            report.warnings.append(problem(clinic.source, f"{at}.college",
                                           f"{p.college!r}: {why}"))
        if _DOCTOR.match(p.name) and p.profession != "physician":
            report.warnings.append(problem(
                clinic.source, f"{at}.name", f"{p.name!r} starts with \"Dr\": patients may read it as "
                "\"medical doctor\"; leave it out of the name (the handout prints the "
                "profession's title under it)"))
    if clinic.practitioners and not any(names_needling(p) for p in clinic.practitioners):
        report.errors.append(problem(clinic.source, "practitioners",
                                     "no practitioner provides needling, so there is no clinic "
                                     "version to print"))
    report.warnings += unexplained(clinic, list(clinic.practitioners))


def _check_contrast(clinic: Clinic, report: Report) -> None:
    """Say when a brand colour is too light for text (the tool darkens it for text)."""
    from .styles import AA_BODY, contrast

    for key, colour in (("brand.primary", clinic.brand.primary), ("brand.accent", clinic.brand.accent)):
        ratio = contrast(colour, "#FFFFFF") if colour else AA_BODY
        if ratio < AA_BODY:  # rounded down: 4.48 is "4.4:1", never "4.5:1 … darkened to 4.5:1"
            report.notes.append(problem(
                clinic.source, key, f"{colour} has {int(ratio * 10) / 10:.1f}:1 contrast on "
                "white; text drawn in it is darkened to 4.5:1, decoration keeps it"))


def _check_logo_shows(clinic: Clinic, report: Report) -> None:
    """A white logo on a transparent background prints as an empty white tile."""
    from .logo import faint_on_white

    if clinic.logo is not None and faint_on_white(clinic.logo):
        report.warnings.append(problem(
            clinic.source, "logo", f"{clinic.logo.path.name!r} is white or nearly so: the header "
            "shows it on a white tile, where it cannot be seen; use the logo made for light "
            "backgrounds"))


def _check_furniture(clinic: Clinic, handouts: dict[str, list[str]], report: Report) -> None:
    """The header band and footer on the other paper size and in large print (the clinic's own
    paper in the standard edition is checked with everything else: an error there is found by
    the first render). Those a clinic may never print are warnings: the batch jobs that ask for
    them would fail."""
    import datetime as dt

    from .document import fit_furniture
    from .editions import EDITIONS
    from .jobs import HandoutJob

    today = dt.date.today().isoformat()
    handout = next(iter(handouts), None)
    langs = [x for x in clinic.languages if handout and x in handouts[handout]]
    for paper in PAPERS:
        for edition in EDITIONS:
            if paper == clinic.paper and edition == "standard":
                continue
            if clinic.letterhead is not None and paper != clinic.paper:
                continue  # a letterhead is one size: the note about the other is given
            for lang in langs:
                job = HandoutJob(str(clinic.folder), handout, None, lang, paper, today,
                                 edition=edition)
                try:
                    fit_furniture(clinic, job.resolved(clinic))
                except HandoutError as err:
                    where = f"{edition}, {paper}, {lang}"
                    for line in err.lines():  # once, and not again after the same error
                        if line not in report.errors and \
                                not any(w.startswith(line) for w in report.warnings):
                            report.warnings.append(f"{line} ({where})")
                    break  # one language says it for this paper and edition


def _check_fit(clinic: Clinic, handouts: dict[str, list[str]], report: Report) -> None:
    """Lay out every practitioner version (in memory): each must fit its pages."""
    import datetime as dt

    from .document import MAX_PAGES, compose_traced
    from .jobs import HandoutJob
    from .layout import count_pages

    today = dt.date.today().isoformat()
    for handout, langs in handouts.items():
        for lang in (x for x in clinic.languages if x in langs):
            for p in (p for p in clinic.practitioners if names_needling(p)):
                job = HandoutJob(str(clinic.folder), handout, p.id, lang, clinic.paper, today)
                try:
                    composed = compose_traced(clinic, job.resolved(clinic), "handouts check")
                except HandoutError as err:
                    report.errors += [e for e in err.lines() if e not in report.errors]
                    continue
                pages = count_pages(composed.pdf)
                if composed.credentials != "list" and pages <= MAX_PAGES:
                    how = "inline" if composed.credentials == "inline" else "by name only"
                    report.notes.append(problem(
                        clinic.source, f"practitioners[{p.index}].credentials",
                        f"the {lang} practitioner version of {handout!r} shows them {how}, to "
                        f"keep {MAX_PAGES} pages (fewer or shorter ones are listed one per line "
                        "with their meanings)"))
                if pages > MAX_PAGES:
                    report.warnings.append(problem(
                        clinic.source, f"practitioners[{p.index}]",
                        f"the {lang} practitioner version of {handout!r} runs to {pages} pages, "
                        f"not {MAX_PAGES}: shorten the credentials or their meanings"))
