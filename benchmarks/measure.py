"""Measurements in new processes: cold start, batch, scaling, import times, repeat builds.

Each figure is taken for our pipeline and for the Typst peer in alternation (A B A B …), so a
change in the machine's load touches both; the ratio of each round's pair is kept.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "benchmarks"
EXAMPLES = ROOT / "examples" / "clinics"
FONTS = ROOT / "fonts"
DATE = "2026-11-25"
COLOURS = ["#0B6E4F", "#8FD3E8", "#7A3B69", "#1F4E79", "#C0392B", "#F2C14E", "#2E7D32", "#6A1B9A"]
PY = sys.executable
LONGEST_BATCH_S = 180.0  # a scaling step expected to take longer is skipped (a loaded machine)


@dataclass
class Run:
    seconds: float
    peak_mb: float
    stdout: str
    stderr: str


def run(args: list[str], cwd: Path = ROOT) -> Run:
    """Run a command to the end, keeping its output; its wall time (no memory figure)."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = proc.communicate()
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{err.decode()[-2000:]}")
    return Run(elapsed, 0.0, out.decode(), err.decode())


def run_rusage(args: list[str], cwd: Path = ROOT) -> Run:
    """Like run(), and the child's own peak RSS from wait4 (output discarded except stderr)."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = proc.stderr.read() if proc.stderr else b""
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{err.decode()[-2000:]}")
    return Run(elapsed, usage.ru_maxrss / 1024, "", err.decode())


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def ours_generate(out: Path, importtime: bool = False) -> list[str]:
    """One `python -m handouts generate` of the English sample (sam-taylor, letter)."""
    flags = ["-X", "importtime"] if importtime else []
    return [PY, *flags, "-m", "handouts", "generate", "--clinic", str(EXAMPLES / "harbour-physio"),
            "--practitioner", "sam-taylor", "--lang", "en", "--paper", "letter", "--date", DATE,
            "-o", str(out)]


def typst_oneshot(main: Path, out: Path) -> list[str]:
    """A new Python process that imports typst and compiles the peer once."""
    code = ("import sys, typst; from pathlib import Path; "
            "Path(sys.argv[2]).write_bytes(typst.compile(sys.argv[1], font_paths=[sys.argv[3]], "
            "ignore_system_fonts=True))")
    return [PY, "-c", code, str(main), str(out), str(FONTS)]


# The least a new process of ours could take: Python itself, and Python importing only what any
# ReportLab PDF needs (the canvas), with our package's deferred imports in place. Measured in the
# same rounds as the cold start, so the floor's ratio to Typst's one-shot compile is comparable.
FLOORS = {"python": "pass", "reportlab_canvas": "import handouts, reportlab.pdfgen.canvas"}


def cold(tmp: Path, main: Path, rounds: int) -> dict:
    """(c) cold start, (d) peak memory and size, (g) identical bytes across processes; and the
    floors (a new Python, a new Python importing ReportLab's canvas) in the same rounds."""
    ours, theirs, ratios = [], [], []
    ours_files, typst_files = [], []
    floors: dict[str, list[tuple[float, float]]] = {name: [] for name in FLOORS}
    for r in range(rounds):
        a_out, b_out = tmp / f"cold-ours-{r}.pdf", tmp / f"cold-typst-{r}.pdf"
        a = run_rusage(ours_generate(a_out))
        b = run_rusage(typst_oneshot(main, b_out))
        for name, code in FLOORS.items():
            floors[name].append((run([PY, "-c", code]).seconds, b.seconds))
        ours.append(a)
        theirs.append(b)
        ratios.append(a.seconds / b.seconds)
        ours_files.append(a_out)
        typst_files.append(b_out)
    floor_figures = {}
    for name, pairs in floors.items():
        floor_figures[f"floor_{name}_s"] = statistics.median(s for s, _ in pairs)
        floor_figures[f"floor_{name}_ratio"] = statistics.median(s / t for s, t in pairs)
    return {**floor_figures,
        "cold_s": statistics.median(x.seconds for x in ours),
        "cold_typst_s": statistics.median(x.seconds for x in theirs),
        "cold_ratio": statistics.median(ratios),
        "cold_all_s": [round(x.seconds, 3) for x in ours],
        "cold_typst_all_s": [round(x.seconds, 3) for x in theirs],
        "peak_mb": statistics.median(x.peak_mb for x in ours),
        "peak_typst_mb": statistics.median(x.peak_mb for x in theirs),
        "size_kb": ours_files[0].stat().st_size / 1024,
        "size_typst_kb": typst_files[0].stat().st_size / 1024,
        "identical_cold": len({sha(p) for p in ours_files}) == 1,
        "identical_cold_typst": len({sha(p) for p in typst_files}) == 1,
    }


_IMPORT = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")


def importtime(tmp: Path, top: int = 15) -> dict:
    """(e) `python -X importtime -m handouts generate`: top imports by cumulative time."""
    result = run(ours_generate(tmp / "importtime.pdf", importtime=True))
    rows = [(m.group(4), int(m.group(1)), int(m.group(2)), len(m.group(3)) // 2)
            for m in map(_IMPORT.match, result.stderr.splitlines()) if m]
    by_cumulative = sorted(rows, key=lambda r: -r[2])[:top]
    packages: dict[str, int] = {}
    for name, self_us, _, _ in rows:
        root = name.split(".")[0]
        packages[root] = packages.get(root, 0) + self_us
    return {
        "wall_s": result.seconds,
        "imports_ms": sum(r[1] for r in rows) / 1000,
        "top": [{"module": n, "self_ms": s / 1000, "cumulative_ms": c / 1000, "depth": d}
                for n, s, c, d in by_cumulative],
        "by_package_ms": {k: v / 1000 for k, v in sorted(packages.items(), key=lambda kv: -kv[1])
                          [:top]},
    }


def make_clinics(root: Path, count: int) -> None:
    """`count` English-only copies of harbour-physio, each its own name and colour (2 handouts
    each: the clinic version and sam-taylor's)."""
    base = EXAMPLES / "harbour-physio"
    text = (base / "clinic.toml").read_text(encoding="utf-8")
    text = re.sub(r"(?m)^languages = .*$", 'languages = ["en"]', text)
    for i in range(count):
        folder = root / f"clinic-{i:04d}"
        folder.mkdir(parents=True)
        shutil.copyfile(base / "logo.png", folder / "logo.png")
        # the clinic's name only (the first `name =`): its team keeps theirs, as in the peer
        mine = re.sub(r'(?m)^name = .*$', f'name = "Benchmark Clinic {i} (sample)"', text,
                      count=1)
        mine = re.sub(r'(?m)^primary = "[^"]*"', f'primary = "{COLOURS[i % 8]}"', mine)
        (folder / "clinic.toml").write_text(mine, encoding="utf-8")


def ours_batch(tmp: Path, clinics: int, jobs: int, tag: str) -> tuple[int, Run]:
    """`handouts batch` over `clinics` clinics (2 handouts each): (built, run)."""
    src, out = tmp / f"clinics-{clinics}", tmp / f"out-ours-{tag}"
    if not src.exists():
        make_clinics(src, clinics)
    shutil.rmtree(out, ignore_errors=True)
    result = run_rusage([PY, "-m", "handouts", "batch", str(src), "--out", str(out), "--jobs",
                         str(jobs), "--lang", "en", "--paper", "letter", "--date", DATE,
                         "--quiet", "--force"])
    rows = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["jobs"]
    shutil.rmtree(out, ignore_errors=True)
    return sum(1 for r in rows if r["status"] == "built"), result


def typst_batch(tmp: Path, main: Path, count: int, jobs: int, tag: str) -> tuple[int, Run]:
    """A pool of `jobs` processes compiling `count` Typst documents: (built, run)."""
    out = tmp / f"out-typst-{tag}"
    shutil.rmtree(out, ignore_errors=True)
    result = run_rusage([PY, str(BENCH / "typst_batch.py"), str(main), str(FONTS), str(count),
                         str(jobs), str(out)])
    built = len(list(out.glob("*.pdf")))
    shutil.rmtree(out, ignore_errors=True)
    return built, result


def batch(tmp: Path, main: Path, clinics: int, jobs: int, rounds: int) -> dict:
    """(b) batch throughput on `jobs` workers, interleaved rounds, whole processes timed."""
    ours, theirs, ratios = [], [], []
    for r in range(rounds):
        n, a = ours_batch(tmp, clinics, jobs, f"b{r}")
        m, b = typst_batch(tmp, main, n, jobs, f"b{r}")
        ours.append(n / a.seconds)
        theirs.append(m / b.seconds)
        ratios.append(ours[-1] / theirs[-1])
    return {"batch_handouts": n, "batch_jobs": jobs, "batch_per_s": statistics.median(ours),
            "batch_typst_per_s": statistics.median(theirs),
            "batch_ratio": statistics.median(ratios),
            "batch_all_per_s": [round(x, 1) for x in ours],
            "batch_typst_all_per_s": [round(x, 1) for x in theirs]}


def scaling(tmp: Path, main: Path, sizes: list[int], jobs: int) -> list[dict]:
    """(f) batches of growing size: time and the batch parent's peak memory, ours and Typst's."""
    rows: list[dict] = []
    for clinics in sizes:
        done = [row for row in rows if "ours_s" in row]
        if done and done[-1]["ours_s"] * 2 * clinics / done[-1]["handouts"] > LONGEST_BATCH_S:
            rows.append({"handouts": 2 * clinics, "skipped": f"would take over "
                                                            f"{LONGEST_BATCH_S:.0f} s"})
            continue
        n, a = ours_batch(tmp, clinics, jobs, f"s{clinics}")
        m, b = typst_batch(tmp, main, n, jobs, f"s{clinics}")
        rows.append({"handouts": n, "ours_s": a.seconds, "ours_parent_mb": a.peak_mb,
                     "typst_s": b.seconds, "typst_parent_mb": b.peak_mb,
                     "ratio": a.seconds / b.seconds})
        shutil.rmtree(tmp / f"clinics-{clinics}", ignore_errors=True)
    return rows


def prepare_peer(tmp: Path) -> Path:
    """Write the Typst peer (main.typ, logo, QR) in a child process; return main.typ."""
    folder = tmp / "typst-peer"
    run([PY, str(BENCH / "typst_peer.py"), str(folder)])
    return folder / "main.typ"
