"""Cold start: an English handout never loads HarfBuzz or the hyphenation dictionaries."""

from __future__ import annotations

import subprocess
import sys

from conftest import DATE, EXAMPLES

SCRIPT = f'''
import sys
from handouts.jobs import HandoutJob, build_handout
job = HandoutJob({str(EXAMPLES / "maple-needle-clinic")!r}, practitioner="priya-gill",
                 lang=sys.argv[1], paper="letter", date={DATE!r})
data = build_handout(job)
pyphen = sys.modules.get("pyphen")
print(len(data) > 10000, "uharfbuzz._harfbuzz" in sys.modules,
      pyphen is not None and "Pyphen" in vars(pyphen))  # vars(): never loads a stand-in
'''


def _run(lang: str) -> list[str]:
    out = subprocess.run([sys.executable, "-c", SCRIPT, lang], capture_output=True, text=True,
                         check=True)
    return out.stdout.split()


def test_english_does_not_load_harfbuzz_or_pyphen() -> None:
    assert _run("en") == ["True", "False", "False"]


def test_punjabi_loads_harfbuzz_when_it_shapes() -> None:
    assert _run("pa")[:2] == ["True", "True"]


def test_a_deferred_module_loads_on_first_use() -> None:
    script = ("import handouts, sys\n"
              "stand_in = sys.modules['pyphen']\n"
              "import pyphen\n"
              "assert 'Pyphen' not in vars(stand_in)  # an import statement alone loads nothing\n"
              "print(pyphen.Pyphen(lang='en_US').inserted('physiotherapy'))\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr  # pyphen comes with the test extra (textstat)
    assert "-" in out.stdout


def test_reportlabs_url_pattern_is_compiled_when_first_used() -> None:
    """ReportLab's paragraph module is imported without compiling its URL pattern (20 ms of
    every start); the pattern still matches, and re.compile and the import system are left as
    they were."""
    script = ("import re, sys\n"
              "compile_ = re.compile\n"
              "import handouts\n"
              "import reportlab.platypus.paragraph as p\n"
              "assert type(p.uri_pat).__name__ == '_LazyPattern', type(p.uri_pat)\n"
              "assert p.uri_pat.match('https://example.com/book?x=1')\n"
              "assert not p.uri_pat.match('not a url')\n"
              "assert re.compile is compile_\n"
              "assert not any(getattr(f, '__name__', '') == '_LazyUrlPattern'\n"
              "               for f in sys.meta_path)\n"
              "assert isinstance(p._hy_letters_pat, re.Pattern)  # every other pattern as before\n"
              "print('ok')\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert out.stdout.strip() == "ok", out.stderr
