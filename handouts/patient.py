"""Patient: the name a handout is prepared for, checked alike wherever it is typed (`--for` on
the command line, the front desk's name field)."""

from __future__ import annotations

import unicodedata

from .checks import INVISIBLE  # as clinic.toml's text
from .errors import SelectionError

MAX_NAME = 80  # the "Prepared for" box holds it on one or two lines


def patient_name(text: str | None) -> str | None:
    """Return the name to print, or None when it is blank (the handout then has a line to write
    it on by hand). The name is put in NFC form: a name pasted as letters followed by separate
    accents ("e" + U+0302 + U+0303) prints as the letters it spells ("ễ"), never with marks
    on the wrong letters. Spaces are tidied. Messages never repeat the name."""
    if not text:
        return None
    text = unicodedata.normalize("NFC", text)
    for ch in text:
        if ch != "\t" and unicodedata.category(ch) in INVISIBLE:  # a line break too
            raise SelectionError(f"--for: the patient's name has an invisible or control "
                                 f"character (U+{ord(ch):04X}): type the name again")
    name = " ".join(text.split())
    if not name:
        return None
    if len(name) > MAX_NAME:
        raise SelectionError(f"--for: the patient's name is {len(name)} characters long; at "
                             f"most {MAX_NAME} fit")
    return name


def unprintable(missing: str) -> SelectionError:
    """The error for a patient's name with a character no bundled font has (`missing`): which
    script it is and what to do, without repeating the name or the character itself."""
    script = _script(missing)
    return SelectionError(f"--for: the handout's fonts cannot print {script} (U+{ord(missing):04X}) "
                          f"in the patient's name: leave the name out and write it on the line "
                          f"by hand, or spell it in Latin letters")


def _script(ch: str) -> str:
    """'Arabic letters', 'Hebrew letters' … from the character's Unicode name; else a symbol."""
    if unicodedata.category(ch).startswith("L"):
        words = unicodedata.name(ch, "").split()
        if words:
            return f"{words[0].capitalize()} letters"
    return "this symbol or emoji"
