"""Masking of personal identifiers in everything pmkscheck prints or reports.

UU 27/2022 (PDP) and UU Adminduk Pasal 84: reports, logs and terminal output never show a full
NIK or No. KK unless the user asks (``--mask none``). Cleaned data files keep full values.

``partial`` keeps the region prefix and the serial and hides the birth/registration date digits
(``647203******0001``); ``full`` hides every digit; ``none`` shows values as they are.
Free text (messages, library errors) is scrubbed of any long digit run by :func:`scrub`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

ID_FIELDS = frozenset({"nik", "no_kk"})
# a run of digits with single spaces, dots, dashes or decimal commas between them ("6,47E+15")
_LONG_DIGITS = re.compile(r"\d(?:[\d.\-]|[ ,](?=\d)){8,}\d?(?:[eE][+\-]?\d+)?")
_DATES = re.compile(r"\d{1,4}[-./]\d{1,2}[-./]\d{1,4}(?:[ ,]+\d{1,4}[-./]\d{1,2}[-./]\d{1,4})*")


def mask_id(value: str | None, mode: str = "partial") -> str | None:
    """Mask an identifier.

    >>> mask_id("6472035708750001")
    '647203******0001'
    >>> mask_id("6472035708750001", "full")
    '****************'
    >>> mask_id("64720357087", "partial")
    '647203*****'
    """
    if value is None or mode == "none":
        return value
    if mode == "full":
        return re.sub(r"[0-9]", "*", value)
    digits = [i for i, ch in enumerate(value) if ch.isdigit()]
    if len(digits) >= 14:
        hide = set(digits[6:-4])
    else:
        hide = set(digits[6:])
    return "".join("*" if i in hide else ch for i, ch in enumerate(value))


def scrub(text: str | None, mode: str = "partial") -> str | None:
    """Mask every run of 10+ digits (with spaces, dots, dashes) in free text."""
    if text is None or mode == "none":
        return text
    return _LONG_DIGITS.sub(lambda m: _mask_run(m.group(0), mode), text)


def mask_params(params: Mapping[str, object], mode: str = "partial") -> dict[str, object]:
    """Message parameters with any identifier-looking text masked (the one place this is done).

    >>> mask_params({"nik": "6472035708750001", "count": 3})
    {'nik': '647203******0001', 'count': 3}
    """
    return {k: scrub(v, mode) if isinstance(v, str) else v for k, v in params.items()}


def _mask_run(run: str, mode: str) -> str:
    """Mask a digit run that may be an identifier; dates and short numbers stay readable."""
    if sum(ch.isdigit() for ch in run) < 10 or _DATES.fullmatch(run.strip(" ,")):
        return run
    return mask_id(run, mode) or ""


def mask_value(field: str | None, value: str | None, mode: str = "partial",
               lang: str = "id") -> str | None:
    """Mask a cell value for a report: identifiers by field, any other value by :func:`scrub`.

    A value longer than :data:`LONG_VALUE` characters is shown shortened (:func:`shorten`);
    it is masked before it is cut, so that a number cut in two is still masked.
    """
    if value is None:
        return value
    length = len(value)
    if length > LONG_VALUE:
        value = value[:SHOWN_CHARS + 20]
    if mode != "none":
        value = mask_id(value, mode) if field in ID_FIELDS else scrub(value, mode)
    if length > LONG_VALUE and value is not None:
        value = shorten(value, lang, length)
    return value


#: A value longer than this is shown in reports as its first :data:`SHOWN_CHARS` characters.
LONG_VALUE = 200
SHOWN_CHARS = 60


def shorten(value: str, lang: str = "id", length: int | None = None) -> str:
    """A long value as its first characters and its length (reports never print 2 MB cells).

    >>> shorten("A" * 2_000_000)[-23:]
    'A… (2.000.000 karakter)'
    >>> shorten("B" * 300, "en")[-19:]
    'B… (300 characters)'
    >>> shorten("SITI AMINAH")
    'SITI AMINAH'
    """
    length = len(value) if length is None else length
    if length <= LONG_VALUE:
        return value
    count = f"{length:,}"
    if lang == "id":
        return f"{value[:SHOWN_CHARS]}… ({count.replace(',', '.')} karakter)"
    return f"{value[:SHOWN_CHARS]}… ({count} characters)"
