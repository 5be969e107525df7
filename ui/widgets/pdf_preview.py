"""Shows a document of record before it is signed, straight from the PDF bytes in memory.

Documents carry personal data, so they are never written to a temporary file: the bytes sit
in a QBuffer the widget owns, and ``clear()`` drops them. A file that QtPdf cannot read shows
a message saying so instead of a blank view.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QStackedWidget,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from inspector_app.i18n import _

ZOOM_STEP = 1.25
MIN_ZOOM, MAX_ZOOM = 0.25, 5.0


class PdfPreviewWidget(QWidget):
    """A toolbar (pages, zoom, fit) over a continuous multi-page view of one PDF."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pdfPreview")
        self._title = ""
        self._buffer = QBuffer(self)
        self.document = QPdfDocument(self)
        self.document.statusChanged.connect(self._status_changed)
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setPageSpacing(12)
        self.view.pageNavigator().currentPageChanged.connect(self._update_controls)
        self.view.zoomFactorChanged.connect(self._update_controls)
        self.message_page = QWidget(self)
        # Two labels, because the stylesheet's padding does not follow an object name change.
        self.note_label = QLabel(self.message_page)
        self.note_label.setObjectName("emptyStateMessage")
        self.error_label = QLabel(self.message_page)
        self.error_label.setObjectName("errorText")
        self._build_message_page()
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.message_page)
        self.stack.addWidget(self.view)
        self.title_label = QLabel(self)
        self.title_label.setObjectName("sectionTitle")
        self.title_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.page_label = QLabel(self)
        self.page_label.setObjectName("fieldHelp")
        # Page Up / Page Down already scroll the view, so page buttons need no shortcut.
        self.previous_action = self._action(self.previous_page, None)
        self.next_action = self._action(self.next_page, None)
        style = self.style()
        self.previous_action.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_ArrowUp))
        self.next_action.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_ArrowDown))
        self.zoom_out_action = self._action(self.zoom_out, QKeySequence.StandardKey.ZoomOut)
        self.zoom_in_action = self._action(self.zoom_in, QKeySequence.StandardKey.ZoomIn)
        self.fit_width_action = self._action(self.fit_width, None)
        self.fit_page_action = self._action(self.fit_page, None)
        self._build_layout()
        self.retranslate()
        self._show_message()

    def _action(self, slot: Callable[[], None], key: QKeySequence.StandardKey | None) -> QAction:
        action = QAction(self)
        if key is not None:
            action.setShortcut(QKeySequence(key))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_message_page(self) -> None:
        # Side stretches keep the message to a readable measure while it still wraps.
        row = QHBoxLayout()
        row.addStretch(1)
        for label in (self.note_label, self.error_label):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            row.addWidget(label, 4)
        row.addStretch(1)
        centred = QVBoxLayout(self.message_page)
        centred.setContentsMargins(32, 32, 32, 32)
        centred.addStretch(1)
        centred.addLayout(row)
        centred.addStretch(2)

    def _build_layout(self) -> None:
        bar = QHBoxLayout()
        bar.setContentsMargins(8, 6, 8, 6)
        bar.setSpacing(4)
        bar.addWidget(self.title_label, 1)
        self.buttons: list[QToolButton] = []
        actions = [
            self.previous_action, self.next_action, None, self.zoom_out_action,
            self.zoom_in_action, self.fit_width_action, self.fit_page_action,
        ]  # fmt: skip
        for action in actions:
            if action is None:
                bar.addSpacing(12)
                continue
            if action is self.zoom_out_action:
                bar.addWidget(self.page_label)
                bar.addSpacing(12)
            button = QToolButton(self)
            button.setDefaultAction(action)
            button.setToolButtonStyle(
                Qt.ToolButtonStyle.ToolButtonIconOnly
                if action in (self.previous_action, self.next_action)
                else Qt.ToolButtonStyle.ToolButtonTextOnly
            )
            button.setAutoRaise(True)
            self.buttons.append(button)
            bar.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(bar)
        layout.addWidget(self.stack, 1)

    def retranslate(self) -> None:
        """Re-read every text."""
        texts = [
            (self.previous_action, _("Previous page"), ""),
            (self.next_action, _("Next page"), ""),
            (self.zoom_out_action, _("Zoom out"), "−"),
            (self.zoom_in_action, _("Zoom in"), "+"),
            (self.fit_width_action, _("Fit width"), ""),
            (self.fit_page_action, _("Fit page"), ""),
        ]
        for action, text, symbol in texts:
            action.setText(text)
            action.setIconText(symbol or text)
            shortcut = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            action.setToolTip(
                _("{action} ({shortcut})").format(action=text, shortcut=shortcut)
                if shortcut
                else text
            )
        for button in self.buttons:
            button.setAccessibleName(button.defaultAction().text())
        self.view.setAccessibleName(_("Document preview"))
        self._update_controls()
        if self.stack.currentWidget() is self.message_page:
            self._show_message()

    # ------------------------------------------------------------------ loading

    def load_pdf(self, data: bytes, title: str) -> None:
        """Show ``data`` (a whole PDF file) under ``title``; the bytes stay in memory only."""
        self._release()
        self._title = title
        self.title_label.setText(title)
        self._buffer.setData(QByteArray(data))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        # Loading from a device may finish at once or later: _status_changed handles both.
        self.document.load(self._buffer)
        self._status_changed(self.document.status())

    def clear(self) -> None:
        """Close the document and drop its bytes."""
        self._release()
        self._title = ""
        self.title_label.clear()
        self._show_message()

    def _release(self) -> None:
        self.document.close()
        if self._buffer.isOpen():
            self._buffer.close()
        self._buffer.setData(QByteArray())

    def title(self) -> str:
        """Title of the document shown (empty when none)."""
        return self._title

    def is_ready(self) -> bool:
        """True once the document is loaded and shown."""
        return self.document.status() == QPdfDocument.Status.Ready

    def page_count(self) -> int:
        """Pages of the document shown (0 when none or unreadable)."""
        return self.document.pageCount() if self.is_ready() else 0

    def current_page(self) -> int:
        """Index of the page in view, from 0."""
        return self.view.pageNavigator().currentPage() if self.is_ready() else 0

    def message_text(self) -> str:
        """What the widget says instead of a document (empty while one is shown)."""
        if self.stack.currentWidget() is not self.message_page:
            return ""
        shown = self.error_label if self.error_label.isVisibleTo(self) else self.note_label
        return shown.text()

    def _status_changed(self, status: QPdfDocument.Status) -> None:
        if status == QPdfDocument.Status.Ready:
            self.stack.setCurrentWidget(self.view)
            self.view.pageNavigator().jump(0, QPointF(), self.view.zoomFactor())
        else:
            self._show_message()
        self._update_controls()

    def _show_message(self) -> None:
        status = self.document.status()
        failed = status == QPdfDocument.Status.Error
        if failed:
            self.error_label.setText(self._error_text(self.document.error()))
        elif status == QPdfDocument.Status.Loading:
            self.note_label.setText(_("Opening the document…"))
        else:
            self.note_label.setText(_("No document to show."))
        self.error_label.setVisible(failed)
        self.note_label.setVisible(not failed)
        self.stack.setCurrentWidget(self.message_page)

    @staticmethod
    def _error_text(error: QPdfDocument.Error) -> str:
        errors = QPdfDocument.Error
        if error in (errors.IncorrectPassword, errors.UnsupportedSecurityScheme):
            return _("This document is password-protected or encrypted and cannot be shown.")
        if error == errors.InvalidFileFormat:
            return _("This is not a readable PDF document: the file is damaged or of another kind.")
        return _("The document could not be opened.")

    # ------------------------------------------------------------------ navigation

    def go_to_page(self, index: int) -> None:
        """Scroll page ``index`` (from 0) into view."""
        if not self.is_ready():
            return
        index = max(0, min(index, self.page_count() - 1))
        self.view.pageNavigator().jump(index, QPointF(), self.view.zoomFactor())
        self._update_controls()

    def previous_page(self) -> None:
        """Go one page back."""
        self.go_to_page(self.current_page() - 1)

    def next_page(self) -> None:
        """Go one page on."""
        self.go_to_page(self.current_page() + 1)

    def zoom(self) -> float:
        """The scale pages are shown at (1.0 = printed size), also in the fit modes.

        In the fit modes QPdfView keeps its zoom factor unchanged and sizes pages itself, so
        the factor is worked out here the way it does, for zoom steps to start from what shows.
        """
        mode = self.view.zoomMode()
        if mode == QPdfView.ZoomMode.Custom or not self.is_ready():
            return self.view.zoomFactor()
        page = self.document.pagePointSize(self.current_page())
        if page.width() <= 0 or page.height() <= 0:
            return self.view.zoomFactor()
        pixels_per_point = self.view.logicalDpiX() / 72.0
        margins = self.view.documentMargins()
        viewport = self.view.viewport().size()
        width = viewport.width() - margins.left() - margins.right()
        height = viewport.height() - margins.top() - margins.bottom()
        fit_width = width / (page.width() * pixels_per_point)
        if mode == QPdfView.ZoomMode.FitToWidth:
            return fit_width
        return min(fit_width, height / (page.height() * pixels_per_point))

    def zoom_in(self) -> None:
        """Magnify by one step."""
        self._zoom(self.zoom() * ZOOM_STEP)

    def zoom_out(self) -> None:
        """Shrink by one step."""
        self._zoom(self.zoom() / ZOOM_STEP)

    def _zoom(self, factor: float) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.view.setZoomFactor(max(MIN_ZOOM, min(MAX_ZOOM, factor)))

    def fit_width(self) -> None:
        """Scale pages to the width of the view."""
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)

    def fit_page(self) -> None:
        """Scale so a whole page is in view."""
        self.view.setZoomMode(QPdfView.ZoomMode.FitInView)

    def _update_controls(self) -> None:
        ready, count, page = self.is_ready(), self.page_count(), self.current_page()
        self.previous_action.setEnabled(ready and page > 0)
        self.next_action.setEnabled(ready and page < count - 1)
        zoom = self.zoom()
        self.zoom_in_action.setEnabled(ready and zoom < MAX_ZOOM)
        self.zoom_out_action.setEnabled(ready and zoom > MIN_ZOOM)
        # Without a document there is nothing to page or zoom: the controls step aside.
        for button in self.buttons:
            button.setVisible(ready)
        self.page_label.setText(
            _("Page {page} of {count}").format(page=page + 1, count=count) if ready else ""
        )
