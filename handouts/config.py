"""Configuration: a clinic folder's clinic.toml → validated, frozen models."""

from __future__ import annotations

import os
import re
import tomllib
import warnings
from pathlib import Path
from typing import Any

from .checks import LANG_RE, Checker, is_id
from .errors import ConfigError, problem
from .localtext import read_localized
from .models import CLINIC_VERSION, Brand, Clinic, Credential, Logo, Practitioner, Smtp
from .reading import Unreadable, parse_toml, read_regular

CONFIG_NAME = "clinic.toml"
PAPERS = ("letter", "a4")
MAX_LOGO_BYTES = 2 * 1024 * 1024
MAX_LOGO_PIXELS = 16_000_000
MAX_LOGO_SIDE = 8000
MAX_PRACTITIONERS = 40
MAX_TOML_BYTES = 256 * 1024  # a real clinic.toml is a few KB
MAX_LETTERHEAD_BYTES = 10 * 1024 * 1024
MAX_FILE_BYTES = {"letterhead": MAX_LETTERHEAD_BYTES, "smtp.ca_file": 1024 * 1024}

_CLINIC_KEYS = {"id", "name", "address", "phone", "email", "website", "booking_url",
                "languages", "paper", "logo", "brand", "practitioners", "letterhead", "smtp"}
_PRACTITIONER_KEYS = {"id", "name", "title", "credentials", "registration", "college",
                      "needling_authorized", "profession"}


def load_clinic(folder: str | Path) -> Clinic:
    """Read and validate `folder/clinic.toml`, raising ConfigError listing every problem."""
    clinic, problems = read_clinic(folder)
    if problems:
        raise ConfigError(*problems)
    return clinic


def read_clinic(folder: str | Path) -> tuple[Clinic, list[str]]:
    """Return the clinic as far as it could be read, and every problem found (for `check`).

    Raises ConfigError only when there is no table to read (no folder, no file, bad TOML).
    """
    folder = Path(folder)
    source = folder / CONFIG_NAME
    data = _read_toml(folder, source)
    check = Checker(source)
    check.unknown_keys(data, _CLINIC_KEYS, "")
    clinic_id = check.ident(data, "id", "id", required=False)
    if clinic_id is None and "id" not in data:
        clinic_id = _folder_id(folder, check)
    brand_table = check.get(data, "brand", "brand", dict, True) or {}
    check.unknown_keys(brand_table, {"primary", "accent"}, "brand.")
    primary = check.colour(brand_table, "primary", "brand.primary", required=True)
    accent = check.colour(brand_table, "accent", "brand.accent", required=False)
    languages = check.text_list(data, "languages", "languages", max_len=20) or ("en",)
    for i, lang in enumerate(languages):
        if not LANG_RE.match(lang):
            check.add(f"languages[{i}]", f"{lang!r} is not a language code like \"en\" or \"zh-Hant\"")
    values = dict(
        id=clinic_id, folder=folder, source=source,
        name=check.text(data, "name", "name", required=True, max_len=80),
        address=check.text_list(data, "address", "address", required=True, max_len=80,
                                max_items=4),
        phone=check.text(data, "phone", "phone", required=True, max_len=40),
        email=check.email(data, "email", "email") or "",
        website=check.url(data, "website", "website") or "",
        booking_url=check.url(data, "booking_url", "booking_url") or "",
        languages=tuple(dict.fromkeys(languages)),
        paper=check.choice(data, "paper", "paper", PAPERS, "letter"),
        logo=_load_logo(folder, data, check),
        letterhead=_inside_file(folder, data, "letterhead", check),
        smtp=_smtp(folder, data, check),
        brand=Brand(primary or "#000000", accent or ""),
        practitioners=_practitioners(data, check),
    )
    return Clinic(**values), check.problems


def _read_toml(folder: Path, source: Path) -> dict[str, Any]:
    if not folder.is_dir():
        raise ConfigError(problem(folder, "", "not a clinic folder (no such directory)"))
    try:
        raw = read_regular(source, MAX_TOML_BYTES)
    except Unreadable as err:
        if err.reason == "does not exist":
            raise ConfigError(problem(source, "", "missing: every clinic folder needs a "
                                                  "clinic.toml")) from None
        raise ConfigError(problem(source, "", err.reason)) from None
    if raw.startswith(b"\xef\xbb\xbf"):
        raise ConfigError(problem(source, "", "starts with a byte-order mark (BOM): save it as "
                                              "UTF-8 without BOM (in Notepad: \"UTF-8\", not "
                                              "\"UTF-8 with BOM\")"))
    try:
        return parse_toml(raw.decode("utf-8"))
    except UnicodeDecodeError as err:
        raise ConfigError(problem(source, "", f"is not UTF-8 text (byte {err.start})")) from err
    except RecursionError:
        raise ConfigError(problem(source, "", "arrays or tables are nested too deeply")) from None
    except tomllib.TOMLDecodeError as err:
        message = str(err)
        where = re.search(r"\(at line (\d+), column (\d+)\)", message)
        text = re.sub(r"\s*\(at line.*\)$", "", message)
        key = f"line {where.group(1)}, column {where.group(2)}" if where else ""
        raise ConfigError(problem(source, key, f"TOML syntax error: {text}")) from err


def folder_name(folder: Path) -> str:
    """A clinic folder's name as given (a link's own name, not its target's; "." and ".."
    made whole without following links): the clinic's id unless clinic.toml sets one."""
    return Path(os.path.abspath(folder)).name


def _folder_id(folder: Path, check: Checker) -> str | None:
    name = folder_name(folder)
    if is_id(name):
        return name
    check.add("id", f"the folder name {name!r} cannot be used as a clinic id: add id = \"…\" "
                    "(lowercase letters, digits and single hyphens, at most 40 characters)")
    return None


def _practitioners(data: dict[str, Any], check: Checker) -> tuple[Practitioner, ...]:
    tables = check.get(data, "practitioners", "practitioners", list, True)
    if tables is None:
        return ()
    if not tables:
        check.add("practitioners", "must list at least one practitioner")
    if len(tables) > MAX_PRACTITIONERS:
        check.add("practitioners", f"has {len(tables)} entries; at most {MAX_PRACTITIONERS}")
    seen: dict[str, int] = {}
    out = []
    for i, table in enumerate(tables):
        at = f"practitioners[{i}]"
        if not isinstance(table, dict):
            check.add(at, "must be a table ([[practitioners]])")
            continue
        check.unknown_keys(table, _PRACTITIONER_KEYS, f"{at}.")
        pid = check.ident(table, "id", f"{at}.id", required=True)
        if pid == CLINIC_VERSION:
            check.add(f"{at}.id", f"{pid!r} names the clinic version's files "
                                  f"(…-{pid}-letter.pdf): choose another id, such as their name")
            pid = None
        if pid is not None and pid in seen:
            check.add(f"{at}.id", f"duplicate id {pid!r} (also practitioners[{seen[pid]}])")
        elif pid is not None:
            seen[pid] = i
        out.append(Practitioner(
            id=pid or "", index=i,
            name=check.text(table, "name", f"{at}.name", required=True, max_len=80) or "",
            credentials=_credentials(table, at, check),
            registration=check.text(table, "registration", f"{at}.registration", max_len=40) or "",
            needling_authorized=bool(check.get(table, "needling_authorized",
                                               f"{at}.needling_authorized", bool,
                                               "profession" not in table)),
            **_practitioner_extras(table, at, check),
        ))
    return tuple(out)


def _credentials(table: dict[str, Any], at: str, check: Checker) -> tuple[Credential, ...]:
    items = check.get(table, "credentials", f"{at}.credentials", list, False) or []
    if len(items) > 8:
        check.add(f"{at}.credentials", f"has {len(items)} entries; at most 8")
        return ()
    out = []
    for j, item in enumerate(items):
        key = f"{at}.credentials[{j}]"
        if isinstance(item, str):
            name = check.check_text(item, key, 80)
            meaning, meanings = "", ()
        elif isinstance(item, dict):
            check.unknown_keys(item, {"name", "meaning"}, f"{key}.")
            name = check.text(item, "name", f"{key}.name", required=True, max_len=80)
            meaning, meanings = read_localized(check, item, "meaning", f"{key}.meaning",
                                               required=True, max_len=160)
        else:
            check.add(key, "must be a string or a table { name = \"…\", meaning = \"…\" }")
            continue
        if name:
            out.append(Credential(name, meaning or "", meanings))
    return tuple(out)


def _practitioner_extras(table: dict[str, Any], at: str, check: Checker) -> dict[str, Any]:
    """Read profession, and title and college (each a string or a table of translations)."""
    from .professions import professions

    title, titles = read_localized(check, table, "title", f"{at}.title", required=True, max_len=80)
    college, colleges = read_localized(check, table, "college", f"{at}.college",
                                       required=False, max_len=120)
    profession = check.choice(table, "profession", f"{at}.profession", tuple(professions()), "")
    chosen = professions().get(profession)
    if chosen and chosen.needling == "none" and table.get("needling_authorized") is True:
        check.add(f"{at}.needling_authorized", f"a {profession} cannot claim needling authorization: "
                  + ("the profession is not regulated in BC" if chosen.regulator is None else
                     "the handout states needling authorization only for professions whose "
                     "College grants it"))
    return dict(title=title or "", titles=titles, college=college or "", colleges=colleges,
                profession=profession)


def _inside_file(folder: Path, data: dict[str, Any], key: str, check: Checker,
                 path: str = "") -> Path | None:
    """Return a file named by `key` that exists inside the clinic folder."""
    key_path = path or key
    name = check.get(data, key, key_path, str, False)
    if name is None:
        return None
    target = (folder / name).resolve()
    if not target.is_relative_to(folder.resolve()):
        check.add(key_path, f"{name!r} is outside the clinic folder")
        return None
    return _regular_file(target, name, key_path, MAX_FILE_BYTES.get(key_path, 1024 * 1024),
                         folder, check)


def _regular_file(target: Path, name: str, key_path: str, cap: int, folder: Path,
                  check: Checker) -> Path | None:
    """Return `target` if it is a regular file of at most `cap` bytes (noting why not)."""
    if not target.exists():
        check.add(key_path, f"{name!r} does not exist in {folder}")
        return None
    if not target.is_file():
        check.add(key_path, f"{name!r} is not a regular file (a folder, pipe or device)")
        return None
    size = target.stat().st_size
    if size > cap:
        check.add(key_path, f"{name!r} is {size // 1024} KB; at most {cap // 1024} KB")
        return None
    return target


def _smtp(folder: Path, data: dict[str, Any], check: Checker) -> Smtp | None:
    table = check.get(data, "smtp", "smtp", dict, False)
    if table is None:
        return None
    check.unknown_keys(table, {"host", "port", "security", "from", "ca_file"}, "smtp.")
    security = check.choice(table, "security", "smtp.security", ("starttls", "ssl"), "starttls")
    port = check.get(table, "port", "smtp.port", int, False)
    if port is not None and not 0 < port < 65536:
        check.add("smtp.port", f"{port} is not a port number (1–65535)")
    ca_file = _inside_file(folder, table, "ca_file", check, "smtp.ca_file")
    host = check.text(table, "host", "smtp.host", required=True, max_len=120)
    sender = check.email(table, "from", "smtp.from")
    if sender is None and "from" not in table:
        check.add("smtp.from", "required (the address the e-mail comes from)")
    return Smtp(host or "", port or (465 if security == "ssl" else 587), security, sender or "",
                ca_file)


def _load_logo(folder: Path, data: dict[str, Any], check: Checker) -> Logo | None:
    name = check.get(data, "logo", "logo", str, False)
    if name is None:
        return None
    root = folder.resolve()
    path = (folder / name).resolve()
    if not path.is_relative_to(root):
        check.add("logo", f"{name!r} is outside the clinic folder")
        return None
    if _regular_file(path, name, "logo", MAX_LOGO_BYTES, folder, check) is None:
        return None
    return _inspect_logo(path, name, check)


def _inspect_logo(path: Path, name: str, check: Checker) -> Logo | None:
    """Read the image header only: dimensions are checked before any pixel is decoded."""
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = MAX_LOGO_PIXELS
    try:
        data = read_regular(path, MAX_LOGO_BYTES)
        with warnings.catch_warnings():  # a bomb warning is an error here, not stray output
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return _open_logo(path, name, data, check)
    except Unreadable as err:
        check.add("logo", f"{name!r} {err.reason}")
        return None
    except Image.DecompressionBombWarning:
        check.add("logo", f"{name!r} has too many pixels (limit {MAX_LOGO_PIXELS:,})")
        return None


# Logos found sound, by a digest of their bytes → (format, width, height): a chain's clinics
# share one logo, checked once per process.
_SOUND_LOGOS: dict[bytes, tuple[str, int, int]] = {}


def _open_logo(path: Path, name: str, data: bytes, check: Checker) -> Logo | None:
    """Check the format, size and integrity of logo bytes; return the Logo or None (noted)."""
    import hashlib
    import io

    from PIL import Image, UnidentifiedImageError

    digest = hashlib.blake2b(data, digest_size=20).digest()
    sound = _SOUND_LOGOS.get(digest)
    if sound is not None:
        return Logo(path, *sound)
    try:
        with Image.open(io.BytesIO(data), formats=("PNG", "JPEG")) as img:
            fmt, (width, height) = img.format, img.size
            if fmt == "JPEG" and img.getexif().get(0x0112) in (5, 6, 7, 8):  # EXIF: turned 90°
                width, height = height, width
        if width * height > MAX_LOGO_PIXELS or max(width, height) > MAX_LOGO_SIDE:
            check.add("logo", f"{name!r} is {width}×{height} pixels; at most "
                              f"{MAX_LOGO_PIXELS:,} pixels and {MAX_LOGO_SIDE} per side")
            return None
        if fmt == "PNG":  # checks every chunk's CRC and that the file is whole, without decoding
            with Image.open(io.BytesIO(data), formats=("PNG",)) as img:
                img.verify()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError,
            ValueError, EOFError) as err:
        if isinstance(err, Image.DecompressionBombError):
            check.add("logo", f"{name!r} has too many pixels (limit {MAX_LOGO_PIXELS:,})")
        elif isinstance(err, UnidentifiedImageError):
            check.add("logo", f"{name!r} is not a PNG or JPEG image")
        else:
            check.add("logo", f"{name!r} is a damaged image ({_one_line(err)}): export it again")
        return None
    if len(_SOUND_LOGOS) < 256:
        _SOUND_LOGOS[digest] = (fmt, width, height)
    return Logo(path, fmt, width, height)


def _one_line(err: Exception) -> str:
    return " ".join(str(err).split())[:80] or type(err).__name__
