"""The hostile corpus (issue 5), built at test time into a temporary folder: no binary fixtures.

Every class of broken or hostile input the issue lists has at least one :class:`Case`:
container, bombs and size, content, filesystem (personal data is checked on every case by the
CLI test). A case says what the CLI must do with it:

* ``exit_codes`` -- the allowed exit statuses (``{2}``: the file cannot be checked; ``{0, 1}``:
  it is checked, findings or not);
* ``code`` -- the catalogue code of the error (``files[0].error.code`` in the JSON report) for
  a refused file, or ``None``;
* ``notices`` -- codes that must appear among the issues of a checked file.

Workbooks are written part by part (:func:`xlsx_parts` + :func:`write_zip`) so that the crafted
ones can lie, duplicate, overlap or declare entities exactly as an attacker would;
:func:`write_raw_zip` writes zip bytes by hand where :mod:`zipfile` refuses to (duplicate names,
lying sizes, overlapping entries). Every NIK is synthetic (``640801`` + DDMMYY + serial).
"""

from __future__ import annotations

import os
import random
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

HEADER = ["No", "NIK", "No. KK", "Nama", "Jenis Kelamin", "Tempat Lahir", "Tanggal Lahir",
          "Alamat", "RT", "RW", "Desa", "Kecamatan", "Kabupaten", "Jenis PMKS", "Keterangan"]

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_STRICT_MAIN = "http://purl.oclc.org/ooxml/spreadsheetml/main"
NS_STRICT_REL = "http://purl.oclc.org/ooxml/officeDocument/relationships"


def nik(i: int, female: bool = False) -> str:
    """A synthetic, well-formed NIK of Muara Ancalong (Kutai Timur); born 1950-1958."""
    day = 1 + i % 28 + (40 if female else 0)
    return f"640801{day:02d}{1 + i % 12:02d}{50 + i % 9:02d}{1 + i % 9000:04d}"


def records(n: int = 6) -> list[list[object]]:
    """``n`` clean records (Lanjut Usia Telantar, Kutai Timur) under :data:`HEADER`."""
    rows: list[list[object]] = []
    for i in range(n):
        female = i % 2 == 1
        born = f"{1 + i % 28:02d}-{1 + i % 12:02d}-19{50 + i % 9:02d}"
        rows.append([
            str(i + 1), nik(i, female), f"640801{1 + i % 28:02d}0310{1 + i % 9000:04d}",
            ("Siti Aminah " if female else "Budi Santoso ") + "ABCDEFGHIJ"[i % 10],
            "P" if female else "L", "Sangatta", born, "Jl. Poros", "001", "002",
            "Senyiur", "Muara Ancalong", "Kabupaten Kutai Timur", "Lanjut Usia Telantar", "",
        ])
    return rows


# --------------------------------------------------------------------------- xlsx by parts


def _cell(ref: str, value: object) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'


def col_letter(index: int) -> str:
    """0-based column index -> letters."""
    letters, n = "", index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def sheet_rows_xml(rows: Sequence[Sequence[object]], first_row: int = 1) -> str:
    """``<row>`` elements for rows starting at ``first_row`` (inline strings)."""
    out = []
    for r, row in enumerate(rows, start=first_row):
        cells = "".join(_cell(f"{col_letter(c)}{r}", v) for c, v in enumerate(row))
        out.append(f'<row r="{r}">{cells}</row>')
    return "".join(out)


def sheet_xml(rows_xml: str, dimension: str | None = None, ns: str = NS_MAIN,
              prolog: str = "", extra: str = "") -> str:
    """A worksheet part around ready-made ``<row>`` elements."""
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n{prolog}'
            f'<worksheet xmlns="{ns}" xmlns:r="{NS_REL}">{dim}<sheetData>{rows_xml}'
            f"</sheetData>{extra}</worksheet>")


def xlsx_parts(sheets: dict[str, str], *, ns: str = NS_MAIN, rel_ns: str = NS_REL,
               shared_strings: str | None = None, hidden: Iterable[str] = (),
               extra: dict[str, bytes | str] | None = None,
               macros: bool = False) -> dict[str, bytes | str]:
    """The parts of a minimal valid workbook (sheet name -> worksheet XML)."""
    hidden = set(hidden)
    ct_over = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
        f'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, len(sheets) + 1))
    main_ct = ("application/vnd.ms-excel.sheet.macroEnabled.main+xml" if macros else
               "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml")
    if shared_strings is not None:
        ct_over += ('<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                    'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>')
    parts: dict[str, bytes | str] = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{main_ct}"/>{ct_over}</Types>'),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel_ns}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"),
    }
    state = ' state="hidden"'
    sheet_elems = "".join(
        f'<sheet name="{escape(name)}" sheetId="{i}" r:id="rId{i}"'
        f'{state if name in hidden else ""}/>'
        for i, name in enumerate(sheets, start=1))
    parts["xl/workbook.xml"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<workbook xmlns="{ns}" xmlns:r="{rel_ns}"><sheets>{sheet_elems}</sheets></workbook>')
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="{rel_ns}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, len(sheets) + 1))
    if shared_strings is not None:
        rels += (f'<Relationship Id="rId{len(sheets) + 1}" Type="{rel_ns}/sharedStrings" '
                 'Target="sharedStrings.xml"/>')
    parts["xl/_rels/workbook.xml.rels"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f"{rels}</Relationships>")
    for i, xml in enumerate(sheets.values(), start=1):
        parts[f"xl/worksheets/sheet{i}.xml"] = xml
    if shared_strings is not None:
        parts["xl/sharedStrings.xml"] = shared_strings
    parts.update(extra or {})
    return parts


def write_zip(path: Path, parts: dict[str, bytes | str], level: int = 6) -> Path:
    """A well-formed zip of ``parts`` (deflated)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return path


@dataclass
class RawEntry:
    """One entry for :func:`write_raw_zip`; ``declared_size`` may lie; ``same_as`` reuses data."""

    name: str
    data: bytes
    declared_size: int | None = None
    flags: int = 0
    same_as: int | None = None


def write_raw_zip(path: Path, entries: Sequence[RawEntry]) -> Path:
    """Zip bytes written by hand: duplicate names, lying sizes and overlapping data allowed."""
    out = bytearray()
    central = bytearray()
    offsets: list[tuple[int, int, int, int]] = []  # offset, csize, crc, usize
    for entry in entries:
        name = entry.name.encode()
        if entry.same_as is not None:
            offset, csize, crc, usize = offsets[entry.same_as]
        else:
            comp = zlib.compressobj(6, zlib.DEFLATED, -15)
            packed = comp.compress(entry.data) + comp.flush()
            crc = zlib.crc32(entry.data)
            usize = len(entry.data) if entry.declared_size is None else entry.declared_size
            csize = len(packed)
            offset = len(out)
            out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, entry.flags, 8, 0, 0, crc,
                               csize, usize, len(name), 0) + name + packed
        offsets.append((offset, csize, crc, usize))
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, entry.flags, 8, 0, 0,
                               crc, csize, usize, len(name), 0, 0, 0, 0, 0, offset) + name
    start = len(out)
    out += central
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries),
                       len(central), start, 0)
    path.write_bytes(bytes(out))
    return path


def valid_xlsx(path: Path, n: int = 6, **kwargs: object) -> Path:
    """A clean, recognisable PMKS workbook."""
    rows = sheet_rows_xml([HEADER, *records(n)])
    return write_zip(path, xlsx_parts({"Data": sheet_xml(rows, f"A1:O{n + 1}")}, **kwargs))


def valid_csv(path: Path, n: int = 6, sep: str = ";") -> Path:
    """A clean PMKS CSV (UTF-8)."""
    lines = [sep.join(HEADER)] + [sep.join(str(v) for v in r) for r in records(n)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# --------------------------------------------------------------------------- OLE2


def write_encrypted_ooxml(path: Path) -> Path:
    """An OLE2 compound file shaped like Excel's "Encrypt with Password" output.

    Two streams, ``EncryptionInfo`` and ``EncryptedPackage`` (4 KB of random bytes each, so they
    live in regular sectors): what Excel writes around an encrypted package.
    """
    rng = random.Random(5)
    info = b"\x04\x00\x04\x00\x40\x00\x00\x00" + rng.randbytes(4096 - 8)
    package = struct.pack("<Q", 2048) + rng.randbytes(4096 - 8)
    end, free, fatsect, nostream = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
    fat = [fatsect, end] + [3 + i for i in range(7)] + [end] + [11 + i for i in range(7)] + [end]
    fat += [free] * (128 - len(fat))

    def entry(name: str, typ: int, left: int, right: int, child: int, start: int,
              size: int) -> bytes:
        raw = name.encode("utf-16-le") + b"\x00\x00" if name else b""
        return (raw.ljust(64, b"\x00") + struct.pack("<HBB", len(raw), typ, 1)
                + struct.pack("<III", left, right, child) + b"\x00" * 16 + b"\x00" * 4
                + b"\x00" * 16 + struct.pack("<IQ", start, size))

    directory = (entry("Root Entry", 5, nostream, nostream, 1, end, 0)
                 + entry("EncryptionInfo", 2, nostream, 2, nostream, 2, len(info))
                 + entry("EncryptedPackage", 2, nostream, nostream, nostream, 10, len(package))
                 + entry("", 0, nostream, nostream, nostream, 0, 0))
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16
              + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\x00" * 6
              + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
              + struct.pack("<I", 0) + struct.pack("<I", free) * 108)
    assert len(header) == 512
    body = struct.pack("<128I", *fat) + directory + info + package
    path.write_bytes(header + body)
    return path


# --------------------------------------------------------------------------- cases


@dataclass
class Case:
    """One hostile input and what the CLI must do with it."""

    name: str
    klass: str  # container | bombs | content | filesystem
    build: Callable[[Path], Path]
    exit_codes: frozenset[int]
    code: str | None = None
    notices: tuple[str, ...] = ()
    args: tuple[str, ...] = ()
    slow: bool = False
    xfail: str | None = None
    check_hash: bool = True
    extra: dict[str, object] = field(default_factory=dict)


REFUSED = frozenset({2})
CHECKED = frozenset({0, 1})


def _empty(d: Path) -> Path:
    p = d / "kosong.xlsx"
    p.write_bytes(b"")
    return p


def _truncated(d: Path) -> Path:
    full = valid_xlsx(d / "full.xlsx", n=40).read_bytes()
    p = d / "terpotong.xlsx"
    p.write_bytes(full[: len(full) // 2])
    (d / "full.xlsx").unlink()
    return p


def _corrupt_zip(d: Path) -> Path:
    p = d / "rusak.xlsx"
    p.write_bytes(b"PK\x03\x04" + random.Random(1).randbytes(3000))
    return p


def _no_workbook(d: Path) -> Path:
    return write_zip(d / "bukan_workbook.xlsx", {"readme.txt": "hanya teks", "data.csv": "a;b"})


def _no_workbook_part(d: Path) -> Path:
    parts = xlsx_parts({"Data": sheet_xml(sheet_rows_xml([HEADER, *records()]))})
    del parts["xl/workbook.xml"]
    return write_zip(d / "tanpa_workbook_xml.xlsx", parts)


def _duplicate_entries(d: Path) -> Path:
    parts = xlsx_parts({"Data": sheet_xml(sheet_rows_xml([HEADER, *records()]))})
    entries = [RawEntry(n, v.encode() if isinstance(v, str) else v) for n, v in parts.items()]
    other = sheet_xml(sheet_rows_xml([HEADER, *records(3)]))
    entries.append(RawEntry("xl/worksheets/sheet1.xml", other.encode()))
    return write_raw_zip(d / "ganda.xlsx", entries)


def _csv_as_xlsx(d: Path) -> Path:
    return valid_csv(d / "sebenarnya_csv.xlsx")


def _xlsx_as_csv(d: Path) -> Path:
    return valid_xlsx(d / "sebenarnya_xlsx.csv")


def _html_as_xls(d: Path) -> Path:
    rows = "".join("<tr>" + "".join(f"<td>{escape(str(v))}</td>" for v in r) + "</tr>"
                   for r in [HEADER, *records()])
    p = d / "html.xls"
    p.write_text(f"<html><body><table>{rows}</table></body></html>", encoding="utf-8")
    return p


def _spreadsheetml_as_xls(d: Path) -> Path:
    rows = "".join("<Row>" + "".join(f'<Cell><Data ss:Type="String">{escape(str(v))}</Data>'
                                      "</Cell>" for v in r) + "</Row>"
                   for r in [HEADER, *records()])
    p = d / "spreadsheetml2003.xls"
    p.write_text(
        '<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n'
        '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
        'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">'
        f'<Worksheet ss:Name="Data"><Table>{rows}</Table></Worksheet></Workbook>',
        encoding="utf-8")
    return p


def _random_bytes(d: Path) -> Path:
    p = d / "acak.xlsx"
    p.write_bytes(b"\x13\x37" + random.Random(2).randbytes(5000))
    return p


def _password(d: Path) -> Path:
    return write_encrypted_ooxml(d / "berpassword.xlsx")


def _strict(d: Path) -> Path:
    rows = sheet_rows_xml([HEADER, *records()])
    parts = xlsx_parts({"Data": sheet_xml(rows, ns=NS_STRICT_MAIN)}, ns=NS_STRICT_MAIN,
                       rel_ns=NS_STRICT_REL)
    return write_zip(d / "strict.xlsx", parts)


def _bomb_ratio(d: Path) -> Path:
    # 64 MB of spaces inside <sheetData> inflate ~1000 times: a classic zip bomb.
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    rows = sheet_rows_xml([HEADER, *records()])
    xml = sheet_xml(rows + "@@PAD@@")
    head, tail = xml.split("@@PAD@@")
    chunk = b" " * (1 << 20)
    packed = comp.compress(head.encode())
    for _ in range(64):
        packed += comp.compress(chunk)
    packed += comp.compress(tail.encode()) + comp.flush()
    size = len(head.encode()) + 64 * len(chunk) + len(tail.encode())
    crc = zlib.crc32(head.encode())
    for _ in range(64):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(tail.encode(), crc)
    p = d / "bom_zip.xlsx"
    parts = xlsx_parts({"Data": "@"})
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            if name != "xl/worksheets/sheet1.xml":
                zf.writestr(name, data)
    _append_packed(p, "xl/worksheets/sheet1.xml", packed, size, crc)
    return p


def _append_packed(path: Path, name: str, packed: bytes, size: int, crc: int) -> None:
    """Add an already-deflated entry to a zip written by :mod:`zipfile` (rewrites the directory)."""
    with zipfile.ZipFile(path) as zf:
        infos = zf.infolist()
    raw = path.read_bytes()
    entries = []
    for info in infos:
        local = raw[info.header_offset:]
        n, m = struct.unpack("<HH", local[26:30])
        data_start = info.header_offset + 30 + n + m
        entries.append((info.filename, raw[data_start:data_start + info.compress_size],
                        info.file_size, info.CRC))
    entries.append((name, packed, size, crc))
    _write_packed(path, entries)


def _write_packed(path: Path, entries: Sequence[tuple[str, bytes, int, int]]) -> None:
    out = bytearray()
    central = bytearray()
    for name, packed, size, crc in entries:
        raw_name = name.encode()
        offset = len(out)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(packed),
                           size, len(raw_name), 0) + raw_name + packed
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, crc,
                               len(packed), size, len(raw_name), 0, 0, 0, 0, 0,
                               offset) + raw_name
    start = len(out)
    out += central + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries),
                                 len(central), start, 0)
    path.write_bytes(bytes(out))


def _bomb_lying(d: Path) -> Path:
    # The directory says the sheet is 20 kB (ratio ~ 1); it really inflates to 40 MB.
    rows = sheet_rows_xml([HEADER, *records()])
    xml = sheet_xml(rows + " " * (40 << 20)).encode()
    parts = xlsx_parts({"Data": "@"})
    entries = [RawEntry(n, v.encode() if isinstance(v, str) else v) for n, v in parts.items()
               if n != "xl/worksheets/sheet1.xml"]
    entries.append(RawEntry("xl/worksheets/sheet1.xml", xml, declared_size=20_000))
    return write_raw_zip(d / "bom_bohong.xlsx", entries)


def _bomb_overlap(d: Path) -> Path:
    # Many directory entries pointing at the same compressed data (Fifield's overlapping bomb).
    rows = sheet_rows_xml([HEADER, *records()])
    parts = xlsx_parts({"Data": sheet_xml(rows)})
    entries = [RawEntry(n, v.encode() if isinstance(v, str) else v) for n, v in parts.items()]
    sheet_index = [e.name for e in entries].index("xl/worksheets/sheet1.xml")
    entries += [RawEntry(f"xl/media/image{i}.xml", b"", same_as=sheet_index) for i in range(50)]
    return write_raw_zip(d / "bom_tumpang.xlsx", entries)


_LAUGHS = ('<!DOCTYPE sst [<!ENTITY a "hahahahahahahahahahahaha">'
           + "".join(f'<!ENTITY {chr(98 + i)} "' + f"&{chr(97 + i)};" * 10 + '">'
                     for i in range(8)) + "]>\n")


def _entities(d: Path) -> Path:
    sst = (f'<?xml version="1.0" encoding="UTF-8"?>\n{_LAUGHS}<sst xmlns="{NS_MAIN}" count="1" '
           'uniqueCount="1"><si><t>&i;</t></si></sst>')
    rows = sheet_rows_xml([HEADER, *records()])
    return write_zip(d / "entitas.xlsx",
                     xlsx_parts({"Data": sheet_xml(rows)}, shared_strings=sst))


def _xxe(d: Path) -> Path:
    prolog = '<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    rows = sheet_rows_xml([HEADER, *records()]) + '<row r="99"><c r="A99" t="inlineStr"><is>' \
        "<t>&xxe;</t></is></c></row>"
    return write_zip(d / "xxe.xlsx", xlsx_parts({"Data": sheet_xml(rows, prolog=prolog)}))


def _dimension_huge(d: Path) -> Path:
    rows = sheet_rows_xml([HEADER, *records()])
    return write_zip(d / "dimensi_besar.xlsx",
                     xlsx_parts({"Data": sheet_xml(rows, "A1:XFD1048576")}))


def _dimension_small(d: Path) -> Path:
    rows = sheet_rows_xml([HEADER, *records(30)])
    return write_zip(d / "dimensi_kecil.xlsx", xlsx_parts({"Data": sheet_xml(rows, "A1:B2")}))


def _cell_xfd(d: Path) -> Path:
    rows = sheet_rows_xml([HEADER, *records()])
    rows += '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    return write_zip(d / "sel_xfd.xlsx", xlsx_parts({"Data": sheet_xml(rows, "A1:O7")}))


def _cell_xfd_hidden(d: Path) -> Path:
    # The far column sits in the middle of the sheet, where the guard does not look:
    # calamine aborts allocating 1048576 x 16384 cells; the isolated reader must survive it.
    rows = sheet_rows_xml([HEADER, *records()])
    pad = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(100, 6000))
    mid = '<row r="6000"><c r="XFD6000"><v>1</v></c></row>'
    pad2 = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(6001, 9000))
    end = '<row r="1048576"><c r="A1048576"><v>1</v></c></row>'
    return write_zip(d / "sel_xfd_tengah.xlsx",
                     xlsx_parts({"Data": sheet_xml(rows + pad + mid + pad2 + end)}))


def _styled_empty_rows(d: Path) -> Path:
    rows = sheet_rows_xml([HEADER, *records()])
    empty = "".join(f'<row r="{r}" spans="1:15" s="1" customFormat="1" ht="15"/>'
                    for r in range(8, 1_000_008))
    return write_zip(d / "sejuta_baris_kosong.xlsx",
                     xlsx_parts({"Data": sheet_xml(rows + empty, "A1:O1000007")}), level=1)


def _sst_lying(d: Path) -> Path:
    sst = (f'<?xml version="1.0" encoding="UTF-8"?>\n<sst xmlns="{NS_MAIN}" count="4294967295" '
           'uniqueCount="4294967295"><si><t>NIK</t></si></sst>')
    rows = sheet_rows_xml([HEADER, *records()])
    return write_zip(d / "sst_bohong.xlsx",
                     xlsx_parts({"Data": sheet_xml(rows)}, shared_strings=sst))


def _sst_millions(d: Path) -> Path:
    n = 2_000_000
    body = "".join(f"<si><t>teks {i}</t></si>" for i in range(n))
    sst = (f'<?xml version="1.0" encoding="UTF-8"?>\n<sst xmlns="{NS_MAIN}" count="{n}" '
           f'uniqueCount="{n}">{body}</sst>')
    rows = sheet_rows_xml([HEADER, *records()])
    rows = rows.replace("</row>", "", 1) + '<c r="P1" t="s"><v>1999999</v></c></row>'
    return write_zip(d / "sst_jutaan.xlsx",
                     xlsx_parts({"Data": sheet_xml(rows)}, shared_strings=sst), level=1)


def _long_cell(d: Path) -> Path:
    recs = records()
    recs[2][14] = "catatan panjang " * 6250  # 100,000 characters: beyond Excel's 32,767
    return write_zip(d / "sel_panjang.xlsx",
                     xlsx_parts({"Data": sheet_xml(sheet_rows_xml([HEADER, *recs]))}))


def _csv_big_field(d: Path) -> Path:
    recs = records()
    recs[1][14] = "x" * (3 << 20)  # a 3 MB field
    p = d / "csv_field_besar.csv"
    p.write_text("\n".join(";".join(str(v) for v in r) for r in [HEADER, *recs]) + "\n",
                 encoding="utf-8")
    return p


def _csv_unterminated(d: Path) -> Path:
    recs = records()
    lines = [";".join(HEADER)] + [";".join(str(v) for v in r) for r in recs]
    lines[3] = lines[3].replace("Jl. Poros", '"Jl. Poros', 1)  # a quote that never closes
    p = d / "csv_kutip_terbuka.csv"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return p


def _csv_nul(d: Path) -> Path:
    p = valid_csv(d / "csv_nul.csv")
    data = p.read_bytes().replace(b"Jl. Poros", b"Jl.\x00Poros", 1)
    p.write_bytes(data)
    return p


def _csv_ragged(d: Path) -> Path:
    recs = records()
    lines = [";".join(HEADER)] + [";".join(str(v) for v in r) for r in recs]
    lines[2] += ";ekstra;kolom"
    lines[4] = ";".join(lines[4].split(";")[:9])
    p = d / "csv_tidak_rata.csv"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return p


def _macros(d: Path) -> Path:
    rows = sheet_rows_xml([HEADER, *records()])
    parts = xlsx_parts({"Data": sheet_xml(rows)}, macros=True, extra={
        "xl/vbaProject.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504),
    })
    parts["xl/_rels/workbook.xml.rels"] = str(parts["xl/_rels/workbook.xml.rels"]).replace(
        "</Relationships>", '<Relationship Id="rId9" Type="http://schemas.microsoft.com/office/'
        '2006/relationships/vbaProject" Target="vbaProject.bin"/></Relationships>')
    return write_zip(d / "makro.xlsm", parts)


def _external_links(d: Path) -> Path:
    rows = sheet_rows_xml([HEADER, *records()])
    link = (f'<?xml version="1.0" encoding="UTF-8"?>\n<externalLink xmlns="{NS_MAIN}">'
            '<externalBook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships" r:id="rId1"/></externalLink>')
    link_rels = ('<?xml version="1.0" encoding="UTF-8"?>\n<Relationships xmlns="http://schemas.'
                 'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
                 'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                 'externalLinkPath" Target="http://192.0.2.1/rekap_2023.xlsx" '
                 'TargetMode="External"/></Relationships>')
    parts = xlsx_parts({"Data": sheet_xml(rows)}, extra={
        "xl/externalLinks/externalLink1.xml": link,
        "xl/externalLinks/_rels/externalLink1.xml.rels": link_rels,
    })
    return write_zip(d / "tautan_luar.xlsx", parts)


def _formulas_errors(d: Path) -> Path:
    rows = sheet_rows_xml([HEADER, *records()])
    extra_rows = ('<row r="8"><c r="A8"><v>7</v></c><c r="B8"><f>CONCATENATE("6408",'
                  '"01")</f></c><c r="D8" t="e"><v>#REF!</v></c><c r="O8" t="e"><f>1/0</f>'
                  "<v>#DIV/0!</v></c></row>")
    return write_zip(d / "rumus_galat.xlsx",
                     xlsx_parts({"Data": sheet_xml(rows + extra_rows)}))


def _hidden(d: Path) -> Path:
    rows = sheet_rows_xml([HEADER, *records()])
    rows = rows.replace('<row r="4">', '<row r="4" hidden="1">')
    cols = '<cols><col min="15" max="15" width="0" hidden="1"/></cols>'
    data = sheet_xml(rows).replace("<sheetData>", cols + "<sheetData>")
    old = sheet_xml(sheet_rows_xml([HEADER, *records(2)]))
    return write_zip(d / "tersembunyi.xlsx",
                     xlsx_parts({"Data": data, "Lama": old}, hidden=["Lama"]))


def _directory(d: Path) -> Path:
    p = d / "folder_kosong"
    p.mkdir()
    return p


def _fifo(d: Path) -> Path:
    p = d / "pipa.xlsx"
    os.mkfifo(p)
    return p


def _device(d: Path) -> Path:
    del d
    return Path("/dev/zero")


def _spaces_unicode(d: Path) -> Path:
    return valid_xlsx(d / "data PMKS Kutai Timur — Désa Sényiur 2025 (final) ✓.xlsx")


def _leading_dash(d: Path) -> Path:
    return valid_xlsx(d / "-x.xlsx")


def cases() -> list[Case]:
    """Every case of the corpus, in issue order."""
    c = Case
    return [
        # container
        c("empty", "container", _empty, REFUSED, "INPUT_EMPTY"),
        c("truncated_zip", "container", _truncated, REFUSED, "INPUT_CORRUPT"),
        c("corrupt_zip", "container", _corrupt_zip, REFUSED, "INPUT_CORRUPT"),
        c("zip_without_workbook", "container", _no_workbook, REFUSED,
          "INPUT_UNSUPPORTED_FORMAT"),
        c("xlsx_without_workbook_part", "container", _no_workbook_part, REFUSED,
          "INPUT_UNSUPPORTED_FORMAT"),
        c("duplicate_zip_entries", "container", _duplicate_entries, REFUSED,
          "INPUT_ZIP_DUPLICATE_ENTRIES"),
        c("password_protected", "container", _password, REFUSED, "INPUT_PASSWORD"),
        c("csv_named_xlsx", "container", _csv_as_xlsx, CHECKED),
        c("xlsx_named_csv", "container", _xlsx_as_csv, CHECKED),
        c("html_named_xls", "container", _html_as_xls, REFUSED, "INPUT_UNSUPPORTED_FORMAT"),
        c("spreadsheetml2003_named_xls", "container", _spreadsheetml_as_xls, REFUSED,
          "INPUT_UNSUPPORTED_FORMAT"),
        c("random_bytes", "container", _random_bytes, REFUSED, "INPUT_UNSUPPORTED_FORMAT"),
        c("strict_ooxml", "container", _strict, REFUSED, "INPUT_STRICT_OOXML"),
        # bombs and size
        # ~1000 times smaller than it inflates, but 64 MB of XML: read under the absolute limits
        c("zip_bomb_ratio", "bombs", _bomb_ratio, CHECKED),
        c("zip_bomb_lying_header", "bombs", _bomb_lying, REFUSED, "INPUT_CORRUPT"),
        c("zip_bomb_overlapping_entries", "bombs", _bomb_overlap, REFUSED, "INPUT_CORRUPT"),
        c("xml_entity_expansion", "bombs", _entities, REFUSED, "INPUT_XML_ENTITIES"),
        c("xml_external_entity", "bombs", _xxe, REFUSED, "INPUT_XML_ENTITIES"),
        c("dimension_huge", "bombs", _dimension_huge, CHECKED,
          notices=("FILE_DIMENSION_WRONG",)),
        c("dimension_understated", "bombs", _dimension_small, CHECKED,
          notices=("FILE_DIMENSION_WRONG",)),
        c("cell_at_xfd1048576", "bombs", _cell_xfd, REFUSED, "INPUT_TOO_LARGE"),
        c("far_cell_mid_sheet_crashes_reader", "bombs", _cell_xfd_hidden, REFUSED,
          "INPUT_READER_FAILED"),
        c("million_styled_empty_rows", "bombs", _styled_empty_rows, CHECKED, slow=True),
        # the claim is a hint: the reader drops it before calamine would reserve 4 billion slots
        c("shared_strings_count_lies", "bombs", _sst_lying, CHECKED),
        c("shared_strings_millions", "bombs", _sst_millions, CHECKED, slow=True),
        c("cell_beyond_32767_chars", "bombs", _long_cell, CHECKED),
        c("csv_field_of_megabytes", "bombs", _csv_big_field, CHECKED),
        c("csv_unterminated_quote", "bombs", _csv_unterminated, frozenset({0, 1, 2})),
        # content
        c("macros", "content", _macros, CHECKED, notices=("WORKBOOK_MACROS",)),
        c("external_links", "content", _external_links, CHECKED,
          notices=("FILE_EXTERNAL_LINKS",)),
        c("formulas_and_error_cells", "content", _formulas_errors, CHECKED,
          notices=("CELL_FORMULA_NO_VALUE", "CELL_ERROR")),
        c("csv_nul_byte", "content", _csv_nul, CHECKED),
        c("csv_ragged_rows", "content", _csv_ragged, CHECKED, notices=("ROW_RAGGED",)),
        c("hidden_sheet_row_column", "content", _hidden, CHECKED,
          notices=("SHEET_HIDDEN", "ROW_HIDDEN", "COLUMN_HIDDEN")),
        # filesystem
        c("directory", "filesystem", _directory, REFUSED, check_hash=False),
        c("named_pipe", "filesystem", _fifo, REFUSED, "INPUT_NOT_A_FILE", check_hash=False),
        c("device", "filesystem", _device, REFUSED, "INPUT_NOT_A_FILE", check_hash=False),
        c("name_with_spaces_and_unicode", "filesystem", _spaces_unicode, CHECKED),
        c("name_with_leading_dash", "filesystem", _leading_dash, CHECKED, args=("--",)),
    ]
