"""Scaffold: `handouts init` writes a commented clinic.toml that passes `handouts check`."""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from .checks import is_id
from .config import CONFIG_NAME, folder_name
from .errors import ConfigError, OutputError



@dataclass
class Answers:
    """What `init` asks for; every value as the user typed it."""

    name: str
    address: list[str]
    phone: str
    email: str = ""
    website: str = ""
    booking_url: str = ""
    paper: str = "letter"
    primary: str = "#0B6E4F"
    logo: str = ""  # a PNG or JPEG anywhere; copied into the clinic folder
    practitioner_name: str = ""
    practitioner_id: str = ""
    profession: str = "physiotherapist"
    title: str = ""
    registration: str = ""
    needling: bool = True
    languages: tuple[str, ...] = ("en",)


# Latin letters that Unicode does not decompose into a base letter and a mark: NFKD leaves "ł"
# or "ø" whole, so without these "Łukasiewicz" would lose its first letter ("ukasiewicz").
_LATIN_LETTERS = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ð": "d", "þ": "th", "æ": "ae",
                                "œ": "oe", "ß": "ss", "ı": "i", "ħ": "h", "ŧ": "t", "ŋ": "n",
                                "ĸ": "k", "ŀ": "l", "ſ": "s", "ƒ": "f"})


def practitioner_id(name: str) -> str:
    """Return a kebab-case id from a name ("Sam Taylor" → "sam-taylor", "Marie-Ève Côté" →
    "marie-eve-cote", "Łukasiewicz" → "lukasiewicz": accents come off rather than taking their
    letter with them); "practitioner" for a name with no Latin letter or digit."""
    return kebab_id(name) or "practitioner"


def kebab_id(name: str) -> str:
    """Return `name` as lowercase letters, digits and single hyphens, at most 40 characters
    ("" when nothing is left)."""
    import unicodedata

    folded = name.casefold().translate(_LATIN_LETTERS)  # casefold: "ß" → "ss", "Ł" → "ł"
    plain = "".join(ch for ch in unicodedata.normalize("NFKD", folded)
                    if not unicodedata.combining(ch))
    ident = re.sub(r"[^a-z0-9]+", "-", plain).strip("-")
    return ident[:40].strip("-")


def _clinic_id(folder: Path, answers: Answers) -> str:
    """An id for a folder whose name cannot be one ("Main St Physio" → "main-st-physio"), from
    the folder's name, else the clinic's; "" when the folder's name will do."""
    name = folder_name(folder)
    if is_id(name):
        return ""
    return kebab_id(name) or kebab_id(answers.name) or "clinic"


def _q(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a TOML basic string is a JSON string


def _optional(key: str, value: str, note: str) -> str:
    """Return `key = "value"  # note`, or the line commented out when there is no value."""
    return (f"{key} = {_q(value)}" if value else f'# {key} = ""') + f"  # {note}"


def render_toml(a: Answers, logo_name: str, schema: str, clinic_id: str = "") -> str:
    """Return the commented clinic.toml for these answers (`clinic_id`: written as `id` when
    the folder's name cannot be one)."""
    from .professions import professions

    prof = professions()[a.profession]
    college = prof.regulator.names["en"].rsplit(" (", 1)[0] if prof.regulator else ""
    lines = [
        f"#:schema {schema}",
        "# The clinic's settings for `handouts` (written by `handouts init`; edit freely).",
        "# Check it any time with: handouts check <this folder>",
        "",
        *([f"id = {_q(clinic_id)}  # used in file names (the folder's name cannot be)"]
          if clinic_id else []),
        f"name = {_q(a.name)}  # printed in the header and footer",
        f"address = [{', '.join(_q(line) for line in a.address)}]  # 1–4 lines",
        f"phone = {_q(a.phone)}",
        _optional("email", a.email, "optional"),
        _optional("website", a.website, "optional, https:// only"),
        _optional("booking_url", a.booking_url, "optional: QR code and link in the header"),
        f"languages = [{', '.join(_q(x) for x in a.languages)}]  # the first is the default",
        f"paper = {_q(a.paper)}  # letter | a4",
        (f"logo = {_q(logo_name)}  # PNG or JPEG in this folder" if logo_name
         else "# logo = \"logo.png\"  # PNG or JPEG in this folder"),
        "",
        "[brand]",
        f"primary = {_q(a.primary)}  # #RRGGBB: header band, table header, rules",
        "",
        "[[practitioners]]  # one block per practitioner",
        f"id = {_q(a.practitioner_id or practitioner_id(a.practitioner_name))}  # used in file names",
        f"name = {_q(a.practitioner_name)}",
        f"profession = {_q(a.profession)}  # {' | '.join(professions())}",
        f"title = {_q(a.title or prof.titles['en'])}  # the protected title, as registered",
        "credentials = []  # e.g. [\"BScPT\", \"FCAMPT\"]; `handouts check` says which need explaining",
        _optional("registration", a.registration, "registration number"),
        (f"college = {_q(college)}" if college else "# college = \"\""),
    ]
    if prof.needling == "authorization":
        lines.append(f"needling_authorized = {'true' if a.needling else 'false'}  "
                     "# holds the College's authorization to use needles")
    return "\n".join(lines) + "\n"


def init_clinic(folder: str | Path, answers: Answers, force: bool = False) -> Path:
    """Write folder/clinic.toml (and copy the logo); refuse to overwrite unless `force`."""
    from .inspection import check_clinic
    from .schema import schema_path

    folder = Path(folder)
    target = folder / CONFIG_NAME
    if target.exists() and not force:
        raise OutputError(f"{target}: already exists (use --force to replace it)")
    created = not folder.exists()
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []  # taken back if the result does not pass check: a clean retry
    logo_name = ""
    if answers.logo:
        source = Path(answers.logo)
        if not source.is_file():
            raise ConfigError(f"--logo: {answers.logo!r} does not exist")
        logo_name = "logo" + source.suffix.lower()
        if source.resolve() != (folder / logo_name).resolve():
            if not (folder / logo_name).exists():
                written.append(folder / logo_name)
            shutil.copyfile(source, folder / logo_name)
    text = render_toml(answers, logo_name, schema_path().as_uri(), _clinic_id(folder, answers))
    target.write_text(text, encoding="utf-8")
    written.append(target)
    report = check_clinic(folder, render=True)  # as `handouts check`: the logo must fit too
    if report.errors:
        for path in written:
            path.unlink(missing_ok=True)
        if created and not any(folder.iterdir()):
            folder.rmdir()
        raise ConfigError(*[line.replace(f"{target}: ", "", 1) for line in report.errors],
                          "nothing was written: run handouts init again with that fixed")
    return target
