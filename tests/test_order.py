"""The same handout gives the same bytes built first, last or alone (issue 14): the caches that
make a warm process fast (lines, parsed Markdown sections, fonts, logos) never change output."""

from __future__ import annotations

import hashlib
import subprocess
import sys

from conftest import DATE, EXAMPLES

SCRIPT = f'''
import hashlib, sys
from handouts.jobs import HandoutJob, build_handout
jobs = [tuple(j.split(":")) for j in sys.argv[1:]]
for clinic, who, lang, paper, edition in jobs:
    data = build_handout(HandoutJob({str(EXAMPLES)!r} + "/" + clinic,
                                    practitioner=None if who == "-" else who, lang=lang,
                                    paper=paper, date={DATE!r}, edition=edition))
    print(hashlib.sha256(data).hexdigest())
'''
TARGETS = ["harbour-physio:sam-taylor:en:letter:standard",
           "maple-needle-clinic:-:zh-Hant:a4:standard",
           "maple-needle-clinic:priya-gill:pa:letter:large-print",   # a Punjabi paragraph split
           "cedar-lane-wellness:alex-morgan:en:letter:large-print"]  # an English one split
OTHERS = ["harbour-physio:sam-taylor:fr:a4:standard", "cedar-lane-wellness:-:en:letter:standard",
          "cedar-lane-wellness:-:en:letter:large-print",
          "maple-needle-clinic:chen-wei:en:letter:large-print",
          "maple-needle-clinic:priya-gill:zh-Hans:letter:standard",
          "harbour-physio:-:vi:letter:standard"]


def _hashes(jobs: list[str]) -> list[str]:
    out = subprocess.run([sys.executable, "-c", SCRIPT, *jobs], capture_output=True, text=True,
                         check=True)
    return out.stdout.split()


def test_first_last_and_alone_give_the_same_bytes() -> None:
    alone = [_hashes([target])[0] for target in TARGETS]
    mixed = _hashes([*TARGETS, *OTHERS, *reversed(TARGETS)])
    count = len(TARGETS)
    assert mixed[:count] == alone                      # built first
    assert mixed[-count:] == list(reversed(alone))     # built last, after everything else
    assert len(set(mixed)) >= len(TARGETS) + len(OTHERS) - 1  # (two cedar versions may agree)
    assert hashlib.sha256(b"").hexdigest() not in mixed
