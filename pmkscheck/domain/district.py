"""Which kab/kota a file belongs to, and how we know (between stage ② normalise and ③ validate).

Signals, each a Kemendagri kab/kota code or nothing:

* ``option`` -- ``--district`` (``settings.district``);
* ``wilayah`` -- the majority (more than half) of the matched kabupaten codes, else of
  the kab/kota part of the matched kecamatan codes (``derived["kecamatan"].code``);
* ``title`` -- kab/kota names in the title rows above the header ("KABUPATEN KUTAI TIMUR");
* ``file_name`` -- names, abbreviations ("kutim", "smd", "ppu") or codes ("6408") in the file
  or sheet name;
* ``nik`` -- the majority of the Kaltim kab/kota prefixes (first 4 digits) of the NIKs
  (``kabkota`` of the NIK normaliser's analysis, else the clean ``nik`` column).

The district is taken from the first signal in that order. Signals that disagree give
DISTRICT_CONFLICT (warning); no signal gives DISTRICT_UNKNOWN (warning: district-scoped checks
are skipped). NIKs issued before Mahakam Ulu was split from Kutai Barat (2013) carry 6407, so a
NIK majority of 6407 does not contradict 6411.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from pmkscheck import reference
from pmkscheck.domain.wilayah import match_kabupaten
from pmkscheck.domain.wilayah_named import find_kabkota
from pmkscheck.issues import District

if TYPE_CHECKING:
    from pmkscheck.settings import Settings
    from pmkscheck.table import SourceTable

ORDER = ("option", "wilayah", "title", "file_name", "nik")
MAJORITY = 0.5
"""A code is a column's signal when it holds more than this share of the matched values."""

# NIK prefix -> districts it is consistent with besides itself (splits after NIKs were issued).
_NIK_COMPATIBLE = {"6407": {"6411"}}


def majority(codes: pd.Series, prefix: int | None = None) -> str | None:
    """The value (or its first ``prefix`` characters) holding more than half of the non-empty.

    Counts per unique value (``pd.factorize`` + ``np.bincount``), then per prefix.
    """
    inverse, uniques = pd.factorize(codes, use_na_sentinel=True)
    inverse = inverse[inverse >= 0]
    if not len(inverse):
        return None
    counts = np.bincount(inverse, minlength=len(uniques))
    totals: dict[str, int] = {}
    for value, count in zip(uniques, counts, strict=True):
        key = str(value)[:prefix] if prefix else str(value)
        if key:
            totals[key] = totals.get(key, 0) + int(count)
    if not totals:
        return None
    best = max(totals, key=totals.__getitem__)
    return best if totals[best] > MAJORITY * sum(totals.values()) else None


def _one(codes: set[str]) -> str | None:
    return next(iter(codes)) if len(codes) == 1 else None


def _codes(derived: dict[str, Any], level: str) -> pd.Series | None:
    """The codes of a wilayah column (a WilayahCodes of pmkscheck.normalise.records)."""
    found = derived.get(level)
    return getattr(found, "code", None)


def wilayah_signal(derived: dict[str, Any]) -> str | None:
    """Majority kab/kota of the kabupaten column, else of the matched kecamatan codes."""
    kab = _codes(derived, "kabupaten")
    if kab is not None:
        found = majority(kab)
        if found:
            return found
    kec = _codes(derived, "kecamatan")
    if kec is not None:
        return majority(kec, prefix=4)
    return None


NIK_SAMPLE = 200_000
"""Without the NIK normaliser's analysis (its ``kabkota``), prefixes are counted on a fixed-seed
random sample of at most this many rows, which decides a majority just as well."""


def nik_signal(clean: pd.DataFrame, derived: dict[str, Any] | None = None) -> str | None:
    """Majority Kaltim kab/kota prefix of the NIKs (counted per unique prefix)."""
    analysis = (derived or {}).get("nik")  # a NikAnalysis (pmkscheck.normalise.records)
    prefixes = None if analysis is None else analysis.kabkota
    if prefixes is None:
        if "nik" not in clean.columns:
            return None
        nik = clean["nik"]
        if len(nik) > NIK_SAMPLE:
            nik = nik.sample(n=NIK_SAMPLE, random_state=0)
        prefixes = nik.dropna().astype(str).str[:4]
    prefixes = prefixes[prefixes.isin(reference.KALTIM_KABKOTA)]
    return majority(prefixes)


def title_signal(lines: list[str]) -> str | None:
    """The one kab/kota named in the title rows, if exactly one is."""
    found: set[str] = set()
    for line in lines:
        found |= find_kabkota(line)
    return _one(found)


def name_signal(path: Path | str | None, sheet: str | None = None) -> str | None:
    """The one kab/kota named in the file name (or, failing that, in ``sheet``)."""
    found = find_kabkota(Path(path).stem) if path else set()
    if not found and sheet:
        found = find_kabkota(sheet)
    return _one(found)


def file_name_signal(table: SourceTable) -> str | None:
    """The one kab/kota named in the table's file name (or, failing that, its sheet name)."""
    return name_signal(table.path, table.sheet)


def option_code(settings: Settings) -> str | None:
    """``--district`` when it is a Kaltim kab/kota code (else ``None``: DISTRICT_OPTION_UNKNOWN)."""
    option = (settings.district or "").strip()
    return option if option in reference.KALTIM_KABKOTA else None


def district(code: str, source: str) -> District:
    """The :class:`District` of a Kemendagri kab/kota code, found through ``source``."""
    return District(code=code, name=reference.kabupaten_name(code) or code, source=source)


def first_signal(table: SourceTable, settings: Settings, wilayah: str | None = None
                 ) -> District | None:
    """The first signal in :data:`ORDER` without the NIK and without conflict findings.

    For recaps (no NIK column; their wilayah rows are the signal ``wilayah``): the option, the
    recap's own wilayah, the title rows, the file name.
    """
    for source, code in (("option", option_code(settings)), ("wilayah", wilayah),
                         ("title", title_signal(list(table.title_lines))),
                         ("file_name", name_signal(table.path))):
        if code:
            return district(code, source)
    return None


def _agree(a: tuple[str, str], b: tuple[str, str]) -> bool:
    (src_a, code_a), (src_b, code_b) = a, b
    if code_a == code_b:
        return True
    if src_a == "nik" and code_b in _NIK_COMPATIBLE.get(code_a, ()):
        return True
    return src_b == "nik" and code_a in _NIK_COMPATIBLE.get(code_b, ())


def _describe(source: str, code: str) -> str:
    return f"{source}: {code} {reference.kabupaten_name(code) or ''}".strip()


def infer_district(table: SourceTable, clean: pd.DataFrame, derived: dict[str, Any],
                   settings: Settings) -> tuple[District | None, list[tuple[str, dict]]]:
    """Decide the file's district from every signal; report conflicts.

    Returns:
        The district (``None`` when no signal) and file-level findings as ``(code, params)``.
    """
    findings: list[tuple[str, dict]] = []
    signals: dict[str, str] = {}
    if settings.district:
        option = settings.district.strip()
        if option_code(settings):
            signals["option"] = option
        else:
            m = match_kabupaten(option)
            findings.append(("DISTRICT_OPTION_UNKNOWN", {
                "district": option,
                "kemendagri": (f"{m.suggestion} {m.official}" if m.kind == "bps" else "-"),
            }))
    found = {
        "wilayah": wilayah_signal(derived),
        "title": title_signal(list(table.title_lines)),
        "file_name": file_name_signal(table),
        "nik": nik_signal(clean, derived),
    }
    signals.update({k: v for k, v in found.items() if v})
    if not signals:
        findings.append(("DISTRICT_UNKNOWN", {}))
        return None, findings
    source = next(s for s in ORDER if s in signals)
    chosen = (source, signals[source])
    disagree = [s for s in ORDER if s in signals and not _agree(chosen, (s, signals[s]))]
    if disagree:
        findings.append(("DISTRICT_CONFLICT", {
            "signals": "; ".join(_describe(s, signals[s]) for s in ORDER if s in signals),
            "district": reference.kabupaten_name(chosen[1]) or chosen[1],
            "source": source,
        }))
    return district(chosen[1], source), findings


UNKNOWN = "?"
"""District key of files whose kab/kota is unknown (or province-wide recaps)."""


def file_district(f: Any) -> str:  # f: a pmkscheck.report.FileReport
    """Kab/kota code of a file report (its inferred district, else its file name) or ``?``."""
    if f.district is not None and f.district.code in reference.KALTIM_KABKOTA:
        return f.district.code
    return name_signal(f.path) or UNKNOWN


def district_name(code: str) -> str:
    """Name of a kab/kota code; ``tidak diketahui`` for :data:`UNKNOWN`."""
    return reference.kabupaten_name(code) or ("tidak diketahui" if code == UNKNOWN else code)


__all__ = ["ORDER", "UNKNOWN", "district", "district_name", "file_district", "file_name_signal",
           "first_signal", "infer_district", "majority", "name_signal", "nik_signal", "option_code",
           "title_signal", "wilayah_signal"]
