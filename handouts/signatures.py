"""Signatures: what a block is made of, as a hashable key.

replay.py keys a drawing by it and fitbound.py a measured height: a table by its class, every
attribute (column widths, row heights, background and line commands), its cell styles, and
cell by cell each thing in it. What a paragraph in a cell comes to is the caller's to say (its
text and style values; for a drawing, its lines too).
"""

from __future__ import annotations

from typing import Any, Callable


def value_key(value: Any) -> Any:
    """A hashable stand-in for `value`, its type included (1 and True and 1.0 stay apart)."""
    try:
        hash(value)
        return type(value), value
    except TypeError:
        return type(value), repr(value)


def table_signature(table: Any, part_key: Callable[[Any], Any],
                    skip: frozenset[str]) -> tuple | None:
    """The table's class, attributes (but `skip`), cell styles and cells, row by row; each
    flowable in a cell by `part_key` (None: the table cannot be said this way, None back)."""
    from reportlab.platypus import Spacer

    rows = []
    for row in table._cellvalues:
        cells = []
        for cell in row:
            parts = []
            for part in cell if isinstance(cell, (list, tuple)) else [cell]:
                if part is None or isinstance(part, str):
                    key: Any = ("str", part)
                elif type(part) is Spacer:
                    key = ("Spacer", part.width, part.height)
                else:
                    key = part_key(part)
                    if key is None:
                        return None
                parts.append(key)
            cells.append(tuple(parts))
        rows.append(tuple(cells))
    styles = tuple(tuple(tuple(sorted((k, value_key(v)) for k, v in vars(style).items()))
                         for style in row) for row in table._cellStyles)
    attrs = tuple(sorted((name, repr(value)) for name, value in table.__dict__.items()
                         if name not in skip))
    return (type(table), tuple(rows), styles, attrs)
