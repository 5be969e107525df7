"""The signature pad collects real strokes from mouse, pen and finger and renders a cropped PNG."""

from __future__ import annotations

import math
from collections.abc import Sequence

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import QImage, QInputDevice, QPointingDevice, QTabletEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from ui.widgets.signature_pad import MOUSE_WIDTH, PNG_MARGIN, PNG_SCALE, SignaturePadWidget

LEFT = Qt.MouseButton.LeftButton
NO_MODIFIER = Qt.KeyboardModifier.NoModifier


def draw_path(pad: SignaturePadWidget, points: Sequence[tuple[int, int]]) -> None:
    """One mouse stroke through ``points`` (press, moves, release)."""
    first = QPoint(*points[0])
    QTest.mousePress(pad, LEFT, NO_MODIFIER, first)
    for x, y in points[1:]:
        QTest.mouseMove(pad, QPoint(x, y))
    QTest.mouseRelease(pad, LEFT, NO_MODIFIER, QPoint(*points[-1]))


def wave(x0: int, y0: int, length: int = 100, height: int = 20) -> list[tuple[int, int]]:
    """A handwriting-like wave ``length`` wide and about ``2 * height`` high."""
    return [(x0 + i * 4, y0 + round(height * math.sin(i / 3))) for i in range(length // 4 + 1)]


def draw_signature(pad: SignaturePadWidget) -> None:
    """Two strokes, big enough to count as a signature."""
    draw_path(pad, wave(60, 100))
    draw_path(pad, wave(200, 110, length=80, height=15))


@pytest.fixture
def pad(qtbot: QtBot) -> SignaturePadWidget:
    widget = SignaturePadWidget()
    qtbot.addWidget(widget)
    widget.resize(560, 220)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def decode(png: bytes) -> QImage:
    image = QImage.fromData(png)
    assert not image.isNull()
    return image.convertToFormat(QImage.Format.Format_ARGB32)


def test_an_empty_pad_has_nothing_to_give(pad: SignaturePadWidget) -> None:
    assert pad.is_empty() and pad.stroke_count() == 0
    assert not pad.is_plausible()
    assert pad.minimumWidth() >= 480 and pad.minimumHeight() >= 180
    assert pad.accessibleName() == "Signature pad"
    with pytest.raises(ValueError, match="nothing is drawn"):
        pad.to_png()


def test_strokes_undo_and_clear(qtbot: QtBot, pad: SignaturePadWidget) -> None:
    changes: list[int] = []
    pad.changed.connect(lambda: changes.append(pad.stroke_count()))
    draw_path(pad, wave(60, 100))
    assert pad.stroke_count() == 1 and not pad.is_empty()
    assert changes == [1, 1]  # pen down, pen up
    draw_path(pad, wave(200, 110))
    assert pad.stroke_count() == 2 and pad.is_plausible()
    pad.undo()
    assert pad.stroke_count() == 1 and changes[-1] == 1
    pad.clear()
    assert pad.is_empty() and changes[-1] == 0
    emitted = len(changes)
    pad.undo()
    pad.clear()
    assert len(changes) == emitted  # nothing to undo or clear: no signal


def test_a_dot_or_a_tick_is_not_a_signature(pad: SignaturePadWidget) -> None:
    QTest.mouseClick(pad, LEFT, NO_MODIFIER, QPoint(100, 100))
    assert pad.stroke_count() == 1 and pad.point_count() == 1
    assert not pad.is_plausible()
    draw_path(pad, [(100, 100), (104, 104), (112, 96)])  # a tick, 12 x 8
    assert not pad.is_plausible()
    pad.clear()
    draw_path(pad, [(60 + i * 10, 100) for i in range(20)])  # a flat line: no height
    assert not pad.is_plausible()
    pad.clear()
    draw_path(pad, wave(60, 100, length=40, height=8))
    assert pad.is_plausible()


def test_the_png_is_the_cropped_ink_at_twice_the_resolution(pad: SignaturePadWidget) -> None:
    draw_signature(pad)
    image = decode(pad.to_png())
    ink = pad.ink_rect()
    expected_width = (ink.width() + MOUSE_WIDTH + 2 * PNG_MARGIN) * PNG_SCALE
    expected_height = (ink.height() + MOUSE_WIDTH + 2 * PNG_MARGIN) * PNG_SCALE
    assert abs(image.width() - expected_width) <= 2
    assert abs(image.height() - expected_height) <= 2
    assert image.width() < pad.width() * PNG_SCALE  # cropped, not the whole pad
    last_x, last_y = image.width() - 1, image.height() - 1
    for x, y in [(0, 0), (last_x, 0), (0, last_y), (last_x, last_y)]:
        assert image.pixelColor(x, y).alpha() == 0
    colours = [image.pixelColor(x, y) for x in range(0, image.width(), 2)
               for y in range(0, image.height(), 2)]  # fmt: skip
    solid = [c for c in colours if c.alpha() == 255]
    assert len(solid) > 200
    assert all(c.red() < 60 and c.green() < 60 and c.blue() < 90 for c in solid)
    # The margin is transparent all round: the ink touches no edge.
    edges = [image.pixelColor(x, 0) for x in range(image.width())]
    edges += [image.pixelColor(0, y) for y in range(image.height())]
    assert all(c.alpha() == 0 for c in edges)


def test_keys_undo_and_clear(qtbot: QtBot, pad: SignaturePadWidget) -> None:
    for x in (60, 200, 340):
        draw_path(pad, wave(x, 100, length=60))
    pad.setFocus()
    QTest.keyClick(pad, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert pad.stroke_count() == 2
    QTest.keyClick(pad, Qt.Key.Key_Backspace)
    assert pad.stroke_count() == 1
    QTest.keyClick(pad, Qt.Key.Key_Delete)
    assert pad.is_empty()


def stylus() -> QPointingDevice:
    return QPointingDevice(
        "test stylus",
        4242,
        QInputDevice.DeviceType.Stylus,
        QPointingDevice.PointerType.Pen,
        QInputDevice.Capability.Position | QInputDevice.Capability.Pressure,
        1,
        2,
    )


def tablet_stroke(
    pad: SignaturePadWidget, device: QPointingDevice, pressure: float, y: int
) -> None:
    """A straight pen stroke at constant ``pressure``."""
    xs = list(range(60, 261, 5))
    for index, x in enumerate(xs):
        kind = (
            QEvent.Type.TabletPress
            if index == 0
            else QEvent.Type.TabletRelease
            if index == len(xs) - 1
            else QEvent.Type.TabletMove
        )
        position = QPointF(x, y)
        event = QTabletEvent(
            kind, device, position, QPointF(pad.mapToGlobal(position)), pressure,
            0.0, 0.0, 0.0, 0.0, 0.0, NO_MODIFIER,
            Qt.MouseButton.NoButton if kind == QEvent.Type.TabletMove else LEFT,
            Qt.MouseButton.NoButton if kind == QEvent.Type.TabletRelease else LEFT,
        )  # fmt: skip
        QApplication.sendEvent(pad, event)
        assert event.isAccepted()


def test_the_pen_width_follows_pressure(qtbot: QtBot) -> None:
    device = stylus()
    heights = []
    for pressure in (0.1, 1.0):
        pad = SignaturePadWidget()
        qtbot.addWidget(pad)
        tablet_stroke(pad, device, pressure, 100)
        assert pad.stroke_count() == 1 and pad.point_count() > 30
        heights.append(decode(pad.to_png()).height())
    light, heavy = heights
    assert heavy - light >= 4  # 2x resolution: the heavy line is at least 2 px wider


def test_a_finger_draws_and_a_second_finger_does_not(qtbot: QtBot, pad: SignaturePadWidget) -> None:
    screen = QTest.createTouchDevice()
    QTest.touchEvent(pad, screen).press(0, QPoint(60, 100)).commit()
    for x in range(64, 200, 4):
        QTest.touchEvent(pad, screen).move(0, QPoint(x, 100 + (x % 20))).commit()
        if x == 120:
            QTest.touchEvent(pad, screen).stationary(0).press(1, QPoint(300, 60)).commit()
    QTest.touchEvent(pad, screen).release(0, QPoint(200, 100)).stationary(1).commit()
    QTest.touchEvent(pad, screen).release(1, QPoint(300, 60)).commit()
    assert pad.stroke_count() == 1
    ink = pad.ink_rect()
    # Touch points come with a small contact area, so positions may be off by a pixel or two.
    assert 55 <= ink.left() <= 60 and ink.right() <= 200
    assert ink.top() >= 90  # the second finger, at y = 60, left no ink
    assert pad.is_plausible()


def test_ink_dragged_past_the_edge_stays_on_the_pad(pad: SignaturePadWidget) -> None:
    draw_path(pad, [(100, 100), (300, 120), (-7000, 9000), (420, 150)])
    ink = pad.ink_rect()
    assert QRectF(pad.rect()).adjusted(-1, -1, 1, 1).contains(ink)
    image = QImage.fromData(pad.to_png())
    assert not image.isNull()
    assert image.width() <= pad.width() * 3 and image.height() <= pad.height() * 3
