"""Regenerate the generated parts of README.md from the code.

    python scripts/update_readme.py          # rewrite README.md in place
    python scripts/update_readme.py --check  # exit 1 if README.md is out of date (used by tests)

Sections between ``<!-- BEGIN name -->`` and ``<!-- END name -->`` markers:
``rules`` (every check code, from the rules catalogue) and ``benchmark`` (from
``benchmarks/results/latest.md`` when it exists).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def rules_table() -> str:
    """Every current code, grouped, as Markdown tables."""
    from pmkscheck.report.rules_view import markdown_table
    from pmkscheck.rules import catalogue, codes

    rules = catalogue()
    groups: dict[str, list] = {}
    for code in codes():
        groups.setdefault(rules[code].group, []).append(rules[code])
    return "\n".join(f"#### {group}\n\n{markdown_table(items, 'en')}"
                     for group, items in groups.items())


def benchmark() -> str:
    """The latest benchmark table, if one was committed."""
    latest = ROOT / "benchmarks" / "results" / "latest.md"
    return latest.read_text(encoding="utf-8").strip() + "\n" if latest.exists() else ""


def render(text: str) -> str:
    """README text with every generated section replaced."""
    for name, fn in (("rules", rules_table), ("benchmark", benchmark)):
        pattern = re.compile(rf"(<!-- BEGIN {name} -->\n).*?(<!-- END {name} -->)", re.S)
        body = fn()
        if body:
            text = pattern.sub(lambda m, body=body: m.group(1) + body + m.group(2), text)
    return text


def main() -> int:
    """Rewrite README.md, or with ``--check`` report whether it is out of date."""
    readme = ROOT / "README.md"
    old = readme.read_text(encoding="utf-8")
    new = render(old)
    if "--check" in sys.argv:
        if new != old:
            print("README.md is out of date: run python scripts/update_readme.py")
            return 1
        return 0
    readme.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
