"""Progress: a bar on a terminal, one line per finished clinic otherwise, nothing when quiet."""

from __future__ import annotations

import sys
from collections import Counter
from typing import Any, Callable

import click

from .batch import Progress, Summary
from .manifest import Row


def make_progress(quiet: bool) -> tuple[Progress, Callable[[], None]]:
    """Return the callbacks for run_batch and a `close()` to call afterwards."""
    if quiet:
        return Progress(), lambda: None
    if sys.stderr.isatty():
        return _bar()
    totals: Counter = Counter()
    done: Counter = Counter()
    failed: Counter = Counter()

    def start(per_clinic: Counter) -> None:
        totals.update(per_clinic)

    def step(row: Row) -> None:
        done[row.clinic] += 1
        failed[row.clinic] += row.status == "failed"
        if done[row.clinic] == totals[row.clinic]:
            built = done[row.clinic] - failed[row.clinic]
            click.echo(f"{row.clinic}: {built} built, {failed[row.clinic]} failed", err=True)
    return Progress(start, step), lambda: None


def _bar() -> tuple[Progress, Callable[[], None]]:
    state: dict[str, Any] = {}

    def start(per_clinic: Counter) -> None:
        bar = click.progressbar(length=sum(per_clinic.values()), label="Building handouts",
                                file=sys.stderr)
        state["bar"] = bar.__enter__()

    def step(_row: Row) -> None:
        state["bar"].update(1)

    def close() -> None:
        if "bar" in state:
            state["bar"].__exit__(None, None, None)
    return Progress(start, step), close


def print_summary(summary: Summary) -> None:
    """Print each failure's one-line error, then the totals. The same error for several
    handouts of one clinic (a footer too long at 14 pt fails every large-print job) is printed
    once, with how many handouts it failed."""
    groups: dict[tuple[str, str], list[str]] = {}
    for what, error in summary.failed:
        groups.setdefault((what.split("/", 1)[0], error), []).append(what)
    for (clinic, error), failed in groups.items():
        if len(failed) == 1:
            click.echo(f"Error: {failed[0]}: {error}", err=True)
        else:
            click.echo(f"Error: {clinic}: {len(failed)} handouts ({failed[0]} and "
                       f"{len(failed) - 1} more): {error}", err=True)
    state = " (interrupted)" if summary.interrupted else ""
    click.echo(f"Batch{state}: {summary.built} built, {summary.unchanged} unchanged, "
               f"{summary.failed_count} failed", err=True)
