"""Never refuse a legitimate file, never hide a row (issue 12): the odd-but-legitimate corpus.

Every workbook of :mod:`legit` must be read, not refused, with every record counted and the
same findings as the same records in a plain workbook (:func:`legit.baseline`). Before issue 12
the guard refused the first four as "17.2 billion cells", for their compression ratio, or for
what the shared-strings header claimed; calamine aborted on the lying count.
"""

from __future__ import annotations

import contextlib
import io
import json
import time
import zipfile
from pathlib import Path

import legit
import pytest

from pmkscheck import cli
from pmkscheck.read import guard, isolate
from pmkscheck.settings import Settings


def check(path: Path) -> tuple[int, dict]:
    """``pmkscheck validate --format json --no-write PATH`` in this process: (exit, entry)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), \
            pytest.raises(SystemExit) as info:
        cli.main(["validate", "--format", "json", "--no-write", "--quiet", str(path)])
    (entry,) = json.loads(out.getvalue())["files"]
    assert entry.get("error") is None, (entry.get("error"), err.getvalue())
    return int(info.value.code or 0), entry


def findings(entry: dict) -> list[tuple[str, str | None]]:
    return sorted((i["code"], i.get("cell")) for i in entry["issues"])


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, str | None]]:
    """Findings of the same 50 records in a plain workbook (computed once)."""
    rc, entry = check(legit.baseline(tmp_path_factory.mktemp("plain")))
    assert (rc, entry["data_rows"]) == (1, 50)
    got = findings(entry)
    # the faults legit.records puts in are all found: the comparison below means something
    codes = {c for c, _ in got}
    assert codes >= {"SEX_INVALID", "NIK_LENGTH", "DATE_FUTURE"}
    # the planted repeated NIK: a duplicate, or two people sharing it (issue 17's rule)
    assert codes & {"NIK_DUPLICATE", "NIK_SHARED_BY_DIFFERENT_PERSONS"}
    return got


@pytest.mark.parametrize("build", [
    legit.far_formatted_cell,
    lambda d: legit.shared_strings_book(d, claim=4_294_967_295),
    legit.shared_strings_book,
    legit.other_writer,
    legit.ods_book,
], ids=["formatted_cell_at_XFD1048576", "shared_strings_claim_4294967295",
        "shared_strings_plain", "other_writer_markup", "libreoffice_ods_full_height_format"])
def test_odd_workbook_reads_like_the_plain_one(build, tmp_path: Path, plain: list) -> None:
    rc, entry = check(build(tmp_path))
    assert rc == 1  # the faults are errors
    assert entry["data_rows"] == 50
    assert findings(entry) == plain  # FILE_DIMENSION_WRONG included: none of them gets it


def test_lying_claim_is_real_for_calamine(tmp_path: Path) -> None:
    """The claim the reader drops is one calamine would die on (and the guard no longer
    refuses): read it raw in the isolated child and it aborts."""
    from pmkscheck.errors import InputError

    path = legit.shared_strings_book(tmp_path, claim=4_294_967_295)

    with pytest.raises(InputError) as info:
        isolate.read_isolated(path, Settings(), reader=_raw_calamine)
    assert info.value.code == "INPUT_READER_FAILED"


def _raw_calamine(path: Path, *a: object) -> int:
    import python_calamine as pc

    return pc.CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Data").height


def test_repetitive_columns(tmp_path: Path) -> None:
    path = legit.repetitive_columns(tmp_path, n=20_000)
    rc, entry = check(path)
    assert entry["data_rows"] == 20_000
    assert entry["summary"]["by_code"].get("NIK_DUPLICATE", 0) >= 19_999
    assert rc == 1


@pytest.mark.slow
def test_millions_of_shared_strings(tmp_path: Path, plain: list) -> None:
    path = legit.shared_strings_book(tmp_path, extra=2_000_000, name="sst_jutaan.xlsx")
    with zipfile.ZipFile(path) as zf:
        assert zf.getinfo("xl/sharedStrings.xml").file_size > 80_000_000
    rc, entry = check(path)
    assert (rc, entry["data_rows"], findings(entry)) == (1, 50, plain)


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = legit.full_height(tmp_path_factory.mktemp("full"))
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
    assert info.file_size > 100_000_000 and info.file_size / info.compress_size > 200
    return path


def test_full_height_sheet_passes_the_guard(full: Path) -> None:
    """1,048,575 records under the header, to the sheet's last row; ~140 MB of XML packed
    ~250 times: the guard refused it for that ratio."""
    assert guard.inspect(full, Settings().limits) == []


@pytest.mark.slow
def test_full_height_sheet_is_read(full: Path) -> None:
    """The same sheet read (~50 s on the loaded 2-core test machine): every record counted."""
    path = full
    t0 = time.monotonic()
    result = isolate.read_guarded(path, Settings())
    (table,) = result.tables
    assert len(table.data) == legit.FULL_ROWS
    assert not table.skipped_rows
    assert table.data["nama"].iloc[-1] == "Siti Aminah"
    assert time.monotonic() - t0 < 300
