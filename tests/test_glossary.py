"""Glossary: 30+ BC credentials, matched loosely, explained in every language, each rendering."""

from __future__ import annotations

import pytest

from handouts.fonts import font_chain
from handouts.glossary import entries, lookup, normalise
from handouts.jobs import HandoutJob, build_handout
from handouts.templating import available

from conftest import DATE, pdf_text, squash

SHIPPED = tuple(available(None)["ims-vs-acupuncture"])


def test_at_least_thirty_entries_each_sourced_in_every_shipped_language() -> None:
    assert len(entries()) >= 30
    assert set(SHIPPED) == {"en", "fr", "es", "vi", "zh-Hant", "zh-Hans", "pa"}
    for entry in entries():
        assert entry.source.strip(), entry.id
        assert set(entry.meanings) == set(SHIPPED), entry.id
        for lang in SHIPPED:
            assert font_chain(lang).missing(entry.meaning(lang)) is None, (entry.id, lang)


def test_no_two_entries_share_a_spelling() -> None:
    seen: dict[str, str] = {}
    for entry in entries():
        for name in entry.names:
            key = normalise(name)
            assert seen.setdefault(key, entry.id) == entry.id, (name, seen[key], entry.id)


@pytest.mark.parametrize(("written", "entry"), [
    ("BScPT", "bsc-pt"), ("MScPT", "msc-pt"), ("Dip. Manip. PT", "dip-manip-pt"),
    ("R.Ac", "r-ac"), ("R.Ac.", "r-ac"), ("Dr. TCM", "dr-tcm"), ("dr.tcm", "dr-tcm"),
    ("B.Sc. (Kinesiology)", "bkin"), ("BKin", "bkin"), ("Gunn IMS certified (iSTOP)", "gunn-ims"),
    ("fcampt", "fcampt"), ("CSEP-CEP", "csep-cep"), ("R.TCM.P", "r-tcm-p"), ("R.TCM.H", "r-tcm-h"),
    ("Dry Needling (Level 1)", "dn-1"), ("M.D.", "md"), ("CCFP", "ccfp"), ("FRCPC", "frcpc"),
    ("DPT", "dpt"), ("Ph.D.", "phd"), ("MCPA", "mcpa"), ("RMT", "rmt"), ("D.C.", "dc"),
])
def test_spellings_clinics_use_match(written, entry) -> None:
    found = lookup(written)
    assert found is not None and found.id == entry


def test_unknown_credential_is_not_matched() -> None:
    assert lookup("Certified Wizard") is None


TOML_HEAD = '''name = "Glossary Clinic"
address = ["1 Test Street"]
phone = "604-555-0100"
languages = ["en", "fr", "es", "vi", "zh-Hant", "zh-Hans", "pa"]

[brand]
primary = "#0B6E4F"
'''


def _every_credential_clinic() -> str:
    names = [entry.names[0] for entry in entries()]
    blocks = []
    for i in range(0, len(names), 8):  # at most 8 credentials a practitioner
        creds = ", ".join(f'"{n}"' for n in names[i:i + 8])
        blocks.append(f'\n[[practitioners]]\nid = "p{i}"\nname = "Pat {i}"\n'
                      f'profession = "physiotherapist"\ntitle = "Registered Physiotherapist"\n'
                      f'needling_authorized = true\ncredentials = [{creds}]\n')
    return TOML_HEAD + "".join(blocks)


@pytest.mark.parametrize("lang", SHIPPED)
def test_every_entry_renders_in_every_language(make_clinic, lang) -> None:
    """Large print has no page limit, so every credential is listed with its meaning (the
    standard edition may show a long list by name only to keep two pages)."""
    folder = make_clinic(toml=_every_credential_clinic())
    data = build_handout(HandoutJob(str(folder), lang=lang, date=DATE, edition="large-print"))
    text = squash(pdf_text(data))
    for entry in entries():
        assert squash(entry.meaning(lang)) in text, (entry.id, lang)
