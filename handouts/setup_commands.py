"""Commands that set a clinic up: init, check, schema (Click only; the work is in the library)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click
from click.shell_completion import CompletionItem

from .cli import main, reports_errors


def complete_practitioner(ctx: click.Context, _param: Any, incomplete: str) -> list[Any]:
    """Complete the id of a practitioner the handout can name (--clinic or HANDOUTS_CLINIC)."""
    from .team import names_needling

    clinic = _clinic_for_completion(ctx)
    ids = [p.id for p in clinic.practitioners if names_needling(p)] if clinic else []
    return [CompletionItem(i) for i in ids if i.startswith(incomplete)]


def complete_language(ctx: click.Context, _param: Any, incomplete: str) -> list[Any]:
    """Complete a language code the clinic offers (every shipped one without a clinic)."""
    clinic = _clinic_for_completion(ctx)
    if clinic is not None:
        langs = list(clinic.languages)
    else:
        from .templating import available

        langs = sorted({lang for found in available(None).values() for lang in found})
    return [CompletionItem(x) for x in langs if x.startswith(incomplete)]


def _clinic_for_completion(ctx: click.Context) -> Any:
    folder = ctx.params.get("clinic_dir") or os.environ.get("HANDOUTS_CLINIC")
    if not folder:
        return None
    from .config import read_clinic
    from .errors import HandoutError

    try:
        return read_clinic(folder)[0]
    except HandoutError:
        return None  # completion must never print an error


@main.command()
@click.argument("clinics", nargs=-1, required=True, metavar="CLINIC_DIR...",
                type=click.Path(file_okay=False))
@click.option("--strict", is_flag=True, help="Treat warnings (e.g. an unexplained credential) "
                                             "as errors.")
@click.option("--no-render", "quick", is_flag=True,
              help="Skip laying out each practitioner version in memory (faster).")
def check(clinics: tuple[str, ...], strict: bool, quick: bool) -> None:
    """Check clinic folders as a render would, listing every problem at once.

    Exit code 0 when clean, 1 when any clinic has an error (or a warning, with --strict).

    \b
    Examples:
      handouts check examples/clinics/harbour-physio
      handouts check clinics/* --strict
    """
    from .inspection import check_clinic

    failed = False
    for folder in clinics:
        report = check_clinic(folder, render=not quick)
        for line in report.errors:
            click.echo(f"Error: {line}", err=True)
        for line in report.warnings:
            click.echo(f"{'Error' if strict else 'Warning'}: {line}", err=True)
        for line in report.notes:
            click.echo(f"Note: {line}", err=True)
        click.echo(("OK " if report.ok(strict) else "FAILED ") + report.summary())
        failed |= not report.ok(strict)
    if failed:
        raise SystemExit(1)


@main.command()
def schema() -> None:
    """Print the JSON Schema of clinic.toml (for editors: see `#:schema` in the README).

    \b
    Example:
      handouts schema > clinic.schema.json
    """
    from .schema import schema_text

    click.echo(schema_text(), nl=False)


def _professions() -> list[str]:
    from .professions import professions

    return list(professions())


@main.command()
@click.argument("folder", type=click.Path(file_okay=False))
@click.option("--name", help="Clinic name.")
@click.option("--address", multiple=True, help="Address line (repeat for each line, 1–4).")
@click.option("--phone", help="Phone number.")
@click.option("--email", default="", help="E-mail address (optional).")
@click.option("--website", default="", help="Website, https:// (optional).")
@click.option("--booking-url", default="", help="Online booking link, https:// (optional).")
@click.option("--paper", type=click.Choice(["letter", "a4"]), default="letter", show_default=True)
@click.option("--colour", "--color", "colour", default="#0B6E4F", show_default=True,
              help="Brand colour, #RRGGBB.")
@click.option("--logo", default="", help="A PNG or JPEG logo (copied into the folder).")
@click.option("--lang", "languages", multiple=True, help="Language to offer (repeat; default en).")
@click.option("--practitioner", "practitioner_name", help="The first practitioner's name.")
@click.option("--profession", type=click.Choice(_professions()), default="physiotherapist",
              show_default=True)
@click.option("--title", default="", help="Their protected title (default: the profession's).")
@click.option("--registration", default="", help="Their registration number (optional).")
@click.option("--needling/--no-needling", default=True, show_default=True,
              help="A physiotherapist: holds the College's authorization to use needles.")
@click.option("--yes", "-y", is_flag=True, help="Ask nothing: take the flags (for scripts).")
@click.option("--force", is_flag=True, help="Replace an existing clinic.toml.")
@reports_errors
def init(folder: str, yes: bool, force: bool, **values: Any) -> None:
    """Start a clinic folder: ask a few questions and write a clinic.toml that passes check.

    \b
    Examples:
      handouts init clinics/main-st
      handouts init clinics/main-st --yes --name "Main St Physio" --address "1 Main St" \\
          --address "Vancouver, BC" --phone 604-555-0100 --practitioner "Sam Taylor"
    """
    from .scaffold import init_clinic

    answers = _ask(values, yes)
    path = init_clinic(folder, answers, force)
    click.echo(f"Wrote {path}")
    import shlex

    click.echo(f"Next: handouts generate --clinic {shlex.quote(str(Path(folder)))} -o out/")


def _ask(values: dict[str, Any], yes: bool) -> Any:
    """Fill in what the flags left out: prompts, or an error listing the missing flags."""
    from .errors import SelectionError
    from .scaffold import Answers

    required = {"name": "Clinic name", "address": "Address (lines separated by ;)",
                "phone": "Phone", "practitioner_name": "First practitioner's name"}
    if yes:
        missing = [f"--{k.replace('_name', '').replace('_', '-')}" for k in required
                   if not values.get(k)]
        if missing:
            raise SelectionError(f"init --yes needs {', '.join(missing)}")
    else:
        for key, prompt in required.items():
            if not values.get(key):
                answer = click.prompt(prompt)
                values[key] = [s.strip() for s in answer.split(";") if s.strip()] \
                    if key == "address" else answer
        for key, prompt in (("email", "E-mail (optional)"), ("website", "Website (optional)"),
                            ("booking_url", "Booking link (optional)"),
                            ("logo", "Logo file (optional)")):
            if not values.get(key):
                values[key] = click.prompt(prompt, default="", show_default=False)
    return Answers(name=values["name"], address=list(values["address"]), phone=values["phone"],
                   email=values["email"], website=values["website"],
                   booking_url=values["booking_url"], paper=values["paper"],
                   primary=values["colour"], logo=values["logo"],
                   practitioner_name=values["practitioner_name"],
                   profession=values["profession"], title=values["title"],
                   registration=values["registration"], needling=values["needling"],
                   languages=tuple(values["languages"]) or ("en",))
