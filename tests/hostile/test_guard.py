"""Unit tests of the pre-parse guard (pmkscheck.read.guard) and the isolated reader.

In-process and fast: each guard condition with small, configurable limits; the isolation's
failure modes (abort, time-out, memory, exceptions) with a stand-in reader in the child.
"""

from __future__ import annotations

import dataclasses
import os
import time
import zipfile
from pathlib import Path

import corpus
import pytest

from pmkscheck.errors import InputError
from pmkscheck.read import guard, isolate
from pmkscheck.rules import catalogue
from pmkscheck.settings import Limits, Settings


def code_of(path: Path, limits: Limits | None = None) -> str | None:
    """The guard's error code for ``path`` (``None``: it passes)."""
    try:
        guard.inspect(path, limits or Limits())
    except InputError as err:
        assert err.code in catalogue()
        return err.code
    return None


def notices_of(path: Path, limits: Limits | None = None) -> list[str]:
    return [n.code for n in guard.inspect(path, limits or Limits())]


def test_valid_workbook_and_csv_pass(tmp_path: Path) -> None:
    assert notices_of(corpus.valid_xlsx(tmp_path / "a.xlsx")) == []
    assert notices_of(corpus.valid_csv(tmp_path / "a.csv")) == []


def test_path_checks(tmp_path: Path) -> None:
    assert code_of(tmp_path / "missing.xlsx") == "INPUT_NOT_FOUND"
    assert code_of(tmp_path) == "INPUT_NOT_A_FILE"
    fifo = tmp_path / "fifo.xlsx"
    os.mkfifo(fifo)
    t0 = time.monotonic()
    assert code_of(fifo) == "INPUT_NOT_A_FILE"  # and it did not block on the pipe
    assert time.monotonic() - t0 < 5
    assert code_of(Path("/dev/null")) == "INPUT_NOT_A_FILE"
    (tmp_path / "empty.csv").write_bytes(b"")
    assert code_of(tmp_path / "empty.csv") == "INPUT_EMPTY"


def test_file_size_limit(tmp_path: Path) -> None:
    path = corpus.valid_csv(tmp_path / "a.csv", n=50)
    assert code_of(path, Limits(max_file_bytes=path.stat().st_size)) is None
    assert code_of(path, Limits(max_file_bytes=path.stat().st_size - 1)) == "INPUT_TOO_LARGE"


def test_declared_and_real_inflated_totals(tmp_path: Path) -> None:
    path = corpus.valid_xlsx(tmp_path / "a.xlsx", n=200)
    with zipfile.ZipFile(path) as zf:
        total = sum(i.file_size for i in zf.infolist())
    assert code_of(path, Limits(max_inflated_bytes=total)) is None
    assert code_of(path, Limits(max_inflated_bytes=total - 1)) == "INPUT_TOO_LARGE"


def test_compression_ratio_is_no_reason_to_refuse(tmp_path: Path) -> None:
    """Repetitive XML compresses hundreds of times; only what it inflates to counts."""
    xml = corpus.sheet_xml(corpus.sheet_rows_xml([corpus.HEADER, *corpus.records()])
                           + " " * 40_000_000)
    path = corpus.write_zip(tmp_path / "a.xlsx", corpus.xlsx_parts({"Data": xml}), level=9)
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
    assert info.file_size / info.compress_size > 500
    assert code_of(path) is None
    with pytest.raises(InputError) as err:  # the absolute limit, named with its option
        guard.inspect(path, Limits(max_inflated_bytes=30_000_000))
    assert err.value.code == "INPUT_TOO_LARGE"
    assert "max-inflated-bytes" in err.value.params["reason"]


def test_zip_entry_count(tmp_path: Path) -> None:
    path = corpus.valid_xlsx(tmp_path / "a.xlsx")
    with zipfile.ZipFile(path) as zf:
        n = len(zf.infolist())
    assert code_of(path, Limits(max_zip_entries=n)) is None
    assert code_of(path, Limits(max_zip_entries=n - 1)) == "INPUT_TOO_LARGE"


def test_duplicate_names_differing_only_in_case_are_refused(tmp_path: Path) -> None:
    parts = corpus.xlsx_parts({"Data": corpus.sheet_xml(corpus.sheet_rows_xml([corpus.HEADER]))})
    entries = [corpus.RawEntry(n, v.encode() if isinstance(v, str) else v)
               for n, v in parts.items()]
    entries.append(corpus.RawEntry("XL/Worksheets/Sheet1.xml", b"<worksheet/>"))
    path = corpus.write_raw_zip(tmp_path / "a.xlsx", entries)
    assert code_of(path) == "INPUT_ZIP_DUPLICATE_ENTRIES"


def test_encrypted_entry_is_password(tmp_path: Path) -> None:
    parts = corpus.xlsx_parts({"Data": corpus.sheet_xml("")})
    entries = [corpus.RawEntry(n, v.encode() if isinstance(v, str) else v, flags=1)
               for n, v in parts.items()]
    assert code_of(corpus.write_raw_zip(tmp_path / "a.xlsx", entries)) == "INPUT_PASSWORD"


def test_unusual_compression_method_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_BZIP2) as zf:
        for name, data in corpus.xlsx_parts({"Data": corpus.sheet_xml("")}).items():
            zf.writestr(name, data)
    assert code_of(path) == "INPUT_CORRUPT"


def test_stored_entries_are_streamed_too(tmp_path: Path) -> None:
    rows = corpus.sheet_rows_xml([corpus.HEADER, *corpus.records()])
    prolog = '<!DOCTYPE x [<!ENTITY e "e">]>\n'
    path = tmp_path / "a.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        for name, data in corpus.xlsx_parts(
                {"Data": corpus.sheet_xml(rows, prolog=prolog)}).items():
            zf.writestr(name, data)
    assert code_of(path) == "INPUT_XML_ENTITIES"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_doctype_in_utf16_part(tmp_path: Path, encoding: str) -> None:
    xml = corpus.sheet_xml("", prolog='<!DOCTYPE x [<!ENTITY e "e">]>\n').replace(
        'encoding="UTF-8"', 'encoding="UTF-16"')
    bom = b"\xff\xfe" if encoding.endswith("le") else b"\xfe\xff"
    parts = corpus.xlsx_parts({"Data": "x"})
    parts["xl/worksheets/sheet1.xml"] = bom + xml.encode(encoding)
    assert code_of(corpus.write_zip(tmp_path / "a.xlsx", parts)) == "INPUT_XML_ENTITIES"


def test_doctype_split_across_chunks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(guard, "_CHUNK", 4096)
    pad = "<!-- " + "x" * 4090 + " -->"  # pushes the marker across the first chunk boundary
    for shift in range(0, 12, 3):
        prolog = pad + " " * shift + '<!DOCTYPE x [<!ENTITY e "e">]>\n'
        xml = corpus.sheet_xml("", prolog=prolog)
        path = corpus.write_zip(tmp_path / f"a{shift}.xlsx",
                                corpus.xlsx_parts({"Data": xml}), level=0)
        assert code_of(path) == "INPUT_XML_ENTITIES", shift


def test_doctype_in_ods_content(tmp_path: Path) -> None:
    path = tmp_path / "a.ods"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet",
                    compress_type=zipfile.ZIP_STORED)
        zf.writestr("content.xml", '<?xml version="1.0"?>\n<!DOCTYPE office:document-content '
                    '[<!ENTITY x SYSTEM "file:///etc/passwd">]><office:document-content/>')
    assert code_of(path) == "INPUT_XML_ENTITIES"


def test_strict_namespace_in_workbook(tmp_path: Path) -> None:
    assert code_of(corpus._strict(tmp_path)) == "INPUT_STRICT_OOXML"


@pytest.mark.parametrize("unique", ["1", "40", "4294967295", "100000000"])
def test_shared_strings_claims_are_hints(tmp_path: Path, unique: str) -> None:
    body = "<si><t>a</t></si>" * 39 + "<si/>"
    sst = (f'<?xml version="1.0"?>\n<sst xmlns="{corpus.NS_MAIN}" count="4294967295" '
           f'uniqueCount="{unique}">{body}</sst>')
    path = corpus.write_zip(tmp_path / "a.xlsx", corpus.xlsx_parts(
        {"Data": corpus.sheet_xml("")}, shared_strings=sst))
    assert code_of(path) is None  # what the header claims never refuses the file
    assert code_of(path, Limits(max_cells=40)) is None  # the 40 real entries count
    with pytest.raises(InputError) as err:
        guard.inspect(path, Limits(max_cells=39))
    assert err.value.code == "INPUT_TOO_LARGE"
    assert "40 texts" in err.value.params["reason"] and "max-cells" in err.value.params["reason"]


def test_entry_counter_across_chunks() -> None:
    from pmkscheck.read.xlsxscan import EntryCounter

    xml = (b'<sst count="9">' + b"<si><t>ab</t></si>" * 1000 + b"<si/>" * 7
           + b'<x:si><x:t>c</x:t></x:si><si a="1"/></sst>')
    for size in (1, 3, 7, 64, len(xml)):
        counter = EntryCounter()
        for i in range(0, len(xml), size):
            counter.feed(xml[i:i + size])
        assert counter.count == 1009, size


def test_cell_extent(tmp_path: Path) -> None:
    def book(rows_xml: str, name: str) -> Path:
        return corpus.write_zip(tmp_path / name,
                                corpus.xlsx_parts({"Data": corpus.sheet_xml(rows_xml)}))

    a1 = '<row r="1"><c r="A1"><v>1</v></c></row>'
    assert code_of(book(a1 + '<row r="9"><c r="XFD9"><v>1</v></c></row>', "wide.xlsx")) is None
    far = book(a1 + '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>', "far.xlsx")
    assert code_of(far) == "INPUT_TOO_LARGE"
    tall = book(a1 + '<row r="1048576"><c r="BZ1048576"><v>1</v></c></row>', "tall.xlsx")
    assert code_of(tall) == "INPUT_TOO_LARGE"  # 78 x 1M = 81.8 million cells
    assert code_of(tall, Limits(max_cells=90_000_000)) is None
    beyond = book(a1 + '<row r="1048577"><c r="A1048577"><v>1</v></c></row>', "beyond.xlsx")
    assert code_of(beyond) == "INPUT_CORRUPT"
    # formatted but empty cells are not read: they never count, whatever their place
    for i, empty in enumerate(('<c r="XFD1048576" s="1"/>', '<c s="3" r="XFD1048576"></c>',
                               '<x:c r="XFD1048576" s="1"/>')):
        styled = book(a1 + f'<row r="1048576">{empty}</row>', f"styled{i}.xlsx")
        assert code_of(styled, Limits(max_cells=2)) is None, empty
    text = book(a1 + '<row r="1048576"><c t="inlineStr" r="XFD1048576"><is><t>x</t></is></c>'
                '</row>', "text.xlsx")
    with pytest.raises(InputError) as err:
        guard.inspect(text, Limits())
    assert err.value.code == "INPUT_TOO_LARGE"
    assert "A1:XFD1048576" in err.value.params["reason"]
    assert "max-cells" in err.value.params["reason"]


def test_reader_limits_name_their_key(tmp_path: Path) -> None:
    from pmkscheck.read import read_file

    path = corpus.valid_xlsx(tmp_path / "a.xlsx", n=1100)
    settings = _settings(max_rows=50, isolate=False)
    with pytest.raises(InputError) as err:
        read_file(path, settings)
    assert err.value.code == "INPUT_TOO_LARGE"
    assert "1,101 rows" in err.value.params["reason"]
    assert "raise it with max-rows under [limits]" in err.value.params["reason"]


def test_dimension_notes(tmp_path: Path) -> None:
    assert notices_of(corpus._dimension_huge(tmp_path)) == ["FILE_DIMENSION_WRONG"]
    assert notices_of(corpus._dimension_small(tmp_path)) == ["FILE_DIMENSION_WRONG"]
    rows = corpus.sheet_rows_xml([corpus.HEADER, *corpus.records()])
    right = corpus.write_zip(tmp_path / "ok.xlsx", corpus.xlsx_parts(
        {"Data": corpus.sheet_xml(rows, "A1:O7")}))
    assert notices_of(right) == []
    (issue,) = guard.inspect(corpus._dimension_huge(tmp_path), Limits())
    assert issue.params == {"sheet": "Data", "declared": "A1:XFD1048576", "actual": "A1:O7"}
    # Excel's own dimension around a formatted empty cell at XFD1048576 is right: no note
    far = corpus.write_zip(tmp_path / "far.xlsx", corpus.xlsx_parts({"Data": corpus.sheet_xml(
        rows + '<row r="1048576"><c r="XFD1048576" s="1"/></row>', "A1:XFD1048576")}))
    assert notices_of(far) == []


def test_macro_and_link_notices(tmp_path: Path) -> None:
    assert notices_of(corpus._macros(tmp_path)) == ["FILE_MACROS"]
    (link,) = guard.inspect(corpus._external_links(tmp_path), Limits())
    assert (link.code, link.params) == ("FILE_EXTERNAL_LINKS", {"count": 1})


def test_macro_notice_is_not_doubled_with_the_readers(tmp_path: Path) -> None:
    result = isolate.read_guarded(corpus._macros(tmp_path), Settings())
    codes = [n.code for n in result.notices]
    assert codes.count("WORKBOOK_MACROS") + codes.count("FILE_MACROS") == 1


def test_lying_header_is_caught_while_streaming(tmp_path: Path) -> None:
    path = corpus._bomb_lying(tmp_path)
    with zipfile.ZipFile(path) as zf:  # the directory itself looks harmless
        assert max(i.file_size for i in zf.infolist()) == 20_000
    assert code_of(path) == "INPUT_CORRUPT"


def test_reasons_hold_no_long_digit_runs(tmp_path: Path) -> None:
    from pmkscheck.mask import scrub

    for build, limits in ((corpus._cell_xfd, Limits()),
                          (corpus._sst_millions, Limits(max_cells=1_999_999)),
                          (corpus._bomb_ratio, Limits(max_inflated_bytes=50_000_000))):
        with pytest.raises(InputError) as info:
            guard.inspect(build(tmp_path), limits)
        reason = str(info.value.params.get("reason", ""))
        assert reason and scrub(reason) == reason, reason


@pytest.mark.slow
def test_real_million_row_sheet_passes_the_guard(tmp_path: Path) -> None:
    """Calibration: 1M rows x 15 columns as xlsxwriter writes them (inline strings) pass.

    Writing with xlsxwriter itself takes ~2 minutes here, so the sheet XML is generated the
    way xlsxwriter's ``constant_memory`` mode writes it (same markup, realistic varied values),
    at the same deflate level (6): ~810 MB of XML, ratio ~9.
    """
    path = _million_rows(tmp_path / "sejuta.xlsx")
    with zipfile.ZipFile(path) as zf:
        sheet = zf.getinfo("xl/worksheets/sheet1.xml")
    assert sheet.file_size > 500_000_000
    assert 4 < sheet.file_size / sheet.compress_size < 30
    t0 = time.perf_counter()
    assert guard.inspect(path, Limits()) == []
    assert time.perf_counter() - t0 < 60


def _million_rows(path: Path, n: int = 1_000_000) -> Path:
    """Rows drawn from 20,000 pre-rendered varied records (too far apart for deflate's 32 kB
    window to see the repeats, so the ratio stays realistic); only the row number varies."""
    import random

    rng = random.Random(7)
    syl = ["ba", "di", "ru", "sa", "ti", "ma", "no", "ha", "ri", "la", "wa", "yu", "ko", "ne"]
    names = [" ".join(("".join(rng.choice(syl) for _ in range(3))).title()
                      for _ in range(2)) for _ in range(5000)]
    desa = ["Desa " + "".join(rng.choice(syl) for _ in range(2)).title() for _ in range(300)]
    kec = ["Sangatta Utara", "Sangatta Selatan", "Bengalon", "Muara Wahau"]
    jenis = ["Lanjut Usia Telantar", "Penyandang Disabilitas", "Fakir Miskin", "Anak Telantar"]
    tempat = ["Sangatta", "Samarinda", "Balikpapan", "Bontang", "Tenggarong"]

    def t(col: str, v: str) -> str:
        return f'<c r="{col}{{r}}" t="inlineStr"><is><t>{v}</t></is></c>'

    pool = []
    for _ in range(20_000):
        d, m, y = rng.randint(1, 28), rng.randint(1, 12), rng.randint(1940, 2019)
        k = rng.randint(1, 4)
        nik = f"64080{k}{d:02d}{m:02d}{y % 100:02d}{rng.randint(1, 9999):04d}"
        kk = f"64080{k}{rng.randint(0, 10 ** 10 - 1):010d}"
        pool.append(
            '<row r="{r}" spans="1:15"><c r="A{r}"><v>{i}</v></c>'
            + t("B", nik) + t("C", kk) + t("D", rng.choice(names)) + t("E", rng.choice("LP"))
            + t("F", rng.choice(tempat)) + t("G", f"{d:02d}-{m:02d}-{y}")
            + t("H", "Jl. " + rng.choice(names).split()[0])
            + t("I", str(rng.randint(1, 29))) + t("J", str(rng.randint(1, 9)))
            + t("K", rng.choice(desa)) + t("L", kec[k - 1]) + t("M", "Kutai Timur")
            + t("N", rng.choice(jenis)) + "</row>")
    head = corpus.sheet_xml("@@", f"A1:O{n + 1}").split("@@")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        for name, data in corpus.xlsx_parts({"Data": ""}).items():
            if name != "xl/worksheets/sheet1.xml":
                zf.writestr(name, data)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write(head[0].encode())
            fh.write(corpus.sheet_rows_xml([corpus.HEADER]).encode())
            picks = [rng.randrange(len(pool)) for _ in range(n)]
            for start in range(0, n, 20_000):
                fh.write("".join(pool[picks[i]].format(r=i + 2, i=i + 1)
                                 for i in range(start, min(n, start + 20_000))).encode())
            fh.write(head[1].encode())
    return path


# --------------------------------------------------------------------------- isolation


def _settings(**limits: object) -> Settings:
    return Settings(limits=dataclasses.replace(Limits(), **limits))


def test_isolated_result_equals_in_process(tmp_path: Path) -> None:
    path = corpus.valid_xlsx(tmp_path / "a.xlsx", n=50)
    a = isolate.read_isolated(path, _settings(isolate=False))
    b = isolate.read_isolated(path, _settings())
    assert len(a.tables) == len(b.tables) == 1
    ta, tb = a.tables[0], b.tables[0]
    assert ta.data.equals(tb.data) and list(ta.data.dtypes) == list(tb.data.dtypes)
    assert ta.kinds.keys() == tb.kinds.keys()
    assert all(ta.kinds[k].equals(tb.kinds[k]) for k in ta.kinds)
    assert (ta.columns, ta.letters, ta.headers, ta.skipped_rows, ta.notices) == (
        tb.columns, tb.letters, tb.headers, tb.skipped_rows, tb.notices)
    assert all(v is None or isinstance(v, str) for v in tb.data["keterangan"])


def test_transport_keeps_odd_columns(tmp_path: Path) -> None:
    import numpy as np
    import pandas as pd

    frame = pd.DataFrame({"s": ["a", None, ""], "mixed": ["a", 1.5, None],
                          "n": np.array([1, 2, 3]), "nan": [np.nan, "x", None]})
    payload = {"f": frame, "s": pd.Series(["x", None, "y"], dtype=object)}
    import pickle

    back = pickle.loads(bytes(isolate._dumps(payload)))
    pd.testing.assert_frame_equal(back["f"], frame)
    pd.testing.assert_series_equal(back["s"], payload["s"])
    assert back["f"]["nan"].iloc[0] is not None  # NaN stays NaN (not turned into None)


def _reader(monkeypatch: pytest.MonkeyPatch, fn) -> None:
    """Make the isolated child run ``fn`` instead of the real reader (the name isolate calls)."""
    monkeypatch.setattr(isolate, "read_file", fn)


def test_abort_in_the_reader_is_reader_failed(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    _reader(monkeypatch, lambda *a, **k: os.abort())
    with pytest.raises(InputError) as info:
        isolate.read_isolated(tmp_path / "x.xlsx", _settings())
    assert info.value.code == "INPUT_READER_FAILED"
    assert "SIGABRT" in str(info.value.params["reason"])


def test_segfault_in_the_reader_is_reader_failed(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    import signal

    _reader(monkeypatch, lambda *a, **k: os.kill(os.getpid(), signal.SIGSEGV))
    with pytest.raises(InputError) as info:
        isolate.read_isolated(tmp_path / "x.xlsx", _settings())
    assert info.value.code == "INPUT_READER_FAILED"


def test_hung_reader_is_killed_at_the_time_limit(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    _reader(monkeypatch, lambda *a, **k: time.sleep(60))
    t0 = time.monotonic()
    with pytest.raises(InputError) as info:
        isolate.read_isolated(tmp_path / "x.xlsx", _settings(timeout_s=1))
    assert info.value.code == "INPUT_READER_FAILED"
    assert time.monotonic() - t0 < 15


def test_memory_limit_is_reader_failed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def hog(*a: object, **k: object) -> None:
        blocks = []
        while True:
            blocks.append(bytearray(64 << 20))

    _reader(monkeypatch, hog)
    with pytest.raises(InputError) as info:
        isolate.read_isolated(tmp_path / "x.xlsx", _settings(memory_mb=1024))
    assert info.value.code == "INPUT_READER_FAILED"
    assert "memory" in str(info.value.params["reason"])


def test_input_error_and_bugs_pass_through_unchanged(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(path: Path, *a: object) -> None:
        raise InputError("INPUT_NO_TABLE", path, schema="s", expected="e", found="f")

    _reader(monkeypatch, refuse)
    with pytest.raises(InputError) as info:
        isolate.read_isolated(tmp_path / "x.xlsx", _settings())
    assert (info.value.code, info.value.path, dict(info.value.params)) == (
        "INPUT_NO_TABLE", str(tmp_path / "x.xlsx"),
        {"path": str(tmp_path / "x.xlsx"), "schema": "s", "expected": "e", "found": "f"})

    def bug(*a: object) -> None:
        raise KeyError("kolom")

    _reader(monkeypatch, bug)
    with pytest.raises(KeyError):
        isolate.read_isolated(tmp_path / "x.xlsx", _settings())


def test_isolate_false_reads_in_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pids: list[int] = []
    _reader(monkeypatch, lambda *a, **k: pids.append(os.getpid()) or "result")
    assert isolate.read_isolated(tmp_path / "x", _settings(isolate=False)) == "result"
    assert pids == [os.getpid()]


def test_child_output_never_reaches_our_stdout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               capfd: pytest.CaptureFixture[str]) -> None:
    def noisy(*a: object) -> str:
        os.write(1, b"6408011708500001 on stdout\n")
        os.write(2, b"6408011708500001 on stderr\n")
        return "ok"

    _reader(monkeypatch, noisy)
    monkeypatch.delenv("PMKSCHECK_DEBUG", raising=False)
    assert isolate.read_isolated(tmp_path / "x", _settings()) == "ok"
    out, err = capfd.readouterr()
    assert "6408011708500001" not in out + err


def test_library_error_text_is_scrubbed_by_the_cli(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """A reader bug whose message quotes a cell (through the isolation) never leaks the NIK."""
    from pmkscheck import cli

    def bug(*a: object) -> None:
        raise ValueError("cannot convert '6408011708500001' in cell B7")

    _reader(monkeypatch, bug)
    monkeypatch.delenv("PMKSCHECK_DEBUG", raising=False)
    path = corpus.valid_xlsx(tmp_path / "a.xlsx")
    with pytest.raises(SystemExit) as info:
        cli.main(["validate", "--no-write", "--quiet", str(path)])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "ValueError" in err and "6408011708500001" not in err
