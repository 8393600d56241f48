"""Service: the library functions behind each command (the CLI only parses and reports)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .config import load_clinic
from .errors import SelectionError
from .jobs import HandoutJob, build_handout, check_language, file_name
from .layout import count_pages
from .models import Clinic
from .output import resolve_output, write_output
from .templating import available, template_status

if TYPE_CHECKING:  # the e-mail modules load only for `handouts email`
    from email.message import EmailMessage


@dataclass(frozen=True)
class Written:
    path: Path | None  # None: written to stdout
    size: int
    pages: int
    warnings: tuple[str, ...] = ()  # e.g. a credential printed without an explanation


def generate(job: HandoutJob, output: str | None, password: str | None = None) -> Written:
    """Build one handout and write it to `output` (file, folder, '-' or None for the default)."""
    if job.archive and password is not None:
        raise SelectionError("--archive and --password: a PDF/A file for the archive cannot be "
                             "encrypted; leave out one of them")
    clinic = load_clinic(job.clinic_dir)
    check_language(clinic, job.lang)  # --lang: only the languages the clinic offers
    data = build_handout(job, clinic)
    if password is not None:  # an empty password is refused, never silently ignored
        from .postprocess import encrypt

        data = encrypt(data, password)
    path = resolve_output(output, file_name(clinic, job))
    write_output(path, data)
    from .jobs import select_practitioners
    from .team import unexplained

    warnings = unexplained(clinic, select_practitioners(clinic, job.practitioner))
    return Written(path, len(data), count_pages(data), tuple(warnings))


def describe(clinic_dir: str) -> list[str]:
    """Return the lines `handouts list` prints: handouts, languages, practitioners."""
    from .errors import ConfigError
    from .inspection import check_clinic
    from .team import names_needling, profession_of

    report = check_clinic(clinic_dir)
    if report.errors:  # `list` says OK only for a clinic `generate` accepts
        raise ConfigError(*report.errors)
    clinic = load_clinic(clinic_dir)
    lines = [f"Clinic: {clinic.name} (id {clinic.id}, paper {clinic.paper}, "
             f"languages {', '.join(clinic.languages)})", "", "Handouts:"]
    for handout, langs in available(clinic.folder).items():
        described = [f"{lang} ({template_status(clinic.folder, handout, lang)})" for lang in langs]
        lines.append(f"  {handout}: {', '.join(described)}")
    lines += ["", "Practitioners:"]
    for p in clinic.practitioners:
        mark = "needling authorised" if names_needling(p) else "not authorised for needling"
        prof = profession_of(p)
        kind = f"{prof.id}, " if prof else ""
        lines.append(f"  {p.id}: {p.name}, {p.title} ({kind}{mark})")
    lines += [f"Warning: {line}" for line in report.warnings]
    return lines


def print_handout(job: HandoutJob, printer: str | None, copies: int, duplex: bool) -> str:
    """Render a handout and send it to a CUPS printer; return the CUPS job id."""
    from .printing import print_pdf

    clinic = load_clinic(job.clinic_dir)
    check_language(clinic, job.lang)  # --lang: only the languages the clinic offers
    resolved = job.resolved(clinic)
    pdf = build_handout(job, clinic)
    title = file_name(clinic, job)  # ids only: print queues are visible to everyone
    return print_pdf(pdf, title, resolved.paper or "letter", printer, copies, duplex)


def email_handout(job: HandoutJob, to: str, send: bool, output: str | None,
                  password: str | None) -> Path | None:
    """Make the e-mail PDF; send it over SMTP, or write an .eml draft and return its path."""
    from . import mail

    if send and output is not None:
        raise SelectionError("-o and --send: a sent e-mail is not written anywhere; leave out "
                             "one of them")
    clinic, resolved, msg = email_message(job, to, draft=not send, password=password)
    if send:
        mail.send(clinic, msg)
        return None
    path = resolve_output(output, str(mail.default_eml_path(clinic, resolved)), ".eml")
    write_output(path, mail.eml_bytes(msg))
    return path


def email_message(job: HandoutJob, to: str, draft: bool, password: str | None = None
                  ) -> tuple[Clinic, HandoutJob, EmailMessage]:
    """Build the handout e-mail in memory; return the clinic, the resolved job and the message."""
    from . import mail
    from .postprocess import encrypt

    to = mail.check_address(to)
    clinic = load_clinic(job.clinic_dir)
    check_language(clinic, job.lang)  # --lang: only the languages the clinic offers
    resolved = job.resolved(clinic)
    pdf = build_handout(job, clinic)
    if password is not None:
        pdf = encrypt(pdf, password)
    return clinic, resolved, mail.build_message(clinic, resolved, pdf, to, draft=draft)
