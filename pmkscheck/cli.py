"""Command line: parse options, build ``Settings``, call the pipeline, pick a view, exit.

Stage: CLI. It only parses and prints. Imports no pandas at module level (``pmkscheck --help``
and ``pmkscheck rules`` stay fast): the stages are imported inside the commands, each a named
lazy import for start-up time. Every error pmkscheck raises on purpose becomes one sentence on
stderr and exit status 2 -- in ``main()``, one place. Help texts are keys of the text catalogue
(:mod:`pmkscheck.text`, section ``help``), shown in one language: ``--lang``, else
``$PMKSCHECK_LANG``, else Indonesian. Set ``PMKSCHECK_DEBUG=1`` to see a traceback for an
unexpected internal error.
"""

from __future__ import annotations

import os
import sys
import warnings
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

import typer
import typer.main
from typer.core import TyperGroup

from pmkscheck import __version__, processes
from pmkscheck.cliterm import console_safe, help_lang, parser_exceptions, translate
from pmkscheck.config import load_settings
from pmkscheck.errors import InputError, PmkscheckError, UsageError, internal_failure
from pmkscheck.mask import scrub
from pmkscheck.rules import catalogue, render_code
from pmkscheck.settings import Settings
from pmkscheck.text import code_sentence, section, text

app = typer.Typer(
    name="pmkscheck",
    help="app",
    no_args_is_help=True,
    add_completion=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)
_RUN: dict[str, str] = {}  # the language of this run once Settings are built (error messages)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"pmkscheck {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool | None, typer.Option(
        "--version", callback=_version, is_eager=True, help="version")] = None,
) -> None:
    """pmkscheck: PMKS data-quality checks."""


def _opt(*decls: str, help: str, metavar: str | None = None) -> Any:  # noqa: A002 - Typer's name
    """An option whose help is a catalogue key (translated in :func:`command`), no default shown."""
    return typer.Option(*decls, help=help, metavar=metavar, show_default=False)


ConfigOpt = Annotated[Path | None, _opt("--config", help="config", metavar="FILE")]
NoConfigOpt = Annotated[bool, _opt("--no-config", help="no_config")]
SchemaOpt = Annotated[str | None, _opt(help="schema", metavar="SCHEMA")]
SheetOpt = Annotated[str | None, _opt(help="sheet", metavar="SHEET")]
DistrictOpt = Annotated[str | None, _opt(help="district", metavar="DISTRICT")]
LangOpt = Annotated[str | None, _opt(help="lang", metavar="LANG")]
MaskOpt = Annotated[str | None, _opt(help="mask", metavar="MODE")]
SelectOpt = Annotated[list[str] | None, _opt(help="select", metavar="CODE")]
IgnoreOpt = Annotated[list[str] | None, _opt(help="ignore", metavar="CODE")]
AgePresetOpt = Annotated[str | None, _opt(help="age_preset", metavar="PRESET")]
AsOfOpt = Annotated[str | None, _opt("--as-of", help="as_of", metavar="YYYY-MM-DD")]
HistoryOpt = Annotated[Path | None, _opt("--history", help="history", metavar="FILE")]
QuietOpt = Annotated[bool | None, _opt("--quiet", "-q", help="quiet")]


@app.command(help="cmd_validate")
def validate(
    paths: Annotated[list[Path], typer.Argument(help="paths", metavar="FILE",
                                                show_default=False)],
    schema: SchemaOpt = None,
    sheet: SheetOpt = None,
    district: DistrictOpt = None,
    format: Annotated[str | None, _opt("--format", help="format", metavar="FORMAT")] = None,
    output_dir: Annotated[Path | None, _opt("--output-dir", "-o", help="output_dir",
                                            metavar="DIR")] = None,
    no_write: Annotated[bool | None, _opt("--no-write/--write", help="no_write")] = None,
    fail_on: Annotated[str | None, _opt(help="fail_on", metavar="LEVEL")] = None,
    lang: LangOpt = None,
    mask: MaskOpt = None,
    select: SelectOpt = None,
    ignore: IgnoreOpt = None,
    age_preset: AgePresetOpt = None,
    baseline: Annotated[Path | None, _opt("--baseline", help="baseline", metavar="FILE")] = None,
    compare_with: Annotated[Path | None, _opt("--compare-with", help="compare_with",
                                              metavar="FILE")] = None,
    as_of: AsOfOpt = None,
    history: HistoryOpt = None,
    no_history: Annotated[bool | None, _opt("--no-history", help="no_history")] = None,
    previous: Annotated[Path | None, _opt("--previous", help="previous", metavar="FILE")] = None,
    split: Annotated[str | None, _opt("--split", help="split", metavar="AREA")] = None,
    quiet: QuietOpt = None,
    config: ConfigOpt = None,
    no_config: NoConfigOpt = False,
) -> None:
    """Check PMKS files; write reports and cleaned copies."""
    settings = _settings(dict(locals()))
    # one small file: pandas first, then the pandera helper forks (it shares pandas and imports
    # pandera while this process imports the stages and reads; issue 16, processes.py)
    import pandas  # noqa: F401 - lazy: start-up time

    processes.start_for(paths, settings.limits.isolate, settings.limits.timeout_s)
    try:
        from pmkscheck.pipeline import check_paths  # lazy: start-up time (pandas)
        from pmkscheck.report.console import progress_printer  # lazy: start-up time (rich)
        from pmkscheck.report.views import reporter  # lazy: start-up time

        with progress_printer(settings) as progress:
            report = check_paths([str(p) for p in paths], settings, progress=progress)
    finally:
        processes.stop()
    if settings.baseline is not None:
        _baseline_note(report, settings)
    reporter(settings.format)(report, settings, sys.stdout)
    sys.stdout.flush()
    _raise_single_file_error(report)
    raise typer.Exit(int(report.exit_code))


@app.command("baseline", help="cmd_baseline")
def baseline_cmd(
    paths: Annotated[list[Path], typer.Argument(help="baseline_paths", metavar="FILE",
                                                show_default=False)],
    output: Annotated[Path, _opt("--output", "-o", help="baseline_output", metavar="FILE")] = (
        Path("pmkscheck-baseline.json")),
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
    """Record the current findings for `validate --baseline`."""
    values = dict(locals())
    values.pop("output")
    from pmkscheck.baseline import write_baseline  # lazy: start-up time
    from pmkscheck.pipeline import check_paths  # lazy: start-up time (pandas)
    from pmkscheck.report.console import progress_printer  # lazy: start-up time (rich)

    settings = replace(_settings(values, use_baseline=False), write=False, baseline=None,
                       use_history=False)
    with progress_printer(settings) as progress:
        report = check_paths([str(p) for p in paths], settings, progress=progress)
    _raise_single_file_error(report)
    n = write_baseline(report, output)
    sys.stderr.write(f"pmkscheck: {n} {text('cli', 'baseline_written', settings.lang)} "
                     f"{output}\n")
    raise typer.Exit(0)


def _settings(params: dict, use_baseline: bool = True) -> Settings:
    """CLI values (only those typed) + config file + defaults -> validated Settings."""
    cli = {k: v for k, v in params.items()
           if k not in ("paths", "config", "no_config") and v is not None}
    settings = load_settings(cli, config=params.get("config"),
                             use_config=not params.get("no_config"))
    _RUN["lang"] = settings.lang
    _check_codes(settings)
    if use_baseline and settings.baseline is not None:
        from pmkscheck.baseline import load_baseline  # lazy: start-up time (numpy)

        load_baseline(settings.baseline)  # fail fast (exit 2) before checking any file
    return settings


def _baseline_note(report, settings: Settings) -> None:
    n = sum(f.baselined for f in report.files)
    sys.stderr.write("pmkscheck: " + render_code(
        "BASELINE_APPLIED", settings.lang, count=n, path=str(settings.baseline)) + "\n")


def _raise_single_file_error(report) -> None:
    if len(report.files) == 1 and report.files[0].error:
        f = report.files[0]
        raise InputError(f.error, f.path, **{k: v for k, v in f.error_params.items()
                                              if k != "path"})


@app.command("history", help="cmd_history")
def history_cmd(
    history: HistoryOpt = None,
    district: Annotated[str | None, _opt(help="history_district", metavar="DISTRICT")] = None,
    format: Annotated[str, _opt("--format", help="history_format", metavar="FORMAT")] = "text",
    output: Annotated[Path | None, _opt("--output", "-o", help="history_output",
                                        metavar="FILE")] = None,
    lang: LangOpt = None,
) -> None:
    """Submissions per district and their trend."""
    if format not in ("text", "json"):
        raise UsageError("USAGE_BAD_CHOICE", option="format", value=format,
                         choices="text, json")
    from pmkscheck.history.view import history_command  # lazy: start-up time (rich)

    cli = {k: v for k, v in (("history", history), ("district", district), ("lang", lang))
           if v is not None}
    settings = load_settings(cli)  # the config file's history = "..." applies here too
    _RUN["lang"] = settings.lang
    history_command(settings, format, output, sys.stdout)
    raise typer.Exit(0)


@app.command(help="cmd_template")
def template(
    district: Annotated[str, typer.Option(help="template_district", metavar="DISTRICT",
                                          show_default=False)],
    output: Annotated[Path, typer.Option("--output", "-o", help="template_output",
                                         metavar="FILE", show_default=False)],
    kind: Annotated[str, _opt(help="kind", metavar="KIND")] = "individu",
) -> None:
    """Write a submission template (xlsx) for a district."""
    from pmkscheck.write.template import write_template  # lazy: start-up time (xlsxwriter)

    typer.echo(str(write_template(output, district.strip(), kind.strip().lower())))


@app.command(help="cmd_serve")
def serve(
    port: Annotated[int, _opt(help="port", metavar="PORT")] = 8765,
    no_browser: Annotated[bool, typer.Option("--no-browser", help="no_browser")] = False,
    lang: LangOpt = None,
    mask: MaskOpt = None,
    config: ConfigOpt = None,
    no_config: NoConfigOpt = False,
) -> None:
    """The checker as a local web page (127.0.0.1 only)."""
    values = {k: v for k, v in dict(locals()).items() if k not in ("port", "no_browser")}
    from pmkscheck.serve import serve as run_server  # lazy: start-up time (uvicorn)

    run_server(_settings(values, use_baseline=False), port=port, open_browser=not no_browser)


@app.command(help="cmd_rules")
def rules(
    code: Annotated[str | None, typer.Argument(help="rule_code", metavar="CODE",
                                               show_default=False)] = None,
    lang: Annotated[str | None, _opt(help="rules_lang", metavar="LANG")] = None,
    format: Annotated[str, _opt("--format", help="rules_format", metavar="FORMAT")] = "text",
) -> None:
    """List every check code with what, why and how to fix."""
    from pmkscheck.report.rules_view import render_rules  # lazy: start-up time (schemas)

    render_rules(code, lang or Settings().lang, format, sys.stdout)


@app.command(help="cmd_schemas")
def schemas() -> None:
    """List the built-in schemas and their fields."""
    from pmkscheck.report.rules_view import render_schemas  # lazy: start-up time (schemas)

    render_schemas(Settings().lang, sys.stdout)


def _check_codes(settings: Settings) -> None:
    if not (settings.select or settings.ignore):
        return  # the catalogue loads later, while the reader works (issue 16: start-up time)
    known = set(catalogue()) | {r.group for r in catalogue().values()}
    for code in (*settings.select, *settings.ignore):
        if code not in known:
            raise UsageError("USAGE_UNKNOWN_RULE", value=code)


def _error_sentence(err: PmkscheckError, lang: str) -> str:
    """Message and fix of an error pmkscheck raised on purpose, as one masked sentence."""
    said = code_sentence(getattr(err, "code", ""), getattr(err, "params", {}), lang)
    if said is None:
        return scrub(str(err)) or ""
    return " ".join(part for part in said if part)


def command(lang: str) -> TyperGroup:
    """The click command tree of :data:`app`, its help texts in ``lang``."""
    group = typer.main.get_command(app)
    translate(group, section("help", lang))
    return group


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the Typer app; turn errors into one sentence and exit status 2."""
    argv = sys.argv[1:] if argv is None else argv
    lang = help_lang(argv)
    _RUN.clear()
    console_safe()
    if not (sys.warnoptions or os.environ.get("PMKSCHECK_DEBUG")):
        # library warnings (pandas' FutureWarning ...) are for developers, not for officers;
        # the test suite turns pmkscheck's own into errors (pyproject: filterwarnings)
        warnings.simplefilter("ignore")
    try:
        rc = command(lang)(args=argv, prog_name="pmkscheck", standalone_mode=False)
    except PmkscheckError as err:
        lang = _RUN.get("lang", lang)  # the parsed --lang (or config file) once there is one
        sys.stderr.write("pmkscheck: " + _error_sentence(err, lang) + "\n")
        sys.exit(2)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        sys.stderr.write(f"pmkscheck: {text('cli', 'interrupted', _RUN.get('lang', lang))}\n")
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - usage errors of the parser, then genuine bugs
        usage, abort = parser_exceptions()
        if isinstance(exc, usage):
            exc.show()  # "Usage: ... Error: No such option: --x" (click's own sentence)
            sys.exit(2)
        if isinstance(exc, abort):
            sys.exit(130)
        if os.environ.get("PMKSCHECK_DEBUG"):
            raise
        lang = _RUN.get("lang", lang)
        if isinstance(exc, ImportError):  # a broken install, not a bug: say what to do
            sentence = " ".join(_error_sentence(internal_failure(exc), lang).split())
            sys.stderr.write(f"pmkscheck: {sentence}\n")
            sys.exit(2)
        what, todo = (text("cli", key, lang) for key in ("internal_error", "internal_todo"))
        sys.stderr.write(
            f"pmkscheck: {what}: {type(exc).__name__}: {scrub(str(exc))[:300]} ({todo})\n")
        sys.exit(2)
    sys.exit(rc if isinstance(rc, int) else 0)


if __name__ == "__main__":  # pragma: no cover
    main()
