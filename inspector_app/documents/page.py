"""The page every document is printed on: A4, running header, "page N of M" footer.

The total page count is only known when the story is laid out, so the canvas holds each
finished page back and draws header and footer on all of them at the end (reportlab's
"numbered canvas" pattern); a second layout pass is not needed.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate

from inspector_app.documents.styles import MUTED, RULE
from inspector_app.i18n import _, current_language

PAGE_WIDTH, PAGE_HEIGHT = A4
LEFT_MARGIN = 25 * mm
RIGHT_MARGIN = 20 * mm
TOP_MARGIN = 25 * mm
BOTTOM_MARGIN = 22 * mm
FRAME_WIDTH = PAGE_WIDTH - LEFT_MARGIN - RIGHT_MARGIN
FRAME_HEIGHT = PAGE_HEIGHT - TOP_MARGIN - BOTTOM_MARGIN
FURNITURE_SIZE = 8.5


@dataclass(frozen=True)
class Running:
    """What the header and footer print on every page."""

    font: str
    case_number: str
    title: str


@dataclass(frozen=True)
class BuiltPdf:
    """A laid-out file and its number of pages."""

    pdf: bytes
    page_count: int


class _NumberedCanvas(Canvas):  # type: ignore[misc]  # reportlab ships no type hints
    """Keeps pages back until the end so the footer can say how many there are."""

    running: Running

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._held: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._held.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._held)
        for state in self._held:
            self.__dict__.update(state)
            self._furniture(total)
            Canvas.showPage(self)
        Canvas.save(self)

    @property
    def page_total(self) -> int:
        return len(self._held)

    def _furniture(self, total: int) -> None:
        running = self.running
        self.saveState()
        self.setFont(running.font, FURNITURE_SIZE)
        self.setFillColor(MUTED)
        top = PAGE_HEIGHT - TOP_MARGIN + 5 * mm
        self.drawString(LEFT_MARGIN, top, running.case_number)
        self.drawRightString(PAGE_WIDTH - RIGHT_MARGIN, top, running.title)
        self.setStrokeColor(RULE)
        self.setLineWidth(0.5)
        self.line(LEFT_MARGIN, top - 2.5 * mm, PAGE_WIDTH - RIGHT_MARGIN, top - 2.5 * mm)
        footer = _("Page {page} of {pages}").format(page=self._pageNumber, pages=total)
        self.drawCentredString(PAGE_WIDTH / 2, BOTTOM_MARGIN - 10 * mm, footer)
        self.restoreState()


def build_pdf(
    story: list[Flowable], running: Running, *, title: str, author: str, subject: str
) -> BuiltPdf:
    """Lay ``story`` out on A4 pages with the running header and footer."""
    buffer = io.BytesIO()
    canvases: list[_NumberedCanvas] = []

    def make_canvas(*args: Any, **kwargs: Any) -> _NumberedCanvas:
        canvas = _NumberedCanvas(*args, **kwargs)
        canvas.running = running
        canvases.append(canvas)
        return canvas

    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=LEFT_MARGIN,
        rightMargin=RIGHT_MARGIN,
        topMargin=TOP_MARGIN,
        bottomMargin=BOTTOM_MARGIN,
        title=title,
        author=author,
        subject=subject,
        creator="Fund Inspector",
        initialFontName=running.font,
        lang="en" if current_language() == "en" else "zh-CN",
    )
    frame = Frame(
        LEFT_MARGIN,
        BOTTOM_MARGIN,
        FRAME_WIDTH,
        FRAME_HEIGHT,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="body",
    )
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    doc.build(story, canvasmaker=make_canvas)
    return BuiltPdf(pdf=buffer.getvalue(), page_count=canvases[-1].page_total)
