"""Stage ⑤ write: the parts of an xlsx package (SpreadsheetML) as text.

Namespaces and content types, Excel's limits, XML escaping, relationships, unique part names and
ids, content-type entries and inserting a child element in schema order. Regex-level on purpose:
the workbook is never loaded into an object model (see :mod:`pmkscheck.write.annotated`).
"""

from __future__ import annotations

import html
import posixpath
import re
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    pass


class Unpatchable(Exception):
    """The workbook's XML is not in a shape the patcher handles; the data is rebuilt instead."""


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


MAX_ROWS = 1_048_576
MAX_LINKS = 65_530  # Excel's limit of hyperlinks per worksheet
MAX_COMMENTS = 100_000  # beyond this Excel becomes unusable; cells are still filled and listed
MAX_TEXT = 32_767
MAX_COMMENT = 2_000  # characters per comment; longer lists end with "..."


NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
REL_WORKSHEET = NS_REL + "/worksheet"
REL_COMMENTS = NS_REL + "/comments"
REL_VML = NS_REL + "/vmlDrawing"
REL_STYLES = NS_REL + "/styles"
CT_WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
CT_COMMENTS = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"
CT_VML = "application/vnd.openxmlformats-officedocument.vmlDrawing"
CT_WB = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
CT_WB_MACRO = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"


_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ATTR = re.compile(r'([\w:.-]+)\s*=\s*"([^"]*)"')


NEEDS_ESCAPE = re.compile("[&<>\"'\r\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def open_package(target: str | Path, compresslevel: int | None = None) -> zipfile.ZipFile:
    """A new xlsx package (zip) at ``target`` for writing: stored, or deflated at ``compresslevel``.

    The one place an xlsx package is opened for writing; the writers reach it through
    :mod:`pmkscheck.write.xlsx` (``tests/test_architecture.py`` checks this).
    """
    if compresslevel is None:
        return zipfile.ZipFile(target, "w", zipfile.ZIP_STORED)
    return zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel)


def x(text: object) -> str:
    """Escape text for XML element content/attributes (illegal characters dropped)."""
    s = str(text)
    if len(s) <= MAX_TEXT and not NEEDS_ESCAPE.search(s):
        return s
    s = _ILLEGAL_XML.sub("", s)
    if len(s) > MAX_TEXT:
        s = s[: MAX_TEXT - 3] + "..."
    return html.escape(s, quote=True).replace("\r", "&#13;")


def parse_attrs(raw: str) -> dict[str, str]:
    """The attributes of a start tag's text, by name."""
    return dict(_ATTR.findall(raw))


def unescape(text: str) -> str:
    """An attribute value as text (XML entities resolved)."""
    return html.unescape(text)


def tag_prefix(xml: str, tag: str) -> str:
    """The namespace prefix (``x:`` or empty) the part uses for ``tag``."""
    m = re.search(rf"<(\w+:)?{tag}\b", xml)
    if m is None:
        raise Unpatchable(f"no <{tag}>")
    return m.group(1) or ""


def rels_path(part: str) -> str:
    """The relationships part of ``part`` (``xl/_rels/workbook.xml.rels``)."""
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def resolve_part(base_part: str, target: str) -> str:
    """A relationship target as a part name, relative to ``base_part``."""
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(base_part), target))


def relationships(xml: str) -> list[dict[str, str]]:
    """Every ``<Relationship>`` of a relationships part, as its attributes."""
    return [parse_attrs(m) for m in re.findall(r"<(?:\w+:)?Relationship\b([^>]*)/?>", xml)]


def add_relationships(xml: str | None, rels: list[tuple[str, str, str]]) -> str:
    """A relationships part with ``(id, type, target)`` entries added (created if ``None``)."""
    body = "".join(f'<Relationship Id="{i}" Type="{t}" Target="{x(tg)}"/>' for i, t, tg in rels)
    if xml is None:
        return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                f'<Relationships xmlns="{NS_PKG_REL}">{body}</Relationships>')
    m = re.search(r"</(\w+:)?Relationships\s*>", xml)
    if m is None:
        m2 = re.search(r"<((?:\w+:)?Relationships)\b([^>]*)/>", xml)
        if m2 is None:
            raise Unpatchable("bad relationships part")
        return xml[: m2.start()] + f"<{m2.group(1)}{m2.group(2)}>{body}</{m2.group(1)}>" + \
            xml[m2.end():]
    p = m.group(1) or ""
    if p:
        body = body.replace("<Relationship ", f"<{p}Relationship ")
    return xml[: m.start()] + body + xml[m.start():]


def unique_id(existing: set[str], stem: str) -> str:
    """``stem1``, ``stem2`` ... the first not in ``existing`` (which gains it)."""
    n = 1
    while f"{stem}{n}" in existing:
        n += 1
    existing.add(f"{stem}{n}")
    return f"{stem}{n}"


def unique_part(names: set[str], pattern: str) -> str:
    """``pattern`` numbered 1, 2 ... the first part name not in ``names`` (which gains it)."""
    n = 1
    while pattern.format(n) in names:
        n += 1
    names.add(pattern.format(n))
    return pattern.format(n)


def ensure_ns(xml: str, root: str, prefix: str, uri: str) -> tuple[str, str]:
    """Make sure the root element declares ``uri``; return (xml, prefix used)."""
    m = re.search(rf"<(?:\w+:)?{root}\b[^>]*>", xml)
    if m is None:
        raise Unpatchable(f"no <{root}>")
    tag = m.group(0)
    found = re.search(rf'xmlns:(\w+)="{re.escape(uri)}"', tag)
    if found:
        return xml, found.group(1)
    new_tag = tag[:-1].rstrip("/") + f' xmlns:{prefix}="{uri}"' + ("/>" if tag.endswith("/>")
                                                                    else ">")
    return xml[: m.start()] + new_tag + xml[m.end():], prefix


AFTER_LEGACY = ("legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls",
                 "webPublishItems", "tableParts", "extLst")


_TAG = re.compile(r"<(/?)([\w:.-]+)\b[^>]*?(/?)>")


def insert_child(xml: str, p: str, element: str, before: tuple[str, ...], root: str) -> str:
    """Insert ``element`` as a child of the root, before the first child named in ``before``."""
    pe = re.escape(p)
    end = xml.rfind(f"</{p}sheetData")
    if end < 0:
        m0 = re.search(rf"<{pe}sheetData\b[^>]*/>", xml)
        offset = m0.end() if m0 else 0
    else:
        offset = xml.index(">", end) + 1
    depth = 1  # children of the root that follow sheetData are at depth 1
    for m in _TAG.finditer(xml, offset):
        closing, name, selfclosing = m.group(1), m.group(2).split(":")[-1], m.group(3)
        if closing:
            depth -= 1
            if depth == 0:  # </worksheet>
                return xml[: m.start()] + element + xml[m.start():]
            continue
        if depth == 1 and name in before:
            return xml[: m.start()] + element + xml[m.start():]
        if not selfclosing and not m.group(0).startswith(("<?", "<!")):
            depth += 1
    raise Unpatchable(f"unterminated {root}")


def add_override(ct: str, part: str, content_type: str) -> str:
    """``[Content_Types].xml`` with an ``<Override>`` for ``part`` (kept if present)."""
    if f'PartName="{part}"' in ct:
        return ct
    m = re.search(r"</(\w+:)?Types\s*>", ct)
    if m is None:
        raise Unpatchable("bad [Content_Types].xml")
    p = m.group(1) or ""
    return ct[: m.start()] + f'<{p}Override PartName="{part}" ContentType="{content_type}"/>' + \
        ct[m.start():]


def add_default(ct: str, ext: str, content_type: str) -> str:
    """``[Content_Types].xml`` with a ``<Default>`` for the extension ``ext``."""
    m = re.search(r"<((?:\w+:)?)Types\b[^>]*>", ct)
    if m is None:
        raise Unpatchable("bad [Content_Types].xml")
    p = m.group(1)
    return ct[: m.end()] + f'<{p}Default Extension="{ext}" ContentType="{content_type}"/>' + \
        ct[m.end():]
