"""Schema: the shipped JSON Schema of clinic.toml agrees with the validator, key for key."""

from __future__ import annotations

import tomllib

import jsonschema
import pytest

from handouts import config
from handouts.cli import main
from handouts.config import load_clinic
from handouts.errors import ConfigError
from handouts.professions import professions
from handouts.schema import load_schema, schema_path

from conftest import BASE_TOML, SAMPLE_CLINICS


def validator() -> jsonschema.Draft202012Validator:
    schema = load_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _described(node, path="") -> list[str]:
    """Return the paths of properties without a description."""
    missing = []
    for key, sub in node.get("properties", {}).items():
        if not sub.get("description"):
            missing.append(f"{path}{key}")
        missing += _described(sub, f"{path}{key}.")
        items = sub.get("items", {})
        missing += _described(items, f"{path}{key}[].")
        for option in items.get("oneOf", []):
            missing += _described(option, f"{path}{key}[].")
    return missing


def test_schema_is_valid_and_every_key_has_a_description() -> None:
    validator()
    assert _described(load_schema()) == []


def test_schema_keys_are_the_validators_keys() -> None:
    schema = load_schema()
    assert set(schema["properties"]) == config._CLINIC_KEYS
    person = schema["properties"]["practitioners"]["items"]
    assert set(person["properties"]) == config._PRACTITIONER_KEYS
    assert person["properties"]["profession"]["enum"] == list(professions())


@pytest.mark.parametrize("folder", SAMPLE_CLINICS, ids=lambda p: p.name)
def test_sample_clinics_are_valid(folder) -> None:
    data = tomllib.loads((folder / "clinic.toml").read_text(encoding="utf-8"))
    assert list(validator().iter_errors(data)) == []


@pytest.mark.parametrize(("old", "new"), [
    ('phone = "604-555-0100"', "phone = 6045550100"),
    ('primary = "#0B6E4F"', 'primary = "green"'),
    ('paper = "letter"', 'paper = "legal"'),
    ('id = "sam-taylor"', 'id = "Sam Taylor"'),
    ('credentials = ["FCAMPT"]', 'credentials = [{ name = "X" }]'),
    ('needling_authorized = true', 'needling_authorized = true\nprofesion = "physician"'),
    ('title = "Registered Physiotherapist"', 'title = { fr = "Physiothérapeute" }'),
    ('title = "Registered Physiotherapist"', 'title = "Registered Physiotherapist"\nprofession = "naturopath"'),
])
def test_schema_and_validator_refuse_the_same_mistakes(make_clinic, old, new) -> None:
    folder = make_clinic(replace={old: new})
    data = tomllib.loads((folder / "clinic.toml").read_text(encoding="utf-8"))
    assert list(validator().iter_errors(data)), new
    with pytest.raises(ConfigError):
        load_clinic(folder)


def test_base_clinic_is_valid_for_both(make_clinic) -> None:
    assert list(validator().iter_errors(tomllib.loads(BASE_TOML))) == []
    load_clinic(make_clinic())


def test_schema_command_prints_the_shipped_file(runner) -> None:
    result = runner.invoke(main, ["schema"])
    assert result.exit_code == 0
    assert result.output == schema_path().read_text(encoding="utf-8")
    assert schema_path().parent.name == "handouts"  # inside the package: ships in the wheel
