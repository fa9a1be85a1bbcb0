"""Rows of a sheet under its header (stage ① read): which are records, and which are not.

Blank, section, total, repeated-header and signature rows are not records. Only rows that lack
record evidence (no NIK, few filled cells) are looked at one by one, so a 1M-row sheet costs a
handful of vectorised passes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pmkscheck import distinct
from pmkscheck.read.grid import Grid
from pmkscheck.read.header import _DIGITS_RE, Layout, _text
from pmkscheck.read.sheetjenis import jenis_in_name
from pmkscheck.schema.model import fold_header
from pmkscheck.table import SkippedRow

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
