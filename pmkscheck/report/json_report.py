"""``--format json``: exactly one JSON document on stdout (CONTRACT.md)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from pmkscheck.report.model import Report
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
    """Write the JSON report to ``out``.

    On a stream that cannot hold every character (a Windows console in cp1252 or cp437, a
    ``LANG=C`` terminal), non-ASCII characters are written as JSON escapes (``\u00e9``): the
    same JSON value, nothing lost, no ``UnicodeEncodeError``.
    """
    text = dumps(report)
    if not _holds_unicode(out):
        text = ascii_json(text)
    out.write(text)
    out.write("\n")


def _holds_unicode(out: TextIO) -> bool:
    import codecs

    encoding = getattr(out, "encoding", None)
    if not encoding:
        return True  # StringIO and the like
    try:
        return codecs.lookup(encoding).name in ("utf-8", "utf-16", "utf-32", "utf-8-sig")
    except LookupError:
        return False


def ascii_json(text: str) -> str:
    r"""JSON text with every non-ASCII character escaped (characters past U+FFFF as pairs).

    >>> print(ascii_json('{"nama": "Désirée 😀"}'))
    {"nama": "D\u00e9sir\u00e9e \ud83d\ude00"}
    """
    import re

    def esc(m: re.Match[str]) -> str:
        cp = ord(m.group())
        if cp > 0xFFFF:
            cp -= 0x10000
            return f"\\u{0xD800 + (cp >> 10):04x}\\u{0xDC00 + (cp & 0x3FF):04x}"
        return f"\\u{cp:04x}"

    return re.sub(r"[^\x00-\x7f]", esc, text)
