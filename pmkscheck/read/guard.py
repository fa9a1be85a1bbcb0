"""Pre-parse inspection of an input file: refuse what would hang, exhaust or crash the reader.

Stage ① read, step 0: runs before any parser touches the file (issue 5). Cheap and streaming:

* **The path.** ``stat`` first: a directory, FIFO, socket or device is refused
  (``INPUT_NOT_A_FILE``) and never opened for reading; then the file is opened with
  ``O_NONBLOCK`` and checked again (``fstat``), so a path swapped for a FIFO in between cannot
  hang us. Empty -> ``INPUT_EMPTY``; above ``Limits.max_file_bytes`` -> ``INPUT_TOO_LARGE``.
* **Zip containers** (xlsx, xlsm, ods): the central directory is read with :mod:`zipfile`
  (nothing is extracted to disk). Refused: more than ``Limits.max_zip_entries`` entries,
  duplicate entry names (``INPUT_ZIP_DUPLICATE_ENTRIES``: two different ``sheet1.xml``, we never
  pick one), encrypted entries (``INPUT_PASSWORD``), compression other than stored/deflate,
  entries whose data overlap (the "overlapping files" zip bomb), a declared inflated total above
  ``Limits.max_inflated_bytes`` (``INPUT_TOO_LARGE``), and a zip holding no workbook part
  (``INPUT_UNSUPPORTED_FORMAT``).
* **Every XML part is then inflated once, streaming**, with :mod:`zlib` on the raw data (not the
  sizes the zip claims): an entry that inflates to more than it declares is refused at that
  point (a lying header), and so is a real total above ``Limits.max_inflated_bytes``. While
  streaming: ``<!DOCTYPE`` / ``<!ENTITY`` anywhere (entity expansion, external entities: never
  expanded, ``INPUT_XML_ENTITIES``), the Strict OOXML namespace (``INPUT_STRICT_OOXML``), the
  real entries of the shared-strings table (more than ``Limits.max_cells`` is
  ``INPUT_TOO_LARGE``), and, for worksheets, the extent of the cells that hold something:
  calamine allocates ``rows x columns`` cells at once and aborts the whole process on a value at
  XFD1048576 (tafia/calamine#693), so an extent above ``Limits.max_cells`` is refused before
  parsing. The extent is estimated from the cells in the first and last 64 kB of the sheet
  (formatted empty cells such as ``<c r="XFD1048576" s="1"/>`` do not count: calamine skips
  them); the isolated reader (:mod:`pmkscheck.read.isolate`) catches whatever slips through.

**What a file claims is a hint, never a reason to refuse** (issue 12): a ``<dimension>`` that
disagrees with the cells is a note (``FILE_DIMENSION_WRONG``); a shared-strings ``uniqueCount``
the table does not hold (4294967295 over a few entries, on which calamine would reserve 100 GB
and abort: tafia/calamine#684) is dropped by the reader before calamine sees it
(:func:`pmkscheck.read.xlsxscan.without_count_claims`); how well an entry compresses is not
looked at (a full-height sheet of short repetitive rows compresses 250 times). Every refusal for
size names the limit and the ``[limits]`` key that raises it.

* **Notices** (returned, never fatal): macros present (``FILE_MACROS``: never run), links to
  other workbooks (``FILE_EXTERNAL_LINKS``: never fetched).

Calibration (measured; tests/hostile/test_guard.py keeps it true): a 1M-row x 15-column sheet
written by xlsxwriter (``constant_memory``, inline strings) is 814 MB of XML in 91 MB, far under
the 4 GB total. Inspecting that file (streaming inflation of all 814 MB plus the scans) takes
1.7 s on an idle 2-core machine, against a read of the same file of well over 10 s. The largest
legitimate file measured under the limits is in the README (issue 12).

Messages never hold a cell value: reasons are sizes, counts, part names and cell references.

Why one module of ~510 lines: every pre-read guard (size, zip bomb, encryption, sheet dimensions)
and its limit in one place: the list a reviewer checks against the hostile corpus.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from pmkscheck.errors import InputError
from pmkscheck.issues import Issue
from pmkscheck.read.xlsxscan import EntryCounter, sheet_parts
from pmkscheck.rules import rule
from pmkscheck.settings import Limits
from pmkscheck.table import column_index, column_letter

_CHUNK = 4 * 1024 * 1024
_HEAD = 64 * 1024
_TAIL = 64 * 1024
_XML_SUFFIXES = (".xml", ".rels", ".vml")
_STRICT_NS = b"http://purl.oclc.org/ooxml/"
_EXCEL_MAX_ROWS = 1_048_576
_EXCEL_MAX_COLS = 16_384

# Markers of a document type declaration, in UTF-8 and both UTF-16 byte orders.
_DTD_MARKERS = tuple(
    m.encode(enc) for m in ("<!DOCTYPE", "<!doctype", "<!ENTITY", "<!entity")
    for enc in ("ascii", "utf-16-le", "utf-16-be")
)
_DTD_OVERLAP = max(len(m) for m in _DTD_MARKERS)

_CELL_TAG_RE = re.compile(rb'<(?:\w+:)?c\b([^>]*)>')
_CELL_REF_RE = re.compile(rb'\br="([A-Z]{1,3})([0-9]{1,7})"')
_EMPTY_CLOSE_RE = re.compile(rb'\s*</(?:\w+:)?c>')
_DIMENSION_RE = re.compile(rb'<(?:\w+:)?dimension\b[^>]*?\bref="([^"]{1,64})"')
_RANGE_RE = re.compile(r"^\$?([A-Z]{1,3})\$?([0-9]{1,7})(?::\$?([A-Z]{1,3})\$?([0-9]{1,7}))?$")

MAGIC_ZIP = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")


def inspect(path: Path, limits: Limits) -> list[Issue]:
    """Check ``path`` before parsing; return file-level notices or raise :class:`InputError`.

    Args:
        path: the input file.
        limits: the configured guards (``Settings.limits``).

    Returns:
        Notices for the report (``FILE_MACROS``, ``FILE_EXTERNAL_LINKS``,
        ``FILE_DIMENSION_WRONG``).

    Raises:
        InputError: the file cannot be checked safely (``INPUT_*`` codes; exit status 2).
    """
    path = Path(path)
    st = _stat(path)
    _check_regular(path, st.st_mode)
    if st.st_size == 0:
        raise InputError("INPUT_EMPTY", path)
    if st.st_size > limits.max_file_bytes:
        raise InputError("INPUT_TOO_LARGE", path, reason=(
            f"{_mb(st.st_size)} on disk, limit {_mb(limits.max_file_bytes)}"
            f"{how_to_raise('max-file-bytes')}"))
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise InputError("INPUT_UNREADABLE", path, reason=_os_reason(exc)) from None
    try:
        _check_regular(path, os.fstat(fd).st_mode)
        with os.fdopen(fd, "rb", closefd=False) as fh:
            head = fh.read(8)
            if head.startswith(MAGIC_ZIP):
                return _inspect_zip(path, fh, st.st_size, limits)
    except OSError as exc:
        raise InputError("INPUT_UNREADABLE", path, reason=_os_reason(exc)) from None
    finally:
        os.close(fd)
    return []


# --------------------------------------------------------------------------- the path


def _stat(path: Path) -> os.stat_result:
    try:
        return os.stat(path)
    except FileNotFoundError:
        raise InputError("INPUT_NOT_FOUND", path) from None
    except OSError as exc:
        if exc.errno in (errno.ENOENT, errno.ENOTDIR):
            raise InputError("INPUT_NOT_FOUND", path) from None
        raise InputError("INPUT_UNREADABLE", path, reason=_os_reason(exc)) from None


def _check_regular(path: Path, mode: int) -> None:
    if not stat.S_ISREG(mode):
        raise InputError("INPUT_NOT_A_FILE", path)


def _os_reason(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


def _count(n: int) -> str:
    """A count people can read and :func:`pmkscheck.mask.scrub` leaves alone (< 10 digits)."""
    if n >= 1_000_000_000:
        return f"{n / 1e9:.1f} billion"
    if n >= 1_000_000:
        return f"{n / 1e6:.1f} million"
    return f"{n:,}"


def _mb(n: float) -> str:
    if n >= 1024 ** 3:
        return f"{n / 1024 ** 3:.1f} GB"
    return f"{n / 1024 ** 2:.1f} MB"


# --------------------------------------------------------------------------- zip containers


def _inspect_zip(path: Path, fh, size: int, limits: Limits) -> list[Issue]:
    fh.seek(0)
    try:
        zf = zipfile.ZipFile(fh)
    except zipfile.BadZipFile:
        raise InputError("INPUT_CORRUPT", path,
                         reason="incomplete or damaged zip container (cut off?)") from None
    except (OSError, EOFError, ValueError, struct.error, NotImplementedError, OverflowError,
            UnicodeDecodeError, RuntimeError, IndexError, KeyError) as exc:
        raise InputError("INPUT_CORRUPT", path,
                         reason=f"damaged zip directory ({type(exc).__name__})") from None
    try:
        with zf:
            infos = zf.infolist()
            _check_directory(path, infos, size, limits)
            notices = _notices(infos)
            sheet_names = _sheet_names(zf)
            scans = _stream_parts(path, fh, infos, limits)
    except (ValueError, EOFError, struct.error, OverflowError, zipfile.BadZipFile) as exc:
        raise InputError("INPUT_CORRUPT", path,
                         reason=f"damaged zip container ({type(exc).__name__})") from None
    _check_workbook_part(path, infos, scans)
    notices.extend(_check_scans(path, scans, sheet_names, limits))
    return notices


def _check_directory(path: Path, infos: list[zipfile.ZipInfo], size: int,
                     limits: Limits) -> None:
    if not infos:
        raise InputError("INPUT_UNSUPPORTED_FORMAT", path, detected="empty zip archive")
    if len(infos) > limits.max_zip_entries:
        raise InputError("INPUT_TOO_LARGE", path, reason=(
            f"{_count(len(infos))} zip entries, limit {_count(limits.max_zip_entries)}"
            f"{how_to_raise('max-zip-entries')}"))
    seen: set[str] = set()
    for info in infos:
        key = info.filename.replace("\\", "/").lstrip("/").casefold()
        if key in seen:
            raise InputError("INPUT_ZIP_DUPLICATE_ENTRIES", path, entry=info.filename[:120])
        seen.add(key)
    if any(info.flag_bits & 0x1 for info in infos):
        raise InputError("INPUT_PASSWORD", path)
    for info in infos:
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise InputError("INPUT_CORRUPT", path, reason=(
                f"zip entry {info.filename[:80]} uses compression method {info.compress_type}, "
                "which Excel and LibreOffice never write"))
    declared = sum(info.file_size for info in infos)
    if declared > limits.max_inflated_bytes:
        raise InputError("INPUT_TOO_LARGE", path, reason=(
            f"{_mb(declared)} once unzipped, limit {_mb(limits.max_inflated_bytes)}"
            f"{how_to_raise('max-inflated-bytes')}"))
    # Entries must lie inside the file and must not share data (overlapping-entry zip bombs).
    spans = sorted((info.header_offset, info.header_offset + 30 + len(info.filename.encode())
                    + info.compress_size, info.filename) for info in infos)
    for (start, end, name), nxt in zip(spans, [*spans[1:], None], strict=True):
        if start < 0 or end > size:
            raise InputError("INPUT_CORRUPT", path, reason=(
                f"zip entry {name[:80]} runs past the end of the file (cut off?)"))
        if nxt is not None and nxt[0] < end:
            raise InputError("INPUT_CORRUPT", path, reason="zip entries overlap each other")


def how_to_raise(key: str) -> str:
    """How to raise the limit ``key``, for the end of a reason."""
    return f"; raise it with {key} under [limits] in pmkscheck.toml"


def _notices(infos: list[zipfile.ZipInfo]) -> list[Issue]:

    names = [i.filename.replace("\\", "/").lower() for i in infos]
    out: list[Issue] = []
    macros = [n for n in names if n.endswith("vbaproject.bin") or n.startswith("basic/")
              or n.endswith("vbaprojectsignature.bin") or "/macrosheets/" in n]
    if macros:
        out.append(Issue("FILE_MACROS", rule("FILE_MACROS").severity))
    links = [n for n in names if n.startswith("xl/externallinks/") and n.endswith(".xml")]
    if links:
        out.append(Issue("FILE_EXTERNAL_LINKS", rule("FILE_EXTERNAL_LINKS").severity,
                         params={"count": len(links)}))
    return out


def _sheet_names(zf: zipfile.ZipFile) -> dict[str, str]:
    """Part name -> sheet name, best effort (the reader's own relationship parser)."""
    try:
        if "xl/workbook.xml" not in zf.NameToInfo:
            return {}
        wb = zf.getinfo("xl/workbook.xml")
        rels = zf.NameToInfo.get("xl/_rels/workbook.xml.rels")
        # Only small, sane parts: this runs before the streaming checks.
        if wb.file_size > 8 * 1024 * 1024 or rels is None or rels.file_size > 8 * 1024 * 1024:
            return {}
        data = zf.read("xl/workbook.xml")[:_HEAD] + zf.read(rels)[:_HEAD]
        if any(m in data for m in _DTD_MARKERS):
            return {}

        return {part: name for name, part in sheet_parts(zf).items()}
    except Exception:  # noqa: BLE001 - names are a nicety; the streaming checks decide
        return {}


# --------------------------------------------------------------------------- streaming


@dataclass
class _PartScan:
    """What one streamed XML part told us."""

    name: str
    size: int = 0
    head: bytes = b""
    tail: bytes = b""
    dtd: bool = False
    counter: EntryCounter | None = None  # the shared-strings table: its real entries


def _stream_parts(path: Path, fh, infos: list[zipfile.ZipInfo],
                  limits: Limits) -> dict[str, _PartScan]:
    scans: dict[str, _PartScan] = {}
    total = sum(i.file_size for i in infos if not i.filename.lower().endswith(_XML_SUFFIXES))
    for info in infos:
        lname = info.filename.lower()
        if not lname.endswith(_XML_SUFFIXES) or info.is_dir():
            continue
        scan = _PartScan(info.filename)
        if lname == "xl/sharedstrings.xml":
            scan.counter = EntryCounter()
        budget = min(info.file_size, limits.max_inflated_bytes - total)
        _inflate(path, fh, info, budget, scan)
        if scan.size > info.file_size:
            raise InputError("INPUT_CORRUPT", path, reason=(
                f"zip entry {info.filename[:80]} holds more data than its header declares "
                f"(stopped after {_mb(scan.size)})"))
        total += scan.size
        if total > limits.max_inflated_bytes:
            raise InputError("INPUT_TOO_LARGE", path, reason=(
                f"more than {_mb(limits.max_inflated_bytes)} once unzipped"
                f"{how_to_raise('max-inflated-bytes')}"))
        if scan.dtd:
            raise InputError("INPUT_XML_ENTITIES", path, part=info.filename[:120])
        scans[info.filename] = scan
    return scans


def _inflate(path: Path, fh, info: zipfile.ZipInfo, budget: int, scan: _PartScan) -> None:
    """Inflate one entry's raw data, feeding ``scan``; stop once ``budget`` bytes are passed."""
    fh.seek(info.header_offset)
    local = fh.read(30)
    if len(local) < 30 or local[:4] != b"PK\x03\x04":
        raise InputError("INPUT_CORRUPT", path, reason=(
            f"zip entry {info.filename[:80]} has no local header"))
    name_len, extra_len = struct.unpack("<HH", local[26:30])
    fh.seek(info.header_offset + 30 + name_len + extra_len)
    remaining = info.compress_size
    inflater = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
    carry = b""
    try:
        while remaining > 0:
            raw = fh.read(min(_CHUNK, remaining))
            if not raw:
                raise InputError("INPUT_CORRUPT", path, reason=(
                    f"zip entry {info.filename[:80]} is cut off"))
            remaining -= len(raw)
            if inflater is None:
                carry = _feed(scan, raw, carry)
                if scan.size > budget:
                    return
                continue
            buf = raw
            while buf and not inflater.eof:
                # max_length bounds what one call may produce: a bomb never sits in memory.
                out = inflater.decompress(buf, _CHUNK)
                carry = _feed(scan, out, carry)
                if scan.size > budget:
                    return
                buf = inflater.unconsumed_tail
            if inflater.eof:
                break
        if inflater is not None and not inflater.eof:
            _feed(scan, inflater.flush(), carry)  # at most one window (32 KB)
    except zlib.error:
        raise InputError("INPUT_CORRUPT", path, reason=(
            f"zip entry {info.filename[:80]} has damaged compressed data")) from None


def _feed(scan: _PartScan, data: bytes, carry: bytes) -> bytes:
    """Account for one inflated chunk; returns the overlap to prepend to the next one."""
    if not data:
        return carry
    if len(scan.head) < _HEAD:
        scan.head += data[:_HEAD - len(scan.head)]
    scan.size += len(data)
    if scan.counter is not None:
        scan.counter.feed(data)
    edge = carry + data[:64]
    # "!" alone is a memchr (fast); the markers are only searched where one occurs.
    if not scan.dtd and (b"!" in data or b"!" in edge) and any(
            m in data or m in edge for m in _DTD_MARKERS):
        scan.dtd = True
    scan.tail = data[-_TAIL:] if len(data) >= _TAIL else (scan.tail + data)[-_TAIL:]
    # Keep enough to see a marker cut by the chunk boundary.
    return data[-_DTD_OVERLAP:]


def _column_number(letters: bytes | str) -> int:
    """``A`` -> 1, ``XFD`` -> 16384 (1-based, as in ``<dimension ref>``)."""
    return column_index(letters) + 1


# --------------------------------------------------------------------------- after streaming


def _check_workbook_part(path: Path, infos: list[zipfile.ZipInfo],
                         scans: dict[str, _PartScan]) -> None:
    names = {i.filename.replace("\\", "/").lstrip("/").lower() for i in infos}
    if "xl/workbook.xml" in names or "xl/workbook.bin" in names or "content.xml" in names:
        return
    if "word/document.xml" in names:
        detected = "Word document (docx)"
    elif "ppt/presentation.xml" in names:
        detected = "PowerPoint presentation (pptx)"
    elif any(n.startswith("xl/") for n in names):
        detected = "Excel package without its workbook part xl/workbook.xml"
    else:
        detected = "zip archive without a workbook"
    raise InputError("INPUT_UNSUPPORTED_FORMAT", path, detected=detected)


def _check_scans(path: Path, scans: dict[str, _PartScan], sheet_names: dict[str, str],
                 limits: Limits) -> list[Issue]:

    notices: list[Issue] = []
    if any(_STRICT_NS in scan.head for scan in scans.values()):
        raise InputError("INPUT_STRICT_OOXML", path)
    for name, scan in scans.items():
        lname = name.lower()
        if lname == "xl/sharedstrings.xml":
            _check_shared_strings(path, scan, limits)
        elif lname.startswith("xl/worksheets/") and lname.endswith(".xml"):
            sheet = sheet_names.get(name, name.rsplit("/", 1)[-1])
            note = _check_sheet(path, scan, sheet, limits)
            if note is not None:
                notices.append(Issue("FILE_DIMENSION_WRONG", rule("FILE_DIMENSION_WRONG").severity,
                                     params=note))
    return notices


def _check_shared_strings(path: Path, scan: _PartScan, limits: Limits) -> None:
    """Refuse a table holding more real entries than the limit; what its header claims is a hint.

    A ``uniqueCount`` the table does not hold (4294967295 over a few entries) is no reason to
    refuse: the reader repairs it before calamine sees it (:func:`pmkscheck.read.workbook`).
    """
    real = scan.counter.count if scan.counter is not None else 0
    if real > limits.max_cells:
        raise InputError("INPUT_TOO_LARGE", path, reason=(
            f"the shared-strings table holds {_count(real)} texts, limit "
            f"{_count(limits.max_cells)}{how_to_raise('max-cells')}"))


def _cells(data: bytes) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """``(every cell, cells holding something)`` with a reference in ``data``, 1-based.

    A cell that holds nothing (``<c r="XFD1048576" s="1"/>``: formatted, empty) is not read by
    calamine and does not count towards the extent it allocates.
    """
    every: list[tuple[int, int]] = []
    valued: list[tuple[int, int]] = []
    for m in _CELL_TAG_RE.finditer(data):
        ref = _CELL_REF_RE.search(m.group(1))
        if ref is None:
            continue
        cell = (_column_number(ref.group(1)), int(ref.group(2)))
        every.append(cell)
        if not m.group(1).endswith(b"/") and not _EMPTY_CLOSE_RE.match(data, m.end()):
            valued.append(cell)
    return every, valued


def _span(cells: list[tuple[int, int]]) -> tuple[int, int, int, int]:
    cols = [c for c, _ in cells]
    rows = [r for _, r in cells]
    return min(cols), min(rows), max(cols), max(rows)


def _ref(c0: int, r0: int, c1: int, r1: int) -> str:
    return f"{column_letter(c0 - 1)}{r0}:{column_letter(c1 - 1)}{r1}"


def _check_sheet(path: Path, scan: _PartScan, sheet: str,
                 limits: Limits) -> dict[str, object] | None:
    """Refuse a value extent calamine cannot allocate; note a wrong ``<dimension>``.

    Only cells that hold something count for the extent (calamine allocates their bounding box);
    formatted empty cells (Ctrl+End far away) do not. The declared ``<dimension>`` is only
    compared with what is there (a note), never a reason to refuse.
    """
    every, valued = _cells(scan.head)
    tail_every, tail_valued = _cells(scan.tail)
    every += tail_every
    valued += tail_valued
    if not every:
        return None
    first_col, first_row, last_col, last_row = _span(every)
    if last_row > _EXCEL_MAX_ROWS or last_col > _EXCEL_MAX_COLS:
        raise InputError("INPUT_CORRUPT", path, reason=(
            f"sheet '{sheet}' has a cell beyond Excel's last cell XFD1048576"))
    if valued:
        c0, r0, c1, r1 = _span(valued)
        cells = (r1 - r0 + 1) * (c1 - c0 + 1)
        if cells > limits.max_cells:
            raise InputError("INPUT_TOO_LARGE", path, reason=(
                f"the values of sheet '{sheet}' span {_ref(c0, r0, c1, r1)} = "
                f"{_count(cells)} cells, limit {_count(limits.max_cells)}"
                f"{how_to_raise('max-cells')}"))
    dim = _DIMENSION_RE.search(scan.head)
    if dim is None:
        return None
    parsed = _RANGE_RE.match(dim.group(1).decode("ascii", "replace").upper())
    if parsed is None:
        return None
    d_c0, d_r0, d_c1, d_r1 = parsed.groups()
    d_c1, d_r1 = d_c1 or d_c0, d_r1 or d_r0
    with contextlib.suppress(ValueError):
        d_rows = int(d_r1) - int(d_r0) + 1
        d_cols = _column_number(d_c1) - _column_number(d_c0) + 1
        # what the file holds, formatted empty cells included (Excel's dimension counts them)
        held = (last_row - first_row + 1) * (last_col - first_col + 1)
        huge = d_rows * d_cols > max(limits.max_cells, held)
        understated = int(d_r1) < last_row or _column_number(d_c1) < last_col
        if huge or understated:
            return {"sheet": sheet, "declared": dim.group(1).decode("ascii", "replace"),
                    "actual": _ref(first_col, first_row, last_col, last_row)}
    return None
