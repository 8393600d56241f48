"""Catalog: the clinics the front desk offers, from the same validated configuration as the CLI.

Every value a browser sends (clinic, practitioner, language, paper, edition) is looked up here;
nothing the client sends is ever used as a path.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

from ..config import CONFIG_NAME, PAPERS, load_clinic
from ..errors import HandoutError, SelectionError
from ..jobs import DEFAULT_HANDOUT, HandoutJob
from ..models import Clinic
from ..patient import patient_name
from ..styles import on_colour, readable
from ..templating import available

# Language names as their readers write them (Babel is asked for any other code).
LANGUAGE_NAMES = {
    "en": "English", "fr": "Français", "es": "Español", "vi": "Tiếng Việt", "pa": "ਪੰਜਾਬੀ",
    "zh-Hant": "中文（繁體）", "zh-Hans": "中文（简体）",
}
PAPER_NAMES = {"letter": "Letter (8.5 × 11 in)", "a4": "A4 (210 × 297 mm)"}
# The editions a handout comes in: taken from the core when it defines them (a large-print
# edition is planned there), so this list lives in one place.
EDITION_NAMES = {"standard": "Standard", "large-print": "Large print"}


def editions() -> tuple[str, ...]:
    """Return the edition ids the pipeline knows (only "standard" until the core adds more)."""
    from .. import jobs

    return tuple(getattr(jobs, "EDITIONS", ("standard",)))


def language_name(code: str) -> str:
    """Return a language's name in its own script."""
    if code in LANGUAGE_NAMES:
        return LANGUAGE_NAMES[code]
    try:
        from babel import Locale

        return Locale.parse(code.replace("-", "_")).get_display_name(code.replace("-", "_")) or code
    except (ValueError, LookupError, TypeError):
        return code


@dataclass(frozen=True)
class Entry:
    """One clinic folder: its validated model, or the error lines that stop it loading."""

    id: str
    folder: Path
    clinic: Clinic | None = None
    errors: tuple[str, ...] = ()
    handouts: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def to_json(self) -> dict:
        """Return what the page needs to offer this clinic (no paths)."""
        if self.clinic is None:
            return {"id": self.id, "name": self.id, "errors": list(self.errors)}
        c = self.clinic
        people = [{"id": "", "name": "Clinic version (everyone who provides needling)"}]
        people += [{"id": p.id, "name": f"{p.name}, {p.title}"}
                   for p in c.practitioners if p.needling_authorized]
        langs = self.handouts.get(DEFAULT_HANDOUT) or next(iter(self.handouts.values()), ())
        return {
            "id": self.id, "name": c.name, "errors": [],
            # the band is the clinic's own colour; buttons use it darkened to 4.5:1 with white
            "primary": c.brand.primary, "onPrimary": on_colour(c.brand.primary),
            "brandText": readable(c.brand.primary, "#FFFFFF"),
            "logo": f"/logo/{self.id}" if c.logo else "",
            "practitioners": people,
            "languages": [{"id": lang, "name": language_name(lang)} for lang in langs],
            "handouts": list(self.handouts),
            "paper": c.paper, "smtp": c.smtp is not None,
        }


@dataclass(frozen=True)
class Catalog:
    entries: tuple[Entry, ...]

    def entry(self, clinic_id: str) -> Entry:
        """Return a clinic that loaded, by id, or raise SelectionError."""
        found = next((e for e in self.entries if e.id == clinic_id), None)
        if found is None:
            raise SelectionError(f"unknown clinic {clinic_id!r}")
        if found.clinic is None:
            raise SelectionError(*found.errors)
        return found

    def to_json(self) -> dict:
        """Return everything the page offers: clinics, papers, editions."""
        return {"clinics": [e.to_json() for e in self.entries],
                "papers": [{"id": p, "name": PAPER_NAMES.get(p, p)} for p in PAPERS],
                "editions": [{"id": e, "name": EDITION_NAMES.get(e, e)} for e in editions()]}


def find_folders(root: Path) -> list[Path]:
    """Return `root` if it is a clinic folder, else its sub-folders that hold a clinic.toml."""
    if (root / CONFIG_NAME).is_file():
        return [root]
    if not root.is_dir():
        raise SelectionError(f"{root}: no such folder")
    subs = sorted(p for p in root.iterdir() if p.is_dir() and (p / CONFIG_NAME).is_file())
    if not subs:
        raise SelectionError(f"{root}: neither a clinic folder (no {CONFIG_NAME}) "
                             "nor a folder of clinic folders")
    return subs


def load_catalog(root: Path) -> Catalog:
    """Validate every clinic under `root`; a clinic with errors is kept with its error lines."""
    entries: list[Entry] = []
    for folder in find_folders(root):
        try:
            clinic = load_clinic(folder)
        except HandoutError as err:
            entries.append(Entry(folder.resolve().name, folder, errors=tuple(err.lines())))
            continue
        found = available(clinic.folder)
        handouts = {h: tuple(lang for lang in clinic.languages if lang in langs)
                    for h, langs in found.items()}
        entries.append(Entry(clinic.id, folder, clinic, handouts=handouts))
    return Catalog(tuple(_one_per_id(entries)))


def _one_per_id(entries: list[Entry]) -> list[Entry]:
    """Clinics that share an id cannot be told apart by the page (the second gave the first's
    handout with its own address): each is shown with an error naming the other, and its own
    folder name as its id."""
    folders: dict[str, list[Path]] = {}
    for entry in entries:
        folders.setdefault(entry.id, []).append(entry.folder)
    out = []
    for entry in entries:
        others = [f for f in folders[entry.id] if f != entry.folder]
        if not others:
            out.append(entry)
            continue
        line = (f"{entry.folder / CONFIG_NAME}: id: {entry.id!r} is also the id of "
                f"{', '.join(str(f) for f in others)}: give each clinic its own id = \"…\"")
        out.append(Entry(f"{entry.id}@{entry.folder.name}", entry.folder, errors=(line,)))
    return out


def make_job(catalog: Catalog, form: dict[str, str], date: str) -> HandoutJob:
    """Turn the page's choices into a job, accepting only values the clinic offers."""
    entry = catalog.entry(form.get("clinic", ""))
    clinic = entry.clinic
    assert clinic is not None
    handout = form.get("handout") or DEFAULT_HANDOUT
    if handout not in entry.handouts:
        raise SelectionError(f"unknown handout {handout!r}")
    practitioner = form.get("practitioner") or None
    allowed = {p.id for p in clinic.practitioners if p.needling_authorized}
    if practitioner is not None and practitioner not in allowed:
        raise SelectionError(f"unknown practitioner {practitioner!r}")
    lang = form.get("lang") or entry.handouts[handout][0]
    if lang not in entry.handouts[handout]:
        raise SelectionError(f"unknown language {lang!r}")
    paper = form.get("paper") or clinic.paper
    if paper not in PAPERS:
        raise SelectionError(f"unknown paper size {paper!r}")
    edition = form.get("edition") or "standard"
    if edition not in editions():
        raise SelectionError(f"unknown edition {edition!r}")
    patient = patient_name(form.get("patient", ""))  # as --for: the same checks and messages
    extra = {"edition": edition} if "edition" in {f.name for f in dataclasses.fields(HandoutJob)} \
        else {}
    return HandoutJob(str(entry.folder), handout, practitioner, lang, paper, date, patient, **extra)
