"""Shape of a recap sheet: header groups (jenis x L/P/Jumlah), wilayah rows and Jumlah rows.

Stage ① read (for ``pmks-rekap`` tables). The reader's header finder
(:func:`pmkscheck.read.layout.find_layout`) gives the header block and its column parts; this
module decides, from the sheet grid itself:

* **wide** -- one column group per jenis PMKS (header mapped with
  :func:`pmkscheck.domain.jenis.classify_jenis`, the same variant rules as person lists), each
  group one column or ``L`` | ``P`` [| ``Jumlah``] sub-columns; ``Jumlah`` columns without a jenis
  are the row totals;
* **long** -- a ``Jenis PMKS`` column whose *values* are jenis names, and ``L`` / ``P`` /
  ``Jumlah`` count columns;

and which rows are wilayah rows, ``Jumlah``/``Total`` rows (totals of the rows above them) and
trailing notes or signatures (ignored).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from pmkscheck.domain.jenis import classify_jenis
from pmkscheck.read.grid import Grid
from pmkscheck.read.layout import Layout, find_layout
from pmkscheck.schema import Schema
from pmkscheck.schema.model import fold_header
from pmkscheck.settings import Settings
from pmkscheck.table import KIND_EMPTY, SourceTable, column_letter

SEX_L = frozenset({"l", "lk", "laki", "lakilaki", "pria", "jumlahl", "jumlahlakilaki"})
SEX_P = frozenset({"p", "pr", "perempuan", "wanita", "jumlahp", "jumlahperempuan"})
TOTAL = frozenset({"jumlah", "total", "jml", "lp", "jumlahlp", "totallp", "jumlahtotal",
                   "jumlahkeseluruhan", "totalkeseluruhan", "subtotal", "grandtotal"})
_TOTAL_ROW = re.compile(r"^\s*(?:sub\s*-?\s*total|grand\s+total|total|jumlah|jml\.?)\b",
                        re.IGNORECASE)
_SKIP_FIELDS = frozenset({"no", "kode", "wilayah", "keterangan"})


@dataclass
class CountCol:
    """One count column.

    Attributes:
        index: 0-based grid column.
        letter: its spreadsheet letter.
        header: header as written (parts joined with " / ").
        group: index into :attr:`RekapShape.groups` (wide) or 0 (long).
        sex: ``"L"``, ``"P"`` or ``"T"`` (both / the group's Jumlah).
    """

    index: int
    letter: str
    header: str
    group: int
    sex: str


@dataclass
class Group:
    """A jenis column group (wide) or the long table's count columns.

    Attributes:
        jenis: official jenis name; ``None`` for the row-total group ("Jumlah") and for long tables.
        text: the jenis header as written (``None`` for long tables).
        kind: how the header matched (``exact``, ``variant``, ``unknown``, ``ambiguous``,
            ``psks``, ``total``, ``long``).
        options: suggestions for an unknown header.
        row: user row of the header cell naming the group; letter: its column letter.
        cols: sex -> grid column.
    """

    jenis: str | None
    text: str | None
    kind: str
    options: tuple[str, ...] = ()
    row: int | None = None
    letter: str | None = None
    cols: dict[str, int] = field(default_factory=dict)
    first_letter: str | None = None  # kind "duplicate": letter of the first group


@dataclass
class RekapShape:
    """A recap sheet as located in its grid."""

    form: str  # "wide" | "long"
    grid: Grid
    layout: Layout
    wilayah_col: int
    kode_col: int | None
    jenis_col: int | None
    groups: list[Group]
    counts: list[CountCol]
    data_rows: np.ndarray  # grid indices of wilayah rows
    total_rows: np.ndarray  # grid indices of Jumlah rows
    wilayah_header: str = ""

    def letter(self, col: int) -> str:
        """Spreadsheet letter of a grid column."""
        return column_letter(col)

    def user_rows(self, idx: np.ndarray) -> np.ndarray:
        """User row numbers of grid rows."""
        return self.grid.rows[idx]


def load_grid(table: SourceTable, settings: Settings) -> Grid:
    """The grid of the table's sheet, read again with the reader's own loaders."""
    path = Path(table.path)
    if table.is_csv:
        from pmkscheck.read.csvread import read_text

        with open(path, "rb") as fh:
            head = fh.read(8192)
        grid, _ = read_text(path, head)
        return grid
    from pmkscheck.read.workbook import Workbook

    with Workbook(path, table.format, settings.limits) as wb:
        return wb.grid(table.sheet or wb.sheets()[0].name)


def _text(value: object) -> str:
    return "" if value is None else " ".join(str(value).split())


def _sex_of(part: str) -> str | None:
    folded = fold_header(part)
    if folded in SEX_L:
        return "L"
    if folded in SEX_P:
        return "P"
    if folded in TOTAL:
        return "T"
    return None


def locate(grid: Grid, schema: Schema) -> RekapShape | None:
    """Find the recap's header, column groups and rows in ``grid`` (``None``: not a recap)."""
    layout = find_layout(grid, schema)
    if layout is None:
        return None
    fields = {hc.index: hc.field for hc in layout.columns}
    wilayah_col = next((c for c, f in fields.items() if f == "wilayah"), None)
    if wilayah_col is None:
        return None
    kode_col = next((c for c, f in fields.items() if f == "kode"), None)
    jenis_col = None
    for hc in layout.columns:
        if hc.field == "jenis" and hc.parts and classify_jenis(hc.parts[-1]).kind in (
                "unknown", "empty") and _sex_of(hc.parts[-1]) is None:
            jenis_col = hc.index
            break
    start_row = layout.end + 1 if layout.numbers_row is None else layout.numbers_row + 1
    groups: list[Group] = []
    counts: list[CountCol] = []
    by_key: dict[str, int] = {}
    for hc in layout.columns:
        c = hc.index
        if c in (wilayah_col, kode_col, jenis_col) or not hc.parts:
            continue
        if hc.field in _SKIP_FIELDS and len(hc.parts) == 1:
            continue
        sex = _sex_of(hc.parts[-1])
        jenis_text = (hc.parts[-2] if len(hc.parts) > 1 else None) if sex else hc.parts[-1]
        if sex is None:
            sex = "T"
        if jenis_col is not None:  # long: L / P / Jumlah columns, jenis in the rows
            key, group = "", Group(None, None, "long")
        elif jenis_text is None or fold_header(jenis_text) in TOTAL:
            key, group = "\x00total", Group(None, jenis_text, "total")
        else:
            m = classify_jenis(jenis_text)
            if m.kind not in ("exact", "variant") and not _has_numbers(grid, c, start_row):
                continue  # an unrecognised column without counts (notes, signatures)
            key = m.official or jenis_text
            group = Group(m.official, jenis_text, m.kind, m.options)
            group.row, group.letter = _header_cell(grid, layout, c, jenis_text)
        if key not in by_key or sex in groups[by_key[key]].cols:
            if key in by_key and group.jenis is not None:  # the same jenis again
                group.kind = "duplicate"
                group.first_letter = groups[by_key[key]].letter
            by_key[key] = len(groups)
            groups.append(group)
        g = by_key[key]
        groups[g].cols[sex] = c
        counts.append(CountCol(c, column_letter(c), hc.text, g, sex))
    if not counts:
        return None
    data_rows, total_rows = _rows(grid, start_row, wilayah_col, [k.index for k in counts],
                                  jenis_col)
    return RekapShape(
        form="long" if jenis_col is not None else "wide", grid=grid, layout=layout,
        wilayah_col=wilayah_col, kode_col=kode_col, jenis_col=jenis_col, groups=groups,
        counts=counts, data_rows=data_rows, total_rows=total_rows,
        wilayah_header=next(hc.text for hc in layout.columns if hc.index == wilayah_col),
    )


def _has_numbers(grid: Grid, col: int, start: int) -> bool:
    values = pd.Series(grid.cols[col][start:], dtype=object).dropna().astype(str)
    return bool(values.str.fullmatch(r"\s*-?[\d.,]+\s*").any())


def _header_cell(grid: Grid, layout: Layout, col: int, text: str) -> tuple[int, str]:
    """User row and letter of the header cell holding ``text`` for column ``col``."""
    for r in range(layout.start, layout.end + 1):
        if _text(grid.cols[col][r]) == _text(text):
            return int(grid.rows[r]), column_letter(col)
    for r0, c0, _r1, c1 in grid.merges:
        if c0 <= col <= c1 and layout.start <= r0 <= layout.end:
            return int(grid.rows[r0]), column_letter(c0)
    return int(grid.rows[layout.start]), column_letter(col)


def _rows(grid: Grid, start: int, wilayah_col: int, count_cols: list[int],
          jenis_col: int | None) -> tuple[np.ndarray, np.ndarray]:
    """Grid indices of wilayah rows and of Jumlah rows under the header.

    A Jumlah row is a row whose wilayah cell (or, when empty, first text cell left of the
    counts) starts with Jumlah/Total. Everything below the last Jumlah row is notes and
    signatures; without a Jumlah row, trailing rows without any count are ignored.
    """
    n = grid.n_rows
    if start >= n:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    span = slice(start, n)
    wil = pd.Series(grid.cols[wilayah_col][span], dtype=object)
    label = wil.copy()
    first_count = min(count_cols)
    for c in range(first_count - 1, -1, -1):  # label of a total row may sit in any left cell
        if c == wilayah_col:
            continue
        label = label.fillna(pd.Series(grid.cols[c][span], dtype=object))
    is_total = label.fillna("").astype(str).str.match(_TOTAL_ROW).to_numpy()
    has_count = np.zeros(n - start, dtype=bool)
    for c in count_cols:
        has_count |= grid.notna(c)[span]
    has_wil = wil.notna().to_numpy()
    if jenis_col is not None:
        has_wil |= grid.notna(jenis_col)[span]
    candidate = (has_wil | has_count) & ~is_total
    totals = np.flatnonzero(is_total)
    if len(totals):
        limit = int(totals[-1])
    else:
        with_counts = np.flatnonzero(has_count)
        limit = int(with_counts[-1]) if len(with_counts) else -1
    candidate[limit + 1:] = False
    return (np.flatnonzero(candidate) + start).astype(np.int64), (totals + start).astype(np.int64)


__all__ = ["KIND_EMPTY", "CountCol", "Group", "RekapShape", "load_grid", "locate"]
