"""Stopping: Ctrl-C and SIGTERM only set a flag; the batch loop acts on it at one safe point."""

from __future__ import annotations

import os
import signal
import threading
from types import FrameType
from typing import Any

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class StopRequest:
    """Counts stop signals while active: 1 = finish the jobs in flight, 2 or more = stop now.

    Used as a context manager around the whole batch, so that no signal can land between a
    worker's result arriving and the parent recording it, or while the manifest is written."""

    def __init__(self) -> None:
        self.count = 0
        self._previous: dict[int, Any] = {}
        self._read_fd = self._write_fd = -1
        self._old_wakeup = -1

    @property
    def requested(self) -> bool:
        return self.count > 0

    @property
    def urgent(self) -> bool:
        return self.count > 1

    def fileno(self) -> int:
        """A descriptor that becomes readable when a signal arrives (for connection.wait)."""
        return self._read_fd

    def _handle(self, _signum: int, _frame: FrameType | None) -> None:
        self.count += 1

    def drain(self) -> None:
        """Empty the wake-up pipe (after wait() returned because of it)."""
        try:
            while os.read(self._read_fd, 512):
                pass
        except (BlockingIOError, OSError):
            pass

    def __enter__(self) -> StopRequest:
        if threading.current_thread() is not threading.main_thread():
            return self  # signals reach the main thread only: nothing to handle here
        self._read_fd, self._write_fd = os.pipe()
        os.set_blocking(self._read_fd, False)
        os.set_blocking(self._write_fd, False)
        self._old_wakeup = signal.set_wakeup_fd(self._write_fd, warn_on_full_buffer=False)
        for signum in SIGNALS:
            self._previous[signum] = signal.signal(signum, self._handle)
        return self

    def __exit__(self, *_exc: Any) -> None:
        if self._write_fd < 0:
            return
        if not self.requested:  # a stopped batch is on its way out: a late signal changes nothing
            for signum, handler in self._previous.items():
                signal.signal(signum, handler)
        signal.set_wakeup_fd(self._old_wakeup)
        os.close(self._read_fd)
        os.close(self._write_fd)
        self._read_fd = self._write_fd = -1
