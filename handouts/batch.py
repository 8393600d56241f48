"""Batch: plan every job, skip what is unchanged, build the rest in parallel, write the manifest."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from .errors import OutputError
from .manifest import Row, file_sha256, load_manifest, save_manifest
from .plan import Plan, PlannedJob, plan_batch
from .pool import Outcome, run_jobs
from .stopping import StopRequest


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
              progress: Progress | None = None, editions: tuple[str, ...] = (),
              archive: bool = False) -> Summary:
    """Build every handout of every clinic under `paths` into `out_dir`."""
    progress = progress or Progress()
    out = Path(out_dir)
    with StopRequest() as stop:  # from here on, Ctrl-C and SIGTERM are handled at safe points
        check_out_dir(out)
        plan = plan_batch(paths, date, handouts, langs, papers, editions, archive)
        _refuse_out_in_a_clinic(out, plan)
        return _run(plan, out, jobs, force, progress, stop)


def check_out_dir(out: Path) -> None:
    """Refuse an output folder that is a file or cannot be written, before any work is done."""
    if out.exists() and not out.is_dir():
        raise OutputError(f"--out {out}: is a file, not a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=out):
            pass
    except OSError as err:
        raise OutputError(f"--out {out}: cannot write there ({err.strerror})") from None


def _refuse_out_in_a_clinic(out: Path, plan: Plan) -> None:
    """The PDFs would count among the clinic's own files (its input hash covers the folder):
    every run would find the clinic changed and rebuild it."""
    where = out.resolve()
    for clinic in plan.clinics.values():
        if where.is_relative_to(clinic.folder.resolve()):
            raise OutputError(f"--out {out}: is inside the clinic folder {clinic.folder}; its "
                              "PDFs would count as the clinic's files and every run would "
                              "rebuild them: choose a folder outside it")


def _run(plan: Plan, out: Path, jobs: int | None, force: bool, progress: Progress,
         stop: StopRequest) -> Summary:
    summary = Summary()
    for folder, lines in plan.failed_clinics:
        summary.failed += [(folder, line) for line in lines]
        summary.rows.append(Row(clinic=Path(folder).name, practitioner="", handout="", language="",
                                paper="", path="", status="failed", error=" / ".join(lines)))
    earlier = load_manifest(out)
    todo: list[PlannedJob] = []
    rows: dict[str, Row] = {}
    for planned in plan.jobs:
        row = _row(planned)
        rows[planned.path] = row
        if not force and _unchanged(earlier.get(planned.path), planned, out):
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

    before = {p.path: _identity(out / p.path) for p in todo}
    if todo and not stop.requested:
        summary.interrupted = not run_jobs(todo, out, jobs or os.cpu_count() or 1, report, stop,
                                           plan.clinics)
    summary.interrupted = summary.interrupted or stop.requested
    summary.built += reconcile(out, rows.values(), before)
    summary.rows += rows.values()
    summary.rows += kept_rows(earlier, rows, out)
    save_manifest(out, summary.rows)
    return summary


def kept_rows(earlier: dict[str, Row], planned: dict[str, Row], out: Path) -> list[Row]:
    """An earlier run's rows of files this run did not plan (a run narrowed by --lang, --paper,
    --handout or to fewer clinics), kept as they were while the file is still there as
    recorded: the manifest lists every PDF in the folder, not only this run's."""
    return [row for path, row in sorted(earlier.items())
            if path not in planned and row.status in ("built", "unchanged")
            and file_sha256(out / path) == row.sha256]


def _identity(path: Path) -> tuple[int, int] | None:
    """Return (inode, mtime) of a file, or None: every write replaces the file (new inode)."""
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_ino, info.st_mtime_ns


def reconcile(out: Path, rows: Iterable[Row], before: dict[str, tuple[int, int] | None]) -> int:
    """Record as built any PDF this run wrote whose result never reached the parent (a worker
    stopped between writing it and reporting it); return how many."""
    from .layout import count_pages

    found = 0
    for row in rows:
        path = out / row.path
        now = _identity(path)
        if row.status != "pending" or now is None or now == before.get(row.path):
            continue
        data = path.read_bytes()
        row.status, row.sha256, row.bytes = "built", hashlib.sha256(data).hexdigest(), len(data)
        row.pages = count_pages(data)
        found += 1
    return found


def _row(planned: PlannedJob) -> Row:
    job = planned.job
    return Row(clinic=planned.clinic_id, practitioner=job.practitioner or "", handout=job.handout,
               language=job.lang or "", paper=job.paper or "", path=planned.path,
               status="pending", input_hash=planned.input_hash)


def _unchanged(old: Row | None, planned: PlannedJob, out: Path) -> bool:
    return (old is not None and old.status in ("built", "unchanged")
            and old.input_hash == planned.input_hash
            and file_sha256(out / planned.path) == old.sha256)
