"""Localised text in clinic.toml: a string, or a table of translations { en = "…", fr = "…" }."""

from __future__ import annotations

from typing import Any

from .checks import LANG_RE, Checker

Translations = tuple[tuple[str, str], ...]  # ((lang, text), …): frozen, hashable


def read_localized(check: Checker, table: dict[str, Any], key: str, path: str, *,
                   required: bool, max_len: int) -> tuple[str | None, Translations]:
    """Return (English text, translations) of a key that is a string or a language table."""
    value = table.get(key)
    if not isinstance(value, dict):
        return check.text(table, key, path, required=required, max_len=max_len), ()
    pairs = []
    for lang in value:
        if not LANG_RE.match(lang):
            check.add(f"{path}.{lang}", f"{lang!r} is not a language code like \"en\" or \"zh-Hant\"")
            continue
        text = check.text(value, lang, f"{path}.{lang}", max_len=max_len)
        if text is not None:
            pairs.append((lang, text))
    if "en" not in value:
        check.add(path, 'needs an English text: en = "…" (printed when there is no translation)')
    return dict(pairs).get("en"), tuple(pairs)


def pick(default: str, translations: Translations, lang: str) -> str:
    """Return the text in `lang` if the clinic gave one, else `default`."""
    return dict(translations).get(lang, default)
