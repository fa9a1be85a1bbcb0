r"""CSV and TSV files -> one :class:`Grid`: encoding, delimiter, quoted newlines, line numbers.

Stage ① read. Encoding: a BOM (UTF-8, UTF-16 LE/BE) decides; UTF-16 without a BOM is recognised by
its NUL bytes; otherwise strict UTF-8, else cp1252 (Indonesian Excel "CSV" exports), else latin-1.
Delimiter: among ``,`` ``;`` tab ``|`` the one whose count outside quotes is the same on most of the
first lines (``csv.Sniffer`` guesses wrongly on such files). Every value is text.

Two parsers give the same :class:`Grid`:

* the fast path (:func:`_parse_fast`), for files where no quoted cell holds a line break
  (Excel quotes only cells with a delimiter, a quote or a line break): then a record is a line.
  A line without a quote character is what lies between delimiters, so pyarrow's C++ CSV reader
  (quoting off) parses those; the few lines with a quote go through the ``csv`` module one by
  one, and its strict mode proves that each is a whole record. Rows whose field count differs
  from the usual one (ragged rows, a title line without delimiters) come back through pyarrow's
  invalid-row handler with their line number and are split in Python, and a NumPy scan of the
  line breaks tells blank lines from rows of empty fields;
* the stdlib ``csv`` module for everything else (quoted line breaks, quote quirks such as
  ``"a"b``); when a record spans several lines, a second pass (:class:`_Records`) gives each
  record's first line and reads again, as records, the lines a quote that is never closed
  made into one cell (reported as ``CSV_QUOTE_UNCLOSED``): every record is read and counted.

Both follow Python's text layer: ``\r\n``, ``\n`` and a lone ``\r`` each end a line; an empty
line is a record without fields. Cost (2-core test machine, 15 columns): fast path 0.15-0.3 s
for 100k rows, ~2 s for 1M (half of it making the grid's Python strings, a quarter pyarrow's
parse); ``csv`` module ~1 s and ~12 s.

Why one module of ~690 lines: encoding, delimiter sniffing, the pyarrow fast path and the record-
by-record fallback for broken quotes must agree line for line.
"""

from __future__ import annotations

import array
import codecs
import collections
import contextlib
import csv
import io
import itertools
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from pyarrow import csv as pacsv

from pmkscheck.errors import InputError
from pmkscheck.read.grid import Grid

DELIMITERS = (",", ";", "\t", "|")
_BLOCK = 65_536
_SNIFF_CHARS = 65_536
_SNIFF_LINES = 60
#: pyarrow parses this many bytes at a time; a longer line sends the file to the ``csv`` module
#: (whose field size limit, 16M characters, is then the one that applies).
_ARROW_BLOCK = 1 << 23
#: Lines looked at to find the usual number of fields of a record (fast path).
_WIDTH_LINES = 200
#: A quoted cell that runs over this many lines, each looking like a whole record, is taken for
#: an unclosed quote without parsing it to its end (which could pass the ``csv`` module's
#: 16M-character field limit and would hold the rest of the file as one string).
_SWALLOW_LINES = 1000
#: A column whose first values repeat this much shares one string object per distinct value.
_SHARE_SAMPLE, _SHARE_MAX = 2000, 200


@dataclass(frozen=True)
class TextInfo:
    """Encoding and delimiter found for a text file."""

    encoding: str
    delimiter: str
    #: ``(line, lines swallowed)`` of every quote that opens a cell and is never closed
    #: (:class:`_Records`): the line where it opens and how many lines it made into that cell.
    unclosed: tuple[tuple[int, int], ...] = ()

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

    Files whose records are lines take the fast path (:func:`_parse_fast`). Other files are
    streamed (never held in memory as one string) through the C ``csv`` reader in blocks; when
    some record spans several lines (a quoted line break), the file is parsed a second time
    record by record to get each record's first line.
    """
    encoding = detect_encoding(path, head)
    label = encoding
    if encoding == "utf-16":
        label = "utf-16-be" if head.startswith(codecs.BOM_UTF16_BE) else "utf-16-le"
    unclosed: list[tuple[int, int]] = []
    try:
        with open(path, encoding=encoding, errors="replace", newline="") as fh:
            head = fh.read(_SNIFF_CHARS)
        delimiter = sniff_delimiter(head)
        grid = _parse_fast(path, encoding, delimiter)
        if grid is None:
            grid = _parse_csv(path, encoding, delimiter, _line_width(head, delimiter), unclosed)
    except csv.Error as exc:
        raise InputError("INPUT_CORRUPT", path, reason=f"CSV: {type(exc).__name__}") from None
    except OSError as exc:
        raise InputError("INPUT_UNREADABLE", path, reason=type(exc).__name__) from None
    return grid, TextInfo(encoding=label, delimiter=delimiter, unclosed=tuple(unclosed))


def _line_width(head: str, delimiter: str) -> int:
    """Usual number of fields of a record among the first ones (ties: the wider).

    What a line that "looks like a whole record" has (:class:`_Records`). Counted on the
    records that start and end on one line (delimiters outside quotes): the lines of a
    multi-line cell never are such records, and neither are the lines after a quote left open
    (they are "inside" it until another quote); when there are none, on every non-blank line.
    """
    lines = head.splitlines()[:_WIDTH_LINES]
    counts: Counter[int] = Counter()
    inside = False
    for line in lines:
        start_inside = inside
        n = 0
        for part_no, part in enumerate(line.split('"')):
            if part_no:
                inside = not inside
            if not inside:
                n += part.count(delimiter)
        if not start_inside and not inside and line.strip():
            counts[n + 1] += 1
    if not counts:
        counts = Counter(line.count(delimiter) + 1 for line in lines if line.strip())
    if not counts:
        return 0
    return max(counts.items(), key=lambda kv: (kv[1], kv[0]))[0]


def _parse_csv(path: Path, encoding: str, delimiter: str, width: int = 0,
               unclosed: list[tuple[int, int]] | None = None) -> Grid:
    """The grid of any text file, by the stdlib ``csv`` module (streamed).

    The first pass is the plain C reader. When a record spanned several lines, or the last
    line leaves a quote open, the file is read again record by record (:class:`_Records`),
    which gives each record's first line and finds the quotes never closed (appended to
    ``unclosed``); only then (rare) is the grid built a third time from :class:`_Records`,
    which reads the lines such a quote swallowed as records.
    """
    grid: Grid | None = None
    with open(path, encoding=encoding, errors="replace", newline="") as fh:
        reader = _reader(fh, delimiter)
        try:
            grid = _parse(reader)
            # every record on one line <=> lines read == records: row number = record number
            multiline = reader.line_num != grid.n_rows
        except csv.Error:  # e.g. a quote never closed made a cell past the field size limit
            multiline = True
    if multiline or _last_line_open(path, encoding, delimiter):
        with open(path, encoding=encoding, errors="replace", newline="") as fh:
            records = _Records(fh, delimiter, width)
            collections.deque(records, maxlen=0)  # first lines and unclosed quotes only
        if records.unclosed or grid is None:  # the records differ from the first pass's
            with open(path, encoding=encoding, errors="replace", newline="") as fh:
                records = _Records(fh, delimiter, width)
                grid = _parse(records)
        grid.rows = np.asarray(records.starts, dtype=np.int64)
        if unclosed is not None:
            unclosed.extend(records.unclosed)
    assert grid is not None
    return grid


def _last_line_open(path: Path, encoding: str, delimiter: str) -> bool:
    """Whether the last line, read alone, leaves a quoted cell open at the end of the file."""
    with open(path, "rb") as fh:
        bom = fh.read(2)
        size = fh.seek(0, 2)
        start = max(0, size - _SNIFF_CHARS)
        start -= start % 2 if encoding.startswith("utf-16") else 0
        fh.seek(start)
        tail = fh.read()
    if b'"' not in tail:
        return False
    if start and encoding == "utf-16":  # the BOM is not in the tail
        encoding = "utf-16-be" if bom == codecs.BOM_UTF16_BE else "utf-16-le"
    elif start and encoding == "utf-8-sig":
        encoding = "utf-8"
    lines = [line for line in re.split(r"\r\n|\r|\n", tail.decode(encoding, errors="replace"))
             if line]
    if not lines:
        return False
    try:
        list(_reader([lines[-1]], delimiter, strict=True))
    except csv.Error:
        return True
    return False


def _reader(lines, delimiter: str, strict: bool = False):
    csv.field_size_limit(1 << 24)
    return csv.reader(lines, delimiter=delimiter, quotechar='"', doublequote=True, strict=strict)


class _Records:
    r"""Records of a text file, with the first line of each, and unclosed quotes undone.

    A quote that opens a cell and is never closed makes the ``csv`` module read every line up
    to the next quote (or the end of the file) as one cell: 47 people inside one "Nama". A
    record spanning lines ``L..M`` is taken for such a quote, and not for a cell that really
    holds line breaks (an address on two lines), when

    * the file ends inside the quoted cell; or
    * every non-blank line between ``L`` and ``M`` (if any) looks like a whole record: as
      many delimiters as the usual record, ``width - 1``, or more; and the record does not end
      as a real multi-line cell does (Excel quotes each such cell and writes the same number
      of fields on every record): it has a number of fields other than ``width``, or its cell
      is "closed" by a quote followed by text (``…\n10;647…;"Budi``: the opening quote of a
      later line's cell).

    Then line ``L`` is split on its own, the opening quote kept as text (``"Siti Aminah``), the
    lines after it are read again as records, and ``(L, M - L)`` is noted in ``unclosed``.
    The lines of the record being read are kept for this (one record's worth of text).
    """

    def __init__(self, fh, delimiter: str, width: int) -> None:
        self._lines = iter(fh)
        self._pending: collections.deque[str] = collections.deque()
        self._taken: list[str] = []
        self._eof = False
        self._line = 1  # number of the first line in ``_taken``
        self._delimiter = delimiter
        self._width = width
        self._reader = _reader(_Pull(self._pull), delimiter)
        self.starts = array.array("q")
        self.unclosed: list[tuple[int, int]] = []

    def __iter__(self) -> _Records:
        return self

    def __next__(self) -> list[str]:
        try:
            record = next(self._reader)  # pulls lines through :meth:`_pull`
        except _Swallowing:  # stopped early: read on to where the quote would close
            while not self._eof and '"' not in self._taken[-1]:
                with contextlib.suppress(StopIteration):
                    self._pull()
            record = None
        taken, start = self._taken, self._line
        self._taken = []
        self.starts.append(start)
        if len(taken) > 1 or self._eof:  # a quoted cell went past the end of its line
            split = _split_open(taken[0], self._delimiter) if record is None else (
                self._unclosed(record, taken))
            if split is not None:
                self.unclosed.append((start, len(taken) - 1))
                self._pending.extendleft(reversed(taken[1:]))  # read again, as records
                self._eof = False
                self._reader = _reader(_Pull(self._pull), self._delimiter)  # a fresh state
                self._line = start + 1
                return split
        self._line = start + len(taken)
        return record

    def _pull(self) -> str:
        if self._pending:
            line = self._pending.popleft()
        else:
            try:
                line = next(self._lines)
            except StopIteration:
                self._eof = True
                raise
        self._taken.append(line)
        if len(self._taken) == _SWALLOW_LINES and self._width >= 2 and all(
                x.count(self._delimiter) >= self._width - 1
                for x in self._taken[1:] if x.strip()):
            raise _Swallowing  # no cell holds that many whole records: don't parse it all
        return line

    def _unclosed(self, record: list[str], taken: list[str]) -> list[str] | None:
        """Fields of line ``L`` alone when ``record`` comes from an unclosed quote, else None."""
        d, width = self._delimiter, self._width
        eof = self._eof and bool(taken)
        if not eof:
            if width < 2:
                return None
            inside = taken[1:-1]
            looks = [line for line in inside if line.strip()]
            if (inside and not looks) or not all(line.count(d) >= width - 1 for line in looks):
                return None
            if len(record) == width and not _quirk("".join(taken), d):
                return None  # closed as a cell is, with the usual number of fields
        return _split_open(taken[0], d)


class _Swallowing(Exception):  # noqa: N818 - a signal, not an error
    """A quoted cell has run over :data:`_SWALLOW_LINES` lines that each look like a record."""


class _Pull:
    """An iterator calling ``pull`` (the ``csv`` reader's input)."""

    __slots__ = ("pull",)

    def __init__(self, pull) -> None:
        self.pull = pull

    def __iter__(self) -> _Pull:
        return self

    def __next__(self) -> str:
        return self.pull()


def _quirk(text: str, delimiter: str) -> bool:
    """Whether the strict ``csv`` reader refuses ``text`` (a quote followed by text)."""
    try:
        list(_reader(io.StringIO(text, newline=""), delimiter, strict=True))
    except csv.Error:
        return True
    return False


def _split_open(line: str, delimiter: str) -> list[str]:
    """Fields of a line whose last cell opens a quote that is never closed: quote kept as text.

    In the open cell every quote is doubled (a single one would have closed it), so its raw
    text is the parsed value with quotes doubled again; from the opening quote on, the line is
    split at each delimiter.
    """
    text = line.rstrip("\r\n")
    fields = next(_reader([text], delimiter), [])
    if fields:
        raw = fields[-1].replace('"', '""')
        at = len(text) - len(raw) - 1
        if at >= 0 and text[at] == '"' and text.endswith(raw):
            return [*fields[:-1], *text[at:].split(delimiter)]
    return text.split(delimiter)


def _parse(reader) -> Grid:
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
    return Grid(name=None, cols=cols, kinds=None, rows=np.arange(1, n + 1, dtype=np.int64),
                widths=np.asarray(widths, dtype=np.int64))


def _columns(block: list[list[str]], widths: list[int]) -> tuple[int, list[np.ndarray]]:
    """One block of records -> its columns (short records padded with empty cells)."""
    lens = list(map(len, block))
    widths.extend(lens)
    w = max(lens)
    if lens.count(w) != len(lens):
        block = [r + [""] * (w - len(r)) if len(r) != w else r for r in block]
    cols = [_share_column(c) for c in zip(*block, strict=True)] if w else []
    return len(block), cols


def _share_column(values: tuple[str, ...]) -> np.ndarray:
    r"""Column of one block (``csv`` module path): ``""`` -> ``None``; repeats share one object.

    Python's own dict does the sharing: pandas' factorize compares strings only up to a NUL
    character (``"a\x00b"`` and ``"a\x00c"`` would become one value), and a broken export may
    hold NULs.
    """
    arr = np.empty(len(values), dtype=object)
    if len(set(values[:_SHARE_SAMPLE])) <= _SHARE_MAX:
        seen: dict[str, str] = {}
        arr[:] = list(map(seen.setdefault, values, values))
    else:
        arr[:] = values
    arr[arr == ""] = None
    return arr


def _parse_fast(path: Path, encoding: str, delimiter: str) -> Grid | None:
    """The grid of a file whose records are lines, or ``None`` when the fast path doesn't apply.

    Returns ``None`` (the caller then uses the ``csv`` module) when a line with a quote isn't a
    whole record by itself (:func:`_quoted_lines`), when the usual record
    (:func:`_usual_width`) has fewer than two fields, when a line is longer than
    :data:`_ARROW_BLOCK`, or when anything pyarrow reports disagrees with the line scan.
    """
    data = _utf8_bytes(path, encoding)
    starts, ends = _line_spans(data)
    if not len(starts):
        return None
    quoted = _quoted_lines(data, starts, ends, delimiter)
    if quoted is None:
        return None
    sep = delimiter.encode("ascii")
    width = _usual_width(data, starts, ends, sep, quoted)
    if width < 2:
        return None
    names = [f"f{j}" for j in range(width)]
    invalid: list[tuple[int | None, str]] = []

    def keep_aside(row: pacsv.InvalidRow) -> str:
        invalid.append((row.number, row.text))
        return "skip"

    try:
        table = pacsv.read_csv(
            pa.py_buffer(data),
            read_options=pacsv.ReadOptions(column_names=names, use_threads=False,
                                           block_size=_ARROW_BLOCK),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter, quote_char=False, double_quote=False, escape_char=False,
                newlines_in_values=False, ignore_empty_lines=False,
                invalid_row_handler=keep_aside),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()), null_values=[],
                strings_can_be_null=False, quoted_strings_can_be_null=False, check_utf8=True))
    except pa.ArrowInvalid:  # a line longer than a block
        return None
    n = len(starts)
    odd = _odd_rows(data, starts, ends, invalid, delimiter)
    if odd is None or table.num_rows + len(odd) != n:
        return None
    del data  # memory: from here on, each Arrow column is let go once converted
    columns, table = table.columns, None
    aside = np.fromiter(odd, dtype=np.int64, count=len(odd))  # lines missing from the table
    odd.update(quoted)  # pyarrow made fields of the quoted lines too: the csv module's win
    widths = np.where(starts == ends, 0, width)  # an empty line is a record without fields
    for i, fields in odd.items():
        widths[i] = len(fields)
    n_cols = int(widths.max())  # below ``width`` if only quoted lines had that many delimiters
    cols = []
    for j in range(width):
        cols.append(_text_array(columns[j]))
        columns[j] = None
    if odd:
        cols = _with_odd_rows(cols, n, n_cols, aside, odd)
    return Grid(name=None, cols=cols, kinds=None, rows=np.arange(1, n + 1, dtype=np.int64),
                widths=widths.astype(np.int64))


def _utf8_bytes(path: Path, encoding: str) -> bytes:
    """The file's content as UTF-8 without BOM, decoded as :func:`read_text`'s ``open`` does.

    A file :func:`detect_encoding` validated as UTF-8 is used as it is; so is the rest of a
    UTF-8 file after its BOM once checked. Other content is decoded with ``errors="replace"``
    and encoded again.
    """
    raw = path.read_bytes()
    if encoding == "utf-8":
        return raw
    if encoding == "utf-8-sig" and raw.startswith(codecs.BOM_UTF8):
        if _is_utf8(memoryview(raw)[3:]):
            return raw[3:]
    return raw.decode(encoding, errors="replace").encode("utf-8")


def _is_utf8(data: memoryview) -> bool:
    """Whether ``data`` is valid UTF-8 (checked 1 MB at a time)."""
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    try:
        for at in range(0, len(data), 1 << 20):
            decoder.decode(data[at:at + (1 << 20)])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _line_spans(data: bytes) -> tuple[np.ndarray, np.ndarray]:
    r"""Byte offsets where each line starts and where its text ends (before the line break).

    Lines end as in Python's text layer with ``newline=""`` (and pyarrow): ``\r\n``, ``\n``,
    or a ``\r`` not followed by ``\n``. A last line without a line break counts; nothing after
    a final line break does.
    """
    a = np.frombuffer(data, dtype=np.uint8)
    breaks = np.flatnonzero(a == 10)
    cr = np.flatnonzero(a == 13)
    text_ends = breaks
    if len(cr):
        after = np.minimum(cr + 1, len(a) - 1)
        lone = cr[(cr + 1 == len(a)) | (a[after] != 10)]
        if len(lone):
            breaks = np.sort(np.concatenate((breaks, lone)))
        text_ends = breaks - ((a[breaks] == 10) & (a[np.maximum(breaks - 1, 0)] == 13)
                              & (breaks > 0))
    starts = np.concatenate(([0], breaks + 1))
    if len(breaks) and breaks[-1] == len(a) - 1:
        starts = starts[:-1]  # nothing after the last line break
    ends = np.concatenate((text_ends, [len(a)]))[: len(starts)]
    return starts, ends


def _quoted_lines(data: bytes, starts: np.ndarray, ends: np.ndarray,
                  delimiter: str) -> dict[int, list[str]] | None:
    """Fields of every line holding a quote, by 0-based line; ``None`` unless each is a record.

    The lines go through the ``csv`` module together, without their line breaks and in strict
    mode, which raises on an unterminated quoted field (at the end) and on a quote quirk: a line
    that isn't a whole record either raises or joins the next one, and then there are fewer
    records than lines. Otherwise each line started and ended a record, so its fields are the
    ones the file-wide ``csv`` reader finds (strict mode changes no value, only errors).
    ``None`` as well when most lines hold a quote (every cell quoted): the ``csv`` module then
    reads the whole file, at the same cost.
    """
    if b'"' not in data:
        return {}
    at = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == ord('"'))
    lines = np.unique(np.searchsorted(starts, at, side="right") - 1).tolist()
    if len(lines) > len(starts) // 2:
        return None
    texts = [data[starts[i]:ends[i]].decode("utf-8") for i in lines]
    try:
        records = list(_reader(texts, delimiter, strict=True))
    except csv.Error:
        return None
    if len(records) != len(texts):
        return None
    return dict(zip(lines, records, strict=True))


def _usual_width(data: bytes, starts: np.ndarray, ends: np.ndarray, sep: bytes,
                 quoted: dict[int, list[str]]) -> int:
    """Most frequent number of fields among the first non-empty lines (ties: the wider)."""
    counts = Counter(len(quoted[i]) if i in quoted else data[s:e].count(sep) + 1
                     for i, (s, e) in enumerate(zip(starts[:_WIDTH_LINES].tolist(),
                                                    ends[:_WIDTH_LINES].tolist(), strict=True))
                     if e > s)
    if not counts:
        return 0
    return max(counts.items(), key=lambda kv: (kv[1], kv[0]))[0]


def _odd_rows(data: bytes, starts: np.ndarray, ends: np.ndarray,
              invalid: list[tuple[int | None, str]], delimiter: str
              ) -> dict[int, list[str]] | None:
    """Fields of the rows pyarrow set aside, by 0-based line; ``None`` if anything disagrees.

    Each row's text is taken from the line scan and must equal pyarrow's.
    """
    odd: dict[int, list[str]] = {}
    for number, text in invalid:
        if number is None or not 1 <= number <= len(starts) or number - 1 in odd:
            return None
        i = number - 1
        try:
            line = data[starts[i]:ends[i]].decode("utf-8")
        except UnicodeDecodeError:
            return None
        if line != text:
            return None
        odd[i] = line.split(delimiter) if line else []
    return odd


def _text_array(values: pa.ChunkedArray) -> np.ndarray:
    """One Arrow string column -> object array, ``""`` -> ``None``.

    A repetitive column (few distinct values among its first ones: desa, kecamatan, jenis...)
    is dictionary-encoded so that equal values share one string object, which saves most of the
    memory such columns take at 1M rows; others are converted as they are.
    """
    values = values.combine_chunks()
    if pc.count_distinct(values.slice(0, _SHARE_SAMPLE)).as_py() <= _SHARE_MAX:
        encoded = values.dictionary_encode()
        uniques = encoded.dictionary.to_numpy(zero_copy_only=False)
        uniques[uniques == ""] = None
        return uniques.take(encoded.indices.to_numpy())
    empty = pc.equal(values, "")
    return pc.if_else(empty, pa.scalar(None, pa.string()), values).to_numpy(zero_copy_only=False)


def _with_odd_rows(cols: list[np.ndarray], n: int, n_cols: int, aside: np.ndarray,
                   odd: dict[int, list[str]]) -> list[np.ndarray]:
    """Full-height columns: pyarrow's rows where they belong, then the ``odd`` lines' fields.

    ``aside`` are the lines pyarrow set aside (not in its columns); ``odd`` holds them and the
    quoted lines, whose fields replace pyarrow's.
    """
    at = np.fromiter(odd, dtype=np.int64, count=len(odd))
    regular = np.ones(n, dtype=bool)
    regular[aside] = False
    out = []
    for j in range(n_cols):
        col = np.full(n, None, dtype=object)
        if j < len(cols):
            col[regular] = cols[j]
        col[at] = _share_column(tuple(fields[j] if j < len(fields) else ""
                                      for fields in odd.values()))
        out.append(col)
    return out
