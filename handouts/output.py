"""Output: atomic writes (temporary file + rename), so no half-written PDF is ever left."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from .errors import OutputError


def resolve_output(target: str | None, default_name: str, suffix: str = ".pdf") -> Path | None:
    """Return where to write: a file, a file inside a folder (an existing one, or a name ending
    in /), or None for stdout (`-`). A file must end in `suffix` (.pdf, or .eml for a draft)."""
    if target == "-":
        return None
    if target is None:
        return Path(default_name)
    path = Path(target)
    if path.is_dir() or target.endswith(("/", os.sep)):
        return path / default_name
    if path.suffix.lower() != suffix:
        raise OutputError(f"{target}: output must be a {suffix} file, a folder, or - for stdout")
    return path


def write_output(path: Path | None, data: bytes) -> None:
    """Write `data` to `path` atomically (or to stdout when path is None)."""
    if path is None:
        try:
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        except OSError as err:
            _silence_stdout()
            raise OutputError(f"standard output: cannot write ({err.strerror or err})") from err
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
        # mkstemp makes 0600; give the mode a plain open() would, so the umask decides (a
        # handout may carry a patient's name: under umask 077 it stays private).
        os.chmod(tmp, 0o666 & ~current_umask())
        os.replace(tmp, path)
    except BaseException as err:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(err, OSError):
            raise OutputError(f"{path}: cannot write ({err.strerror})") from err
        raise


def current_umask() -> int:
    """Return the process umask without changing it (Linux), or by setting and restoring it."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass
