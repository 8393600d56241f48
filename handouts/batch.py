"""Batch: plan every job, skip what is unchanged, build the rest in parallel, write the manifest."""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .errors import OutputError
from .manifest import Row, file_sha256, load_manifest, save_manifest
from .plan import PlannedJob, plan_batch
from .pool import Outcome, run_jobs


@dataclass
class Summary:
    built: int = 0
    unchanged: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (what, one-line error)
    interrupted: bool = False
    rows: list[Row] = field(default_factory=list)

    @property
    def failed_count(self) -> int:
        """Failed jobs plus clinics whose config could not be read."""
        return len({what for what, _ in self.failed})

    @property
    def ok(self) -> bool:
        return not self.failed and not self.interrupted


@dataclass
class Progress:
    """Callbacks the CLI passes in; the batch itself never prints."""

    start: Callable[[Counter], None] = lambda per_clinic: None  # jobs to build per clinic
    step: Callable[[Row], None] = lambda row: None


def run_batch(paths: list[str], out_dir: str, date: str, jobs: int | None = None,
              handouts: tuple[str, ...] = (), langs: tuple[str, ...] = (),
              papers: tuple[str, ...] = (), force: bool = False,
              progress: Progress | None = None) -> Summary:
    """Build every handout of every clinic under `paths` into `out_dir`."""
    progress = progress or Progress()
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise OutputError(f"--out {out_dir}: is a file, not a folder; choose a folder for the batch")
    plan = plan_batch(paths, date, handouts, langs, papers)
    summary = Summary()
    for folder, lines in plan.failed_clinics:
        summary.failed += [(folder, line) for line in lines]
        summary.rows.append(Row(clinic=Path(folder).name, practitioner="", handout="", language="",
                                paper="", path="", status="failed", error=" / ".join(lines)))
    earlier = {} if force else load_manifest(out)
    todo: list[PlannedJob] = []
    rows: dict[str, Row] = {}
    for planned in plan.jobs:
        row = _row(planned)
        rows[planned.path] = row
        if _unchanged(earlier.get(planned.path), planned, out):
            row.status, old = "unchanged", earlier[planned.path]
            row.sha256, row.bytes, row.pages = old.sha256, old.bytes, old.pages
            summary.unchanged += 1
        else:
            todo.append(planned)
    progress.start(Counter(p.clinic_id for p in todo))

    def report(outcome: Outcome) -> None:
        row = rows[outcome.planned.path]
        row.sha256, row.bytes, row.pages = outcome.sha256, outcome.size, outcome.pages
        row.status, row.error = ("built", "") if outcome.ok else ("failed", outcome.error)
        if outcome.ok:
            summary.built += 1
        else:
            summary.failed.append((outcome.planned.path, outcome.error))
        progress.step(row)

    out.mkdir(parents=True, exist_ok=True)
    if todo:
        summary.interrupted = not run_jobs(todo, out, jobs or os.cpu_count() or 1, report)
    summary.rows += rows.values()
    save_manifest(out, summary.rows)
    return summary


def _row(planned: PlannedJob) -> Row:
    job = planned.job
    return Row(clinic=planned.clinic_id, practitioner=job.practitioner or "", handout=job.handout,
               language=job.lang or "", paper=job.paper or "", path=planned.path,
               status="pending", input_hash=planned.input_hash)


def _unchanged(old: Row | None, planned: PlannedJob, out: Path) -> bool:
    return (old is not None and old.status in ("built", "unchanged")
            and old.input_hash == planned.input_hash
            and file_sha256(out / planned.path) == old.sha256)
