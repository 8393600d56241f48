"""Benchmark harness: warm and cold generation time, batch throughput, peak memory, file size.

Run with `./dev bench` (never by the tests). Prints a table and writes benchmarks/results.json.
"""

from __future__ import annotations

import json
import re
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
EXAMPLES = ROOT / "examples" / "clinics"
DATE = "2026-11-25"
GOALS = {"warm_ms": ("≤", 20.0), "batch_per_s": ("≥", 120.0), "cold_s": ("≤", 0.30),
         "peak_mb": ("≤", 80.0), "size_kb": ("≤", 30.0)}
COLOURS = ["#0B6E4F", "#8FD3E8", "#7A3B69", "#1F4E79", "#C0392B", "#F2C14E", "#2E7D32", "#6A1B9A"]


def make_clinics(root: Path, count: int, bases: tuple[str, ...]) -> list[Path]:
    """Copy the sample clinics `count` times with a different name, colour and id each."""
    folders = []
    for i in range(count):
        base = EXAMPLES / bases[i % len(bases)]
        folder = root / f"clinic-{i:04d}"
        shutil.copytree(base, folder)
        toml = folder / "clinic.toml"
        text = toml.read_text(encoding="utf-8")
        name_line = next(line for line in text.splitlines() if line.startswith("name = "))
        colour_line = next(line for line in text.splitlines() if line.startswith("primary = "))
        text = text.replace(name_line, f'name = "Benchmark Clinic {i} (sample)"')
        # the project's English handout, with logo, QR code and embedded fonts
        text = re.sub(r"(?m)^languages = .*$", 'languages = ["en"]', text)
        text = re.sub(r"(?m)^letterhead = .*$", "", text)
        text = text.replace(colour_line, f'primary = "{COLOURS[i % len(COLOURS)]}"')
        toml.write_text(text, encoding="utf-8")
        folders.append(folder)
    return folders


def bench_warm(root: Path, n: int = 60) -> dict:
    """Median in-process time per handout, each handout for a different clinic."""
    from handouts.config import load_clinic
    from handouts.jobs import HandoutJob, build_handout

    clinics = make_clinics(root / "warm", n + 1, ("harbour-physio",))
    build_handout(HandoutJob(str(clinics[0]), date=DATE))  # first run: imports, font registration
    times, sizes = [], []
    for folder in clinics[1:]:
        start = time.perf_counter()
        pdf = build_handout(HandoutJob(str(folder), date=DATE), load_clinic(folder))
        times.append(time.perf_counter() - start)
        sizes.append(len(pdf))
    return {"warm_ms": statistics.median(times) * 1000, "size_kb": statistics.median(sizes) / 1024,
            "size_kb_max": max(sizes) / 1024,
            "warm_process_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def _run(args: list[str]) -> tuple[float, float, int]:
    """Run a command; return (seconds, peak RSS MB of that process, exit code)."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed: {proc.stderr.read().decode()}")
    return elapsed, usage.ru_maxrss / 1024, proc.returncode


def bench_cold(root: Path, runs: int = 7) -> dict:
    """One `handouts generate` in a new process (median of several), and its peak memory."""
    out = root / "cold.pdf"
    args = [sys.executable, "generate.py", "generate", "--clinic",
            str(EXAMPLES / "harbour-physio"), "--date", DATE, "-o", str(out)]
    results = [_run(args) for _ in range(runs)]
    return {"cold_s": statistics.median(r[0] for r in results),
            "peak_mb": max(r[1] for r in results)}


def bench_batch(root: Path, jobs: int = 2) -> dict:
    """500 handouts with `handouts batch` on `jobs` workers: handouts per second."""
    clinics = root / "batch"
    clinics.mkdir()
    make_clinics(clinics, 125, ("harbour-physio",))  # 2 jobs (clinic, practitioner) × 2 papers each
    out = root / "batch-out"
    args = [sys.executable, "generate.py", "batch", str(clinics), "--out", str(out), "--jobs",
            str(jobs), "--paper", "letter", "--paper", "a4", "--date", DATE, "--quiet", "--force"]
    elapsed, peak, _ = _run(args)
    rows = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["jobs"]
    built = sum(1 for r in rows if r["status"] == "built")
    return {"batch_handouts": built, "batch_s": elapsed, "batch_per_s": built / elapsed,
            "batch_parent_peak_mb": peak}


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        # Subprocesses first: a child's peak-RSS figure starts from the parent's size at fork.
        results = {**bench_cold(root), **bench_batch(root), **bench_warm(root)}
    results["machine"] = f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    rows = [("warm time per handout (median of 60, one clinic each)", "warm_ms", "ms"),
            ("batch of 500 handouts, --jobs 2", "batch_per_s", "handouts/s"),
            ("cold `handouts generate` in a new process (median of 7)", "cold_s", "s"),
            ("peak memory of one generate process", "peak_mb", "MB"),
            ("file size (median; largest %.1f KB)" % results["size_kb_max"], "size_kb", "KB")]
    print(f"{'measure':58} {'value':>10}  {'goal':>10}  ok")
    for label, key, unit in rows:
        sign, goal = GOALS[key]
        value = results[key]
        ok = value <= goal if sign == "≤" else value >= goal
        print(f"{label:58} {value:10.2f}  {sign}{goal:>8} {unit:<10} {'yes' if ok else 'NO'}")
    print(f"(batch parent process peak {results['batch_parent_peak_mb']:.1f} MB; "
          f"warm benchmark process peak {results['warm_process_peak_mb']:.1f} MB; {results['machine']})")
    target = ROOT / "benchmarks" / "results.json"
    target.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
