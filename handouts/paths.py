"""Paths: batch output names that are safe on Linux, Windows and macOS alike."""

from __future__ import annotations

import hashlib
import re

MAX_NAME_BYTES = 80
# Names Windows refuses as a file or folder name, with or without an extension.
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)),
             *(f"lpt{i}" for i in range(10))}
_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f]')


def safe_component(name: str, suffix: str = "") -> str:
    """Return `name` + `suffix` as one portable path component of at most 80 bytes."""
    clean = _UNSAFE.sub("-", name).strip(" .") or "unnamed"
    if clean.split(".")[0].lower() in _RESERVED:
        clean = f"{clean}-"
    full = clean + suffix
    if len(full.encode("utf-8")) <= MAX_NAME_BYTES:
        return full
    digest = hashlib.sha256(full.encode("utf-8")).hexdigest()[:8]
    room = MAX_NAME_BYTES - len(suffix.encode("utf-8")) - len(digest) - 1
    head = clean.encode("utf-8")[:room].decode("utf-8", "ignore")
    return f"{head}-{digest}{suffix}"


def batch_path(clinic_id: str, handout: str, lang: str, who: str, paper: str) -> str:
    """Return the relative output path `<clinic>/<handout>/<lang>/<who>-<paper>.pdf`."""
    parts = [safe_component(clinic_id), safe_component(handout), safe_component(lang),
             safe_component(f"{who}-{paper}", ".pdf")]
    return "/".join(parts)


def collision_key(path: str) -> str:
    """Return the key under which two paths collide on a case-insensitive file system."""
    return path.casefold()
