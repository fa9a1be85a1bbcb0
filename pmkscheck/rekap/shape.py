"""Shape of a recap sheet: header groups (jenis x L/P/Jumlah), wilayah rows and Jumlah rows.

Stage ① read (for ``pmks-rekap`` tables). The reader's header finder
(:func:`pmkscheck.read.header.find_layout`) gives the header block and its column parts; this
module decides, from the sheet grid itself:

* **wide** -- one column group per jenis PMKS (header mapped with
  :func:`pmkscheck.domain.jenis.classify_jenis`, the same variant rules as person lists), each
  group one column or ``L`` | ``P`` [| ``Jumlah``] sub-columns; ``Jumlah`` columns without a jenis
  are the row totals;
* **long** -- a ``Jenis PMKS`` column whose *values* are jenis names, and ``L`` / ``P`` /
  ``Jumlah`` count columns; this includes the open-data portal form (Satu Data / CKAN exports:
  ``kode_provinsi, nama_provinsi, kode_kabupaten_kota, nama_kabupaten_kota, tahun, jenis_pmks,
  jumlah, satuan``, one row per jenis and wilayah), whose ``satuan`` (orang, jiwa, KK,
  keluarga) is kept per row so that persons and families are never added together;
* **one jenis** -- a recap of the jenis named by the title, the sheet or the file name whose
  columns are breakdowns (age bands "<6 Tahun", "60+"; education SD/SMP/SMA; KK and jiwa):
  its breakdown columns are parts of that jenis, never unknown jenis;

and which rows are wilayah rows, ``Jumlah``/``Total`` rows (totals of the rows above them) and
trailing notes or signatures (ignored).

Why one module of ~620 lines: one algorithm: locating header groups, wilayah rows and totals of a
recap in a grid, in its wide, long and transposed forms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from pmkscheck import reference
from pmkscheck.domain.jenis import classify_jenis
from pmkscheck.domain.wilayah import match_kabupaten, match_kecamatan
from pmkscheck.read.grid import Grid
from pmkscheck.read.header import Layout, find_layout
from pmkscheck.read.sheetjenis import jenis_in_name, jenis_in_title
from pmkscheck.schema import Schema
from pmkscheck.schema.model import fold_header
from pmkscheck.table import KIND_EMPTY, SourceTable, column_letter

SEX_L = frozenset({"l", "lk", "laki", "lakilaki", "pria", "jumlahl", "jumlahlakilaki"})
SEX_P = frozenset({"p", "pr", "perempuan", "wanita", "jumlahp", "jumlahperempuan"})
TOTAL = frozenset({"jumlah", "total", "jml", "lp", "jumlahlp", "totallp", "jumlahtotal",
                   "jumlahkeseluruhan", "totalkeseluruhan", "subtotal", "grandtotal"})
_TOTAL_ROW = re.compile(r"^\s*(?:sub\s*-?\s*total|grand\s+total|total|jumlah|jml\.?)\b",
                        re.IGNORECASE)
_SKIP_FIELDS = frozenset({"no", "kode", "wilayah", "keterangan", "satuan", "tahun"})
_RUNNING = frozenset({"#", "no", "no.", "nomor", "no urut", "id", "_id", "nomor urut"})
_FAMILY = re.compile(r"(?<![a-z])(kk|keluarga|rumah\s*tangga|rtm|kepala\s*keluarga)(?![a-z])",
                     re.IGNORECASE)
_PERSON = re.compile(r"(?<![a-z])(jiwa|orang|org|individu|anggota)(?![a-z])", re.IGNORECASE)
# Breakdown headers: age bands, education levels, units, status; never a jenis of their own.
_BREAKDOWN = re.compile(
    r"^\s*(?:(?:usia|umur|kelompok\s+umur|kel\.?\s*umur)\b.*"
    r"|[<>≤≥]=?\s*\d+.*|\d+\s*(?:-|–|s\.?\s*d\.?|sd|sampai|s/d)\s*\d+.*|\d+\s*\+.*"
    r"|\d+\s*(?:th|thn|tahun)\b.*|.*\b(?:tahun|thn)\s*(?:ke\s*atas|keatas|ke\s*bawah)\b.*"
    r"|(?:tidak|belum|putus|tdk)\s+(?:sekolah|tamat).*|(?:tamat\s+)?(?:sd|smp|sma|smk|slta|sltp|"
    r"sd/mi|smp/mts|sma/ma|sma/smk|mi|mts|ma|paud|tk|d\s*[1-4]|s\s*[1-3]|diploma|sarjana|"
    r"perguruan\s+tinggi|pt)(?:\s*/\s*\w+)*(?:\s+sederajat)?"
    r"|(?:jumlah\s*|jml\.?\s*)?\(?\s*(?:kk|keluarga|jiwa|orang|rumah\s*tangga|rtm|individu)"
    r"\s*\)?(?:\s*\(.*\))?|baru|lama|laki.*dan.*perempuan|balita|anak|remaja|dewasa)\s*$",
    re.IGNORECASE)


@dataclass
class CountCol:
    """One count column.

    Attributes:
        index: 0-based grid column.
        letter: its spreadsheet letter.
        header: header as written (parts joined with " / ").
        group: index into :attr:`RekapShape.groups`.
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
            ``psks``, ``total``, ``long``, ``breakdown`` (a part of one jenis: an age band,
            education level, KK or jiwa), ``duplicate``).
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
    unit: str | None = None  # "kk" for counts of families (KK, keluarga, rumah tangga)
    wilayah: tuple[str, str, str] | None = None  # kind "wilayah": (match kind, code, official)


@dataclass
class RekapShape:
    """A recap sheet as located in its grid."""

    form: str  # "wide" | "long" | "transposed" (jenis in the rows, one column per wilayah)
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
    satuan_col: int | None = None  # long form: the unit of each row's counts
    district_code: str | None = None  # from kode/nama kabupaten columns (portal exports)
    one_jenis: str | None = None  # the recap's single jenis (title, sheet or file name)
    wilayah_role: str | None = None  # "kab_name", "kab_code", "kec_name", "kec_code" or None
    dim_cols: list[int] = field(default_factory=list)  # long: sex / age / year columns

    def dims(self, idx: np.ndarray) -> pd.Series | None:
        """Per grid row, the texts of :attr:`dim_cols` joined (``None`` without such columns)."""
        if not self.dim_cols:
            return None
        key = pd.Series([""] * len(idx), dtype=object)
        for c in self.dim_cols:
            key = key + "\x00" + pd.Series(self.grid.cols[c][idx], dtype=object).fillna("")
        return key

    def units(self, idx: np.ndarray) -> np.ndarray | None:
        """Unit family of grid rows (``"kk"``, ``"orang"`` or the folded text), or ``None``."""
        if self.satuan_col is None:
            return None
        raw = pd.Series(self.grid.cols[self.satuan_col][idx], dtype=object)
        keyed = raw.fillna("")
        fam = {u: unit_family(u) for u in keyed.unique()}
        return keyed.map(fam).to_numpy(dtype=object)

    def letter(self, col: int) -> str:
        """Spreadsheet letter of a grid column."""
        return column_letter(col)

    def user_rows(self, idx: np.ndarray) -> np.ndarray:
        """User row numbers of grid rows."""
        return self.grid.rows[idx]


def load_grid(table: SourceTable) -> Grid:
    """The grid of the table's sheet, as the isolated reader handed it over.

    The parent process never parses the input again (issue 12): the reader keeps the grid of
    every recap table (:attr:`SourceTable.grid`).
    """
    grid = table.grid
    if not isinstance(grid, Grid):
        raise ValueError("a recap table must come from pmkscheck.read (its grid is missing)")
    return grid


def one_jenis_of(table: SourceTable) -> tuple[str, str] | None:
    """(official jenis, source) named once for the whole recap: sheet, title or file name."""
    if table.sheet and jenis_in_name(table.sheet):
        return jenis_in_name(table.sheet), "sheet"  # type: ignore[return-value]
    for line in table.title_lines:
        found = jenis_in_title(line)
        if found:
            return found[0], "title"
    found = jenis_in_title(table.path.stem.replace("_", " "))
    if found:
        return found[0], "file_name"
    return None


def unit_family(text: object) -> str:
    """Unit family of a ``satuan``: counts of different families are never added together.

    ``"kk"`` for families (KK, keluarga, rumah tangga), ``"orang"`` for persons (orang, jiwa),
    else the folded text (``""`` when empty).

    >>> unit_family("KK"), unit_family("Keluarga"), unit_family("Jiwa"), unit_family("orang")
    ('kk', 'kk', 'orang', 'orang')
    """
    t = _text(text)
    if not t:
        return ""
    if _FAMILY.search(t):
        return "kk"
    if _PERSON.search(t):
        return "orang"
    return fold_header(t)


def _unit(parts: list[str]) -> str | None:
    return "kk" if any(_FAMILY.search(p) for p in parts) else None


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


def is_breakdown(text: str) -> bool:
    """A breakdown header (age band, education level, KK / jiwa), not a jenis of its own.

    >>> [is_breakdown(t) for t in ("<6 Tahun", "6-12 Tahun", "60+", "SMP", "Jumlah KK")]
    [True, True, True, True, True]
    >>> is_breakdown("Anak Hilang"), is_breakdown("Lansia")
    (False, False)
    """
    return bool(_BREAKDOWN.match(_text(str(text).replace("_", " "))))


_AGE = re.compile(r"\d+\s*(?:-|–|s\.?\s*d\.?|sampai|s/d)\s*\d+|[<>≤≥]\s*=?\s*\d+|\d+\s*\+"
                  r"|\d+\s*(?:th|thn|tahun)\b", re.IGNORECASE)
_STAGES = frozenset({"lansia", "lanjutusia", "anak", "anakanak", "balita", "remaja", "dewasa",
                     "bayi", "pemuda"})


def _life_stage(text: str) -> bool:
    """An age group written with a jenis-like word ("Lansia (60+)", "Anak 6-17 th")."""
    bare = fold_header(re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", text))
    return bool(_AGE.search(text)) or bare in _STAGES


# Portal / wide attribute columns by folded header: not counts, never jenis.
_PROV = re.compile(r"prov")
_KAB = re.compile(r"kab|kota")
_KEC = re.compile(r"^(?:kode|kd|nama|bps|kemendagri)*kec")


def _role(hc) -> str | None:
    """``prov``, ``kab_code``, ``kab_name``, ``kec_code``, ``kec_name`` or ``None``."""
    folded = fold_header(hc.text)
    code = "kode" in folded or folded.startswith("kd") or folded.endswith(("id", "code"))
    if _PROV.search(folded):
        return "prov"
    if _KEC.search(folded) or folded.startswith("kecamatan"):
        return "kec_code" if code else "kec_name"
    if _KAB.search(folded) and hc.field in ("wilayah", "kode", None) and not _sex_of(hc.text):
        return "kab_code" if code else "kab_name"
    return None


def _numeric_share(grid: Grid, col: int, start: int) -> float:
    values = pd.Series(grid.cols[col][start:], dtype=object).dropna().astype(str)
    values = values[values.str.strip() != ""]
    if values.empty:
        return 0.0
    return float(values.str.fullmatch(r"\s*-?[\d.,]+\s*").mean())


def _jenis_share(grid: Grid, col: int, start: int) -> float:
    values = pd.Series(grid.cols[col][start:], dtype=object).dropna().astype(str)
    uniques = values.unique()[:500]
    if not len(uniques):
        return 0.0
    return float(np.mean([classify_jenis(u).kind in ("exact", "variant") for u in uniques]))


def locate(grid: Grid, schema: Schema, context: str | None = None,
           one_jenis: str | None = None) -> RekapShape | None:
    """Find the recap's header, column groups and rows in ``grid`` (``None``: not a recap).

    Args:
        grid: the sheet as read.
        schema: the recap schema.
        context: the file name without extension (as the reader's header finder had it).
        one_jenis: the official jenis the title, sheet or file name gives the whole recap.
    """
    layout = find_layout(grid, schema, context=context)
    if layout is None:
        return None
    start_row = layout.end + 1 if layout.numbers_row is None else layout.numbers_row + 1
    roles = {hc.index: _role(hc) for hc in layout.columns if hc.parts}
    fields = {hc.index: hc.field for hc in layout.columns}
    turned = _transposed(grid, layout, start_row)
    if turned is not None:
        return turned
    by_role: dict[str, int] = {}
    for c, r in roles.items():
        if r is not None:
            by_role.setdefault(r, c)
    wilayah_col = by_role.get("kec_name")
    if wilayah_col is None:
        wilayah_col = next((c for c, f in fields.items() if f == "wilayah"
                            and roles.get(c) not in ("prov", "kec_code", "kab_code")), None)
    if wilayah_col is None:
        wilayah_col = by_role.get("kab_name", by_role.get("kec_code", by_role.get("kab_code")))
    if wilayah_col is None:  # one row per jenis for the whole district (or province)
        return _transposed(grid, layout, start_row, one_jenis, allow_none=True)
    kode_col = by_role.get("kec_code") if roles.get(wilayah_col) == "kec_name" else next(
        (c for c, f in fields.items() if f == "kode" and c != wilayah_col
         and roles.get(c) not in ("prov",)), None)
    attribute = {c for c, r in roles.items() if r is not None}
    satuan_col = next((c for c, f in fields.items() if f == "satuan"), None)
    jenis_col = None
    for hc in layout.columns:  # a column whose values are jenis names (never counts)
        if hc.index in attribute or hc.index == wilayah_col or not hc.parts:
            continue
        named = hc.field == "jenis" and classify_jenis(hc.parts[-1]).kind in (
            "unknown", "empty") and _sex_of(hc.parts[-1]) is None
        if _numeric_share(grid, hc.index, start_row) > 0.5:
            continue
        if named or (hc.field is None and _jenis_share(grid, hc.index, start_row) >= 0.5):
            jenis_col = hc.index
            break
    skip = {wilayah_col, kode_col, jenis_col, satuan_col, *attribute}
    plan = _plan(grid, layout, fields, skip, jenis_col, start_row, one_jenis)
    named = {p[0] for p in plan if isinstance(p[0], str) and p[5].kind in ("exact", "variant")}
    if one_jenis is not None and named - {one_jenis}:
        one_jenis = None  # the columns name other jenis: not a recap of one jenis
        plan = _plan(grid, layout, fields, skip, jenis_col, start_row, None)
    groups: list[Group] = []
    counts: list[CountCol] = []
    by_key: dict[object, int] = {}
    for key, c, sex, _part, cell_text, group in plan:
        if one_jenis is not None and group.kind == "breakdown":
            group.jenis = one_jenis
        if cell_text is not None:
            group.row, group.letter = _header_cell(grid, layout, c, cell_text)
        if key not in by_key or sex in groups[by_key[key]].cols:
            if key in by_key and group.jenis is not None and group.kind != "breakdown":
                group.kind = "duplicate"  # the same jenis again
                group.first_letter = groups[by_key[key]].letter
            by_key[key] = len(groups)
            groups.append(group)
        g = by_key[key]
        groups[g].cols[sex] = c
        hc_text = next(h.text for h in layout.columns if h.index == c)
        counts.append(CountCol(c, column_letter(c), hc_text, g, sex))
    if not counts:
        return None
    dims: list[int] = []
    if jenis_col is not None:  # long: other columns that tell rows apart (sex, age, year)
        counted = {k.index for k in counts}
        dims = [hc.index for hc in layout.columns if hc.parts and hc.index not in counted
                and hc.index not in skip - {fields_col("tahun", fields)}
                and hc.field not in ("no", "keterangan", "kode")
                and _text(hc.parts[-1]).lower() not in _RUNNING]
    data_rows, total_rows = _rows(grid, start_row, wilayah_col, [k.index for k in counts],
                                  jenis_col)
    district = _district_hint(grid, data_rows, by_role.get("kab_code"), by_role.get("kab_name"))
    return RekapShape(
        form="long" if jenis_col is not None else "wide", grid=grid, layout=layout,
        wilayah_col=wilayah_col, kode_col=kode_col, jenis_col=jenis_col, groups=groups,
        counts=counts, data_rows=data_rows, total_rows=total_rows,
        wilayah_header=next(hc.text for hc in layout.columns if hc.index == wilayah_col),
        satuan_col=satuan_col, district_code=district, one_jenis=one_jenis,
        wilayah_role=roles.get(wilayah_col), dim_cols=dims,
    )


def fields_col(name: str, fields: dict[int, str | None]) -> int | None:
    """The first column mapped to field ``name``."""
    return next((c for c, f in fields.items() if f == name), None)


def _plan(grid: Grid, layout: Layout, fields: dict[int, str | None], skip: set,
          jenis_col: int | None, start_row: int, one_jenis: str | None) -> list[tuple]:
    """(group key, column, sex, header cell text or None, group) per count column."""
    plan: list[tuple] = []
    for hc in layout.columns:
        c = hc.index
        if c in skip or not hc.parts:
            continue
        if hc.field in _SKIP_FIELDS and len(hc.parts) == 1:
            continue
        if _text(hc.parts[-1]).lower() in _RUNNING or fields.get(c) == "no":
            continue
        sex = _sex_of(hc.parts[-1])
        rest = hc.parts[:-1] if sex else list(hc.parts)
        if jenis_col is not None:  # long: count columns only; the jenis is in the rows
            if not (sex or hc.field in ("l", "p", "jumlah") or is_breakdown(rest[-1])
                    or _numeric_share(grid, c, start_row) > 0.5):
                continue
            if (sex or hc.field in ("l", "p", "jumlah")) and not is_breakdown(rest[-1] if rest
                                                                            else ""):
                plan.append(("", c, sex or "T", None, None, Group(None, None, "long")))
            else:
                plan.append((("b", rest[-1]), c, "T", rest[-1], None,
                             Group(None, rest[-1], "breakdown", unit=_unit(rest))))
            continue
        matched = None
        for k in range(len(rest) - 1, -1, -1):  # the nearest part naming a jenis
            m = classify_jenis(rest[k])
            if m.kind in ("exact", "variant"):
                matched = (k, m)
                break
        text = rest[-1] if rest else None
        if matched is not None and one_jenis is not None and _life_stage(rest[matched[0]]):
            matched = None  # an age group ("Lansia (60+)" in a recap of Penyandang Disabilitas)
        if matched is not None and matched[0] == len(rest) - 1:
            k, m = matched
            group = Group(m.official, rest[k], m.kind, m.options, unit=_unit(hc.parts))
            plan.append((m.official, c, sex or "T", rest[k], rest[k], group))
        elif matched is not None:  # a breakdown under a jenis ("Anak Telantar" / "<6 Tahun")
            k, m = matched
            group = Group(m.official, rest[-1], "breakdown", unit=_unit(hc.parts))
            plan.append(((m.official, rest[-1]), c, sex or "T", rest[-1], None, group))
        elif text is None or fold_header(text) in TOTAL:
            plan.append(("\x00total", c, sex or "T", text, None, Group(None, text, "total")))
        elif is_breakdown(text) or one_jenis is not None:
            group = Group(one_jenis, text, "breakdown", unit=_unit(hc.parts))
            plan.append((("b", text), c, sex or "T", text, None, group))
        else:
            m = classify_jenis(text)
            if not _has_numbers(grid, c, start_row):
                continue  # an unrecognised column without counts (notes, signatures)
            plan.append((text, c, sex or "T", text, text,
                         Group(None, text, m.kind, m.options, unit=_unit(hc.parts))))
    return plan


def kab_code_map(values: pd.Series) -> dict[str, str]:
    """Kab/kota codes of one column (BPS or Kemendagri) -> Kemendagri codes.

    The two lists differ in Kalimantan Timur (BPS 6402 is Kutai Barat, Kemendagri 6402 Kutai
    Kartanegara; ``reference/bps_kemendagri_kabkota_64_65.csv``). A column is one system: a
    code found in one list only decides for the whole column; a column of shared codes only is
    read as Kemendagri (the official list).
    """
    bps = reference.bps_kabkota()
    bridge = dict(zip(bps["kode_bps"], bps["kode_dagri"], strict=True))
    dagri = set(reference.KALTIM_KABKOTA)
    raw = {str(u): re.sub(r"\D", "", str(u))[:4] for u in values.dropna().unique()}
    codes = set(raw.values())
    bps_only = {c for c in codes if c in bridge and c not in dagri}
    dagri_only = {c for c in codes if c in dagri and c not in bridge}
    use_bps = bool(bps_only) and not dagri_only
    out = {}
    for text, code in raw.items():
        mapped = bridge.get(code) if use_bps else (code if code in dagri else None)
        if mapped in dagri:
            out[text] = mapped
    return out


def _wilayah_header(text: str) -> tuple[str, object] | None:
    """(level, match) of a header naming a kecamatan or a kab/kota, else ``None``."""
    if not text or fold_header(text) in TOTAL or any(ch.isdigit() for ch in text):
        return None
    for level, matcher in (("kecamatan", match_kecamatan), ("kabupaten", match_kabupaten)):
        m = matcher(text)
        if m.kind in ("exact", "variant"):
            return level, m
    return None


def _transposed(grid: Grid, layout: Layout, start_row: int, one_jenis: str | None = None,
                allow_none: bool = False) -> RekapShape | None:
    """A recap with one row per jenis and one column (or L | P group) per wilayah.

    With ``allow_none`` (the header names no wilayah column at all) the rows are the jenis of
    the whole district or province (title, file name) and the columns L / P / Jumlah or
    breakdowns.
    """
    named: dict[int, tuple[str, object, str, str | None]] = {}
    for hc in layout.columns:
        if not hc.parts:
            continue
        sex = _sex_of(hc.parts[-1])
        rest = hc.parts[:-1] if sex else list(hc.parts)
        if rest and (found := _wilayah_header(rest[-1])) is not None:
            named[hc.index] = (found[0], found[1], rest[-1], sex)
    if len({m.code for _, m, _, _ in named.values()}) < (0 if allow_none else 2):
        return None
    jenis_col = None
    for hc in layout.columns:
        if hc.index in named or not hc.parts or _numeric_share(grid, hc.index, start_row) > 0.5:
            continue
        if _jenis_share(grid, hc.index, start_row) >= 0.5:
            jenis_col = hc.index
            break
    if jenis_col is None:
        return None
    levels = [lv for lv, _, _, _ in named.values()]
    level = max(set(levels), key=levels.count) if levels else None
    groups: list[Group] = []
    counts: list[CountCol] = []
    by_key: dict[object, int] = {}
    for hc in layout.columns:
        c = hc.index
        if c == jenis_col or not hc.parts or _text(hc.parts[-1]).lower() in _RUNNING \
                or hc.field in ("no", "keterangan", "kode"):
            continue
        if c in named:
            _, m, text, sex = named[c]
            key: object = ("w", text)
            group = Group(None, text, "wilayah", wilayah=(m.kind, m.code, m.official))
            group.row, group.letter = _header_cell(grid, layout, c, text)
        else:
            sex = _sex_of(hc.parts[-1])
            rest = hc.parts[:-1] if sex else list(hc.parts)
            text = rest[-1] if rest else None
            if text is not None and fold_header(text) not in TOTAL:
                if not _has_numbers(grid, c, start_row):
                    continue
                if not named or is_breakdown(text):  # "<6 Tahun", "KK" under the jenis
                    key, group = ("b", text), Group(one_jenis, text, "breakdown",
                                                    unit=_unit(hc.parts))
                else:
                    key = ("w", text)  # a wilayah header that names no wilayah
                    group = Group(None, text, "wilayah", wilayah=("unknown", "", ""))
                    group.row, group.letter = _header_cell(grid, layout, c, text)
            else:
                key, group = "\x00total", Group(None, text, "total")
        sex = sex or "T"
        if key not in by_key or sex in groups[by_key[key]].cols:
            by_key[key] = len(groups)
            groups.append(group)
        groups[by_key[key]].cols[sex] = c
        counts.append(CountCol(c, column_letter(c), hc.text, by_key[key], sex))
    data_rows, total_rows = _rows(grid, start_row, jenis_col, [k.index for k in counts],
                                  jenis_col)
    header = next(hc.text for hc in layout.columns if hc.index == jenis_col)
    return RekapShape(form="transposed", grid=grid, layout=layout, wilayah_col=jenis_col,
                      kode_col=None, jenis_col=jenis_col, groups=groups, counts=counts,
                      data_rows=data_rows, total_rows=total_rows, wilayah_header=header,
                      wilayah_role={"kecamatan": "kec_name", "kabupaten": "kab_name"}.get(
                          level or ""))


def _district_hint(grid: Grid, rows: np.ndarray, code_col: int | None,
                   name_col: int | None) -> str | None:
    """The Kemendagri code of the one kab/kota named by kode / nama kabupaten columns.

    The name decides when there is one; else the codes, read as BPS or Kemendagri codes
    (:func:`kab_code_map`).
    """
    if not len(rows) or (code_col is None and name_col is None):
        return None
    found: set[str] = set()
    if name_col is not None:
        for u in pd.Series(grid.cols[name_col][rows], dtype=object).dropna().unique():
            m = match_kabupaten(str(u))
            if m.kind in ("exact", "variant") and m.code:
                found.add(m.code[:4])
    if not found and code_col is not None:
        found = set(kab_code_map(pd.Series(grid.cols[code_col][rows], dtype=object)).values())
    return found.pop() if len(found) == 1 else None


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


__all__ = ["KIND_EMPTY", "CountCol", "Group", "RekapShape", "is_breakdown", "kab_code_map",
           "load_grid", "locate",
           "one_jenis_of", "unit_family"]
