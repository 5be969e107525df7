"""Signing on screen: OK only for a real signature or a witnessed refusal, and what comes out."""

from __future__ import annotations

import gettext
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import QDate, QDateTime, QPoint, Qt, QTime
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from inspector_app import i18n
from inspector_app.i18n import _
from tests.ui.test_signature_pad import draw_signature
from ui.dialogs.signature_dialog import SignatureCapture, SignatureDialog
from ui.translation import apply_language

NOW = datetime(2026, 3, 2, 8, 15, 42, tzinfo=UTC)
WITNESSES = [("insp-1", "Li Si"), ("insp-2", "Wang Wu")]


@pytest.fixture
def host(qtbot: QtBot) -> QWidget:
    """The dialogs' parent, as a page is in the application (keeps them alive)."""
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


def make_dialog(qtbot: QtBot, host: QWidget, *, allow_refusal: bool = True) -> SignatureDialog:
    dialog = SignatureDialog(
        "Representative",
        "Zhang San",
        ["On-site inspection record", "Evidence list"],
        WITNESSES,
        allow_refusal=allow_refusal,
        clock=lambda: NOW,
        parent=host,
    )
    dialog.open()
    qtbot.waitExposed(dialog)
    return dialog


def test_ok_waits_for_a_plausible_signature(qtbot: QtBot, host: QWidget) -> None:
    dialog = make_dialog(qtbot, host)
    assert dialog.windowTitle() == "Sign documents"
    assert dialog.signer_label.text() == "Representative: Zhang San"
    assert dialog.documents_label.text() == ("Signing: On-site inspection record, Evidence list")
    assert not dialog.ok_button.isEnabled() and dialog.ok_button.text() == "Confirm signature"
    assert not dialog.undo_button.isEnabled() and not dialog.clear_button.isEnabled()
    QTest.mouseClick(dialog.pad, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     QPoint(100, 100))  # fmt: skip
    assert not dialog.ok_button.isEnabled() and dialog.undo_button.isEnabled()
    assert dialog.pad_hint.text().startswith("Too small to be a signature")
    dialog.undo_button.click()
    assert dialog.pad.is_empty() and not dialog.undo_button.isEnabled()
    draw_signature(dialog.pad)
    assert dialog.ok_button.isEnabled() and dialog.pad_hint.text() == ""
    dialog.clear_button.click()
    assert dialog.pad.is_empty() and not dialog.ok_button.isEnabled()
    dialog.accept()  # ignored while OK is disabled
    assert dialog.isVisible() and dialog.capture() is None


def test_a_signature_gives_the_png_and_the_time(qtbot: QtBot, host: QWidget) -> None:
    dialog = make_dialog(qtbot, host)
    draw_signature(dialog.pad)
    with qtbot.waitSignal(dialog.accepted, timeout=2_000):
        dialog.ok_button.click()
    capture = dialog.capture()
    assert isinstance(capture, SignatureCapture)
    assert capture.png is not None and not capture.refused
    image = QImage.fromData(capture.png)
    assert not image.isNull() and image.width() > image.height() > 20
    assert image.hasAlphaChannel()
    assert capture.signed_at == NOW and capture.refused_at is None
    assert capture.witness_id is None and capture.witness_name == "" and capture.reason == ""


def test_cancel_and_escape_discard(qtbot: QtBot, host: QWidget) -> None:
    dialog = make_dialog(qtbot, host)
    draw_signature(dialog.pad)
    dialog.pad.setFocus()
    with qtbot.waitSignal(dialog.rejected, timeout=2_000):
        QTest.keyClick(dialog.pad, Qt.Key.Key_Escape)
    assert dialog.capture() is None


def test_team_members_cannot_refuse(qtbot: QtBot, host: QWidget) -> None:
    dialog = make_dialog(qtbot, host, allow_refusal=False)
    assert not dialog.refuse_box.isVisible()
    dialog.refuse_box.setChecked(True)  # even if forced, the pad stays
    assert not dialog.is_refusal()
    assert not dialog.ok_button.isEnabled()


def test_a_refusal_needs_a_witness_and_states_it(qtbot: QtBot, host: QWidget) -> None:
    dialog = make_dialog(qtbot, host)
    draw_signature(dialog.pad)
    assert dialog.refuse_box.isVisible()
    dialog.refuse_box.setChecked(True)
    assert dialog.stack.currentIndex() == 1 and dialog.witness_combo.isVisible()
    assert not dialog.pad.isVisible()
    assert not dialog.ok_button.isEnabled() and dialog.ok_button.text() == "Record refusal"
    # The time defaults to now (to the minute) and cannot be set in the future.
    shown = dialog.time_edit.dateTime().toSecsSinceEpoch()
    assert shown == int(NOW.replace(second=0).timestamp())
    assert dialog.time_edit.maximumDateTime().toSecsSinceEpoch() == int(NOW.timestamp())
    dialog.time_edit.setDateTime(QDateTime.fromSecsSinceEpoch(int(NOW.timestamp()) + 7200))
    assert dialog.refused_at() <= NOW
    dialog.time_edit.setDateTime(QDateTime(QDate(2026, 3, 1), QTime(16, 40)))
    dialog.witness_combo.setCurrentIndex(1)
    assert dialog.ok_button.isEnabled()
    assert dialog.statement_label.text() == (
        "Representative Zhang San refused to sign. Witness: Wang Wu, time: 2026-03-01 16:40."
    )
    dialog.reason_edit.setText("  Refused to sign the record  ")
    with qtbot.waitSignal(dialog.accepted, timeout=2_000):
        dialog.ok_button.click()
    capture = dialog.capture()
    assert capture is not None and capture.refused and capture.png is None
    assert (capture.witness_id, capture.witness_name) == ("insp-2", "Wang Wu")
    assert capture.reason == "Refused to sign the record"
    assert capture.refused_at == datetime(2026, 3, 1, 16, 40).astimezone(UTC)
    assert capture.refused_at.tzinfo is UTC and capture.signed_at is None


def test_unticking_refusal_brings_the_signature_back(qtbot: QtBot, host: QWidget) -> None:
    dialog = make_dialog(qtbot, host)
    draw_signature(dialog.pad)
    dialog.refuse_box.setChecked(True)
    dialog.refuse_box.setChecked(False)
    assert dialog.pad.isVisible() and dialog.pad.stroke_count() == 2
    assert dialog.ok_button.isEnabled() and dialog.ok_button.text() == "Confirm signature"


def _catalog_translates(message: str) -> bool:
    try:
        catalog = gettext.translation(i18n.DOMAIN, i18n.catalog_dir(), languages=["zh_CN"])
    except OSError:
        return False
    return catalog.gettext(message) != message


def test_texts_follow_the_language(qtbot: QtBot, host: QWidget) -> None:
    dialog = make_dialog(qtbot, host)
    dialog.refuse_box.setChecked(True)
    dialog.witness_combo.setCurrentIndex(0)
    statement = "{role} {name} refused to sign. Witness: {witness}, time: {time}."
    try:
        apply_language("zh_CN")
        dialog.retranslate()
        assert dialog.refuse_box.text() == _("{name} refuses to sign").format(name="Zhang San")
        assert dialog.ok_button.text() == _("Record refusal")
        assert dialog.pad.accessibleName() == _("Signature pad")
        if _catalog_translates(statement):
            assert "拒绝签字" in dialog.statement_label.text()
    finally:
        apply_language("en")
        dialog.retranslate()
    assert dialog.refuse_box.text() == "Zhang San refuses to sign"
    assert dialog.ok_button.text() == "Record refusal"
    assert dialog.statement_label.text().startswith("Representative Zhang San refused to sign.")


def test_no_witness_present_means_no_refusal(qtbot: QtBot) -> None:
    dialog = SignatureDialog(
        "Interviewee", "Zhao Liu", ["Interview record"], [], allow_refusal=True
    )
    qtbot.addWidget(dialog)
    dialog.refuse_box.setChecked(True)
    assert not dialog.ok_button.isEnabled()
    assert dialog.witness_combo.placeholderText() == "No team member present to witness"
