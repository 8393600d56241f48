"""Templating: Jinja2 (sandboxed, strict) → handout Markdown plus its front matter."""

from __future__ import annotations

import copy
import os
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from .errors import SelectionError, TemplateError
from .reading import parse_toml
from .resources import data_dir
from .sandbox import MAX_OUTPUT

SUFFIX = ".md.j2"
_FRONT = re.compile(r"\A\+\+\+\n(.*?)\n\+\+\+\n", re.S)
# Markdown treats a backslash before ASCII punctuation as that character, literally.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>&~:\"'=$%^;,/?@])")


@dataclass(frozen=True)
class RenderedHandout:
    """Markdown body and front-matter metadata of one filled-in handout."""

    meta: dict
    body: str
    source: str


def escape_markdown(value: Any) -> str:
    """Escape a value inserted by `{{ }}` so Markdown reads it as plain text."""
    if value is None:
        return ""
    return _MD_SPECIAL.sub(r"\\\1", str(value))


def template_dirs(clinic_folder: Path | None) -> list[Path]:
    """Return the template search path: the clinic's own folder first, built-in last."""
    dirs = [data_dir("templates")]
    if clinic_folder is not None and (clinic_folder / "templates").is_dir():
        dirs.insert(0, clinic_folder / "templates")
    return dirs


def available(clinic_folder: Path | None) -> dict[str, list[str]]:
    """Return {handout id: [languages]} found on the search path."""
    found: dict[str, set[str]] = {}
    for root in template_dirs(clinic_folder):
        for handout, lang in _listing(root):
            found.setdefault(handout, set()).add(lang)
    return {h: sorted(langs, key=lambda lang: (lang != "en", lang)) for h, langs in sorted(found.items())}


def _listing(root: Path) -> Iterator[tuple[str, str]]:
    """(handout, language) of every `*/*.md.j2` under `root`, as `root.glob` finds them (a
    batch asks twice a clinic: os.scandir is several times faster than pathlib's glob)."""
    try:
        folders = [entry for entry in os.scandir(root) if entry.is_dir()]
    except OSError:
        return
    for folder in folders:
        if folder.name.startswith("_"):
            continue
        try:
            names = [entry.name for entry in os.scandir(folder.path)]
        except OSError:
            continue
        for name in names:
            if name.endswith(SUFFIX):
                yield folder.name, name[: -len(SUFFIX)]


def _root(folder: Path) -> Path:
    """Return the folder a template file must stay inside: the clinic folder, or the built-ins."""
    builtin = data_dir("templates")
    return builtin if folder == builtin else folder.parent


@cache
def _environment(dirs: tuple[Path, ...]) -> Any:
    from jinja2 import StrictUndefined

    from .sandbox import ClinicLoader, LimitedEnvironment, compiled_cache

    loader = ClinicLoader([(d, _root(d)) for d in dirs])
    return LimitedEnvironment(loader=loader, undefined=StrictUndefined, finalize=escape_markdown,
                              autoescape=False, keep_trailing_newline=True,
                              trim_blocks=False, lstrip_blocks=False,
                              bytecode_cache=compiled_cache())


def select_template(clinic_folder: Path | None, handout: str, lang: str) -> str:
    """Return the template name for handout/lang, or raise SelectionError listing what exists."""
    handouts = available(clinic_folder)
    if handout not in handouts:
        raise SelectionError(f"unknown handout {handout!r}; available: {', '.join(handouts) or 'none'}")
    if lang not in handouts[handout]:
        raise SelectionError(f"handout {handout!r} has no language {lang!r}; "
                             f"available: {', '.join(handouts[handout])}")
    return f"{handout}/{lang}{SUFFIX}"


def render_handout(clinic_folder: Path | None, name: str, context: dict,
                   same: Any = None) -> RenderedHandout:
    """Fill in template `name` with `context`; split off and parse its TOML front matter.
    `same` (hashable), if given, says everything `context` is made from: the same template
    (unchanged on disk) with the same `same` gives the text filled in before."""
    from jinja2 import TemplateError as JinjaError
    from jinja2 import TemplateSyntaxError
    from jinja2.sandbox import SecurityError

    env = _environment(tuple(template_dirs(clinic_folder)))
    try:
        with env.limits():
            template = env.get_template(name)
            kept = _RENDERED.get((template, same)) if same is not None else None
            if kept is not None:
                return RenderedHandout(copy.deepcopy(kept.meta), kept.body, kept.source)
            text = template.render(context)
    except TemplateSyntaxError as err:
        raise TemplateError(f"{err.filename or name}: line {err.lineno}: {err.message}") from err
    except (JinjaError, SecurityError) as err:
        raise TemplateError(f"{_where(err, name)}: {err}") from err
    except UnicodeDecodeError as err:
        raise TemplateError(f"{name}: is not UTF-8 text (byte {err.start})") from err
    except RecursionError:
        raise TemplateError(f"{_file(env, name)}: a macro or include calls itself too "
                            "deeply") from None
    except MemoryError:
        raise TemplateError(f"{_file(env, name)}: rendering needs too much memory") from None
    source = template.filename or name
    if len(text) > MAX_OUTPUT:
        raise TemplateError(f"{source}: the filled-in handout is {len(text):,} characters long; "
                            f"at most {MAX_OUTPUT:,} (a handout is one or two pages)")
    match = _FRONT.match(text)
    if not match:
        raise TemplateError(f"{source}: line 1: front matter (+++ … +++) is missing")
    try:
        meta = parse_toml(match.group(1))
    except tomllib.TOMLDecodeError as err:
        raise TemplateError(f"{source}: front matter: {err}") from err
    rendered = RenderedHandout(meta, text[match.end():], source)
    if same is not None:
        _RENDERED[(template, same)] = RenderedHandout(copy.deepcopy(meta), rendered.body, source)
        while len(_RENDERED) > 64:
            _RENDERED.pop(next(iter(_RENDERED)))
    return rendered


# (template, what its context is made from) → the text filled in: the front desk fills in the
# same clinic's handout again and again (a template changed on disk is another template).
_RENDERED: dict[tuple, RenderedHandout] = {}


def _file(env: Any, name: str) -> str:
    """Return the file of template `name`, or its name if it cannot be loaded."""
    try:
        return env.get_template(name).filename or name
    except Exception:  # noqa: BLE001 - only used to word an error that is already being raised
        return name


def _where(err: Exception, name: str) -> str:
    """Find the template file and line of a render error in its traceback."""
    import traceback

    for frame in reversed(traceback.extract_tb(err.__traceback__)):
        if frame.filename.endswith(SUFFIX):
            return f"{frame.filename}: line {frame.lineno}"
    return name


@cache
def glossary(lang: str) -> dict[str, str]:
    """Return the plain-words meaning of well-known credentials, keyed by lower-case name."""
    path = data_dir("templates") / "_glossary" / f"{lang}.toml"
    if not path.is_file():
        return {}
    with path.open("rb") as fh:
        table = tomllib.load(fh)
    return {key.casefold(): value for key, value in table.items()}


STATUSES = ("original", "draft", "reviewed")


REVIEW_KEYS = ("reviewer", "role", "date", "version")
NOTE_KEYS = ("term", "chosen", "why")


def translation_status(meta: dict, source: object) -> str:
    """Return original | draft | reviewed; a reviewed translation must name reviewer and date.

    A `[review]` table (reviewer, role, date, version) records the sign-off; it counts only for
    the content version it names, so a text changed after its review prints the draft notice
    again. The older flat form (reviewer, reviewed_on) is still read.
    """
    status = meta.get("translation", "draft")
    if status not in STATUSES:
        raise TemplateError(f"{source}: front matter: translation must be one of "
                            f"{', '.join(STATUSES)}, not {status!r}")
    check_translation_notes(meta, source)
    if status != "reviewed":
        return status
    review = meta.get("review")
    if review is None:
        missing = [key for key in ("reviewer", "reviewed_on") if not meta.get(key)]
        if missing:
            raise TemplateError(f"{source}: front matter: a reviewed translation needs "
                                f"{' and '.join(missing)}")
        return status
    missing = [key for key in REVIEW_KEYS if not isinstance(review, dict) or not review.get(key)]
    if missing:
        raise TemplateError(f"{source}: front matter: [review] needs {', '.join(missing)}")
    return status if str(review["version"]) == str(meta.get("version")) else "draft"


def check_translation_notes(meta: dict, source: object) -> list[dict]:
    """Return `[[translation_notes]]` (term, chosen, why: the words a translator chose)."""
    notes = meta.get("translation_notes", [])
    if not isinstance(notes, list):
        raise TemplateError(f"{source}: front matter: translation_notes must be a list of "
                            "[[translation_notes]] tables")
    for n, note in enumerate(notes):
        missing = [key for key in NOTE_KEYS
                   if not isinstance(note, dict) or not isinstance(note.get(key), str)]
        if missing:
            raise TemplateError(f"{source}: front matter: translation_notes[{n}] needs "
                                f"{', '.join(missing)} (text)")
    return notes


def read_front_matter(clinic_folder: Path | None, handout: str, lang: str) -> tuple[dict, Path]:
    """Return a template's front matter (static TOML, read without rendering) and its path."""
    for root in template_dirs(clinic_folder):
        path = root / handout / f"{lang}{SUFFIX}"
        if path.is_file():
            try:
                match = _FRONT.match(_read_template(path, _root(root)))
            except UnicodeDecodeError as err:
                raise TemplateError(f"{path}: is not UTF-8 text (byte {err.start})") from err
            try:
                return (tomllib.loads(match.group(1)) if match else {}), path
            except tomllib.TOMLDecodeError as err:
                raise TemplateError(f"{path}: front matter: {err}") from err
    raise SelectionError(f"handout {handout!r} has no language {lang!r}")


def _read_template(path: Path, root: Path) -> str:
    """Read a template file that resolves inside `root` (a link elsewhere is refused)."""
    from .reading import Unreadable, read_regular
    from .sandbox import MAX_TEMPLATE_BYTES

    if not path.resolve().is_relative_to(root.resolve()):
        raise TemplateError(f"{path}: is a link to a file outside the clinic folder")
    try:
        return read_regular(path, MAX_TEMPLATE_BYTES).decode("utf-8")
    except Unreadable as err:
        raise TemplateError(f"{path}: {err.reason}") from None


def template_status(clinic_folder: Path | None, handout: str, lang: str) -> str:
    """Return the translation status declared in a template's front matter (not rendered)."""
    meta, path = read_front_matter(clinic_folder, handout, lang)
    return translation_status(meta, path)
