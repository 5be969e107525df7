"""Paragraph styles of the documents: one face, sizes in the plain official-form manner.

Every style names the embedded CJK face (a style left on reportlab's default would pull an
unembedded Helvetica into the file) and wraps Chinese text between characters.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from reportlab.lib import colors, textsplit
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph, paragraph

BODY_SIZE = 11.0
CELL_SIZE = 9.5
SMALL_SIZE = 8.0
MUTED_HEX = "#555555"
MUTED = colors.HexColor(MUTED_HEX)
RULE = colors.HexColor("#333333")
SHADE = colors.HexColor("#EEEEEE")
MARK_SHADE = colors.HexColor("#F6E3E3")

# Full-width punctuation must not start a line (reportlab's list covers the Japanese set
# only); its two CJK line breakers read these module globals.
_CANNOT_START = "\uff0c\uff1b\uff1a\uff01\uff1f\u300b\u3009\u201d\u2019"
for _module in (paragraph, textsplit):
    if not _module.ALL_CANNOT_START.endswith(_CANNOT_START):
        _module.ALL_CANNOT_START += _CANNOT_START


@dataclass(frozen=True)
class Styles:
    """The styles a renderer picks from (all in the same face)."""

    font: str
    title: ParagraphStyle
    number: ParagraphStyle
    heading: ParagraphStyle
    body: ParagraphStyle
    body_indent: ParagraphStyle  # first line indented two characters, as official prose is
    hanging: ParagraphStyle  # "问：" / "1." labels hanging left of the text
    question: ParagraphStyle  # hanging, with room above: each question opens a pair
    right: ParagraphStyle
    cell: ParagraphStyle
    cell_head: ParagraphStyle
    cell_small_head: ParagraphStyle
    cell_label: ParagraphStyle
    cell_right: ParagraphStyle
    cell_center: ParagraphStyle
    cell_small: ParagraphStyle  # dense tables (the evidence list)
    cell_small_right: ParagraphStyle
    small: ParagraphStyle
    hash: ParagraphStyle  # SHA-256 digests in tables


@functools.cache
def styles_for(font: str, cjk: bool = True) -> Styles:
    """The style set for ``font`` (built once per face and language kind).

    Text wraps between any two Chinese characters (reportlab's CJK mode, which also breaks
    English at spaces in wide paragraphs). Its one flaw, cutting an English word that does
    not fit a narrow cell, matters only for fixed labels, so in English documents the label
    and column-head styles wrap at spaces instead (``cjk=False``).
    """
    labels_wrap = "CJK" if cjk else None

    def style(name: str, size: float, **extra: object) -> ParagraphStyle:
        extra.setdefault("leading", round(size * 1.45, 1))
        extra.setdefault("textColor", colors.black)
        return ParagraphStyle(name, fontName=font, fontSize=size, wordWrap="CJK", **extra)

    cell = style("cell", CELL_SIZE, leading=CELL_SIZE * 1.35)
    small_cell = style("cell_small", SMALL_SIZE, leading=SMALL_SIZE * 1.3)
    return Styles(
        font=font,
        title=style("title", 20, leading=30, alignment=TA_CENTER, spaceAfter=4),
        number=style("number", BODY_SIZE, alignment=TA_CENTER, spaceAfter=10),
        heading=style("heading", 12.5, spaceBefore=10, spaceAfter=4),
        body=style("body", BODY_SIZE, spaceAfter=3),
        body_indent=style("body_indent", BODY_SIZE, firstLineIndent=2 * BODY_SIZE, spaceAfter=3),
        hanging=style(
            "hanging", BODY_SIZE, leftIndent=2 * BODY_SIZE, firstLineIndent=-2 * BODY_SIZE
        ),
        question=style(
            "question",
            BODY_SIZE,
            leftIndent=2 * BODY_SIZE,
            firstLineIndent=-2 * BODY_SIZE,
            spaceBefore=5,
        ),
        right=style("right", BODY_SIZE, alignment=TA_RIGHT),
        cell=cell,
        cell_head=ParagraphStyle(
            "cell_head", parent=cell, alignment=TA_CENTER, wordWrap=labels_wrap
        ),
        cell_small_head=ParagraphStyle(
            "cell_small_head", parent=small_cell, alignment=TA_CENTER, wordWrap=labels_wrap
        ),
        cell_label=ParagraphStyle(
            "cell_label", parent=cell, alignment=TA_LEFT, textColor=MUTED, wordWrap=labels_wrap
        ),
        cell_right=ParagraphStyle("cell_right", parent=cell, alignment=TA_RIGHT),
        cell_center=ParagraphStyle("cell_center", parent=cell, alignment=TA_CENTER),
        cell_small=small_cell,
        cell_small_right=ParagraphStyle("cell_small_right", parent=small_cell, alignment=TA_RIGHT),
        small=style("small", SMALL_SIZE, textColor=MUTED),
        hash=style("hash", 5.5, leading=7.0),
    )


class BoldParagraph(Paragraph):  # type: ignore[misc]  # reportlab ships no type hints
    """A paragraph drawn filled and stroked: the face has no bold, so boldness is faked.

    Text render mode 2 (fill, then stroke) thickens the outlines by the line width; text
    extraction is unaffected.
    """

    def draw(self) -> None:
        canv = self.canv
        canv.saveState()
        canv.setLineWidth(self.style.fontSize * 0.04)
        canv.setStrokeColor(self.style.textColor)
        canv.addLiteral("2 Tr")
        super().draw()
        canv.restoreState()
