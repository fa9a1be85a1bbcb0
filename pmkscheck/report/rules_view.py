"""``pmkscheck rules [CODE]`` and ``pmkscheck schemas``: the catalogue as text, JSON or Markdown.

The README's check table is generated from :func:`markdown_table` (``--format markdown``).
"""

from __future__ import annotations

import json
from typing import TextIO

from pmkscheck.errors import UsageError
from pmkscheck.rules import Rule, catalogue, codes, plain_template
from pmkscheck.schema import builtin_schemas, load_schema
from pmkscheck.text import section


def _select(code: str | None) -> list[Rule]:
    rules = catalogue()
    if code is None:
        return [rules[c] for c in codes()]
    key = code.strip().upper()
    if key in rules:
        return [rules[key]]
    group = [rules[c] for c in codes() if rules[c].group == key]
    if not group:
        raise UsageError("USAGE_UNKNOWN_RULE", value=code)
    return group


def render_rules(code: str | None, lang: str, fmt: str, out: TextIO) -> None:
    """Print one rule in full, or every rule (a group, or all)."""
    selected = _select(code)
    if fmt == "json":
        json.dump([rule_dict(r) for r in selected], out, ensure_ascii=False, indent=2)
        out.write("\n")
        return
    if fmt == "markdown":
        out.write(markdown_table(selected, lang))
        return
    h = section("rules", lang)
    for r in selected:
        out.write(f"{r.code}  [{r.severity.label}]  {r.t('title', lang)}\n")
        if code is not None or len(selected) == 1:
            for key in ("what", "why", "fix"):
                out.write(f"  {h[key]}: {r.doc(key, lang)}\n")
            if r.example:
                out.write(f"  {h['bad']}: {r.example.get('bad', '')}\n")
                out.write(f"  {h['good']}: {r.example.get('good', '')}\n")
            if r.aliases:
                out.write(f"  aliases: {', '.join(r.aliases)}\n")
            out.write("\n")


def rule_dict(r: Rule) -> dict:
    """A rule as JSON."""
    return {"code": r.code, "group": r.group, "severity": r.severity.label,
            "aliases": list(r.aliases), "example": dict(r.example),
            "text": {lang: {k: plain_template(v) for k, v in t.items()}
                     for lang, t in r.text.items()}}


def markdown_table(rules: list[Rule], lang: str = "en") -> str:
    """A Markdown table of codes (for the README)."""
    lines = ["| code | severity | what | how to fix |", "|---|---|---|---|"]
    for r in rules:
        what = r.t("what", lang).replace("|", "\\|")
        fix = r.doc("fix", lang).replace("|", "\\|").replace("{", "").replace("}", "")
        lines.append(f"| `{r.code}` | {r.severity.label} | {what} | {fix} |")
    return "\n".join(lines) + "\n"


def render_schemas(lang: str, out: TextIO) -> None:
    """List the built-in schemas with their fields and header aliases."""
    for name in sorted(builtin_schemas()):
        s = load_schema(name)
        out.write(f"{s.name}: {s.title.get(lang, '')}\n")
        for f in s.fields:
            level = "wajib" if f.required else ("dianjurkan" if f.recommended else "opsional")
            if lang == "en":
                level = {"wajib": "required", "dianjurkan": "recommended"}.get(level, "optional")
            aliases = ", ".join(f.aliases[:6]) + (" …" if len(f.aliases) > 6 else "")
            out.write(f"  {f.name:<18} {level:<11} {aliases}\n")
        out.write("\n")
