"""Synthetic PMKS workbooks: realistic person records, planted defects, office-style layouts.

Not a stage of the pipeline: this is the test-data generator everything is tested and benchmarked
on. Nothing here is real people's data: names are built from syllable lists, NIKs and No. KK are
computed from the Kemendagri 2025 wilayah codes of Kalimantan Timur (``pmkscheck/reference``).

Two halves:

* :func:`people` makes records (plain ``dict`` keyed by the canonical field names of the
  ``pmks-individu`` schema, plus ``_``-prefixed truth keys) and, with probability ``defects`` per
  record, plants exactly one defect from :data:`DEFECTS` and records an :class:`Expected`.
  A record without a defect is clean: it must produce no warning and no error.
* :func:`write_xlsx` / :func:`write_workbook` / :func:`write_csv` / :func:`write_ods` lay the
  records out the way Dinas Sosial offices do (title rows, variant headers, merged two-row header,
  column-number row, section rows, ``Jumlah`` row, signature block, sheet-per-jenis DTKS exports)
  and return, per record, the row number the user sees (:class:`Written`), so that
  :func:`expected_rows` can turn planted defects into ``(row, code, field)``.

Example::

    recs, expected = people(300, district="6408", seed=1, defects=0.08)
    written = write_xlsx("kutim.xlsx", recs, layout="office")
    planted = expected_rows(expected, written.rows)

Everything is deterministic for a given seed (one ``random.Random`` per call).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from bisect import bisect
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from functools import cache
from itertools import accumulate
from pathlib import Path

from pmkscheck.table import column_letter

# --------------------------------------------------------------------------------------------
# Reference data
# --------------------------------------------------------------------------------------------

REF_DATE = dt.date(2025, 7, 1)
"""The date the synthetic data are "as of" (ages are drawn relative to it, with margins)."""

_FALLBACK_REF = Path(__file__).resolve().parent.parent.parent / "shared" / "reference"


def _read_reference(name: str) -> list[dict[str, str]]:
    """Rows of a reference CSV: package data first, ``../shared/reference`` as a fallback."""
    text = None
    try:
        from importlib import resources

        res = resources.files("pmkscheck.reference").joinpath(name)
        if res.is_file():
            text = res.read_text(encoding="utf-8-sig")
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        text = None
    if text is None:
        text = (_FALLBACK_REF / name).read_text(encoding="utf-8-sig")
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    return list(csv.DictReader(lines))


@dataclass(frozen=True)
class District:
    """One kab/kota with its kecamatan and desa (Kemendagri 2025 codes)."""

    code: str
    name: str  # "Kabupaten Kutai Timur"
    kecamatan: dict[str, str]  # code -> name
    desa: dict[str, list[tuple[str, str]]]  # kecamatan code -> [(desa code, name)]

    @property
    def short(self) -> str:
        """``"Kutai Timur"`` (the name without "Kabupaten"/"Kota")."""
        return self.name.split(" ", 1)[1]

    @property
    def is_kota(self) -> bool:
        """Kota (digits 3-4 >= 71) or kabupaten."""
        return int(self.code[2:4]) >= 71


@cache
def district(code: str) -> District:
    """The kab/kota ``code`` of Kalimantan Timur with its kecamatan and desa."""
    kab = {r["kode"]: r["nama"] for r in _read_reference("kaltim_kabupaten.csv")}
    if code not in kab:
        raise ValueError(f"unknown kab/kota code {code!r}; expected one of {sorted(kab)}")
    kec = {r["kode"]: r["nama"] for r in _read_reference("kaltim_kecamatan.csv")
           if r["kode_kabupaten"] == code}
    desa: dict[str, list[tuple[str, str]]] = {k: [] for k in kec}
    for r in _read_reference("kaltim_desa.csv"):
        if r["kode_kecamatan"] in desa:
            desa[r["kode_kecamatan"]].append((r["kode"], r["nama"]))
    return District(code, kab[code], kec, desa)


# Seat of each kab/kota: signature place and a common birth place.
CAPITAL = {"6401": "Tanah Grogot", "6402": "Tenggarong", "6403": "Tanjung Redeb",
           "6407": "Sendawar", "6408": "Sangatta", "6409": "Penajam", "6411": "Ujoh Bilang",
           "6471": "Balikpapan", "6472": "Samarinda", "6474": "Bontang"}
_BIRTH_PLACES_OUT = ["Banjarmasin", "Martapura", "Barabai", "Amuntai", "Kandangan", "Makassar",
                     "Parepare", "Bone", "Sengkang", "Sinjai", "Surabaya", "Malang", "Kediri",
                     "Banyuwangi", "Lamongan", "Palu", "Kupang", "Ende", "Tarakan", "Nunukan"]

# --------------------------------------------------------------------------------------------
# Jenis PMKS (Permensos 8/2012): official names, weights, age bands used for generation
# --------------------------------------------------------------------------------------------

JENIS = [
    "Anak Balita Telantar", "Anak Telantar", "Anak yang Berhadapan dengan Hukum", "Anak Jalanan",
    "Anak dengan Kedisabilitasan",
    "Anak yang Menjadi Korban Tindak Kekerasan atau Diperlakukan Salah",
    "Anak yang Memerlukan Perlindungan Khusus", "Lanjut Usia Telantar", "Penyandang Disabilitas",
    "Tuna Susila", "Gelandangan", "Pengemis", "Pemulung", "Kelompok Minoritas",
    "Bekas Warga Binaan Lembaga Pemasyarakatan", "Orang dengan HIV/AIDS",
    "Korban Penyalahgunaan NAPZA", "Korban Trafficking", "Korban Tindak Kekerasan",
    "Pekerja Migran Bermasalah Sosial", "Korban Bencana Alam", "Korban Bencana Sosial",
    "Perempuan Rawan Sosial Ekonomi", "Fakir Miskin", "Keluarga Bermasalah Sosial Psikologis",
    "Komunitas Adat Terpencil",
]
ABT, LUT, PRSE = JENIS[0], JENIS[7], JENIS[22]

# relative frequency in a district list (Fakir Miskin, lansia and disabilitas dominate)
_JENIS_WEIGHT = dict(zip(JENIS, [3, 6, 1, 2, 3, 1, 1, 18, 12, 1, 1, 1, 2, 1, 1, 1, 1, 1, 2, 1, 4,
                                 1, 8, 25, 2, 2], strict=True))

# Ages (at REF_DATE) drawn for clean records: inside every published band, at least a year or two
# away from its edges (an age at a band edge is a warning), so that the data stay clean for a
# couple of years after REF_DATE.
_AGE = {
    JENIS[0]: (0, 2), JENIS[1]: (7, 14), JENIS[2]: (13, 15), JENIS[3]: (7, 14), JENIS[4]: (2, 14),
    JENIS[5]: (3, 14), JENIS[6]: (7, 14), JENIS[7]: (62, 90), JENIS[8]: (20, 75),
    JENIS[9]: (21, 45), JENIS[10]: (20, 70), JENIS[11]: (20, 75), JENIS[12]: (20, 65),
    JENIS[13]: (20, 65), JENIS[14]: (22, 58), JENIS[15]: (21, 55), JENIS[16]: (19, 45),
    JENIS[17]: (19, 40), JENIS[18]: (20, 58), JENIS[19]: (21, 50), JENIS[20]: (20, 80),
    JENIS[21]: (20, 70), JENIS[22]: (21, 56), JENIS[23]: (25, 78), JENIS[24]: (25, 60),
    JENIS[25]: (20, 70),
}
# Official band (Permensos 8/2012, inclusive years) for the jenis that have one; used to pick an
# age far outside it for JENIS_AGE_MISMATCH.
_BAND_OUTSIDE_AGE = {JENIS[0]: 40, JENIS[1]: 45, JENIS[2]: 50, JENIS[3]: 38, JENIS[4]: 41,
                     JENIS[5]: 44, JENIS[6]: 47, JENIS[7]: 35, JENIS[14]: 10, JENIS[22]: 72}
_FEMALE_SHARE = {JENIS[7]: 0.58, JENIS[9]: 0.9, JENIS[17]: 0.8, JENIS[22]: 1.0}

# Spellings officers use; each maps back to the official name (JENIS_VARIANT, info).
JENIS_VARIANTS = {
    JENIS[0]: ["Anak Balita Terlantar", "ABT"], JENIS[1]: ["Anak Terlantar", "ANAK TERLANTAR (AT)"],
    JENIS[7]: ["Lansia Terlantar", "Lanjut Usia Terlantar", "LUT"],
    JENIS[8]: ["Penyandang Disabilitas (PD)"], JENIS[14]: ["Eks Narapidana"],
    JENIS[15]: ["ODHA"], JENIS[16]: ["Korban Penyalagunaan NAPZA"],
    JENIS[20]: ["Korban Bencana Alam (KBA)"], JENIS[22]: ["PRSE", "Wanita Rawan Sosial Ekonomi"],
    JENIS[23]: ["Keluarga Fakir Miskin"],
}
# Sheet names of a sheet-per-jenis (DTKS-style) workbook.
SHEET_NAME = {JENIS[7]: "LANSIA TERLANTAR", JENIS[8]: "DISABILITAS", JENIS[23]: "FAKIR MISKIN",
              JENIS[1]: "ANAK TERLANTAR", JENIS[22]: "PRSE"}

# --------------------------------------------------------------------------------------------
# Names (syllable lists; never real people)
# --------------------------------------------------------------------------------------------

_SYL = {
    "jawa": (["Su", "Sri", "Tri", "Pur", "Har", "Sar", "Wi", "Ka", "Rah", "Sus", "Mar", "Sum",
              "Dar", "Ngat"],
             ["par", "yan", "gi", "ri", "ti", "mi", "jo", "ya", "wi", "dar", "min", "ka"],
             ["to", "no", "man", "di", "yo", "ji", "mo"],
             ["ti", "ni", "yati", "wati", "sih", "nah"]),
    "banjar": (["Mas", "Ra", "Sar", "Jum", "Fah", "Hai", "Rus", "Ar", "Nor", "Ma", "Bah", "Ju",
                "Sya", "Ha"],
               ["ha", "ni", "ri", "ya", "sa", "li", "ba", "run", "mi", "da"],
               ["ni", "an", "di", "syah", "dan", "ran"],
               ["ah", "iah", "nah", "yani", "dah", "nia"]),
    "bugis": (["Ba", "Sa", "Ma", "Ta", "Ra", "Ca", "Pa", "Be", "Ku", "Sul", "Ha", "Ram"],
              ["so", "ha", "ri", "tang", "ming", "lu", "ce", "pa", "ti"],
              ["so", "din", "ri", "lang", "ma", "sa"], ["ti", "ce", "nah", "sa", "wa", "ria"]),
    "dayak": (["Lu", "Ha", "Bo", "Ku", "Ding", "Jang", "Lah", "Nyu", "Ti", "Ba", "Ya", "Hu", "Ju",
               "Ue", "Pe", "Mu", "La", "Bu"],
              ["sang", "nyeq", "jang", "ing", "ai", "ut", "an", "ong", "lau", "hang"],
              ["ang", "ing", "ong", "au", "ai", "en"], ["ai", "ung", "ing", "ah", "eng", "au"]),
}
_APOS = ["La'ai", "Mu'ut", "Pe'ing", "Bu'ung", "Le'u", "Ta'ang", "Ne'eng", "Hu'ai"]
_ETHNIC_WEIGHT = {"jawa": 35, "banjar": 30, "bugis": 20, "dayak": 15}
_PREFIX = {"banjar": (["Muhammad", "Ahmad", "Abdul"], ["Siti", "Nur"]),
           "bugis": (["Andi", "La"], ["Andi", "Wa"]), "jawa": (["Slamet"], ["Sri"]),
           "dayak": ([], [])}


class _Pick:
    """Weighted choice with precomputed cumulative weights (``rng.choices`` recomputes them)."""

    __slots__ = ("items", "cum", "total")

    def __init__(self, items: Sequence, weights: Sequence[float]) -> None:
        self.items = list(items)
        self.cum = list(accumulate(weights))
        self.total = self.cum[-1]

    def __call__(self, rng: random.Random):
        return self.items[bisect(self.cum, rng.random() * self.total)]


_PICK_ETHNIC = _Pick(_ETHNIC_WEIGHT, list(_ETHNIC_WEIGHT.values()))


def _word(rng: random.Random, ethnic: str, sex: str) -> str:
    first, mid, end_m, end_f = _SYL[ethnic]
    parts = [rng.choice(first)]
    if rng.random() < 0.35:
        parts.append(rng.choice(mid))
    parts.append(rng.choice(end_f if sex == "P" else end_m))
    w = "".join(parts)
    return w[0].upper() + w[1:].lower()


def person_name(rng: random.Random, sex: str) -> str:
    """A plausible Kalimantan Timur name (Javanese, Banjar, Bugis or Dayak syllables).

    Dayak names sometimes carry an apostrophe (``La'ai``); one to three words.
    """
    ethnic = _PICK_ETHNIC(rng)
    words = []
    pref_m, pref_f = _PREFIX[ethnic]
    pref = pref_f if sex == "P" else pref_m
    if pref and rng.random() < 0.3:
        words.append(rng.choice(pref))
    words.append(_word(rng, ethnic, sex))
    if ethnic == "dayak" and rng.random() < 0.45:
        words.append(rng.choice(_APOS))
    elif rng.random() < 0.55:
        words.append(_word(rng, ethnic, sex))
    return " ".join(words)


_STREETS = ["Pahlawan", "Merdeka", "Mawar", "Melati", "Anggrek", "Kenanga", "Cendana", "Meranti",
            "Ulin", "Bengkirai", "Kapur", "Mangga", "Durian", "Pramuka", "Kesuma Bangsa",
            "Diponegoro", "Yos Sudarso", "Poros", "Cempaka", "Rambutan", "Pelita", "Harapan Baru",
            "Gotong Royong", "Sentosa", "Karya Bakti", "Damai"]
_ROMAN = ["I", "II", "III", "IV", "V", "VI"]
_KET = ["", "", "", "", "", "", "Tinggal sendiri", "Belum pernah menerima bantuan",
        "Penerima PKH", "Rumah tidak layak huni", "Sakit menahun", "Tinggal bersama anak",
        "Penerima BPNT 2024"]


def _alamat(rng: random.Random, kota: bool = False) -> str:
    r = rng.random()
    if kota and 0.65 <= r < 0.85:
        r = 0.1
    if r < 0.45:
        return f"Jl. {rng.choice(_STREETS)} No. {rng.randint(1, 120)}"
    if r < 0.65:
        return f"Gg. {rng.choice(_STREETS)}"
    if r < 0.85:
        return f"Dusun {rng.choice(_ROMAN)}"
    if r < 0.95:
        return f"Jl. {rng.choice(_STREETS)} Gg. {rng.randint(1, 12)}"
    return f"Perum {rng.choice(_STREETS)} Blok {rng.choice('ABCDE')} No. {rng.randint(1, 40)}"


def _rt_rw(rng: random.Random) -> str:
    n = rng.randint(1, 40) if rng.random() < 0.95 else rng.randint(41, 120)
    return rng.choice([f"{n:03d}", f"{n:03d}", f"{n:02d}", str(n)])


def nip(rng: random.Random) -> str:
    """A synthetic civil-servant number in the usual display form ``NIP. 19700101 199003 1 005``."""
    b = dt.date(rng.randint(1966, 1980), rng.randint(1, 12), rng.randint(1, 28))
    return (f"NIP. {b:%Y%m%d} {b.year + rng.randint(22, 30)}{rng.randint(1, 12):02d} "
            f"{rng.randint(1, 2)} {rng.randint(1, 9):03d}")


# --------------------------------------------------------------------------------------------
# NIK, No. KK, dates
# --------------------------------------------------------------------------------------------


def make_nik(kecamatan: str, birth: dt.date, sex: str, serial: int) -> str:
    """NIK = kecamatan (6) + DDMMYY (day + 40 for women) + serial (4).

    >>> make_nik("640801", dt.date(1975, 8, 17), "P", 3)
    '6408015708750003'
    """
    day = birth.day + (40 if sex == "P" else 0)
    return f"{kecamatan}{day:02d}{birth.month:02d}{birth.year % 100:02d}{serial:04d}"


def make_kk(kecamatan: str, registered: dt.date, serial: int) -> str:
    """No. KK = issuing kecamatan (6) + registration DDMMYY (no +40) + serial (4)."""
    return f"{kecamatan}{registered:%d%m}{registered.year % 100:02d}{serial:04d}"


def age_at(birth: dt.date, when: dt.date = REF_DATE) -> int:
    """Completed years at ``when``."""
    return when.year - birth.year - ((when.month, when.day) < (birth.month, birth.day))


BULAN = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
         "Oktober", "November", "Desember"]

# How officers write a birth date; "cell" = a real date cell (text "dd-mm-yyyy" where a format
# cannot hold dates, e.g. CSV or inside a TTL column).
DATE_STYLES = ("dash", "slash", "bulan", "iso", "cell")
DEFAULT_DATE_STYLES = {"dash": 30, "slash": 25, "bulan": 15, "iso": 5, "cell": 25}


def render_date(d: dt.date, style: str) -> str | dt.date:
    """A birth date as written in ``style`` (``"cell"`` returns the date itself)."""
    if style == "cell":
        return d
    if style == "dash":
        return f"{d.day:02d}-{d.month:02d}-{d.year}"
    if style == "slash":
        return f"{d.day:02d}/{d.month:02d}/{d.year}"
    if style == "bulan":
        return f"{d.day} {BULAN[d.month - 1]} {d.year}"
    if style == "iso":
        return d.isoformat()
    raise ValueError(f"unknown date style {style!r}")


def _date_text(value: object) -> str:
    """Text form of a written date (a date cell as Excel's CSV export shows it)."""
    if isinstance(value, dt.date):
        return f"{value.day:02d}/{value.month:02d}/{value.year}"
    return "" if value is None else str(value)


# --------------------------------------------------------------------------------------------
# Defect catalogue
# --------------------------------------------------------------------------------------------

# Planted defect -> (code the checker must report, field it is reported on). The codes are the
# contract other modules implement: rename a code here and nowhere else.
DEFECTS: dict[str, tuple[str, str]] = {
    "nik_excel_number": ("NIK_EXCEL_NUMBER", "nik"),
    "nik_length": ("NIK_LENGTH", "nik"),
    "nik_birthdate_invalid": ("NIK_BIRTHDATE_INVALID", "nik"),
    "nik_serial_zero": ("NIK_SERIAL_ZERO", "nik"),
    "nik_birthdate_mismatch": ("NIK_BIRTHDATE_MISMATCH", "nik"),
    "nik_sex_mismatch": ("NIK_SEX_MISMATCH", "nik"),
    "nik_duplicate": ("NIK_DUPLICATE", "nik"),
    "nik_missing": ("NIK_MISSING", "nik"),
    "nik_missing_undocumented": ("NIK_MISSING_UNDOCUMENTED", "nik"),
    "kk_length": ("KK_LENGTH", "no_kk"),
    "date_invalid": ("DATE_INVALID", "tanggal_lahir"),
    "date_future": ("DATE_FUTURE", "tanggal_lahir"),
    "sex_invalid": ("SEX_INVALID", "jenis_kelamin"),
    "jenis_unknown": ("JENIS_UNKNOWN", "jenis_pmks"),
    "jenis_variant": ("JENIS_VARIANT", "jenis_pmks"),
    "jenis_age_mismatch": ("JENIS_AGE_MISMATCH", "jenis_pmks"),
    "jenis_sex_mismatch": ("JENIS_SEX_MISMATCH", "jenis_pmks"),
    "wilayah_kecamatan_unknown": ("WILAYAH_KECAMATAN_UNKNOWN", "kecamatan"),
    "wilayah_desa_not_in_kecamatan": ("WILAYAH_DESA_NOT_IN_KECAMATAN", "desa"),
    "name_placeholder": ("NAME_PLACEHOLDER", "nama"),
    "value_missing": ("VALUE_MISSING", "nama"),
    "rt_rw_invalid": ("RT_RW_INVALID", "rt"),
}
# Severity each planted defect is expected at (for reports; the rules TOML is the authority).
DEFECT_SEVERITY = {
    "NIK_BIRTHDATE_MISMATCH": "warning", "NIK_SEX_MISMATCH": "warning", "JENIS_VARIANT": "info",
    "NIK_MISSING_UNDOCUMENTED": "warning",
}
# Jenis whose people often have no documents: an empty NIK there is NIK_MISSING_UNDOCUMENTED
# (a warning), elsewhere NIK_MISSING (DOMAIN.md).
UNDOCUMENTED_JENIS = frozenset({
    "Gelandangan", "Pengemis", "Pemulung", "Anak Jalanan", "Komunitas Adat Terpencil",
    "Korban Trafficking", "Pekerja Migran Bermasalah Sosial"})


@dataclass(frozen=True, slots=True)
class Expected:
    """A planted defect.

    Attributes:
        row_index: index of the record in the list :func:`people` returned.
        code: the code a checker must report.
        field: the canonical field it is reported on.
        related: for ``NIK_DUPLICATE``, the index of the record whose NIK was copied.
    """

    row_index: int
    code: str
    field: str
    related: int | None = None


@dataclass
class _Ctx:
    rng: random.Random
    dist: District
    jenis_fixed: bool
    used_nik: set[str]
    clean: list[int]  # indexes of clean records (NIK_DUPLICATE sources)
    records: list[dict]
    date_weights: tuple[list[str], list[float]]


def _new_serial(ctx: _Ctx, prefix: str, birth: dt.date, sex: str, low: int = 1) -> str:
    for _ in range(1000):
        nik = make_nik(prefix, birth, sex, ctx.rng.randint(low, 400 if low < 400 else 9999))
        if nik not in ctx.used_nik:
            ctx.used_nik.add(nik)
            return nik
    raise RuntimeError("no free NIK serial")  # pragma: no cover


def _birth_for_age(rng: random.Random, age: int) -> dt.date:
    anchor = dt.date(REF_DATE.year - age, REF_DATE.month, REF_DATE.day)
    return anchor - dt.timedelta(days=rng.randint(0, 364))


def _reidentify(rec: dict, ctx: _Ctx, birth: dt.date, sex: str) -> None:
    """Give ``rec`` a new birth date / sex with a NIK and tanggal lahir consistent with them."""
    rec["_birth"], rec["_sex"] = birth, sex
    rec["jenis_kelamin"] = sex
    rec["nik"] = rec["_nik"] = _new_serial(ctx, rec["_nik"][:6], birth, sex)
    rec["tanggal_lahir"] = render_date(birth, rec["_date_style"])


# Each injector mutates one record and returns True, or returns False (untouched) when the defect
# does not fit the record (so that the record keeps exactly one defect).


def _d_nik_excel_number(rec: dict, ctx: _Ctx) -> bool:
    serial = int(rec["_nik"][12:])
    if serial < 10:
        rec["nik"] = rec["_nik"] = _new_serial(ctx, rec["_nik"][:6], rec["_birth"], rec["_sex"],
                                               low=11)
    zeroed = rec["_nik"][:15] + "0"
    if zeroed != rec["_nik"] and zeroed in ctx.used_nik:
        return False
    ctx.used_nik.add(zeroed)
    if ctx.rng.random() < 0.25:
        # pasted from a sheet that showed it in General format: "6,40801E+15" / "6.40801E+15"
        text = _excel_general(int(zeroed))
        rec["nik"] = text if ctx.rng.random() < 0.6 else text.replace(",", ".")
    else:
        rec["nik"] = int(zeroed)  # a numeric cell: Excel kept 15 significant digits
    return True


def _d_nik_length(rec: dict, ctx: _Ctx) -> bool:
    nik = rec["_nik"]
    rec["nik"] = nik[:-1] if ctx.rng.random() < 0.6 else nik + str(ctx.rng.randint(0, 9))
    return True


def _d_nik_birthdate_invalid(rec: dict, ctx: _Ctx) -> bool:
    nik = rec["_nik"]
    rec["nik"] = nik[:8] + "13" + nik[10:]  # month 13
    return True


def _d_nik_serial_zero(rec: dict, ctx: _Ctx) -> bool:
    nik = rec["_nik"][:12] + "0000"
    if nik in ctx.used_nik:
        return False
    ctx.used_nik.add(nik)
    rec["nik"] = nik
    return True


def _d_nik_birthdate_mismatch(rec: dict, ctx: _Ctx) -> bool:
    b = rec["_birth"]
    day = b.day + ctx.rng.choice([-9, -6, -4, -2, 2, 4, 6, 9])
    if not 1 <= day <= 28:
        day = b.day - 10 if b.day > 14 else b.day + 10
    moved = b.replace(day=day)
    rec["tanggal_lahir"] = render_date(moved, rec["_date_style"])
    rec["_written_birth"] = moved
    return True


def _d_nik_sex_mismatch(rec: dict, ctx: _Ctx) -> bool:
    other = "L" if rec["_sex"] == "P" else "P"
    nik = make_nik(rec["_nik"][:6], rec["_birth"], other, int(rec["_nik"][12:]))
    if nik in ctx.used_nik:
        return False
    ctx.used_nik.add(nik)
    rec["nik"] = nik
    return True


def _d_nik_duplicate(rec: dict, ctx: _Ctx) -> bool:
    if not ctx.clean:
        return False
    src = ctx.records[ctx.rng.choice(ctx.clean[-200:])]
    for key in ("nik", "_nik", "no_kk", "nama", "jenis_kelamin", "_sex", "tempat_lahir",
                "_birth", "jenis_pmks", "_jenis", "nama_ibu"):
        if key in src:
            rec[key] = src[key]
    rec["tanggal_lahir"] = render_date(rec["_birth"], rec["_date_style"])
    rec["_related"] = src["_index"]
    return True


def _d_nik_missing(rec: dict, ctx: _Ctx) -> bool:
    if rec["_jenis"] in UNDOCUMENTED_JENIS:
        return False
    rec["nik"] = None
    return True


def _d_nik_missing_undocumented(rec: dict, ctx: _Ctx) -> bool:
    if rec["_jenis"] not in UNDOCUMENTED_JENIS:
        return False
    rec["nik"] = None
    return True


def _d_kk_length(rec: dict, ctx: _Ctx) -> bool:
    rec["no_kk"] = rec["no_kk"][:15]
    return True


def _d_date_invalid(rec: dict, ctx: _Ctx) -> bool:
    y = rec["_birth"].year
    day, month = ctx.rng.choice([(31, 2), (30, 2), (31, 4), (31, 6), (31, 9), (31, 11)])
    sep = ctx.rng.choice("/-")
    rec["tanggal_lahir"] = f"{day:02d}{sep}{month:02d}{sep}{y}"
    return True


def _d_date_future(rec: dict, ctx: _Ctx) -> bool:
    b = rec["_birth"]
    if b.year + 100 <= 2030:
        return False
    # the classic slip: 1957 typed as 2057 (the NIK's YY still matches)
    rec["tanggal_lahir"] = render_date(b.replace(year=b.year + 100), rec["_date_style"])
    return True


def _d_sex_invalid(rec: dict, ctx: _Ctx) -> bool:
    if rec["_jenis"] == PRSE:
        return False
    rec["jenis_kelamin"] = "X"
    return True


def _d_jenis_unknown(rec: dict, ctx: _Ctx) -> bool:
    if ctx.jenis_fixed:
        return False
    rec["jenis_pmks"] = ctx.rng.choice(["Lansia Kaya", "Warga Mampu", "Pengangguran"])
    return True


def _d_jenis_variant(rec: dict, ctx: _Ctx) -> bool:
    if ctx.jenis_fixed or rec["_jenis"] not in JENIS_VARIANTS:
        return False
    rec["jenis_pmks"] = ctx.rng.choice(JENIS_VARIANTS[rec["_jenis"]])
    return True


def _d_jenis_age_mismatch(rec: dict, ctx: _Ctx) -> bool:
    jenis = rec["_jenis"]
    if jenis not in _BAND_OUTSIDE_AGE:
        if ctx.jenis_fixed:
            return False
        jenis = ABT
        rec["jenis_pmks"] = rec["_jenis"] = ABT
    _reidentify(rec, ctx, _birth_for_age(ctx.rng, _BAND_OUTSIDE_AGE[jenis]), rec["_sex"])
    return True


def _d_jenis_sex_mismatch(rec: dict, ctx: _Ctx) -> bool:
    if ctx.jenis_fixed and rec["_jenis"] != PRSE:
        return False
    rec["jenis_pmks"] = rec["_jenis"] = PRSE
    lo, hi = _AGE[PRSE]
    _reidentify(rec, ctx, _birth_for_age(ctx.rng, ctx.rng.randint(lo, hi)), "L")
    return True


def _d_wilayah_kecamatan_unknown(rec: dict, ctx: _Ctx) -> bool:
    rec["kecamatan"] = ctx.rng.choice(["Kec. Antah Berantah", "Sungai Entah", "Kampung Baru Jaya"])
    return True


def _d_wilayah_desa_not_in_kecamatan(rec: dict, ctx: _Ctx) -> bool:
    own = {n.casefold() for _, n in ctx.dist.desa[rec["_kec"]]}
    others = [n for k, lst in ctx.dist.desa.items() if k != rec["_kec"] for _, n in lst
              if n.casefold() not in own]
    if not others:
        return False
    rec["desa"] = ctx.rng.choice(others)
    return True


def _d_name_placeholder(rec: dict, ctx: _Ctx) -> bool:
    rec["nama"] = "-"
    return True


def _d_value_missing(rec: dict, ctx: _Ctx) -> bool:
    rec["nama"] = None
    return True


def _d_rt_rw_invalid(rec: dict, ctx: _Ctx) -> bool:
    # not "-": a dash in RT/RW means "none" (treated as empty), which is a fair reading
    rec["rt"] = ctx.rng.choice(["abc", "RT 5 A", "1234"])
    return True


_INJECT = {
    "nik_excel_number": _d_nik_excel_number, "nik_length": _d_nik_length,
    "nik_birthdate_invalid": _d_nik_birthdate_invalid, "nik_serial_zero": _d_nik_serial_zero,
    "nik_birthdate_mismatch": _d_nik_birthdate_mismatch, "nik_sex_mismatch": _d_nik_sex_mismatch,
    "nik_duplicate": _d_nik_duplicate, "nik_missing": _d_nik_missing,
    "nik_missing_undocumented": _d_nik_missing_undocumented,
    "kk_length": _d_kk_length, "date_invalid": _d_date_invalid, "date_future": _d_date_future,
    "sex_invalid": _d_sex_invalid, "jenis_unknown": _d_jenis_unknown,
    "jenis_variant": _d_jenis_variant, "jenis_age_mismatch": _d_jenis_age_mismatch,
    "jenis_sex_mismatch": _d_jenis_sex_mismatch,
    "wilayah_kecamatan_unknown": _d_wilayah_kecamatan_unknown,
    "wilayah_desa_not_in_kecamatan": _d_wilayah_desa_not_in_kecamatan,
    "name_placeholder": _d_name_placeholder, "value_missing": _d_value_missing,
    "rt_rw_invalid": _d_rt_rw_invalid,
}
assert set(_INJECT) == set(DEFECTS)

# --------------------------------------------------------------------------------------------
# Cosmetic noise: messy but correct values (at most an info; never a warning or an error)
# --------------------------------------------------------------------------------------------

_BULAN_SINGKAT = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agt", "Sep", "Okt", "Nop",
                  "Des"]


def _n_upper_wilayah(rec: dict, ctx: _Ctx) -> bool:
    rec["kecamatan"], rec["desa"] = rec["kecamatan"].upper(), rec["desa"].upper()
    return True


def _n_spaces(rec: dict, ctx: _Ctx) -> bool:
    rec["nama"] = "  ".join(rec["nama"].split(" ", 1)) + " "
    return True


def _n_jenis_upper(rec: dict, ctx: _Ctx) -> bool:
    rec["jenis_pmks"] = rec["jenis_pmks"].upper()
    return True


def _n_kec_prefix(rec: dict, ctx: _Ctx) -> bool:
    rec["kecamatan"] = ctx.rng.choice(["Kec. ", "KEC. ", "Kecamatan "]) + rec["kecamatan"]
    return True


def _n_desa_prefix(rec: dict, ctx: _Ctx) -> bool:
    kel = rec["_desa"][6] == "1"
    prefixes = ["Kel. ", "Kelurahan "] if kel else ["Desa ", "Ds. "]
    rec["desa"] = ctx.rng.choice(prefixes) + rec["desa"]
    return True


def _n_sex_lower(rec: dict, ctx: _Ctx) -> bool:
    rec["jenis_kelamin"] = rec["jenis_kelamin"].lower()
    return True


def _n_nik_spaces(rec: dict, ctx: _Ctx) -> bool:
    n = rec["nik"]
    rec["nik"] = ctx.rng.choice([f"{n[:4]} {n[4:8]} {n[8:12]} {n[12:]}",
                                 f"{n[:6]}.{n[6:12]}.{n[12:]}", f" {n}"])
    return True


def _n_date_other(rec: dict, ctx: _Ctx) -> bool:
    b = rec["_birth"]
    rec["tanggal_lahir"] = ctx.rng.choice([f"{b.day:02d}.{b.month:02d}.{b.year}",
                                       f"{b.day} {_BULAN_SINGKAT[b.month - 1]} {b.year}",
                                       f"{b.day} {BULAN[b.month - 1].upper()} {b.year}"])
    return True


# Kecamatan codes of other provinces (first registered there; migrants are normal in Kaltim).
_MIGRANT_PREFIX = {"637101": "Banjarmasin", "630301": "Martapura", "737101": "Makassar",
                   "731101": "Bone", "357801": "Surabaya", "350901": "Jember"}


def _n_nik_migrant(rec: dict, ctx: _Ctx) -> bool:
    prefix = ctx.rng.choice(sorted(_MIGRANT_PREFIX))
    nik = prefix + rec["_nik"][6:]
    if nik in ctx.used_nik:
        return False
    ctx.used_nik.add(nik)
    rec["nik"] = rec["_nik"] = nik
    rec["tempat_lahir"] = _MIGRANT_PREFIX[prefix]
    return True


NOISE = {
    "upper_wilayah": _n_upper_wilayah, "spaces": _n_spaces, "jenis_upper": _n_jenis_upper,
    "kec_prefix": _n_kec_prefix, "desa_prefix": _n_desa_prefix, "sex_lower": _n_sex_lower,
    "nik_spaces": _n_nik_spaces, "date_other": _n_date_other, "nik_migrant": _n_nik_migrant,
}
"""Cosmetic variations of a clean record: a checker may normalise them (info), never flag them."""


# --------------------------------------------------------------------------------------------
# people()
# --------------------------------------------------------------------------------------------


def people(
    n: int,
    district: str = "6408",
    seed: int = 0,
    defects: float = 0.0,
    jenis: str | Sequence[str] | None = None,
    *,
    kinds: Sequence[str] | None = None,
    date_styles: dict[str, float] | None = None,
    nik_moved: float = 0.04,
    family: float = 0.15,
    noise: float = 0.0,
    dtks: bool | None = None,
) -> tuple[list[dict], list[Expected]]:
    """Person records of one kab/kota of Kalimantan Timur, optionally with planted defects.

    Args:
        n: number of records.
        district: Kemendagri kab/kota code (``"6408"`` Kutai Timur).
        seed: seed of the generator (same seed, same records).
        defects: probability that a record gets exactly one defect.
        jenis: ``None`` (drawn with realistic weights), one official name (every record has it:
            a sheet-per-jenis export, and the jenis-column defects are not planted), or a list to
            draw from.
        kinds: defect keys of :data:`DEFECTS` to plant (default: all). Keys are rotated so that a
            small file gets every kind.
        date_styles: weights of :data:`DATE_STYLES` for writing tanggal lahir.
        nik_moved: share of clean records whose NIK prefix is another kecamatan of the district
            (first registered elsewhere; normal).
        family: share of records that share No. KK and address with the previous record.
        noise: probability that a clean record gets one cosmetic variation from :data:`NOISE`
            (upper-case wilayah, "Kec." prefix, double spaces, NIK with spaces, "17.08.1975",
            ...): messy but correct, so at most an info. The key is kept in ``_noise``.
        dtks: also fill the DTKS columns ``id_dtks``, ``nama_ibu``, ``hubungan_keluarga``
            (default: only when ``jenis`` is one fixed jenis, as in DTKS exports).

    Returns:
        ``(records, expected)``. A record maps canonical field names to the value to write
        (``str``, ``None``, a ``datetime.date`` for a real date cell, or an ``int`` for a NIK
        stored as a number) plus truth keys: ``_index``, ``_nik``, ``_birth``, ``_sex``,
        ``_jenis`` (official name), ``_kec``, ``_desa`` (codes), ``_defect`` (key or ``None``).
    """
    rng = random.Random(seed)
    dist = _district(district)
    if dtks is None:
        dtks = isinstance(jenis, str)
    if isinstance(jenis, str):
        if jenis not in JENIS:
            raise ValueError(f"not an official jenis PMKS: {jenis!r}")
        pool, fixed = [jenis], True
    else:
        pool, fixed = list(jenis or JENIS), False
    weights = [_JENIS_WEIGHT[j] for j in pool]
    ds = date_styles or DEFAULT_DATE_STYLES
    ctx = _Ctx(rng, dist, fixed, set(), [], [], (list(ds), list(ds.values())))
    kec_codes = list(dist.kecamatan)
    pick_kec = _Pick(kec_codes, [len(dist.desa[k]) for k in kec_codes])
    pick_jenis = _Pick(pool, weights)
    pick_style = _Pick(*ctx.date_weights)
    born_here = [CAPITAL[district]] + [dist.kecamatan[k] for k in kec_codes]
    rotation = list(kinds or DEFECTS)
    unknown = set(rotation) - set(DEFECTS)
    if unknown:
        raise ValueError(f"unknown defect kinds: {sorted(unknown)}")
    rng.shuffle(rotation)
    noise_keys = list(NOISE)
    expected: list[Expected] = []
    records = ctx.records
    reg_lo, reg_span = dt.date(2008, 1, 1), (dt.date(2024, 12, 31) - dt.date(2008, 1, 1)).days
    for i in range(n):
        j = pick_jenis(rng) if not fixed else pool[0]
        sex = "P" if rng.random() < _FEMALE_SHARE.get(j, 0.5) else "L"
        lo, hi = _AGE[j]
        birth = _birth_for_age(rng, rng.randint(lo, hi))
        prev = records[-1] if records else None
        if prev is not None and rng.random() < family:
            kec, desa_code, desa_name, alamat, rt, rw, kk = prev["_loc"]
        else:
            kec = pick_kec(rng)
            desa_code, desa_name = rng.choice(dist.desa[kec])
            alamat, rt = _alamat(rng, dist.is_kota), _rt_rw(rng)
            rw = _rt_rw(rng) if rng.random() < 0.85 else None
            reg = reg_lo + dt.timedelta(days=rng.randint(0, reg_span))
            kk = make_kk(kec, reg, rng.randint(1, 9999))
        prefix = rng.choice(kec_codes) if rng.random() < nik_moved else kec
        style = pick_style(rng)
        nik = _new_serial(ctx, prefix, birth, sex)
        rec = {
            "nik": nik, "no_kk": kk, "nama": person_name(rng, sex), "jenis_kelamin": sex,
            "tempat_lahir": rng.choice(born_here) if rng.random() < 0.7
            else rng.choice(_BIRTH_PLACES_OUT),
            "tanggal_lahir": render_date(birth, style), "alamat": alamat, "rt": rt, "rw": rw,
            "desa": desa_name, "kecamatan": dist.kecamatan[kec], "kabupaten": dist.name,
            "jenis_pmks": j, "keterangan": rng.choice(_KET) or None,
            "_index": i, "_nik": nik, "_kk": kk, "_birth": birth, "_sex": sex, "_jenis": j,
            "_kec": kec, "_desa": desa_code, "_desa_name": desa_name, "_date_style": style,
            "_defect": None, "_noise": None,
            "_loc": (kec, desa_code, desa_name, alamat, rt, rw, kk),
        }
        if dtks:
            rec["id_dtks"] = str(rng.randint(10**13, 10**14 - 1))
            rec["nama_ibu"] = person_name(rng, "P")
            rec["hubungan_keluarga"] = rng.choice(["Kepala Keluarga", "Istri", "Anak",
                                                   "Orang Tua", "Famili Lain"])
        records.append(rec)
        if defects > 0 and rng.random() < defects:
            # the first kind (in rotation order) that fits this record; it goes to the back, so
            # kinds that rarely fit (e.g. NIK_MISSING_UNDOCUMENTED) keep their place in front
            for key in rotation:
                if _INJECT[key](rec, ctx):
                    rotation.remove(key)
                    rotation.append(key)
                    rec["_defect"] = key
                    code, fld = DEFECTS[key]
                    expected.append(Expected(i, code, fld, rec.get("_related")))
                    break
        if rec["_defect"] is None:
            if noise > 0 and rng.random() < noise:
                key = rng.choice(noise_keys)
                if NOISE[key](rec, ctx):
                    rec["_noise"] = key
            ctx.clean.append(i)
    return records, expected


_district = district

# --------------------------------------------------------------------------------------------
# Layouts
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Layout:
    """How a sheet is laid out.

    Attributes:
        columns: ``(field, header)`` in sheet order. Field ``"no"`` is the running number written
            by the layout; ``"ttl"`` writes ``"Tempat, tanggal"`` in one column.
        title: write title rows above the header (text from ``title_lines`` or the district).
        title_lines: explicit title rows (``None``: "DATA PMKS KABUPATEN ... TAHUN 2025",
            "DINAS SOSIAL ...", blank).
        group: a merged two-row header: ``(top header, fields under it)``; the other columns are
            merged vertically over both rows.
        column_numbers: a row ``1 2 3 ...`` under the header.
        sections: records grouped by jenis, each group under a row "A. LANJUT USIA TELANTAR"
            (numbering restarts per section).
        total_row: a "JUMLAH" row under the table.
        signature: a signature block under the table (place and date, office, name, NIP).
        sheet_name: sheet name (xlsx/ods).
        sex_words: write ``Laki-laki``/``Perempuan`` instead of ``L``/``P``.
        upper_names: names in capitals (common in office lists).
    """

    columns: tuple[tuple[str, str], ...]
    title: bool = False
    title_lines: tuple[str, ...] | None = None
    group: tuple[str, tuple[str, ...]] | None = None
    column_numbers: bool = False
    sections: bool = False
    total_row: bool = False
    signature: bool = False
    sheet_name: str = "PMKS 2025"
    sex_words: bool = False
    upper_names: bool = False


_STD = (("no", "No"), ("nik", "NIK"), ("no_kk", "No. KK"), ("nama", "Nama"),
        ("jenis_kelamin", "Jenis Kelamin"), ("tempat_lahir", "Tempat Lahir"),
        ("tanggal_lahir", "Tanggal Lahir"), ("alamat", "Alamat"), ("rt", "RT"), ("rw", "RW"),
        ("desa", "Desa/Kelurahan"), ("kecamatan", "Kecamatan"), ("jenis_pmks", "Jenis PMKS"),
        ("keterangan", "Keterangan"))

LAYOUTS: dict[str, Layout] = {
    # header in row 1, standard names (benchmark default)
    "plain": Layout(columns=_STD, sheet_name="Sheet1"),
    # what a kabupaten office sends: titles, a two-row header with "ALAMAT" over its parts,
    # one "Tempat, Tgl Lahir" column, column numbers, sections, Jumlah, signature
    "office": Layout(
        columns=(("no", "No"), ("nik", "N I K"), ("no_kk", "No. KK"), ("nama", "Nama Lengkap"),
                 ("jenis_kelamin", "L/P"), ("ttl", "Tempat, Tgl Lahir"), ("alamat", "Jalan"),
                 ("rt", "RT"), ("rw", "RW"), ("desa", "Kel/Desa"), ("kecamatan", "Kec."),
                 ("jenis_pmks", "Jenis PMKS"), ("keterangan", "Ket.")),
        title=True, group=("ALAMAT", ("alamat", "rt", "rw", "desa", "kecamatan")),
        column_numbers=True, sections=True, total_row=True, signature=True,
        sheet_name="PMKS 2025", upper_names=True),
    # titles + "Tempat/Tgl Lahir" merged over "Tempat" | "Tanggal", Jumlah and signature
    "office_split": Layout(
        columns=(("no", "No."), ("nik", "NIK"), ("no_kk", "No KK"), ("nama", "Nama"),
                 ("jenis_kelamin", "Jenis Kelamin"), ("tempat_lahir", "Tempat"),
                 ("tanggal_lahir", "Tanggal"), ("alamat", "Alamat"), ("rt", "RT"), ("rw", "RW"),
                 ("desa", "Desa/Kelurahan"), ("kecamatan", "Kecamatan"),
                 ("jenis_pmks", "Jenis PPKS"), ("keterangan", "Keterangan")),
        title=True, group=("Tempat/Tgl Lahir", ("tempat_lahir", "tanggal_lahir")),
        total_row=True, signature=True, sheet_name="Data PPKS", sex_words=True),
    # DTKS-style export: one jenis per sheet (no jenis column), DTKS columns
    "dtks": Layout(
        columns=(("no", "NO"), ("id_dtks", "ID DTKS"), ("nik", "NIK"), ("no_kk", "NO KK"),
                 ("nama", "NAMA"), ("nama_ibu", "NAMA IBU KANDUNG"),
                 ("hubungan_keluarga", "HUBUNGAN KELUARGA"), ("jenis_kelamin", "JENIS KELAMIN"),
                 ("tempat_lahir", "TEMPAT LAHIR"), ("tanggal_lahir", "TANGGAL LAHIR"),
                 ("alamat", "ALAMAT"), ("rt", "RT"), ("rw", "RW"), ("desa", "KELURAHAN"),
                 ("kecamatan", "KECAMATAN"), ("kabupaten", "KABUPATEN/KOTA")),
        title=True, upper_names=True),
    # a CSV saved from Excel: one title line, a blank line, then the header
    "csv": Layout(
        columns=(("no", "No"), ("nik", "NIK"), ("no_kk", "No KK"), ("nama", "Nama"),
                 ("jenis_kelamin", "Jenis Kelamin"), ("tempat_lahir", "Tempat Lahir"),
                 ("tanggal_lahir", "Tgl. Lahir"), ("alamat", "Alamat"), ("rt", "RT"),
                 ("rw", "RW"), ("desa", "Kelurahan"), ("kecamatan", "Kecamatan"),
                 ("kabupaten", "Kabupaten/Kota"), ("jenis_pmks", "Jenis PMKS"),
                 ("keterangan", "Keterangan")),
        title=True, sex_words=True),
}

# --------------------------------------------------------------------------------------------
# Planning a sheet: rows of cells, independent of the container format
# --------------------------------------------------------------------------------------------

# A cell is None (empty) or (kind, value): "s" text, "id" text that must stay text (NIK, No. KK),
# "n" number, "d" date, "nik_num" a NIK stored as a number (the NIK_EXCEL_NUMBER defect).
Cell = tuple[str, object] | None


@dataclass
class _Row:
    style: str  # title | header | colnum | section | data | total | signature | blank
    cells: list[Cell]
    record: int | None = None  # index into records


@dataclass
class Plan:
    """A laid-out sheet: rows (0-based list = 1-based sheet rows), merges, per-record rows."""

    name: str
    rows: Iterator[_Row]
    merges: list[tuple[int, int, int, int]]  # 0-based first_row, first_col, last_row, last_col
    ncols: int
    widths: list[int]
    header_row: int = 0  # 1-based, last header row
    nrows: int = 0  # rows in the sheet (last non-empty row, 1-based)


@dataclass
class Written:
    """Where the records ended up.

    Attributes:
        path: the file written.
        sheet: sheet name (``None`` for CSV).
        rows: ``rows[i]`` = the row number the user sees for ``records[i]`` (spreadsheet row,
            1-based, title rows counted; CSV: 1-based line number).
        header_row: the last header row (1-based).
    """

    path: Path
    sheet: str | None
    rows: list[int]
    header_row: int


def expected_rows(expected: Sequence[Expected], rows: Sequence[int]) -> list[dict]:
    """Planted defects as ``{"row", "code", "field"}`` (plus ``related_row`` for duplicates)."""
    out = []
    for e in expected:
        item = {"row": rows[e.row_index], "code": e.code, "field": e.field}
        if e.related is not None:
            item["related_row"] = rows[e.related]
        out.append(item)
    return out


def _titles(layout: Layout, dist: District, jenis: str | None) -> list[str]:
    if not layout.title:
        return []
    if layout.title_lines is not None:
        return list(layout.title_lines)
    if jenis is not None:
        return ["DATA TERPADU KESEJAHTERAAN SOSIAL (DTKS)", f"{jenis.upper()}",
                f"{dist.name.upper()} TAHUN 2025", ""]
    return [f"DATA PMKS {dist.name.upper()} TAHUN 2025",
            f"DINAS SOSIAL {dist.name.upper()}", ""]


def _section_label(i: int, jenis: str) -> str:
    return f"{chr(65 + i)}. {jenis.upper()}"


def plan_sheet(records: Sequence[dict], layout: Layout | str = "plain", *,
               district_code: str | None = None, name: str | None = None,
               sheet_jenis: str | None = None, seed: int = 0,
               dates: bool = True) -> tuple[Plan, list[int]]:
    """Lay records out as rows of cells (shared by the xlsx, ods and csv writers).

    Args:
        records: from :func:`people`.
        layout: a :class:`Layout` or a key of :data:`LAYOUTS`.
        district_code: for titles and signature (default: from the first record).
        name: sheet name (default: the layout's).
        sheet_jenis: the one jenis of a sheet-per-jenis sheet (title line).
        seed: seed for the signature block.
        dates: the format can hold real date cells (CSV cannot).

    Returns:
        ``(plan, rows)`` with ``rows[i]`` the 1-based sheet row of ``records[i]``.
    """
    lay = LAYOUTS[layout] if isinstance(layout, str) else layout
    code = district_code or (records[0]["_kec"][:4] if records else "6408")
    dist = _district(code)
    rng = random.Random(seed)
    fields = [f for f, _ in lay.columns]
    ncols = len(fields)
    titles = _titles(lay, dist, sheet_jenis)
    merges: list[tuple[int, int, int, int]] = []
    n_title = len(titles)
    for i, t in enumerate(titles):
        if t:
            merges.append((i, 0, i, ncols - 1))
    grouped = set(lay.group[1]) if lay.group else set()
    header_rows = 2 if lay.group else 1
    if lay.group:
        cols = [i for i, f in enumerate(fields) if f in grouped]
        merges.append((n_title, cols[0], n_title, cols[-1]))
        for i, f in enumerate(fields):
            if f not in grouped:
                merges.append((n_title, i, n_title + 1, i))
    header_row = n_title + header_rows  # 1-based last header row
    # order of records and their sheet rows
    order = list(range(len(records)))
    sections: list[tuple[int, str, list[int]]] = []
    if lay.sections:
        by_jenis: dict[str, list[int]] = {}
        for i in order:
            by_jenis.setdefault(records[i]["_jenis"], []).append(i)
        for k, j in enumerate(sorted(by_jenis, key=JENIS.index)):
            sections.append((k, j, by_jenis[j]))
    else:
        sections.append((-1, "", order))
    rows = [0] * len(records)
    r = header_row + (1 if lay.column_numbers else 0)  # 1-based row of the last row so far
    for k, _j, idx in sections:
        if k >= 0:
            r += 1
        for i in idx:
            r += 1
            rows[i] = r
    last_data = r
    if lay.sections:
        for _k, _j, idx in sections:
            first = rows[idx[0]] - 2  # 0-based row of the section label
            merges.append((first, 0, first, ncols - 1))
    if lay.total_row:
        merges.append((last_data, 0, last_data, min(3, ncols - 2)))

    getters = [_getter(f, lay, dates) for f in fields]

    def gen() -> Iterator[_Row]:
        for t in titles:
            yield _Row("title", [("s", t)] if t else [])
        if lay.group:
            top: list[Cell] = []
            sub: list[Cell] = []
            placed = False
            for f, h in lay.columns:
                if f in grouped:
                    top.append(None if placed else ("s", lay.group[0]))
                    placed = True
                    sub.append(("s", h))
                else:
                    top.append(("s", h))
                    sub.append(None)
            yield _Row("header", top)
            yield _Row("header", sub)
        else:
            yield _Row("header", [("s", h) for _, h in lay.columns])
        if lay.column_numbers:
            yield _Row("colnum", [("n", i + 1) for i in range(ncols)])
        for k, j, idx in sections:
            if k >= 0:
                yield _Row("section", [("s", _section_label(k, j))])
            for no, i in enumerate(idx, start=1):
                rec = records[i]
                cells = [g(rec, no) for g in getters]
                yield _Row("data", cells, i)
        if lay.total_row:
            total: list[Cell] = [("s", "JUMLAH")] + [None] * (ncols - 1)
            total[-1] = ("s", f"{len(records)} orang")
            yield _Row("total", total)
        if lay.signature:
            col = max(ncols - 4, 0)
            lines = [f"{CAPITAL[code]}, {rng.randint(3, 27)} Maret 2025", "Kepala Dinas Sosial",
                     dist.name, "", "", person_name(rng, rng.choice("LP")).upper(), nip(rng)]
            yield _Row("blank", [])
            for ln in lines:
                yield _Row("signature", [None] * col + [("s", ln)] if ln else [])

    widths = [max(6, min(40, len(h) + 4)) for _, h in lay.columns]
    for i, f in enumerate(fields):
        widths[i] = {"nik": 20, "no_kk": 20, "id_dtks": 18, "nama": 28, "ttl": 28, "alamat": 26,
                     "jenis_pmks": 30, "desa": 18, "kecamatan": 18, "nama_ibu": 24,
                     "tanggal_lahir": 16}.get(f, widths[i])
    nrows = last_data + (1 if lay.total_row else 0) + (8 if lay.signature else 0)
    plan = Plan(name or lay.sheet_name, gen(), merges, ncols, widths, header_row, nrows)
    return plan, rows


def _getter(f: str, lay: Layout, dates: bool):
    """A function ``(record, running number) -> Cell`` for one column."""
    if f == "no":
        return lambda rec, no: ("n", no)
    if f in ("nik", "no_kk"):
        def get_id(rec: dict, no: int, f: str = f) -> Cell:
            v = rec.get(f)
            if v is None:
                return None
            if isinstance(v, int):
                return ("nik_num", v)
            return ("id", v)
        return get_id
    if f == "id_dtks":
        return lambda rec, no: ("id", rec["id_dtks"]) if rec.get("id_dtks") else None
    if f == "tanggal_lahir":
        def get_date(rec: dict, no: int) -> Cell:
            v = rec.get("tanggal_lahir")
            if v is None:
                return None
            if isinstance(v, dt.date):
                return ("d", v) if dates else ("s", _date_text(v))
            return ("s", v)
        return get_date
    if f == "ttl":
        def get_ttl(rec: dict, no: int) -> Cell:
            v = rec.get("tanggal_lahir")
            if isinstance(v, dt.date):
                v = render_date(v, "dash")
            return ("s", f"{rec.get('tempat_lahir') or ''}, {v or ''}")
        return get_ttl
    if f == "jenis_kelamin" and lay.sex_words:
        words = {"L": "Laki-laki", "P": "Perempuan"}

        def get_sex(rec: dict, no: int) -> Cell:
            v = rec.get("jenis_kelamin")
            return None if v is None else ("s", words.get(v, v))
        return get_sex
    if f in ("nama", "nama_ibu") and lay.upper_names:
        def get_upper(rec: dict, no: int, f: str = f) -> Cell:
            v = rec.get(f)
            return None if v is None else ("s", v.upper() if v != "-" else v)
        return get_upper

    def get_text(rec: dict, no: int, f: str = f) -> Cell:
        v = rec.get(f)
        return None if v is None or v == "" else ("s", v)
    return get_text


# --------------------------------------------------------------------------------------------
# Writers
# --------------------------------------------------------------------------------------------


@dataclass
class Sheet:
    """One sheet of a workbook for :func:`write_workbook` / :func:`write_ods`."""

    records: Sequence[dict]
    layout: Layout | str = "plain"
    name: str | None = None
    hidden: bool = False
    jenis: str | None = None  # sheet-per-jenis: title line
    district: str | None = None


def write_xlsx(path: str | Path, records: Sequence[dict], layout: Layout | str = "plain", *,
               sheet_name: str | None = None, district_code: str | None = None,
               engine: str = "xlsxwriter") -> Written:
    """Write one sheet to an xlsx file.

    NIK and No. KK are text cells (format ``@``) except the ``NIK_EXCEL_NUMBER`` defect, which
    is a numeric cell. Real date cells get the format ``dd/mm/yyyy``.

    Args:
        path: the file to write.
        records: from :func:`people`.
        layout: a :class:`Layout` or a key of :data:`LAYOUTS`.
        sheet_name: default: the layout's.
        district_code: for titles and signature (default: from the records).
        engine: ``"xlsxwriter"`` (``constant_memory``, formatted like an office file) or
            ``"raw"``: a minimal streaming SpreadsheetML writer, about 5x faster, for
            100k-1M-row benchmark files (same cells, cell types, merges and row numbers; plain
            styles).

    Returns:
        :class:`Written` with the sheet row of every record.
    """
    return write_workbook(path, [Sheet(records, layout, sheet_name, district=district_code)],
                          engine=engine)[0]


def write_workbook(path: str | Path, sheets: Sequence[Sheet], *,
                   engine: str = "xlsxwriter") -> list[Written]:
    """Write several sheets (e.g. one per jenis, plus a hidden stale one) to one xlsx file."""
    if engine == "raw":
        return _write_raw(Path(path), sheets)
    if engine != "xlsxwriter":
        raise ValueError(f"unknown engine {engine!r}")
    import xlsxwriter

    path = Path(path)
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False,
                                          "strings_to_formulas": False, "strings_to_urls": False})
    # fixed metadata: regenerating the samples gives byte-identical files
    wb.set_properties({"created": dt.datetime(2025, 3, 12, 8, 0, 0), "author": "Dinas Sosial"})
    fmt = {
        "title": wb.add_format({"bold": True, "align": "center", "font_size": 12}),
        "header": wb.add_format({"bold": True, "align": "center", "valign": "vcenter",
                                 "border": 1, "text_wrap": True, "bg_color": "#D9E1F2"}),
        "colnum": wb.add_format({"italic": True, "align": "center", "border": 1,
                                 "font_size": 8}),
        "section": wb.add_format({"bold": True, "border": 1}),
        "total": wb.add_format({"bold": True, "border": 1}),
        "id": wb.add_format({"num_format": "@", "border": 1}),
        "cell": wb.add_format({"border": 1}),
        "date": wb.add_format({"num_format": "dd/mm/yyyy", "border": 1}),
        "num": wb.add_format({"border": 1, "align": "center"}),
        "signature": wb.add_format({"align": "center"}),
    }
    out = []
    for sh in sheets:
        plan, rows = plan_sheet(sh.records, sh.layout, district_code=sh.district, name=sh.name,
                                sheet_jenis=sh.jenis)
        ws = wb.add_worksheet(plan.name)
        if sh.hidden:
            ws.hide()
        for c, w in enumerate(plan.widths):
            ws.set_column(c, c, w)
        # merges: registered directly so that cells can be written strictly row by row
        # (constant_memory flushes a row as soon as a later row is written)
        merged_blank: dict[int, list[int]] = {}
        for r1, c1, r2, c2 in plan.merges:
            ws.merge.append([r1, c1, r2, c2])
            for rr in range(r1, r2 + 1):
                for cc in range(c1, c2 + 1):
                    if (rr, cc) != (r1, c1):
                        merged_blank.setdefault(rr, []).append(cc)
        ws.freeze_panes(plan.header_row, 0)
        ws_string, ws_number, ws_date = ws.write_string, ws.write_number, ws.write_datetime
        f_id, f_cell, f_date, f_num = fmt["id"], fmt["cell"], fmt["date"], fmt["num"]
        for r, row in enumerate(plan.rows):
            if row.style == "data":
                for c, cell in enumerate(row.cells):
                    if cell is None:
                        continue
                    kind, v = cell
                    if kind == "s":
                        ws_string(r, c, v, f_cell)
                    elif kind == "id":
                        ws_string(r, c, v, f_id)
                    elif kind == "n":
                        ws_number(r, c, v, f_num)
                    elif kind == "d":
                        ws_date(r, c, dt.datetime(v.year, v.month, v.day), f_date)
                    else:  # nik_num: a NIK typed as a number (General format)
                        ws_number(r, c, v, f_cell)
                continue
            f = fmt.get(row.style)
            for c, cell in enumerate(row.cells):
                if cell is None:
                    continue
                kind, v = cell
                if kind == "n":
                    ws_number(r, c, v, f)
                else:
                    ws_string(r, c, v, f)
            for c in merged_blank.get(r, ()):
                ws.write_blank(r, c, None, f)
        out.append(Written(path, plan.name, rows, plan.header_row))
    wb.close()
    return out


_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_STYLES = (_XML + f'<styleSheet xmlns="{_NS}">'
           '<numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts>'
           '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
           '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
           '<fills count="2"><fill><patternFill patternType="none"/></fill>'
           '<fill><patternFill patternType="gray125"/></fill></fills>'
           '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
           '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
           '</cellStyleXfs><cellXfs count="4">'
           '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
           '<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
           '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
           '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
           '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
           '</cellStyles></styleSheet>')
_EPOCH = dt.date(1899, 12, 30)


def _esc(v: str) -> str:
    if "&" in v or "<" in v or ">" in v:
        v = v.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if v[:1].isspace() or v[-1:].isspace():
        return f'<t xml:space="preserve">{v}</t>'
    return f"<t>{v}</t>"


def _write_raw(path: Path, sheets: Sequence[Sheet]) -> list[Written]:
    """Minimal streaming xlsx: inline strings, 4 styles, merges, frozen header, hidden sheets."""
    import zipfile

    out = []
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        names = []
        for k, sh in enumerate(sheets, start=1):
            plan, rows = plan_sheet(sh.records, sh.layout, district_code=sh.district,
                                    name=sh.name, sheet_jenis=sh.jenis)
            names.append((plan.name, sh.hidden))
            letters = [column_letter(c) for c in range(plan.ncols)]
            with zf.open(f"xl/worksheets/sheet{k}.xml", "w", force_zip64=True) as raw:
                w = io.TextIOWrapper(raw, encoding="utf-8", newline="")
                w.write(f'{_XML}<worksheet xmlns="{_NS}" xmlns:r="{_NS_R}">'
                        f'<dimension ref="A1:{letters[-1]}{max(plan.nrows, 1)}"/>'
                        '<sheetViews><sheetView workbookViewId="0"'
                        + (' tabSelected="1"' if k == 1 else "") + '>'
                        f'<pane ySplit="{plan.header_row}" topLeftCell="A{plan.header_row + 1}"'
                        ' activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
                        '<sheetFormatPr defaultRowHeight="15"/><cols>'
                        + "".join(f'<col min="{c + 1}" max="{c + 1}" width="{wd}" customWidth="1"/>'
                                  for c, wd in enumerate(plan.widths))
                        + "</cols><sheetData>")
                buf: list[str] = []
                for r0, row in enumerate(plan.rows):
                    if not any(row.cells):
                        continue
                    r = r0 + 1
                    style = "" if row.style == "data" else ' s="3"'
                    parts = [f'<row r="{r}">']
                    for c, cell in enumerate(row.cells):
                        if cell is None:
                            continue
                        kind, v = cell
                        if kind == "s":
                            parts.append(f'<c r="{letters[c]}{r}"{style} t="inlineStr"><is>'
                                         f'{_esc(v)}</is></c>')
                        elif kind == "id":
                            parts.append(f'<c r="{letters[c]}{r}" s="1" t="inlineStr"><is>'
                                         f'{_esc(v)}</is></c>')
                        elif kind == "d":
                            parts.append(f'<c r="{letters[c]}{r}" s="2"><v>'
                                         f'{(v - _EPOCH).days}</v></c>')
                        else:  # "n", "nik_num"
                            parts.append(f'<c r="{letters[c]}{r}"{style}><v>{v}</v></c>')
                    parts.append("</row>")
                    buf.append("".join(parts))
                    if len(buf) >= 2000:
                        w.write("".join(buf))
                        buf.clear()
                w.write("".join(buf))
                w.write("</sheetData>")
                if plan.merges:
                    w.write(f'<mergeCells count="{len(plan.merges)}">' + "".join(
                        f'<mergeCell ref="{letters[c1]}{r1 + 1}:{letters[c2]}{r2 + 1}"/>'
                        for r1, c1, r2, c2 in plan.merges) + "</mergeCells>")
                w.write("</worksheet>")
                w.flush()
                w.detach()
            out.append(Written(path, plan.name, rows, plan.header_row))
        n = len(names)
        zf.writestr("[Content_Types].xml", _XML + (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            + "".join(f'<Override PartName="/xl/worksheets/sheet{k}.xml" ContentType="application/'
                      'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                      for k in range(1, n + 1)) + "</Types>"))
        zf.writestr("_rels/.rels", _XML + (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'))
        zf.writestr("xl/_rels/workbook.xml.rels", _XML + (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + "".join(f'<Relationship Id="rId{k}" Type="http://schemas.openxmlformats.org/'
                      f'officeDocument/2006/relationships/worksheet" '
                      f'Target="worksheets/sheet{k}.xml"/>' for k in range(1, n + 1))
            + f'<Relationship Id="rId{n + 1}" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>'))
        zf.writestr("xl/workbook.xml", _XML + (
            f'<workbook xmlns="{_NS}" xmlns:r="{_NS_R}"><bookViews><workbookView activeTab="0"/>'
            '</bookViews><sheets>'
            + "".join(f'<sheet name="{_esc(nm)[3:-4]}" sheetId="{k}"'
                      + (' state="hidden"' if hidden else "") + f' r:id="rId{k}"/>'
                      for k, (nm, hidden) in enumerate(names, start=1))
            + "</sheets></workbook>"))
        zf.writestr("xl/styles.xml", _STYLES)
    return out


def write_csv(path: str | Path, records: Sequence[dict], layout: Layout | str = "csv", *,
              sep: str = ";", encoding: str = "cp1252", district_code: str | None = None
              ) -> Written:
    """Write records as a CSV saved from Indonesian-locale Excel (``;``, cp1252 by default).

    Dates that were cells in a workbook are written ``dd/mm/yyyy``; a NIK stored as a number is
    written the way Excel shows it (``6,40801E+15``). Merged titles become one line each.

    Returns:
        :class:`Written` with the 1-based line number of every record.
    """
    path = Path(path)
    lay = LAYOUTS[layout] if isinstance(layout, str) else layout
    if lay.group:
        raise ValueError("a CSV cannot have a merged two-row header; use a layout without group")
    plan, rows = plan_sheet(records, lay, district_code=district_code, dates=False)
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, delimiter=sep, lineterminator="\r\n")
    for row in plan.rows:
        line = [""] * plan.ncols
        for c, cell in enumerate(row.cells[: plan.ncols]):
            if cell is None:
                continue
            kind, v = cell
            if kind == "nik_num":
                line[c] = _excel_general(v)
            elif kind == "d":
                line[c] = _date_text(v)
            else:
                line[c] = str(v)
        writer.writerow(line)
    path.write_bytes(buf.getvalue().encode(encoding))
    return Written(path, None, rows, plan.header_row)


def _excel_general(v: int) -> str:
    """How Excel's General format shows a 16-digit number in Indonesian locale: ``6,40801E+15``."""
    mant = f"{v:.5E}"  # '6.40801E+15'
    return mant.replace(".", ",")


def write_ods(path: str | Path, sheets: Sequence[Sheet] | Sequence[dict],
              layout: Layout | str = "plain") -> list[Written]:
    """Write an OpenDocument spreadsheet (odfpy): one :class:`Sheet` per sheet, or plain records.

    Merged cells use ``number-columns-spanned``/``number-rows-spanned``; dates are date cells.
    """
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.style import Style, TableColumnProperties, TextProperties
    from odf.table import CoveredTableCell, Table, TableCell, TableColumn, TableRow
    from odf.text import P

    path = Path(path)
    if sheets and isinstance(sheets[0], dict):
        sheets = [Sheet(sheets, layout)]  # type: ignore[arg-type]
    doc = OpenDocumentSpreadsheet()
    bold = Style(name="bold", family="table-cell")
    bold.addElement(TextProperties(fontweight="bold"))
    doc.automaticstyles.addElement(bold)
    out = []
    for sh in sheets:  # type: ignore[union-attr]
        plan, rows = plan_sheet(sh.records, sh.layout, district_code=sh.district, name=sh.name,
                                sheet_jenis=sh.jenis)
        table = Table(name=plan.name)
        for c, w in enumerate(plan.widths):
            cs = Style(name=f"co{len(out)}_{c}", family="table-column")
            cs.addElement(TableColumnProperties(columnwidth=f"{w * 0.21:.2f}cm"))
            doc.automaticstyles.addElement(cs)
            table.addElement(TableColumn(stylename=cs))
        span = {(r1, c1): (r2 - r1 + 1, c2 - c1 + 1) for r1, c1, r2, c2 in plan.merges}
        covered = {(rr, cc) for r1, c1, r2, c2 in plan.merges for rr in range(r1, r2 + 1)
                   for cc in range(c1, c2 + 1) if (rr, cc) != (r1, c1)}
        for r, row in enumerate(plan.rows):
            tr = TableRow()
            cells = list(row.cells) + [None] * (plan.ncols - len(row.cells))
            for c, cell in enumerate(cells):
                if (r, c) in covered:
                    tr.addElement(CoveredTableCell())
                    continue
                kw = {}
                if (r, c) in span:
                    kw = {"numberrowsspanned": span[(r, c)][0],
                          "numbercolumnsspanned": span[(r, c)][1]}
                if row.style in ("header", "title", "section", "total"):
                    kw["stylename"] = bold
                if cell is None:
                    tr.addElement(TableCell(**kw))
                    continue
                kind, v = cell
                if kind in ("n", "nik_num"):
                    tc = TableCell(valuetype="float", value=v, **kw)
                    tc.addElement(P(text=str(v)))
                elif kind == "d":
                    tc = TableCell(valuetype="date", datevalue=v.isoformat(), **kw)
                    tc.addElement(P(text=_date_text(v)))
                else:
                    tc = TableCell(valuetype="string", **kw)
                    tc.addElement(P(text=str(v)))
                tr.addElement(tc)
            table.addElement(tr)
        doc.spreadsheet.addElement(table)
        out.append(Written(path, plan.name, rows, plan.header_row))
    doc.save(str(path))
    _fix_zip_times(path)
    return out


def _fix_zip_times(path: Path) -> None:
    """Rewrite a zip with fixed entry times (regenerated samples stay byte-identical)."""
    import zipfile

    with zipfile.ZipFile(path) as zin:
        items = [(i, zin.read(i.filename)) for i in zin.infolist()]
    with zipfile.ZipFile(path, "w") as zout:
        for info, data in items:
            fixed = zipfile.ZipInfo(info.filename, date_time=(2025, 3, 12, 8, 0, 0))
            fixed.compress_type = info.compress_type
            fixed.external_attr = info.external_attr
            zout.writestr(fixed, data)


def sheet_layout(base: str | Layout, **changes: object) -> Layout:
    """A copy of a layout with some attributes changed (``sheet_layout("dtks", title=False)``)."""
    lay = LAYOUTS[base] if isinstance(base, str) else base
    return replace(lay, **changes)  # type: ignore[arg-type]


__all__ = [
    "ABT", "BULAN", "CAPITAL", "DATE_STYLES", "DEFAULT_DATE_STYLES", "DEFECTS", "DEFECT_SEVERITY",
    "JENIS", "JENIS_VARIANTS", "LAYOUTS", "LUT", "NOISE", "PRSE", "REF_DATE", "SHEET_NAME",
    "UNDOCUMENTED_JENIS", "District", "Expected", "Layout", "Plan", "Sheet", "Written", "age_at",
    "district", "expected_rows", "make_kk", "make_nik", "nip", "people", "person_name",
    "plan_sheet", "render_date", "sheet_layout", "write_csv", "write_ods", "write_workbook",
    "write_xlsx",
]
