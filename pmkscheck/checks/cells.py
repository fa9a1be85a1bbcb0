"""CELL_ checks that apply to every column: control characters, values too long for their field.

Stage ③ validate. Per unique value; the normalisers remove control characters in the cleaned
data. Long values stay as they are in the cleaned data; reports show them shortened
(:func:`pmkscheck.mask.shorten`).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from pmkscheck import distinct
from pmkscheck.checks.base import CheckContext, check, findings
from pmkscheck.cleantext import CONTROL_CHARS

_CONTROL = re.compile("[" + re.escape(CONTROL_CHARS) + "]")
_CONTROL_BYTES = CONTROL_CHARS.encode()
_BLOCK = 1 << 16  # cells joined per test


@check("CELL_CONTROL_CHARACTERS", needs=())
def control_characters(ctx: CheckContext) -> pd.DataFrame | None:
    """Cells holding NUL or other control characters (a broken export or a pasted binary)."""
    parts = []
    for name in ctx.table.fields:
        col = ctx.data[name]
        if not _may_hold_control(col.to_numpy(dtype=object)):
            continue
        codes, uniques = distinct.factorize(col)  # distinct even when they differ after a NUL
        bad = [isinstance(u, str) and _CONTROL.search(u) is not None for u in uniques]
        if any(bad):
            hit = np.array([*bad, False], dtype=bool)[codes]  # code -1 (missing): last, False
            parts.append(findings(col.index[hit], field=name))
    if not parts:
        return None
    return pd.concat(parts)


def _may_hold_control(values: np.ndarray) -> bool:
    """Could any cell hold a control character? One pass per block of joined cells.

    Nearly every column has none, so the per-value search runs only where this says yes (and
    always when a value is not a ``str``). The control characters are ASCII, so they show in the
    UTF-8 bytes as themselves: deleting them with ``bytes.translate`` and comparing lengths is
    a fast C loop. Blocks keep the joined text small.
    """
    for start in range(0, len(values), _BLOCK):
        try:  # None and "" are dropped; any other non-str raises
            joined = "".join(filter(None, values[start:start + _BLOCK])).encode()
        except (TypeError, UnicodeEncodeError):
            return True
        if len(joined.translate(None, _CONTROL_BYTES)) != len(joined):
            return True
    return False


#: The most characters a value of each field can sensibly hold (a name, a place, an address, a
#: free-text note); any other field: :data:`DEFAULT_MAX_CHARS`. Generous: real values are far
#: shorter, so a value past these is a paste, a merged block of rows or a broken export. Excel
#: itself holds at most 32,767 characters in a cell.
MAX_CHARS: dict[str, int] = {
    "no": 50, "nik": 100, "no_kk": 100, "id_dtks": 100, "nama": 100, "nama_ibu": 100,
    "jenis_kelamin": 50, "tempat_lahir": 100, "tanggal_lahir": 100, "umur": 50,
    "alamat": 250, "rt": 50, "rw": 50, "desa": 100, "kecamatan": 100, "kabupaten": 100,
    "jenis_pmks": 200, "hubungan_keluarga": 100, "keterangan": 1000,
}
DEFAULT_MAX_CHARS = 500


@check("CELL_TOO_LONG", needs=())
def too_long(ctx: CheckContext) -> pd.DataFrame | None:
    """Values longer than their field can sensibly hold (:data:`MAX_CHARS`).

    The longest value of a column is found with one C-speed pass; only a column holding a value
    past its limit is factorized, and the lengths are taken on its distinct values.
    """
    parts = []
    for name in ctx.table.fields:
        col = ctx.data[name]
        limit = MAX_CHARS.get(name, DEFAULT_MAX_CHARS)
        if _longest(col.to_numpy(dtype=object)) <= limit:
            continue
        codes, uniques = distinct.factorize(col)
        lengths = pd.Series(uniques, dtype=object).str.len().fillna(0).to_numpy(dtype=np.int64)
        lengths = np.append(lengths, 0)[codes]  # code -1 (missing): last, length 0
        hit = lengths > limit
        parts.append(findings(col.index[hit], field=name, length=lengths[hit], limit=limit))
    if not parts:
        return None
    return pd.concat(parts)


def _longest(values: np.ndarray) -> int:
    """Length of the longest text in ``values`` (``None`` and non-text count as short)."""
    try:
        return max(map(len, filter(None, values)), default=0)
    except TypeError:  # a value that is not text
        return max((len(v) for v in values if isinstance(v, str)), default=0)


CHECKS = [control_characters, too_long]
