"""Command line: parse options, build ``Settings``, call the pipeline, pick a reporter, exit.

Stage: CLI. Imports no pandas at module level (``pmkscheck rules`` stays fast). Every error pmkscheck
raises on purpose becomes one sentence on stderr and exit status 2 -- in ``main()``, one place.
Set ``PMKSCHECK_DEBUG=1`` to see a traceback for an unexpected internal error.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from pmkscheck import __version__
from pmkscheck.errors import InputError, PmkscheckError, UsageError
from pmkscheck.settings import Settings

app = typer.Typer(
    name="pmkscheck",
    help="Periksa kualitas data PMKS/PPKS (Dinas Sosial Kalimantan Timur). "
         "Check PMKS/PPKS spreadsheets for completeness and consistency.",
    no_args_is_help=True,
    add_completion=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"pmkscheck {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool | None, typer.Option(
        "--version", callback=_version, is_eager=True, help="Show the version and exit.")] = None,
) -> None:
    """pmkscheck: PMKS data-quality checks."""


@app.command()
def validate(
    paths: Annotated[list[Path], typer.Argument(
        help="Files or folders (xlsx, xlsm, xls, ods, csv, tsv).", show_default=False)],
    schema: Annotated[str | None, typer.Option(
        help="Built-in schema name (pmks-individu, pmks-rekap) or a schema YAML file. "
             "Default: detected from the headers.")] = None,
    sheet: Annotated[str | None, typer.Option(
        help="Only this sheet. Default: every sheet holding a recognised table.")] = None,
    district: Annotated[str | None, typer.Option(
        help="Kemendagri kab/kota code, e.g. 6408. Default: inferred and reported.")] = None,
    format: Annotated[str, typer.Option(
        "--format", help="stdout format: text | json | github | junit.")] = "text",
    output_dir: Annotated[Path | None, typer.Option(
        "--output-dir", "-o", help="Folder for reports and cleaned files. "
        "Default: <file>_pmkscheck/ beside the input.")] = None,
    no_write: Annotated[bool, typer.Option(
        "--no-write", help="Write no files (CI).")] = False,
    fail_on: Annotated[str, typer.Option(
        help="Findings that make the exit status 1: error | warning | never.")] = "error",
    lang: Annotated[str | None, typer.Option(
        help="Message language: id | en. Default: id (or $PMKSCHECK_LANG).")] = None,
    mask: Annotated[str, typer.Option(
        help="How NIK / No. KK appear in reports: partial | full | none.")] = "partial",
    select: Annotated[list[str] | None, typer.Option(
        help="Only these codes or groups (repeatable, or comma-separated).")] = None,
    ignore: Annotated[list[str] | None, typer.Option(
        help="Skip these codes or groups (repeatable, or comma-separated).")] = None,
    age_preset: Annotated[str, typer.Option(
        help="Age bands per jenis: permensos-2012 | dinsos-kaltim-legacy.")] = "permensos-2012",
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress on stderr.")] = False,
) -> None:
    """Periksa berkas PMKS / check PMKS files; write reports and cleaned copies."""
    from pmkscheck.pipeline import check_paths
    from pmkscheck.report import reporters

    settings = Settings(
        schema=schema, sheet=sheet, district=district, format=format,
        output_dir=output_dir, write=not no_write, fail_on=fail_on,
        lang=lang or Settings().lang, mask=mask,
        select=_split(select), ignore=_split(ignore), age_preset=age_preset,
        progress=not quiet,
    ).validate()
    _check_codes(settings)
    progress = _progress_printer(settings)
    report = check_paths([str(p) for p in paths], settings, progress=progress)
    reporters()[settings.format](report, settings, sys.stdout)
    sys.stdout.flush()
    if len(report.files) == 1 and report.files[0].error:
        f = report.files[0]
        raise InputError(f.error, f.path, **{k: v for k, v in f.error_params.items()
                                              if k != "path"})
    raise typer.Exit(int(report.exit_code))


@app.command()
def rules(
    code: Annotated[str | None, typer.Argument(help="A code or group to explain.")] = None,
    lang: Annotated[str | None, typer.Option(help="id | en")] = None,
    format: Annotated[str, typer.Option("--format", help="text | json | markdown")] = "text",
) -> None:
    """Daftar pemeriksaan / list every check code with what, why and how to fix."""
    from pmkscheck.report.rules_view import render_rules

    lang = lang or Settings().lang
    render_rules(code, lang, format, sys.stdout)


@app.command()
def schemas() -> None:
    """Daftar skema bawaan / list built-in schemas and their fields."""
    from pmkscheck.report.rules_view import render_schemas

    render_schemas(Settings().lang, sys.stdout)


def _split(values: list[str] | None) -> tuple[str, ...]:
    out: list[str] = []
    for v in values or ():
        out.extend(x.strip().upper() for x in v.split(",") if x.strip())
    return tuple(out)


def _check_codes(settings: Settings) -> None:
    from pmkscheck.rules import catalogue

    known = set(catalogue()) | {r.group for r in catalogue().values()}
    for code in (*settings.select, *settings.ignore):
        if code not in known:
            raise UsageError("USAGE_UNKNOWN_RULE", value=code)


def _progress_printer(settings: Settings):
    if not settings.progress or not sys.stderr.isatty():
        return None

    def show(text: str) -> None:
        sys.stderr.write(f"\r\033[Kpmkscheck: {text}")
        sys.stderr.flush()

    return show


def _error_sentence(err: PmkscheckError, lang: str) -> str:
    from pmkscheck.mask import scrub
    from pmkscheck.rules import format_text, rule

    code = getattr(err, "code", "")
    params = {k: ("" if v is None else str(v)) for k, v in getattr(err, "params", {}).items()}
    try:
        r = rule(code)
    except KeyError:
        return scrub(str(err)) or ""
    text = format_text(r.t("message", lang), params)
    hint = format_text(r.t("fix", lang), params)
    return scrub(f"{text} {hint}".strip()) or ""


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the Typer app; turn errors into one sentence and exit status 2."""
    lang = Settings().lang
    argv = sys.argv[1:] if argv is None else argv
    if "--lang" in argv:
        i = argv.index("--lang")
        if i + 1 < len(argv) and argv[i + 1] in ("id", "en"):
            lang = argv[i + 1]
    try:
        rc = app(args=argv, prog_name="pmkscheck", standalone_mode=False)
    except PmkscheckError as err:
        sys.stderr.write("pmkscheck: " + _error_sentence(err, lang) + "\n")
        sys.exit(2)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        sys.stderr.write("pmkscheck: dihentikan / interrupted\n")
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - click usage errors, then genuine bugs
        import click

        if isinstance(exc, click.exceptions.ClickException):
            exc.show()
            sys.exit(2)
        if isinstance(exc, click.exceptions.Abort):
            sys.exit(130)
        if os.environ.get("PMKSCHECK_DEBUG"):
            raise
        from pmkscheck.mask import scrub

        what = "kesalahan internal" if lang == "id" else "internal error"
        sys.stderr.write(
            f"pmkscheck: {what}: {type(exc).__name__}: {scrub(str(exc))[:300]} "
            "(PMKSCHECK_DEBUG=1 shows details; please report it)\n")
        sys.exit(2)
    sys.exit(rc if isinstance(rc, int) else 0)


if __name__ == "__main__":  # pragma: no cover
    main()
