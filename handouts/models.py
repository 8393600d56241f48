"""Validated, frozen clinic and practitioner models."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


CLINIC_VERSION = "clinic"  # stands for the practitioner in the clinic version's file names

@dataclass(frozen=True)
class Credential:
    name: str
    meaning: str = ""  # plain-words explanation; "" means "look it up in the glossary"
    meanings: tuple[tuple[str, str], ...] = ()  # the clinic's own translations: ((lang, text), …)


@dataclass(frozen=True)
class Practitioner:
    id: str
    name: str
    title: str
    credentials: tuple[Credential, ...]
    needling_authorized: bool
    registration: str = ""
    college: str = ""
    index: int = 0  # position in clinic.toml, for error key paths
    profession: str = ""  # an id from templates/_glossary/professions.toml; "" in old files
    titles: tuple[tuple[str, str], ...] = ()    # the clinic's translations of `title`
    colleges: tuple[tuple[str, str], ...] = ()  # the clinic's translations of `college`


@dataclass(frozen=True)
class Brand:
    primary: str
    accent: str = ""


@dataclass(frozen=True)
class Logo:
    path: Path
    format: str  # "PNG" or "JPEG"
    width: int
    height: int


@dataclass(frozen=True)
class Smtp:
    """Where e-mail goes out; user and password come from the environment, never the file."""

    host: str
    port: int
    security: str  # "starttls" | "ssl"
    sender: str
    ca_file: Path | None = None  # a private CA for the relay's certificate


@dataclass(frozen=True)
class Clinic:
    id: str
    folder: Path
    source: Path  # clinic.toml, as named in error messages
    name: str
    address: tuple[str, ...]
    phone: str
    brand: Brand
    practitioners: tuple[Practitioner, ...]
    email: str = ""
    website: str = ""
    booking_url: str = ""
    languages: tuple[str, ...] = ("en",)
    paper: str = "letter"
    logo: Logo | None = None
    letterhead: Path | None = None
    smtp: Smtp | None = None

    def practitioner(self, practitioner_id: str) -> Practitioner | None:
        """Return the practitioner with this id, or None."""
        return next((p for p in self.practitioners if p.id == practitioner_id), None)

    def text_fields(self, practitioner_ids: set[str] | None = None) -> list[tuple[str, str]]:
        """Return (key path, text) for every config string that can reach the page.

        With `practitioner_ids`, only those practitioners' strings are included.
        """
        fields = [("name", self.name), ("phone", self.phone), ("email", self.email),
                  ("website", self.website), ("booking_url", self.booking_url)]
        fields += [(f"address[{i}]", line) for i, line in enumerate(self.address)]
        for p in self.practitioners:
            if practitioner_ids is not None and p.id not in practitioner_ids:
                continue
            at = f"practitioners[{p.index}]"
            fields += [(f"{at}.name", p.name), (f"{at}.title", p.title),
                       (f"{at}.registration", p.registration), (f"{at}.college", p.college)]
            fields += [(f"{at}.title.{lang}", text) for lang, text in p.titles]
            fields += [(f"{at}.college.{lang}", text) for lang, text in p.colleges]
            for j, c in enumerate(p.credentials):
                fields += [(f"{at}.credentials[{j}]", c.name),
                           (f"{at}.credentials[{j}].meaning", c.meaning)]
                fields += [(f"{at}.credentials[{j}].meaning.{lang}", text)
                           for lang, text in c.meanings]
        return [(k, v) for k, v in fields if v]
