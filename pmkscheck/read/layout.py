"""Layout of a sheet: header row(s), header -> field mapping, record rows, derived columns.

Stage ① read. Input is a :class:`~pmkscheck.read.grid.Grid`; output a
:class:`~pmkscheck.table.SourceTable` (or ``None`` when no header is recognised).

* **Header**: among the first 30 non-empty rows, the row where most cells fold to a known header
  of the schema (at least ``schema.min_fields``). Merged parent rows above it and sub-header rows
  below it ("Tempat/Tgl Lahir" over "Tempat" | "Tanggal") join the header block (at most 3 rows);
  a row of column numbers ("1 2 3 ...") under the block is skipped.
* **Mapping**: exact folded alias first (child header, then "parent child"), then careful prefix
  rules; "Jenis Kelamin" over "L" | "P" becomes one ``jenis_kelamin`` column, a ``ttl`` column is
  split into ``tempat_lahir`` and ``tanggal_lahir``.
* **Rows**: blank, section, total, repeated-header and signature rows are not records. Only rows
  that lack record evidence (no NIK, few filled cells) are looked at one by one, so a 1M-row sheet
  costs a handful of vectorised passes.
* **Sheet-level jenis**: no jenis column but a sheet name or title naming a jenis PMKS.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from pmkscheck import distinct
from pmkscheck.domain.jenis import jenis_by_meaning, match_jenis
from pmkscheck.domain.wilayah import wilayah_in_sheet
from pmkscheck.issues import Issue
from pmkscheck.read.grid import Grid
from pmkscheck.reference import jenis_pmks
from pmkscheck.rules import rule
from pmkscheck.schema.model import Schema, fold_header
from pmkscheck.table import (
    KIND_EMPTY,
    KIND_ERROR,
    KIND_FORMULA_NO_VALUE,
    KIND_TEXT,
    ROW,
    Column,
    SkippedRow,
    SourceTable,
    column_letter,
)

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
_SECTION_RE = re.compile(r"^\s*(?:[A-Z]|[IVXLCDM]{1,6}|\d{1,2})\s*[.)]\s*\S")
_SECTION_WORDS = ("kecamatan", "kec", "kelurahan", "kel", "desa", "kabupaten", "kab", "kota",
                  "jenis", "kategori")
_TOTAL_WORDS = ("jumlah", "total", "subtotal", "grandtotal", "jml", "totalkeseluruhan",
                "jumlahkeseluruhan", "jumlahtotal", "jumlahseluruhnya", "rekapitulasi")
_TOTAL_RE = re.compile(r"^\s*(?:sub\s*-?\s*total|grand\s+total|total|jumlah|jml\.?)\b",
                       re.IGNORECASE)
_SIGNATURE_RE = re.compile(
    r"^\s*\(?\s*(?:mengetahui|menyetujui|disetujui|diketahui|dibuat\s+oleh|yang\s+membuat|"
    r"yang\s+menyerahkan|yang\s+menerima|disusun\s+oleh|diperiksa\s+oleh|dicetak\s+oleh|"
    r"kepala\b(?!\s*(?:keluarga|rumah|kk\b|krt\b))|kadis\b|kadinsos\b|kabid\b|kabag\b|"
    r"kasi\b|kasie\b|kasubb?ag\b|kasubb?id\b|sekretaris\b|sekdis\b|camat\b|lurah\b|"
    r"kades\b|pejabat\b|koordinator\b|a\.?\s?n\.?\s|u\.?\s?b\.?\s|plt\.?\s|plh\.?\s|"
    r"nip\b|nip\.|nip\s*:|pembina\b|penata\b|pengatur\b|juru\b|petugas\b|operator\b|"
    r"pendata\b|pendamping\b|verifikator\b|tanda\s+tangan|ttd\b|cap\b|stempel\b|"
    r"pengelola\b|staff?\b|bendahara\b|analis\b|pranata\b|pekerja\s+sosial\b|tksk\b|"
    r"dinas\s+sosial\b)",
    re.IGNORECASE)
_PLACE_DATE_RE = re.compile(
    r"^\s*[A-Za-z][A-Za-z .'-]{1,40},\s*(?:\d{1,2}\s+[A-Za-z]+\.?\s+\d{4}|\d{1,2}[-/.]\d{1,2}"
    r"[-/.]\d{2,4}|[A-Za-z]+\s+\d{4}|(?:[.\u2026_ ]{2,}|\s)\s*[A-Za-z]*\.?\s*\d{4})\s*$")
# An 18-digit NIP (PNS staff number: birth date 8, TMT 6, sex 1, serial 3), spaced or not: never a
# NIK (16 digits).
_NIP_RE = re.compile(r"^\s*(?:nip\.?\s*:?\s*)?\d{8}\s*\d{6}\s*\d\s*\d{3}\s*$", re.IGNORECASE)
# A signer's name with an academic degree: "Drs. H. Ahmad, M.Si", "SITI, S.Sos., M.AP", "Ir. Budi".
_DEGREE_RE = re.compile(
    r"^\s*\(?\s*(?:drs?|dra|ir|prof|dr)\.\s*\S"
    r"|[A-Za-z'.]\s*,\s*(?:(?:[SMD]\.?\s?(?:sos|si|pd|kom|e|h|ip|st|kep|km|psi|ag|t|hut|p|ap|m|"
    r"kes|sc|ak|ars|i\.?kom|tr|stp|ked|farm|gz|tp)(?:\.\s?[A-Za-z]{1,2})?|s\.?\s?t|ph\.?\s?d|"
    r"a\.?\s?md(?:\.?\s?\w+)?|bsc|mba|ns|apt|skm)\.?(?:\s*,\s*|\s+|$))+\)?\s*$",
    re.IGNORECASE)
# Date or place fields: a "Samarinda, 17 Agustus 1975" there is a TTL, not the place and date of a
# signature.
_DATE_FIELDS = frozenset({"ttl", "tanggal_lahir", "tempat_lahir"})
_NOTE_RE = re.compile(r"^\s*(?:catatan|keterangan|ket\s*[:.]|sumber|nb\b|n\.b\.|\*)",
                      re.IGNORECASE)


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


# ---------------------------------------------------------------- header matching


_INDEX_CACHE: dict[int, tuple[Schema, dict[str, str], tuple[tuple[str, str], ...]]] = {}


def _indexes(schema: Schema) -> tuple[dict[str, str], tuple[tuple[str, str], ...]]:
    """(exact folded alias -> field, prefix aliases longest first), cached per schema object."""
    hit = _INDEX_CACHE.get(id(schema))
    if hit is None or hit[0] is not schema:
        index = schema.alias_index
        items = [(a, f) for a, f in index.items() if len(a) >= _MIN_PREFIX and a not in _GENERIC]
        hit = (schema, index, tuple(sorted(items, key=lambda x: -len(x[0]))))
        _INDEX_CACHE[id(schema)] = hit
    return hit[1], hit[2]


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
    index, prefixes = _indexes(schema)
    folded = fold_header(text)
    if not folded:
        return None
    if folded in index:
        return index[folded]
    bare = fold_header(_PARENS_RE.sub(" ", text))
    if bare and bare in index:
        return index[bare]
    for alias, name in prefixes:
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


# ---------------------------------------------------------------- header block


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


_HEAD_RE = re.compile(r"kepala\s*(?:keluarga|rumah\s*tangga)|\bkrt\b|\bkk\b", re.IGNORECASE)


# ---------------------------------------------------------------- jenis from the sheet


def _jenis_norm(text: str) -> str:
    s = re.sub(r"[^0-9a-z]+", " ", str(text).lower()).strip()
    s = re.sub(r"\bterlantar\b", "telantar", s)
    return re.sub(r"\bpenyalagunaan\b", "penyalahgunaan", s)


@cache
def _jenis_variants() -> tuple[dict[str, str], tuple[tuple[str, str], ...]]:
    """(whole-text map incl. abbreviations, multi-word variants longest first) -> official."""
    whole: dict[str, str] = {}
    phrases: list[tuple[str, str]] = []
    for row in jenis_pmks().itertuples():
        names = [row.nama, *[v for v in str(row.varian or "").split("|") if v]]
        for name in names:
            key = _jenis_norm(name)
            whole.setdefault(key, row.nama)
            if len(key) >= 6:
                phrases.append((key, row.nama))
        if row.singkatan:
            whole.setdefault(_jenis_norm(row.singkatan), row.nama)
    phrases.sort(key=lambda p: -len(p[0]))
    return whole, tuple(phrases)


def jenis_in_name(text: str) -> str | None:
    """Official jenis named by a whole sheet name ("LANSIA TERLANTAR", "ODHA"), else ``None``."""
    key = _jenis_norm(text)
    if not key:
        return None
    whole, _ = _jenis_variants()
    if key in whole:
        return whole[key]
    try:
        by_meaning = jenis_by_meaning(text)  # synonyms: "TUNA NETRA", "KORBAN BANJIR"
        if by_meaning:
            return by_meaning
        found = match_jenis(text)
    except Exception:  # noqa: BLE001 - a helper's failure must not stop reading
        return None
    if found and set(key.split()) & {w for w in _jenis_norm(found).split() if len(w) >= 4}:
        return found
    return None


def jenis_in_title(text: str) -> tuple[str, str] | None:
    """(official name, raw words) of a jenis named inside a title line, else ``None``.

    >>> jenis_in_title("DATA LANJUT USIA TERLANTAR KAB. KUTAI TIMUR 2024")
    ('Lanjut Usia Telantar', 'LANJUT USIA TERLANTAR')
    """
    key = f" {_jenis_norm(text)} "
    _, phrases = _jenis_variants()
    for phrase, official in phrases:
        if f" {phrase} " in key:
            words = [re.escape(w) if w != "telantar" else "te(?:r)?lantar"
                     for w in phrase.split()]
            m = re.search(r"(?<![0-9A-Za-z])" + r"[^0-9A-Za-z]+".join(words) + r"(?![0-9A-Za-z])",
                          text, re.IGNORECASE)
            return official, (m.group(0) if m else official)
    return None


# ---------------------------------------------------------------- rows


def _notna(values: np.ndarray) -> np.ndarray:
    return ~np.equal(values, None)


def _fold_cell(text: str) -> str:
    return fold_header(text)


def is_signature_text(text: str, field_name: str | None = None, *, alone: bool = True) -> bool:
    """Is ``text`` a line of a signature or approval block (under a table)?

    "Mengetahui,", "Kepala Dinas Sosial ...", "Kasi ...", a rank ("Pembina Utama Muda"), an
    18-digit NIP with or without "NIP." and spaces, a name with academic degrees ("Drs. H. Ahmad,
    M.Si"), a place and date ("Samarinda, 31 Desember 2024"; in a date or TTL column only when the
    cell is ``alone`` in its row: beside other cells it is a birth place and date).

    >>> [is_signature_text(t) for t in ("Mengetahui,", "NIP. 19680512 199403 1 007",
    ...  "196805121994031007", "Drs. H. Ahmad, M.Si", "Samarinda, 31 Desember 2024")]
    [True, True, True, True, True]
    >>> [is_signature_text(t) for t in ("Kepala Keluarga", "6472031708750001", "Budi Santoso")]
    [False, False, False]
    >>> is_signature_text("Samarinda, 17 Agustus 1975", "ttl", alone=False)
    False
    """
    if not text:
        return False
    if _SIGNATURE_RE.match(text) or _NIP_RE.match(text) or _DEGREE_RE.search(text):
        return True
    return (alone or field_name not in _DATE_FIELDS) and bool(_PLACE_DATE_RE.match(text))


# A superset of signature text in RE2 syntax (no look-ahead): distinct values it does not match
# are never signature text, so the Python regexes only see the few that do (1M distinct names).
_SIGNATURE_PREFILTER = (
    r"^\s*\(?\s*(?:mengetahui|menyetujui|disetujui|diketahui|dibuat|yang|disusun|diperiksa|"
    r"dicetak|kepala|kadis|kadinsos|kab[ia][dg]|kasi|kasub|sekretaris|sekdis|camat|lurah|kades|"
    r"pejabat|koordinator|a\.?\s?n|u\.?\s?b|plt|plh|nip|pembina|penata|pengatur|juru|petugas|"
    r"operator|pendata|pendamping|verifikator|tanda|ttd|cap|stempel|dinas|drs?\.|dra\.|ir\.|"
    r"prof\.|pengelola|staf|bendahara|analis|pranata|pekerja|tksk)|,|"
    r"^\s*\d{8}\s*\d{6}\s*\d\s*\d{3}\s*$")


def _arrow_texts(values: object) -> object:
    """Cell values (``str``, numbers, ...) -> a pyarrow string array, whitespace trimmed."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(values, pa.Array):
        return values
    try:
        arr = pa.array(values, type=pa.string())
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        arr = pa.array([_text(v) for v in values], type=pa.string())
    return pc.utf8_trim_whitespace(arr)


def signature_texts(texts: object, field_name: str | None, *, alone: bool) -> np.ndarray:
    """:func:`is_signature_text` of each text (pyarrow pre-filter, then Python on survivors).

    ``texts`` is a list or array of cell values, or a pyarrow string array.
    """
    import pyarrow.compute as pc

    arr = _arrow_texts(texts)
    out = np.zeros(len(arr), dtype=bool)
    if not len(arr):
        return out
    maybe = pc.fill_null(pc.match_substring_regex(arr, _SIGNATURE_PREFILTER, ignore_case=True),
                         False)
    todo = np.flatnonzero(maybe.to_numpy(zero_copy_only=False))
    if len(todo):  # once per distinct surviving text
        codes, uniques = distinct.factorize(arr.take(todo).to_numpy(zero_copy_only=False))
        verdict = np.array([is_signature_text(str(t), field_name, alone=alone)
                            for t in uniques] + [False])
        out[todo] = verdict[codes]
    return out


def ids_like(texts: object) -> np.ndarray:
    """Which texts are a NIK or No. KK as written in a record: 15-17 digits, separators aside.

    An 18-digit NIP, "NIP. ..." and text are not.

    >>> ids_like(["6472031708750001", "6472 0317 0875 0001", "196805121994031007", "NIP. 1"])
    array([ True,  True, False, False])
    """
    import pyarrow.compute as pc

    arr = _arrow_texts(texts)
    if not len(arr):
        return np.zeros(0, dtype=bool)
    bare = pc.replace_substring_regex(arr, r"[\s.\-']", "")
    found = pc.fill_null(pc.match_substring_regex(bare, r"^[0-9]{15,17}$"), False)
    return found.to_numpy(zero_copy_only=False)


def classify_row(cells: list[tuple[int, str]], fields_at: dict[int, str],
                 first_col: int) -> str | None:
    """Reason a candidate row is not a record (``None`` = it is a record).

    Args:
        cells: the row's non-empty cells as (column index, text).
        fields_at: column index -> field, for mapped columns.
        first_col: index of the table's first column.
    """
    if not cells:
        return "blank"
    if all(fields_at.get(c) == "no" and _fold_cell(t).isdigit() for c, t in cells):
        return "blank"  # a pre-numbered empty row of a template
    if any(fields_at.get(c) in ("nik", "no_kk") and len(_DIGITS_RE.findall(t)) >= 8
           and not is_signature_text(t) for c, t in cells):
        return None
    for c, text in cells:
        if fields_at.get(c) in ("nik", "no_kk"):
            continue
        if _fold_cell(text) in _TOTAL_WORDS or (_TOTAL_RE.match(text) and (
                fields_at.get(c) != "nama" or text.upper() == text)):
            return "total"
    sig = [is_signature_text(t, fields_at.get(c), alone=len(cells) == 1) for c, t in cells]
    if any(sig) and all(s or (fields_at.get(c) == "no" and _fold_cell(t).isdigit())
                        for s, (c, t) in zip(sig, cells, strict=True)):
        return "signature"  # every cell is signature text (a pre-printed number aside)
    if len(cells) == 1:
        c, text = cells[0]
        field_name = fields_at.get(c)
        if field_name in ("nik", "no_kk"):
            return None
        folded = _fold_cell(text)
        if folded.isdigit():
            return None
        if _NOTE_RE.match(text):
            return "note"
        if _SECTION_RE.match(text):
            return "section"
        if field_name != "nama" and (c - first_col <= 2 or field_name is None):
            return "section"
        if folded.startswith(_SECTION_WORDS) and text.upper() == text:
            return "section"
        if jenis_in_name(text) is not None:
            return "section"
    return None


def signature_block(grid: Grid, first: int, table_cols: list[int], fields_at: dict[int, str],
                    filled: dict[int, np.ndarray], nn: np.ndarray, nn_core: np.ndarray,
                    threshold: int) -> np.ndarray:
    """Rows (offsets from ``first``) that belong to a signature / approval block.

    Vectorised: signature text is looked for column by column with a pyarrow pre-filter, then
    once per distinct surviving value, and only in rows with few filled cells.

    A **marker row** is a row below the first data row whose filled cells are all signature
    text (:func:`is_signature_text`; a pre-printed running number aside), in any column, the NIK
    and No. columns included; a record whose Alamat happens to start with "Dinas Sosial" has a
    name beside it and starts nothing. From a marker row on, every row is part of the block
    (blank lines, plain names, "( ... )") until a row looks like data again: a NIK or No. KK of
    15-17 digits beside a name that is not signature text, with at least three filled cells, or
    more filled cells than a sparse row (``threshold``). Such rows are never in the block, so
    real records are not lost.
    """
    m = len(nn)
    block = np.zeros(m, dtype=bool)
    look = np.flatnonzero((nn > 0) & (nn <= max(4, threshold)))
    if not len(look):
        return block
    rows = look + first
    markers = np.zeros(len(look), dtype=np.int32)
    markers_core = np.zeros(len(look), dtype=np.int32)  # outside the No. column
    id_ok = np.zeros(len(look), dtype=bool)
    has_name = "nama" in fields_at.values()
    name_ok = np.zeros(len(look), dtype=bool) if has_name else np.ones(len(look), dtype=bool)
    for c in table_cols:
        sel = filled[c][look]
        if not sel.any():
            continue
        fld = fields_at.get(c)
        texts = _arrow_texts(grid.cols[c][rows[sel]])  # filled cells only: no nulls
        hit = signature_texts(texts, fld, alone=False)
        if fld in _DATE_FIELDS:  # a place and date there is a signature line only when alone
            hit |= signature_texts(texts, fld, alone=True) & (nn[look][sel] == 1)
        markers[sel] += hit
        if fld != "no":
            markers_core[sel] += hit
        if fld in ("nik", "no_kk"):
            id_ok[sel] |= ids_like(texts) & ~hit
        elif fld == "nama":
            name_ok[sel] |= ~hit
    strong = id_ok & name_ok & (nn_core[look] >= 3)
    marker = np.zeros(m, dtype=bool)
    marker[look] = (markers >= 1) & (nn_core[look] == markers_core) & ~strong
    data = (nn > 0) & ~marker
    sparse = np.zeros(m, dtype=bool)
    sparse[look] = ~strong
    data &= ~sparse | (nn_core > threshold)
    started = data.copy()  # the table has begun: also a sparse row with a NIK-like value
    started[look] |= id_ok & ~marker[look]
    if not started.any():
        return block
    pos = np.arange(m)
    first_data = int(np.argmax(started))
    last_marker = np.maximum.accumulate(np.where(marker & (pos > first_data), pos, -1))
    last_data = np.maximum.accumulate(np.where(data, pos, -1))
    return (last_marker > last_data) & ~data


@dataclass
class Rows:
    """Classification of the rows under the header."""

    records: np.ndarray  # grid indices of records
    skipped: list[SkippedRow]


def classify_rows(grid: Grid, layout: Layout, table_cols: list[int],
                  fields_at: dict[int, str]) -> Rows:
    """Split the rows under the header into records and skipped rows (vectorised pre-filter)."""
    first = layout.end + 1
    n = grid.n_rows
    skipped: list[SkippedRow] = []
    if layout.numbers_row is not None:
        skipped.append(SkippedRow(int(grid.rows[layout.numbers_row]), "column_numbers",
                                  _row_text(grid, layout.numbers_row, table_cols)))
        first = layout.numbers_row + 1
    if first >= n:
        return Rows(np.zeros(0, dtype=np.int64), skipped)
    span = slice(first, n)
    m = n - first
    nn = np.zeros(m, dtype=np.int32)
    filled = {}
    for c in table_cols:
        f = grid.notna(c)[span]
        filled[c] = f
        nn += f
    no_cols = [c for c, f in fields_at.items() if f == "no"]
    nn_core = nn.copy()
    for c in no_cols:
        nn_core -= filled[c]
    id_cols = [c for c, f in fields_at.items() if f in ("nik", "no_kk", "id_dtks")]
    has_id = np.zeros(m, dtype=bool)
    for c in id_cols:
        has_id |= filled[c]
    n_mapped = max(len(fields_at), 1)
    threshold = max(3, n_mapped // 2)
    candidate = (~has_id & (nn_core <= threshold)) | (nn == 0)
    # repeated header rows (page breaks pasted): several cells equal their header text
    header_texts: dict[int, set[str]] = {}
    for r in range(layout.start, layout.end + 1):
        for c in table_cols:
            raw = grid.cols[c][r]
            if raw is not None and str(raw).strip():
                header_texts.setdefault(c, set()).add(raw)
    same = np.zeros(m, dtype=np.int32)
    probe = sorted(header_texts)[:3]  # three header columns are enough to recognise a copy
    for c in probe:
        same += pd.Series(grid.cols[c][span]).isin(list(header_texts[c])).to_numpy()
    header_texts = {c: header_texts[c] for c in probe}
    repeated = same >= 2
    candidate |= repeated
    reason = np.full(m, None, dtype=object)
    reason[repeated] = "repeated_header"
    block = signature_block(grid, first, table_cols, fields_at, filled, nn, nn_core,
                            threshold) & ~repeated
    reason[block] = np.where(nn[block] == 0, "blank", "signature")
    first_col = min(table_cols) if table_cols else 0
    cand_idx = np.flatnonzero(candidate & ~repeated & ~block)
    signature_from: int | None = None
    for i in cand_idx:
        g = first + int(i)
        if nn[i] == 0:
            reason[i] = "blank"
            continue
        cells = [(c, _text(grid.cols[c][g])) for c in table_cols if filled[c][i]]
        cells = [(c, t) for c, t in cells if t]
        why = classify_row(cells, fields_at, first_col)
        reason[i] = why
        if why == "signature" and signature_from is None and not has_id[i + 1:].any():
            signature_from = int(i)
            break
    if signature_from is not None:
        tail = np.arange(signature_from, m)
        tail_reason = np.where(nn[tail] == 0, "blank", "signature")
        reason[tail] = tail_reason
    is_record = np.equal(reason, None)
    # trailing non-records after the last record: blanks are not listed
    rec_idx = np.flatnonzero(is_record)
    last_record = int(rec_idx[-1]) if len(rec_idx) else -1
    for i in np.flatnonzero(~is_record):
        why = reason[i]
        if why == "blank" and i > last_record:
            continue
        g = first + int(i)
        skipped.append(SkippedRow(int(grid.rows[g]), str(why),
                                  "" if why == "blank" else _row_text(grid, g, table_cols)))
    return Rows(rec_idx.astype(np.int64) + first, skipped)


def _row_text(grid: Grid, g: int, cols: Iterable[int]) -> str:
    """Cells of one row joined (for skipped rows; only ever non-record rows)."""
    parts = [_text(grid.cols[c][g]) for c in cols]
    return " | ".join(p for p in parts if p)[:200]


# ---------------------------------------------------------------- derived columns


def split_ttl(values: np.ndarray, kinds: np.ndarray
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Split TTL cells into (tempat, tanggal, tempat kinds, tanggal kinds), per unique value.

    The place ends at the last comma before the first digit ("Samarinda, 17-08-1975"); without
    a comma the date starts at the first digit ("Samarinda 17 Agustus 1975"). A date cell is
    only a date.

    >>> tempat, tanggal, _, _ = split_ttl(
    ...     np.array(["Samarinda, 17 Agustus 1975", "Bontang 1-2-1980", None], dtype=object),
    ...     np.array(["s", "s", ""], dtype=object))
    >>> tempat.tolist(), tanggal.tolist()
    (['Samarinda', 'Bontang', None], ['17 Agustus 1975', '1-2-1980', None])
    """
    n = len(values)
    is_text = kinds == KIND_TEXT
    tempat = np.full(n, None, dtype=object)
    tanggal = np.full(n, None, dtype=object)
    if n:
        uniques = distinct.unique(values[is_text])
        split = {u: _split_one(u) for u in uniques if u is not None}
        if split:
            ser = pd.Series(values[is_text])
            tempat[is_text] = ser.map(lambda v: split.get(v, (None, None))[0]).to_numpy(object)
            tanggal[is_text] = ser.map(lambda v: split.get(v, (None, None))[1]).to_numpy(object)
        other = ~is_text & _notna(values)
        tanggal[other] = values[other]
    k_tempat = np.where(_notna(tempat), KIND_TEXT, KIND_EMPTY).astype(object)
    k_tanggal = np.where(_notna(tanggal), np.where(is_text, KIND_TEXT, kinds), KIND_EMPTY)
    return tempat, tanggal, k_tempat, k_tanggal.astype(object)


def _split_one(text: str) -> tuple[str | None, str | None]:
    digit = _DIGITS_RE.search(text)
    pos = digit.start() if digit else len(text)
    comma = text.rfind(",", 0, pos)
    if comma < 0 and not digit:
        comma = text.find(",")
    if comma >= 0:
        place, date = text[:comma], text[comma + 1:]
    else:
        place, date = text[:pos], text[pos:]
    place = place.strip(" ,/-\t\n") or None
    date = date.strip(" ,\t\n") or None
    return place, date


def merge_sex(l_vals: np.ndarray, p_vals: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """L | P mark columns -> one text column ``"L"``/``"P"`` (both marked: ``"L/P"``)."""
    def marked(values: np.ndarray) -> np.ndarray:
        filled = _notna(values)
        out = filled.copy()
        if filled.any():
            uniques = distinct.unique(values[filled])
            blank = [u for u in uniques if str(u).strip().lower() in _NO_MARK or not str(u).strip()]
            if blank:
                out &= ~pd.Series(values).isin(blank).to_numpy()
        return out

    lm, pm = marked(l_vals), marked(p_vals)
    out = np.full(len(l_vals), None, dtype=object)
    out[lm] = "L"
    out[pm] = "P"
    out[lm & pm] = "L/P"
    kinds = np.where(lm | pm, KIND_TEXT, KIND_EMPTY).astype(object)
    return out, kinds


# ---------------------------------------------------------------- the table


def notice(code: str, *, row: int | None = None, field: str | None = None,
           column: str | None = None, letter: str | None = None, value: str | None = None,
           params: dict[str, object] | None = None) -> Issue:
    """A reader notice with its severity from the rules catalogue."""
    return Issue(code=code, severity=rule(code).severity, row=row, field=field, column=column,
                 letter=letter, value=value, params=params or {})


def build_table(grid: Grid, layout: Layout, schema: Schema, *, path: Path, fmt: str,
                title_jenis_ok: bool = True) -> SourceTable:
    """Turn a grid and its layout into a :class:`SourceTable`."""
    is_csv = fmt in ("csv", "tsv")
    notices: list[Issue] = []
    header_cols = [hc for hc in layout.columns if hc.parts]
    # columns of the table: with a header, or with data under the header block
    first = (layout.numbers_row if layout.numbers_row is not None else layout.end) + 1
    has_data = {c: bool(grid.notna(c)[first:].any()) for c in range(grid.n_cols)}
    fields_at: dict[int, str] = {}
    first_of: dict[str, int] = {}
    for hc in header_cols:
        if hc.field is None:
            continue
        if hc.field in first_of and not (layout.sex_pair and hc.index == layout.sex_pair[1]):
            letter = column_letter(hc.index)
            notices.append(notice(
                "COLUMN_DUPLICATE", field=hc.field, column=hc.text, letter=letter,
                params={"header": hc.text, "letter": letter,
                        "first_letter": column_letter(first_of[hc.field])},
            ))
            continue
        first_of.setdefault(hc.field, hc.index)
        fields_at[hc.index] = hc.field
    table_cols = sorted({hc.index for hc in header_cols} | {c for c, d in has_data.items() if d})
    rows = classify_rows(grid, layout, table_cols, fields_at)
    rec = rows.records
    row_numbers = grid.rows[rec]
    data: dict[str, np.ndarray] = {}
    kinds: dict[str, np.ndarray] = {}
    letters: dict[str, str] = {}
    headers: dict[str, str] = {}
    columns: list[Column] = []
    by_index = {hc.index: hc for hc in layout.columns}
    sex_pair = layout.sex_pair
    extra: dict[str, np.ndarray] = {}  # unrecognised columns: kept for the cleaned file
    for c in table_cols:
        hc = by_index.get(c)
        header = hc.text if hc else ""
        fld = hc.field if hc else None
        hidden = c in grid.hidden_cols
        letter = column_letter(c)
        if fld is not None and fields_at.get(c) != fld and not (sex_pair and c == sex_pair[1]):
            fld_for_column = None  # a duplicate: kept as a column, not as data
        else:
            fld_for_column = fld
        columns.append(Column(header=header, field=fld_for_column, letter=letter, index=c,
                              hidden=hidden))
        if sex_pair and c == sex_pair[1]:
            continue  # the P column is folded into jenis_kelamin at the L column
        if not header:
            if has_data.get(c) and len(rec) and grid.notna(c)[rec].any():
                notices.append(notice("COLUMN_BLANK_HEADER", letter=letter,
                                      params={"letter": letter}))
                extra[_unique_name(f"({letter})", extra)] = grid.cols[c][rec]
            continue
        if fld is None:
            notices.append(notice("COLUMN_UNKNOWN", column=header, letter=letter,
                                  params={"header": header}))
            extra[_unique_name(header, extra)] = grid.cols[c][rec]
            continue
        if fields_at.get(c) != fld:
            extra[_unique_name(header, extra)] = grid.cols[c][rec]  # a duplicate column
            continue
        if hidden:
            notices.append(notice("COLUMN_HIDDEN", field=fld, column=header, letter=letter,
                                  params={"header": header, "letter": letter}))
        spec = schema.field(fld)
        values = grid.cols[c][rec]
        cell_kinds = grid.kind(c)[rec]
        if sex_pair and c == sex_pair[0]:
            values, cell_kinds = merge_sex(values, grid.cols[sex_pair[1]][rec])
        if spec is not None and spec.type == "ttl":
            derived = list(spec.derived) or ["tempat_lahir", "tanggal_lahir"]
            tempat, tanggal, k1, k2 = split_ttl(values, cell_kinds)
            for name, v, k in zip(derived[:2], (tempat, tanggal), (k1, k2), strict=True):
                if name in fields_at.values():
                    continue  # an explicit column wins over the split one
                data[name], kinds[name] = v, k
                letters[name], headers[name] = letter, header
            _cell_notices(notices, cell_kinds, row_numbers, fld, header, letter, is_csv, values)
            continue
        data[fld], kinds[fld] = values, cell_kinds
        letters[fld], headers[fld] = letter, header
        _cell_notices(notices, cell_kinds, row_numbers, fld, header, letter, is_csv, values)
    title_lines = [_row_text(grid, r, range(grid.n_cols)).replace(" | ", " ")
                   for r in range(0, layout.start)
                   if any(_text(v) for v in grid.row_cells(r))]
    sheet_jenis = None
    jenis_field = next((f for f in schema.fields if f.sheet_level), None)
    if jenis_field is not None and jenis_field.name not in data:
        found = _sheet_jenis(grid.name, title_lines if title_jenis_ok else [])
        if found is not None:
            sheet_jenis, header, source = found
            data[jenis_field.name] = np.full(len(rec), sheet_jenis, dtype=object)
            kinds[jenis_field.name] = np.full(len(rec), KIND_TEXT, dtype=object)
            headers[jenis_field.name] = header
            notices.append(notice("JENIS_FROM_SHEET", field=jenis_field.name, column=header,
                                  params={"jenis": sheet_jenis, "source": source}))
    if schema.kind != "rekap":
        _sheet_wilayah(grid.name, title_lines, path, schema, data, kinds, headers, notices,
                       len(rec))
    hidden_rows = grid.hidden_rows
    if hidden_rows and len(rec):
        for r in row_numbers[np.isin(row_numbers, np.fromiter(hidden_rows, dtype=np.int64))]:
            notices.append(notice("ROW_HIDDEN", row=int(r), params={"row": int(r)}))
    if is_csv and grid.widths is not None and len(rec):
        header_width = max((hc.index for hc in header_cols), default=-1) + 1
        rec_widths = grid.widths[rec]
        beyond = np.zeros(len(rec), dtype=bool)
        for j in range(header_width, grid.n_cols):
            beyond |= grid.notna(j)[rec]
        # short records, and long ones with data past the header (trailing ";;;" is fine)
        ragged = np.flatnonzero((rec_widths < header_width) | beyond)
        for i in ragged:
            notices.append(notice("ROW_RAGGED", row=int(row_numbers[i]),
                                  params={"expected": header_width,
                                          "found": int(rec_widths[i])}))
    index = pd.RangeIndex(len(rec))
    frame = pd.DataFrame({name: pd.Series(v, index=index, dtype=object)
                          for name, v in data.items()}, index=index)
    frame[ROW] = row_numbers.astype(np.int64)
    return SourceTable(
        path=path, format=fmt, sheet=grid.name, header_row=int(grid.rows[layout.end]),
        data=frame, kinds={k: pd.Series(v, index=index, dtype=object) for k, v in kinds.items()},
        columns=columns, letters=letters, headers=headers, skipped_rows=rows.skipped,
        extra=pd.DataFrame({k: pd.Series(v, index=index, dtype=object)
                            for k, v in extra.items()}, index=index),
        notices=notices, title_lines=title_lines, sheet_jenis=sheet_jenis, schema=schema.name,
    )


def _unique_name(header: str, taken: dict[str, np.ndarray]) -> str:
    """A name for an unrecognised column that does not clash with another one."""
    name, n = header, 2
    while name in taken:
        name, n = f"{header} ({n})", n + 1
    return name


def _cell_notices(notices: list[Issue], kinds: np.ndarray, rows: np.ndarray, fld: str,
                  header: str, letter: str, is_csv: bool,
                  values: np.ndarray | None = None) -> None:
    """Formulas without a cached value and error cells in a mapped column."""
    if is_csv or not len(kinds):
        return
    for i in np.flatnonzero(kinds == KIND_FORMULA_NO_VALUE):
        notices.append(notice("CELL_FORMULA_NO_VALUE", row=int(rows[i]), field=fld,
                              column=header, letter=letter, params={"header": header}))
    for i in np.flatnonzero(kinds == KIND_ERROR):
        notices.append(notice("CELL_ERROR", row=int(rows[i]), field=fld, column=header,
                              letter=letter, value=str(values[i]) if values is not None else None,
                              params={"header": header}))


def _sheet_wilayah(sheet: str | None, titles: list[str], path: Path, schema: Schema,
                   data: dict[str, np.ndarray], kinds: dict[str, np.ndarray],
                   headers: dict[str, str], notices: list[Issue], n: int) -> None:
    """Fill missing kecamatan / desa columns from a sheet name or title naming them.

    One sheet per kecamatan (or desa) with no kecamatan column: the name gives every row its
    kecamatan (WILAYAH_FROM_SHEET, info, says where it came from), so that the desa can be
    checked against it. Columns with a value in the sheet are never overwritten.
    """
    by_type = {f.type: f.name for f in schema.fields if f.type in ("kecamatan", "desa")}
    missing = {t: name for t, name in by_type.items()  # absent, or a column left empty
               if name not in data or not _notna(data[name]).any()}
    if "kecamatan" not in missing:
        return  # the sheet has its own kecamatan column
    found = wilayah_in_sheet(sheet, titles, path.stem, bare_desa="desa" in missing)
    if found is None:
        return
    label = (f"(lembar: {found.text})" if found.source == "sheet"
             else f"(judul: {found.text})")
    values = {"kecamatan": found.kecamatan, "desa": found.desa}
    filled = []
    for kind, name in missing.items():
        if values.get(kind) is None:
            continue
        data[name] = np.full(n, values[kind], dtype=object)
        kinds[name] = np.full(n, KIND_TEXT, dtype=object)
        headers.setdefault(name, label)  # an empty column keeps its own header
        filled.append(name)
    params: dict[str, object] = {"wilayah": found.kecamatan, "source": found.source,
                                 "text": found.text, "kecamatan": found.kecamatan,
                                 "kecamatan_code": found.kecamatan_code}
    if found.desa and missing.get("desa") in filled:
        params.update(wilayah=f"{found.desa}, {found.kecamatan}", desa=found.desa)
    notices.append(notice("WILAYAH_FROM_SHEET", field=missing["kecamatan"],
                          column=headers.get(missing["kecamatan"], label), params=params))


def _sheet_jenis(sheet: str | None, titles: list[str]) -> tuple[str, str, str] | None:
    """(jenis text, header label, source) from the sheet name or a title line."""
    if sheet and jenis_in_name(sheet):
        return sheet.strip(), f"(lembar: {sheet.strip()})", "sheet"
    for line in titles:
        found = jenis_in_title(line)
        if found:
            return found[1], f"(judul: {line.strip()[:80]})", "title"
    return None


def cells_found(grid: Grid, schema: Schema) -> tuple[int, list[str]]:
    """Best header score of any early row, and that row's texts (for ``INPUT_NO_TABLE``)."""
    best_score, best_cells = -1, []
    for r in _nonempty_rows(grid, HEADER_SCAN_ROWS):
        cells = [_text(v) for v in grid.row_cells(r)]
        score = len({match_header(t, schema) for t in cells} - {None})
        if score > best_score:
            best_score, best_cells = score, [t for t in cells if t]
    return best_score, best_cells


# ---------------------------------------------------------------- recaps


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


def person_evidence(grid: Grid, layout: Layout) -> bool:
    """Does a person-list header hold persons: a name column, or IDs of 8+ digits under it?

    A recap's ``KK`` column (a count of families) maps to No. KK by its header; its cells are
    small numbers, never IDs.
    """
    fields = {hc.field for hc in layout.columns}
    if "nama" in fields:
        return True
    first = layout.end + 1
    for hc in layout.columns:
        if hc.field in ("nik", "no_kk", "id_dtks"):
            values = pd.Series(grid.cols[hc.index][first:first + 200], dtype=object).dropna()
            digits = values.astype(str).str.count(r"\d")
            if len(values) and (digits >= 8).mean() >= 0.5:
                return True
    return False


_YEAR_RE = re.compile(r"(?<!\d)(19[5-9]\d|20\d\d)(?!\d)")


def recap_period(table: SourceTable) -> str | None:
    """The year a recap's ``tahun`` column states (the most frequent one), else ``None``.

    Open-data exports carry the year on every row; a column of several years gives the latest
    year that most rows share.
    """
    if "tahun" not in table.data:
        return None
    years = table.data["tahun"].dropna().astype(str).str.extract(_YEAR_RE)[0].dropna()
    if years.empty:
        return None
    counts = years.value_counts()
    return str(max(counts[counts == counts.max()].index))
