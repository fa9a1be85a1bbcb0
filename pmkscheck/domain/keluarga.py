"""Family lists (``pmks-keluarga``, one row per Kartu Keluarga): the member count and family jenis.

Stage: domain (the ``member_count`` normaliser is in :mod:`pmkscheck.normalise.keluarga`), for
the ``jumlah_anggota`` field (Jumlah Anggota Keluarga, Jml ART, Jumlah Jiwa):

* a whole number as officers type it -- ``4``, ``04``, ``4.0``, ``4,0``, ``4 orang``, ``4 jiwa``,
  ``4 ART`` -- is cleaned to its digits (silently);
* a value that is not a whole number >= 1 (``0``, ``-2``, ``3,5``, ``empat``) keeps its text and
  gets the status ``invalid`` (checked as ``KELUARGA_ANGGOTA_INVALID``);
* ``-`` and blank cells are missing (they count against completeness only).

Derived: a ``ValueAnalysis`` under ``jumlah_anggota`` (:mod:`pmkscheck.normalise.records`): its
``value`` (Int64, the count; NA when missing or invalid) and ``status``. The province view adds
the values up as persons.

Fakir Miskin and Keluarga Bermasalah Sosial Psikologis are the jenis PMKS counted per family
(Permensos 8/2012, DOMAIN.md); :data:`FAMILY_JENIS` lists them.
"""

from __future__ import annotations

import re

FAMILY_JENIS = frozenset({"Fakir Miskin", "Keluarga Bermasalah Sosial Psikologis"})
"""Official jenis PMKS whose unit is the family (one row per KK in a family list)."""

INVALID = "invalid"
MAX_MEMBERS = 99  # more digits than that is not a family size (an ID typed in the wrong column)

_UNIT = r"(?:orang|org|jiwa|jw|art|anggota|or)\.?"
_COUNT_RE = re.compile(rf"^(\d{{1,6}})(?:[.,]0+)?(?:\s*{_UNIT})?$")
_MISSING_RE = re.compile(r"^[-\u2013\u2014?./\s]*$")


def member_count(text: object) -> tuple[str | None, int | None, str | None]:
    """One cell -> (clean text, count, status).

    >>> [member_count(v)[1:] for v in ("4", "04", "4.0", "4 orang", "3 Jiwa", "-", None)]
    [(4, None), (4, None), (4, None), (4, None), (3, None), (None, None), (None, None)]
    >>> [member_count(v)[2] for v in ("0", "3,5", "empat", "-2")]
    ['invalid', 'invalid', 'invalid', 'invalid']
    """
    if text is None:
        return None, None, None
    s = " ".join(str(text).split())
    if _MISSING_RE.match(s):
        return None, None, None
    m = _COUNT_RE.match(s.lower())
    if m and 1 <= int(m[1]) <= MAX_MEMBERS:
        return str(int(m[1])), int(m[1]), None
    return s, None, INVALID


__all__ = ["FAMILY_JENIS", "member_count",]
