"""Regenerate the shipped sample files and their planted-defect lists.

Not a pipeline stage: test data. Run from the repository root::

    python sample_data/make_samples.py

Writes, next to this script:

* ``kutim_pmks_2025.xlsx``: Kutai Timur (6408), office layout (title rows, two-row header with
  "ALAMAT" merged over its parts, one "Tempat, Tgl Lahir" column, column-number row, a section
  row per jenis, "JUMLAH" row, signature block), ~8% defects.
* ``samarinda_lansia_dtks.xlsx``: Samarinda (6472), DTKS-style sheet per jenis ("LANSIA
  TERLANTAR", "DISABILITAS", no jenis column) plus a hidden stale sheet "Lama".
* ``balikpapan_pmks.csv``: Balikpapan (6471), ``;``-separated cp1252 as saved by Indonesian Excel.
* ``bontang_pmks_bersih.xlsx``: Bontang (6474), clean: must produce no warning and no error.
* ``paser_pmks.ods``: Paser (6401), "Tempat/Tgl Lahir" merged over "Tempat" | "Tanggal".
* ``samarinda_rekap_portal_2023.csv``: Samarinda (6472), a recap in the long form of open-data
  portals (Satu Data / CKAN export): one row per jenis, ``satuan`` orang or KK, ``tahun`` 2023.
* ``ppu_pmks_keadaan_2018.xlsx``: Penajam Paser Utara (6409), a list "KEADAAN PER 31 DESEMBER
  2018": ages are right at that date (issue 17), many would be wrong if measured today.
* ``expected/<file name>.json``: per sheet, the planted ``(row, code, field)``.

``python sample_data/make_samples.py --corpus DIR [--rows N --defects P --noise P]`` writes a
larger corpus instead (one file per kab/kota, five layouts, not committed).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import synth  # noqa: E402


def _sheet_entry(written: synth.Written, records: list[dict], expected: list[synth.Expected],
                 *, hidden: bool = False, jenis: str | None = None) -> dict:
    planted = sorted(synth.expected_rows(expected, written.rows),
                     key=lambda e: (e["row"], e["code"]))
    return {
        "sheet": written.sheet,
        "hidden": hidden,
        "sheet_jenis": jenis,
        "header_row": written.header_row,
        "data_rows": len(records),
        "first_data_row": min(written.rows) if written.rows else None,
        "last_data_row": max(written.rows) if written.rows else None,
        "planted": planted,
    }


def _dump(name: str, district: str, fmt: str, sheets: list[dict], note: str = "",
          where: Path | None = None) -> None:
    doc = {
        "file": name,
        "format": fmt,
        "district": district,
        "generator": "sample_data/synth.py (python sample_data/make_samples.py)",
        "note": note,
        "sheets": sheets,
    }
    out = (where or HERE) / "expected" / f"{name}.json"
    out.parent.mkdir(exist_ok=True)
    text = json.dumps(doc, indent=1, ensure_ascii=False)
    # one planted defect per line: easy to read and to diff
    text = re.sub(r'\{\s+("row": [^{}]*?)\s+\}', lambda m: "{" + " ".join(m.group(1).split()) + "}",
                  text)
    out.write_text(text + "\n", encoding="utf-8")


def _no_shared_nik(*groups: list[dict]) -> None:
    seen: set[str] = set()
    for recs in groups:
        niks = {r["_nik"] for r in recs}
        if seen & niks:
            raise SystemExit("NIK collision between sheets; change a seed")
        seen |= niks


def kutim() -> None:
    """Kutai Timur: the full office layout with ~8% defects."""
    recs, exp = synth.people(300, "6408", seed=2033, defects=0.08)
    w = synth.write_xlsx(HERE / "kutim_pmks_2025.xlsx", recs, "office")
    _dump(w.path.name, "6408", "xlsx", [_sheet_entry(w, recs, exp)])


def samarinda() -> None:
    """Samarinda: DTKS-style, one jenis per sheet, plus a hidden stale sheet."""
    lut, exp_lut = synth.people(120, "6472", seed=11, defects=0.1, jenis=synth.LUT)
    pd_, exp_pd = synth.people(80, "6472", seed=12, defects=0.1, jenis="Penyandang Disabilitas")
    old, _ = synth.people(40, "6472", seed=13, defects=0.0, jenis=synth.LUT)
    _no_shared_nik(lut, pd_, old)
    stale = synth.sheet_layout("dtks", title_lines=("DATA LAMA - JANGAN DIPAKAI", "TAHUN 2023", ""))
    sheets = [
        synth.Sheet(lut, "dtks", synth.SHEET_NAME[synth.LUT], jenis=synth.LUT),
        synth.Sheet(pd_, "dtks", synth.SHEET_NAME["Penyandang Disabilitas"],
                    jenis="Penyandang Disabilitas"),
        synth.Sheet(old, stale, "Lama", hidden=True, jenis=synth.LUT),
    ]
    ws = synth.write_workbook(HERE / "samarinda_lansia_dtks.xlsx", sheets)
    _dump(ws[0].path.name, "6472", "xlsx", [
        _sheet_entry(ws[0], lut, exp_lut, jenis=synth.LUT),
        _sheet_entry(ws[1], pd_, exp_pd, jenis="Penyandang Disabilitas"),
        _sheet_entry(ws[2], old, [], hidden=True, jenis=synth.LUT),
    ], note="No jenis column: the jenis comes from the sheet name. 'Lama' is hidden, stale and "
            "clean (other people).")


def balikpapan() -> None:
    """Balikpapan: CSV from Indonesian Excel (';', cp1252), one title line."""
    recs, exp = synth.people(250, "6471", seed=71, defects=0.08)
    w = synth.write_csv(HERE / "balikpapan_pmks.csv", recs, "csv")
    _dump(w.path.name, "6471", "csv", [_sheet_entry(w, recs, exp)],
          note="Rows are 1-based line numbers. NIK_EXCEL_NUMBER is written as '6,47101E+15'.")


def bontang() -> None:
    """Bontang: a clean file (no planted defect: expect no warning and no error)."""
    recs, exp = synth.people(200, "6474", seed=74, defects=0.0)
    assert not exp
    # with a Kabupaten/Kota column: without it the (recommended) column is reported missing
    columns = (*synth.LAYOUTS["plain"].columns[:12], ("kabupaten", "Kab/Kota"),
               *synth.LAYOUTS["plain"].columns[12:])
    lay = synth.sheet_layout("plain", columns=columns, title=True, total_row=True,
                             sheet_name="PMKS Bontang")
    w = synth.write_xlsx(HERE / "bontang_pmks_bersih.xlsx", recs, lay)
    _dump(w.path.name, "6474", "xlsx", [_sheet_entry(w, recs, exp)],
          note="Clean: a correct checker reports no error and no warning here (infos allowed).")


def paser() -> None:
    """Paser: ODS with a merged 'Tempat/Tgl Lahir' header, ~10% defects."""
    recs, exp = synth.people(150, "6401", seed=64, defects=0.1)
    ws = synth.write_ods(HERE / "paser_pmks.ods", [synth.Sheet(recs, "office_split")])
    _dump(ws[0].path.name, "6401", "ods", [_sheet_entry(ws[0], recs, exp)])


PORTAL_HEADER = ("id", "kode_provinsi", "nama_provinsi", "kode_kabupaten_kota",
                 "nama_kabupaten_kota", "tahun", "jenis_pmks", "jumlah", "satuan")


def portal_recap() -> None:
    """Samarinda: a recap as open-data portals publish it (long form, one row per jenis)."""
    import csv

    from pmkscheck.reference import jenis_pmks

    names = jenis_pmks()["nama"].tolist()
    per_family = {"Fakir Miskin", "Keluarga Bermasalah Sosial Psikologis",
                  "Komunitas Adat Terpencil"}
    rows, planted = [], []
    for i, jenis in enumerate(names):
        count: object = (37 * i + 11) % 97 + 3
        text = jenis.upper()
        line = i + 2  # line 1 is the header
        if i == 6:
            count = "dua puluh"
            planted.append({"row": line, "code": "REKAP_COUNT_INVALID", "field": "jumlah"})
        if i == 13:
            text = "ANAK HILANG"
            planted.append({"row": line, "code": "REKAP_JENIS_UNKNOWN", "field": "jenis"})
        rows.append([i + 1, "64", "KALIMANTAN TIMUR", "6472", "KOTA SAMARINDA", "2023", text,
                     count, "KK" if jenis in per_family else "ORANG"])
    path = HERE / "samarinda_rekap_portal_2023.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(PORTAL_HEADER)
        w.writerows(rows)
    sheet = {"sheet": None, "hidden": False, "sheet_jenis": None, "header_row": 1,
             "data_rows": len(rows), "first_data_row": 2, "last_data_row": len(rows) + 1,
             "planted": planted}
    _dump(path.name, "6472", "csv", [sheet],
          note="Long form of open-data portals: one row per jenis, satuan ORANG or KK (families "
               "are never added to persons), tahun 2023 (the data's year).")


PPU_DATA_DATE = dt.date(2018, 12, 31)


def ppu() -> None:
    """Penajam Paser Utara: a list "keadaan per 31 Desember 2018", ages as at that date."""
    saved = synth.REF_DATE
    synth.REF_DATE = PPU_DATA_DATE  # ages drawn at the data date, not at the generator's date
    try:
        recs, exp = synth.people(120, "6409", seed=96, defects=0.08)
    finally:
        synth.REF_DATE = saved
    lay = synth.sheet_layout("office", title_lines=(
        "DATA PMKS KABUPATEN PENAJAM PASER UTARA", "KEADAAN PER 31 DESEMBER 2018", ""),
        sheet_name="PMKS 2018")
    w = synth.write_xlsx(HERE / "ppu_pmks_keadaan_2018.xlsx", recs, lay)
    _dump(w.path.name, "6409", "xlsx", [_sheet_entry(w, recs, exp)],
          note="A list 'keadaan per 31 Desember 2018': ages are measured at that data date "
               "(from the title), not on the day of the check.")


CORPUS_LAYOUTS = ("office", "plain", "office_split", "csv", "dtks")


def corpus(out: Path, rows: int = 2000, defects: float = 0.1, noise: float = 0.2,
           seed: int = 100) -> list[Path]:
    """A larger end-to-end corpus (not committed): one file per kab/kota, layouts rotating.

    Writes ``<code>_<layout>.<ext>`` and ``expected/<file>.json`` (same shape as the samples) into
    ``out``; clean records get cosmetic noise with probability ``noise`` (never a warning).

    Returns:
        The files written.
    """
    out.mkdir(parents=True, exist_ok=True)
    (out / "expected").mkdir(exist_ok=True)
    written = []
    for k, code in enumerate(sorted(synth.CAPITAL)):
        layout = CORPUS_LAYOUTS[k % len(CORPUS_LAYOUTS)]
        jenis = synth.LUT if layout == "dtks" else None
        recs, exp = synth.people(rows, code, seed=seed + k, defects=defects, jenis=jenis,
                                 noise=noise)
        if layout == "csv":
            w, fmt = synth.write_csv(out / f"{code}_{layout}.csv", recs), "csv"
        elif layout == "office_split":
            w = synth.write_ods(out / f"{code}_{layout}.ods", [synth.Sheet(recs, layout)])[0]
            fmt = "ods"
        else:
            name = synth.SHEET_NAME[jenis] if jenis else None
            w = synth.write_workbook(out / f"{code}_{layout}.xlsx",
                                     [synth.Sheet(recs, layout, name, jenis=jenis)])[0]
            fmt = "xlsx"
        _dump(w.path.name, code, fmt, [_sheet_entry(w, recs, exp, jenis=jenis)],
              note=f"corpus: {rows} rows, defects={defects}, noise={noise}", where=out)
        written.append(w.path)
    return written


def main(argv: list[str] | None = None) -> None:
    """Write every sample and its expected JSON (or, with ``--corpus DIR``, a larger corpus)."""
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, help="write a larger corpus to this folder instead")
    ap.add_argument("--rows", type=int, default=2000, help="records per corpus file")
    ap.add_argument("--defects", type=float, default=0.1)
    ap.add_argument("--noise", type=float, default=0.2)
    args = ap.parse_args(argv)
    if args.corpus:
        files = corpus(args.corpus, args.rows, args.defects, args.noise)
    else:
        for make in (kutim, samarinda, balikpapan, bontang, paser, portal_recap, ppu):
            make()
        files = [p for p in sorted(HERE.glob("*.*")) if p.suffix in (".xlsx", ".csv", ".ods")]
    for p in files:
        print(f"{p.name:32} {p.stat().st_size / 1024:9.1f} KB")


if __name__ == "__main__":
    main()
