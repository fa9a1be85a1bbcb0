"""Command line: parse options, build ``Settings``, call the pipeline, pick a reporter, exit.

Stage: CLI. Imports no pandas at module level (``pmkscheck rules`` stays fast). Every error
pmkscheck raises on purpose becomes one sentence on stderr and exit status 2 -- in ``main()``,
one place.
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


ConfigOpt = Annotated[Path | None, typer.Option(
    "--config", help="Config file (TOML). Default: pmkscheck.toml or [tool.pmkscheck] in "
    "pyproject.toml, searched from the current folder upward.", show_default=False)]
NoConfigOpt = Annotated[bool, typer.Option(
    "--no-config", help="Ignore any config file.")]
SchemaOpt = Annotated[str | None, typer.Option(
    help="Built-in schema name (pmks-individu, pmks-keluarga, pmks-rekap) or a schema YAML file. "
         "Default: detected from the headers.", show_default=False)]
SheetOpt = Annotated[str | None, typer.Option(
    help="Only this sheet. Default: every sheet holding a recognised table.", show_default=False)]
DistrictOpt = Annotated[str | None, typer.Option(
    help="Kemendagri kab/kota code, e.g. 6408. Default: inferred and reported.",
    show_default=False)]
LangOpt = Annotated[str | None, typer.Option(
    help="Message language: id | en. Default: id (or $PMKSCHECK_LANG).", show_default=False)]
SelectOpt = Annotated[list[str] | None, typer.Option(
    help="Only these codes or groups (repeatable, or comma-separated).", show_default=False)]
IgnoreOpt = Annotated[list[str] | None, typer.Option(
    help="Skip these codes or groups (repeatable, or comma-separated).", show_default=False)]
AgePresetOpt = Annotated[str | None, typer.Option(
    help="Age bands per jenis: permensos-2012 (default) | dinsos-kaltim-legacy.",
    show_default=False)]
AsOfOpt = Annotated[str | None, typer.Option(
    "--as-of", help="Data date YYYY-MM-DD that ages are measured at. Default: from the title "
    "rows (\"keadaan per 31 Desember 2024\"), else the file name, else today.",
    show_default=False)]

HistoryOpt = Annotated[Path | None, typer.Option(
    "--history", help="The submission store (SQLite). Default: per user (%LOCALAPPDATA%, "
    "~/Library/Application Support or ~/.local/share, then pmkscheck/history.sqlite3), "
    "or $PMKSCHECK_HISTORY.", show_default=False)]
QuietOpt = Annotated[bool | None, typer.Option(
    "--quiet", "-q", help="No progress on stderr.", show_default=False)]


@app.command()
def validate(
    paths: Annotated[list[Path], typer.Argument(
        help="Files or folders (xlsx, xlsm, xls, ods, csv, tsv).", show_default=False)],
    schema: SchemaOpt = None,
    sheet: SheetOpt = None,
    district: DistrictOpt = None,
    format: Annotated[str | None, typer.Option(
        "--format", help="stdout format: text (default) | json | github | junit.",
        show_default=False)] = None,
    output_dir: Annotated[Path | None, typer.Option(
        "--output-dir", "-o", help="Folder for reports and cleaned files. "
        "Default: <file>_pmkscheck/ beside the input.", show_default=False)] = None,
    no_write: Annotated[bool | None, typer.Option(
        "--no-write/--write", help="Write no files (CI) / write them even if the config "
        "file says no-write.", show_default=False)] = None,
    fail_on: Annotated[str | None, typer.Option(
        help="Findings that make the exit status 1: error (default) | warning | never.",
        show_default=False)] = None,
    lang: LangOpt = None,
    mask: Annotated[str | None, typer.Option(
        help="How NIK / No. KK appear in reports: partial (default) | full | none.",
        show_default=False)] = None,
    select: SelectOpt = None,
    ignore: IgnoreOpt = None,
    age_preset: AgePresetOpt = None,
    baseline: Annotated[Path | None, typer.Option(
        "--baseline", help="Baseline file (from `pmkscheck baseline`): findings recorded "
        "there are not reported.", show_default=False)] = None,
    compare_with: Annotated[Path | None, typer.Option(
        "--compare-with", help="Person list to reconcile recap (pmks-rekap) counts with.",
        show_default=False)] = None,
    as_of: AsOfOpt = None,
    history: HistoryOpt = None,
    no_history: Annotated[bool | None, typer.Option(
        "--no-history", help="Neither compare with nor record in the submission store.",
        show_default=False)] = None,
    previous: Annotated[Path | None, typer.Option(
        "--previous", help="Compare with this earlier submission instead of the one in the "
        "history (checked, not recorded).", show_default=False)] = None,
    split: Annotated[str | None, typer.Option(
        "--split", help="Also write one return workbook per area: kecamatan | desa.",
        show_default=False)] = None,
    quiet: QuietOpt = None,
    config: ConfigOpt = None,
    no_config: NoConfigOpt = False,
) -> None:
    """Periksa berkas PMKS / check PMKS files; write reports and cleaned copies."""
    settings = _settings(dict(locals()))
    from pmkscheck.pipeline import check_paths
    from pmkscheck.report.terminal import progress_printer
    from pmkscheck.report.views import reporter

    with progress_printer(settings) as progress:
        report = check_paths([str(p) for p in paths], settings, progress=progress)
    if settings.baseline is not None:
        _baseline_note(report, settings)
    reporter(settings.format)(report, settings, sys.stdout)
    sys.stdout.flush()
    _raise_single_file_error(report)
    raise typer.Exit(int(report.exit_code))


@app.command("baseline")
def baseline_cmd(
    paths: Annotated[list[Path], typer.Argument(
        help="Files or folders whose current findings are recorded.", show_default=False)],
    output: Annotated[Path, typer.Option(
        "--output", "-o", help="The baseline file to write.")] = Path(
            "pmkscheck-baseline.json"),
    schema: SchemaOpt = None,
    sheet: SheetOpt = None,
    district: DistrictOpt = None,
    lang: LangOpt = None,
    select: SelectOpt = None,
    ignore: IgnoreOpt = None,
    age_preset: AgePresetOpt = None,
    as_of: AsOfOpt = None,
    quiet: QuietOpt = None,
    config: ConfigOpt = None,
    no_config: NoConfigOpt = False,
) -> None:
    """Catat temuan saat ini / record current findings for `validate --baseline`."""
    values = dict(locals())
    values.pop("output")
    from dataclasses import replace

    from pmkscheck.baseline import write_baseline
    from pmkscheck.pipeline import check_paths

    settings = replace(_settings(values, use_baseline=False), write=False, baseline=None,
                       use_history=False)
    from pmkscheck.report.terminal import progress_printer

    with progress_printer(settings) as progress:
        report = check_paths([str(p) for p in paths], settings, progress=progress)
    _raise_single_file_error(report)
    n = write_baseline(report, output)
    what = ("temuan dicatat di" if settings.lang == "id" else "findings recorded in")
    sys.stderr.write(f"pmkscheck: {n} {what} {output}\n")
    raise typer.Exit(0)


def _settings(params: dict, use_baseline: bool = True) -> Settings:
    """CLI values (only those typed) + config file + defaults -> validated Settings."""
    from pmkscheck.config import load_settings

    cli = {k: v for k, v in params.items()
           if k not in ("paths", "config", "no_config") and v is not None}
    settings = load_settings(cli, config=params.get("config"),
                             use_config=not params.get("no_config"))
    _check_codes(settings)
    if use_baseline and settings.baseline is not None:
        from pmkscheck.baseline import load_baseline

        load_baseline(settings.baseline)  # fail fast (exit 2) before checking any file
    return settings


def _baseline_note(report, settings: Settings) -> None:
    from pmkscheck.rules import render_code

    n = sum(f.baselined for f in report.files)
    sys.stderr.write("pmkscheck: " + render_code(
        "BASELINE_APPLIED", settings.lang, count=n, path=str(settings.baseline)) + "\n")


def _raise_single_file_error(report) -> None:
    if len(report.files) == 1 and report.files[0].error:
        f = report.files[0]
        raise InputError(f.error, f.path, **{k: v for k, v in f.error_params.items()
                                              if k != "path"})


@app.command("history")
def history_cmd(
    history: HistoryOpt = None,
    district: DistrictOpt = None,
    format: Annotated[str, typer.Option(
        "--format", help="text | json")] = "text",
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Also write an offline HTML page (a chart per kab/kota).",
        show_default=False)] = None,
    lang: LangOpt = None,
) -> None:
    """Riwayat kiriman per kab/kota / submissions per district and their trend."""
    from pmkscheck.history.view import history_command

    if format not in ("text", "json"):
        raise UsageError("USAGE_BAD_CHOICE", option="format", value=format,
                         choices="text, json")
    from pmkscheck.config import load_settings

    cli = {k: v for k, v in (("history", history), ("district", district), ("lang", lang))
           if v is not None}
    settings = load_settings(cli)  # the config file's history = "..." applies here too
    history_command(settings, format, output, sys.stdout)
    raise typer.Exit(0)


@app.command()
def template(
    district: Annotated[str, typer.Option(help="Kemendagri kab/kota code, e.g. 6408.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="The xlsx file to write.")],
    kind: Annotated[str, typer.Option(
        help="individu (person list) | keluarga (family list) | rekap (counts).")] = "individu",
) -> None:
    """Tulis templat pengisian / write a submission template (xlsx) for a kab/kota."""
    from pmkscheck.write.template import write_template

    typer.echo(str(write_template(output, district.strip(), kind.strip().lower())))


@app.command()
def serve(
    port: Annotated[int, typer.Option(
        help="Port on 127.0.0.1 (a free one is taken if it is busy).")] = 8765,
    no_browser: Annotated[bool, typer.Option(
        "--no-browser", help="Print the address only; do not open the browser.")] = False,
    lang: LangOpt = None,
    mask: Annotated[str | None, typer.Option(
        help="How NIK / No. KK appear in reports: partial (default) | full | none.",
        show_default=False)] = None,
    config: ConfigOpt = None,
    no_config: NoConfigOpt = False,
) -> None:
    """Buka pemeriksa di peramban / the checker as a local web page (127.0.0.1 only)."""
    values = {k: v for k, v in dict(locals()).items() if k not in ("port", "no_browser")}
    from pmkscheck.serve import serve as run_server

    run_server(_settings(values, use_baseline=False), port=port, open_browser=not no_browser)


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


def _parser_exceptions() -> tuple[tuple[type, ...], tuple[type, ...]]:
    """Usage-error and abort classes of the command-line parser.

    Typer 0.2x vendors click as ``typer._click``; older Typer releases use the ``click``
    package. Accept whichever is installed (a fresh install may have no ``click`` at all).
    """
    import importlib

    usage: list[type] = []
    abort: list[type] = [typer.Abort]
    for name in ("typer._click.exceptions", "click.exceptions"):
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        usage.append(module.ClickException)
        if hasattr(module, "Abort"):
            abort.append(module.Abort)
    return tuple(usage), tuple(abort)


def _console_safe() -> None:
    """A console that is not UTF-8 (Windows cp1252/cp437, ``LANG=C``) never crashes the output.

    Characters the console cannot show are replaced (``?``) instead of raising
    ``UnicodeEncodeError``; the JSON reporter escapes them itself, so JSON loses nothing.
    """
    import codecs

    for stream in (sys.stdout, sys.stderr):
        encoding = getattr(stream, "encoding", None)
        if not encoding or not hasattr(stream, "reconfigure"):
            continue
        try:
            if codecs.lookup(encoding).name.startswith("utf-"):
                continue
        except LookupError:
            pass
        try:
            stream.reconfigure(errors="replace")
        except (ValueError, OSError):  # a closed or detached stream
            continue


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the Typer app; turn errors into one sentence and exit status 2."""
    lang = Settings().lang
    argv = sys.argv[1:] if argv is None else argv
    _console_safe()
    if not (sys.warnoptions or os.environ.get("PMKSCHECK_DEBUG")):
        # library warnings (pandas' FutureWarning ...) are for developers, not for officers;
        # the test suite turns pmkscheck's own into errors (pyproject: filterwarnings)
        import warnings

        warnings.simplefilter("ignore")
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
    except Exception as exc:  # noqa: BLE001 - usage errors of the parser, then genuine bugs
        usage, abort = _parser_exceptions()
        if isinstance(exc, usage):
            exc.show()  # "Usage: ... Error: No such option: --x" (click's own sentence)
            sys.exit(2)
        if isinstance(exc, abort):
            sys.exit(130)
        if os.environ.get("PMKSCHECK_DEBUG"):
            raise
        from pmkscheck.errors import internal_failure
        from pmkscheck.mask import scrub

        if isinstance(exc, ImportError):  # a broken install, not a bug: say what to do
            sentence = " ".join(_error_sentence(internal_failure(exc), lang).split())
            sys.stderr.write(f"pmkscheck: {sentence}\n")
            sys.exit(2)
        what = "kesalahan internal" if lang == "id" else "internal error"
        todo = ("mohon laporkan berkas ini ke pengembang pmkscheck; PMKSCHECK_DEBUG=1 "
                "menampilkan rinciannya" if lang == "id" else "please report this file to "
                "the pmkscheck developers; PMKSCHECK_DEBUG=1 shows details")
        sys.stderr.write(
            f"pmkscheck: {what}: {type(exc).__name__}: {scrub(str(exc))[:300]} ({todo})\n")
        sys.exit(2)
    sys.exit(rc if isinstance(rc, int) else 0)


if __name__ == "__main__":  # pragma: no cover
    main()
