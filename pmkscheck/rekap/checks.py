"""REKAP_ checks: counts, L + P = Jumlah, row and column totals, wilayah coverage, jenis headers.

Stage ③ validate (for ``pmks-rekap`` tables). Works on a located :class:`RekapShape`; every check
is a numpy expression over the count matrix (rows x count columns) or a per-unique-value lookup
(wilayah names, jenis names). A check returns a findings frame (one row per finding: ``code``,
``row`` (user row), ``letter``, ``field``, ``column``, ``value`` and message parameters); the
message is rendered later from ``pmkscheck/rules/rekap.toml``.

Totals are checked against the table's *own* Jumlah column and Jumlah row. A count that is not a
whole number is reported once (REKAP_COUNT_*) and left out of every sum check, so one bad cell
does not cascade into total findings. A Jumlah row is checked column by column only (its cells are
the column totals); L + P = Jumlah and the row totals are checked on wilayah rows.

Why one module of ~510 lines: the REKAP_* checks all walk one located recap (its matrix of counts,
wilayah rows and totals) and share its helpers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from pmkscheck import distinct, reference
from pmkscheck.domain.district import district as make_district
from pmkscheck.domain.district import first_signal, majority
from pmkscheck.domain.jenis import classify_jenis
from pmkscheck.domain.wilayah import (
    NO_SUGGESTION,
    match_kabupaten,
    match_kecamatan,
)
from pmkscheck.issues import District
from pmkscheck.rekap.counts import EMPTY, FORMULA, INVALID, NEGATIVE, parse_counts
from pmkscheck.rekap.shape import RekapShape, kab_code_map
from pmkscheck.schema.model import fold_header
from pmkscheck.settings import Settings
from pmkscheck.table import SourceTable

FIELD_OF_SEX = {"L": "l", "P": "p", "T": "jumlah"}
PROVINCE_HEADERS = frozenset({"kabupatenkota", "kabkota", "kabupaten", "kota", "kotakabupaten",
                              "namakabupatenkota"})
SUGGEST_SCORE = 70.0


@dataclass
class Matrix:
    """Count cells of the data rows followed by the Jumlah rows."""

    rows: np.ndarray  # grid indices
    user_rows: np.ndarray
    texts: np.ndarray  # (n, k) object
    values: np.ndarray  # (n, k) float, NaN = not a count
    status: np.ndarray  # (n, k) object
    n_data: int


@dataclass
class RekapResult:
    """What the recap checks found, for the pipeline to put into a ``FileReport``."""

    findings: pd.DataFrame
    district: District | None
    scope: str  # "kecamatan" | "kabupaten"
    codes: pd.Series  # per data row (index = position), Kemendagri code or None
    official: pd.Series
    jenis: pd.Series | None  # long tables: official jenis per data row
    matrix: Matrix
    expected: list[str] = field(default_factory=list)
    covered: set[str] | None = None  # transposed: the wilayah codes of the column headers


def matrix(shape: RekapShape) -> Matrix:
    """Parse every count cell of the wilayah and Jumlah rows."""
    rows = np.concatenate([shape.data_rows, shape.total_rows]).astype(np.int64)
    grid = shape.grid
    texts = np.empty((len(rows), len(shape.counts)), dtype=object)
    kinds = np.empty_like(texts)
    for j, col in enumerate(shape.counts):
        texts[:, j] = grid.cols[col.index][rows] if len(rows) else []
        kinds[:, j] = grid.kind(col.index)[rows] if len(rows) else []
    values, status = parse_counts(texts, kinds)
    return Matrix(rows, grid.rows[rows], texts, values, status, len(shape.data_rows))


def _frame(code: str, rows: np.ndarray, letters: np.ndarray | list, fields: np.ndarray | list,
           columns: np.ndarray | list, values: np.ndarray | list, **params: object) -> pd.DataFrame:
    n = len(rows)
    data: dict[str, object] = {"code": [code] * n, "row": list(rows), "letter": list(letters),
                               "field": list(fields), "column": list(columns),
                               "value": list(values)}
    for k, v in params.items():
        data[k] = list(v) if isinstance(v, (np.ndarray, list, pd.Series)) else [v] * n
    return pd.DataFrame(data)


# --------------------------------------------------------------------------------- counts


def check_counts(shape: RekapShape, m: Matrix) -> list[pd.DataFrame]:
    """REKAP_COUNT_INVALID / _NEGATIVE / _NO_VALUE and REKAP_TOTAL_NO_VALUE, per cell."""
    out = []
    letters = np.array([c.letter for c in shape.counts], dtype=object)
    fields = np.array([FIELD_OF_SEX[c.sex] for c in shape.counts], dtype=object)
    headers = np.array([c.header for c in shape.counts], dtype=object)
    derived = _derived_cells(shape, m)
    for status, code in ((INVALID, "REKAP_COUNT_INVALID"), (NEGATIVE, "REKAP_COUNT_NEGATIVE")):
        i, j = np.nonzero(m.status == status)
        if len(i):
            out.append(_frame(code, m.user_rows[i], letters[j], fields[j], headers[j],
                              m.texts[i, j]))
    formula = m.status == FORMULA
    for mask, code in ((formula & derived, "REKAP_TOTAL_NO_VALUE"),
                       (formula & ~derived, "REKAP_COUNT_NO_VALUE")):
        i, j = np.nonzero(mask)
        if len(i):
            out.append(_frame(code, m.user_rows[i], letters[j], fields[j], headers[j],
                              [None] * len(i)))
    return out


def _derived_cells(shape: RekapShape, m: Matrix) -> np.ndarray:
    """Cells whose value follows from others: Jumlah rows, Jumlah columns, a group's L+P."""
    mask = np.zeros(m.values.shape, dtype=bool)
    mask[m.n_data:, :] = True
    for j, col in enumerate(shape.counts):
        group = shape.groups[col.group]
        if group.kind == "total" or (col.sex == "T" and {"L", "P"} <= set(group.cols)):
            mask[:, j] = True
    return mask


# --------------------------------------------------------------------------------- sums


def _col(shape: RekapShape) -> dict[int, int]:
    return {c.index: j for j, c in enumerate(shape.counts)}


def check_sums(shape: RekapShape, m: Matrix) -> list[pd.DataFrame]:
    """REKAP_SEX_SUM, REKAP_ROW_TOTAL (wilayah rows) and REKAP_COLUMN_TOTAL (Jumlah rows)."""
    out: list[pd.DataFrame] = []
    pos = _col(shape)
    d = m.values[: m.n_data]
    drows = m.user_rows[: m.n_data]
    for group in shape.groups:
        if {"L", "P", "T"} <= set(group.cols):
            jl, jp, jt = (pos[group.cols[s]] for s in ("L", "P", "T"))
            lp = d[:, jl] + d[:, jp]
            i = np.flatnonzero(_differs(lp, d[:, jt]))
            if len(i):
                col = shape.counts[jt]
                out.append(_frame("REKAP_SEX_SUM", drows[i], [col.letter] * len(i),
                                  ["jumlah"] * len(i), [col.header] * len(i), m.texts[i, jt],
                                  l=_ints(d[i, jl]), p=_ints(d[i, jp]), expected=_ints(lp[i])))
    total = next((g for g in shape.groups if g.kind == "total"), None)
    if total is not None and (shape.form in ("wide", "transposed") or any(
            g.kind == "breakdown" for g in shape.groups)):
        # counts of families (KK) are never added to counts of persons
        parts = [g for g in shape.groups if g is not total and g.kind != "long"
                 and g.unit == total.unit]
        for sex, c in total.cols.items():
            summed = np.zeros(m.n_data)
            for g in parts:
                if sex in g.cols:
                    summed = summed + d[:, pos[g.cols[sex]]]
                elif sex == "T" and {"L", "P"} <= set(g.cols):
                    summed = summed + d[:, pos[g.cols["L"]]] + d[:, pos[g.cols["P"]]]
                else:
                    summed = None
                    break
            if summed is None or not parts:
                continue
            jt = pos[c]
            i = np.flatnonzero(_differs(summed, d[:, jt]))
            if len(i):
                col = shape.counts[jt]
                out.append(_frame("REKAP_ROW_TOTAL", drows[i], [col.letter] * len(i),
                                  [FIELD_OF_SEX[sex]] * len(i), [col.header] * len(i),
                                  m.texts[i, jt], expected=_ints(summed[i])))
    out.extend(_column_totals(shape, m))
    return out


def _differs(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Both are counts (not NaN) and they are not equal, elementwise."""
    with np.errstate(invalid="ignore"):
        return ~np.isnan(a) & ~np.isnan(b) & (a != b)


def _column_totals(shape: RekapShape, m: Matrix) -> list[pd.DataFrame]:
    out = []
    d = m.values[: m.n_data]
    data_g = m.rows[: m.n_data]
    units = shape.units(m.rows)  # a satuan column: orang, jiwa, KK, keluarga per row
    prev = -1
    prev_of: dict[str, int] = {}  # per unit: the last total row of that unit
    for t in range(m.n_data, len(m.rows)):
        g = m.rows[t]
        block = (data_g > prev) & (data_g < g)
        above = data_g < g
        if units is not None and units[t] != "":  # a total of one unit: rows of that unit
            same = units[: m.n_data] == units[t]
            block = (data_g > prev_of.get(units[t], -1)) & (data_g < g) & same
            above &= same
            prev_of[units[t]] = g
        elif units is not None and len(set(units[: m.n_data][block])) > 1:
            prev = g
            continue  # a total over persons and families together: nothing to compare
        prev = g
        exp_block = d[block].sum(axis=0)  # NaN when any summand is not a count
        exp_all = d[above].sum(axis=0)
        written = m.values[t]
        j = np.flatnonzero(_differs(written, exp_block) & ~(written == exp_all))
        if len(j):
            cols = [shape.counts[k] for k in j]
            out.append(_frame("REKAP_COLUMN_TOTAL", [m.user_rows[t]] * len(j),
                              [c.letter for c in cols], [FIELD_OF_SEX[c.sex] for c in cols],
                              [c.header for c in cols], m.texts[t, j],
                              expected=_ints(exp_block[j]), n_rows=int(block.sum())))
    return out


def _ints(values: np.ndarray) -> list[int]:
    return [int(v) for v in values]


# --------------------------------------------------------------------------------- jenis


def check_jenis_headers(shape: RekapShape) -> list[pd.DataFrame]:
    """Wide tables: unknown, variant and duplicate jenis column headers (on the header cell)."""
    rows = []
    for g in shape.groups:
        if g.kind in ("total", "long", "exact", "wilayah", "breakdown") or g.row is None:
            continue
        code = {"variant": "REKAP_JENIS_VARIANT", "duplicate": "REKAP_JENIS_DUPLICATE"}.get(
            g.kind, "REKAP_JENIS_UNKNOWN")
        rows.append(_frame(code, [g.row], [g.letter], ["jenis"], [g.text], [g.text],
                           official=g.jenis or "-", first_letter=g.first_letter or "-",
                           suggestions=", ".join(g.options) or NO_SUGGESTION))
    return rows


def jenis_values(shape: RekapShape) -> tuple[pd.Series | None, list[pd.DataFrame]]:
    """Long tables: each row's jenis (official) and findings for unknown / variant values."""
    if shape.jenis_col is None:
        return None, []
    raw = pd.Series(shape.grid.cols[shape.jenis_col][shape.data_rows], dtype=object)
    keyed = raw.fillna("")
    matched = {u: classify_jenis(u or None) for u in distinct.unique(keyed)}
    official = keyed.map({u: m.official for u, m in matched.items()}).astype(object)
    kind = keyed.map({u: m.kind for u, m in matched.items()}).to_numpy()
    rows = shape.user_rows(shape.data_rows)
    letter = shape.letter(shape.jenis_col)
    out = []
    for mask, code in ((kind == "variant", "REKAP_JENIS_VARIANT"),
                       (~np.isin(kind, ["exact", "variant"]), "REKAP_JENIS_UNKNOWN")):
        i = np.flatnonzero(mask)
        if len(i):
            vals = keyed.iloc[i].to_numpy()
            out.append(_frame(code, rows[i], [letter] * len(i), ["jenis"] * len(i),
                              ["jenis"] * len(i), raw.iloc[i].to_numpy(),
                              official=[matched[v].official or "-" for v in vals],
                              first_letter="-",
                              suggestions=[", ".join(matched[v].options) or NO_SUGGESTION
                                           for v in vals]))
    return official, out


# --------------------------------------------------------------------------------- wilayah


def _scope(shape: RekapShape, texts: list[str]) -> str:
    header = fold_header(shape.wilayah_header)
    kab = sum(match_kabupaten(t).kind in ("exact", "variant") for t in texts)
    kec = sum(match_kecamatan(t).kind in ("exact", "variant") for t in texts)
    if kab > kec or (kab == kec and header in PROVINCE_HEADERS):
        return "kabupaten"
    return "kecamatan"


def _district(codes: pd.Series, table: SourceTable, settings: Settings,
              hint: str | None = None) -> District | None:
    """The recap's district: :func:`pmkscheck.domain.district.first_signal`."""
    return first_signal(table, settings, majority(codes, prefix=4) or hint)


def _suggest(text: str, names: dict[str, str], fallback: str | None) -> str:
    if names:
        found = process.extractOne(text.lower(), {c: n.lower() for c, n in names.items()},
                                   scorer=fuzz.WRatio, score_cutoff=SUGGEST_SCORE)
        if found:
            return names[found[2]]
    return fallback if fallback else NO_SUGGESTION


def check_wilayah(shape: RekapShape, table: SourceTable, settings: Settings,
                  jenis: pd.Series | None
                  ) -> tuple[list[pd.DataFrame], District | None, str, pd.Series, pd.Series,
                             list[str]]:
    """Unknown / other-district / duplicate / missing wilayah; variants as info."""
    raw = pd.Series(shape.grid.cols[shape.wilayah_col][shape.data_rows], dtype=object)
    written = raw.notna().to_numpy()
    filled = raw.ffill() if shape.form == "long" else raw
    if shape.wilayah_role == "kab_code":  # BPS or Kemendagri codes: read as Kemendagri
        bridge = kab_code_map(filled)
        filled = filled.map(lambda v: bridge.get(str(v), v) if v is not None else v)
    uniques = [u for u in distinct.unique(filled) if u is not None and not pd.isna(u)]
    scope = _scope(shape, [str(u) for u in uniques])
    if shape.wilayah_role in ("kab_code", "kab_name"):
        scope = "kabupaten"
    elif shape.wilayah_role in ("kec_code", "kec_name"):
        scope = "kecamatan"
    matcher = match_kabupaten if scope == "kabupaten" else match_kecamatan
    matched = {u: matcher(str(u)) for u in uniques}

    def attr(name: str) -> pd.Series:  # per unique value, spread with Series.map
        return filled.map({u: getattr(m, name) for u, m in matched.items()})

    codes = attr("code").astype(object)
    official = attr("official").astype(object)
    kind = attr("kind").fillna("empty").to_numpy()
    rows = shape.user_rows(shape.data_rows)
    letter = shape.letter(shape.wilayah_col)
    field_name = "wilayah"
    column = shape.wilayah_header
    out: list[pd.DataFrame] = []
    if scope == "kabupaten":
        district = None
        names = {c: reference.kabupaten_name(c) or c for c in reference.KALTIM_KABKOTA}
        expected = list(reference.KALTIM_KABKOTA)
        one = set(codes.dropna().str[:4])
        if shape.form == "long" and len(one) == 1:  # one kab/kota's own figures per jenis
            code = one.pop()
            if code in reference.KALTIM_KABKOTA:
                district = make_district(code, "wilayah")
            expected = []
    else:
        district = _district(codes, table, settings, shape.district_code)
        names = _kecamatan_names(district)
        expected = list(names)
    good = np.isin(kind, ["exact", "variant"])
    # unknown (written cells only; a long table's continuation rows repeat the name above)
    i = np.flatnonzero(~good & written)
    if len(i):
        vals = raw.iloc[i].to_numpy()
        out.append(_frame("REKAP_WILAYAH_UNKNOWN", rows[i], [letter] * len(i),
                          [field_name] * len(i), [column] * len(i), vals,
                          level=_level(scope),
                          suggestion=[_suggest(str(v), names, matched[v].suggestion)
                                      for v in vals]))
    variant = (kind == "variant") & written
    if shape.form == "long":  # the name repeats on every jenis row: say it once
        variant &= ~raw.duplicated().to_numpy()
    i = np.flatnonzero(variant)
    if len(i):
        out.append(_frame("REKAP_WILAYAH_VARIANT", rows[i], [letter] * len(i),
                          [field_name] * len(i), [column] * len(i), raw.iloc[i].to_numpy(),
                          official=official.iloc[i].to_numpy()))
    if district is not None:
        other = good & written & (codes.fillna("").str[:4] != district.code).to_numpy()
        i = np.flatnonzero(other)
        if len(i):
            out.append(_frame("REKAP_WILAYAH_OTHER_DISTRICT", rows[i], [letter] * len(i),
                              [field_name] * len(i), [column] * len(i), raw.iloc[i].to_numpy(),
                              official=official.iloc[i].to_numpy(),
                              other_district=[reference.kabupaten_name(c[:4]) or c[:4]
                                              for c in codes.iloc[i]],
                              district=district.name))
    # duplicates: the same wilayah (wide) or the same wilayah x jenis (long) twice
    key = codes.where(pd.Series(good)).astype(object)
    if jenis is not None:
        key = key + "\x00" + jenis.fillna("?").astype(str)
        units = shape.units(shape.data_rows)
        if units is not None:  # Fakir Miskin in KK and in jiwa are two rows, not a duplicate
            key = key + "\x00" + pd.Series(units, dtype=object)
        dims = shape.dims(shape.data_rows)
        if dims is not None:  # rows per sex, age band or year are not duplicates
            key = key + dims
    frame = pd.DataFrame({"key": key, "row": rows})
    dup = frame["key"].notna() & frame.duplicated("key", keep="first")
    if jenis is None:
        dup &= written
    i = np.flatnonzero(dup.to_numpy())
    if len(i):
        first = frame.dropna().drop_duplicates("key").set_index("key")["row"]
        out.append(_frame(
            "REKAP_WILAYAH_DUPLICATE" if jenis is None else "REKAP_ROW_DUPLICATE",
            rows[i], [letter] * len(i), [field_name] * len(i), [column] * len(i),
            filled.iloc[i].to_numpy(), official=official.iloc[i].to_numpy(),
            other_row=[int(first[k]) for k in frame["key"].iloc[i]],
            jenis=(jenis.iloc[i].fillna("-").to_numpy() if jenis is not None else "-")))
    present = set(codes.dropna())
    missing = [c for c in expected if c not in present]
    if missing:
        out.append(_frame("REKAP_WILAYAH_MISSING", [None] * len(missing), [None] * len(missing),
                          [field_name] * len(missing), [column] * len(missing),
                          [None] * len(missing), wilayah=[names[c] for c in missing],
                          kode=missing, level=_level(scope),
                          area=district.name if district else "Provinsi Kalimantan Timur"))
    return out, district, scope, codes, official, expected


def check_wilayah_headers(shape: RekapShape, table: SourceTable, settings: Settings
                          ) -> tuple[list[pd.DataFrame], District | None, str, set[str],
                                     list[str]]:
    """Transposed recaps: the wilayah are column headers; findings sit on the header cells."""
    groups = [g for g in shape.groups if g.kind == "wilayah"]
    scope = "kabupaten" if shape.wilayah_role == "kab_name" else "kecamatan"
    codes = pd.Series([g.wilayah[1] or None for g in groups], dtype=object)
    out: list[pd.DataFrame] = []
    if not groups:  # one row per jenis for the whole district (title, file name) or province
        district = _district(codes, table, settings)
        return [], district, "kecamatan" if district else "kabupaten", set(), []
    if scope == "kabupaten":
        district = None
        names = {c: reference.kabupaten_name(c) or c for c in reference.KALTIM_KABKOTA}
        expected = list(reference.KALTIM_KABKOTA)
    else:
        district = _district(codes, table, settings)
        names = _kecamatan_names(district)
        expected = list(names)
    matcher = match_kabupaten if scope == "kabupaten" else match_kecamatan
    first_of: dict[str, str] = {}
    for g in groups:
        kind, code, official = g.wilayah
        base = {"rows": [g.row], "letters": [g.letter], "fields": ["wilayah"],
                "columns": [g.text], "values": [g.text]}
        if kind not in ("exact", "variant"):
            out.append(_frame("REKAP_WILAYAH_UNKNOWN", **base, level=_level(scope),
                              suggestion=_suggest(g.text, names, matcher(g.text).suggestion)))
            continue
        if kind == "variant":
            out.append(_frame("REKAP_WILAYAH_VARIANT", **base, official=official))
        if district is not None and code[:4] != district.code:
            out.append(_frame("REKAP_WILAYAH_OTHER_DISTRICT", **base, official=official,
                              other_district=reference.kabupaten_name(code[:4]) or code[:4],
                              district=district.name))
        if code in first_of:
            out.append(_frame("REKAP_WILAYAH_DUPLICATE", **base, official=official,
                              other_row=first_of[code]))
        first_of.setdefault(code, f"{g.letter}{g.row}")
    present = set(codes.dropna())
    missing = [c for c in expected if c not in present]
    if missing:
        out.append(_frame("REKAP_WILAYAH_MISSING", [None] * len(missing), [None] * len(missing),
                          ["wilayah"] * len(missing), [None] * len(missing),
                          [None] * len(missing), wilayah=[names[c] for c in missing],
                          kode=missing, level=_level(scope),
                          area=district.name if district else "Provinsi Kalimantan Timur"))
    return out, district, scope, present, expected


def _level(scope: str) -> str:
    return "kecamatan" if scope == "kecamatan" else "kabupaten/kota"


def run(shape: RekapShape, table: SourceTable, settings: Settings) -> RekapResult:
    """Every recap check on one located table."""
    m = matrix(shape)
    jenis, jenis_found = jenis_values(shape)
    covered = None
    if shape.form == "transposed":
        wil_found, district, scope, covered, expected = check_wilayah_headers(
            shape, table, settings)
        codes = pd.Series([None] * len(shape.data_rows), dtype=object)
        official = codes.copy()
        jenis_found.extend(_jenis_row_duplicates(shape, jenis))
    else:
        wil_found, district, scope, codes, official, expected = check_wilayah(
            shape, table, settings, jenis)
    parts = [*check_counts(shape, m), *check_sums(shape, m), *check_jenis_headers(shape),
             *jenis_found, *wil_found]
    parts = [p for p in parts if not p.empty]
    findings = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
        columns=["code", "row", "letter", "field", "column", "value"])
    return RekapResult(findings=findings, district=district, scope=scope, codes=codes,
                       official=official, jenis=jenis, matrix=m, expected=expected,
                       covered=covered)


def _jenis_row_duplicates(shape: RekapShape, jenis: pd.Series | None) -> list[pd.DataFrame]:
    """Transposed recaps: a jenis on two rows (REKAP_ROW_DUPLICATE on the second)."""
    if jenis is None:
        return []
    rows = shape.user_rows(shape.data_rows)
    frame = pd.DataFrame({"key": jenis.to_numpy(), "row": rows})
    dup = frame["key"].notna() & frame.duplicated("key", keep="first")
    i = np.flatnonzero(dup.to_numpy())
    if not len(i):
        return []
    first = frame.dropna().drop_duplicates("key").set_index("key")["row"]
    raw = shape.grid.cols[shape.jenis_col][shape.data_rows]
    letter = shape.letter(shape.jenis_col)
    return [_frame("REKAP_ROW_DUPLICATE", rows[i], [letter] * len(i), ["jenis"] * len(i),
                   [shape.wilayah_header] * len(i), raw[i], official="(semua wilayah)",
                   jenis=frame["key"].iloc[i].to_numpy(),
                   other_row=[int(first[k]) for k in frame["key"].iloc[i]])]


__all__ = ["EMPTY", "Matrix", "RekapResult", "matrix", "run"]


def _kecamatan_names(district: District | None) -> dict[str, str]:
    """Kecamatan code -> official name for the district (empty when it is unknown)."""
    if district is None:
        return {}
    kec = reference.kecamatan()
    kec = kec[kec["kode_kabupaten"] == district.code]
    return dict(zip(kec["kode"], kec["nama"], strict=True))
