"""Interviews: record one in the editor (identity, inspectors present, ordered Q&A)."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QPlainTextEdit, QPushButton
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from inspector_app.interviews.service import interview_detail
from local_db.models import InterviewEntry, InterviewRecord
from ui.context import ShellContext
from ui.dialogs.interview_editor import InterviewEditorDialog
from ui.inspection.interviews_tab import InterviewsTab

ID_NUMBER = "11010519491231002X"


def _click(qtbot: QtBot, dialog: InterviewEditorDialog, name: str) -> None:
    button = dialog.findChild(QPushButton, name)
    assert button is not None, name
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def _ask(qtbot: QtBot, dialog: InterviewEditorDialog, question: str, answer: str) -> None:
    _click(qtbot, dialog, "addQuestion")
    # QTest types Latin-1 only: Chinese text goes in as an input method would commit it.
    dialog.findChild(QPlainTextEdit, "questionEdit").insertPlainText(question)  # type: ignore[union-attr]
    dialog.findChild(QPlainTextEdit, "answerEdit").insertPlainText(answer)  # type: ignore[union-attr]


def test_record_an_interview(qtbot: QtBot, context: ShellContext, seeded: dict[str, str]) -> None:
    tab = InterviewsTab(context)
    qtbot.addWidget(tab)
    tab.show()
    tab.set_case(seeded["open_task"], seeded["case"])
    qtbot.waitUntil(lambda: tab.rows is not None, timeout=10_000)
    assert tab.table.row_model.rowCount() == 1  # the seeded interview
    qtbot.mouseClick(tab.new_button, Qt.MouseButton.LeftButton)
    dialog = tab.editor
    assert isinstance(dialog, InterviewEditorDialog)
    qtbot.waitUntil(lambda: dialog.loaded, timeout=10_000)
    assert dialog.present.count() == 3  # the task's team
    dialog.findChild(QLineEdit, "intervieweeName").setText("陈静")  # type: ignore[union-attr]
    dialog.findChild(QLineEdit, "intervieweeRole").setText("血透室护士长")  # type: ignore[union-attr]
    qtbot.keyClicks(dialog.findChild(QLineEdit, "intervieweeIdNumber"), ID_NUMBER)
    for row in (0, 1):
        dialog.present.item(row).setCheckState(Qt.CheckState.Checked)  # type: ignore[union-attr]
    dialog.has_end.setChecked(True)
    dialog.ended.setDateTime(dialog.started.dateTime().addSecs(2700))
    _ask(qtbot, dialog, "血液滤过是否每次透析都做？", "不是，医生开了才做。")
    _ask(qtbot, dialog, "你在血透室工作多久了？", "八年。")
    _click(qtbot, dialog, "moveQuestionUp")  # the second question goes first
    _ask(qtbot, dialog, "多余的问题", "")
    _click(qtbot, dialog, "removeQuestion")
    preview = dialog.findChild(QPlainTextEdit, "transcriptPreview")
    assert preview is not None
    assert preview.toPlainText().index("八年") < preview.toPlainText().index("医生开了")
    with qtbot.waitSignal(dialog.accepted, timeout=10_000):
        _click(qtbot, dialog, "saveInterview")
    qtbot.waitUntil(lambda: tab.table.row_model.rowCount() == 2, timeout=10_000)
    with context.profile.read_session() as s:
        record = s.scalar(select(InterviewRecord).where(InterviewRecord.interviewee_name == "陈静"))
        assert record is not None
        assert record.interviewee_id_number == ID_NUMBER
        assert record.ended_at is not None
        questions = list(
            s.scalars(
                select(InterviewEntry.question)
                .where(InterviewEntry.interview_id == record.id)
                .order_by(InterviewEntry.position)
            )
        )
        record_id = record.id
    assert questions == ["你在血透室工作多久了？", "血液滤过是否每次透析都做？"]
    detail = interview_detail(profile=context.profile, interview_id=record_id)
    assert detail.warnings == ()
    # On screen the number is masked.
    shown = [tab.table.row_model.data(tab.table.row_model.index(r, 3)) for r in range(2)]
    assert "110***********002X" in shown
    assert ID_NUMBER not in shown


def test_name_is_required_and_one_inspector_only_warns(
    qtbot: QtBot, context: ShellContext, seeded: dict[str, str]
) -> None:
    dialog = InterviewEditorDialog(context, seeded["case"])
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.loaded, timeout=10_000)
    _click(qtbot, dialog, "saveInterview")
    assert dialog.error_label.isVisibleTo(dialog)
    dialog.name.setText("刘医生")
    dialog.present.item(0).setCheckState(Qt.CheckState.Checked)  # type: ignore[union-attr]
    with qtbot.waitSignal(dialog.saved, timeout=10_000) as blocker:
        _click(qtbot, dialog, "saveInterview")
    detail = interview_detail(profile=context.profile, interview_id=blocker.args[0])
    assert any("two inspectors" in warning for warning in detail.warnings)


def test_editor_screenshot(
    qtbot: QtBot, qapp: QApplication, context: ShellContext, seeded: dict[str, str], tmp_path: Path
) -> None:
    """The editor (set FINDING_SCREENSHOTS=<dir> to keep the image)."""
    from ui.style import stylesheet

    dialog = InterviewEditorDialog(context, seeded["case"])
    dialog.setStyleSheet(stylesheet())
    qtbot.addWidget(dialog)
    dialog.resize(1100, 760)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.loaded, timeout=10_000)
    dialog.name.setText("陈静")
    dialog.role.setText("血透室护士长")
    dialog.organisation.setText("北京市朝阳区康宁医院")
    dialog.location.setText("血透中心办公室")
    _ask(qtbot, dialog, "你在血透室工作多久了？", "八年。")
    _ask(qtbot, dialog, "血液滤过是否每次透析都做？", "不是，医生开了才做。")
    folder = Path(os.environ.get("FINDING_SCREENSHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    assert dialog.grab().save(str(folder / "interview-editor-en.png"))
