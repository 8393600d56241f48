"""Content checks for the English patient handout: reading level and advertising wording.

The running text a patient reads is measured with the Flesch-Kincaid grade (textstat). The
front matter, Jinja tags, table rows and the References section are left out, and Markdown
punctuation is removed. Each heading, list item and line ends a sentence, as it does on the page.
"""

from __future__ import annotations

import re
from pathlib import Path

import textstat

HANDOUT = Path(__file__).resolve().parents[1] / "templates" / "ims-vs-acupuncture" / "en.md.j2"
MAX_GRADE = 8.0
BANNED = ("best", "guarantee", "better than", "specialist", "cure")

_FRONT_MATTER = re.compile(r"\A\+\+\+\n.*?\n\+\+\+\n", re.S)
_JINJA = re.compile(r"\{%.*?%\}|\{\{.*?\}\}|\{#.*?#\}", re.S)
_REFERENCES = re.compile(r"^##\s+References\b.*?(?=^#{1,2}\s|\Z)", re.S | re.M)
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_LINE_PREFIX = re.compile(r"^\s*(?:#{1,6}\s+|[-*+]\s+(?:\[[ xX]\]\s+)?|\d+[.)]\s+)")


def running_text(source: str) -> str:
    """Return the prose a patient reads, one sentence-ending line per heading, item or line."""
    text = _FRONT_MATTER.sub("", source.replace("\r\n", "\n"), count=1)
    text = _JINJA.sub("", text)
    text = _REFERENCES.sub("", text)
    lines = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("|") or stripped.startswith(":::"):
            continue  # table rows and callout fences
        line = _LINE_PREFIX.sub("", line)
        line = _LINK.sub(r"\1", line)
        line = line.replace("**", "").replace("__", "").replace("`", "").replace("·", " ")
        line = " ".join(line.split())
        if not re.search(r"\w", line):
            continue  # nothing left but punctuation (e.g. an emptied Jinja line)
        if not re.search(r"[.!?…:]$", line):
            line += "."
        lines.append(line)
    return "\n".join(lines)


def _handout() -> str:
    return HANDOUT.read_text(encoding="utf-8")


def test_front_matter_present() -> None:
    assert _FRONT_MATTER.match(_handout()), "en.md.j2 must start with +++ TOML front matter +++"


def test_reading_level_grade_8_or_below() -> None:
    prose = running_text(_handout())
    words = textstat.lexicon_count(prose)
    assert words > 300, f"only {words} words of running text found: is the parser wrong?"
    try:
        grade = textstat.flesch_kincaid_grade(prose)
    except LookupError as err:  # textstat 0.7.9+ downloads NLTK's cmudict at first use
        raise AssertionError("textstat could not load its CMU dictionary (textstat 0.7.9 and "
                             "later fetch it with nltk.download at run time; textstat 0.7.8 "
                             "ships it in the 'cmudict' package)") from err
    assert grade <= MAX_GRADE, f"Flesch-Kincaid grade {grade} is above {MAX_GRADE} ({words} words)"


def test_no_superlatives_or_guarantees() -> None:
    source = _handout()
    found = [word for word in BANNED
             if re.search(r"\b" + r"\s+".join(map(re.escape, word.split())) + r"\b",
                          source, re.I)]
    assert not found, f"wording not allowed in advertising: {found}"
