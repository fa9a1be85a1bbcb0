"""What the history keeps of one validated table: counts, completeness and keyed fingerprints.

Nothing personal is kept in plain text (UU 27/2022 PDP). For person lists:

* one **fingerprint per person**: HMAC-SHA256 (key = the store's random salt) of the normalised
  NIK, truncated to 128 bits and kept as hex. Without the salt (which never leaves the store) a
  fingerprint cannot be turned back into a NIK by trying the ~10^10 plausible NIKs of a district;
* keyed hashes of the values that matter for change: jenis PMKS (official name), desa and
  kecamatan (Kemendagri code when known, else the name case-folded), the name (case-folded,
  spaces collapsed) and the birth date (ISO);
* the spreadsheet row of each person (a row number, so added / changed persons can be located).

A finding's identity is ``code + person fingerprint`` for a row with a NIK, ``code + field +
keyed hash of the row's content`` for a row without one (the running number ``No`` left out, so
inserting a row above does not change it), and ``code + field`` for a file-level finding.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from pmkscheck.distinct import factorize, take_or_none
from pmkscheck.domain.district import UNKNOWN, file_district
from pmkscheck.issues import Severity
from pmkscheck.normalise.records import wilayah_codes
from pmkscheck.table import ROW

if TYPE_CHECKING:
    from pmkscheck.report import FileReport
    from pmkscheck.settings import Settings

PERSON_COLUMNS = ("fp", "row", "jenis", "desa", "kecamatan", "nama", "lahir")
FINDING_COLUMNS = ("code", "ident", "row", "field")


@dataclass
class Snapshot:
    """One validated table as the history sees it."""

    file_name: str
    sha256: str
    sheet: str | None
    district: str | None
    schema: str | None
    data_date: str | None
    data_date_source: str | None
    rows: int
    errors: int
    warnings: int
    infos: int
    rows_with_errors: int
    completeness: float | None
    validated_at: str
    code_counts: list[tuple[str, str, int]] = field(default_factory=list)
    field_completeness: dict[str, float] = field(default_factory=dict)
    kecamatan: list[dict[str, Any]] = field(default_factory=list)
    persons: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=PERSON_COLUMNS))
    findings: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=FINDING_COLUMNS))

    def meta(self) -> dict[str, Any]:
        """The ``previous`` block of the JSON ``changes`` (no personal data)."""
        return {"file": self.file_name, "data_date": self.data_date,
                "validated_at": self.validated_at}


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes (read in 1 MiB blocks)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _per_distinct(values: pd.Series, fn: Callable[[str], object]) -> pd.Series:
    """``fn`` once per distinct non-missing value, mapped back to the rows (NA stays None)."""
    arr = values.to_numpy(dtype=object)
    arr = np.where(pd.isna(arr), None, arr)
    codes, uniques = factorize(arr)
    done = [fn(str(v)) for v in uniques]  # one call per distinct value, not per row
    return pd.Series(take_or_none(done, codes), index=values.index, dtype=object)


def keyed(values: pd.Series, salt: bytes, label: str) -> pd.Series:
    """HMAC-SHA256(salt, label + NUL + value) as 32 hex digits, once per distinct value.

    NA stays NA. The HMAC is computed from the precomputed inner and outer SHA-256 states (RFC
    2104), which is what ``hmac`` does, 2.5 times faster per value than ``hmac.digest``.
    """
    key = salt if len(salt) <= 64 else hashlib.sha256(salt).digest()
    key = key.ljust(64, b"\x00")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in key))
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in key))
    inner.update(label.encode("utf-8") + b"\x00")

    def one(v: str) -> str:
        i = inner.copy()
        i.update(v.encode("utf-8", "surrogatepass"))
        o = outer.copy()
        o.update(i.digest())
        return o.hexdigest()[:32]

    return _per_distinct(values, one)


def _fold(v: str) -> object:
    out = " ".join(v.split()).casefold()
    return out or None


def _text(s: pd.Series) -> pd.Series:
    """Case-folded, spaces collapsed; empty -> None (once per distinct value)."""
    return _per_distinct(s, _fold)


def _data_date(f: FileReport, settings: Settings) -> tuple[str | None, str | None]:
    """The table's data date (``FileReport.data_date`` when the run knows it) and its source."""
    dd = getattr(f, "data_date", None)
    if isinstance(dd, dict):
        when, source = dd.get("date"), dd.get("source")
    elif isinstance(dd, date):  # a plain date (or datetime)
        when, source = dd, None
    elif dd is not None:
        when, source = getattr(dd, "date", dd), getattr(dd, "source", None)
    else:
        when, source = settings.today, "today"
    if isinstance(when, datetime):
        when = when.date()
    if isinstance(when, date):
        when = when.isoformat()
    return (None if when is None else str(when)), (None if source is None else str(source))


def district_of(f: FileReport) -> str | None:
    """The table's kab/kota code (inferred or given; the file name as a last resort)."""
    try:
        code = file_district(f)
    except Exception:  # noqa: BLE001 - the history must not fail on a district lookup
        code = f.district.code if f.district is not None else None
    return None if code in (None, UNKNOWN) else code


def snapshot(f: FileReport, settings: Settings, salt: bytes,
             sha256: str | None = None) -> Snapshot:
    """Build the :class:`Snapshot` of a checked table (``f.error`` must be ``None``)."""
    when, source = _data_date(f, settings)
    comp = (float(np.mean(list(f.completeness.values()))) if f.completeness else None)
    sev = {code: f.issues[int(at[0])].severity.label
           for code, at in f.issues.positions_by_code().items()}
    counts = sorted((code, sev[code], n) for code, n in f.code_counts().items())
    persons, row_key = _persons(f, salt)
    return Snapshot(
        file_name=Path(f.path).name, sha256=sha256 or file_sha256(Path(f.path)),
        sheet=f.sheet, district=district_of(f), schema=f.schema, data_date=when,
        data_date_source=source, rows=f.data_rows, errors=f.count(Severity.ERROR),
        warnings=f.count(Severity.WARNING), infos=f.count(Severity.INFO),
        rows_with_errors=f.rows_with_errors, completeness=comp,
        validated_at=datetime.now(UTC).replace(microsecond=0).isoformat(),
        code_counts=counts, field_completeness=dict(f.completeness),
        kecamatan=list(f.kecamatan), persons=persons, findings=_findings(f, row_key),
    )


def _persons(f: FileReport, salt: bytes) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Persons (rows with a NIK) and, for every data row, the key its findings hang on."""
    empty = pd.DataFrame(columns=PERSON_COLUMNS)
    if f.clean is None or f.table is None or f.clean.empty:
        return empty, pd.DataFrame(columns=["row", "key", "person"])
    clean, derived = f.clean, f.derived
    rows = f.table.data[ROW].to_numpy()
    idx = clean.index

    def col(name: str) -> pd.Series:
        return clean[name] if name in clean.columns else pd.Series(None, index=idx, dtype=object)

    nik = _per_distinct(col("nik"), lambda v: v.strip() or None)
    fp = keyed(nik, salt, "nik")

    def code_or_name(name: str) -> pd.Series:
        code = wilayah_codes(derived, name)
        named = _text(col(name))
        return named if code is None else code.astype(object).where(code.notna(), named)

    tl = derived.get("tanggal_lahir")  # a DateAnalysis (pmkscheck.normalise.records)
    birth = None if tl is None else tl.date
    lahir = (pd.Series(birth, index=idx).dt.strftime("%Y-%m-%d").astype(object)
             if birth is not None else _text(col("tanggal_lahir")))
    frame = pd.DataFrame({
        "fp": fp, "row": rows,
        "jenis": keyed(_text(col("jenis_pmks")), salt, "jenis"),
        "desa": keyed(code_or_name("desa"), salt, "desa"),
        "kecamatan": keyed(code_or_name("kecamatan"), salt, "kecamatan"),
        "nama": keyed(_text(col("nama")), salt, "nama"),
        "lahir": keyed(lahir.where(lahir.notna(), None), salt, "lahir"),
    }, index=idx)
    persons = frame[frame["fp"].notna()].reset_index(drop=True)
    # rows without a NIK: their findings hang on a keyed hash of the row's content
    no_nik = fp.isna().to_numpy()
    content = None
    for name in clean.columns:  # one pass per column, only over the rows without a NIK
        if name == "no":
            continue
        part = clean.loc[no_nik, name].astype("string").fillna("")
        content = part if content is None else content + "\x1f" + part
    content_key = pd.Series(None, index=idx, dtype=object)
    if content is not None and len(content):
        content_key[no_nik] = keyed(content, salt, "row").to_numpy()
    row_key = pd.DataFrame({"row": rows, "key": fp.where(fp.notna(), content_key),
                            "person": fp.notna().to_numpy()})
    return persons, row_key


def _findings(f: FileReport, row_key: pd.DataFrame) -> pd.DataFrame:
    """One row per finding: code, identity, row, field."""
    if not f.issues:
        return pd.DataFrame(columns=FINDING_COLUMNS)
    found = f.issues  # columns (issue 16): no record per finding
    issues = pd.DataFrame({
        "code": found.code,
        "row": pd.Series(found.row, dtype="Int64").mask(found.row == 0),
        "field": np.where(pd.isna(found.field), "", found.field).astype(object),
    })
    keys = row_key.drop_duplicates("row").set_index("row") if len(row_key) else None
    if keys is not None:
        key = issues["row"].map(keys["key"])
        person = issues["row"].isin(keys.index[keys["person"].astype(bool).to_numpy()])
    else:
        key = pd.Series(None, index=issues.index, dtype=object)
        person = pd.Series(False, index=issues.index)
    key = key.astype(object)
    has_key = key.notna()
    has_row = issues["row"].notna()
    ident = issues["code"] + "|" + issues["field"] + "|file"
    ident = ident.where(~has_row, issues["code"] + "|" + issues["field"] + "|row:"
                        + issues["row"].astype("string").fillna(""))  # no row content kept
    ident = ident.where(~has_key, issues["code"] + "|" + issues["field"] + "|"
                        + key.fillna("").astype(str))
    ident = ident.where(~(has_key & person), issues["code"] + "|" + key.fillna("").astype(str))
    issues["ident"] = ident
    issues["row"] = issues["row"].astype(object).where(issues["row"].notna(), None)
    return issues[list(FINDING_COLUMNS)]


__all__ = ["Snapshot", "district_of", "file_sha256", "keyed", "snapshot"]
