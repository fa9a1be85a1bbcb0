"""``pmkscheck template``: submission templates a district fills in (issue 7).

Stage ⑤ write (no checks run here). Three kinds, all written through
:func:`pmkscheck.write.xlsx.workbook` (xlsxwriter behind it: data validation, merged headers,
formulas):

* ``individu`` -- the person list: the canonical headers of ``pmks-individu`` in row 1 (frozen),
  NIK and No. KK columns formatted as Text with a 16-character rule, dropdown lists (Excel data
  validation) for jenis kelamin, the 26 jenis PMKS, the district's kecamatan, desa/kelurahan and
  kab/kota (lists on a hidden ``Daftar`` sheet), a date format on tanggal lahir, and a
  ``Petunjuk`` sheet in Indonesian.
* ``keluarga`` -- the family list (``pmks-keluarga``, one row per KK): the same sheet with No. KK,
  NIK and Nama Kepala Keluarga and Jumlah Anggota Keluarga (a whole number 1-99), the jenis list
  holding the two jenis counted per family.
* ``rekap`` -- the recap: the district's kecamatan as rows, the 26 jenis with L/P sub-columns under
  merged jenis headers, a Jumlah column group (L, P, L+P) and a Jumlah row. The Jumlah cells are
  formulas (in the template only: officers expect them); counts accept whole numbers >= 0.

::

    write_template(Path("kutim.xlsx"), district="6408", kind="individu")
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pmkscheck import reference
from pmkscheck.errors import UsageError
from pmkscheck.table import column_letter
from pmkscheck.write.xlsx import Book, workbook

KINDS = ("individu", "keluarga", "rekap")
TEMPLATE_ROWS = 5000
"""Rows of the person-list template that carry the formats and dropdown lists."""

#: (header, canonical field, column width) of the person-list template, in CONTRACT order.
PERSON_COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("No", "no", 6), ("NIK", "nik", 19), ("No. KK", "no_kk", 19), ("Nama", "nama", 28),
    ("Jenis Kelamin (L/P)", "jenis_kelamin", 10), ("Tempat Lahir", "tempat_lahir", 16),
    ("Tanggal Lahir", "tanggal_lahir", 14), ("Alamat", "alamat", 28), ("RT", "rt", 6),
    ("RW", "rw", 6), ("Desa/Kelurahan", "desa", 22), ("Kecamatan", "kecamatan", 20),
    ("Kabupaten/Kota", "kabupaten", 26), ("Jenis PMKS", "jenis_pmks", 40),
    ("Keterangan", "keterangan", 24),
)

PETUNJUK_INDIVIDU = (
    "PETUNJUK PENGISIAN DAFTAR PMKS (BY NAME BY ADDRESS)",
    "",
    "1. Isi satu baris untuk setiap orang di lembar \"Data PMKS\", mulai baris 2. Jangan mengubah "
    "atau memindahkan baris judul.",
    "2. NIK dan No. KK: 16 angka, diketik sebagai teks (kolomnya sudah berformat Teks). Jangan "
    "menempel angka yang berubah menjadi 6,4E+15: digit terakhir NIK akan hilang.",
    "3. Jenis Kelamin: pilih L (laki-laki) atau P (perempuan) dari daftar.",
    "4. Tanggal Lahir: ketik tanggal-bulan-tahun, misalnya 17-08-1975.",
    "5. Desa/Kelurahan, Kecamatan dan Kabupaten/Kota: pilih dari daftar (nama Kemendagri 2025).",
    "6. Jenis PMKS: pilih salah satu dari 26 jenis (Permensos 8/2012). Orang yang termasuk dua "
    "jenis ditulis di dua baris.",
    "7. RT dan RW: angka saja (misalnya 003).",
    "8. Bila data seseorang belum lengkap, tetap isi yang ada: data yang kurang akan dilaporkan, "
    "bukan dibuang.",
    "9. Sebelum mengirim, periksa berkas dengan: pmkscheck validate NAMA_BERKAS.xlsx",
)

#: (header, canonical field, column width) of the family-list template (``pmks-keluarga``).
FAMILY_COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("No", "no", 6), ("No. KK", "no_kk", 19), ("NIK Kepala Keluarga", "nik", 19),
    ("Nama Kepala Keluarga", "nama", 28), ("Jumlah Anggota Keluarga", "jumlah_anggota", 12),
    ("Alamat", "alamat", 28), ("RT", "rt", 6), ("RW", "rw", 6),
    ("Desa/Kelurahan", "desa", 22), ("Kecamatan", "kecamatan", 20),
    ("Kabupaten/Kota", "kabupaten", 26), ("Jenis PMKS", "jenis_pmks", 40),
    ("Keterangan", "keterangan", 24),
)

PETUNJUK_KELUARGA = (
    "PETUNJUK PENGISIAN DAFTAR PMKS PER KELUARGA (SATU BARIS PER KK)",
    "",
    "1. Isi satu baris untuk setiap keluarga (satu Kartu Keluarga) di lembar \"Data PMKS\", "
    "mulai baris 2. Daftar ini untuk Fakir Miskin dan Keluarga Bermasalah Sosial Psikologis.",
    "2. No. KK dan NIK Kepala Keluarga: 16 angka, diketik sebagai teks. Setiap No. KK hanya satu "
    "baris.",
    "3. Jumlah Anggota Keluarga: bilangan bulat 1 atau lebih, kepala keluarga ikut dihitung.",
    "4. Desa/Kelurahan, Kecamatan dan Kabupaten/Kota: pilih dari daftar (nama Kemendagri 2025).",
    "5. Sebelum mengirim, periksa berkas dengan: pmkscheck validate NAMA_BERKAS.xlsx",
)

PETUNJUK_REKAP = (
    "PETUNJUK PENGISIAN REKAP PMKS",
    "",
    "1. Lembar \"Rekap PMKS\" memuat semua kecamatan kab/kota ini (satu baris per kecamatan). "
    "Jangan menghapus, menambah atau mengganti nama kecamatan.",
    "2. Isi jumlah orang per jenis PMKS untuk laki-laki (L) dan perempuan (P): bilangan bulat 0 "
    "atau lebih. Sel kosong dihitung 0.",
    "3. Kolom Jumlah dan baris Jumlah berisi rumus dan terhitung otomatis; jangan diketik.",
    "4. Jangan menulis huruf (\"dua\"), tanda strip (\"-\") atau pecahan di sel angka.",
    "5. Sebelum mengirim, periksa berkas dengan: pmkscheck validate NAMA_BERKAS.xlsx",
)


def write_template(path: Path, district: str, kind: str = "individu",
                   rows: int = TEMPLATE_ROWS) -> Path:
    """Write the template of ``kind`` for the kab/kota ``district`` (Kemendagri code) to ``path``.

    Raises:
        UsageError: unknown district or kind.
    """
    if kind not in KINDS:
        raise UsageError("USAGE_BAD_CHOICE", option="kind", value=kind, choices=", ".join(KINDS))
    if district not in reference.KALTIM_KABKOTA:
        raise UsageError("USAGE_BAD_DISTRICT", value=district,
                         choices=", ".join(reference.KALTIM_KABKOTA))
    path = Path(path)
    with workbook(path) as book:
        if kind == "individu":
            _person(book, district, rows)
        elif kind == "keluarga":
            _person(book, district, rows, FAMILY_COLUMNS, PETUNJUK_KELUARGA)
        else:
            _rekap(book, district)
    return path


def _lists(district: str) -> dict[str, list[str]]:
    kec = reference.kecamatan()
    kec = kec[kec["kode_kabupaten"] == district].sort_values("kode")
    desa = reference.desa()
    desa = desa[desa["kode_kecamatan"].isin(set(kec["kode"]))]
    names = reference.jenis_pmks().sort_values("no")["nama"].tolist()
    return {
        "jenis_kelamin": ["L", "P"],
        "jenis_pmks": names,
        "kecamatan": kec["nama"].tolist(),
        "desa": sorted(set(desa["nama"])),
        "kabupaten": [reference.kabupaten_name(district) or district],
    }


def _person(book: Book, district: str, rows: int,
            columns: tuple[tuple[str, str, int], ...] = PERSON_COLUMNS,
            petunjuk_lines: tuple[str, ...] = PETUNJUK_INDIVIDU) -> None:
    name = reference.kabupaten_name(district) or district
    ws = book.sheet("Data PMKS")
    petunjuk = book.sheet("Petunjuk")
    daftar = book.sheet("Daftar")
    head = book.style("header_wrap")
    text = book.style("text")
    date = book.style("date")
    lists = _lists(district)
    if columns is FAMILY_COLUMNS:  # the jenis counted per family
        lists["jenis_pmks"] = ["Fakir Miskin", "Keluarga Bermasalah Sosial Psikologis"]
    refs: dict[str, str] = {}
    for c, (key, values) in enumerate(lists.items()):
        daftar.write(0, c, key)
        for r, v in enumerate(values, start=1):
            daftar.write_string(r, c, v)
        letter = column_letter(c)
        refs[key] = f"=Daftar!${letter}$2:${letter}${len(values) + 1}"
    daftar.hide()
    last = rows  # 0-based last data row index (rows 2 .. rows+1 in Excel)
    for c, (header, fld, width) in enumerate(columns):
        ws.write_string(0, c, header, head)
        fmt = text if fld in ("nik", "no_kk", "rt", "rw") else (
            date if fld == "tanggal_lahir" else None)
        ws.set_column(c, c, width, fmt)
        if fld in ("nik", "no_kk"):
            ws.data_validation(1, c, last, c, {
                "validate": "length", "criteria": "==", "value": 16,
                "input_title": header, "input_message": "16 angka, diketik sebagai teks.",
                "error_title": (f"{header} harus 16 angka" if len(header) <= 15
                                else "Harus 16 angka"),  # Excel: 32 characters at most
                "error_message": f"{header} terdiri dari tepat 16 angka. Ketik sebagai teks.",
            })
        elif fld in refs:
            ws.data_validation(1, c, last, c, {
                "validate": "list", "source": refs[fld],
                "error_title": "Pilih dari daftar",
                "error_message": "Pilih dari daftar (nama Kemendagri 2025 / Permensos 8/2012).",
            })
        elif fld == "jumlah_anggota":
            ws.data_validation(1, c, last, c, {
                "validate": "integer", "criteria": "between", "minimum": 1, "maximum": 99,
                "error_title": "Jumlah anggota tidak sah",
                "error_message": "Bilangan bulat 1 atau lebih (kepala keluarga ikut dihitung).",
            })
        elif fld == "tanggal_lahir":
            ws.data_validation(1, c, last, c, {
                "validate": "date", "criteria": "between",
                "minimum": dt.date(1900, 1, 1), "maximum": dt.date(2100, 12, 31),
                "input_message": "Tanggal-bulan-tahun, misalnya 17-08-1975.",
                "error_title": "Tanggal tidak sah",
                "error_message": "Ketik tanggal lahir sebagai tanggal, misalnya 17-08-1975.",
            })
    ws.freeze_panes(1, 0)
    ws.set_row(0, 30)
    _petunjuk(petunjuk, book, petunjuk_lines, name)
    ws.activate()


def _petunjuk(ws, book: Book, lines: tuple[str, ...], district_name: str) -> None:
    bold = book.style("title")
    wrap = book.style("wrap")
    ws.set_column(0, 0, 110)
    ws.write_string(0, 0, f"{lines[0]} -- {district_name.upper()}", bold)
    for r, line in enumerate(lines[1:], start=1):
        ws.write_string(r, 0, line, wrap)


def _rekap(book: Book, district: str) -> None:
    name = reference.kabupaten_name(district) or district
    lists = _lists(district)
    kec, jenis = lists["kecamatan"], lists["jenis_pmks"]
    ws = book.sheet("Rekap PMKS")
    petunjuk = book.sheet("Petunjuk")
    head = book.style("header_center")
    bold = book.style("total")
    cell = book.style("cell")
    h1, h2 = 0, 1  # header rows (0-based)
    ws.merge_range(h1, 0, h2, 0, "No", head)
    ws.merge_range(h1, 1, h2, 1, "Kecamatan", head)
    col = 2
    l_cols, p_cols = [], []
    for j in jenis:
        ws.merge_range(h1, col, h1, col + 1, j, head)
        ws.write_string(h2, col, "L", head)
        ws.write_string(h2, col + 1, "P", head)
        ws.set_column(col, col + 1, 7)
        l_cols.append(col)
        p_cols.append(col + 1)
        col += 2
    jl, jp, jt = col, col + 1, col + 2
    ws.merge_range(h1, jl, h1, jt, "Jumlah", head)
    for c, label in ((jl, "L"), (jp, "P"), (jt, "L+P")):
        ws.write_string(h2, c, label, head)
    ws.set_column(jl, jt, 9)
    first = h2 + 1
    for i, k in enumerate(kec):
        r = first + i
        ws.write_number(r, 0, i + 1, cell)
        ws.write_string(r, 1, k, cell)
        n = r + 1  # Excel row number
        ws.write_formula(r, jl, "=" + "+".join(f"{column_letter(c)}{n}" for c in l_cols), bold)
        ws.write_formula(r, jp, "=" + "+".join(f"{column_letter(c)}{n}" for c in p_cols), bold)
        ws.write_formula(r, jt, f"={column_letter(jl)}{n}+{column_letter(jp)}{n}", bold)
    total = first + len(kec)
    ws.write_string(total, 1, "Jumlah", bold)
    for c in range(2, jt + 1):
        letter = column_letter(c)
        ws.write_formula(total, c, f"=SUM({letter}{first + 1}:{letter}{total})", bold)
    ws.data_validation(first, 2, total - 1, jt - 3, {
        "validate": "integer", "criteria": ">=", "value": 0,
        "error_title": "Bukan jumlah orang",
        "error_message": "Isi bilangan bulat 0 atau lebih (tanpa huruf, strip atau pecahan).",
    })
    ws.set_column(0, 0, 5)
    ws.set_column(1, 1, 24)
    ws.set_row(h1, 60)
    ws.freeze_panes(first, 2)
    _petunjuk(petunjuk, book, PETUNJUK_REKAP, name)
    ws.activate()


__all__ = ["KINDS", "PERSON_COLUMNS", "write_template"]
