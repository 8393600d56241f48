"""Pool: worker processes that each hold one job at a time, so a dead worker costs one job."""

from __future__ import annotations

import gc
import hashlib
import itertools
import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from dataclasses import dataclass
from functools import lru_cache
from multiprocessing.connection import wait
from pathlib import Path
from typing import Any, Callable

from .layout import count_pages
from .plan import PlannedJob
from .stopping import StopRequest

MAX_ATTEMPTS = 2  # a job whose worker died is retried once
DRAIN_SECONDS = 60  # after one Ctrl-C, how long jobs in flight may take to finish


@dataclass
class Outcome:
    planned: PlannedJob
    ok: bool
    sha256: str = ""
    size: int = 0
    pages: int = 0
    error: str = ""


def run_jobs(jobs: list[PlannedJob], out_dir: Path, workers: int,
             report: Callable[[Outcome], None], stop: StopRequest | None = None,
             clinics: dict[str, Any] | None = None) -> bool:
    """Run `jobs` on `workers` processes, calling `report` per job; return False if stopped.

    `stop` is only looked at between iterations (the one safe point): a result that has arrived
    is always recorded. Once stopped, jobs in flight finish (up to DRAIN_SECONDS) unless a second
    signal asks to stop now; then their workers are killed and their partial files removed."""
    from . import document  # noqa: F401 - imported once here, every forked worker inherits it
    from .fonts import font_chain
    from .markup import _parser

    font_chain()  # register fonts once, before forking: every worker inherits them
    _parser()
    _PLANNED.clear()
    _PLANNED.update(clinics or {})  # the clinics as planned: workers need not read them again
    # What the workers inherit is left out of their garbage collection: it never writes to
    # those pages, so they stay shared (Python's advice for fork without exec); about 3 %.
    gc.freeze()
    pool = _Pool(jobs, out_dir, workers, report)
    stop = stop or StopRequest()
    deadline: float | None = None
    try:
        while pool.busy or (pool.pending and not stop.requested):
            if stop.urgent or (deadline is not None and time.monotonic() > deadline):
                break
            if stop.requested and deadline is None:
                deadline = time.monotonic() + DRAIN_SECONDS
            if not stop.requested:
                pool.dispatch()
            pool.step(stop)
        pool.keep_results_already_sent()
        return not stop.requested
    finally:
        pool.close()
        gc.unfreeze()  # (a process that goes on collects them again)


class _Pool:
    """The parent's view of its workers: who is idle, who holds which job, what is left."""

    def __init__(self, jobs: list[PlannedJob], out_dir: Path, workers: int,
                 report: Callable[[Outcome], None]) -> None:
        self.ctx = multiprocessing.get_context("fork")
        self.out_dir, self.report = out_dir, report
        self.pending = deque(jobs)
        self.attempts: dict[str, int] = {}
        self.idle = [_Worker(self.ctx, out_dir) for _ in range(max(1, min(workers, len(jobs))))]
        self.busy: dict[Any, _Worker] = {}

    def dispatch(self) -> None:
        """Give a job to every idle worker while jobs are left."""
        while self.pending and self.idle:
            worker = self.idle.pop()
            worker.give(_next_job(self.pending, worker.last))
            self.busy[worker.conn] = worker

    def step(self, stop: StopRequest) -> None:
        """Wait for results, dead workers or a stop signal; record every result that arrived."""
        wake = [stop] if stop.fileno() >= 0 else []
        sentinels = {w.process.sentinel: w for w in self.busy.values()}
        for ready in wait([*self.busy, *sentinels, *wake], timeout=1.0 if stop.requested else None):
            if ready is stop:
                stop.drain()
                continue
            worker = self.busy.get(ready) or sentinels.get(ready)
            if worker is None or worker.conn not in self.busy:
                continue  # its result and its exit both woke us: already handled
            del self.busy[worker.conn]
            outcome = worker.collect()
            _fault_signal(worker.job.path, "received")
            if outcome is None:
                self._died(worker, retry=not stop.requested)
            else:
                self._record(worker, outcome)

    def _record(self, worker: _Worker, outcome: Outcome) -> None:
        self.report(outcome)
        self.idle.append(worker)

    def _died(self, worker: _Worker, retry: bool) -> None:
        planned = worker.job
        self.attempts[planned.path] = self.attempts.get(planned.path, 0) + 1
        _remove_partial(self.out_dir / planned.path)
        if retry and self.attempts[planned.path] < MAX_ATTEMPTS:
            self.pending.appendleft(planned)
        else:
            self.report(Outcome(planned, False, error=f"worker process died "
                                                      f"(exit code {worker.process.exitcode})"))
        self.idle.append(_Worker(self.ctx, self.out_dir))

    def keep_results_already_sent(self) -> None:
        """Stopping now: record the results that are already in the pipes."""
        for conn, worker in list(self.busy.items()):
            if _has_result(worker):
                del self.busy[conn]
                outcome = worker.collect()
                if outcome is not None:
                    self._record(worker, outcome)

    def close(self) -> None:
        """End every worker; a job cut off mid-way leaves no partial file."""
        for worker in self.idle:
            worker.stop()
        for worker in self.busy.values():
            worker.stop(busy=True)
            if worker.job is not None:
                _remove_partial(self.out_dir / worker.job.path)


def _next_job(pending: deque, last: PlannedJob | None) -> PlannedJob:
    """Prefer a job of the clinic this worker did last (its QR code and logo are still
    cached), then one like it (same colours, handout, language, paper, edition and
    practitioner: the same text but for the clinic's own details is replayed, replay.py and
    bodyreplay.py), among the next 64."""
    if last is not None:
        like, alike = None, _likeness(last)
        for i, planned in enumerate(itertools.islice(pending, 64)):
            if planned.clinic_id == last.clinic_id:
                del pending[i]
                return planned
            if like is None and _likeness(planned) == alike:
                like = i
        if like is not None:
            planned = pending[like]
            del pending[like]
            return planned
    return pending.popleft()


def _likeness(planned: PlannedJob) -> tuple:
    clinic, job = _PLANNED.get(planned.job.clinic_dir), planned.job
    return (getattr(clinic, "brand", None), job.handout, job.lang, job.paper, job.edition,
            job.practitioner)


def _has_result(worker: _Worker) -> bool:
    try:
        return worker.conn.poll(0)
    except OSError:
        return False


def _remove_partial(target: Path) -> None:
    for tmp in target.parent.glob(f".{target.name}.*.part"):
        tmp.unlink(missing_ok=True)


class _Worker:
    def __init__(self, ctx: Any, out_dir: Path) -> None:
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_serve, args=(child, str(out_dir)), daemon=True)
        self.process.start()
        child.close()
        self.job: PlannedJob | None = None
        self.last: PlannedJob | None = None  # the job it did last

    def give(self, planned: PlannedJob) -> None:
        self.job = self.last = planned
        self.conn.send(planned.to_dict())

    def collect(self, timeout: float | None = 0) -> Outcome | None:
        """Return the outcome of the held job, or None if the worker died without one."""
        try:
            if timeout and not self.conn.poll(timeout):
                return None
            ok, sha, size, pages, error = self.conn.recv()
        except (EOFError, OSError):
            self.process.join(5)
            return None
        return Outcome(self.job, ok, sha, size, pages, error)

    def stop(self, busy: bool = False) -> None:
        """End the worker: an idle one is told to exit; a busy one (or one that hangs) is killed."""
        if not busy:
            try:
                self.conn.send(None)
            except OSError:
                pass
            self.process.join(2)
        self.conn.close()
        if self.process.is_alive():
            self.process.kill()  # workers ignore SIGINT and SIGTERM: the parent decides
            self.process.join(5)


def _serve(conn: Any, out_dir: str) -> None:
    """Worker loop: build each job it is handed, write it atomically, report the result."""
    from .errors import HandoutError
    from .jobs import build_handout
    from .output import write_atomic

    for signum in (signal.SIGINT, signal.SIGTERM):  # the parent decides when to stop
        signal.signal(signum, signal.SIG_IGN)
    if threading.current_thread() is threading.main_thread():
        signal.set_wakeup_fd(-1)  # the parent's stop pipe: not this process's business
    while True:
        try:
            data = conn.recv()
        except (EOFError, OSError):
            return
        if data is None:  # the parent is done with this worker
            return
        planned = PlannedJob.from_dict(data)
        _fault_injection(planned.path)
        try:
            pdf = build_handout(planned.job, _clinic(planned.job.clinic_dir))
            write_atomic(Path(out_dir) / planned.path, pdf)
            _fault_signal(planned.path, "written")
        except HandoutError as err:
            conn.send((False, "", 0, 0, " / ".join(err.lines())))
        except Exception as err:  # noqa: BLE001 - one broken job must never stop the batch
            conn.send((False, "", 0, 0, f"internal error: {type(err).__name__}: {err}"))
        else:
            conn.send((True, hashlib.sha256(pdf).hexdigest(), len(pdf), count_pages(pdf), ""))


# The clinics the batch planned (checked then, by folder): inherited by the forked workers.
_PLANNED: dict[str, Any] = {}


@lru_cache(maxsize=32)
def _clinic(folder: str) -> Any:
    """The clinic as planned, or loaded once per worker (its config and logo header)."""
    from .config import load_clinic

    return _PLANNED.get(folder) or load_clinic(folder)


def _fault_injection(path: str) -> None:
    """Test hook: HANDOUTS_FAULT_KILL=<text> kills the worker on a job whose path contains it
    (once if HANDOUTS_FAULT_ONCE names a marker file that does not exist yet)."""
    target = os.environ.get("HANDOUTS_FAULT_KILL")
    if not target or target not in path:
        return
    marker = os.environ.get("HANDOUTS_FAULT_ONCE")
    if marker:
        if os.path.exists(marker):
            return
        Path(marker).touch()
    os.kill(os.getpid(), signal.SIGKILL)


def _fault_signal(path: str, where: str) -> None:
    """Test hook: HANDOUTS_FAULT_SIGNAL=<text>:<where> sends SIGINT to the batch's parent process
    for a job whose path contains <text>, right after the worker wrote its PDF (`written`) or
    right after the parent received its result (`received`): inside the window a real Ctrl-C
    can hit."""
    spec = os.environ.get("HANDOUTS_FAULT_SIGNAL", "")
    target, _, when = spec.rpartition(":")
    if not target or when != where or target not in path:
        return
    os.kill(os.getppid() if where == "written" else os.getpid(), signal.SIGINT)
    time.sleep(0.2)  # let the signal be delivered inside the window, not after it
