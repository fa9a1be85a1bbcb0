"""CSV and TSV files -> one :class:`Grid`: encoding, delimiter, quoted newlines, line numbers.

Stage ① read. Encoding: a BOM (UTF-8, UTF-16 LE/BE) decides; UTF-16 without a BOM is recognised by
its NUL bytes; otherwise strict UTF-8, else cp1252 (Indonesian Excel "CSV" exports), else latin-1.
Delimiter: among ``,`` ``;`` tab ``|`` the one whose count outside quotes is the same on most of the
first lines (``csv.Sniffer`` guesses wrongly on such files). Records are parsed by the stdlib
``csv`` module, whose ``line_num`` gives each record's first line even when a quoted cell holds a
line break. Every value is text.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pmkscheck.errors import InputError
from pmkscheck.read.grid import Grid, intern_column

DELIMITERS = (",", ";", "\t", "|")
_BLOCK = 65_536
_SNIFF_CHARS = 65_536
_SNIFF_LINES = 60


@dataclass(frozen=True)
class TextInfo:
    """Encoding and delimiter found for a text file."""

    encoding: str
    delimiter: str

    @property
    def format(self) -> str:
        """``tsv`` for tab-separated files, else ``csv``."""
        return "tsv" if self.delimiter == "\t" else "csv"


def decode(raw: bytes) -> tuple[str, str]:
    """Bytes -> (text, encoding name) following the rules in the module docstring."""
    if raw.startswith(codecs.BOM_UTF8):
        return raw[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if raw.startswith(codecs.BOM_UTF16_LE):
        return raw[2:].decode("utf-16-le", errors="replace"), "utf-16-le"
    if raw.startswith(codecs.BOM_UTF16_BE):
        return raw[2:].decode("utf-16-be", errors="replace"), "utf-16-be"
    head = raw[:4096]
    if len(head) >= 4 and head.count(0) >= len(head) // 4:
        odd_nuls = head[1::2].count(0)
        even_nuls = head[0::2].count(0)
        enc = "utf-16-le" if odd_nuls >= even_nuls else "utf-16-be"
        return raw.decode(enc, errors="replace"), enc
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return raw.decode("latin-1"), "latin-1"


def _counts_outside_quotes(line_iter: list[str]) -> dict[str, list[int]]:
    """Per delimiter, its count on each logical line (quotes respected, across line breaks)."""
    counts = {d: [] for d in DELIMITERS}
    current = dict.fromkeys(DELIMITERS, 0)
    in_quotes = False
    for line in line_iter:
        for ch in line:
            if ch == '"':
                in_quotes = not in_quotes
            elif not in_quotes and ch in current:
                current[ch] += 1
        if in_quotes:
            continue  # the record goes on on the next line
        if line.strip():
            for d in DELIMITERS:
                counts[d].append(current[d])
        current = dict.fromkeys(DELIMITERS, 0)
    return counts


def sniff_delimiter(text: str) -> str:
    """Pick the delimiter whose per-line count is most consistent (and non-zero).

    >>> sniff_delimiter('No;Nama;Alamat\\n1;"Ali, S.Pd";Jl. A, RT 2\\n')
    ';'
    """
    lines = text[:_SNIFF_CHARS].splitlines()[:_SNIFF_LINES]
    counts = _counts_outside_quotes(lines)
    best, best_score = ",", (-1.0, 0)
    for d in DELIMITERS:
        per_line = [c for c in counts[d] if c > 0]
        if not per_line:
            continue
        mode, freq = Counter(per_line).most_common(1)[0]
        # share of lines agreeing on the mode; lines without the delimiter count against it
        score = (freq / max(len(counts[d]), 1), mode)
        if score > best_score:
            best, best_score = d, score
    return best


def read_text(path: Path, raw: bytes) -> tuple[Grid, TextInfo]:
    """Parse a CSV/TSV file's bytes into a :class:`Grid` (row numbers = first line of each record)."""
    text, encoding = decode(raw)
    if text.startswith("\ufeff"):
        text = text[1:]
    delimiter = sniff_delimiter(text)
    try:
        grid = _parse(text, delimiter)
    except csv.Error as exc:
        raise InputError("INPUT_CORRUPT", path, reason=f"CSV: {type(exc).__name__}") from None
    return grid, TextInfo(encoding=encoding, delimiter=delimiter)


def _parse(text: str, delimiter: str) -> Grid:
    csv.field_size_limit(1 << 24)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"',
                        doublequote=True, strict=False)
    starts: list[int] = []
    widths: list[int] = []
    blocks: list[tuple[int, list[np.ndarray]]] = []
    block: list[list[str]] = []
    line = 1
    for record in reader:
        starts.append(line)
        line = reader.line_num + 1
        block.append(record)
        if len(block) >= _BLOCK:
            blocks.append(_columns(block, widths))
            block = []
    if block:
        blocks.append(_columns(block, widths))
    width = max((len(c) for _, c in blocks), default=0)
    cols: list[np.ndarray] = []
    for j in range(width):
        parts = [c[j] if j < len(c) else np.full(n, None, dtype=object) for n, c in blocks]
        cols.append(np.concatenate(parts) if len(parts) > 1 else parts[0])
    return Grid(name=None, cols=cols, kinds=None, rows=np.asarray(starts, dtype=np.int64),
                widths=np.asarray(widths, dtype=np.int64))


def _columns(block: list[list[str]], widths: list[int]) -> tuple[int, list[np.ndarray]]:
    """One block of records -> its columns (short records padded with empty cells)."""
    lens = [len(r) for r in block]
    widths.extend(lens)
    w = max(lens)
    if any(n != w for n in lens):
        block = [r + [""] * (w - len(r)) if len(r) != w else r for r in block]
    cols = [intern_column(list(c)) for c in zip(*block, strict=True)] if w else []
    return len(block), cols
