"""Tasks page → New task…: a plain task, a sealed flying inspection, and a refused lead."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from inspector_app.profiles import OpenProfile
from inspector_app.sealing.opening_code import normalise_opening_code
from local_db.enums import TaskType, TeamRole
from local_db.models import InspectionTask, Inspector, Institution
from tests.ui import seed
from ui.dialogs.new_task_dialog import NewTaskDialog
from ui.main_window import MainWindow


def _dialog(qtbot: QtBot, window: MainWindow) -> NewTaskDialog:
    page = window.tasks_page
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    dialog = page.new_dialog
    assert isinstance(dialog, NewTaskDialog)
    qtbot.waitUntil(lambda: dialog.choices is not None, timeout=10_000)
    return dialog


def _team(profile: OpenProfile, dialog: NewTaskDialog) -> None:
    with profile.read_session() as s:
        ids = dict(s.execute(select(Inspector.staff_code, Inspector.id)).all())
    dialog.set_member(ids["J001"], TeamRole.LEADER)
    dialog.set_member(ids["J002"], TeamRole.MEMBER)


def test_create_a_routine_task_of_a_register_institution(
    qtbot: QtBot, window: MainWindow, profile: OpenProfile
) -> None:
    dialog = _dialog(qtbot, window)
    dialog.title_edit.setText("康泰大药房日常巡查")
    dialog.task_type.setCurrentIndex(dialog.task_type.findData(TaskType.ROUTINE))
    with profile.read_session() as s:
        pharmacy = s.scalars(select(Institution.id).where(Institution.name == seed.PHARMACY)).one()
    dialog.institution.setCurrentIndex(dialog.institution.findData(pharmacy))
    assert dialog.region.currentData() == "110105" and not dialog.sealed.isEnabled()
    _team(profile, dialog)
    dialog.leads.setPlainText("核对进销存\n")
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.created is not None, timeout=10_000)
    assert dialog.created is not None and dialog.created.opening_code is None
    page = window.tasks_page
    qtbot.waitUntil(
        lambda: any(r.title == "康泰大药房日常巡查" for r in page.table.visible_rows()),
        timeout=10_000,
    )


def test_create_a_sealed_flying_inspection_shows_the_code_once(
    qtbot: QtBot, window: MainWindow, profile: OpenProfile
) -> None:
    dialog = _dialog(qtbot, window)
    dialog.title_edit.setText("飞行检查（密封）")
    dialog.task_type.setCurrentIndex(dialog.task_type.findData(TaskType.FLYING))
    dialog.sealed.setChecked(True)
    assert dialog.target_group.isVisibleTo(dialog) and not dialog.institution.isEnabled()
    dialog.region.setCurrentIndex(dialog.region.findData("110105"))
    dialog.target_code.setText("H11010500777")
    dialog.target_name.setText("朝阳区隐秘医院")
    _team(profile, dialog)
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.created is not None, timeout=10_000)
    created = dialog.created
    assert created is not None and created.opening_code is not None
    normalise_opening_code(created.opening_code)
    assert created.opening_code in dialog.code_label.text()
    with profile.read_session() as s:
        task = s.get_one(InspectionTask, created.task_id)
        assert task.sealed and task.institution_id is None and task.sealed_payload
        assert s.scalar(select(Institution).where(Institution.code == "H11010500777")) is None
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)  # "Close"
    assert dialog.result() == dialog.DialogCode.Accepted


def test_a_lead_naming_a_phone_number_is_refused_in_the_dialog(
    qtbot: QtBot, window: MainWindow, profile: OpenProfile
) -> None:
    dialog = _dialog(qtbot, window)
    dialog.title_edit.setText("举报核查")
    _team(profile, dialog)
    dialog.leads.setPlainText("举报人电话13912345678")
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.error_label.isHidden(), timeout=10_000)
    assert "phone or ID-card number" in dialog.error_label.text()
    assert dialog.created is None
    dialog.reject()
