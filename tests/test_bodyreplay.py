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
