"""paths: portable output names."""

from __future__ import annotations

import pytest

from handouts.paths import MAX_NAME_BYTES, batch_path, collision_key, safe_component


@pytest.mark.parametrize("name, expected", [
    ("con", "con-"), ("NUL", "NUL-"), ("lpt1", "lpt1-"), ("aux.pdf", "aux.pdf-"),
    ("a:b*c?", "a-b-c-"), ("ok-name", "ok-name"), ("trailing. ", "trailing"),
])
def test_safe_component(name: str, expected: str) -> None:
    assert safe_component(name) == expected


def test_long_names_are_cut_to_80_bytes_with_a_hash() -> None:
    a = safe_component("x" * 120, ".pdf")
    b = safe_component("x" * 119 + "y", ".pdf")
    assert len(a.encode()) <= MAX_NAME_BYTES and a.endswith(".pdf") and a != b


def test_batch_path_and_case_collisions() -> None:
    assert batch_path("c", "h", "zh-Hant", "clinic", "a4") == "c/h/zh-Hant/clinic-a4.pdf"
    assert collision_key("c/h/zh-Hant/x.pdf") == collision_key("c/h/zh-hant/x.pdf")
