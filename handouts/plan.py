"""Plan: a batch's clinics → the full list of jobs and output paths, checked before rendering."""

from __future__ import annotations

import os
from itertools import product
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .config import CONFIG_NAME, load_clinic
from .errors import SelectionError
from .inspection import check_clinic
from .jobs import HandoutJob, edition_suffix
from .manifest import clinic_digest, input_hash, tool_digest
from .models import CLINIC_VERSION, Clinic
from .paths import batch_path, collision_key
from .team import names_needling
from .templating import available


@dataclass(frozen=True)
class PlannedJob:
    """One PDF of a batch: the job (plain data), where it goes and what it depends on."""

    job: HandoutJob
    clinic_id: str
    path: str         # relative to the output folder, always with "/"
    input_hash: str

    def to_dict(self) -> dict:
        """Return plain, JSON-serialisable data (for a distributed task queue, say)."""
        return {**asdict(self), "job": asdict(self.job)}

    @classmethod
    def from_dict(cls, data: dict) -> PlannedJob:
        """Rebuild a job from `to_dict` output."""
        return cls(**{**data, "job": HandoutJob(**data["job"])})


@dataclass
class Plan:
    jobs: list[PlannedJob]
    failed_clinics: list[tuple[str, list[str]]]  # (clinic folder, error lines)
    clinics: dict[str, Clinic] = field(default_factory=dict)  # job.clinic_dir → the clinic


def find_clinics(paths: list[str]) -> list[Path]:
    """Expand each argument: a clinic folder, or a folder whose sub-folders are clinics."""
    found: list[Path] = []
    for arg in paths:
        folder = Path(arg)
        if _has_config(folder):  # even a pipe or a link: load_clinic says what is wrong with it
            found.append(folder)
            continue
        subs = sorted(p for p in folder.iterdir() if p.is_dir() and _has_config(p)) \
            if folder.is_dir() else []
        if not subs:
            raise SelectionError(f"{folder}: neither a clinic folder (no {CONFIG_NAME}) "
                                 "nor a folder of clinic folders")
        found.extend(subs)
    return list(dict.fromkeys(found))


def _has_config(folder: Path) -> bool:
    return os.path.lexists(folder / CONFIG_NAME)


def plan_batch(paths: list[str], date: str, handouts: tuple[str, ...] = (),
               langs: tuple[str, ...] = (), papers: tuple[str, ...] = (),
               editions: tuple[str, ...] = (), archive: bool = False) -> Plan:
    """Validate every clinic, list every job and refuse two jobs that would share a path."""
    tool = tool_digest()
    jobs: list[PlannedJob] = []
    failed: list[tuple[str, list[str]]] = []
    clinics: dict[str, Clinic] = {}
    for folder in find_clinics(paths):
        report = check_clinic(folder)  # the same check as `handouts check`: a bad clinic once
        if report.errors:
            failed.append((str(folder), report.errors))
            continue
        clinic = report.clinic or load_clinic(folder)
        clinics[str(clinic.folder)] = clinic
        jobs.extend(_clinic_jobs(clinic, date, tool, handouts, langs, papers,
                                 editions or ("standard",), archive))
    _refuse_unoffered(clinics, handouts, langs)
    colliding = _collisions(jobs)  # those clinics are reported and skipped, like a bad config
    for folder, lines in colliding.items():
        failed.append((folder, lines))
        clinics.pop(folder, None)
    jobs = [planned for planned in jobs if planned.job.clinic_dir not in colliding]
    return Plan(jobs, failed, clinics)


def _refuse_unoffered(clinics: dict[str, Clinic], handouts: tuple[str, ...],
                      langs: tuple[str, ...]) -> None:
    """A --lang or --handout that no clinic of the batch offers is a typo, not a narrower run
    (it would build nothing and report success)."""
    if not clinics:
        return  # every clinic failed its check: those errors are the report
    offered_langs = sorted({lang for c in clinics.values() for lang in c.languages})
    offered_handouts = sorted({h for c in clinics.values() for h in available(c.folder)})
    problems = [f"--lang {lang}: no clinic of this batch offers it (offered: "
                f"{', '.join(offered_langs)})" for lang in langs if lang not in offered_langs]
    problems += [f"--handout {name}: no clinic of this batch has it (handouts: "
                 f"{', '.join(offered_handouts)})" for name in handouts
                 if name not in offered_handouts]
    if problems:
        raise SelectionError(*problems)


def _clinic_jobs(clinic: Clinic, date: str, tool: str, handouts: tuple[str, ...],
                 langs: tuple[str, ...], papers: tuple[str, ...], editions: tuple[str, ...],
                 archive: bool) -> list[PlannedJob]:
    digest = clinic_digest(clinic.folder)
    people: list[str | None] = [None, *(p.id for p in clinic.practitioners if names_needling(p))]
    chosen_handouts = handouts or tuple(available(clinic.folder))
    chosen_langs = [lang for lang in clinic.languages if not langs or lang in langs]
    out = []
    for handout in chosen_handouts:
        for lang in chosen_langs:
            for paper, edition, who in product(papers or (clinic.paper,), editions, people):
                job = HandoutJob(str(clinic.folder), handout, who, lang, paper, date,
                                 edition=edition, archive=archive)
                key = f"{handout}\0{who}\0{lang}\0{paper}\0{date}\0{edition}\0{archive}"
                path = batch_path(clinic.id, handout, lang, who or CLINIC_VERSION,
                                  paper + edition_suffix(edition))
                out.append(PlannedJob(job, clinic.id, path, input_hash(tool, digest, key)))
    return out


def _collisions(jobs: list[PlannedJob]) -> dict[str, list[str]]:
    """Clinic folder → why its jobs cannot run: another job would write the same file (two
    clinics with one id, or paths that differ only in letter case)."""
    seen: dict[str, PlannedJob] = {}
    problems: dict[str, list[str]] = {}
    for planned in jobs:
        other = seen.setdefault(collision_key(planned.path), planned)
        if other is planned:
            continue
        line = (f"{planned.path}: two jobs would write this file: {_describe(other)} and "
                f"{_describe(planned)}; give each clinic its own id = \"…\" in clinic.toml")
        for folder in dict.fromkeys((other.job.clinic_dir, planned.job.clinic_dir)):
            if line not in problems.setdefault(folder, []) and len(problems[folder]) < 3:
                problems[folder].append(line)
    return problems


def _describe(planned: PlannedJob) -> str:
    job = planned.job
    return f"{job.clinic_dir} ({job.practitioner or 'clinic version'}, {job.lang}, {job.paper})"
