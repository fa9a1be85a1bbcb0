"""Text primitives shared by every stage: trimmed, NFC, no invisible or control characters.

Pure functions on values or whole columns (per distinct value, never per row). They sit at the
bottom of the import layers (docs/ARCHITECTURE.md) because readers, domain knowledge, normalisers
and checks all use them.
"""

from __future__ import annotations

import unicodedata

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pmkscheck import distinct
from pmkscheck.distinct import take_or_none

# Invisible or odd characters typed or pasted into cells.
_INVISIBLE = {"\u200b": "", "\u200c": "", "\u200d": "", "\ufeff": "", "\u2060": "",
              "\u00a0": " ", "\u2007": " ", "\u202f": " ", "\t": " ", "\r": " ", "\n": " "}
# Other control characters (NUL, BEL, ...) never belong in a cell: removed, and reported by
# CELL_CONTROL_CHARACTERS (pmkscheck/checks/cells.py).
CONTROL_CHARS = "".join(chr(c) for c in (*range(0, 9), 11, 12, *range(14, 32), 127))
_INVISIBLE.update(dict.fromkeys(CONTROL_CHARS, ""))
_INVISIBLE_TABLE = str.maketrans(_INVISIBLE)


def text_clean(raw: pd.Series) -> pd.Series:
    """Trim, NFC-normalise, drop zero-width characters and collapse runs of spaces.

    Empty strings become ``None``. Works per unique value (values repeat in real files), and
    only the unique values that need it go through Python: see :func:`clean_uniques`.
    """
    if raw.empty:
        return raw.astype(object)
    codes, cleaned = text_clean_codes(raw)
    return pd.Series(take_or_none(cleaned, codes), index=raw.index, dtype=object, name=raw.name)


def text_clean_codes(raw: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """:func:`text_clean` before it is spread over the rows: ``(codes, cleaned)``.

    ``cleaned[codes]`` is the clean column (code -1: missing), ``cleaned`` holds the clean
    value of each distinct raw value (so a clean value may appear more than once), for
    normalisers that go on working per distinct value.
    """
    codes, uniques = distinct.factorize(raw)
    return codes, clean_uniques(np.asarray(uniques, dtype=object))


def clean_text(value: object) -> str | None:
    r"""One value as :func:`text_clean` cleans it (``None`` when nothing is left).

    >>> clean_text("  Sangatta\u200b  Utara\t"), clean_text("\u00a0"), clean_text("e\u0301")
    ('Sangatta Utara', None, 'é')
    """
    s = " ".join(str(value).translate(_INVISIBLE_TABLE).split())
    return unicodedata.normalize("NFC", s) if s else None


# A value needs cleaning if it is empty, has a control character (tabs and newlines included),
# a leading, trailing or double space. Plain ASCII without any of these is already clean.
_NEEDS_CLEANING = r"^$|^ | $|  |[\x00-\x1f\x7f]"


def clean_uniques(uniques: np.ndarray) -> np.ndarray:
    """:func:`clean_text` of each unique value (object array in, object array out).

    One pyarrow pass picks the values that are plain, already clean ASCII (nearly all of them in
    real files); they are kept as they are, and only the others go through :func:`clean_text`.
    """
    out = uniques.copy()
    text = arrow_text(uniques)
    if text is None:
        todo = np.arange(len(uniques))
    else:
        plain = pc.and_(pc.string_is_ascii(text),
                        pc.invert(pc.match_substring_regex(text, _NEEDS_CLEANING)))
        todo = np.flatnonzero(~plain.to_numpy(zero_copy_only=False))
    out[todo] = [clean_text(uniques[i]) for i in todo]
    return out


def arrow_text(values: np.ndarray) -> pa.Array | None:
    """Object array of ``str`` -> pyarrow string array; ``None`` if any value is not a ``str``.

    Lets per-unique logic run in pyarrow's compute kernels instead of a Python loop.
    """
    if len(values) and pd.api.types.infer_dtype(values, skipna=False) != "string":
        return None
    return pa.array(values, type=pa.string())


__all__ = ["CONTROL_CHARS", "arrow_text", "clean_text", "clean_uniques", "text_clean",
           "text_clean_codes"]
