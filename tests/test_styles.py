"""styles: every text colour the palette hands out passes WCAG AA; decoration keeps the brand."""

from __future__ import annotations

import pytest

from handouts.styles import AA_BODY, WHITE, contrast, make_palette, readable

BRANDS = ["#0B6E4F", "#8FD3E8", "#FFFF00", "#F2A541", "#777777", "#000000", "#FFFFFF", "#7A3B69"]


@pytest.mark.parametrize("primary", BRANDS)
def test_text_colours_reach_aa(primary: str) -> None:
    pal = make_palette(primary, "#F2A541")
    assert pal.primary == primary  # decoration keeps the clinic's own colour
    assert contrast(pal.text, WHITE) >= AA_BODY
    assert contrast(pal.on_primary, primary) >= AA_BODY
    assert contrast("#1A1A1A", pal.tint) >= AA_BODY
    assert contrast(pal.mark, WHITE) >= 3.0  # check boxes: non-text contrast


def test_readable_changes_only_what_fails() -> None:
    assert readable("#0B6E4F", WHITE) == "#0B6E4F"
    light = readable("#8FD3E8", WHITE)
    assert light != "#8FD3E8" and 4.5 <= contrast(light, WHITE) < 4.7  # just enough


def test_light_sample_clinic_is_adjusted() -> None:
    pal = make_palette("#8FD3E8", "#2B4C7E")
    assert contrast("#8FD3E8", WHITE) < 3 and pal.on_primary == "#000000"
