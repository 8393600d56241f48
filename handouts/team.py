"""Team: the practitioners a handout names, grouped by profession, in the handout's language."""

from __future__ import annotations

from dataclasses import dataclass, replace

from .errors import problem
from .glossary import lookup
from .localtext import pick
from .models import Clinic, Credential, Practitioner
from .professions import (Profession, names_needling_for, phrase, professions, translate_college,
                          translate_title)


@dataclass(frozen=True)
class Group:
    """Practitioners of one profession, and the sentence that is true of every one of them."""

    label: str      # "Physiotherapists"
    statement: str  # "These physiotherapists are registered with … and hold …"
    check: str      # "Check the public register:"
    register_short: str  # printed link ("chcpbc.org"); "" for an unregulated profession
    register_url: str
    people: tuple[Practitioner, ...]
    regulators: tuple[str, ...] = ()  # the regulator's names the statement already gives


def profession_of(person: Practitioner) -> Profession | None:
    """Return the practitioner's profession, or None for an old file without one."""
    return professions().get(person.profession)


def names_needling(person: Practitioner) -> bool:
    """Tell whether a needling handout names this practitioner."""
    return names_needling_for(profession_of(person), person.needling_authorized)


def localize(person: Practitioner, lang: str) -> Practitioner:
    """Return the practitioner with title, college and credential meanings in `lang`."""
    prof = profession_of(person)
    title = pick(translate_title(person.title, lang, prof), person.titles, lang)
    college = pick(translate_college(person.college, lang), person.colleges, lang)
    creds = []
    for c in person.credentials:
        entry = lookup(c.name)
        default = c.meaning or (entry.meaning("en") if entry else "")
        meaning = pick(c.meaning, c.meanings, lang) if c.meaning else \
            (entry.meaning(lang) if entry else "")
        creds.append(Credential(c.name, meaning or default, c.meanings))
    return replace(person, title=title, college=college, credentials=tuple(creds))


def group_team(people: list[Practitioner], lang: str) -> list[Group]:
    """Group practitioners by profession (in the order each first appears), words per group."""
    order: dict[str, list[Practitioner]] = {}
    for person in people:
        order.setdefault(person.profession, []).append(localize(person, lang))
    groups = []
    for key, members in order.items():
        prof = professions().get(key)
        if prof is None:  # no profession given: the old, general wording from the template
            groups.append(Group("", "", "", "", "", tuple(members)))
            continue
        reg = prof.regulator
        named = (reg.names.get(lang, ""), *reg.aliases, reg.names["en"]) if reg else ()
        groups.append(Group(prof.label(lang, len(members)), prof.statement(lang, len(members)),
                            phrase("check", lang) if reg else "", reg.short if reg else "",
                            reg.url if reg else "", tuple(members), named))
    return groups


def unexplained(clinic: Clinic, people: list[Practitioner]) -> list[str]:
    """Return a warning for each credential neither the glossary nor the clinic explains."""
    out = []
    for p in people:
        for j, c in enumerate(p.credentials):
            if not c.meaning and lookup(c.name) is None:
                out.append(problem(
                    clinic.source, f"practitioners[{p.index}].credentials[{j}]",
                    f"{c.name!r} is not in the glossary; it is printed as written. Explain it "
                    f'for patients: {{ name = "{c.name}", meaning = "…" }}'))
    return out
