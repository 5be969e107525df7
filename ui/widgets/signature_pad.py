"""A pad to sign on screen with a mouse, a pen or a finger; the ink becomes a PNG for evidence.

Strokes are kept as points (with a width each, from pen pressure) rather than as a bitmap, so
undo is exact and the PNG is rendered afresh at twice the screen resolution, cropped to the
ink, on a transparent background that prints cleanly over a signature line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum, auto

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QEvent,
    QIODevice,
    QPointF,
    QRectF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QImage,
    QImageWriter,
    QInputDevice,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QTabletEvent,
    QTouchEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from inspector_app.i18n import _

INK = QColor("#14213d")  # blue-black, like a gel pen
PAPER = QColor("#ffffff")
LINE = QColor("#c4ccd6")
HINT = QColor("#aab4c0")
FOCUS = QColor("#1d4f91")
MOUSE_WIDTH = 2.6  # logical pixels; a pen's width follows its pressure around this
PNG_SCALE = 2  # at least twice the logical size; twice the device pixels on HiDPI screens
PNG_MAX_SCALE = 4
PNG_MARGIN = 6.0  # logical pixels of transparent border around the ink
MIN_DISTANCE = 0.8  # closer samples add nothing but cost


class _Source(Enum):
    MOUSE = auto()
    TABLET = auto()
    TOUCH = auto()


@dataclass
class _Stroke:
    """One pen-down to pen-up: sample points and the ink width at each."""

    source: _Source
    points: list[QPointF] = field(default_factory=list)
    widths: list[float] = field(default_factory=list)

    def add(self, point: QPointF, width: float) -> bool:
        """Append a sample unless it is too close to the previous one; True when added."""
        if self.points:
            delta = point - self.points[-1]
            if abs(delta.x()) + abs(delta.y()) < MIN_DISTANCE:
                return False
        self.points.append(QPointF(point))
        self.widths.append(width)
        return True


def _midpoint(a: QPointF, b: QPointF) -> QPointF:
    return QPointF((a.x() + b.x()) / 2, (a.y() + b.y()) / 2)


def _pen(width: float) -> QPen:
    pen = QPen(INK, width)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    return pen


def _paint_stroke(painter: QPainter, stroke: _Stroke) -> None:
    """Draw a stroke as quadratic curves through the midpoints of its samples.

    A stroke of constant width is one path (clean joins); a pressure stroke is drawn segment
    by segment, each at the width of its control point, and the round caps hide the seams.
    """
    points, widths = stroke.points, stroke.widths
    if not points:
        return
    if len(points) == 1:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(INK)
        painter.drawEllipse(points[0], widths[0] / 2, widths[0] / 2)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        return
    segments: list[tuple[QPainterPath, float]] = []
    start = points[0]
    for index in range(1, len(points) - 1):
        end = _midpoint(points[index], points[index + 1])
        path = QPainterPath(start)
        path.quadTo(points[index], end)
        segments.append((path, widths[index]))
        start = end
    last = QPainterPath(start)
    last.lineTo(points[-1])
    segments.append((last, widths[-1]))
    if max(widths) - min(widths) < 0.05:
        whole = QPainterPath()
        for path, _width in segments:
            whole.connectPath(path)
        painter.setPen(_pen(widths[0]))
        painter.drawPath(whole)
        return
    for path, width in segments:
        painter.setPen(_pen(width))
        painter.drawPath(path)


class SignaturePadWidget(QWidget):
    """Collects strokes; ``changed`` fires whenever the ink changes (stroke, undo, clear).

    Keyboard: Ctrl+Z or Backspace removes the last stroke, Delete clears the pad.
    """

    changed = Signal()

    MIN_INK_WIDTH = 20.0  # a plausible signature spans at least this (logical px) ...
    MIN_INK_HEIGHT = 10.0  # ... and this high ...
    MIN_POINTS = 8  # ... with at least this many samples (not a dot or a tick)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._strokes: list[_Stroke] = []
        self._active: _Stroke | None = None
        self._touch_id: int | None = None
        self.setMinimumSize(480, 180)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.retranslate()

    def sizeHint(self) -> QSize:
        return QSize(640, 240)

    def retranslate(self) -> None:
        """Re-read the hint and the accessible texts."""
        self.setAccessibleName(_("Signature pad"))
        self.setAccessibleDescription(
            _(
                "Sign with the mouse, a pen or a finger. Ctrl+Z or Backspace removes the "
                "last stroke; Delete clears the pad."
            )
        )
        self.update()

    # ------------------------------------------------------------------ state

    def is_empty(self) -> bool:
        """True when nothing is drawn."""
        return not self._strokes

    def stroke_count(self) -> int:
        """How many strokes are on the pad (one in progress included)."""
        return len(self._strokes)

    def point_count(self) -> int:
        """Samples over all strokes."""
        return sum(len(stroke.points) for stroke in self._strokes)

    def ink_rect(self) -> QRectF:
        """Bounding box of the sample points (without the ink width); null when empty."""
        xs = [point.x() for stroke in self._strokes for point in stroke.points]
        ys = [point.y() for stroke in self._strokes for point in stroke.points]
        if not xs:
            return QRectF()
        return QRectF(QPointF(min(xs), min(ys)), QPointF(max(xs), max(ys)))

    def is_plausible(self) -> bool:
        """False for an empty pad, a dot or a tiny scribble that cannot be a signature."""
        if self.point_count() < self.MIN_POINTS:
            return False
        rect = self.ink_rect()
        return rect.width() >= self.MIN_INK_WIDTH and rect.height() >= self.MIN_INK_HEIGHT

    def clear(self) -> None:
        """Remove every stroke."""
        self._active = None
        self._touch_id = None
        if self._strokes:
            self._strokes.clear()
            self.update()
            self.changed.emit()

    def undo(self) -> None:
        """Remove the last stroke (nothing happens on an empty pad)."""
        if not self._strokes:
            return
        removed = self._strokes.pop()
        if removed is self._active:
            self._active = None
            self._touch_id = None
        self.update()
        self.changed.emit()

    # ------------------------------------------------------------------ output

    def to_png(self) -> bytes:
        """The ink at twice the screen resolution, transparent, cropped to the ink plus a margin.

        Raises:
            ValueError: the pad is empty.
        """
        if self.is_empty():
            raise ValueError("nothing is drawn on the signature pad")
        bounds = QRectF()
        for stroke in self._strokes:
            for point, width in zip(stroke.points, stroke.widths, strict=True):
                half = width / 2
                bounds = bounds.united(QRectF(point.x() - half, point.y() - half, width, width))
        bounds.adjust(-PNG_MARGIN, -PNG_MARGIN, PNG_MARGIN, PNG_MARGIN)
        scale = min(max(PNG_SCALE, 2 * self.devicePixelRatioF()), PNG_MAX_SCALE)
        image = QImage(
            max(1, round(bounds.width() * scale)),
            max(1, round(bounds.height() * scale)),
            QImage.Format.Format_ARGB32_Premultiplied,
        )
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.scale(scale, scale)
        painter.translate(-bounds.topLeft())
        for stroke in self._strokes:
            _paint_stroke(painter, stroke)
        painter.end()
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        # QImageWriter rather than QImage.save: PySide 6.11 refuses save(device, b"PNG") at
        # run time although its stubs ask for bytes, and mypy refuses a str there.
        if not QImageWriter(buffer, QByteArray(b"png")).write(image):
            raise RuntimeError("Qt could not encode the signature as PNG")
        buffer.close()
        return bytes(data.data())

    # ------------------------------------------------------------------ painting

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        painter.fillRect(self.rect(), PAPER)
        border = QPen(FOCUS if self.hasFocus() else LINE, 1.5 if self.hasFocus() else 1.0)
        painter.setPen(border)
        painter.drawRoundedRect(rect, 6, 6)
        baseline = round(self.height() * 0.72) + 0.5
        left, right = 28.0, self.width() - 28.0
        painter.setPen(QPen(LINE, 1.0))
        painter.drawLine(QPointF(left, baseline), QPointF(right, baseline))
        cross = QPen(HINT, 1.6)
        painter.setPen(cross)
        painter.drawLine(QPointF(left, baseline - 14), QPointF(left + 10, baseline - 4))
        painter.drawLine(QPointF(left, baseline - 4), QPointF(left + 10, baseline - 14))
        if self.is_empty():
            font = painter.font()
            font.setPointSizeF(font.pointSizeF() * 1.4)
            painter.setFont(font)
            painter.setPen(HINT)
            hint_rect = QRectF(left, 0, right - left, baseline - 8)
            painter.drawText(
                hint_rect,
                int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom),
                _("Sign here"),
            )
        for stroke in self._strokes:
            _paint_stroke(painter, stroke)
        painter.end()

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self.update()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.update()

    # ------------------------------------------------------------------ input

    def _inside(self, point: QPointF) -> QPointF:
        """``point`` held to the pad: ink dragged past the edge stays on the edge (a stroke
        outside would count as ink nobody saw, and make a huge image)."""
        area = QRectF(self.rect())
        x = min(max(point.x(), area.left()), area.right())
        y = min(max(point.y(), area.top()), area.bottom())
        return QPointF(x, y)

    def _begin(self, source: _Source, point: QPointF, width: float) -> None:
        stroke = _Stroke(source)
        stroke.add(self._inside(point), width)
        self._strokes.append(stroke)
        self._active = stroke
        self.update()
        self.changed.emit()

    def _extend(self, source: _Source, point: QPointF, width: float) -> None:
        stroke = self._active
        if (
            stroke is not None
            and stroke.source is source
            and stroke.add(self._inside(point), width)
        ):
            self.update()

    def _finish(self, source: _Source) -> None:
        if self._active is not None and self._active.source is source:
            self._active = None
            self.changed.emit()

    @staticmethod
    def _from_touchscreen(event: QMouseEvent) -> bool:
        device = event.pointingDevice()
        return device is not None and device.type() == QInputDevice.DeviceType.TouchScreen

    def mousePressEvent(self, event: QMouseEvent) -> None:
        # A finger is handled as touch; mouse events synthesised from it would double the ink.
        if event.button() != Qt.MouseButton.LeftButton or self._from_touchscreen(event):
            event.ignore()
            return
        if self._active is None:
            self._begin(_Source.MOUSE, event.position(), MOUSE_WIDTH)
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if event.buttons() & Qt.MouseButton.LeftButton:
            self._extend(_Source.MOUSE, event.position(), MOUSE_WIDTH)
        event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._extend(_Source.MOUSE, event.position(), MOUSE_WIDTH)
            self._finish(_Source.MOUSE)
        event.accept()

    def tabletEvent(self, event: QTabletEvent) -> None:
        # Accepting a tablet event stops Qt from synthesising the matching mouse event.
        width = MOUSE_WIDTH * (0.35 + 1.3 * max(0.0, min(1.0, event.pressure())))
        kind = event.type()
        if kind == QEvent.Type.TabletPress:
            if self._active is None:
                self._begin(_Source.TABLET, event.position(), width)
        elif kind == QEvent.Type.TabletMove:
            if event.pressure() > 0:
                self._extend(_Source.TABLET, event.position(), width)
        elif kind == QEvent.Type.TabletRelease:
            self._finish(_Source.TABLET)
        event.accept()

    def event(self, event: QEvent) -> bool:
        kind = event.type()
        if kind in (
            QEvent.Type.TouchBegin,
            QEvent.Type.TouchUpdate,
            QEvent.Type.TouchEnd,
            QEvent.Type.TouchCancel,
        ):
            assert isinstance(event, QTouchEvent)
            self._touch(event)
            return True
        return super().event(event)

    def _touch(self, event: QTouchEvent) -> None:
        """Follow the first finger only; a palm or a second finger draws nothing."""
        if event.type() == QEvent.Type.TouchCancel:
            if self._active is not None and self._active.source is _Source.TOUCH:
                self.undo()
            self._touch_id = None
            event.accept()
            return
        for point in event.points():
            if self._touch_id is None and point.state() == point.State.Pressed:
                if self._active is None:
                    self._touch_id = point.id()
                    self._begin(_Source.TOUCH, point.position(), MOUSE_WIDTH * 1.1)
            elif point.id() == self._touch_id and point.state() != point.State.Stationary:
                self._extend(_Source.TOUCH, point.position(), MOUSE_WIDTH * 1.1)
                if point.state() == point.State.Released:
                    self._touch_id = None
                    self._finish(_Source.TOUCH)
        event.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Undo) or (
            event.key() == Qt.Key.Key_Backspace and not event.modifiers()
        ):
            self.undo()
            event.accept()
        elif event.key() == Qt.Key.Key_Delete and not event.modifiers():
            self.clear()
            event.accept()
        else:
            super().keyPressEvent(event)
