"""The rules catalogue: every code pmkscheck can emit, with its severity and its documentation.

One TOML file per group (``nik.toml``, ``wilayah.toml``, ...), each table keyed by code::

    [NIK_LENGTH]
    severity = "error"                # error | warning | info
    fields = ["nik"]                  # fields it is reported on (may be empty: file level)
    aliases = []                      # older codes that mean the same (never reused)
    example = { bad = "6472031708", good = "6472035708750001" }
    [NIK_LENGTH.id]
    title = "NIK tidak 16 digit"
    message = "NIK berisi {length} digit, seharusnya 16."   # {params} from the finding
    what = "…"   why = "…"   fix = "…"
    [NIK_LENGTH.en]
    …

``pmkscheck rules`` prints this text; the README table is generated from it; a test fails if a
code lacks a section or a language. Stage: shared by checks (severity) and reporters (text).
"""

from __future__ import annotations

import re
import string
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources

from pmkscheck.issues import Issue, Severity

LANGS = ("id", "en")
SECTIONS = ("title", "message", "what", "why", "fix")


@dataclass(frozen=True)
class Rule:
    """Documentation and severity of one code."""

    code: str
    group: str
    severity: Severity
    fields: tuple[str, ...]
    aliases: tuple[str, ...]
    text: Mapping[str, Mapping[str, str]]  # lang -> section -> text
    example: Mapping[str, str]

    def t(self, section: str, lang: str) -> str:
        """Section text in ``lang`` (falls back to Indonesian, then English)."""
        for candidate in (lang, "id", "en"):
            value = self.text.get(candidate, {}).get(section)
            if value:
                return value
        return ""

    def doc(self, section: str, lang: str) -> str:
        """Section text as documentation shows it (no optional-clause marks)."""
        return plain_template(self.t(section, lang))

    @property
    def placeholders(self) -> set[str]:
        """Parameter names used by the message and fix templates of every language."""
        names: set[str] = set()
        for sections in self.text.values():
            for key in ("message", "fix"):
                for _, name, _, _ in string.Formatter().parse(sections.get(key, "")):
                    if name:
                        names.add(name.split(".")[0].split("[")[0])
        return names


@cache
def catalogue() -> dict[str, Rule]:
    """Every rule, keyed by code (aliases included, pointing at the current rule)."""
    rules: dict[str, Rule] = {}
    root = resources.files("pmkscheck.rules")
    for entry in sorted(root.iterdir(), key=lambda p: p.name):
        if not entry.name.endswith(".toml"):
            continue
        data = tomllib.loads(entry.read_text(encoding="utf-8"))
        for code, spec in data.items():
            if code in rules:
                raise ValueError(f"rule {code} defined twice ({entry.name})")
            rules[code] = Rule(
                code=code,
                group=code.split("_", 1)[0],
                severity=Severity.parse(spec["severity"]),
                fields=tuple(spec.get("fields", ())),
                aliases=tuple(spec.get("aliases", ())),
                text={lang: dict(spec.get(lang, {})) for lang in LANGS},
                example=dict(spec.get("example", {})),
            )
    for rule in list(rules.values()):
        for alias in rule.aliases:
            rules.setdefault(alias, rule)
    return rules


def rule(code: str) -> Rule:
    """The rule for ``code`` (or one of its aliases); ``KeyError`` if unknown."""
    return catalogue()[code]


def codes() -> list[str]:
    """Current codes (aliases excluded), sorted by group then code."""
    return sorted({r.code for r in catalogue().values()})


class _SafeDict(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


_OPTIONAL = re.compile(r"\[\[(.*?)\]\]", re.S)
_NOTHING = ("", "-", "None")


def format_text(template: str, params: Mapping[str, object]) -> str:
    """Fill ``{name}`` placeholders; unknown ones stay visible rather than raising.

    ``[[ ... ]]`` marks an optional clause, dropped when a placeholder inside it has nothing to
    say (no suggestion: ``""`` or ``"-"``), so a message never reads "Perhaps: -.":

    >>> format_text("Unknown[[ (closest: {s})]].", {"s": "-"})
    'Unknown.'
    >>> format_text("Unknown[[ (closest: {s})]].", {"s": "Fakir Miskin"})
    'Unknown (closest: Fakir Miskin).'
    """
    def clause(m: re.Match[str]) -> str:
        names = {f for _, f, _, _ in string.Formatter().parse(m.group(1)) if f}
        empty = any(str(params.get(n, "")).strip() in _NOTHING for n in names)
        return "" if empty else m.group(1)

    try:
        return string.Formatter().vformat(_OPTIONAL.sub(clause, template), (),
                                          _SafeDict(params))
    except (ValueError, IndexError, AttributeError):
        return template


def plain_template(template: str) -> str:
    """A template as documentation shows it: optional-clause marks removed."""
    return template.replace("[[", "").replace("]]", "")


def message(issue: Issue, lang: str, params: Mapping[str, object] | None = None) -> str:
    """The issue's message in ``lang`` (``params`` replaces issue.params, e.g. masked)."""
    r = rule(issue.code)
    return format_text(r.t("message", lang), issue.params if params is None else params)


def fix(issue: Issue, lang: str, params: Mapping[str, object] | None = None) -> str:
    """How to fix it, in ``lang``."""
    r = rule(issue.code)
    return format_text(r.t("fix", lang), issue.params if params is None else params)


def render_code(code: str, lang: str, **params: object) -> str:
    """Render a code's message without an Issue (errors that stop a file: ``INPUT_*``)."""
    return format_text(rule(code).t("message", lang), params)
