"""Manifest: what a batch built, with input hashes that make re-runs incremental."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import asdict, dataclass, fields
from functools import cache
from pathlib import Path

from . import __version__
from .output import write_atomic
from .reading import Unreadable, read_regular, sha256_file, update_digest
from .resources import data_dir

MANIFEST_JSON = "manifest.json"
MANIFEST_CSV = "manifest.csv"
MAX_MANIFEST_BYTES = 256 * 1024 * 1024


@dataclass
class Row:
    """One job of a batch (or one clinic whose config could not be read)."""

    clinic: str
    practitioner: str
    handout: str
    language: str
    paper: str
    path: str
    sha256: str = ""
    bytes: int = 0
    pages: int = 0
    status: str = ""  # built | unchanged | failed | pending
    error: str = ""
    input_hash: str = ""


def load_manifest(out_dir: Path) -> dict[str, Row]:
    """Return the rows of an earlier run keyed by path (empty when there is none or it is bad)."""
    try:
        data = json.loads(read_regular(out_dir / MANIFEST_JSON, MAX_MANIFEST_BYTES).decode("utf-8"))
        names = {f.name for f in fields(Row)}
        rows = [Row(**{k: v for k, v in item.items() if k in names}) for item in data["jobs"]]
    except (Unreadable, OSError, ValueError, KeyError, TypeError, RecursionError):
        return {}
    return {row.path: row for row in rows if row.path}


def save_manifest(out_dir: Path, rows: list[Row]) -> None:
    """Write manifest.json and manifest.csv atomically (sorted, so re-runs diff cleanly)."""
    rows = sorted(rows, key=lambda r: (r.clinic, r.path))
    doc = {"tool": f"handouts {__version__}", "jobs": [asdict(r) for r in rows]}
    write_atomic(out_dir / MANIFEST_JSON,
                 (json.dumps(doc, indent=1, ensure_ascii=False) + "\n").encode("utf-8"))
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=[f.name for f in fields(Row)], lineterminator="\n")
    writer.writeheader()
    writer.writerows(asdict(r) for r in rows)
    write_atomic(out_dir / MANIFEST_CSV, buf.getvalue().encode("utf-8"))


def file_sha256(path: Path) -> str:
    """Return the sha256 of a file (streamed), or '' if it cannot be read."""
    try:
        return sha256_file(path)
    except (Unreadable, OSError):
        return ""


@cache
def _tree_digest(root: Path) -> str:
    """Hash every regular file under `root`, streamed: a stray 600 MB file costs time, not memory."""
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*")
                       if p.is_file() and "__pycache__" not in p.parts):
        digest.update(str(path.relative_to(root)).encode() + b"\0")
        try:
            update_digest(digest, path)
        except Unreadable as err:  # vanished or replaced by a pipe since the listing
            digest.update(f"\0{err.reason}".encode())
        digest.update(b"\0")
    return digest.hexdigest()


def tool_digest() -> str:
    """Hash the package version, bundled templates and fonts (once per process)."""
    parts = [__version__, _tree_digest(data_dir("templates")), _tree_digest(data_dir("fonts")),
             _tree_digest(Path(__file__).resolve().parent)]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def clinic_digest(folder: Path) -> str:
    """Hash every file of a clinic folder: clinic.toml, logo, own templates."""
    return _tree_digest.__wrapped__(folder.resolve())


def input_hash(tool: str, clinic: str, job_key: str) -> str:
    """Combine the tool, clinic and job digests into one input hash."""
    return hashlib.sha256(f"{tool}\0{clinic}\0{job_key}".encode()).hexdigest()
