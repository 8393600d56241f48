"""templating: inserted values are literal Markdown text; strict, sandboxed, ordered search path."""

from __future__ import annotations

import re

import pytest

from handouts.markup import parse_blocks
from handouts.templating import available, escape_markdown, template_dirs


@pytest.mark.parametrize("value", ["A & B", "**x**", "# h", "1. one", "[a](b)", "<b>x</b>", "a|b",
                                   "back\\slash", "&amp;", "_u_", "`c`", "- item", "> quote"])
def test_escaped_values_parse_back_to_the_same_text(value: str) -> None:
    tokens = parse_blocks(f"Say {escape_markdown(value)} now\n")
    inline = tokens[1]
    assert [c.type for c in inline.children] == ["text"] * len(inline.children)
    assert "".join(c.content for c in inline.children) == f"Say {value} now"


def test_search_path_puts_the_clinic_first(tmp_path) -> None:
    (tmp_path / "templates" / "custom-handout").mkdir(parents=True)
    (tmp_path / "templates" / "custom-handout" / "en.md.j2").write_text("+++\n+++\n# x\n")
    dirs = template_dirs(tmp_path)
    assert dirs[0] == tmp_path / "templates" and dirs[-1].name == "templates"
    found = available(tmp_path)
    assert found["custom-handout"] == ["en"] and "ims-vs-acupuncture" in found


@pytest.mark.parametrize("old, new, expected", [
    ('page = "Page {page} of {pages}"', 'page = "Page {pag} of {pages}"', "labels.page: unknown or broken placeholder"),
    ('reviewed = "2026-11-26"', 'reviewed = "soon"', "reviewed: 'soon' is not a date like 2026-11-01"),
    ('draft_notice = ', 'draft_notic = ', "[labels] lacks draft_notice"),
])
def test_broken_front_matter_is_a_clean_error(runner, make_clinic, tmp_path, old, new, expected) -> None:
    from conftest import ROOT

    from handouts.cli import main

    folder, own = _two_physiotherapists(make_clinic)
    source = (ROOT / "templates/ims-vs-acupuncture/en.md.j2").read_text(encoding="utf-8")
    assert old in source
    (own / "en.md.j2").write_text(source.replace(old, new, 1), encoding="utf-8")
    result = runner.invoke(main, ["generate", "--clinic", str(folder), "-o", str(tmp_path / "x.pdf")])
    assert result.exit_code == 1 and expected in result.output and "Traceback" not in result.output


def test_template_that_is_not_utf8(runner, make_clinic, tmp_path) -> None:
    from handouts.cli import main

    folder, own = _two_physiotherapists(make_clinic)
    (own / "en.md.j2").write_bytes(b"+++\ntitle = \"\xff\xfe\"\n+++\n# x\n")
    result = runner.invoke(main, ["generate", "--clinic", str(folder), "-o", str(tmp_path / "x.pdf")])
    assert result.exit_code == 1 and "is not UTF-8 text" in result.output and "Traceback" not in result.output


def _fr_with(top: str, table: str = "") -> str:
    """Return the French template with `top` for its translation line and `table` before [labels]."""
    from conftest import ROOT

    source = (ROOT / "templates/ims-vs-acupuncture/fr.md.j2").read_text(encoding="utf-8")
    version = re.search(r'^version = "([^"]+)"', source, re.M).group(1)
    source = source.replace('translation = "draft"', top, 1)
    return source.replace("\n[labels]\n", f"\n{table.replace('{version}', version)}\n[labels]\n", 1)


REVIEWED = 'translation = "reviewed"'  # the French file's own [[translation_notes]] stay
REVIEW = ('[review]\nreviewer = "A. Reviewer"\nrole = "Physiotherapist, French mother tongue"\n'
          'date = 2026-11-20\nversion = "{version}"\n')


@pytest.mark.parametrize("top, table, draft_notice", [
    (REVIEWED, REVIEW, False),                                           # signed off for this text
    (REVIEWED, REVIEW.replace('version = "{version}"', 'version = "0.9"'), True),  # an older text
    ('translation = "draft"', "", True),
])
def test_review_table_switches_the_draft_notice_off(runner, make_clinic, tmp_path, top, table,
                                                    draft_notice) -> None:
    from conftest import pdf_text

    from handouts.cli import main

    folder = make_clinic(replace={'paper = "letter"': 'paper = "letter"\nlanguages = ["en", "fr"]'})
    own = folder / "templates" / "ims-vs-acupuncture"
    own.mkdir(parents=True)
    (own / "fr.md.j2").write_text(_fr_with(top, table), encoding="utf-8")
    result = runner.invoke(main, ["generate", "--clinic", str(folder), "--lang", "fr",
                                  "-o", str(tmp_path / "x.pdf")])
    assert result.exit_code == 0, result.output
    assert ("ébauche" in pdf_text((tmp_path / "x.pdf").read_bytes())) is draft_notice


@pytest.mark.parametrize("meta, message", [
    ({"translation": "reviewed", "review": {"reviewer": "A", "date": "2026-11-20"}},
     "[review] needs role, version"),
    ({"translation": "draft", "translation_notes": "collapsed lung"},
     "translation_notes must be a list"),
    ({"translation": "draft", "translation_notes": [{"term": "x", "chosen": "y"}]},
     "translation_notes[0] needs why"),
])
def test_review_and_translation_notes_are_checked(meta: dict, message: str) -> None:
    from handouts.errors import TemplateError
    from handouts.templating import translation_status

    with pytest.raises(TemplateError, match=re.escape(message)):
        translation_status({"version": "1.1", **meta}, "fr.md.j2")


def test_review_counts_for_its_own_version_only() -> None:
    from handouts.templating import translation_status

    review = {"reviewer": "A", "role": "B", "date": "2026-11-20", "version": "1.1"}
    assert translation_status({"version": "1.1", "translation": "reviewed", "review": review}, "x") == "reviewed"
    assert translation_status({"version": "1.2", "translation": "reviewed", "review": review}, "x") == "draft"


def test_the_listing_matches_pathlib_glob(tmp_path) -> None:
    """available() lists what root.glob("*/*.md.j2") finds, "_" folders left out."""
    from handouts import templating

    root = tmp_path / "templates"
    for rel in ("h1/en.md.j2", "h1/fr.md.j2", "h1/notes.txt", "_checks/en.md.j2", "h2/.x.md.j2",
                "h2/es.md.j2"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("x", encoding="utf-8")
    (root / "loose.md.j2").write_text("x", encoding="utf-8")
    expected = sorted((p.parent.name, p.name[:-len(".md.j2")]) for p in root.glob("*/*.md.j2")
                      if not p.parent.name.startswith("_"))
    assert sorted(templating._listing(root)) == expected
    assert templating._listing(tmp_path / "missing") is not None
    assert list(templating._listing(tmp_path / "missing")) == []


# A new process loads compiled templates from the user's cache folder instead of compiling
# them; a folder others could write to is not used, and a damaged file is compiled again.
_RENDER = """
import sys
from unittest import mock
from handouts import sandbox
from handouts.templating import render_handout, select_template
compiled = []
real = sandbox.LimitedEnvironment.compile
def counting(self, *args, **kwargs):
    compiled.append(1)
    return real(self, *args, **kwargs)
with mock.patch.object(sandbox.LimitedEnvironment, "compile", counting):
    text = render_handout(None, select_template(None, "ims-vs-acupuncture", "en"),
                          {"clinic": None, "practitioners": [], "groups": [], "practitioner": None,
                           "lang": "en", "credentials": "list"})
print(len(compiled), len(text.body), sandbox.compiled_cache() is not None)
"""


def _render_in_new_process(cache_home) -> list[str]:
    import os
    import subprocess
    import sys

    env = {**os.environ, "XDG_CACHE_HOME": str(cache_home)}
    done = subprocess.run([sys.executable, "-c", _RENDER], env=env, capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_compiled_templates_are_kept_for_the_next_process(tmp_path) -> None:
    first = _render_in_new_process(tmp_path)
    kept = list((tmp_path / "handouts" / "templates").iterdir())
    second = _render_in_new_process(tmp_path)
    assert first[0] != "0" and first[2] == "True" and len(kept) == 1
    assert second[0] == "0" and second[1] == first[1]  # loaded, not compiled: the same text
    kept[0].write_bytes(kept[0].read_bytes()[:40] + b"\0garbage")
    damaged = _render_in_new_process(tmp_path)
    assert damaged[0] != "0" and damaged[1] == first[1]


def test_a_cache_folder_others_can_write_to_is_not_used(tmp_path) -> None:
    folder = tmp_path / "handouts" / "templates"
    folder.mkdir(parents=True)
    folder.chmod(0o777)
    out = _render_in_new_process(tmp_path)
    assert out[0] != "0" and out[2] == "False" and not list(folder.iterdir())


def test_a_filled_in_handout_is_kept_until_its_template_or_clinic_changes(make_clinic) -> None:
    """The front desk fills in the same clinic's handout again and again: the text is kept by
    template and by everything its context is made from, and made again when either changes."""
    import os
    import shutil

    from handouts.config import load_clinic
    from handouts.document import render_text
    from handouts.jobs import HandoutJob
    from handouts.resources import data_dir

    folder, own = _two_physiotherapists(make_clinic)
    shutil.copy(data_dir("templates") / "ims-vs-acupuncture" / "en.md.j2", own / "en.md.j2")
    clinic = load_clinic(folder)
    job = HandoutJob(str(folder), practitioner="sam-taylor").resolved(clinic)
    first = render_text(clinic, job)
    again = render_text(clinic, job)
    assert again.body is first.body and again.meta == first.meta
    again.meta["title"] = "changed by a caller"  # each caller has its own front matter
    assert render_text(clinic, job).meta == first.meta
    from handouts import templating

    variants = [(HandoutJob(str(folder), practitioner=who, lang=lang).resolved(clinic), shown)
                for who in (None, "sam-taylor") for lang in ("en", "fr")
                for shown in ("list", "inline", "names")]
    kept = [render_text(clinic, *variant).body for variant in variants for _ in range(2)]
    fresh = []
    for variant in variants:
        templating._RENDERED.clear()
        fresh.append(render_text(clinic, *variant).body)
    assert kept[::2] == kept[1::2] == fresh  # each kept under its own key
    assert len(set(fresh)) == len(fresh)  # (and each is another text)
    template = own / "en.md.j2"
    template.write_text(template.read_text(encoding="utf-8") + "\nA line of our own.\n",
                        encoding="utf-8")
    stat = template.stat()
    os.utime(template, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    assert render_text(clinic, job).body.endswith("A line of our own.\n")
    (folder / "clinic.toml").write_text((folder / "clinic.toml").read_text(encoding="utf-8")
                                        .replace('name = "Sam Taylor"', 'name = "Sam Tailor"'),
                                        encoding="utf-8")
    renamed = load_clinic(folder)  # another configuration: another context
    assert "Sam Tailor" in render_text(renamed, job).body


def _two_physiotherapists(make_clinic) -> tuple:
    """A clinic with two needling physiotherapists (two credentials each for one) and a
    templates folder of its own for the handout: (clinic folder, the handout's template
    folder)."""
    second = ('[[practitioners]]\nid = "alex-kim"\nname = "Alex Kim"\n'
              'title = "Registered Physiotherapist"\ncredentials = ["FCAMPT", "MPT"]\n'
              'registration = "PT-2"\ncollege = "College of Health and Care Professionals of BC"\n'
              'needling_authorized = true\n\n[[practitioners]]\nid = "jo-no-needles"')
    folder = make_clinic(replace={'credentials = ["FCAMPT"]': 'credentials = ["FCAMPT", "MPT"]',
                                  '[[practitioners]]\nid = "jo-no-needles"': second})
    own = folder / "templates" / "ims-vs-acupuncture"
    own.mkdir(parents=True)
    return folder, own
