"""Stage: CLI. The terminal side of the command line, kept apart from the commands.

Help in one language (:func:`translate`: the help strings of :mod:`pmkscheck.cli` are keys of
the text catalogue, section ``help``), positional arguments shown as ``FILE...``, the language of
help and early errors (:func:`help_lang`), the parser's exception classes and a console that
never crashes on characters it cannot show. Imports no pandas.
"""

from __future__ import annotations

import codecs
import importlib
import sys
from collections.abc import Mapping
from typing import Any

import typer
from typer.core import TyperArgument

from pmkscheck.settings import Settings


class _Argument(TyperArgument):
    """A positional argument shown as ``FILE...`` (Typer 0.29 shows ``{paths}... <list[Path]>``)."""

    def _usage_display_name(self) -> str:
        name = self.display_name_raw
        name = name if self.required else f"[{name}]"
        return name + ("..." if self.nargs != 1 else "")

    def _rich_display_name(self) -> str:
        return self._usage_display_name()

    def display_type_rich(self, ctx: Any) -> str | None:
        return None


def help_lang(argv: list[str]) -> str:
    """The language of ``--help`` and of errors raised before Settings exist.

    ``--lang id|en`` on the command line, else ``$PMKSCHECK_LANG``, else Indonesian. (Once the
    options are parsed, the run's own ``Settings.lang`` is used.)
    """
    for n, arg in enumerate(argv):
        value = arg.partition("=")[2] if arg.startswith("--lang=") else (
            argv[n + 1] if arg == "--lang" and n + 1 < len(argv) else None)
        if value in ("id", "en"):
            return value
    return Settings().lang


def _translated_help_option(get: Any, help_text: str) -> Any:
    """``cmd.get_help_option`` whose ``--help`` says ``help_text`` (click's is English)."""
    def get_help_option(ctx: Any) -> Any:
        option = get(ctx)
        if option is not None:
            option.help = help_text
        return option

    return get_help_option


def parser_exceptions() -> tuple[tuple[type, ...], tuple[type, ...]]:
    """Usage-error and abort classes of the command-line parser.

    Typer 0.2x vendors click as ``typer._click``; older Typer releases use the ``click``
    package. Accept whichever is installed (a fresh install may have no ``click`` at all).
    """
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


def console_safe() -> None:
    """A console that is not UTF-8 (Windows cp1252/cp437, ``LANG=C``) never crashes the output.

    Characters the console cannot show are replaced (``?``) instead of raising
    ``UnicodeEncodeError``; the JSON reporter escapes them itself, so JSON loses nothing.
    """
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


def _formatter(base: type, texts: Mapping[str, str]) -> type:
    """A subclass of click's help formatter ``base`` that says click's own words in one language.

    Usage, Options, Arguments, Commands and [required] come from ``texts`` (the catalogue's
    ``help`` section), so an Indonesian help page has no English word of click's in it.
    """

    class Formatter(base):  # type: ignore[misc, valid-type]
        def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
            super().write_usage(prog, args, prefix=texts.get("usage", prefix))

        def write_heading(self, heading: str) -> None:
            super().write_heading(texts.get(f"section_{heading}", heading))

        def write_dl(self, rows: Any, col_max: int = 30, col_spacing: int = 2) -> None:
            required = texts.get("required", "[required]")
            rows = [(a, b.replace("[required]", required)) for a, b in rows]
            super().write_dl(rows, col_max, col_spacing)

    return Formatter


def translate(group: Any, texts: Mapping[str, str]) -> None:
    """Help texts of a command tree whose help strings are catalogue keys, in ``texts``.

    click's own words go through :class:`_Formatter` (one language per help page).
    """
    context = type(group).context_class  # Typer's own copy of click's Context
    base = getattr(context, "_pmkscheck_base", context.formatter_class)
    context._pmkscheck_base = base
    context.formatter_class = _formatter(base, texts)
    group.help = texts["app"]
    group.subcommand_metavar = texts["subcommand_metavar"]
    commands = getattr(group, "commands", {})
    for cmd in [group, *commands.values()]:
        if cmd is not group:
            cmd.help = texts.get(cmd.help or "", cmd.help)
        for param in cmd.params:
            if isinstance(param, TyperArgument):
                param.__class__ = _Argument
            key = param.name if param.name in ("install_completion", "show_completion") else (
                getattr(param, "help", None))
            if key in texts:
                param.help = texts[key]
        cmd.options_metavar = texts["options_metavar"]
        cmd.context_settings = {**(cmd.context_settings or {}), "max_content_width": 80}
        cmd.get_help_option = _translated_help_option(cmd.get_help_option, texts["help"])
