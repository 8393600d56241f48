"""Output: atomic writes (temporary file + rename), so no half-written PDF is ever left."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from .errors import OutputError


def resolve_output(target: str | None, default_name: str) -> Path | None:
    """Return where to write: a file, a file inside a folder, or None for stdout (`-`)."""
    if target == "-":
        return None
    if target is None:
        return Path(default_name)
    path = Path(target)
    if path.is_dir() or target.endswith(("/", os.sep)):
        return path / default_name
    if path.suffix.lower() != ".pdf":
        raise OutputError(f"{target}: output must be a .pdf file, a folder, or - for stdout")
    return path


def write_pdf(path: Path | None, data: bytes) -> None:
    """Write `data` to `path` atomically (or to stdout when path is None)."""
    if path is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    write_atomic(path, data)


def write_atomic(path: Path, data: bytes) -> None:
    """Write bytes to a temporary file beside `path`, then rename it into place."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    except OSError as err:
        raise OutputError(f"{path}: cannot write ({err.strerror})") from err
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; a handout is not secret
        os.replace(tmp, path)
    except BaseException as err:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(err, OSError):
            raise OutputError(f"{path}: cannot write ({err.strerror})") from err
        raise
