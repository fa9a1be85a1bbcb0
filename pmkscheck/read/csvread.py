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
import itertools
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


def detect_encoding(path: Path, head: bytes) -> str:
    """Encoding of a text file: BOM, UTF-16 by NUL pattern, strict UTF-8 (streamed), cp1252.

    The returned name is one ``open()`` understands and that drops a BOM (``utf-8-sig``,
    ``utf-16``).
    """
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    sample = head[:4096]
    if len(sample) >= 4 and sample.count(0) >= len(sample) // 4:
        return "utf-16-le" if sample[1::2].count(0) >= sample[0::2].count(0) else "utf-16-be"
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    decoder = codecs.getincrementaldecoder("cp1252")("strict")
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(1 << 20):
                decoder.decode(chunk)
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"


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
    r"""Pick the delimiter whose per-line count is most consistent (and non-zero).

    >>> sniff_delimiter('No;Nama;Alamat\n1;"Ali, S.Pd";Jl. A, RT 2\n')
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


def read_text(path: Path, head: bytes) -> tuple[Grid, TextInfo]:
    """Parse a CSV/TSV file into a :class:`Grid` (row numbers = first line of each record).

    The file is streamed (never held in memory as one string); records are parsed by the C
    ``csv`` reader in blocks. When some record spans several lines (a quoted line break), the
    file is parsed a second time record by record to get each record's first line.
    """
    encoding = detect_encoding(path, head)
    label = encoding
    if encoding == "utf-16":
        label = "utf-16-be" if head.startswith(codecs.BOM_UTF16_BE) else "utf-16-le"
    try:
        with open(path, encoding=encoding, errors="replace", newline="") as fh:
            delimiter = sniff_delimiter(fh.read(_SNIFF_CHARS))
        with open(path, encoding=encoding, errors="replace", newline="") as fh:
            grid, multiline = _parse(fh, delimiter)
    except csv.Error as exc:
        raise InputError("INPUT_CORRUPT", path, reason=f"CSV: {type(exc).__name__}") from None
    except OSError as exc:
        raise InputError("INPUT_UNREADABLE", path, reason=type(exc).__name__) from None
    if multiline:
        with open(path, encoding=encoding, errors="replace", newline="") as fh:
            grid.rows = _record_starts(fh, delimiter, grid.n_rows)
    return grid, TextInfo(encoding=label, delimiter=delimiter)


def _reader(fh, delimiter: str):
    csv.field_size_limit(1 << 24)
    return csv.reader(fh, delimiter=delimiter, quotechar='"', doublequote=True, strict=False)


def _parse(fh, delimiter: str) -> tuple[Grid, bool]:
    reader = _reader(fh, delimiter)
    widths: list[int] = []
    blocks: list[tuple[int, list[np.ndarray]]] = []
    n = 0
    while block := list(itertools.islice(reader, _BLOCK)):
        blocks.append(_columns(block, widths))
        n += len(block)
    width = max((len(c) for _, c in blocks), default=0)
    cols: list[np.ndarray] = []
    for j in range(width):
        parts = [c[j] if j < len(c) else np.full(k, None, dtype=object) for k, c in blocks]
        cols.append(np.concatenate(parts) if len(parts) > 1 else parts[0])
    grid = Grid(name=None, cols=cols, kinds=None, rows=np.arange(1, n + 1, dtype=np.int64),
                widths=np.asarray(widths, dtype=np.int64))
    # every record on one line <=> lines read == records: row number = record number
    return grid, reader.line_num != n


def _record_starts(fh, delimiter: str, n: int) -> np.ndarray:
    """First line of each record (slow path, only for files with quoted line breaks)."""
    reader = _reader(fh, delimiter)
    starts = np.empty(n, dtype=np.int64)
    line = 1
    for i, _ in enumerate(reader):
        starts[i] = line
        line = reader.line_num + 1
    return starts


def _columns(block: list[list[str]], widths: list[int]) -> tuple[int, list[np.ndarray]]:
    """One block of records -> its columns (short records padded with empty cells)."""
    lens = list(map(len, block))
    widths.extend(lens)
    w = max(lens)
    if lens.count(w) != len(lens):
        block = [r + [""] * (w - len(r)) if len(r) != w else r for r in block]
    cols = [intern_column(c) for c in zip(*block, strict=True)] if w else []
    return len(block), cols
