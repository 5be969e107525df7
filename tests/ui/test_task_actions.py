"""Open a sealed flying inspection and record the arrival through the inspection page."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableWidgetItem
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from inspector_app.demo.task_specs import DEMO_OPENING_CODE
from inspector_app.profiles import OpenProfile
from inspector_app.sealing import SealedInstitution, SealedPayload, seal_task_payload
from local_db.enums import (
    InstitutionKind,
    InstitutionLevel,
    TaskOrigin,
    TaskStatus,
    TaskType,
    TeamRole,
)
from local_db.ids import new_id
from local_db.models import InspectionTask, Inspector, LocalUser, TeamMembership
from tests.conftest import FAST_KDF
from ui.dialogs.arrival_dialog import ArrivalDialog
from ui.dialogs.open_sealed_dialog import OpenSealedDialog
from ui.inspection.followup_tab import FollowUpTab
from ui.inspection.history_tab import HistoryTab
from ui.main_window import MainWindow
from ui.pages.inspection_page import InspectionPage

TARGET = "朝阳区仁和康复医院"


@pytest.fixture
def sealed_task(profile: OpenProfile, seeded: dict[str, str]) -> str:
    """A sealed flying inspection the profile's user leads, sealed under the demo's code."""
    with profile.session() as s:
        leader, member = (
            s.scalars(select(Inspector).where(Inspector.staff_code == code)).one()
            for code in ("J001", "J002")
        )
        s.get_one(LocalUser, profile.user_id).inspector_id = leader.id
        task = InspectionTask(
            id=new_id(), task_number="FX-2026-099", title="飞行检查（密封）",
            task_type=TaskType.FLYING, origin=TaskOrigin.RANDOM_DRAW,
            status=TaskStatus.ASSIGNED, region_code="110105", sealed=True,
            planned_start=date(2026, 4, 20), planned_end=date(2026, 4, 22),
        )  # fmt: skip
        institution = SealedInstitution(
            code="H11010500099", name=TARGET, kind=InstitutionKind.HOSPITAL,
            level=InstitutionLevel.GRADE_1, region_code="110105", address="朝阳区仁和路6号",
        )  # fmt: skip
        sealed = seal_task_payload(
            task_id=task.id, task_number=task.task_number,
            payload=SealedPayload(institution, ["夜间在床率低"]),
            opening_code=DEMO_OPENING_CODE, kdf=FAST_KDF,
        )  # fmt: skip
        task.sealed_payload, task.seal_envelope = sealed.payload, sealed.envelope
        s.add(task)
        s.flush()
        s.add_all([
            TeamMembership(task_id=task.id, inspector_id=leader.id, role=TeamRole.LEADER),
            TeamMembership(task_id=task.id, inspector_id=member.id, role=TeamRole.MEMBER),
        ])  # fmt: skip
        return task.id


def _show(qtbot: QtBot, window: MainWindow, task_id: str) -> InspectionPage:
    window.open_task(task_id)
    page = window.inspection_page
    qtbot.waitUntil(
        lambda: page.overview is not None and page.overview.task.id == task_id, timeout=10_000
    )
    return page


def test_open_the_sealed_task_then_record_the_arrival(
    qtbot: QtBot, window: MainWindow, sealed_task: str
) -> None:
    page = _show(qtbot, window, sealed_task)
    bar = page.actions_bar
    assert not bar.open_button.isHidden() and bar.arrival_button.isHidden()
    assert page.overview is not None and page.overview.institution is None

    qtbot.mouseClick(bar.open_button, Qt.MouseButton.LeftButton)
    dialog = bar.dialog
    assert isinstance(dialog, OpenSealedDialog)
    qtbot.keyClicks(dialog.code, "dem0f1ytask2026x")  # last character mistyped
    assert "mistyped" in dialog.code_feedback.text()
    dialog.confirm.setChecked(True)
    assert not dialog.open_button.isEnabled()
    dialog.code.clear()
    qtbot.keyClicks(dialog.code, "demof1ytask2026n")  # O for 0 is read as 0
    assert dialog.code_feedback.text() == "The code is well formed."
    assert dialog.open_button.isEnabled()
    dialog.location.setText("门诊楼大厅")
    qtbot.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.opened is not None, timeout=10_000)
    qtbot.waitUntil(
        lambda: page.overview is not None and page.overview.institution is not None,
        timeout=10_000,
    )
    assert page.institution.values["name"].text() == TARGET
    assert bar.open_button.isHidden() and not bar.arrival_button.isHidden()
    assert not bar.finish_button.isHidden()  # on site now

    qtbot.mouseClick(bar.arrival_button, Qt.MouseButton.LeftButton)
    arrival = bar.dialog
    assert isinstance(arrival, ArrivalDialog)
    assert arrival.location.text() == "朝阳区仁和路6号"
    assert len(arrival.team_present()) == 2
    arrival.representatives.setItem(0, 0, QTableWidgetItem("赵院长"))
    arrival.representatives.setItem(0, 1, QTableWidgetItem("法定代表人"))
    qtbot.mouseClick(arrival.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: arrival.saved is not None, timeout=10_000)
    qtbot.waitUntil(
        lambda: page.overview is not None and page.overview.arrival is not None, timeout=10_000
    )
    assert bar.arrival_button.text() == "Edit arrival…"

    history = page.show_tab(HistoryTab)
    assert isinstance(history, HistoryTab)
    qtbot.waitUntil(lambda: len(history.rows) >= 4, timeout=10_000)
    descriptions = [history.table.proxy.index(r, 2).data() for r in range(len(history.rows))]
    assert "Sealed task opened on site" in descriptions
    assert "Arrival on site recorded" in descriptions


def test_members_do_not_see_the_open_action(
    qtbot: QtBot, window: MainWindow, profile: OpenProfile, sealed_task: str
) -> None:
    with profile.session() as s:
        member = s.scalars(select(Inspector).where(Inspector.staff_code == "J002")).one()
        s.get_one(LocalUser, profile.user_id).inspector_id = member.id
    page = _show(qtbot, window, sealed_task)
    assert page.actions_bar.open_button.isHidden()
    assert page.actions_bar.arrival_button.isHidden()
    followup = page.show_tab(FollowUpTab)
    assert isinstance(followup, FollowUpTab)
    qtbot.waitUntil(lambda: not followup.stale and followup.task_id == sealed_task, timeout=10_000)
    qtbot.waitUntil(lambda: followup.stack.currentWidget() is followup.empty, timeout=10_000)
    assert followup.empty.title_label.text() == "Not a follow-up check"
