"""CELL_ checks that apply to every column: control characters (NUL bytes and the like).

Stage ③ validate. Per unique value; the normalisers remove the characters in the cleaned data.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from pmkscheck import distinct
from pmkscheck.checks.base import CheckContext, check, findings
from pmkscheck.normalise import CONTROL_CHARS

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


CHECKS = [control_characters]
