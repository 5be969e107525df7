"""The visible signature stamp: a framed box with the signer, the time and a few lines.

pyHanko's own text stamps need HarfBuzz to lay out TrueType text, which the product does
not ship; reportlab (already used for every document) draws the stamp instead, with the
shipped CJK font embedded as a subset, and pyHanko imports that one-page PDF as the
widget's appearance. The time shown is the signing time pyHanko embeds, passed to the
stamp by pyHanko itself, so the two never disagree.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from typing import Any

from pyhanko.pdf_utils.layout import BoxConstraints
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.writer import BasePdfFileWriter
from pyhanko.stamp.text import TextStamp, TextStampStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from inspector_app.i18n import _
from inspector_app.resources import resource_path

CJK_FONT_FILE = ("fonts", "WenQuanYiMicroHei.ttf")
_CJK_FONT_NAME = "InspectorSignatureCJK"
_LATIN_FONT_NAME = "Helvetica"
_SEAL_RED = (0.75, 0.1, 0.1)
_PADDING = 4.0
_LEADING = 1.25
_MAX_FONT_SIZE = 11.0
_MIN_FONT_SIZE = 3.0
TIME_FORMAT = "%Y-%m-%d %H:%M:%S %z"


@functools.cache
def _registered_cjk_font() -> str | None:
    """Register the shipped CJK font with reportlab once; ``None`` when it is missing."""
    path = resource_path(*CJK_FONT_FILE)
    if not path.is_file():
        return None
    pdfmetrics.registerFont(TTFont(_CJK_FONT_NAME, str(path)))
    return _CJK_FONT_NAME


def _ascii_only(text: str) -> str:
    return "".join(char for char in text if " " <= char <= "~").strip()


def _stamp_lines(*, signer_name: str, signed_at: str, lines: Sequence[str], cjk: bool) -> list[str]:
    if cjk:
        heading = _("Electronic signature")
        texts = [heading, signer_name, _("Signed at {time}").format(time=signed_at), *lines]
        return [text for text in texts if text.strip()]
    # Without the CJK font only Latin letters can be drawn: English, ASCII-only content.
    texts = ["Digitally signed", signer_name, f"Signed at {signed_at}", *lines]
    return [cleaned for cleaned in (_ascii_only(text) for text in texts) if cleaned]


def _fitting_font_size(texts: Sequence[str], font: str, width: float, height: float) -> float:
    inner_width = max(width - 2 * _PADDING, 1.0)
    inner_height = max(height - 2 * _PADDING, 1.0)
    size = min(_MAX_FONT_SIZE, inner_height / (len(texts) * _LEADING))
    for text in texts:
        text_width = pdfmetrics.stringWidth(text, font, 1.0)
        if text_width > 0:
            size = min(size, inner_width / text_width)
    return max(size, _MIN_FONT_SIZE)


def render_stamp_pdf(
    *, width: float, height: float, signer_name: str, signed_at: str, lines: Sequence[str] = ()
) -> bytes:
    """A one-page PDF of exactly ``width`` x ``height`` points showing the framed stamp.

    The first line (the heading) is drawn in seal red, the others in black; the font size
    shrinks until every line fits, and anything still too long is clipped by the frame.
    """
    font = _registered_cjk_font()
    cjk = font is not None
    font_name = font or _LATIN_FONT_NAME
    texts = _stamp_lines(signer_name=signer_name, signed_at=signed_at, lines=lines, cjk=cjk)
    buffer = BytesIO()
    page = canvas.Canvas(
        buffer, pagesize=(width, height), pageCompression=1, initialFontName=font_name
    )
    page.setStrokeColorRGB(*_SEAL_RED)
    page.setLineWidth(1.2)
    page.roundRect(1, 1, width - 2, height - 2, radius=min(4.0, height / 6), stroke=1, fill=0)
    clip = page.beginPath()
    clip.rect(_PADDING / 2, _PADDING / 2, width - _PADDING, height - _PADDING)
    page.clipPath(clip, stroke=0, fill=0)
    size = _fitting_font_size(texts, font_name, width, height)
    block = size * _LEADING * len(texts)
    y = (height + block) / 2 - size
    for index, text in enumerate(texts):
        if index == 0:
            page.setFillColorRGB(*_SEAL_RED)
        else:
            page.setFillColorRGB(0, 0, 0)
        page.setFont(font_name, size)
        page.drawString(_PADDING, y, text)
        y -= size * _LEADING
    page.showPage()
    page.save()
    return buffer.getvalue()


def _in_document_zone(text: str) -> str:
    """pyHanko's signing time (UTC) in the zone the documents state, with its offset."""
    from inspector_app.documents.formats import DOCUMENT_TIMEZONE

    try:
        moment = datetime.strptime(text, TIME_FORMAT)
    except ValueError:
        return text
    return moment.astimezone(DOCUMENT_TIMEZONE).strftime(TIME_FORMAT)


class _FramedStamp(TextStamp):
    """Replaces the text box of :class:`TextStamp` with the reportlab drawing."""

    def _render_inner_content(self) -> list[bytes]:
        style = self.style
        assert isinstance(style, FramedStampStyle)
        params: dict[str, Any] = dict(self.text_params or {})
        box = self.box
        drawing = render_stamp_pdf(
            width=float(box.width),
            height=float(box.height),
            signer_name=str(params.get("signer", "")),
            signed_at=_in_document_zone(str(params.get("ts", ""))),
            lines=style.lines,
        )
        writer = self._ensure_writer
        xobject = writer.import_page_as_xobject(PdfFileReader(BytesIO(drawing)), page_ix=0)
        name = "/SigStamp" + uuid.uuid4().hex
        self.resources.xobject[name] = xobject
        return [b"q", name.encode("ascii") + b" Do", b"Q"]


@dataclass(frozen=True)
class FramedStampStyle(TextStampStyle):
    """pyHanko stamp style that draws :func:`render_stamp_pdf` with the given extra lines.

    It is a :class:`TextStampStyle` only so that pyHanko hands it the signing time.
    """

    lines: tuple[str, ...] = ()
    border_width: int = 0
    timestamp_format: str = TIME_FORMAT

    def create_stamp(
        self,
        writer: BasePdfFileWriter,
        box: BoxConstraints,
        text_params: dict[str, Any],
    ) -> TextStamp:
        return _FramedStamp(writer=writer, style=self, box=box, text_params=text_params)
