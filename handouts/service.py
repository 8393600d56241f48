"""Service: the library functions behind each command (the CLI only parses and reports)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .config import load_clinic
from .jobs import HandoutJob, build_handout, file_name
from .output import resolve_output, write_pdf
from .templating import available, template_status


@dataclass(frozen=True)
class Written:
    path: Path | None  # None: written to stdout
    size: int


def generate(job: HandoutJob, output: str | None) -> Written:
    """Build one handout and write it to `output` (file, folder, '-' or None for the default)."""
    clinic = load_clinic(job.clinic_dir)
    data = build_handout(job, clinic)
    path = resolve_output(output, file_name(clinic, job))
    write_pdf(path, data)
    return Written(path, len(data))


def describe(clinic_dir: str) -> list[str]:
    """Return the lines `handouts list` prints: handouts, languages, practitioners."""
    clinic = load_clinic(clinic_dir)
    lines = [f"Clinic: {clinic.name} (id {clinic.id}, paper {clinic.paper}, "
             f"languages {', '.join(clinic.languages)})", "", "Handouts:"]
    for handout, langs in available(clinic.folder).items():
        described = [f"{lang} ({template_status(clinic.folder, handout, lang)})" for lang in langs]
        lines.append(f"  {handout}: {', '.join(described)}")
    lines += ["", "Practitioners:"]
    for p in clinic.practitioners:
        mark = "needling authorised" if p.needling_authorized else "not authorised for needling"
        lines.append(f"  {p.id}: {p.name}, {p.title} ({mark})")
    return lines
