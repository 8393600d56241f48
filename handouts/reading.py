"""Reading: clinic-supplied files are opened as regular files only, with a size cap, never blocking."""

from __future__ import annotations

import copy
import hashlib
import os
import stat
import tomllib
from pathlib import Path
from typing import Any, BinaryIO

CHUNK = 1024 * 1024


class Unreadable(Exception):
    """A file that must not be read: not a regular file, too large, or unreadable; `reason` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def open_regular(path: Path) -> BinaryIO:
    """Open `path` for reading, refusing FIFOs, devices and folders without ever blocking on them."""
    try:
        # O_NONBLOCK: opening a FIFO with no writer would otherwise wait forever.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        raise Unreadable("does not exist") from None
    except IsADirectoryError:
        raise Unreadable("is a folder, not a file") from None
    except OSError as err:
        raise Unreadable(f"cannot be read ({err.strerror})") from err
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise Unreadable(f"is not a regular file ({_kind(info.st_mode)})")
    os.set_blocking(fd, True)
    return os.fdopen(fd, "rb")


def read_regular(path: Path, cap: int) -> bytes:
    """Return the bytes of a regular file of at most `cap` bytes."""
    with open_regular(path) as fh:
        size = os.fstat(fh.fileno()).st_size
        if size > cap:
            raise Unreadable(f"is {_size(size)}; at most {_size(cap)}")
        data = fh.read(cap + 1)  # the file may grow after fstat: never read more than the cap
    if len(data) > cap:
        raise Unreadable(f"is larger than {_size(cap)}")
    return data


def update_digest(digest: "hashlib._Hash", path: Path) -> None:
    """Feed a regular file into `digest` in chunks (constant memory, any size)."""
    with open_regular(path) as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)


def sha256_file(path: Path) -> str:
    """Return the sha256 of a regular file, streamed."""
    digest = hashlib.sha256()
    update_digest(digest, path)
    return digest.hexdigest()


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "not a plain file"


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{max(1, n // 1024)} KB"


# TOML text → its parse: clinic.toml and a template's front matter are read again and again,
# the same text each time.
_TOML: dict[str, dict] = {}


def parse_toml(text: str) -> dict[str, Any]:
    """tomllib.loads, once per text; each caller gets its own copy to change as it likes."""
    data = _TOML.get(text)
    if data is None:
        data = tomllib.loads(text)
        if len(_TOML) < 128:
            _TOML[text] = data
    return copy.deepcopy(data)
