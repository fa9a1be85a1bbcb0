"""``--format json``: exactly one JSON document on stdout (CONTRACT.md)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from pmkscheck.report import Report
    from pmkscheck.settings import Settings


def dumps(report: Report) -> str:
    """The report as JSON text (UTF-8, non-ASCII kept readable)."""
    return dumps_doc(report.to_dict())


def dumps_doc(doc: dict) -> str:
    """Indented JSON with one finding per line (issue 6: 1M rows can mean 10^5 findings).

    ``json`` only uses its C encoder without ``indent``; indenting every finding's keys ran the
    pure-Python encoder over the whole list (seconds per 100k findings). The document is the
    same JSON value either way.
    """
    files = doc.get("files", [])
    held = [f.get("issues", []) for f in files]
    shell = {**doc, "files": [{**f, "issues": f"\0issues{n}\0"} for n, f in enumerate(files)]}
    text = json.dumps(shell, ensure_ascii=False, indent=2)
    for n, issues in enumerate(held):
        pad = " " * 8
        body = ",\n".join(pad + json.dumps(i, ensure_ascii=False) for i in issues)
        text = text.replace(f'"\\u0000issues{n}\\u0000"',
                            f"[\n{body}\n      ]" if issues else "[]", 1)
    return text


def render(report: Report, settings: Settings, out: TextIO) -> None:
    """Write the JSON report to ``out``."""
    out.write(dumps(report))
    out.write("\n")
