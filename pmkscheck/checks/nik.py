"""NIK_ checks: format, structure, region prefix, agreement with other columns, duplicates.

Missing, destroyed by Excel, stray characters, length, birth date and serial, region prefix,
agreement with Tanggal Lahir and Jenis Kelamin, and duplicates.

Stage ③ validate. Reads the clean ``nik`` and ``ctx.nik``, the
:class:`~pmkscheck.normalise.records.NikAnalysis` of :mod:`pmkscheck.normalise.nik`. One cell gets
at most one *format* finding: a NIK destroyed by Excel is reported only as ``NIK_EXCEL_NUMBER``
(never also as a wrong length), a NIK with characters that have no certain fix only as
``NIK_INVALID_CHARS``; structure, region, cross-field and duplicate checks only look at values that
are 16 digits.

Duplicates (decided here, documented in the rules): every row of a group that shares a NIK is
flagged. ``NIK_DUPLICATE`` (same NIK, same jenis PMKS) names, as ``other_row``, the group's first
row -- or for the first row itself, the second. ``NIK_DUPLICATE_OTHER_JENIS`` (same NIK under
another jenis) is given to rows not already flagged ``NIK_DUPLICATE`` and names the first row of
that NIK with a different jenis. All of it is ``groupby``/``duplicated``, never pairwise.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pmkscheck.checks.base import CheckContext, check, findings
from pmkscheck.domain.dates import datetime_to_ymd
from pmkscheck.domain.jenis import match_jenis
from pmkscheck.domain.nik import DIGITS, EXCEL, INVALID_CHARS, LENGTH_BAD, MISSING
from pmkscheck.domain.person import name_clusters, name_keys
from pmkscheck.table import ROW

# Jenis PMKS whose people often have no identity documents (DOMAIN.md): missing NIK = warning.
UNDOCUMENTED_JENIS = frozenset({
    "Gelandangan", "Pengemis", "Pemulung", "Anak Jalanan", "Komunitas Adat Terpencil",
    "Korban Trafficking", "Pekerja Migran Bermasalah Sosial",
})


def jenis_of_rows(ctx: CheckContext) -> pd.Series:
    """Official jenis PMKS per row: the clean column, else the sheet's jenis (mapped if known)."""
    index = ctx.data.index
    if "jenis_pmks" in ctx.clean.columns:
        return ctx.clean["jenis_pmks"].astype(object)
    sheet = ctx.table.sheet_jenis
    if sheet:
        sheet = match_jenis(sheet) or sheet
    return pd.Series(sheet, index=index, dtype=object)


def _status(ctx: CheckContext) -> pd.Series:
    return ctx.nik.status


@check("NIK_MISSING", "NIK_MISSING_UNDOCUMENTED", fields="nik")
def nik_missing(ctx: CheckContext) -> pd.DataFrame | None:
    """Empty NIK: an error, but a warning for jenis whose people often lack documents."""
    missing = (_status(ctx) == MISSING).to_numpy()
    if not missing.any():
        return None
    jenis = jenis_of_rows(ctx)[missing]
    undocumented = jenis.isin(UNDOCUMENTED_JENIS).to_numpy()
    return findings(jenis.index,
                    code=np.where(undocumented, "NIK_MISSING_UNDOCUMENTED", "NIK_MISSING"),
                    jenis=jenis.where(undocumented, None).to_numpy(dtype=object))


@check("NIK_EXCEL_NUMBER", "NIK_INVALID_CHARS", "NIK_LENGTH", "NIK_CHARS_CLEANED", fields="nik")
def nik_format(ctx: CheckContext) -> pd.DataFrame | None:
    """One format finding per cell: Excel number, stray characters, length, or cleaned (info)."""
    status = _status(ctx)
    code = format_codes(status, ctx.nik.cleaned, {
        EXCEL: "NIK_EXCEL_NUMBER", INVALID_CHARS: "NIK_INVALID_CHARS", LENGTH_BAD: "NIK_LENGTH",
    }, "NIK_CHARS_CLEANED")
    bad = code.notna()
    if not bad.any():
        return None
    length = ctx.nik.length[bad]
    return findings(code.index[bad], code=code[bad].to_numpy(),
                    length=np.where(code[bad] == "NIK_LENGTH", length, None))


def format_codes(status: pd.Series, cleaned: pd.Series, by_status: dict[str, str],
                 cleaned_code: str) -> pd.Series:
    """Per cell: the format finding of its status, or ``cleaned_code`` for cleaned digits.

    ``None`` where there is no finding. The status column holds a handful of distinct values,
    so each is looked up once (shared by the NIK and No. KK checks).
    """
    keys, uniques = pd.factorize(status, use_na_sentinel=True)
    code = np.array([by_status.get(u) for u in uniques] + [None], dtype=object)[keys]
    digits = np.flatnonzero(np.asarray(uniques, dtype=object) == DIGITS)
    if len(digits):
        code[(keys == digits[0]) & cleaned.to_numpy(dtype=bool)] = cleaned_code
    return pd.Series(code, index=status.index, dtype=object)


@check("NIK_OTHER_PROVINCE", "NIK_REGION_UNKNOWN", fields="nik")
def nik_region(ctx: CheckContext) -> pd.DataFrame | None:
    """Prefix of another province (info) or not a Kemendagri 2025 kecamatan of Kaltim (warning)."""
    region = ctx.nik.region
    bad = region.notna()
    if not bad.any():
        return None
    kode = ctx.nik.kecamatan[bad]
    other = (region[bad] == "other_province").to_numpy()
    return findings(region.index[bad],
                    code=np.where(other, "NIK_OTHER_PROVINCE", "NIK_REGION_UNKNOWN"),
                    provinsi=np.where(other, kode.str[:2], None),
                    kode=np.where(other, None, kode))


@check("NIK_BIRTHDATE_INVALID", "NIK_SERIAL_ZERO", fields="nik")
def nik_structure(ctx: CheckContext) -> pd.DataFrame | None:
    """Encoded birth date not a date (month 13, day 00/32-40/72+), or serial 0000."""
    digits = _status(ctx) == DIGITS
    bad_date = digits & ~ctx.nik.date_ok
    zero = digits & ctx.nik.serial_zero
    parts = []
    if bad_date.any():
        parts.append(findings(bad_date.index[bad_date.to_numpy()], "NIK_BIRTHDATE_INVALID"))
    if zero.any():
        parts.append(findings(zero.index[zero.to_numpy()], "NIK_SERIAL_ZERO"))
    return pd.concat(parts) if parts else None


@check("NIK_BIRTHDATE_MISMATCH", fields="nik", needs=("nik", "tanggal_lahir"))
def nik_vs_birthdate(ctx: CheckContext) -> pd.Series | None:
    """Day, month or 2-digit year of Tanggal Lahir differs from the NIK (warning).

    A date whose century is undecided is compared as written (day, month, two-digit year);
    a year alone is compared with the NIK's two-digit year.
    """
    tl = None if ctx.tanggal_lahir is None else (
        ctx.tanggal_lahir.written if ctx.tanggal_lahir.written is not None
        else ctx.tanggal_lahir.date)
    if tl is None:
        return None
    date_ok = ctx.nik.date_ok.to_numpy(dtype=bool)
    full = date_ok & tl.notna().to_numpy()
    year, month, day = datetime_to_ymd(tl.to_numpy())  # not used where tl is NaT
    nik_day, nik_month, nik_yy = (getattr(ctx.nik, k).to_numpy()
                                  for k in ("day", "month", "yy"))
    same = (day == nik_day) & (month == nik_month) & (year % 100 == nik_yy)
    year_only = ctx.tanggal_lahir.year.to_numpy(dtype="float64", na_value=np.nan)
    alone = date_ok & ~full & ~np.isnan(year_only)
    same_year = np.where(alone, np.nan_to_num(year_only).astype(np.int64) % 100 == nik_yy, True)
    return pd.Series((~full | same) & same_year, index=tl.index)


@check("NIK_SEX_MISMATCH", fields="nik", needs=("nik", "jenis_kelamin"))
def nik_vs_sex(ctx: CheckContext) -> pd.DataFrame | None:
    """Sex read from the NIK (day + 40 = woman) differs from Jenis Kelamin (warning)."""
    nik_sex = ctx.nik.sex
    jk = ctx.clean["jenis_kelamin"]
    bad = (nik_sex.notna() & jk.notna() & (nik_sex != jk)).to_numpy()
    if not bad.any():
        return None
    return findings(jk.index[bad], nik_sex=nik_sex[bad].to_numpy(dtype=object),
                    jenis_kelamin=jk[bad].to_numpy(dtype=object))


# Identity fields compared among rows sharing a NIK, with the label used in the message.
IDENTITY = (("nama", "Nama"), ("jenis_kelamin", "Jenis Kelamin"), ("birth", "Tanggal Lahir"),
            ("year", "Tanggal Lahir"))


def _identity(ctx: CheckContext, index: pd.Index, nik: pd.Series) -> pd.DataFrame:
    """Per row: person number by name, written sex, full birth date and birth year (or NA)."""
    out = pd.DataFrame(index=index)
    if "nama" in ctx.clean.columns:
        nama = ctx.clean["nama"].reindex(index)
        status = ctx.status("nama")
        if status is not None:  # a filler ("-", "xxx") names no one: it never disagrees
            nama = nama.where(status.reindex(index) != "placeholder")
        keys = name_keys(nama)
        group = pd.factorize(nik)[0]
        out["nama"] = pd.array(name_clusters(group, keys), dtype="Int64")
        out.loc[out["nama"] < 0, "nama"] = pd.NA
    if "jenis_kelamin" in ctx.clean.columns:
        jk = ctx.clean["jenis_kelamin"].reindex(index)
        out["jenis_kelamin"] = jk.where(jk.isin(["L", "P"]))
    if ctx.tanggal_lahir is not None:
        tl = ctx.tanggal_lahir.date.reindex(index)
        out["birth"] = tl
        out["year"] = ctx.tanggal_lahir.year.reindex(index)
    return out


def _shared_persons(ctx: CheckContext, sub: pd.DataFrame) -> pd.DataFrame | None:
    """Rows of NIK groups whose name, sex or birth date disagree (empty values never do).

    Per identity field: the group's first non-empty value; a row differs when its value is
    another one. A row's ``other_row`` is, for its first disagreeing field, the first row
    holding a value different from its own; ``differs`` lists the disagreeing fields.
    """
    ident = _identity(ctx, sub.index, sub["nik"])
    nik = sub["nik"]
    other = pd.Series(np.nan, index=sub.index)
    labels = pd.Series("", index=sub.index, dtype=object)
    bad_group = pd.Series(False, index=sub.index)
    for name, label in IDENTITY:  # a loop over four fields, not rows
        if name not in ident.columns:
            continue
        v = ident[name]
        present = v.notna()
        first = v.groupby(nik, sort=False).transform("first")
        differs = present & first.notna() & (v != first)
        differs = differs.fillna(False).astype(bool)
        group_bad = differs.groupby(nik, sort=False).transform("any").astype(bool)
        if not group_bad.any():
            continue
        bad_group |= group_bad
        first_differing = sub["row"][differs].groupby(nik[differs], sort=False).first()
        first_same = sub["row"][present & ~differs].groupby(
            nik[present & ~differs], sort=False).first()
        mine = np.where(differs, nik.map(first_same), nik.map(first_differing))
        mine = pd.Series(mine, index=sub.index).where(group_bad)
        other = other.fillna(mine)
        new_label = group_bad & ~labels.str.contains(label, regex=False)
        labels[new_label] = np.where(labels[new_label] == "", label,
                                     labels[new_label] + ", " + label)
    if not bad_group.any():
        return None
    idx = sub.index[bad_group.to_numpy()]
    return findings(idx, "NIK_SHARED_BY_DIFFERENT_PERSONS",
                    other_row=other[idx].astype(np.int64).to_numpy(),
                    differs=labels[idx].to_numpy(dtype=object))


@check("NIK_SHARED_BY_DIFFERENT_PERSONS", "NIK_DUPLICATE", "NIK_DUPLICATE_OTHER_JENIS",
       fields="nik")
def nik_duplicates(ctx: CheckContext) -> pd.DataFrame | None:
    """Same 16-digit NIK more than once.

    Rows whose name, sex or birth date disagree: two persons sharing a NIK (error, whatever
    the jenis). Otherwise the same person: same jenis = error, another jenis = warning.
    """
    digits = (_status(ctx) == DIGITS).to_numpy()
    nik = ctx.clean["nik"][digits]
    dup = nik.duplicated(keep=False).to_numpy()
    if not dup.any():
        return None
    sub = pd.DataFrame({
        "nik": nik[dup],
        "jenis": jenis_of_rows(ctx)[digits][dup].fillna("").astype(str),
        "row": ctx.data[ROW][digits][dup],
    })
    out = []
    shared = _shared_persons(ctx, sub)
    if shared is not None:  # whole NIK groups: the rest below is about one person
        out.append(shared)
        sub = sub.drop(index=shared.index)
        if sub.empty:
            return pd.concat(out)
    # same NIK, same jenis
    g = sub.groupby(["nik", "jenis"], sort=False)["row"]
    size = g.transform("size")
    same = sub[size > 1]
    if not same.empty:
        gs = same.groupby(["nik", "jenis"], sort=False)["row"]
        rank = gs.cumcount()
        first = gs.transform("first")
        gid = gs.ngroup()
        second_of = pd.Series(same["row"][rank == 1].to_numpy(), index=gid[rank == 1].to_numpy())
        second = gid.map(second_of)
        other = np.where(rank == 0, second, first)
        out.append(findings(same.index, "NIK_DUPLICATE", other_row=other.astype(np.int64)))
    # same NIK, other jenis (rows not already flagged above)
    gn = sub.groupby("nik", sort=False)
    first_jenis = gn["jenis"].transform("first")
    first_row = gn["row"].transform("first")
    differs = sub["jenis"] != first_jenis
    multi_jenis = differs.groupby(sub["nik"]).transform("any")
    cand = sub[multi_jenis & (size == 1)]
    if not cand.empty:
        first_other = sub[differs].groupby("nik", sort=False)["row"].first()
        own_first = cand["jenis"] == first_jenis[cand.index]
        other = np.where(own_first, cand["nik"].map(first_other), first_row[cand.index])
        out.append(findings(cand.index, "NIK_DUPLICATE_OTHER_JENIS",
                            other_row=other.astype(np.int64)))
    return pd.concat(out) if out else None  # code per row: the runner needs no other order


CHECKS = [nik_missing, nik_format, nik_region, nik_structure, nik_vs_birthdate, nik_vs_sex,
          nik_duplicates]
