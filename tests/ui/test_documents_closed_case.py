"""After sealing, the case is read-only everywhere: the inspection page's editing controls are
disabled, or refuse with the closed message (demo case AJ…005, sealed by the demo)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from inspector_app.evidence.catalog import list_evidence
from local_db.models import CaseFile
from tests.ui.conftest import wait_loaded
from tests.ui.documents_support import (
    SEALED,
    idle,
)
from ui.context import ShellContext
from ui.dialogs.interview_editor import InterviewEditorDialog
from ui.inspection.checklist_tab import ChecklistTab
from ui.inspection.evidence_tab import EvidenceTab
from ui.inspection.findings_tab import FindingsTab
from ui.inspection.followup_tab import FollowUpTab
from ui.inspection.interviews_tab import InterviewsTab
from ui.pages.inspection_page import InspectionPage

CLOSED_MESSAGE = "This case file is closed; corrections are made as new, linked records."


def _photo(folder: Path) -> Path:
    output = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 200)).save(output, format="JPEG")
    path = folder / "late-photo.jpg"
    path.write_bytes(output.getvalue())
    return path


def _sealed_case(context: ShellContext) -> tuple[str, str]:
    """(case id, task id) of the demo's sealed case."""
    with context.profile.read_session() as session:
        case = session.scalars(select(CaseFile).where(CaseFile.case_number == SEALED)).one()
        return case.id, case.task_id


def _answer_message_boxes(seen: list[str]) -> QTimer:
    """Close (and remember) every message box that appears while the timer runs."""

    def close_boxes() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QMessageBox) and widget.isVisible():
                seen.append(widget.text())
                widget.done(QMessageBox.StandardButton.Ok)

    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(close_boxes)
    timer.start()
    return timer


pytestmark = pytest.mark.usefixtures("collect_garbage_after_each_test")


def test_a_sealed_case_cannot_be_edited_on_the_inspection_page(
    qtbot: QtBot,
    demo_context: ShellContext,
    tmp_path: Path,
) -> None:
    case_id, task_id = _sealed_case(demo_context)
    page = InspectionPage(demo_context)
    qtbot.addWidget(page)
    page.resize(1280, 860)
    page.show()
    page.show_task(task_id)
    wait_loaded(qtbot, page)
    overview = page.overview
    assert overview is not None and overview.case is not None
    assert overview.case.number == SEALED
    assert page.actions_bar.arrival_button.isHidden()  # no arrival on a closed task
    assert page.actions_bar.finish_button.isHidden()

    checklist = page.show_tab(ChecklistTab)
    assert isinstance(checklist, ChecklistTab)
    qtbot.waitUntil(lambda: checklist.view is not None, timeout=10_000)
    assert checklist.view is not None and not checklist.view.can_record
    if checklist.stack.currentWidget() is checklist.start_page:
        assert not checklist.start_button.isEnabled()
    else:
        assert not checklist.add_button.isVisible()
        checklist.tree.setCurrentIndex(checklist.proxy.index(0, 0, checklist.proxy.index(0, 0)))
        qtbot.waitUntil(lambda: checklist.detail.item is not None, timeout=5_000)
        assert not any(b.isEnabled() for b in checklist.detail.answer_buttons.values())
        assert checklist.detail.note.isReadOnly()
        assert not checklist.detail.attach_button.isEnabled()
        assert not checklist.detail.finding_button.isEnabled()

    findings = page.show_tab(FindingsTab)
    assert isinstance(findings, FindingsTab)
    qtbot.waitUntil(lambda: findings.view is not None, timeout=10_000)
    assert not findings.new_button.isEnabled()
    assert not findings.withdraw_button.isEnabled()

    interviews = page.show_tab(InterviewsTab)
    assert isinstance(interviews, InterviewsTab)
    qtbot.waitUntil(lambda: not interviews.stale and interviews.rows is not None, timeout=10_000)
    assert not interviews.new_button.isEnabled()
    interviews.new_interview()  # even when asked: the editor opens read-only
    editor = interviews.editor
    assert isinstance(editor, InterviewEditorDialog)
    qtbot.waitUntil(lambda: editor.loaded, timeout=10_000)
    assert editor.read_only and editor.name.isReadOnly()
    assert not editor.save_button.isEnabled()
    assert editor.cancel_button.isEnabled()  # it can be read and closed
    editor.reject()
    assert not editor.isVisible()

    followup = page.show_tab(FollowUpTab)
    assert isinstance(followup, FollowUpTab)
    qtbot.waitUntil(lambda: not followup.stale, timeout=10_000)
    idle(qtbot, demo_context)
    save = followup.save_button  # the task follows no earlier case: no check to save
    assert not (save.isVisible() and save.isEnabled())

    evidence = page.show_tab(EvidenceTab)
    assert isinstance(evidence, EvidenceTab)
    idle(qtbot, demo_context)
    before = len(list_evidence(profile=demo_context.profile, case_id=case_id))
    dialog = evidence.add_files([_photo(tmp_path)])
    assert dialog is not None
    timer = _answer_message_boxes([])
    try:
        dialog.start()
        qtbot.waitUntil(lambda: dialog.operation is None, timeout=10_000)
        assert dialog.result() != QDialog.DialogCode.Accepted  # the core refused
    finally:
        timer.stop()
    assert len(list_evidence(profile=demo_context.profile, case_id=case_id)) == before
    dialog.reject()
    idle(qtbot, demo_context)


def test_adding_evidence_to_a_sealed_case_says_it_is_closed(
    qtbot: QtBot,
    demo_context: ShellContext,
    tmp_path: Path,
) -> None:
    case_id, task_id = _sealed_case(demo_context)
    tab = EvidenceTab(demo_context)
    qtbot.addWidget(tab)
    tab.show()
    tab.set_case(task_id, case_id)
    idle(qtbot, demo_context)
    dialog = tab.add_files([_photo(tmp_path)])
    assert dialog is not None
    seen: list[str] = []
    timer = _answer_message_boxes(seen)
    try:
        dialog.start()
        qtbot.waitUntil(lambda: dialog.operation is None, timeout=10_000)
        qtbot.wait(100)  # a message box would be answered by now
        message = dialog.status_label.text()
    finally:
        timer.stop()
    dialog.reject()
    idle(qtbot, demo_context)
    assert message == CLOSED_MESSAGE
    assert seen == [CLOSED_MESSAGE]
