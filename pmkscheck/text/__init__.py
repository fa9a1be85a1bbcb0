"""One text catalogue per language (:mod:`.id`, :mod:`.en`) and one way to look texts up.

Stage: shared by the views (report, write, cli, serve); imports nothing of pmkscheck but the
rules catalogue and :mod:`pmkscheck.mask`. **One fallback rule**: a language pmkscheck does not
have is Indonesian, and a text missing in a language is the Indonesian one
(:data:`pmkscheck.settings.LANGS` are the languages; ``Settings.lang`` is resolved once).

    >>> section("terminal", "en")["rows"]
    'data rows'
    >>> section("terminal", "xx")["rows"]
    'baris data'
    >>> num(1250, "id"), pct(0.992, "en")
    ('1.250', '99.2%')
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from pmkscheck.mask import mask_params, scrub
from pmkscheck.rules import format_text, rule
from pmkscheck.text import en as _en
from pmkscheck.text import id as _id

DEFAULT = "id"
CATALOGUES: dict[str, dict[str, dict[str, Any]]] = {"id": _id.TEXT, "en": _en.TEXT}


def lang_of(lang: str | None) -> str:
    """The language texts are shown in: ``lang`` if pmkscheck has it, else Indonesian."""
    return lang if lang in CATALOGUES else DEFAULT


def section(name: str, lang: str | None) -> Mapping[str, Any]:
    """The texts of one section in ``lang`` (a text it lacks: the Indonesian one)."""
    lang = lang_of(lang)
    texts = CATALOGUES[lang][name]
    if lang != DEFAULT:
        texts = {**CATALOGUES[DEFAULT][name], **texts}
    return MappingProxyType(texts)


def text(name: str, key: str, lang: str | None) -> str:
    """One text: ``text("cli", "internal_error", "en")``."""
    return section(name, lang)[key]


def num(n: int | float, lang: str) -> str:
    """Thousands separators as the reader writes them (id: 1.250, en: 1,250)."""
    out = f"{n:,}"
    return out.replace(",", ".") if lang == "id" else out


def pct(share: float, lang: str, digits: int = 1) -> str:
    """``0.992`` -> ``99,2%`` (id) / ``99.2%`` (en)."""
    out = f"{share * 100:.{digits}f}%"
    return out.replace(".", ",") if lang == "id" else out


def district_text(district: object, lang: str, unknown: str) -> str:
    """``6408 Kabupaten Kutai Timur (dari kode wilayah NIK)`` or ``unknown``."""
    if district is None:
        return unknown
    code, name, source = (getattr(district, k) for k in ("code", "name", "source"))
    return f"{code} {name} ({section('district_source', lang).get(source, source)})"


def data_date_text(data_date: object, lang: str) -> str:
    """``2024-12-31 (dari judul tabel)``, or ``-`` when the table has none (unreadable file)."""
    if data_date is None:
        return "-"
    source = getattr(data_date, "source", "")
    how = section("date_source", lang).get(source, source)
    return f"{data_date.date.isoformat()} ({how})"  # type: ignore[attr-defined]


def code_sentence(
    code: str, params: Mapping[str, Any], lang: str, mask: str = "partial"
) -> tuple[str, str] | None:
    """Message and fix of a rule code (an error pmkscheck raised), parameters masked.

    ``None`` for a code the catalogue does not know.
    """
    try:
        r = rule(code)
    except KeyError:
        return None
    shown = {k: "" if v is None else str(v) for k, v in params.items()}
    shown = mask_params(shown, mask)
    return format_text(r.t("message", lang), shown), format_text(r.t("fix", lang), shown)


__all__ = [
    "CATALOGUES",
    "DEFAULT",
    "code_sentence",
    "data_date_text",
    "district_text",
    "lang_of",
    "num",
    "pct",
    "scrub",
    "section",
    "text",
]
