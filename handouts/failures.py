"""Failures: a one-line explanation for exceptions that are not HandoutError but are not bugs."""

from __future__ import annotations

import errno


def explain(err: BaseException) -> str | None:
    """Return what went wrong in words for a known environmental failure, else None (a bug)."""
    if isinstance(err, MemoryError):
        return "out of memory: an input is far too large (see the size limits in the README)"
    if isinstance(err, RecursionError):
        return "an input is nested too deeply to be read"
    if isinstance(err, OSError) and err.errno is not None:
        where = f"{err.filename}: " if err.filename else ""
        if err.errno == errno.ENOSPC:
            return f"{where}no space left on the device"
        if err.errno == errno.EPIPE:
            return "the program reading the output stopped early (broken pipe)"
        if err.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            return f"{where}permission denied ({err.strerror})"
        return f"{where}{err.strerror or err}"
    return None
