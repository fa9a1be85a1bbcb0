"""Stage ⑤ write: ``styles.xml`` of the annotated workbook.

Fills per severity and cloned cell formats, so a flagged cell keeps its number format, font,
border and alignment.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from pmkscheck.issues import Severity
from pmkscheck.write.ooxml import NS_MAIN, Unpatchable, tag_prefix

if TYPE_CHECKING:
    pass


FILL = {Severity.ERROR: "FFFFC7CE", Severity.WARNING: "FFFFEB9C", Severity.INFO: "FFDDEBF7"}


class Styles:
    """Appends fills, fonts and cell formats to an existing ``styles.xml`` (string edits only)."""

    def __init__(self, xml: str | None) -> None:
        if xml is None:
            xml = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                   f'<styleSheet xmlns="{NS_MAIN}"><fonts count="1"><font><sz val="11"/>'
                   '<name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill '
                   'patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
                   '</fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/>'
                   '</border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" '
                   'fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="1"><xf numFmtId="0" '
                   'fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs></styleSheet>')
        self.xml = xml
        self.p = tag_prefix(xml, "styleSheet")
        self.fonts = self._items("fonts", "font")
        self.fills = self._items("fills", "fill")
        self.borders = self._items("borders", "border")
        self.xfs = self._items("cellXfs", "xf")
        if not self.xfs:
            self.xfs = [f'<{self.p}xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>']
        self.n_fonts, self.n_fills, self.n_borders = (
            len(self.fonts), len(self.fills), len(self.borders))
        self.n_xfs = len(self.xfs)
        self.new_fonts: list[str] = []
        self.new_fills: list[str] = []
        self.new_borders: list[str] = []
        self.new_xfs: list[str] = []
        self._fill_ids: dict[str, int] = {}
        self._clones: dict[tuple[int, Severity], int] = {}
        self._made: dict[tuple[Any, ...], int] = {}

    def _block(self, outer: str) -> re.Match[str] | None:
        p = re.escape(self.p)
        return re.search(rf"<{p}{outer}\b[^>]*?(?:/>|>(.*?)</{p}{outer}\s*>)", self.xml, re.S)

    def _items(self, outer: str, inner: str) -> list[str]:
        m = self._block(outer)
        if m is None or not m.group(1):
            return []
        p = re.escape(self.p)
        return re.findall(rf"<{p}{inner}\b[^>]*?/>|<{p}{inner}\b[^>]*?>.*?</{p}{inner}\s*>",
                          m.group(1), re.S)

    def fill(self, argb: str) -> int:
        """Index of a solid fill of colour ``argb`` (added once)."""
        if argb not in self._fill_ids:
            p = self.p
            self.new_fills.append(
                f'<{p}fill><{p}patternFill patternType="solid"><{p}fgColor rgb="{argb}"/>'
                f'<{p}bgColor indexed="64"/></{p}patternFill></{p}fill>')
            self._fill_ids[argb] = max(self.n_fills, 2) + len(self.new_fills) - 1
        return self._fill_ids[argb]

    def font(self, bold: bool = False, size: int = 11, color: str | None = None,
             underline: bool = False) -> int:
        """Index of a new Calibri font."""
        key = ("font", bold, size, color, underline)
        if key not in self._made:
            p = self.p
            body = (f"<{p}b/>" if bold else "") + (f"<{p}u/>" if underline else "")
            body += f'<{p}sz val="{size}"/>'
            body += f'<{p}color rgb="{color}"/>' if color else ""
            body += f'<{p}name val="Calibri"/><{p}family val="2"/>'
            self.new_fonts.append(f"<{p}font>{body}</{p}font>")
            self._made[key] = max(self.n_fonts, 1) + len(self.new_fonts) - 1
        return self._made[key]

    def thin_border(self) -> int:
        """Index of a thin grey border on all sides."""
        key = ("border",)
        if key not in self._made:
            p = self.p
            side = "".join(f'<{p}{s} style="thin"><{p}color rgb="FFBFBFBF"/></{p}{s}>'
                           for s in ("left", "right", "top", "bottom"))
            self.new_borders.append(f"<{p}border>{side}<{p}diagonal/></{p}border>")
            self._made[key] = max(self.n_borders, 1) + len(self.new_borders) - 1
        return self._made[key]

    def _add_xf(self, xf: str) -> int:
        self.new_xfs.append(xf)
        return self.n_xfs + len(self.new_xfs) - 1

    def flagged(self, base: int, severity: Severity) -> int:
        """A clone of cell format ``base`` with the severity's fill (keeps font, format, border)."""
        key = (base, severity)
        if key not in self._clones:
            src = self.xfs[base] if 0 <= base < len(self.xfs) else self.xfs[0]
            fill = self.fill(FILL[severity])
            m = re.match(r"<[^>]*?(/?)>", src, re.S)
            assert m is not None
            head = m.group(0)
            a = re.sub(r'\s(fillId|applyFill)="[^"]*"', "", head)
            a = re.sub(r"\s*/?>$", "", a) + f' fillId="{fill}" applyFill="1"'
            self._clones[key] = self._add_xf(a + m.group(1) + ">" + src[m.end():])
        return self._clones[key]

    def new(self, font: int = 0, fill: int = 0, num_fmt: int = 0, border: int = 0,
            wrap: bool = False, quote: bool = False, valign: str | None = "top",
            halign: str | None = None) -> int:
        """A fresh cell format for the summary and problem sheets."""
        key = ("xf", font, fill, num_fmt, border, wrap, quote, valign, halign)
        if key not in self._made:
            p = self.p
            attrs = f'numFmtId="{num_fmt}" fontId="{font}" fillId="{fill}" borderId="{border}" ' \
                    'xfId="0" applyNumberFormat="1" applyFont="1" applyFill="1" applyBorder="1"'
            if quote:
                attrs += ' quotePrefix="1"'
            al = ""
            if wrap or valign or halign:
                al = f"<{p}alignment" + (f' horizontal="{halign}"' if halign else "") + (
                    f' vertical="{valign}"' if valign else "") + (
                    ' wrapText="1"' if wrap else "") + "/>"
                attrs += ' applyAlignment="1"'
            self._made[key] = self._add_xf(f"<{p}xf {attrs}>{al}</{p}xf>")
        return self._made[key]

    def _replace(self, xml: str, outer: str, items: list[str], new: list[str],
                 before: tuple[str, ...]) -> str:
        if not new:
            return xml
        p = self.p
        allitems = items + new
        block = f'<{p}{outer} count="{len(allitems)}">' + "".join(allitems) + f"</{p}{outer}>"
        pe = re.escape(p)
        m = re.search(rf"<{pe}{outer}\b[^>]*?(?:/>|>(.*?)</{pe}{outer}\s*>)", xml, re.S)
        if m is not None:
            return xml[: m.start()] + block + xml[m.end():]
        for tag in before:
            m2 = re.search(rf"<{pe}{tag}\b", xml)
            if m2 is not None:
                return xml[: m2.start()] + block + xml[m2.start():]
        m3 = re.search(rf"</{pe}styleSheet\s*>", xml)
        if m3 is None:
            raise Unpatchable("bad styles")
        return xml[: m3.start()] + block + xml[m3.start():]

    def render(self) -> str:
        """The new ``styles.xml``."""
        xml = self.xml
        order = ("numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles",
                 "dxfs", "tableStyles", "colors", "extLst")
        fills = self.fills
        if self.new_fills and len(fills) < 2:
            p = self.p
            fills = [f'<{p}fill><{p}patternFill patternType="none"/></{p}fill>',
                     f'<{p}fill><{p}patternFill patternType="gray125"/></{p}fill>']
        fonts = self.fonts or ([f'<{self.p}font><{self.p}sz val="11"/></{self.p}font>']
                               if self.new_fonts else [])
        borders = self.borders or ([f"<{self.p}border/>"] if self.new_borders else [])
        xml = self._replace(xml, "fonts", fonts, self.new_fonts, order[2:])
        xml = self._replace(xml, "fills", fills, self.new_fills, order[3:])
        xml = self._replace(xml, "borders", borders, self.new_borders, order[4:])
        xml = self._replace(xml, "cellXfs", self.xfs, self.new_xfs, order[6:])
        return xml
