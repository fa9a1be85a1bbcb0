"""``--format json``: exactly one JSON document on stdout (CONTRACT.md)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, TextIO

import numpy as np
import pandas as pd

from pmkscheck.issues import Severity
from pmkscheck.issuetable import IssueTable
from pmkscheck.report import model
from pmkscheck.report.model import FileReport, file_dict, rendered

if TYPE_CHECKING:
    from pmkscheck.report.model import Report
    from pmkscheck.settings import Settings


PAD = " " * 8  # a finding's indent: one finding per line inside its file's "issues" list


def dumps(report: Report) -> str:
    """The report as JSON text (UTF-8, non-ASCII kept readable)."""
    out = io.StringIO()
    write(report, report.settings, out)
    return out.getvalue()


def write(report: Report, settings: Settings, out: TextIO) -> None:
    """Stream the JSON report of ``report`` to ``out`` (without the final newline)."""
    write_files(report.files, report.version, settings, out)


def write_files(files: Sequence[FileReport], version: str, settings: Settings,
                out: TextIO, escape: bool = False) -> None:
    """Stream the JSON document of ``files``: indented, one finding per line (issue 6).

    The document is the shell (every file entry without its findings) dumped by ``json``, and
    each file's findings written in chunks of :data:`~pmkscheck.report.model.CHUNK` lines built
    from the report's columns (:func:`finding_lines`): a million findings never exist as a
    million dicts, nor as one string (issue 16). ``escape``: every non-ASCII character as a
    JSON escape.
    """
    doc = {"tool": "pmkscheck", "version": version,
           "files": [{**file_dict(f, settings, with_issues=False), "issues": f"\0issues{n}\0"}
                     for n, f in enumerate(files)]}
    text = json.dumps(doc, ensure_ascii=False, indent=2)
    for n, f in enumerate(files):
        mark = f'"\\u0000issues{n}\\u0000"'
        head, _, text = text.partition(mark)
        out.write(ascii_json(head) if escape else head)
        if not len(f.issues):
            out.write("[]")
            continue
        out.write("[\n")
        for k, block in enumerate(finding_lines(f, settings)):
            if k:
                out.write(",\n")
            out.write(ascii_json(block) if escape else block)
        out.write("\n      ]")
    out.write(ascii_json(text) if escape else text)


def finding_lines(f: FileReport, settings: Settings, chunk: int | None = None
                  ) -> Iterator[str]:
    """Blocks of at most ``chunk`` JSON lines, one per finding, joined by commas and newlines.

    Each line is what ``json.dumps`` of the finding's dict (:func:`issue_dicts`) gives, built
    from its columns: every distinct text is encoded once per chunk.
    """
    chunk = chunk or model.CHUNK
    r = rendered(f, settings)
    t = f.issues
    labels = {int(s): json.dumps(s.label) for s in Severity}
    for start in range(0, len(t), chunk):
        part = slice(start, start + chunk)
        lines = [
            f'{PAD}{{"code": {c}, "severity": {labels[s]}, "row": {row or "null"}, '
            f'"field": {fld}, "column": {col}, "cell": {cell}, "value": {v}, '
            f'"message": {m}, "fix": {x}}}'
            for c, s, row, fld, col, cell, v, m, x in zip(
                _encoded(t.code[part]), t.severity[part].tolist(), t.row[part].tolist(),
                _encoded(t.field[part]), _encoded(t.column[part]), _cells(t.take(part), f.is_csv),
                _encoded(r.value[part]), _encoded(r.message[part]), _encoded(r.fix[part]),
                strict=True)
        ]
        yield ",\n".join(lines)


def _cells(part: IssueTable, is_csv: bool) -> list[str]:
    """Each finding's cell as JSON text: ``"B15"`` (letters and digits, nothing to escape)."""
    cells = part.cells(is_csv)
    if all(x is None or x.isascii() and x.isalnum() for x in pd.unique(part.letter).tolist()):
        return ['"' + c + '"' if c is not None else "null" for c in cells.tolist()]
    return _encoded(cells)


def _encoded(values: np.ndarray) -> list[str]:
    """Each value as JSON text (``None`` -> ``null``), every distinct value encoded once."""
    inverse, uniques = pd.factorize(values, use_na_sentinel=False)
    texts = np.array([_json(u) for u in uniques.tolist()], dtype=object)
    return texts[inverse].tolist()


def _json(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):  # factorize's NaN: None
        return "null"
    return json.dumps(value if isinstance(value, str | int | float) else str(value),
                      ensure_ascii=False)


def render(report: Report, settings: Settings, out: TextIO) -> None:
    r"""Write the JSON report to ``out``, streamed (:func:`write_files`).

    On a stream that cannot hold every character (a Windows console in cp1252 or cp437, a
    ``LANG=C`` terminal), non-ASCII characters are written as JSON escapes (``\u00e9``): the
    same JSON value, nothing lost, no ``UnicodeEncodeError``.
    """
    write_files(report.files, report.version, settings, out,
                escape=not _holds_unicode(out))
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
