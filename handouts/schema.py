"""Schema: the JSON Schema of clinic.toml, shipped in the package for editors and `handouts schema`."""

from __future__ import annotations

import json
from pathlib import Path

_PATH = Path(__file__).resolve().parent / "clinic.schema.json"


def schema_path() -> Path:
    """Return where the installed schema file is (for a `#:schema` line)."""
    return _PATH


def schema_text() -> str:
    """Return the schema as JSON text."""
    return _PATH.read_text(encoding="utf-8")


def load_schema() -> dict:
    """Return the schema as a dictionary."""
    return json.loads(schema_text())
