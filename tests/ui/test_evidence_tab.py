"""The Evidence tab: add through the dialog, thumbnails, withdrawal, drops, no camera."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import QMimeData, QPointF, QSize, Qt, QUrl
from PySide6.QtGui import QDropEvent, QIcon
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from inspector_app.casework.links import LinkRef
from inspector_app.evidence.verify import verify_case
from local_db.enums import EvidenceKind, LinkKind
from ui.context import ShellContext
from ui.dialogs.add_evidence_dialog import AddEvidenceDialog
from ui.dialogs.camera_dialog import CameraDialog, video_inputs
from ui.inspection import evidence_tab as evidence_tab_module
from ui.inspection.evidence_tab import EvidenceTab


def _photo(folder: Path, name: str = "护士站排班表.jpg") -> Path:
    output = io.BytesIO()
    Image.new("RGB", (640, 480), (30, 120, 200)).save(output, format="JPEG")
    path = folder / name
    path.write_bytes(output.getvalue())
    return path


def _idle(qtbot: QtBot, context: ShellContext) -> None:
    qtbot.waitUntil(lambda: context.tasks.active_count == 0, timeout=10_000)


@pytest.fixture
def tab(qtbot: QtBot, context: ShellContext, seeded: dict[str, str]) -> Iterator[EvidenceTab]:
    """The tab on the seeded open case, loaded."""
    widget = EvidenceTab(context)
    qtbot.addWidget(widget)
    widget.show()
    widget.set_case(seeded["open_task"], seeded["case"])
    _idle(qtbot, context)
    yield widget
    _idle(qtbot, context)


def test_a_file_added_through_the_dialog_appears_with_its_thumbnail(
    qtbot: QtBot, tab: EvidenceTab, context: ShellContext, tmp_path: Path
) -> None:
    assert tab.model.rowCount() == 0
    dialog = tab.add_files([_photo(tmp_path)])
    assert dialog is not None
    assert dialog.kind() is EvidenceKind.PHOTO  # guessed from the media type
    assert dialog.caption_edit.text() == "护士站排班表"  # prefilled from the name
    dialog.caption_edit.setText("护士站 3 月排班表")
    dialog.start()
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=10_000)
    _idle(qtbot, context)
    assert tab.add_dialog is None  # accepted, closed and released
    index = tab.model.index(0)
    assert "护士站 3 月排班表" in tab.model.data(index)
    icon = tab.model.data(index, Qt.ItemDataRole.DecorationRole)
    assert isinstance(icon, QIcon) and icon.availableSizes() == [QSize(320, 240)]
    assert tab.selected() == tab.model.rows[0]  # the new item is shown in the detail panel
    assert tab.facts.values["sha256"].text().replace("\n", "") == tab.model.rows[0].sha256
    assert "Valid" in tab.facts.values["signature"].text()


def test_the_dialog_takes_supports_and_files_as_the_checklist_passes_them(
    qtbot: QtBot, context: ShellContext, seeded: dict[str, str], tmp_path: Path
) -> None:
    target = LinkRef(LinkKind.CHECKLIST_ITEM, "HD-03")
    dialog = AddEvidenceDialog(context, seeded["case"], [target], [_photo(tmp_path)], None)
    qtbot.addWidget(dialog)
    assert "HD-03" in dialog.supports_label.text()
    dialog.add_files_now([_photo(tmp_path, "b.jpg")], EvidenceKind.SCAN, "透析记录扫描件")
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=10_000)
    _idle(qtbot, context)
    (added,) = dialog.added
    assert added.kind is EvidenceKind.SCAN and added.supports == [target]
    assert verify_case(profile=context.profile, case_ref=seeded["case"]).ok


def test_electronic_data_needs_its_extraction_record(
    qtbot: QtBot, context: ShellContext, seeded: dict[str, str], tmp_path: Path
) -> None:
    export = tmp_path / "settlement.csv"
    export.write_text("结算流水号,金额\nJS0001,12.00\n", encoding="utf-8")
    dialog = AddEvidenceDialog(context, seeded["case"], files=[export])
    qtbot.addWidget(dialog)
    assert dialog.kind() is EvidenceKind.ELECTRONIC_DATA
    assert not dialog.extraction_group.isHidden()
    dialog.start()
    assert dialog.operation is None and "source system" in dialog.status_label.text()
    dialog.source_system_edit.setText("HIS 收费系统")
    dialog.query_edit.setPlainText("SELECT * FROM settlement")
    dialog.holder_name_edit.setText("刘信息")
    dialog.start()
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=10_000)
    _idle(qtbot, context)
    extraction = dialog.added[0].extraction
    assert extraction is not None and extraction.holder_name == "刘信息"


def test_withdrawing_needs_a_reason_and_the_item_stays_listed(
    qtbot: QtBot, tab: EvidenceTab, context: ShellContext, tmp_path: Path
) -> None:
    dialog = tab.add_files([_photo(tmp_path)])
    assert dialog is not None
    dialog.start()
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=10_000)
    _idle(qtbot, context)
    tab.select(tab.model.rows[0].id)
    withdraw = tab.withdraw_selected()
    assert withdraw is not None and not withdraw.ok_button.isEnabled()
    withdraw.reason_edit.setPlainText("拍摄对象错误")
    assert withdraw.ok_button.isEnabled()
    withdraw.ok_button.click()
    qtbot.waitUntil(lambda: bool(tab.model.rows) and tab.model.rows[0].withdrawn, timeout=10_000)
    _idle(qtbot, context)
    assert tab.model.rowCount() == 1
    assert "Withdrawn" in tab.model.data(tab.model.index(0))
    tab.select(tab.model.rows[0].id)
    assert "拍摄对象错误" in tab.facts.values["state"].text()
    assert not tab.withdraw_button.isEnabled()


def test_dropped_files_open_the_add_dialog_prefilled(
    qtbot: QtBot, tab: EvidenceTab, tmp_path: Path
) -> None:
    photo = _photo(tmp_path)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(photo))])
    event = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    tab.dropEvent(event)
    assert tab.add_dialog is not None and tab.add_dialog.files == [photo]
    tab.add_dialog.reject()


def test_without_a_camera_the_button_says_so(
    qtbot: QtBot, tab: EvidenceTab, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(evidence_tab_module, "camera_available", lambda: False)
    tab.refresh_camera()
    assert not tab.camera_button.isEnabled()
    assert tab.camera_button.toolTip() == "No camera found on this computer"
    assert "No camera found on this computer" in tab.note.text()


def test_the_real_probe_and_the_camera_dialog_without_a_camera(qtbot: QtBot) -> None:
    if video_inputs():
        pytest.skip("this computer has a camera")
    dialog = CameraDialog()
    qtbot.addWidget(dialog)
    assert dialog.message.text() == "No camera found on this computer"
    assert not dialog.capture_button.isEnabled()
