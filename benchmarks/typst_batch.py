"""Typst's side of the batch: N documents on a pool of worker processes, each PDF written to disk.

Usage: python typst_batch.py MAIN.typ FONTS N JOBS OUT_DIR. Imports only typst and the standard
library, like a Typst user's own batch script. Each document gets its own clinic name and colour
(sys.inputs), as our batch gets a different clinic per pair of handouts.
"""

from __future__ import annotations

import multiprocessing
import sys
from pathlib import Path

COLOURS = ["#0B6E4F", "#8FD3E8", "#7A3B69", "#1F4E79", "#C0392B", "#F2C14E", "#2E7D32", "#6A1B9A"]


def _compile(args: tuple[str, str, int, str]) -> int:
    import typst

    main, fonts, i, out = args
    inputs = {"name": f"Benchmark Clinic {i // 2} (sample)", "primary": COLOURS[i // 2 % 8]}
    pdf = typst.compile(main, font_paths=[fonts], ignore_system_fonts=True, sys_inputs=inputs)
    Path(out, f"{i:05d}.pdf").write_bytes(pdf)
    return len(pdf)


def main() -> None:
    import typst  # noqa: F401 - imported once before the fork, as our batch does

    main_typ, fonts, count, jobs, out = sys.argv[1:6]
    Path(out).mkdir(parents=True, exist_ok=True)
    work = [(main_typ, fonts, i, out) for i in range(int(count))]
    with multiprocessing.get_context("fork").Pool(int(jobs)) as pool:
        sizes = pool.map(_compile, work, chunksize=1)
    print(len(sizes))


if __name__ == "__main__":
    main()
