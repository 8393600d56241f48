"""Property: any text in any clinic.toml text field renders exactly, or fails with a clean error."""

from __future__ import annotations

import unicodedata

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from handouts.config import load_clinic
from handouts.errors import HandoutError
from handouts.jobs import HandoutJob, build_handout

from conftest import BASE_TOML, DATE, EXAMPLES, pdf_text, squash

FIELDS = {
    "name": 'name = "Test Clinic"',
    "address[0]": 'address = ["1 Test Street", "Vancouver, BC"]',
    "phone": 'phone = "604-555-0100"',
    "practitioners[0].name": 'name = "Sam Taylor"',
    "practitioners[0].title": 'title = "Registered Physiotherapist"',
    "practitioners[0].registration": 'registration = "PT-1"',
    "practitioners[0].college": 'college = "College of Health and Care Professionals of BC"',
    "practitioners[0].credentials[0]": 'credentials = ["FCAMPT"]',
}


def _line(field: str, value: str) -> str:
    quoted = json.dumps(value, ensure_ascii=True)  # a JSON string is a valid TOML basic string
    key = field.split(".")[-1].split("[")[0]
    if field == "address[0]":
        return f"address = [{quoted}]"
    if field.endswith("credentials[0]"):
        return f'credentials = [{{ name = {quoted}, meaning = "A course" }}]'
    return f"{key} = {quoted}"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(field=st.sampled_from(sorted(FIELDS)), value=st.text(min_size=0, max_size=60))
def test_any_text_renders_exactly_or_fails_cleanly(tmp_path_factory, field: str, value: str) -> None:
    folder: Path = tmp_path_factory.mktemp("clinic")
    (folder / "clinic.toml").write_text(BASE_TOML.replace(FIELDS[field], _line(field, value)),
                                        encoding="utf-8")
    (folder / "logo.png").write_bytes((EXAMPLES / "harbour-physio" / "logo.png").read_bytes())
    try:
        clinic = load_clinic(folder)
        data = build_handout(HandoutJob(str(folder), practitioner="sam-taylor", date=DATE), clinic)
    except HandoutError as err:
        for line in err.lines():
            assert line.startswith(str(folder / "clinic.toml")), line
            assert "\n" not in line
        return
    # compatibility forms (the ﬀ ligature, full-width letters) may be read back decomposed
    expected = squash(unicodedata.normalize("NFKC", " ".join(value.split())))
    assert expected in squash(unicodedata.normalize("NFKC", pdf_text(data)))
