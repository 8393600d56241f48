"""Jobs: one handout request as plain data, and the pipeline that turns it into PDF bytes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path

from . import __version__
from .config import PAPERS, load_clinic
from .editions import EDITIONS
from .errors import SelectionError, problem
from .models import CLINIC_VERSION, Clinic, Practitioner

DEFAULT_HANDOUT = "ims-vs-acupuncture"


@dataclass(frozen=True)
class HandoutJob:
    """Everything that decides one PDF; plain, serialisable values only."""

    clinic_dir: str
    handout: str = DEFAULT_HANDOUT
    practitioner: str | None = None  # None: the clinic version
    lang: str | None = None          # None: the clinic's first language
    paper: str | None = None         # None: the clinic's paper size
    date: str = ""                   # YYYY-MM-DD; "" means today
    patient: str | None = None       # printed on the page only, never stored
    edition: str = "standard"        # one of EDITIONS
    archive: bool = False            # PDF/A-2b as well as PDF/UA-1 (never encrypted)

    def resolved(self, clinic: Clinic) -> HandoutJob:
        """Return the job with the clinic's defaults filled in."""
        return replace(self, lang=self.lang or clinic.languages[0],
                       paper=self.paper or clinic.paper,
                       date=self.date or dt.date.today().isoformat())


def file_name(clinic: Clinic, job: HandoutJob) -> str:
    """Return the default file name, built from ids only (never the patient's name)."""
    job = job.resolved(clinic)
    who = job.practitioner or CLINIC_VERSION
    return f"{clinic.id}-{job.handout}-{who}-{job.lang}-{job.paper}{edition_suffix(job.edition)}.pdf"


def edition_suffix(edition: str) -> str:
    """Return what a file name gets for an edition ("" for the standard one)."""
    if edition not in EDITIONS:
        raise SelectionError(f"--edition: unknown edition {edition!r}; choose "
                             f"{' or '.join(EDITIONS)}")
    return "" if edition == "standard" else f"-{edition}"


def select_practitioners(clinic: Clinic, practitioner_id: str | None) -> list[Practitioner]:
    """Return who the handout names, refusing anyone not authorised for needling."""
    from .team import names_needling

    if practitioner_id is not None:
        person = clinic.practitioner(practitioner_id)
        if person is None:
            ids = ", ".join(p.id for p in clinic.practitioners)
            raise SelectionError(f"{clinic.source}: unknown practitioner {practitioner_id!r}; "
                                 f"available: {ids}")
        if not names_needling(person):
            key = "needling_authorized" if not person.profession else "profession"
            raise SelectionError(problem(
                clinic.source, f"practitioners[{person.index}].{key}",
                f"{person.id} is not authorised for needling, and this handout is about "
                "needling treatment: choose another practitioner or the clinic version"))
        return [person]
    people = [p for p in clinic.practitioners if names_needling(p)]
    if not people:
        raise SelectionError(f"{clinic.source}: no practitioner provides needling (a profession "
                             "licensed for it, or needling_authorized = true); the clinic version "
                             "names the practitioners who provide needling")
    return people


def check_language(clinic: Clinic, lang: str | None) -> None:
    """Refuse a language the clinic does not offer (its `languages` in clinic.toml)."""
    if lang is not None and lang not in clinic.languages:
        raise SelectionError(f"{clinic.source}: languages: this clinic offers "
                             f"{', '.join(clinic.languages)}, not {lang!r} (add it to "
                             "languages in clinic.toml to offer it)")


def check_paper(paper: str | None) -> None:
    """Refuse an unknown paper size."""
    if paper is not None and paper not in PAPERS:
        raise SelectionError(f"unknown paper size {paper!r}; use one of: {', '.join(PAPERS)}")


def build_handout(job: HandoutJob, clinic: Clinic | None = None) -> bytes:
    """Render one handout to PDF bytes (the whole pipeline, nothing written to disk)."""
    from .document import compose

    clinic = clinic or load_clinic(Path(job.clinic_dir))
    check_paper(job.paper)
    return compose(clinic, job.resolved(clinic), creator=f"handouts {__version__}")
