"""Benchmark against a Typst peer: every figure as a ratio to Typst measured in the same run.

Run with `./dev bench` (never by the tests; needs the dev-only `bench` extra:
`pip install -e ".[bench]"`). `--quick` for a short run. Prints tables and writes
benchmarks/results.json. Our side and Typst's alternate (A B A B …); medians of several rounds.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import measure  # noqa: E402

ROOT = measure.ROOT
sys.path.insert(0, str(ROOT))
# (key, ratio key, label, unit, goal on the ratio or the value)
GOALS = {"batch_ratio": ("≥", 1.5), "warm_ratio": ("≤", 0.67), "cold_ratio": ("≤", 1.0),
         "peak_mb": ("≤", 80.0), "size_kb": ("≤", 30.0)}


def machine() -> dict:
    """What the figures were measured on: CPUs, model, load at start, versions."""
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        from importlib.metadata import version
        typst_version, rl_version = version("typst"), version("reportlab")
    except Exception:  # noqa: BLE001 - only a label
        typst_version = rl_version = "?"
    return {"nproc": os.cpu_count(), "cpu": model, "load_at_start": list(os.getloadavg()),
            "python": platform.python_version(), "typst": typst_version,
            "reportlab": rl_version, "date": time.strftime("%Y-%m-%d %H:%M:%S %Z")}


def check_typst() -> None:
    try:
        import typst  # noqa: F401
    except ImportError:
        raise SystemExit("the Typst peer needs the typst package: "
                         '.venv/bin/pip install -e ".[bench]"') from None


def measure_all(quick: bool, tmp: Path) -> dict:
    """Subprocess figures first (a big parent would inflate its children's peak RSS, which
    counts the parent's pages until exec), then the in-process ones."""
    rounds = 3 if quick else 7
    res: dict = {}
    step = lambda what: print(f"… {what}", file=sys.stderr, flush=True)  # noqa: E731
    main = measure.prepare_peer(tmp)
    step("cold start, peak memory, file size")
    res.update(measure.cold(tmp, main, rounds))
    step("import times")
    res["importtime"] = measure.importtime(tmp)
    step("batch on 2 workers")
    res.update(measure.batch(tmp, main, clinics=50 if quick else 100, jobs=2,
                             rounds=2 if quick else 3))
    step("scaling")
    res["scaling"] = measure.scaling(tmp, main, [1, 5, 50] if quick else [1, 5, 50, 500], jobs=2)
    import inprocess

    step("warm time per handout")
    res.update(inprocess.warm(main, rounds=rounds, per_round=5 if quick else 10))
    res.update(inprocess.warm_varied(main, tmp, rounds=rounds, per_round=5 if quick else 10))
    res.update(inprocess.identical(main))
    step("profile")
    res["profile"] = inprocess.profile(count=10 if quick else 30)
    return res


def verdict(key: str, value: float) -> str:
    sign, goal = GOALS[key]
    ok = value <= goal if sign == "≤" else value >= goal
    return f"{sign} {goal:g} {'yes' if ok else 'NO'}"


def report(res: dict) -> None:
    m = res["machine"]
    print(f"\nMachine: {m['nproc']} CPUs ({m['cpu']}), load at start "
          f"{' '.join(f'{x:.2f}' for x in m['load_at_start'])}, at end "
          f"{' '.join(f'{x:.2f}' for x in res['load_at_end'])}; Python {m['python']}, "
          f"ReportLab {m['reportlab']}, typst (PyPI) {m['typst']}; {m['date']}")
    print(f"\n{'measure':44} {'ours':>12} {'Typst':>12} {'ours/Typst':>11}  goal")
    rows = [
        ("(a) warm time per handout, one process", "warm_ms", "warm_typst_ms", "warm_ratio", "ms"),
        ("(a2) warm, a different clinic each time", "warm_varied_ms", "warm_varied_typst_ms",
         "warm_varied_ratio", "ms"),
        (f"(b) batch of {res['batch_handouts']}, {res['batch_jobs']} workers", "batch_per_s",
         "batch_typst_per_s", "batch_ratio", "/s"),
        ("(c) cold: one generate in a new process", "cold_s", "cold_typst_s", "cold_ratio", "s"),
        ("(d) peak memory of that process", "peak_mb", "peak_typst_mb", None, "MB"),
        ("(d) file size, English handout", "size_kb", "size_typst_kb", None, "KB"),
    ]
    for label, ours, theirs, ratio, unit in rows:
        r = res[ratio] if ratio else res[ours] / res[theirs]
        goal = verdict(ratio, r) if ratio in GOALS else \
            verdict(ours, res[ours]) if ours in GOALS else ""
        print(f"{label:44} {res[ours]:9.2f} {unit:<2} {res[theirs]:9.2f} {unit:<2} {r:10.2f}×  "
              f"{goal}")
        if ratio == "cold_ratio":
            print_floors(res)
    print(f"{'    Typst with one kept Compiler (warm)':44} {'':12} "
          f"{res['warm_typst_kept_compiler_ms']:9.2f} ms {res['warm_ratio_kept_compiler']:10.2f}×")
    if "warm_no_reuse_ms" in res:
        print(f"{'    ours without replay and kept measures':44} {res['warm_no_reuse_ms']:9.2f} ms "
              f"{'':12} {res['warm_no_reuse_ratio']:10.2f}×")
    print("(g) same bytes twice: ours in one process "
          f"{res['identical_in_process']}, across processes {res['identical_cold']}; Typst "
          f"{res['identical_in_process_typst']}, {res['identical_cold_typst']}")
    report_details(res)


def print_floors(res: dict) -> None:
    """The cold start's floors: what a new process takes before it does any of our work."""
    for key, label in (("python", "floor: a new Python, nothing imported"),
                       ("reportlab_canvas", "floor: new Python + ReportLab's canvas")):
        if f"floor_{key}_s" in res:
            print(f"{'    ' + label:44} {res[f'floor_{key}_s']:9.2f} s  {'':12} "
                  f"{res[f'floor_{key}_ratio']:10.2f}×")


def report_details(res: dict) -> None:
    """Print scaling, import times and the profile."""
    print("\n(f) scaling, 2 workers   handouts   ours s  parent MB   Typst s  parent MB  "
          "ours/Typst")
    for row in res["scaling"]:
        if "skipped" in row:
            print(f"{'':24}{row['handouts']:9d}  skipped: {row['skipped']}")
            continue
        print(f"{'':24}{row['handouts']:9d} {row['ours_s']:8.2f} {row['ours_parent_mb']:10.1f} "
              f"{row['typst_s']:9.2f} {row['typst_parent_mb']:10.1f} {row['ratio']:10.2f}×")
    imp = res["importtime"]
    print(f"\n(e) -X importtime of one generate: {imp['imports_ms']:.0f} ms of imports in a "
          f"{imp['wall_s']:.2f} s run; top 15 by cumulative time")
    for row in imp["top"]:
        print(f"    {'  ' * row['depth']}{row['module']:<{44 - 2 * row['depth']}} "
              f"{row['cumulative_ms']:7.1f} ms (self {row['self_ms']:.1f})")
    print("    by package (self time): " + ", ".join(
        f"{k} {v:.0f}" for k, v in list(imp["by_package_ms"].items())[:10]) + " ms")
    prof = res["profile"]
    print(f"\nProfile of one warm handout (cProfile, {prof['profiled_handouts']} builds, "
          f"{prof['profiled_ms_per_handout']:.1f} ms each under the profiler)")
    print(f"    {'stage (inclusive)':44} {'ms':>7} {'%':>6}")
    for row in prof["stages"]:
        print(f"    {row['stage']:44} {row['ms']:7.2f} {row['percent']:5.1f}%")
    print(f"    {'area (self time)':44} {'ms':>7} {'%':>6}")
    for row in prof["areas"]:
        print(f"    {row['area']:44} {row['ms']:7.2f} {row['percent']:5.1f}%")
    print(f"    {'(the rest)':44} {'':7} {prof['areas_rest_percent']:5.1f}%")
    print("    heaviest built-ins: " + "; ".join(
        f"{row['name']} {row['percent']:.1f}%" for row in prof["top_builtins"]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds, no batch of 1000")
    args = parser.parse_args()
    check_typst()
    started = time.perf_counter()
    res = {"machine": machine(), "quick": args.quick}
    with tempfile.TemporaryDirectory() as tmp:
        res.update(measure_all(args.quick, Path(tmp)))
    res["load_at_end"] = list(os.getloadavg())
    res["bench_s"] = time.perf_counter() - started
    report(res)
    target = ROOT / "benchmarks" / "results.json"
    target.write_text(json.dumps(res, indent=1) + "\n", encoding="utf-8")
    print(f"\nwrote {target.relative_to(ROOT)} ({res['bench_s']:.0f} s)")


if __name__ == "__main__":
    main()
