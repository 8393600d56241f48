"""Professions: who regulates each in BC, the register a patient can check, and what to say."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache

from .resources import data_dir

AUTHORIZATION = "authorization"  # needling needs the regulator's separate authorization
LICENCE = "licence"              # acupuncture is part of the licence itself
NONE = "none"                    # no needling authorization the handout can state


@dataclass(frozen=True)
class Regulator:
    id: str
    names: dict[str, str]
    short: str  # printed link, e.g. "chcpbc.org"
    url: str
    aliases: tuple[str, ...]  # current names a clinic may write
    former: tuple[str, ...]   # colleges it replaced (amalgamated on 28 June 2024)
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Profession:
    id: str
    regulator: Regulator | None  # None: not a regulated profession in BC
    needling: str
    labels: dict[str, dict[str, str]]      # lang → {"one", "other"}
    statements: dict[str, dict[str, str]]  # lang → {"one", "other"}, with {regulator}
    titles: dict[str, str]                 # the protected title, per language
    known_titles: tuple[str, ...]          # English titles that mean this profession
    sources: tuple[str, ...]

    def label(self, lang: str, count: int) -> str:
        """Return the profession's name for a group of `count` people."""
        return _plural(self.labels, lang, count)

    def statement(self, lang: str, count: int) -> str:
        """Return the sentence that is true of everyone in a group of `count` of this profession."""
        text = _plural(self.statements, lang, count)
        return text.format(regulator=self.regulator.names.get(lang, self.regulator.names["en"])
                           if self.regulator else "")


def _plural(table: dict[str, dict[str, str]], lang: str, count: int) -> str:
    forms = table.get(lang) or table["en"]
    return forms["one" if count == 1 else "other"]


@cache
def _data() -> dict:
    with (data_dir("templates") / "_glossary" / "professions.toml").open("rb") as fh:
        return tomllib.load(fh)


@cache
def professions() -> dict[str, Profession]:
    """Return every profession offered, by id, in the order clinic.toml documents them."""
    data = _data()
    regulators = {key: Regulator(key, r["name"], r["short"], r["url"], tuple(r["aliases"]),
                                 tuple(r["former"]), tuple(r["sources"])) for key, r in data["regulators"].items()}
    return {key: Profession(key, regulators.get(p["regulator"]), p["needling"], p["label"],
                            p["statement"], p["title"], tuple(p["titles"]), tuple(p["sources"]))
            for key, p in data["professions"].items()}


def phrase(key: str, lang: str) -> str:
    """Return a shared phrase ("check", "unregulated") in `lang`, falling back to English."""
    table = _data()["phrases"][key]
    return table.get(lang) or table["en"]


def names_needling_for(profession: Profession | None, authorized: bool) -> bool:
    """Tell whether a practitioner of `profession` is named in a needling handout."""
    if profession is None:  # an old clinic.toml without `profession`: the flag alone decides
        return authorized
    if profession.needling == LICENCE:
        return True
    return profession.needling == AUTHORIZATION and authorized


def translate_title(title: str, lang: str, profession: Profession | None) -> str:
    """Return the protected title in `lang` when it is the profession's standard English title."""
    candidates = [profession] if profession else list(professions().values())
    key = title.casefold()
    for prof in candidates:
        if key in (t.casefold() for t in prof.known_titles):
            return prof.titles.get(lang) or title
    return title


def translate_college(college: str, lang: str) -> str:
    """Return a regulator's name in `lang` when the clinic wrote one the data knows."""
    if lang == "en":
        return college  # printed as the clinic wrote it
    key = college.casefold().strip()
    for prof in professions().values():
        reg = prof.regulator
        if reg and key in (a.casefold() for a in (*reg.aliases, reg.names["en"])):
            return reg.names.get(lang) or college
    return college


def former_college(college: str) -> Regulator | None:
    """Return the regulator that replaced a college the clinic still names, if any."""
    key = college.casefold().strip()
    for prof in professions().values():
        reg = prof.regulator
        if reg and key in (f.casefold() for f in reg.former):
            return reg
    return None
