"""The camera dialog's JPEG encoding (the part that runs without a camera)."""

from __future__ import annotations

from PySide6.QtGui import QColor, QImage
from pytestqt.qtbot import QtBot

from ui.dialogs.camera_dialog import encode_jpeg


def test_a_captured_frame_encodes_as_jpeg(qtbot: QtBot) -> None:
    image = QImage(64, 48, QImage.Format.Format_RGB32)
    image.fill(QColor("#336699"))
    data = encode_jpeg(image)
    assert data.startswith(b"\xff\xd8\xff")
    decoded = QImage.fromData(data)
    assert (decoded.width(), decoded.height()) == (64, 48)
