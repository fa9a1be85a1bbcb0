"""Hypothesis mutation of a valid workbook and CSV (issue 5).

Bit flips, truncation, duplicated or deleted zip entries, spliced XML, mangled CSV text: the
in-process API (``pmkscheck.validate(path, write=False)``, reading isolated as the CLI does) may
only produce a clean result or a catalogued error -- never an uncaught exception, a crash of
the test process or a hang. ``deadline=None`` and modest example counts keep the suite fast.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from functools import cache
from pathlib import Path

import corpus
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pmkscheck
from pmkscheck.rules import catalogue

SETTINGS = settings(max_examples=50, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@cache
def base_xlsx() -> bytes:
    with tempfile.TemporaryDirectory() as d:
        return corpus.valid_xlsx(Path(d) / "a.xlsx", n=8).read_bytes()


@cache
def base_csv() -> bytes:
    with tempfile.TemporaryDirectory() as d:
        return corpus.valid_csv(Path(d) / "a.csv", n=8).read_bytes()


@cache
def base_parts() -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(base_xlsx())) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def outcome(data: bytes, suffix: str) -> str:
    """Validate ``data`` written to a file; 'ok' or the catalogued error code."""
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / f"mutan{suffix}"
        path.write_bytes(data)
        report = pmkscheck.validate(path, write=False, progress=False)
        assert path.read_bytes() == data  # never modified
    # A mutant may hold several tables (e.g. a spliced workbook.xml that lists a sheet twice):
    # each one must be a clean result or a catalogued error.
    assert report.files
    errors = [entry.error for entry in report.files if entry.error is not None]
    for code in errors:
        assert code in catalogue(), code
    return errors[0] if errors else "ok"


def test_the_bases_are_clean() -> None:
    assert outcome(base_xlsx(), ".xlsx") == "ok"
    assert outcome(base_csv(), ".csv") == "ok"


def _flip(data: bytes, flips: list[tuple[int, int]]) -> bytes:
    buf = bytearray(data)
    for pos, bit in flips:
        buf[pos % len(buf)] ^= 1 << bit
    return bytes(buf)


flips = st.lists(st.tuples(st.integers(0, 1 << 20), st.integers(0, 7)), min_size=1, max_size=8)


@SETTINGS
@given(flips=flips)
def test_bit_flips_xlsx(flips: list[tuple[int, int]]) -> None:
    outcome(_flip(base_xlsx(), flips), ".xlsx")


@SETTINGS
@given(flips=flips)
def test_bit_flips_csv(flips: list[tuple[int, int]]) -> None:
    outcome(_flip(base_csv(), flips), ".csv")


@settings(SETTINGS, max_examples=30)
@given(cut=st.floats(0.0, 1.0, exclude_max=True), as_csv=st.booleans())
def test_truncation(cut: float, as_csv: bool) -> None:
    data = base_csv() if as_csv else base_xlsx()
    outcome(data[: int(len(data) * cut)], ".csv" if as_csv else ".xlsx")


def _rezip(parts: list[tuple[str, bytes]]) -> bytes:
    entries = [corpus.RawEntry(name, data) for name, data in parts]
    with tempfile.TemporaryDirectory() as d:
        return corpus.write_raw_zip(Path(d) / "z.zip", entries).read_bytes()


@settings(SETTINGS, max_examples=40)
@given(data=st.data())
def test_zip_entries_duplicated_deleted_spliced(data: st.DataObject) -> None:
    parts = list(base_parts().items())
    names = [n for n, _ in parts]
    op = data.draw(st.sampled_from(["duplicate", "delete", "splice", "swap"]))
    i = data.draw(st.integers(0, len(parts) - 1))
    if op == "duplicate":
        j = data.draw(st.integers(0, len(parts) - 1))
        parts.append((names[i], parts[j][1]))
    elif op == "delete":
        del parts[i]
    elif op == "swap":
        j = data.draw(st.integers(0, len(parts) - 1))
        parts[i], parts[j] = (names[i], parts[j][1]), (names[j], parts[i][1])
    else:
        j = data.draw(st.integers(0, len(parts) - 1))
        target, donor = parts[i][1], parts[j][1]
        a = data.draw(st.integers(0, len(target)))
        b = data.draw(st.integers(a, len(target)))
        c = data.draw(st.integers(0, len(donor)))
        e = data.draw(st.integers(c, min(len(donor), c + 4096)))
        parts[i] = (names[i], target[:a] + donor[c:e] + target[b:])
    outcome(_rezip(parts), ".xlsx")


_CSV_NOISE = st.sampled_from(['"', ";", ",", "\t", "\n", "\r", "\x00", "\ufeff", "'", "=",
                              "\u202e", "6408011708500001", "é", "\\"])


@settings(SETTINGS, max_examples=40)
@given(data=st.data())
def test_csv_text_mangled(data: st.DataObject) -> None:
    text = base_csv().decode("utf-8")
    for _ in range(data.draw(st.integers(1, 6))):
        pos = data.draw(st.integers(0, len(text)))
        noise = data.draw(_CSV_NOISE) * data.draw(st.integers(1, 3))
        text = text[:pos] + noise + text[pos:]
    encoding = data.draw(st.sampled_from(["utf-8", "utf-16", "cp1252"]))
    outcome(text.encode(encoding, errors="replace"), ".csv")


@settings(SETTINGS, max_examples=30)
@given(data=st.data())
def test_sheet_xml_spliced_with_markup(data: st.DataObject) -> None:
    """Well-formed zip, broken or hostile sheet XML: odd references, bad tags, huge numbers."""
    parts = dict(base_parts())
    xml = parts["xl/worksheets/sheet1.xml"].decode()
    snippet = data.draw(st.sampled_from([
        '<c r="XFD3"><v>1</v></c>', '<c r="A0"><v>1</v></c>', '<c r="ZZZZ9"><v>1</v></c>',
        '<c r="B5" t="s"><v>99999</v></c>', '<c r="B5" t="n"><v>1e400</v></c>',
        '<c r="B5" t="d"><v>not-a-date</v></c>', '<c r="B5" t="e"><v>#REF!</v></c>',
        '<c r="B5" t="b"><v>7</v></c>', "</row>", "<row>", '<row r="0">', '<row r="-5">',
        "<c>", "&bogus;", "<![CDATA[x]]>", '<row r="3">', '<f>SUM(A:A)</f>',
        '<c r="B5"><is><t>x</t></is></c>',
    ]))
    pos = data.draw(st.integers(0, len(xml)))
    parts["xl/worksheets/sheet1.xml"] = (xml[:pos] + snippet + xml[pos:]).encode()
    outcome(_rezip(list(parts.items())), ".xlsx")


@settings(SETTINGS, max_examples=300)
@given(flips=flips, cut=st.floats(0.05, 1.0))
def test_guard_alone_raises_only_catalogued_errors(flips: list[tuple[int, int]],
                                                    cut: float) -> None:
    """The guard (no fork, no parser: cheap, so many examples) on flipped + cut workbooks."""
    from pmkscheck.errors import InputError
    from pmkscheck.read import guard
    from pmkscheck.settings import Limits

    data = _flip(base_xlsx(), flips)
    data = data[: max(1, int(len(data) * cut))]
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "mutan.xlsx"
        path.write_bytes(data)
        try:
            notices = guard.inspect(path, Limits())
        except InputError as err:
            assert err.code in catalogue()
        else:
            assert all(n.code in catalogue() for n in notices)
