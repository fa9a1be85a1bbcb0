"""Format by content, and unreadable input -> InputError with an INPUT_* code (never a traceback,
never a cell value in the error)."""

from __future__ import annotations

import os
import zipfile

import pytest
from builders import fake_nik, write_csv, write_ods, write_xls, write_xlsx

from pmkscheck.errors import InputError
from pmkscheck.read import read_file
from pmkscheck.rules import catalogue
from pmkscheck.settings import Limits, Settings

ROWS = [["NIK", "Nama", "Desa", "Kecamatan"], [fake_nik(), "Siti", "X", "Y"]]


def _code(path, **kw) -> InputError:
    with pytest.raises(InputError) as err:
        read_file(path, Settings(**kw))
    assert err.value.code in catalogue()
    return err.value


@pytest.mark.parametrize(("writer", "fmt"), [
    (write_xlsx, "xlsx"), (write_xls, "xls"), (write_ods, "ods"),
    (lambda p, b: write_csv(p, b["S"]), "csv"),
])
def test_format_by_content_not_extension(tmp_path, writer, fmt):
    path = writer(tmp_path / "data.bin", {"S": ROWS})
    wrong = path.rename(tmp_path / ("data.csv" if fmt != "csv" else "data.xlsx"))
    result = read_file(wrong, Settings())
    assert result.format == fmt
    assert result.tables[0].data["nama"].tolist() == ["Siti"]


@pytest.mark.parametrize(("content", "detected"), [
    (b"<html><body><table><tr><td>NIK</td></tr></table></body></html>", "HTML"),
    (b"<!DOCTYPE html>\n<html>", "HTML"),
    (b'<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n<Workbook '
     b'xmlns="urn:schemas-microsoft-com:office:spreadsheet">', "SpreadsheetML 2003 XML"),
    (b"%PDF-1.7\n...", "PDF"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "PNG image"),
    (bytes(range(256)) * 8, "binary data"),
])
def test_unsupported_formats(tmp_path, content, detected):
    path = tmp_path / "laporan.xls"
    path.write_bytes(content)
    err = _code(path)
    assert err.code == "INPUT_UNSUPPORTED_FORMAT"
    assert err.params["detected"] == detected


def test_docx_is_unsupported(tmp_path):
    path = tmp_path / "surat.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>")
    err = _code(path)
    assert (err.code, err.params["detected"]) == ("INPUT_UNSUPPORTED_FORMAT",
                                                  "Word document (docx)")


def test_not_found_empty_directory(tmp_path):
    assert _code(tmp_path / "nope.xlsx").code == "INPUT_NOT_FOUND"
    assert _code(tmp_path).code == "INPUT_NOT_A_FILE"
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    assert _code(empty).code == "INPUT_EMPTY"


def test_truncated_xlsx_is_corrupt(tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", {"S": ROWS})
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    err = _code(path)
    assert err.code == "INPUT_CORRUPT"
    assert fake_nik() not in str(err) and fake_nik() not in str(err.params)


def test_broken_sheet_xml_is_corrupt(tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", {"S": ROWS})
    with zipfile.ZipFile(path) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    members["xl/worksheets/sheet1.xml"] = members["xl/worksheets/sheet1.xml"][:200]
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    assert _code(path).code in ("INPUT_CORRUPT", "INPUT_NO_TABLE")


def test_encrypted_ooxml_is_password(tmp_path):
    # an encrypted xlsx is an OLE2 compound file with EncryptionInfo/EncryptedPackage streams
    header = bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 504
    directory = "EncryptionInfo".encode("utf-16-le") + b"\x00" * 50
    directory += "EncryptedPackage".encode("utf-16-le")
    path = tmp_path / "rahasia.xlsx"
    path.write_bytes(header + directory + b"\x00" * 1024)
    assert _code(path).code == "INPUT_PASSWORD"


def test_other_ole2_is_unsupported(tmp_path):
    path = tmp_path / "surat.xls"
    path.write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 504
                     + "WordDocument".encode("utf-16-le") + b"\x00" * 512)
    err = _code(path)
    assert (err.code, err.params["detected"]) == ("INPUT_UNSUPPORTED_FORMAT",
                                                  "Word 97-2003 document")


def test_zip_bomb_guard(tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"0" * 30_000_000)
    # issue 12: how well it compresses is no reason to refuse; the real inflated bytes are
    err = _code(path, limits=Limits(max_inflated_bytes=20_000_000))
    assert err.code == "INPUT_TOO_LARGE"


def test_file_size_limit(tmp_path):
    path = write_csv(tmp_path / "a.csv", ROWS)
    with pytest.raises(InputError) as err:
        read_file(path, Settings(limits=Limits(max_file_bytes=10)))
    assert err.value.code == "INPUT_TOO_LARGE"


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read anything")
def test_unreadable(tmp_path):
    path = write_csv(tmp_path / "a.csv", ROWS)
    path.chmod(0)
    assert _code(path).code == "INPUT_UNREADABLE"


def test_csv_without_table(tmp_path):
    path = tmp_path / "catatan.csv"
    path.write_text("Laporan bulanan\nTidak ada data\n", encoding="utf-8")
    err = _code(path)
    assert err.code == "INPUT_NO_TABLE"
    assert "Laporan bulanan" in err.params["found"]
