"""Measurements in this process: warm time per handout (interleaved with Typst), repeat builds,
and a profile of one warm handout grouped by our module and by ReportLab area."""

from __future__ import annotations

import cProfile
import pstats
import statistics
import time
from pathlib import Path

from measure import DATE, EXAMPLES, FONTS

CLINIC = EXAMPLES / "harbour-physio"


def _job():
    from handouts.jobs import HandoutJob

    return HandoutJob(str(CLINIC), practitioner="sam-taylor", lang="en", paper="letter",
                      date=DATE)


def _median_ms(fn, count: int) -> float:
    times = []
    for _ in range(count):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def _without_reuse(build) -> None:
    """Build with drawing replay (blocks and page bodies), kept column heights and kept fit
    bounds switched off (what they save, measured in the same run)."""
    from handouts import columns, document, recording as replay

    replay.enabled = columns.enabled = False
    document._BOUNDS.clear()
    try:
        build()
    finally:
        replay.enabled = columns.enabled = True
        document._BOUNDS.clear()


def warm(main: Path, rounds: int, per_round: int) -> dict:
    """(a) the same handout again and again in one process: ours (build_handout, clinic folder
    read each time) against typst.compile (files and fonts read each time), A B A B."""
    import typst
    from handouts.jobs import build_handout

    job = _job()
    ours = lambda: build_handout(job)  # noqa: E731
    theirs = lambda: typst.compile(str(main), font_paths=[str(FONTS)],  # noqa: E731
                                   ignore_system_fonts=True)
    compiler = typst.Compiler(str(main), font_paths=[str(FONTS)], ignore_system_fonts=True)
    kept = lambda: compiler.compile()  # noqa: E731
    for fn in (ours, theirs, kept):  # first runs: imports, font registration, caches
        fn()
        fn()
    a, b, c, d, ratios = [], [], [], [], []
    for _ in range(rounds):
        a.append(_median_ms(ours, per_round))
        b.append(_median_ms(theirs, per_round))
        c.append(_median_ms(kept, per_round))
        d.append(_median_ms(lambda: _without_reuse(ours), per_round))
        ratios.append(a[-1] / b[-1])
    return {"warm_ms": statistics.median(a), "warm_typst_ms": statistics.median(b),
            "warm_ratio": statistics.median(ratios),
            "warm_typst_kept_compiler_ms": statistics.median(c),
            "warm_ratio_kept_compiler": statistics.median(x / y for x, y in zip(a, c)),
            "warm_no_reuse_ms": statistics.median(d),
            "warm_no_reuse_ratio": statistics.median(x / y for x, y in zip(d, b)),
            "warm_all_ms": [round(x, 2) for x in a], "warm_typst_all_ms": [round(x, 2) for x in b]}


def warm_varied(main: Path, tmp: Path, rounds: int, per_round: int) -> dict:
    """(a2) as warm(), but a different clinic (name, colour) for every handout: ours builds a new
    clinic folder each time, Typst gets that name and colour as sys.inputs."""
    import typst
    from handouts.jobs import HandoutJob, build_handout
    from measure import COLOURS, make_clinics

    count = rounds * per_round + 2
    make_clinics(tmp / "warm", count)
    folders = iter(sorted((tmp / "warm").iterdir()))
    numbers = iter(range(count))

    def ours() -> None:
        build_handout(HandoutJob(str(next(folders)), practitioner="sam-taylor", lang="en",
                                 paper="letter", date=DATE))

    def theirs() -> None:
        i = next(numbers)
        typst.compile(str(main), font_paths=[str(FONTS)], ignore_system_fonts=True,
                      sys_inputs={"name": f"Benchmark Clinic {i} (sample)",
                                  "primary": COLOURS[i % 8]})

    ours(), theirs()
    a, b, ratios = [], [], []
    for _ in range(rounds):
        a.append(_median_ms(ours, per_round))
        b.append(_median_ms(theirs, per_round))
        ratios.append(a[-1] / b[-1])
    return {"warm_varied_ms": statistics.median(a), "warm_varied_typst_ms": statistics.median(b),
            "warm_varied_ratio": statistics.median(ratios)}


def identical(main: Path) -> dict:
    """(g) the same handout built twice in one process gives the same bytes (and Typst's)."""
    import typst
    from handouts.jobs import build_handout

    first, second = build_handout(_job()), build_handout(_job())
    t1 = typst.compile(str(main), font_paths=[str(FONTS)], ignore_system_fonts=True)
    t2 = typst.compile(str(main), font_paths=[str(FONTS)], ignore_system_fonts=True)
    return {"identical_in_process": first == second, "identical_in_process_typst": t1 == t2}


def _area(filename: str, name: str) -> str:
    """The area a profiled function belongs to: our module, a ReportLab part, or a library."""
    path = filename.replace("\\", "/")
    if "/handouts/" in path and "site-packages" not in path:
        return "handouts." + Path(path).stem
    if "/reportlab/" in path:
        part = path.split("/reportlab/", 1)[1]
        return "reportlab." + part.removesuffix(".py").replace("/", ".")
    for lib in ("jinja2", "markdown_it", "mdit_py_plugins", "PIL", "fontTools", "pypdf",
                "babel", "uharfbuzz"):
        if f"/{lib}/" in path:
            return lib
    if filename == "~":  # built-ins: name the heavy ones
        if "zlib" in name or "compress" in name:
            return "zlib (compression)"
        if "md5" in name or "sha" in name:
            return "hashing (md5/sha)"
        return "built-ins (str, list, dict …)"
    if "<frozen" in path or "/lib/python3" in path:
        return "stdlib " + Path(path).stem
    return "other"


STAGES = [  # (label, file ends with, function) for inclusive times
    ("render_text: Jinja2 + glyph check", "handouts/document.py", "render_text"),
    ("build_story: Markdown → flowables", "handouts/markup.py", "build_story"),
    ("doc.build: layout + drawing (all)", "platypus/doctemplate.py", "build"),
    ("  header band + footer (replayed)", "handouts/replay.py", "decorate_page"),
    ("  page bodies replayed (bodyreplay.py)", "handouts/bodyreplay.py", "draw"),
    ("  blocks drawn, recorded or replayed", "handouts/recording.py", "draw"),
    ("    of which replayed", "handouts/recording.py", "_replay"),
    ("  Paragraph.wrap (line breaking)", "platypus/paragraph.py", "wrap"),
    ("  balanced columns (references)", "platypus/flowables.py", "_generated_content"),
    ("canvas.save: page numbers, tags, PDF", "handouts/layout.py", "save"),
    ("  structure tree (tagged PDF)", "handouts/structtree.py", "write_structure"),
    ("  writing objects (pdfwriter)", "handouts/pdfwriter.py", "write_compact"),
    ("load_clinic: read clinic.toml", "handouts/config.py", "load_clinic"),
    ("fit bound (fitbound.py)", "handouts/fitbound.py", "cannot_fit"),
]


def profile(count: int, top: int = 22) -> dict:
    """cProfile `count` warm builds of the English sample: self time by area, stage times."""
    from handouts.jobs import build_handout

    job = _job()
    build_handout(job)
    build_handout(job)
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(count):
        build_handout(job)
    prof.disable()
    stats = pstats.Stats(prof).stats  # {(file, line, name): (cc, nc, tt, ct, callers)}
    areas: dict[str, float] = {}
    for (filename, _, name), (_, _, tottime, _, _) in stats.items():
        key = _area(filename, name)
        areas[key] = areas.get(key, 0.0) + tottime
    total = sum(areas.values())
    stages = []
    for label, suffix, func in STAGES:
        # several classes may share a method name (PDFDictionary.format inside
        # PDFDocument.format): the outermost one has the largest inclusive time
        cum = max((ct for (f, _, n), (_, _, _, ct, _) in stats.items()
                   if f.replace("\\", "/").endswith(suffix) and n == func), default=0.0)
        stages.append({"stage": label, "ms": cum / count * 1000, "percent": 100 * cum / total})
    ranked = sorted(areas.items(), key=lambda kv: -kv[1])
    builtins = sorted(((name, tt) for (f, _, name), (_, _, tt, _, _) in stats.items()
                       if f == "~"), key=lambda kv: -kv[1])[:8]
    return {"profiled_handouts": count, "profiled_ms_per_handout": total / count * 1000,
            "areas": [{"area": k, "ms": v / count * 1000, "percent": 100 * v / total}
                      for k, v in ranked[:top]],
            "areas_rest_percent": 100 * sum(v for _, v in ranked[top:]) / total,
            "top_builtins": [{"name": n, "ms": t / count * 1000, "percent": 100 * t / total}
                             for n, t in builtins],
            "stages": stages}
