"""Pool: worker processes that each hold one job at a time, so a dead worker costs one job."""

from __future__ import annotations

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

from .fonts import needs_fresh_process
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
             report: Callable[[Outcome], None], stop: StopRequest | None = None) -> bool:
    """Run `jobs` on `workers` processes, calling `report` per job; return False if stopped.

    `stop` is only looked at between iterations (the one safe point): a result that has arrived
    is always recorded. Once stopped, jobs in flight finish (up to DRAIN_SECONDS) unless a second
    signal asks to stop now; then their workers are killed and their partial files removed."""
    from . import document  # noqa: F401 - imported once here, every forked worker inherits it
    from .fonts import font_chain
    from .markup import _parser

    font_chain()  # register fonts once, before forking: every worker inherits them
    _parser()
    stop = stop or StopRequest()
    ctx = multiprocessing.get_context("fork")
    pending = deque(jobs)
    attempts: dict[str, int] = {}
    idle: list[_Worker] = [_Worker(ctx, out_dir) for _ in range(max(1, min(workers, len(jobs))))]
    busy: dict[Any, _Worker] = {}
    wake = [stop] if stop.fileno() >= 0 else []
    deadline: float | None = None
    try:
        while busy or (pending and not stop.requested):
            if stop.urgent or (deadline is not None and time.monotonic() > deadline):
                break
            if stop.requested and deadline is None:
                deadline = time.monotonic() + DRAIN_SECONDS
            while pending and idle and not stop.requested:
                worker = idle.pop()
                worker.give(_next_job(pending, worker.last_clinic))
                busy[worker.conn] = worker
            for ready in wait([*busy, *(w.process.sentinel for w in busy.values()), *wake],
                              timeout=1.0 if stop.requested else None):
                if ready is stop:
                    stop.drain()
                    continue
                worker = busy.get(ready) or next((w for w in busy.values()
                                                  if w.process.sentinel == ready), None)
                if worker is None or worker.conn not in busy:
                    continue
                outcome = worker.collect()
                del busy[worker.conn]
                _fault_signal(worker.job.path, "received")
                if outcome is not None:
                    report(outcome)
                    if needs_fresh_process(outcome.planned.job.lang or ""):
                        worker.stop()  # it has exited: shaped jobs leave state behind
                        worker = _Worker(ctx, out_dir)
                    idle.append(worker)
                    continue
                planned = worker.job
                attempts[planned.path] = attempts.get(planned.path, 0) + 1
                _remove_partial(out_dir / planned.path)
                if attempts[planned.path] < MAX_ATTEMPTS and not stop.requested:
                    pending.appendleft(planned)
                else:
                    report(Outcome(planned, False, error=f"worker process died "
                                                         f"(exit code {worker.process.exitcode})"))
                idle.append(_Worker(ctx, out_dir))
        for conn, worker in list(busy.items()):  # stopped now: keep results already sent
            if _has_result(worker):
                outcome = worker.collect()
                del busy[conn]
                if outcome is not None:
                    report(outcome)
                idle.append(worker)
        return not stop.requested
    finally:
        for worker in idle:
            worker.stop()
        for worker in busy.values():
            worker.stop(busy=True)
        for worker in busy.values():  # stopped mid-job: no half-written file stays behind
            if worker.job is not None:
                _remove_partial(out_dir / worker.job.path)


def _next_job(pending: deque, last_clinic: str | None) -> PlannedJob:
    """Prefer a job of the clinic this worker did last: its QR code and logo are still cached."""
    if last_clinic is not None:
        for i, planned in enumerate(itertools.islice(pending, 64)):
            if planned.clinic_id == last_clinic:
                del pending[i]
                return planned
    return pending.popleft()


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
        self.last_clinic: str | None = None

    def give(self, planned: PlannedJob) -> None:
        self.job = planned
        self.last_clinic = planned.clinic_id
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
        if needs_fresh_process(planned.job.lang or ""):
            return  # shaping leaves state behind: the parent starts a fresh worker


@lru_cache(maxsize=32)
def _clinic(folder: str) -> Any:
    """Load each clinic once per worker (its config and logo header)."""
    from .config import load_clinic

    return load_clinic(folder)


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
