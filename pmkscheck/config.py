"""Configuration file: ``pmkscheck.toml`` or ``[tool.pmkscheck]`` in ``pyproject.toml``.

Stage: CLI (shared with the Python API). The file gives defaults for every ``validate`` option;
the command line overrides it, option by option. Precedence, highest first:

1. options typed on the command line (``cli_values`` holds only those);
2. ``PMKSCHECK_LANG`` for the language (a person's choice beats a repository's);
3. the config file (``--config FILE``, else the first found from the current folder upward,
   stopping at the filesystem root or at a folder holding ``.git``);
4. the defaults of :class:`pmkscheck.settings.Settings`.

Example ``pmkscheck.toml`` (keys may be written ``fail-on`` or ``fail_on``)::

    district = "6408"
    fail-on = "warning"
    lang = "id"
    ignore = ["COLUMN_UNKNOWN"]
    baseline = "pmkscheck-baseline.json"   # relative paths are relative to this file
    as-of = 2024-12-31                     # the data date (default: title, file name, today)
    [limits]
    max-rows = 200000

Unknown keys are reported on stderr with the closest known key (like black's
``spellcheck_pyproject_toml_keys``); a value of the wrong type or outside its choices is a usage
error (exit status 2, one sentence naming the file and the key).
"""

from __future__ import annotations

import difflib
import os
import sys
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from pmkscheck.errors import UsageError
from pmkscheck.rules import render_code
from pmkscheck.settings import (
    AGE_PRESETS,
    FAIL_ON,
    FORMATS,
    LANGS,
    MASKS,
    SPLITS,
    Limits,
    Settings,
    is_district_code,
    parse_as_of,
)

CONFIG_NAME = "pmkscheck.toml"
PYPROJECT = "pyproject.toml"

Warn = Callable[[str], None]


@dataclass(frozen=True)
class Key:
    """One config key: its Settings field, expected type and (optional) choices."""

    name: str  # as documented (kebab case)
    setting: str  # Settings field
    kind: str  # "str" | "choice" | "district" | "codes" | "path" | "bool" | "not-bool" | "date"
    choices: tuple[str, ...] = ()


KEYS: dict[str, Key] = {k.name: k for k in (
    Key("district", "district", "district"),
    Key("schema", "schema", "schema"),
    Key("sheet", "sheet", "str"),
    Key("fail-on", "fail_on", "choice", FAIL_ON),
    Key("lang", "lang", "choice", LANGS),
    Key("mask", "mask", "choice", MASKS),
    Key("select", "select", "codes"),
    Key("ignore", "ignore", "codes"),
    Key("age-preset", "age_preset", "choice", AGE_PRESETS),
    Key("format", "format", "choice", FORMATS),
    Key("output-dir", "output_dir", "path"),
    Key("no-write", "write", "not-bool"),
    Key("baseline", "baseline", "path"),
    Key("quiet", "progress", "not-bool"),
    Key("as-of", "as_of", "date"),
    Key("history", "history", "path"),
    Key("no-history", "use_history", "not-bool"),
    Key("split", "split", "choice", SPLITS),
)}
"""Every top-level key of the config file (``[limits]`` is the only table)."""

LIMIT_KEYS: dict[str, str] = {f.name.replace("_", "-"): f.name for f in fields(Limits)}
"""``[limits]`` keys (kebab case) -> :class:`Limits` field."""


@dataclass(frozen=True)
class ConfigFile:
    """A config file that was found and read.

    Attributes:
        path: the file (``pmkscheck.toml`` or ``pyproject.toml``).
        values: the pmkscheck table (top level of ``pmkscheck.toml``; ``tool.pmkscheck``).
        section: where the table sits, for messages (``""`` or ``"[tool.pmkscheck]"``).
    """

    path: Path
    values: Mapping[str, Any]
    section: str = ""


def find_config(cwd: Path | None = None) -> Path | None:
    """The config file that applies in ``cwd``: searched upward, stopping at ``.git`` or root.

    In each folder ``pmkscheck.toml`` wins over a ``pyproject.toml``; a ``pyproject.toml`` only
    counts if it has a ``[tool.pmkscheck]`` table.
    """
    start = (cwd or Path.cwd()).resolve()
    for folder in (start, *start.parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
        pyproject = folder / PYPROJECT
        if pyproject.is_file() and _has_tool_table(pyproject):
            return pyproject
        if (folder / ".git").exists():
            return None
    return None


def _has_tool_table(path: Path) -> bool:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False
    return isinstance(data.get("tool"), dict) and "pmkscheck" in data["tool"]


def read_config(path: Path) -> ConfigFile:
    """Read a config file; raises :class:`UsageError` if it is missing or not valid TOML."""
    path = Path(path)
    if not path.is_file():
        raise UsageError("CONFIG_NOT_FOUND", path=str(path))
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError("CONFIG_SYNTAX", path=str(path), problem=type(exc).__name__) from None
    except tomllib.TOMLDecodeError as exc:
        raise UsageError("CONFIG_SYNTAX", path=str(path), problem=str(exc)) from None
    if path.name == PYPROJECT:
        table = data.get("tool", {}).get("pmkscheck", {})
        if not isinstance(table, dict):
            raise UsageError("CONFIG_INVALID_VALUE", path=str(path), key="tool.pmkscheck",
                             value=repr(table), expected="[tool.pmkscheck]")
        return ConfigFile(path=path, values=table, section="[tool.pmkscheck]")
    return ConfigFile(path=path, values=data)


def _norm_key(key: str) -> str:
    return key.strip().lower().replace("_", "-")


def closest(key: str, known: list[str]) -> str:
    """The known key most similar to ``key`` (always one: the message names it)."""
    norm = _norm_key(key)
    match = difflib.get_close_matches(norm, known, n=1, cutoff=0.0)
    return match[0] if match else known[0]


def _stderr_warn(text: str) -> None:
    sys.stderr.write(f"pmkscheck: {text}\n")


def unknown_keys(cfg: ConfigFile) -> list[tuple[str, str]]:
    """``(key as written, closest known key)`` for every unknown key (``[limits]`` included)."""
    out: list[tuple[str, str]] = []
    known = [*KEYS, "limits"]
    for key, value in cfg.values.items():
        norm = _norm_key(key)
        if norm == "limits":
            if isinstance(value, dict):
                for sub in value:
                    if _norm_key(sub) not in LIMIT_KEYS:
                        out.append((f"limits.{sub}",
                                    "limits." + closest(sub, list(LIMIT_KEYS))))
            continue
        if norm not in KEYS:
            out.append((key, closest(key, known)))
    return out


def config_values(cfg: ConfigFile) -> dict[str, Any]:
    """The config file as ``Settings`` field values (validated); unknown keys left out.

    Raises:
        UsageError: ``CONFIG_INVALID_VALUE`` for a value of the wrong type or outside its choices.
    """
    base = cfg.path.parent
    out: dict[str, Any] = {}
    for raw_key, value in cfg.values.items():
        norm = _norm_key(raw_key)
        if norm == "limits":
            out["limits"] = _limits(cfg, raw_key, value)
            continue
        key = KEYS.get(norm)
        if key is None:
            continue
        out[key.setting] = _convert(cfg, raw_key, key, value, base)
    return out


def _bad(cfg: ConfigFile, key: str, value: object, expected: str) -> UsageError:
    shown = repr(value) if not isinstance(value, str) else f'"{value}"'
    return UsageError("CONFIG_INVALID_VALUE", path=str(cfg.path), key=key, value=shown[:80],
                      expected=expected)


def _convert(cfg: ConfigFile, raw_key: str, key: Key, value: object, base: Path) -> object:
    kind = key.kind
    if kind in ("bool", "not-bool"):
        if not isinstance(value, bool):
            raise _bad(cfg, raw_key, value, "true | false")
        return (not value) if kind == "not-bool" else value
    if kind == "codes":
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(v, str) for v in items):
            raise _bad(cfg, raw_key, value, '["NIK", "COLUMN_UNKNOWN"]')
        return split_codes(items)
    if kind == "date":  # TOML date (as-of = 2024-12-31) or text ("2024-12-31")
        from datetime import date, datetime

        if isinstance(value, date) and not isinstance(value, datetime):
            return value
        if isinstance(value, str):
            try:
                return parse_as_of(value)
            except UsageError:
                pass
        raise _bad(cfg, raw_key, value, "2024-12-31")
    if kind == "district":
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or not is_district_code(value.strip()):
            raise _bad(cfg, raw_key, value, '"6408"')
        return value.strip()
    if not isinstance(value, str) or not value.strip():
        raise _bad(cfg, raw_key, value, '"…"')
    value = value.strip()
    if kind == "choice":
        if value not in key.choices:
            raise _bad(cfg, raw_key, value, " | ".join(key.choices))
        return value
    if kind == "path":
        return _resolve(value, base)
    if kind == "schema":
        # A built-in name stays a name; anything that looks like a file is relative to the config.
        if value.endswith((".yaml", ".yml")) or "/" in value or "\\" in value:
            return str(_resolve(value, base))
        return value
    return value


def _resolve(value: str, base: Path) -> Path:
    p = Path(value).expanduser()
    return p if p.is_absolute() else base / p


def _limits(cfg: ConfigFile, raw_key: str, value: object) -> Limits:
    if not isinstance(value, dict):
        raise _bad(cfg, raw_key, value, "[limits]")
    defaults = Limits()
    changes: dict[str, Any] = {}
    for sub, v in value.items():
        name = LIMIT_KEYS.get(_norm_key(sub))
        if name is None:
            continue
        want = type(getattr(defaults, name))
        label = f"limits.{sub}"
        if want is bool:
            if not isinstance(v, bool):
                raise _bad(cfg, label, v, "true | false")
        elif want is float:
            if isinstance(v, bool) or not isinstance(v, int | float) or v <= 0:
                raise _bad(cfg, label, v, "> 0")
            v = float(v)
        else:
            if isinstance(v, bool) or not isinstance(v, int) or v <= 0:
                raise _bad(cfg, label, v, "≥ 1")
        changes[name] = v
    return replace(defaults, **changes)


def split_codes(values: list[str] | tuple[str, ...] | None) -> tuple[str, ...]:
    """``["NIK,DATE", " kk "]`` -> ``("NIK", "DATE", "KK")`` (repeatable or comma-separated)."""
    out: list[str] = []
    for v in values or ():
        out.extend(x.strip().upper() for x in v.split(",") if x.strip())
    return tuple(out)


def load_settings(cli_values: Mapping[str, Any], cwd: Path | None = None,
                  config: Path | None = None, warn: Warn | None = None,
                  use_config: bool = True) -> Settings:
    """Settings from the command line, the config file and the defaults (in that order).

    Args:
        cli_values: options the user actually typed, by CLI parameter name (``fail_on``,
            ``no_write``, ``quiet``, ``select`` ...); ``None`` values count as not typed.
        cwd: where the config search starts (default: the current folder).
        config: an explicit config file (``--config``); searched for when ``None``.
        warn: receives one line per unknown key (default: written to stderr).
        use_config: ``False`` ignores any config file (``--no-config``).

    Returns:
        Validated :class:`Settings`.

    Raises:
        UsageError: a missing or invalid config file, or an invalid value.
    """
    warn = warn or _stderr_warn
    values: dict[str, Any] = {}
    path = Path(config) if config is not None else (find_config(cwd) if use_config else None)
    if path is not None:
        cfg = read_config(path)
        lang = _pick_lang(cli_values)
        for key, near in unknown_keys(cfg):

            where = f"{cfg.path}" + (f" {cfg.section}" if cfg.section else "")
            warn(render_code("CONFIG_UNKNOWN_KEY", lang, key=key, path=where, closest=near))
        values.update(config_values(cfg))
        if "as_of" in values:
            values["as_of_source"] = "config"
    env_lang = os.environ.get("PMKSCHECK_LANG", "").strip().lower()
    if env_lang in LANGS:
        values["lang"] = env_lang
    values.update(_from_cli(cli_values))
    return Settings(**values).validate()


def _pick_lang(cli_values: Mapping[str, Any]) -> str:
    lang = cli_values.get("lang")
    if lang in LANGS:
        return lang
    return Settings().lang


def _from_cli(cli_values: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in cli_values.items():
        if value is None:
            continue
        if name == "no_write":
            out["write"] = not value
        elif name == "quiet":
            out["progress"] = not value
        elif name in ("select", "ignore"):
            out[name] = split_codes(value) if not isinstance(value, tuple) else value
        elif name == "no_history":
            out["use_history"] = not value
        elif name in ("output_dir", "baseline", "history", "previous"):
            out[name] = Path(value)
        elif name == "as_of":
            out["as_of"] = parse_as_of(value)
            out["as_of_source"] = "option"
        else:
            out[name] = value
    return out


__all__ = ["ConfigFile", "KEYS", "LIMIT_KEYS", "closest", "config_values", "find_config",
           "load_settings", "read_config", "split_codes", "unknown_keys"]
