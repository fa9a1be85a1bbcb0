"""CELL_ checks that apply to every column: control characters (NUL bytes and the like).

Stage ③ validate. Per unique value; the normalisers remove the characters in the cleaned data.
"""

from __future__ import annotations

import re

import pandas as pd

from pmkscheck.checks.base import CheckContext, check, findings
from pmkscheck.normalise import CONTROL_CHARS

_CONTROL = re.compile("[" + re.escape(CONTROL_CHARS) + "]")


@check("CELL_CONTROL_CHARACTERS", needs=())
def control_characters(ctx: CheckContext) -> pd.DataFrame | None:
    """Cells holding NUL or other control characters (a broken export or a pasted binary)."""
    parts = []
    for name in ctx.table.fields:
        col = ctx.data[name]
        uniques = pd.unique(col.dropna())
        bad = {u for u in uniques if isinstance(u, str) and _CONTROL.search(u)}
        if bad:
            hit = col.isin(bad)
            parts.append(findings(col.index[hit.to_numpy()], field=name))
    if not parts:
        return None
    return pd.concat(parts)


CHECKS = [control_characters]
