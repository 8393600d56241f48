"""Workers: a process pool for rendering, off the event loop, behind a bounded queue.

ReportLab is pure Python and holds the GIL, so threads would take turns; processes render in
parallel. Beyond `queue_limit` requests waiting or running, the answer is "busy, try again".
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Callable

from ..errors import HandoutError


class Busy(Exception):
    """Too many requests are waiting: the client should try again shortly."""


class WorkerFailed(Exception):
    """A worker process died or raised something other than a HandoutError."""


def default_workers() -> int:
    """Return how many worker processes to start: one per CPU, 2 to 4."""
    return max(2, min(4, os.cpu_count() or 2))


class RenderPool:
    """A process pool that refuses work beyond a bound instead of queueing without end."""

    def __init__(self, workers: int, queue_limit: int, warm_clinic: str | None = None) -> None:
        self.workers = workers
        self.queue_limit = queue_limit
        self.warm_clinic = warm_clinic
        self.in_flight = 0
        self._executor: ProcessPoolExecutor | None = None

    def start(self) -> None:
        """Start the workers (forkserver or spawn: no threads or event loop are inherited)."""
        from . import work

        if "forkserver" in multiprocessing.get_all_start_methods():
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["handouts.document", "handouts.web.work"])
        else:  # Windows
            context = multiprocessing.get_context("spawn")
        self._executor = ProcessPoolExecutor(self.workers, mp_context=context,
                                             initializer=work.warm,
                                             initargs=(self.warm_clinic,))
        # start every worker now, so the first visitors do not wait for a cold start
        for future in [self._executor.submit(os.getpid) for _ in range(self.workers)]:
            future.result()

    def stop(self) -> None:
        """Stop the worker processes."""
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    async def run(self, func: Callable[..., Any], *args: Any) -> Any:
        """Run `func(*args)` in a worker; raise Busy when the queue is full."""
        if self.in_flight >= self.queue_limit:
            raise Busy()
        self.in_flight += 1
        try:
            if self._executor is None:
                await asyncio.to_thread(self.start)
            assert self._executor is not None
            future = self._executor.submit(func, *args)
            return await asyncio.wrap_future(future)
        except HandoutError:
            raise
        except BrokenProcessPool as err:
            self._executor = None  # a fresh pool for the next request
            raise WorkerFailed("a worker process stopped") from err
        except Exception as err:
            raise WorkerFailed(type(err).__name__) from err
        finally:
            self.in_flight -= 1
