"""Which container a file really is, from its content (magic bytes), never from its extension.

Stage ① read. ``detect_format`` returns one of ``xlsx``, ``xlsm``, ``xls``, ``ods`` or ``text``
(CSV/TSV, decided later by the delimiter), or raises :class:`InputError`:

* zip: ``mimetype`` (ODS), ``[Content_Types].xml`` + ``xl/workbook.xml`` (xlsx; ``xlsm`` when
  ``xl/vbaProject.bin`` is present); other zips (Word, xlsb, plain archives) are unsupported;
* OLE2 compound file: an encrypted OOXML workbook (``EncryptionInfo`` stream) -> ``INPUT_PASSWORD``;
  a ``Workbook``/``Book`` stream -> ``xls``; Word/other OLE2 -> unsupported;
* HTML tables and SpreadsheetML 2003 XML saved as ``.xls`` -> unsupported, named as such;
* other binary (PDF, images, archives, NUL bytes) -> unsupported; anything else is text.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from pmkscheck.errors import InputError
from pmkscheck.settings import Limits

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"

_BINARY_MAGIC = (
    (b"%PDF", "PDF"),
    (b"\x89PNG", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF8", "GIF image"),
    (b"\x1f\x8b", "gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"Rar!", "RAR archive"),
    (b"{\\rtf", "RTF document"),
    (b"SQLite format 3", "SQLite database"),
)


def _utf16(name: str) -> bytes:
    return name.encode("utf-16-le")


@dataclass(frozen=True)
class Detected:
    """The container format and, for zips, the member names."""

    format: str  # xlsx | xlsm | xls | ods | text
    macros: bool = False


def detect_format(path: Path, head: bytes, limits: Limits) -> Detected:
    """Decide the format of ``path`` whose first bytes are ``head``."""
    if head.startswith(ZIP_MAGIC):
        return _detect_zip(path, limits)
    if head.startswith(OLE2_MAGIC):
        return _detect_ole2(path)
    for magic, name in _BINARY_MAGIC:
        if head.startswith(magic):
            raise InputError("INPUT_UNSUPPORTED_FORMAT", path, detected=name)
    markup = _markup_kind(head)
    if markup:
        raise InputError("INPUT_UNSUPPORTED_FORMAT", path, detected=markup)
    if _looks_binary(head):
        raise InputError("INPUT_UNSUPPORTED_FORMAT", path, detected="binary data")
    return Detected("text")


def _detect_zip(path: Path, limits: Limits) -> Detected:
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            names = {i.filename for i in infos}
            _check_inflation(path, infos, limits)
            if "mimetype" in names:
                mime = zf.read("mimetype").strip()
                if mime == ODS_MIME:
                    return Detected("ods")
                kind = {
                    b"application/vnd.oasis.opendocument.text": "OpenDocument text (odt)",
                    b"application/vnd.oasis.opendocument.presentation":
                        "OpenDocument presentation (odp)",
                    b"application/vnd.oasis.opendocument.spreadsheet-template":
                        "OpenDocument spreadsheet template (ots)",
                }.get(mime, "OpenDocument / EPUB file")
                raise InputError("INPUT_UNSUPPORTED_FORMAT", path, detected=kind)
            if "xl/workbook.xml" in names:
                macros = "xl/vbaProject.bin" in names
                if not macros and "[Content_Types].xml" in names:
                    macros = b"macroEnabled" in zf.read("[Content_Types].xml")
                return Detected("xlsm" if macros else "xlsx", macros=macros)
            if "xl/workbook.bin" in names:
                detected = "Excel binary workbook (xlsb)"
            elif "word/document.xml" in names:
                detected = "Word document (docx)"
            elif "ppt/presentation.xml" in names:
                detected = "PowerPoint presentation (pptx)"
            else:
                detected = "ZIP archive"
            raise InputError("INPUT_UNSUPPORTED_FORMAT", path, detected=detected)
    except zipfile.BadZipFile:
        raise InputError("INPUT_CORRUPT", path, reason="zip") from None
    except (OSError, EOFError, RuntimeError, NotImplementedError, ValueError) as exc:
        raise InputError("INPUT_CORRUPT", path, reason=f"zip: {type(exc).__name__}") from None


def _check_inflation(path: Path, infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    """Refuse a zip whose entries declare more than the inflated-size limit.

    How well an entry compresses is no reason: repetitive sheets compress 250 times and more
    (the guard, :mod:`pmkscheck.read.guard`, measures what entries really inflate to).
    """
    total = sum(i.file_size for i in infos)
    if total > limits.max_inflated_bytes:
        raise InputError("INPUT_TOO_LARGE", path, reason=(
            f"{total / 1024 ** 2:,.0f} MB when unpacked, limit "
            f"{limits.max_inflated_bytes / 1024 ** 2:,.0f} MB; raise it with max-inflated-bytes "
            "under [limits] in pmkscheck.toml"))


def _detect_ole2(path: Path) -> Detected:
    """Look for the directory entry names of a compound file (UTF-16LE in the directory)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError("INPUT_UNREADABLE", path, reason=type(exc).__name__) from None
    if _utf16("EncryptionInfo") in data or _utf16("EncryptedPackage") in data:
        raise InputError("INPUT_PASSWORD", path)
    if _utf16("Workbook") in data or _utf16("Book") in data:
        return Detected("xls")
    if _utf16("WordDocument") in data:
        raise InputError("INPUT_UNSUPPORTED_FORMAT", path, detected="Word 97-2003 document")
    if _utf16("PowerPoint Document") in data:
        raise InputError("INPUT_UNSUPPORTED_FORMAT", path, detected="PowerPoint 97-2003")
    raise InputError("INPUT_UNSUPPORTED_FORMAT", path, detected="OLE2 compound file")


def _markup_kind(head: bytes) -> str | None:
    """HTML / SpreadsheetML 2003 / other XML / MHTML, looking at the start of the file."""
    text = head[:4096]
    for bom in (b"\xef\xbb\xbf",):
        if text.startswith(bom):
            text = text[len(bom):]
    if text.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = head[2:4096].decode("utf-16-le" if head[:2] == b"\xff\xfe" else "utf-16-be",
                                       errors="ignore").encode("utf-8")
        except (UnicodeDecodeError, LookupError):
            return None
    low = text.lstrip().lower()
    if low.startswith(b"mime-version:") or b"\nmime-version:" in low[:512]:
        return "MHTML (web page)"
    if b"urn:schemas-microsoft-com:office:spreadsheet" in low or (
            low.startswith(b"<?xml") and b"<workbook" in low):
        return "SpreadsheetML 2003 XML"
    if low.startswith((b"<!doctype html", b"<html", b"<table", b"<head", b"<meta")) or (
            low.startswith(b"<") and b"<html" in low[:1024]):
        return "HTML"
    if low.startswith(b"<?xml"):
        return "XML"
    return None


def _looks_binary(head: bytes) -> bool:
    """Many NUL bytes outside a UTF-16 pattern, or many control characters.

    A stray NUL byte in an otherwise ordinary CSV (a known export glitch) is still text.
    """
    sample = head[:8192]
    if not sample:
        return False
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    nuls = sample.count(0)
    if nuls > max(1, len(sample) // 100):
        # UTF-16 without BOM: NULs on every other byte
        odd, even = sample[1::2].count(0), sample[0::2].count(0)
        return not (max(odd, even) >= len(sample) // 4 and min(odd, even) <= len(sample) // 50)
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return controls > len(sample) // 20
