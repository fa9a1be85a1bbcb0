"""Header of a sheet (stage ① read): the header row(s) and the header -> field mapping.

* **Header**: among the first 30 non-empty rows, the row where most cells fold to a known header
  of the schema (at least ``schema.min_fields``). Merged parent rows above it and sub-header rows
  below it ("Tempat/Tgl Lahir" over "Tempat" | "Tanggal") join the header block (at most 3 rows);
  a row of column numbers ("1 2 3 ...") under the block is skipped.
* **Mapping**: exact folded alias first (child header, then "parent child"), then careful prefix
  rules; "Jenis Kelamin" over "L" | "P" becomes one ``jenis_kelamin`` column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from pmkscheck.issues import Issue
from pmkscheck.read.grid import Grid
from pmkscheck.read.sheetjenis import _HEAD_RE, jenis_in_name, jenis_in_title
from pmkscheck.schema.model import Schema, fold_header

HEADER_SCAN_ROWS = 30


MAX_HEADER_ROWS = 3


# Prefix rules never use these generic words (they start too many unrelated headers:
# "Nama Kepala Keluarga", "Tanggal Pendataan", "Tempat Tinggal", "Jenis Bantuan").
_GENERIC = frozenset({"nama", "jenis", "tanggal", "tempat", "nomor", "kategori", "kriteria",
                      "umur", "usia", "kota", "desa", "ket", "status", "pmks", "ppks"})


_MIN_PREFIX = 5


_SEX_L = frozenset({"l", "lk", "laki", "lakilaki", "pria", "lakilakil"})


_SEX_P = frozenset({"p", "pr", "perempuan", "wanita", "pe", "prp"})


_NO_MARK = frozenset({"0", "-", "--", "n", "tidak", "no", "false"})


_PARENS_RE = re.compile(r"\([^)]*\)|\[[^\]]*\]")


_DIGITS_RE = re.compile(r"\d")


@dataclass
class HeaderCol:
    """One column of the header block."""

    index: int
    parts: list[str]
    field: str | None = None

    @property
    def text(self) -> str:
        """Header as written, parts joined with " / "."""
        return " / ".join(self.parts)


@dataclass
class Layout:
    """The header block found in a grid and how its columns map to fields."""

    start: int  # grid index of the first header row
    end: int  # grid index of the last header row
    columns: list[HeaderCol]
    score: int
    numbers_row: int | None = None  # grid index of a "1 2 3 ..." row under the header
    sex_pair: tuple[int, int] | None = None
    notices: list[Issue] = field(default_factory=list)


_Prefixes = tuple[tuple[str, str], ...]
_Groups = dict[str, tuple[tuple[int, str, str], ...]]
_INDEX_CACHE: dict[int, tuple[Schema, dict[str, str], _Prefixes, _Groups]] = {}


def _indexes(schema: Schema) -> tuple[dict[str, str], _Prefixes]:
    """(exact folded alias -> field, prefix aliases longest first), cached per schema object."""
    hit = _cached(schema)
    return hit[1], hit[2]


def _cached(schema: Schema) -> tuple[Schema, dict[str, str], _Prefixes, _Groups]:
    """The indexes of :func:`_indexes`, and the prefix aliases grouped by their start.

    Groups are keyed by an alias's first ``_MIN_PREFIX`` characters and hold
    ``(position longest first, alias, field)``: a text can start with an alias only if it
    starts with the alias's group key.
    """
    hit = _INDEX_CACHE.get(id(schema))
    if hit is None or hit[0] is not schema:
        index = schema.alias_index
        items = [(a, f) for a, f in index.items() if len(a) >= _MIN_PREFIX and a not in _GENERIC]
        prefixes = tuple(sorted(items, key=lambda x: -len(x[0])))
        groups: dict[str, list[tuple[int, str, str]]] = {}
        for pos, (alias, name) in enumerate(prefixes):
            groups.setdefault(alias[:_MIN_PREFIX], []).append((pos, alias, name))
        hit = (schema, index, prefixes, {k: tuple(v) for k, v in groups.items()})
        _INDEX_CACHE[id(schema)] = hit
    return hit


def match_header(text: str, schema: Schema) -> str | None:
    """Field of one header text: exact folded alias, then without (...), then a safe prefix.

    >>> from pmkscheck.schema import load_schema
    >>> s = load_schema("pmks-individu")
    >>> match_header("Nomor Induk Kependudukan", s), match_header("Nama PMKS", s)
    ('nik', 'nama')
    >>> match_header("Nama Lengkap Sesuai KTP/KK", s), match_header("Tanggal Pendataan", s)
    ('nama', None)
    """
    if not text:
        return None
    key = (schema.name, schema.source, len(schema.fields), text)
    if key in _MATCH_CACHE:
        return _MATCH_CACHE[key]
    found = _match_header(text, schema)
    if len(_MATCH_CACHE) > 50_000:
        _MATCH_CACHE.clear()
    _MATCH_CACHE[key] = found
    return found


_MATCH_CACHE: dict[tuple[str, str, int, str], str | None] = {}


def _match_header(text: str, schema: Schema) -> str | None:
    _, index, _, groups = _cached(schema)
    folded = fold_header(text)
    if not folded:
        return None
    if folded in index:
        return index[folded]
    bare = fold_header(_PARENS_RE.sub(" ", text))
    if bare and bare in index:
        return index[bare]
    # the longest alias either text starts with; only the aliases of their groups can match
    candidates = groups.get(folded[:_MIN_PREFIX], ())
    if bare and bare[:_MIN_PREFIX] != folded[:_MIN_PREFIX]:
        candidates = sorted((*candidates, *groups.get(bare[:_MIN_PREFIX], ())))
    for _, alias, name in candidates:
        if folded.startswith(alias) or (bare and bare.startswith(alias)):
            return name
    return None


def _match_column(parts: list[str], schema: Schema) -> str | None:
    """Child first, then the joined header, then prefix rules (child, then joined)."""
    if not parts:
        return None
    index, _ = _indexes(schema)
    child = parts[-1]
    candidates = [child]
    if len(parts) > 1:
        candidates.append(" ".join(parts))
    for text in candidates:
        folded = fold_header(text)
        if folded in index:
            return index[folded]
        bare = fold_header(_PARENS_RE.sub(" ", text))
        if bare in index:
            return index[bare]
    for text in candidates:
        found = match_header(text, schema)
        if found:
            return found
    return None


def _nonempty_rows(grid: Grid, limit: int) -> list[int]:
    """Grid indices of the first ``limit`` rows holding any value."""
    out: list[int] = []
    if not grid.n_cols:
        return out
    step = 512
    for lo in range(0, grid.n_rows, step):
        hi = min(lo + step, grid.n_rows)
        filled = np.zeros(hi - lo, dtype=bool)
        for col in grid.cols:
            filled |= ~np.equal(col[lo:hi], None)
        out.extend(int(i) + lo for i in np.flatnonzero(filled))
        if len(out) >= limit:
            return out[:limit]
    return out


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _merge_at(grid: Grid) -> dict[tuple[int, int], tuple[int, int, int, int]]:
    """(row, col) -> merge range, for merges that touch the first rows (header region)."""
    out: dict[tuple[int, int], tuple[int, int, int, int]] = {}
    for m in grid.merges:
        r0, c0, r1, c1 = m
        if r0 > 200 or (r1 - r0 + 1) * (c1 - c0 + 1) > 5000:
            continue
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                out[(r, c)] = m
    return out


def _spans(parent_cells: list[object], child_cells: list[object], parent: int,
           merges: dict[tuple[int, int], tuple[int, int, int, int]]) -> dict[int, int]:
    """Columns under a parent cell that spans several columns -> the parent's column.

    Spans are merged cells, or implicit ones: a filled parent followed by empty parent cells
    over filled child cells, as in copies that lost their merges (ODS, CSV).
    """
    cols: dict[int, int] = {}
    n = len(parent_cells)
    for c in range(n):
        m = merges.get((parent, c))
        if m is not None and m[3] > m[1]:
            cols[c] = m[1]
    c = 0
    while c < n:
        if c not in cols and _text(parent_cells[c]) and c + 1 < n and not _text(
                parent_cells[c + 1]) and (c + 1) not in cols and _text(
                child_cells[c]) and _text(child_cells[c + 1]):
            e = c + 1
            while e + 1 < n and not _text(parent_cells[e + 1]) and _text(child_cells[e + 1]):
                e += 1
            cols.update(dict.fromkeys(range(c, e + 1), c))
            c = e + 1
        else:
            c += 1
    return cols


def _is_subheader(grid: Grid, parent: int, child: int,
                  merges: dict[tuple[int, int], tuple[int, int, int, int]]) -> bool:
    """Does row ``child`` hold sub-headers of row ``parent`` (under its spanning cells)?"""
    if child >= grid.n_rows:
        return False
    cells = grid.row_cells(child)
    filled = [c for c, v in enumerate(cells) if _text(v)]
    if not filled:
        return False
    span_cols = _spans(grid.row_cells(parent), cells, parent, merges)
    for c in filled:
        v = _text(cells[c])
        if len(_DIGITS_RE.findall(v)) >= 6:
            return False  # an ID: this is a data row
        if c in span_cols:
            continue
        folded = fold_header(v)
        if folded in _SEX_L or folded in _SEX_P:
            continue
        return False
    return True


def _is_parent(grid: Grid, parent: int, child: int,
               merges: dict[tuple[int, int], tuple[int, int, int, int]]) -> bool:
    """Is row ``parent`` a group-heading row above header row ``child``?"""
    if parent < 0:
        return False
    cells = grid.row_cells(parent)
    filled = [c for c, v in enumerate(cells) if _text(v)]
    if len(filled) < 2:
        return False
    child_cells = grid.row_cells(child)
    spans = 0
    for c in filled:
        m = merges.get((parent, c))
        if m is None:
            continue
        if m[2] >= child:  # merged down into the header row ("No" over two rows)
            spans += 1
        elif m[3] > m[1] and any(_text(child_cells[k]) for k in range(m[1], m[3] + 1)):
            spans += 1
    return spans >= 1


def _is_numbers_row(cells: list[object]) -> bool:
    """A row of column numbers: "1 2 3 ..." (or "(1) (2) ...") under the header."""
    values = [_text(v) for v in cells if _text(v)]
    if len(values) < 3:
        return False
    nums = []
    for v in values:
        f = v.strip("()[] .")
        if not f.isdigit():
            return False
        nums.append(int(f))
    steps = sum(1 for a, b in zip(nums, nums[1:], strict=False) if b == a + 1)
    return nums[0] <= 2 and steps >= 0.6 * (len(nums) - 1)


def _block_columns(grid: Grid, start: int, end: int,
                   merges: dict[tuple[int, int], tuple[int, int, int, int]]) -> list[HeaderCol]:
    """Header parts of each column over header rows ``start..end`` (merged parents repeated)."""
    cols: list[HeaderCol] = []
    rows = {r: grid.row_cells(r) for r in range(start, end + 1)}
    implicit = {r: _spans(rows[r], rows[r + 1], r, {}) for r in range(start, end)}
    for c in range(grid.n_cols):
        parts: list[str] = []
        for r in range(start, end + 1):
            text = _text(rows[r][c])
            m = merges.get((r, c))
            if not text and m is not None and start <= m[0] <= end:
                top_left = _text(grid.cols[m[1]][m[0]])
                if c == m[1] or r < end:
                    text = top_left
            elif not text and r < end and c in implicit[r]:
                text = _text(rows[r][implicit[r][c]])
            if text and (not parts or parts[-1] != text):
                parts.append(text)
        cols.append(HeaderCol(index=c, parts=parts))
    return cols


def find_layout(grid: Grid, schema: Schema, context: str | None = None) -> Layout | None:
    """Find the header block of ``grid`` for ``schema`` (``None`` if no row qualifies).

    ``context`` is the file name (without extension): a recap of one jenis PMKS may name its
    jenis only there ("Fakir Miskin per Kecamatan Samarinda 2024.xlsx": Kecamatan | Jumlah KK |
    Jumlah Jiwa), and that name counts as its jenis column (see :func:`_one_jenis_recap`).
    """
    rows = _nonempty_rows(grid, HEADER_SCAN_ROWS)
    if not rows:
        return None
    merges = _merge_at(grid)
    row_scores: dict[int, int] = {}
    for r in rows:
        fields = {match_header(_text(v), schema) for v in grid.row_cells(r)} - {None}
        row_scores[r] = len(fields)
    best: Layout | None = None
    for r in sorted(rows, key=lambda i: (-row_scores[i], i)):
        if row_scores[r] == 0:
            break
        start, end = r, r
        while end - start + 1 < MAX_HEADER_ROWS and _is_subheader(grid, end, end + 1, merges):
            end += 1
        while end - start + 1 < MAX_HEADER_ROWS and _is_parent(grid, start - 1, start, merges):
            start -= 1
        layout = _map_columns(grid, start, end, merges, schema)
        if best is None or layout.score > best.score:
            best = layout
        if best.score >= row_scores[r] + 2:
            break
    if best is None:
        return None
    if best.score < schema.min_fields and not _one_jenis_recap(grid, best, schema, context):
        return None
    if schema.key_fields and not {hc.field for hc in best.columns} & set(schema.key_fields):
        return None  # e.g. a recap's "Jumlah Jiwa" is not a family list without KK/NIK/name
    nxt = best.end + 1
    if nxt < grid.n_rows and _is_numbers_row(grid.row_cells(nxt)):
        best.numbers_row = nxt
    return best


def _map_columns(grid: Grid, start: int, end: int,
                 merges: dict[tuple[int, int], tuple[int, int, int, int]],
                 schema: Schema) -> Layout:
    cols = _block_columns(grid, start, end, merges)
    sex_pair = None
    sex_field = next((f.name for f in schema.fields if f.type == "sex"), None)
    if sex_field:
        for a, b in zip(cols, cols[1:], strict=False):
            if (a.parts and b.parts and fold_header(a.parts[-1]) in _SEX_L
                    and fold_header(b.parts[-1]) in _SEX_P
                    and (len(a.parts) == 1 or _match_column(a.parts[:-1], schema) in (
                        sex_field, None))):
                sex_pair = (a.index, b.index)
                a.field = sex_field
                b.field = sex_field
                break
    for hc in cols:
        if sex_pair is None or hc.index not in sex_pair:
            hc.field = _match_column(hc.parts, schema)
    score = len({hc.field for hc in cols if hc.field})
    if schema.kind == "keluarga" and any(
            (named := [hc for hc in cols if hc.field == f]) and all(
                _HEAD_RE.search(hc.text) for hc in named) for f in ("nik", "nama")):
        # "Kepala Keluarga" over NIK | Nama: the head's, not a person list's (a person list may
        # carry the head's NIK or name too, beside the person's own)
        score += 1
    return Layout(start=start, end=end, columns=cols, score=score, sex_pair=sex_pair)


def _one_jenis_recap(grid: Grid, layout: Layout, schema: Schema, context: str | None) -> bool:
    """A recap one field short whose jenis is named outside its header.

    A wilayah column and counts, the jenis named by the sheet name, a title row above the
    header or the file name (the jenis is then the missing field).
    """
    if schema.kind != "rekap" or layout.score < schema.min_fields - 1:
        return False
    fields = {hc.field for hc in layout.columns}
    if "wilayah" not in fields or "jenis" in fields:
        return False
    first = layout.end + 1
    counts = False
    for hc in layout.columns:
        if hc.field == "wilayah" or not hc.parts:
            continue
        values = pd.Series(grid.cols[hc.index][first:first + 200], dtype=object).dropna()
        if len(values) and values.astype(str).str.fullmatch(r"\s*[\d.,]+\s*").mean() > 0.5:
            counts = True
            break
    if not counts:
        return False
    titles = [" ".join(_text(v) for v in grid.row_cells(r)) for r in range(layout.start)]
    return bool((grid.name and jenis_in_name(grid.name))
                or any(jenis_in_title(t) for t in titles if t.strip())
                or (context and jenis_in_title(context)))
