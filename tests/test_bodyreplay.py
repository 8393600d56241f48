"""Whole pages' bodies replayed for a text laid out again (bodyreplay.py) give exactly the bytes
of a fresh build, whatever came before, and a handout for a patient is never kept (issue 14)."""

from __future__ import annotations

import subprocess
import sys

from conftest import DATE, EXAMPLES

# Each job built in one process, several rounds: with replay off (every block drawn afresh),
# then on (recorded the second time a text is laid out, replayed from the third).
SCRIPT = f'''
import hashlib, sys
from handouts import bodyreplay, recording
from handouts.jobs import HandoutJob, build_handout
recording.enabled = sys.argv[1] == "on"
rounds = int(sys.argv[2])
for r in range(rounds):
    for spec in sys.argv[3:]:
        clinic, who, lang, paper, edition, patient = spec.split(":")
        folder = clinic if "/" in clinic else {str(EXAMPLES)!r} + "/" + clinic
        data = build_handout(HandoutJob(folder, practitioner=None if who == "-" else who,
                                        lang=lang, paper=paper, date={DATE!r}, edition=edition,
                                        patient=patient or None))
        print(hashlib.sha256(data).hexdigest())
kept = [v for v in bodyreplay._LAYOUTS.values() if isinstance(v, bodyreplay._Layout)]
print(len(kept), bodyreplay.stats["replayed"], bodyreplay.stats["given_up"],
      sum(repr(k).count("Zoë") for k in bodyreplay._LAYOUTS))
'''
JOBS = ["harbour-physio:sam-taylor:en:letter:standard:",
        "maple-needle-clinic:priya-gill:en:a4:large-print:",   # more than two pages
        "harbour-physio:-:fr:a4:standard:",                     # accents: codes past ASCII
        "maple-needle-clinic:-:pa:letter:standard:",            # shaped text, /ActualText
        "maple-needle-clinic:chen-wei:zh-Hant:letter:standard:",
        "cedar-lane-wellness:-:vi:letter:standard:"]


def _run(mode: str, rounds: int, jobs: list[str]) -> tuple[list[str], list[int]]:
    out = subprocess.run([sys.executable, "-c", SCRIPT, mode, str(rounds), *jobs],
                         capture_output=True, text=True, check=True).stdout.split()
    return out[:-4], [int(n) for n in out[-4:]]


def test_replayed_pages_are_byte_identical_to_fresh_ones() -> None:
    fresh, _ = _run("off", 1, JOBS)
    replayed, (kept, count, given_up, _) = _run("on", 5, JOBS)
    assert replayed == fresh * 5
    assert kept == len(JOBS)  # every text recorded, the large-print one's three pages too
    assert count >= 3 * len(JOBS) and given_up == 0  # rounds three to five replayed


def test_a_replay_that_cannot_give_the_same_codes_is_built_afresh(make_clinic) -> None:
    # Same name, so the same text; the second clinic's footer codes "é" before the text does,
    # so the recorded page's codes are not this document's.
    plain = make_clinic(name="plain")
    accented = make_clinic(replace={"1 Test Street": "1 rue Hélène"}, name="accented")
    jobs = [f"{plain}:sam-taylor:fr:letter:standard:"] * 2 + \
        [f"{accented}:sam-taylor:fr:letter:standard:"]
    fresh, _ = _run("off", 1, jobs)
    replayed, (kept, count, given_up, _) = _run("on", 1, jobs)
    assert replayed == fresh
    assert kept == 1 and given_up >= 1  # recorded from the plain clinic, given up in the other


def test_a_patients_handout_is_never_kept() -> None:
    job = "harbour-physio:sam-taylor:en:letter:standard:Zoë Patient"
    fresh, _ = _run("off", 1, [job])
    replayed, (kept, count, given_up, mentions) = _run("on", 5, [job])
    assert replayed == fresh * 5
    assert kept == 0 and count == 0 and mentions == 0


# Clinics sharing a text (the same team) in other colours: after two recordings agree, a
# text's recording is recoloured for the next palette (recolour.py). The colours include ink,
# the warning red, black, white and pale ones: a primary written like a fixed colour must not
# recolour that colour too.
COLOURS = ["#1A1A1A", "#0B6E4F", "#7A3B69", "#1F4E79", "#B3261E", "#C0392B", "#000000",
           "#FFFFFF", "#F2C14E", "#2E7D32", "#FDECEA", "#6A1B9A"]  # the first is the ink's


def test_a_text_in_other_colours_is_recoloured_exactly(make_clinic) -> None:
    jobs = []
    for n, colour in enumerate(COLOURS):
        folder = make_clinic(replace={'name = "Test Clinic"': f'name = "Clinic {n}"',
                                      'primary = "#0B6E4F"': f'primary = "{colour}"'},
                             name=f"clinic-{n}")
        jobs += [f"{folder}:-:en:letter:standard:", f"{folder}:sam-taylor:en:letter:standard:"]
    fresh, _ = _run("off", 1, jobs)
    out = subprocess.run([sys.executable, "-c", SCRIPT.replace(
        'print(len(kept)', 'print(bodyreplay.stats["recoloured"], len(kept)'), "on", "1", *jobs],
        capture_output=True, text=True, check=True).stdout.split()
    assert out[:-5] == fresh
    assert int(out[-5]) >= 3  # dark greens, reds and purples recoloured from the first two


def test_what_recolouring_may_change() -> None:
    from handouts.recolour import changed
    from handouts.styles import make_palette

    green, purple = make_palette("#0B6E4F", "#F2A541"), make_palette("#7A3B69", "#F2A541")
    assert changed(green, purple) == {"primary", "text", "tint"}  # on white: white stays
    assert changed(green, green) == frozenset()
    # a pale primary gets its own darker text colour: heading and band no longer share one
    assert changed(green, make_palette("#8FD3E8", "#F2A541")) is None
    # white text on the band becomes black: "1 1 1" is written the same both ways
    assert changed(make_palette("#FFFFFF", "#F2A541"), green) is None


def test_a_colour_is_recoloured_only_as_a_whole_operand() -> None:
    from handouts.recolour import _pattern

    pattern = _pattern((".5 .25 .125",))
    assert pattern.sub("X", ".5 .25 .125 rg\n1.5 .25 .125 rg .5 .25 .125 RG .5 .25 .125 re") == \
        "X rg\n1.5 .25 .125 rg X RG .5 .25 .125 re"
