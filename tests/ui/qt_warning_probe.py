"""Run only by test_qt_warnings.py (the name keeps it out of normal collection).

Each test emits one Qt message; under tests/ui's conftest a warning must fail the test and
the offscreen platform's known noise must not.
"""

from __future__ import annotations

from PySide6.QtCore import qDebug, qWarning
from pytestqt.qtbot import QtBot


def test_a_qt_warning(qtbot: QtBot) -> None:
    qWarning("QObject::connect: something the application got wrong")


def test_offscreen_noise(qtbot: QtBot) -> None:
    qWarning("This plugin does not support raise()")
    qWarning("This plugin does not support propagateSizeHints()")


def test_a_qt_debug_message(qtbot: QtBot) -> None:
    qDebug("just chatter")
