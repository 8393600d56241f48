"""CLI: parse arguments, call one library function, turn HandoutError into `Error: …`."""

from __future__ import annotations

import datetime as dt
import functools
import os
import sys
from typing import Any, Callable

import click

from . import __version__
from .editions import EDITIONS
from .errors import HandoutError



DEBUG_ENV = "HANDOUTS_DEBUG"


def _debugging() -> bool:
    ctx = click.get_current_context(silent=True)
    root = ctx.find_root() if ctx else None
    return bool(root and (root.obj or {}).get("debug")) or os.environ.get(DEBUG_ENV) == "1"


def reports_errors(func: Callable) -> Callable:
    """Turn every exception into one `Error: …` line and exit 1; never a traceback by default."""
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from .failures import explain

        try:
            return func(*args, **kwargs)
        except (SystemExit, click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except HandoutError as err:
            lines = err.lines()
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            raise SystemExit(130) from None
        except BaseException as err:  # noqa: BLE001 - the boundary: nothing escapes as a traceback
            known = explain(err)
            if known is None and _debugging():
                import traceback

                traceback.print_exc(file=sys.stderr)
            lines = [known or f"internal error, please report ({type(err).__name__}); "
                              f"rerun with --debug or {DEBUG_ENV}=1 for details"]
        for line in lines:
            click.echo(f"Error: {line}", err=True)
        raise SystemExit(1) from None
    return wrapper


def _date(_ctx: Any, _param: Any, value: str | None) -> str:
    if value is None:
        return dt.date.today().isoformat()
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2026-11-25") from None


def _complete(kind: str) -> Callable:
    """Return a shell-completion callback (practitioner ids or language codes) loaded lazily."""
    def complete(ctx: Any, param: Any, incomplete: str) -> list:
        from .setup_commands import complete_language, complete_practitioner

        chosen = complete_practitioner if kind == "practitioner" else complete_language
        return chosen(ctx, param, incomplete)
    return complete


def _patient(_ctx: Any, _param: Any, value: str | None) -> str | None:
    """Refuse a --for name that cannot be printed as typed: controls, bidi overrides, zero-width
    marks, over 80 characters; blank is None (a line to write the name on)."""
    from .errors import SelectionError
    from .patient import patient_name

    try:
        return patient_name(value)
    except SelectionError as err:
        raise click.BadParameter(str(err).removeprefix("--for: ")) from None


PASSWORD_ENV = "HANDOUTS_PDF_PASSWORD"


def _password(_ctx: Any, _param: Any, value: str | None) -> str | None:
    """Refuse an empty or all-space password, also one set as an empty environment variable
    (which Click takes for unset: the PDF went out unencrypted without a word)."""
    if value is None and os.environ.get(PASSWORD_ENV) == "":
        raise click.BadParameter(f"{PASSWORD_ENV} is set but empty: give the password, or unset "
                                 "it for an unencrypted PDF")
    if value is not None and not value.strip():
        raise click.BadParameter("the password must not be empty or only spaces (leave out "
                                 "--password for an unencrypted PDF)")
    return value


def selection_options(func: Callable) -> Callable:
    """Options that pick one handout: clinic, practitioner, handout, language, paper, date."""
    options = [
        click.option("--clinic", "clinic_dir", required=True, metavar="DIR",
                     envvar="HANDOUTS_CLINIC", show_envvar=True,
                     type=click.Path(file_okay=False), help="Clinic folder (holds clinic.toml)."),
        click.option("--practitioner", metavar="ID", shell_complete=_complete("practitioner"),
                     help="Practitioner id; omit for the clinic version naming everyone "
                          "authorised for needling."),
        click.option("--handout", default="ims-vs-acupuncture", show_default=True, metavar="ID"),
        click.option("--lang", metavar="CODE", shell_complete=_complete("language"),
                     help="Language (default: the clinic's first)."),
        click.option("--paper", type=click.Choice(["letter", "a4"]),
                     help="Paper size (default: the clinic's)."),
        click.option("--for", "patient", metavar="NAME", callback=_patient,
                     help="Patient name printed in the 'Prepared for' box (page only)."),
        click.option("--date", callback=_date, metavar="YYYY-MM-DD",
                     help="Date printed and stored in the PDF (default: today)."),
        click.option("--edition", type=click.Choice(EDITIONS), default="standard",
                     show_default=True,
                     help="large-print: 18 pt, one column, as many pages as it needs."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


class _Commands(click.Group):
    """The command group; `check`, `schema` and `init` are imported when first asked for (they
    live in setup_commands.py, which `generate` and `batch` never need: a faster cold start)."""

    LAZY = ("check", "schema", "init")

    def list_commands(self, ctx: click.Context) -> list[str]:
        from . import setup_commands  # noqa: F401 - importing registers the commands

        return super().list_commands(ctx)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.LAZY:
            from . import setup_commands  # noqa: F401

        return super().get_command(ctx, name)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="handouts")
@click.option("--debug", is_flag=True, envvar=DEBUG_ENV,
              help=f"Show the traceback of an internal error (or set {DEBUG_ENV}=1).")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Clinic-branded patient handouts as PDFs.

    \b
    Examples:
      handouts generate --clinic examples/clinics/harbour-physio -o out/
      handouts print --clinic examples/clinics/harbour-physio --for "Alex Doe"
      handouts email --clinic examples/clinics/harbour-physio --practitioner sam-taylor \\
          --to patient@example.com
      handouts batch examples/clinics --out out
      handouts serve --clinic examples/clinics --open
    """
    ctx.obj = {"debug": debug}


@main.command()
@selection_options
@click.option("-o", "--output", metavar="FILE|DIR|-",
              help="Where to write: a .pdf file, a folder, or - for stdout "
                   "(default: ./<clinic>-<handout>-<practitioner|clinic>-<lang>-<paper>.pdf).")
@click.option("--password", envvar=PASSWORD_ENV, metavar="TEXT", callback=_password,
              help=f"Encrypt the PDF with AES-256 (or set {PASSWORD_ENV}).")
@click.option("--archive", is_flag=True,
              help="PDF/A-2b for the archive (also PDF/UA-1; cannot be encrypted).")
@reports_errors
def generate(output: str | None, password: str | None, archive: bool, **selection: Any) -> None:
    """Write one handout PDF.

    \b
    Examples:
      handouts generate --clinic examples/clinics/harbour-physio
      handouts generate --clinic examples/clinics/harbour-physio --practitioner sam-taylor \\
          --for "Alex Doe" -o handout.pdf
      handouts generate --clinic examples/clinics/harbour-physio --paper a4 -o - | lp
      handouts generate --clinic examples/clinics/harbour-physio --edition large-print
      handouts generate --clinic examples/clinics/harbour-physio --archive -o archive/
    """
    from .jobs import HandoutJob
    from .service import generate as run

    written = run(HandoutJob(**selection, archive=archive), output, password)
    for line in written.warnings:
        click.echo(f"Warning: {line}", err=True)
    if written.path is not None:
        locked = ", AES-256 encrypted" if password is not None else ""
        click.echo(f"Wrote {written.path} ({written.size // 1024} KB{locked})", err=True)
    if written.pages > 2 and selection.get("edition") == "standard":
        why = ("it names every practitioner; --practitioner ID gives a two-page version"
               if not selection.get("practitioner") else "shorten the practitioner's credentials")
        click.echo(f"Note: this handout runs to {written.pages} pages ({why})", err=True)


@main.command("list")
@click.option("--clinic", "clinic_dir", required=True, metavar="DIR", envvar="HANDOUTS_CLINIC",
              show_envvar=True,
              type=click.Path(file_okay=False), help="Clinic folder (holds clinic.toml).")
@reports_errors
def list_(clinic_dir: str) -> None:
    """Show the handouts, languages and practitioner ids available to a clinic.

    \b
    Example:
      handouts list --clinic examples/clinics/harbour-physio
    """
    from .service import describe

    for line in describe(clinic_dir):
        click.echo(line)


@main.command()
@click.argument("clinics", nargs=-1, required=True, metavar="CLINIC_DIR_OR_PARENT...")
@click.option("--out", "out_dir", required=True, metavar="DIR", help="Output folder.")
@click.option("--jobs", "-j", type=click.IntRange(1, 64), help="Worker processes (default: CPUs).")
@click.option("--handout", "handouts", multiple=True, metavar="ID", help="Only these handouts.")
@click.option("--lang", "langs", multiple=True, metavar="CODE", help="Only these languages.")
@click.option("--paper", "papers", multiple=True, type=click.Choice(["letter", "a4"]),
              help="These paper sizes (default: each clinic's own).")
@click.option("--date", callback=_date, metavar="YYYY-MM-DD", help="Date stored in the PDFs.")
@click.option("--edition", "editions", multiple=True, type=click.Choice(EDITIONS),
              help="These editions (default: standard; repeatable).")
@click.option("--archive", is_flag=True, help="PDF/A-2b files for the archive (also PDF/UA-1).")
@click.option("--force", is_flag=True, help="Rebuild everything, even unchanged handouts.")
@click.option("--quiet", "-q", is_flag=True, help="Print only errors and the summary.")
@reports_errors
def batch(clinics: tuple[str, ...], out_dir: str, jobs: int | None, handouts: tuple[str, ...],
          langs: tuple[str, ...], papers: tuple[str, ...], date: str, editions: tuple[str, ...],
          archive: bool, force: bool, quiet: bool) -> None:
    """Build every handout of one or more clinics (a clinic folder or a folder of them).

    \b
    Output: DIR/<clinic>/<handout>/<lang>/<practitioner|clinic>-<paper>[-large-print].pdf,
    plus DIR/manifest.json and DIR/manifest.csv. Unchanged handouts are skipped.
    \b
    Examples:
      handouts batch examples/clinics --out out
      handouts batch clinics/ --out build --lang en --paper letter --paper a4 --jobs 2
      handouts batch clinics/ --out archive --edition standard --edition large-print --archive
    """
    from .batch import run_batch
    from .progress import make_progress, print_summary

    progress, close = make_progress(quiet)
    try:
        summary = run_batch(list(clinics), out_dir, date, jobs, handouts, langs, papers, force,
                            progress, editions, archive)
    finally:
        close()
    print_summary(summary)
    if summary.interrupted:
        raise SystemExit(130)
    if not summary.ok:
        raise SystemExit(1)


@main.command("print")
@selection_options
@click.option("--printer", metavar="NAME", help="CUPS printer (default: the system default).")
@click.option("--copies", type=click.IntRange(1, 50), default=1, show_default=True)
@click.option("--duplex/--simplex", default=True, show_default=True,
              help="Print on both sides of the sheet, or on one.")
@reports_errors
def print_(printer: str | None, copies: int, duplex: bool, **selection: Any) -> None:
    """Print a handout now, through CUPS (lp), on paper of the handout's size.

    \b
    Examples:
      handouts print --clinic examples/clinics/harbour-physio --for "Alex Doe"
      handouts print --clinic clinics/main-st --practitioner sam-taylor --printer front-desk \\
          --copies 2 --simplex
    """
    from .jobs import HandoutJob
    from .service import print_handout

    job_id = print_handout(HandoutJob(**selection), printer, copies, duplex)
    click.echo(f"Sent to the printer: CUPS job {job_id}")


@main.command()
@selection_options
@click.option("--to", "to", required=True, metavar="ADDRESS", help="The patient's e-mail address.")
@click.option("--send", is_flag=True, help="Send it now over the clinic's [smtp] server "
                                           "(user and password from HANDOUTS_SMTP_USER / "
                                           "HANDOUTS_SMTP_PASSWORD).")
@click.option("-o", "--output", metavar="FILE|DIR|-",
              help="Where to write the .eml draft: a .eml file, a folder, or - for stdout "
                   "(default: ./<handout>-<practitioner>.eml).")
@click.option("--password", envvar=PASSWORD_ENV, metavar="TEXT", callback=_password,
              help=f"Encrypt the attached PDF with AES-256 (or set {PASSWORD_ENV}).")
@reports_errors
def email(to: str, send: bool, output: str | None, password: str | None, **selection: Any) -> None:
    """E-mail a handout: write a ready-to-send .eml draft, or send it with --send.

    \b
    Examples:
      handouts email --clinic examples/clinics/harbour-physio --practitioner sam-taylor \\
          --to patient@example.com
      handouts email --clinic clinics/main-st --practitioner sam-taylor --to a@example.com --send
    """
    from .jobs import HandoutJob
    from .service import email_handout

    path = email_handout(HandoutJob(**selection), to, send, output, password)
    if send:
        click.echo("Sent.")
    elif path is not None:  # None: the draft went to standard output
        click.echo(f"Wrote {path} (open it in your mail program to send)", err=True)


@main.command()
@click.option("--clinic", "clinic_dir", required=True, envvar="HANDOUTS_CLINIC",
              metavar="DIR", type=click.Path(file_okay=False),
              help="A clinic folder, or a folder of clinic folders (or set HANDOUTS_CLINIC).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; any other than this machine needs a token.")
@click.option("--port", type=click.IntRange(1, 65535), default=8750, show_default=True)
@click.option("--open", "open_browser", is_flag=True, help="Open the page in the browser.")
@click.option("--printer", "printers", multiple=True, metavar="NAME",
              help="CUPS printer for 'Print on the desk printer' (repeatable).")
@click.option("--token", envvar="HANDOUTS_TOKEN", metavar="TEXT",
              help="Access token required on every request (generated when --host is not local).")
@reports_errors
def serve(**options: Any) -> None:
    """Run the front desk: a local web page to pick, preview and print a handout.

    \b
    Needs the serve extra: pip install "handouts[serve]".
    Examples:
      handouts serve --clinic examples/clinics --open
      handouts serve --clinic clinics/ --printer front-desk
    """
    from .web.server import serve as run  # the web stack loads only for this command

    run(**options)


# Commands that set a clinic up (init, check, schema) live in setup_commands.py; importing it
# registers them on `main` (done on demand by _Commands). It also holds the shell-completion
# callbacks used above.
