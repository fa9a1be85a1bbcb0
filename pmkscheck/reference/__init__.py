"""Reference data shipped with pmkscheck (wilayah codes, BPS bridge, 26 jenis PMKS).

Kemendagri 2025 wilayah codes of Kalimantan Timur, old village codes, the BPS-Kemendagri code
bridge and the 26 jenis PMKS. Stage: shared by normalise (wilayah, jenis) and checks (NIK region
prefixes). Provenance and licences: ``SOURCE.md`` and ``LICENSE-wilayah`` in this folder.

Every accessor returns a fresh copy of a cached ``DataFrame`` whose code columns are strings
(``"640801"``, never ints) and whose column names are those of the CSV files:

* :func:`kabupaten` -- ``kode, nama, jenis`` (10 kab/kota);
* :func:`kecamatan` -- ``kode, nama, kode_kabupaten`` (105);
* :func:`desa` -- ``kode, nama, kode_kecamatan, jenis`` (1,038 desa/kelurahan);
* :func:`desa_kode_lama` -- ``kode_lama, nama_lama, terakhir_di_arsip, regulasi_arsip, kode_2025,
  nama_2025, catatan`` (21 village codes no longer in the 2025 list);
* :func:`bps_kabkota` / :func:`bps_kecamatan` -- ``kode_bps, nama_bps, kode_dagri, nama_dagri``;
* :func:`jenis_pmks` -- ``no`` (int) ``, nama, singkatan, varian, usia_min, usia_max,
  usia_min_legacy, usia_max_legacy`` (``Int64``) ``, jenis_kelamin, catatan``;
* :func:`jenis_sinonim` -- ``kata, no`` (int) ``, no_anak`` (``Int64``) ``, sumber``: the words
  officers use for a jenis (synonym table; matched by meaning, not by shared words).

>>> kabupaten_name("6408")
'Kabupaten Kutai Timur'
>>> len(kecamatan()), len(desa())
(105, 1038)
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import pandas as pd

PROVINCE_CODE = "64"
PROVINCE_NAME = "Kalimantan Timur"

KALTIM_KABKOTA: tuple[str, ...] = (
    "6401", "6402", "6403", "6407", "6408", "6409", "6411", "6471", "6472", "6474",
)
"""Kemendagri codes of the 10 kabupaten/kota of Kalimantan Timur (2025)."""


@cache
def _read(name: str) -> pd.DataFrame:
    path = resources.files(__name__).joinpath(name)
    with path.open("r", encoding="utf-8") as fh:
        return pd.read_csv(fh, dtype=str, keep_default_na=False)


def kabupaten() -> pd.DataFrame:
    """The 10 kab/kota: ``kode`` (4 digits), ``nama`` ("Kabupaten Paser"), ``jenis``."""
    return _read("kaltim_kabupaten.csv").copy()


def kecamatan() -> pd.DataFrame:
    """The 105 kecamatan: ``kode`` (6 digits), ``nama``, ``kode_kabupaten``."""
    return _read("kaltim_kecamatan.csv").copy()


def desa() -> pd.DataFrame:
    """The 1,038 desa/kelurahan: ``kode`` (10 digits), ``nama``, ``kode_kecamatan``, ``jenis``."""
    return _read("kaltim_desa.csv").copy()


def desa_kode_lama() -> pd.DataFrame:
    """Village codes of older decrees that are not in the 2025 list, with their 2025 successor."""
    return _read("kaltim_desa_kode_lama.csv").copy()


def bps_kabkota() -> pd.DataFrame:
    """BPS kab/kota codes of provinces 64 and 65 with their Kemendagri equivalent."""
    return _read("bps_kemendagri_kabkota_64_65.csv").copy()


def bps_kecamatan() -> pd.DataFrame:
    """BPS kecamatan codes (7 digits) of province 64 with their Kemendagri equivalent (6 digits)."""
    return _read("bps_kemendagri_kecamatan_64.csv").copy()


@cache
def _jenis() -> pd.DataFrame:
    frame = _read("jenis_pmks.csv").copy()
    frame["no"] = frame["no"].astype(int)
    for col in ("usia_min", "usia_max", "usia_min_legacy", "usia_max_legacy"):
        frame[col] = pd.to_numeric(frame[col].replace("", None)).astype("Int64")
    return frame


def jenis_pmks() -> pd.DataFrame:
    """The 26 jenis PMKS of Permensos 8/2012 with variants and age/sex criteria."""
    return _jenis().copy()


@cache
def _sinonim() -> pd.DataFrame:
    frame = _read("jenis_sinonim.csv").copy()
    frame["no"] = frame["no"].astype(int)
    frame["no_anak"] = pd.to_numeric(frame["no_anak"].replace("", None)).astype("Int64")
    return frame


def jenis_sinonim() -> pd.DataFrame:
    """Words officers use for a jenis PMKS (kinds of disability, disaster, violence ...).

    Columns ``kata`` (the word or phrase), ``no`` (the jenis it means), ``no_anak`` (``Int64``:
    the jenis it means for a person under 18, e.g. Anak dengan Kedisabilitasan; NA = the same)
    and ``sumber`` (the law or usage the meaning comes from).
    """
    return _sinonim().copy()


@cache
def _kab_names() -> dict[str, str]:
    frame = _read("kaltim_kabupaten.csv")
    return dict(zip(frame["kode"], frame["nama"], strict=True))


def kabupaten_name(code: str | None) -> str | None:
    """Official name of a Kaltim kab/kota code (``"6472"`` -> ``"Kota Samarinda"``) or ``None``."""
    if code is None:
        return None
    return _kab_names().get(str(code).strip())


@cache
def _kec_names() -> dict[str, str]:
    frame = _read("kaltim_kecamatan.csv")
    return dict(zip(frame["kode"], frame["nama"], strict=True))


def kecamatan_name(code: str | None) -> str | None:
    """Official name of a kecamatan code (``"640804"`` -> ``"Sangatta Utara"``) or ``None``."""
    if code is None:
        return None
    return _kec_names().get(str(code).strip())


def kecamatan_codes() -> frozenset[str]:
    """The 105 Kemendagri kecamatan codes (6 digits), e.g. for NIK region prefixes."""
    return frozenset(_kec_names())


__all__ = [
    "KALTIM_KABKOTA", "PROVINCE_CODE", "PROVINCE_NAME", "bps_kabkota", "bps_kecamatan", "desa",
    "desa_kode_lama", "jenis_pmks", "jenis_sinonim", "kabupaten", "kabupaten_name", "kecamatan",
    "kecamatan_codes", "kecamatan_name",
]
