"""The PDF preview shows real PDF bytes from memory, pages through them and explains bad files."""

from __future__ import annotations

import io

import pytest
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from pytestqt.qtbot import QtBot

from inspector_app.i18n import _
from ui.translation import apply_language
from ui.widgets.pdf_preview import ZOOM_STEP, PdfPreviewWidget

TIMEOUT = 5_000


@pytest.fixture(scope="module")
def three_pages() -> bytes:
    """A small A4 PDF of three pages, laid out by reportlab."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    for number in range(1, 4):
        pdf.setFont("Helvetica", 18)
        pdf.drawString(72, 760, f"Test record, page {number}")
        pdf.showPage()
    pdf.save()
    return out.getvalue()


@pytest.fixture
def preview(qtbot: QtBot) -> PdfPreviewWidget:
    widget = PdfPreviewWidget()
    qtbot.addWidget(widget)
    widget.resize(700, 500)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def load(qtbot: QtBot, preview: PdfPreviewWidget, data: bytes, title: str = "Record") -> None:
    preview.load_pdf(data, title)
    qtbot.waitUntil(
        lambda: preview.document.status() in (QPdfDocument.Status.Ready, QPdfDocument.Status.Error),
        timeout=TIMEOUT,
    )


def test_nothing_loaded_says_so(preview: PdfPreviewWidget) -> None:
    assert preview.page_count() == 0
    assert preview.message_text() == "No document to show."
    assert not preview.view.isVisible()
    assert not any(button.isVisible() for button in preview.buttons)


def test_pages_of_a_pdf_from_memory(
    qtbot: QtBot, preview: PdfPreviewWidget, three_pages: bytes
) -> None:
    load(qtbot, preview, three_pages, "On-site record")
    assert preview.is_ready() and preview.page_count() == 3
    assert preview.title_label.text() == "On-site record" == preview.title()
    assert preview.view.isVisible() and preview.message_text() == ""
    assert preview.view.pageMode() == QPdfView.PageMode.MultiPage
    assert preview.page_label.text() == "Page 1 of 3"
    assert not preview.previous_action.isEnabled() and preview.next_action.isEnabled()
    preview.next_action.trigger()
    assert preview.current_page() == 1 and preview.page_label.text() == "Page 2 of 3"
    preview.next_action.trigger()
    assert preview.page_label.text() == "Page 3 of 3" and not preview.next_action.isEnabled()
    preview.previous_action.trigger()
    preview.previous_action.trigger()
    assert preview.current_page() == 0 and preview.page_label.text() == "Page 1 of 3"
    # The bytes live in the widget's buffer, nowhere else.
    assert bytes(preview._buffer.data().data()) == three_pages


def test_zoom_steps_from_what_is_shown(
    qtbot: QtBot, preview: PdfPreviewWidget, three_pages: bytes
) -> None:
    load(qtbot, preview, three_pages)
    assert preview.view.zoomMode() == QPdfView.ZoomMode.FitToWidth
    fitted = preview.zoom()
    assert 0.5 < fitted < 1.2  # a 700 px wide view and an A4 page at 96 dpi (794 px)
    preview.zoom_in_action.trigger()
    assert preview.view.zoomMode() == QPdfView.ZoomMode.Custom
    assert preview.zoom() == pytest.approx(fitted * ZOOM_STEP)
    preview.zoom_out_action.trigger()
    preview.zoom_out_action.trigger()
    assert preview.zoom() == pytest.approx(fitted / ZOOM_STEP)
    preview.fit_page_action.trigger()
    assert preview.view.zoomMode() == QPdfView.ZoomMode.FitInView
    assert preview.zoom() < fitted  # a whole A4 page in a landscape view is smaller
    preview.fit_width_action.trigger()
    assert preview.zoom() == pytest.approx(fitted)


@pytest.mark.parametrize("data", [b"not a pdf at all", b"%PDF-1.7\n% truncated"])
def test_unreadable_bytes_show_a_message(
    qtbot: QtBot, preview: PdfPreviewWidget, data: bytes
) -> None:
    load(qtbot, preview, data)
    assert preview.document.status() == QPdfDocument.Status.Error
    assert preview.page_count() == 0
    assert preview.message_text().startswith("This is not a readable PDF document")
    assert preview.error_label.isVisible() and not preview.view.isVisible()
    assert preview.page_label.text() == ""


def test_clear_drops_the_bytes_and_a_new_load_works(
    qtbot: QtBot, preview: PdfPreviewWidget, three_pages: bytes
) -> None:
    load(qtbot, preview, b"garbage")
    load(qtbot, preview, three_pages)
    assert preview.page_count() == 3 and preview.view.isVisible()
    preview.next_page()
    preview.clear()
    assert preview.page_count() == 0 and preview.current_page() == 0
    assert preview.message_text() == "No document to show."
    assert preview._buffer.data().size() == 0 and preview.title() == ""
    load(qtbot, preview, three_pages)
    assert preview.page_label.text() == "Page 1 of 3"


def test_texts_follow_the_language(
    qtbot: QtBot, preview: PdfPreviewWidget, three_pages: bytes
) -> None:
    load(qtbot, preview, three_pages)
    try:
        apply_language("zh_CN")
        preview.retranslate()
        assert preview.page_label.text() == _("Page {page} of {count}").format(page=1, count=3)
        assert preview.next_action.text() == _("Next page")
    finally:
        apply_language("en")
        preview.retranslate()
    assert preview.page_label.text() == "Page 1 of 3"
    assert preview.zoom_in_action.text() == "Zoom in" and preview.zoom_in_action.iconText() == "+"
    assert preview.zoom_in_action.toolTip().startswith("Zoom in (")
