"""Acceptance: a whole flying inspection through the real widgets, then a restart.

The team leader opens a sealed flying task from the Tasks page with its opening code, records
the arrival, answers the whole general hospital checklist from the keyboard (a non-compliant
answer reveals its conditional items), attaches a photo to that answer, turns it into a finding
with an amount, records an interview, and closes the application. The profile is then unlocked
again from disk and everything is read back through the services and the ORM.

Two dialogs (attach evidence, create finding) are run with ``exec()`` by the checklist tab:
:func:`drive_modal` schedules the interaction before the click that opens them.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import pytest
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidgetItem,
    QTreeView,
    QWidget,
)
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from inspector_app.casework.links import LinkRef
from inspector_app.checklists.service import checklist_view
from inspector_app.evidence.catalog import list_evidence
from inspector_app.evidence.verify import verify_case
from inspector_app.findings.service import findings_of_case
from inspector_app.interviews.service import interview_detail
from inspector_app.profiles import OpenProfile, unlock_profile
from inspector_app.sealing import SealedInstitution, SealedPayload
from inspector_app.services.arrival import (
    AUTHORISATION_LETTER,
    ENFORCEMENT_IDS,
    INSPECTION_NOTICE,
    Representative,
    arrival_summary,
)
from inspector_app.services.case_history import case_history
from inspector_app.services.task_admin import TaskInput, TeamMemberInput, create_task
from local_db.enums import (
    ChecklistAnswer,
    EvidenceKind,
    FindingStatus,
    InstitutionKind,
    InstitutionLevel,
    LinkKind,
    TaskOrigin,
    TaskStatus,
    TaskType,
    TeamRole,
)
from local_db.models import (
    ArrivalRecord,
    CaseChecklist,
    CaseFile,
    ChecklistResponse,
    ChecklistTemplate,
    InspectionTask,
    Inspector,
    Institution,
    InterviewEntry,
    InterviewRecord,
    LocalUser,
    Region,
)
from tests.conftest import FAST_KDF, TEST_PASSWORD
from tests.ui.conftest import leaked_work, wait_loaded
from ui.connectivity import ConnectivityMonitor
from ui.context import ShellContext
from ui.dialogs.add_evidence_dialog import AddEvidenceDialog
from ui.dialogs.arrival_dialog import ArrivalDialog
from ui.dialogs.finding_editor import FindingEditorDialog
from ui.dialogs.interview_editor import InterviewEditorDialog
from ui.dialogs.open_sealed_dialog import OpenSealedDialog
from ui.inspection.checklist_tab import ChecklistTab
from ui.inspection.findings_tab import FindingsTab
from ui.inspection.interviews_tab import InterviewsTab
from ui.machine_settings import MachineSettings
from ui.main_window import MainWindow
from ui.widgets.data_table import ROW_ROLE
from ui.workers import TaskManager

TEMPLATE = "general_hospital"
TRIGGER = "WARD-01"  # answered non-compliant: WARD-04 … WARD-07 appear
CONDITIONAL = ("WARD-04", "WARD-05", "WARD-06", "WARD-07")
TARGET = SealedInstitution(
    code="H11010800017",
    name="北京市海淀区永康综合医院",
    kind=InstitutionKind.HOSPITAL,
    level=InstitutionLevel.GRADE_2,
    region_code="110108",
    address="北京市海淀区永康路 9 号",
    legal_representative="孙立华",
    phone="010-6200 0000",
)
CAPTION = "病区在床患者清点表"
INTERVIEWEE = ("周敏", "心内科护士长")
QUESTIONS = (
    ("三月份病区夜间在床人数为何低于在院名单？", "部分患者晚上回家住，第二天早上回来输液。"),
    ("这些患者是否办理了请假手续？", "没有办，医生口头同意的。"),
)
WAIT_MS = 10_000
D = TypeVar("D", bound=QDialog)


@dataclass(frozen=True)
class World:
    """What the organiser prepared: a sealed task, its team, the code given to the leader."""

    task_id: str
    task_number: str
    opening_code: str
    leader_id: str
    member_id: str


def build_world(profile: OpenProfile) -> World:
    """Region, two inspectors (the user is the leader) and a sealed flying task."""
    with profile.session() as s:
        s.add_all(
            [
                Region(code="110000", name="北京市"),
                Region(code="110108", name="海淀区", parent_code="110000"),
            ]
        )
        s.flush()
        leader = Inspector(
            staff_code="J101", name="王建国", organisation="北京市医疗保障局", region_code="110000"
        )
        member = Inspector(
            staff_code="J102", name="李敏", organisation="海淀区医疗保障局", region_code="110108"
        )
        s.add_all([leader, member])
        s.flush()
        s.get_one(LocalUser, profile.user_id).inspector_id = leader.id
        leader_id, member_id = leader.id, member.id
    created = create_task(
        profile=profile,
        task=TaskInput(
            task_type=TaskType.FLYING,
            origin=TaskOrigin.MONITORING_ALERT,
            title="智能监控预警飞行检查",
            region_code="110108",
            planned_start=date(2026, 4, 14),
            planned_end=date(2026, 4, 16),
            team=[
                TeamMemberInput(leader_id, TeamRole.LEADER),
                TeamMemberInput(member_id, TeamRole.MEMBER),
            ],
            sealed=SealedPayload(TARGET, ["夜间在床率明显低于在院人数"]),
        ),
        kdf=FAST_KDF,
    )
    assert created.opening_code is not None
    with profile.read_session() as s:
        assert s.scalar(select(Institution).where(Institution.code == TARGET.code)) is None
    return World(created.task_id, created.task_number, created.opening_code, leader_id, member_id)


def photo(folder: Path) -> Path:
    """A small JPEG, as a camera would leave it on disk."""
    output = io.BytesIO()
    Image.new("RGB", (320, 240), (40, 140, 90)).save(output, format="JPEG")
    path = folder / "病区清点.jpg"
    path.write_bytes(output.getvalue())
    return path


def open_from_checklist(
    qtbot: QtBot, checklist: ChecklistTab, button: str, kind: type[D]
) -> tuple[D, list[int]]:
    """Click ``button`` of the checklist tab: the window-modal dialog it opened, and a list
    that receives the dialog's result when it closes (the tab deletes it right after)."""
    click(qtbot, child(checklist, QPushButton, button))
    qtbot.waitUntil(lambda: isinstance(checklist.dialog, kind), timeout=WAIT_MS)
    dialog = checklist.dialog
    assert isinstance(dialog, kind)
    results: list[int] = []
    dialog.finished.connect(results.append)
    qtbot.waitExposed(dialog)
    return dialog, results


def child(parent: QWidget, kind: type, name: str):  # type: ignore[no-untyped-def]
    widget = parent.findChild(kind, name)
    assert widget is not None, name
    return widget


def click(qtbot: QtBot, button: QPushButton) -> None:
    assert button.isVisible() and button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def shown_codes(tab: ChecklistTab) -> list[str]:
    """Item codes the tree shows, in order."""
    codes = []
    proxy = tab.proxy
    for section in range(proxy.rowCount()):
        parent = proxy.index(section, 0)
        for row in range(proxy.rowCount(parent)):
            item = tab.model.item_at(proxy.mapToSource(proxy.index(row, 0, parent)))
            assert item is not None
            codes.append(item.code)
    return codes


def visible_under(content: dict[str, Any], answers: dict[str, ChecklistAnswer]) -> set[str]:
    """Items of a template document shown under ``answers`` (worked out here, independently)."""
    visible: set[str] = set()
    for section in content["sections"]:
        for item in section["items"]:
            condition = item.get("condition")
            if condition is None or (
                condition["item"] in visible
                and answers.get(condition["item"], ChecklistAnswer.UNCHECKED).value
                in condition["answer_in"]
            ):
                visible.add(item["code"])
    return visible


@dataclass
class AppRun:
    """One run of the application on a profile (what ``ui.shell`` builds after the login)."""

    profile: OpenProfile
    tasks: TaskManager
    monitor: ConnectivityMonitor
    window: MainWindow

    def quit(self) -> None:
        """Close the window, stop every worker, close the profile."""
        if self.window.isVisible():
            self.window.close()
        self.monitor.stop()
        self.tasks.shutdown(WAIT_MS)
        self.profile.close()


@pytest.fixture
def runs() -> Iterator[list[AppRun]]:
    """Application runs a test started; whatever is left open is shut down at the end."""
    started: list[AppRun] = []
    yield started
    for run in started:
        run.quit()


def start_app(qtbot: QtBot, profile: OpenProfile, runs: list[AppRun]) -> AppRun:
    """Show the main window on ``profile``, as ``ui.shell`` does after the login."""
    tasks, monitor = TaskManager(), ConnectivityMonitor()
    context = ShellContext(
        profile=profile, tasks=tasks, settings=MachineSettings(), connectivity=monitor
    )
    window = MainWindow(context)
    qtbot.addWidget(window)
    run = AppRun(profile, tasks, monitor, window)
    runs.append(run)
    window.show()
    qtbot.waitExposed(window)
    wait_loaded(qtbot, window.tasks_page)
    return run


def test_a_whole_inspection_is_in_the_database_after_a_restart(
    qtbot: QtBot, profile_dir: Path, tmp_path: Path, runs: list[AppRun]
) -> None:
    profile = unlock_profile(path=profile_dir, password=TEST_PASSWORD)
    world = build_world(profile)
    app = start_app(qtbot, profile, runs)
    main = app.window

    # ---- Tasks page: the sealed task hides its target; Enter opens it.
    table = main.tasks_page.table
    rows = [table.proxy.index(r, 0) for r in range(table.proxy.rowCount())]
    (index,) = [i for i in rows if i.data(ROW_ROLE).id == world.task_id]
    assert table.proxy.index(index.row(), 4).data() == "sealed (opened on site)"
    table.setCurrentIndex(index)
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Return)
    page = main.inspection_page
    assert main.current_page() is page
    qtbot.waitUntil(
        lambda: page.overview is not None and page.overview.task.id == world.task_id,
        timeout=WAIT_MS,
    )
    assert page.overview is not None and page.overview.institution is None
    assert page.overview.case is None

    # ---- Open the sealed task with the code the organiser handed over.
    bar = page.actions_bar
    click(qtbot, bar.open_button)
    opening = bar.dialog
    assert isinstance(opening, OpenSealedDialog)
    qtbot.keyClicks(opening.code, world.opening_code.replace("-", ""))
    assert opening.code_feedback.text() == "The code is well formed."
    opening.location.setText("门诊楼一层大厅")  # QTest types Latin-1 only
    assert not opening.open_button.isEnabled()  # not before confirming being on site
    qtbot.keyClick(opening.confirm, Qt.Key.Key_Space)
    assert opening.confirm.isChecked()
    click(qtbot, opening.open_button)
    qtbot.waitUntil(lambda: opening.opened is not None, timeout=WAIT_MS)
    qtbot.waitUntil(
        lambda: page.overview is not None and page.overview.institution is not None,
        timeout=WAIT_MS,
    )
    assert page.institution.values["name"].text() == TARGET.name
    assert page.institution.values["code"].text() == TARGET.code
    assert bar.open_button.isHidden()

    # ---- Record the arrival: both inspectors, one representative, three documents.
    qtbot.waitUntil(bar.arrival_button.isVisible, timeout=WAIT_MS)
    click(qtbot, bar.arrival_button)
    arrival = bar.dialog
    assert isinstance(arrival, ArrivalDialog)
    assert arrival.location.text() == TARGET.address
    assert sorted(arrival.team_present()) == sorted([world.leader_id, world.member_id])
    arrival.representatives.setItem(0, 0, QTableWidgetItem("孙立华"))
    arrival.representatives.setItem(0, 1, QTableWidgetItem("院长"))
    letter = arrival.documents[AUTHORISATION_LETTER]
    qtbot.keyClick(letter, Qt.Key.Key_Space)
    assert letter.isChecked()
    click(qtbot, arrival.save_button)
    qtbot.waitUntil(lambda: arrival.saved is not None, timeout=WAIT_MS)
    qtbot.waitUntil(
        lambda: page.overview is not None and page.overview.arrival is not None, timeout=WAIT_MS
    )
    assert page.overview is not None and page.overview.case is not None
    case_id = page.overview.case.id
    assert bar.arrival_button.text() == "Edit arrival…"

    # ---- Checklist: start the general hospital checklist.
    checklist = page.show_tab(ChecklistTab)
    assert isinstance(checklist, ChecklistTab)
    qtbot.waitUntil(
        lambda: checklist.case_id == case_id and checklist.view is not None, timeout=WAIT_MS
    )
    if checklist.stack.currentWidget() is checklist.start_page:
        picker = child(checklist, QComboBox, "templatePicker")
        assert picker.currentData() == TEMPLATE  # the hospital's general checklist
        picker.setCurrentIndex(picker.findData(TEMPLATE))
        click(qtbot, child(checklist, QPushButton, "startChecklistButton"))
    qtbot.waitUntil(
        lambda: checklist.stack.currentWidget() is checklist.checklist_page, timeout=WAIT_MS
    )
    assert checklist.view is not None
    assert [t.code for t in checklist.view.templates] == [TEMPLATE]
    tree = child(checklist, QTreeView, "checklistTree")
    tree.setFocus()
    assert not set(CONDITIONAL) & set(shown_codes(checklist))

    # ---- Answer every shown item from the keyboard: 1 everywhere, 2 on the trigger.
    for _press in range(300):
        view = checklist.view
        assert view is not None
        if view.total.answered == view.total.visible:
            break
        code = checklist.current_code()
        assert code is not None
        if code == TRIGGER:
            qtbot.keyClick(tree, Qt.Key.Key_2)
            shown = shown_codes(checklist)
            assert set(CONDITIONAL) <= set(shown)
            assert shown.index("WARD-04") > shown.index(TRIGGER)
        else:
            qtbot.keyClick(tree, Qt.Key.Key_1)
    qtbot.waitUntil(lambda: checklist._pending == 0, timeout=WAIT_MS)
    qtbot.waitUntil(
        lambda: (
            checklist.view is not None
            and checklist.view.total.answered == checklist.view.total.visible
        ),
        timeout=WAIT_MS,
    )
    view = checklist.view
    assert view is not None
    answered_on_screen = view.total.visible
    assert set(CONDITIONAL) <= set(shown_codes(checklist))
    assert view.required_open == ()
    assert child(checklist, QLabel, "openRequiredLabel").text() == "All required items answered"
    progress = checklist.progress
    assert progress.value() == progress.maximum() == answered_on_screen
    assert progress.text() == f"{answered_on_screen} of {answered_on_screen} answered"

    # ---- Attach a photo to the non-compliant answer.
    assert checklist.select_item(TRIGGER)
    assert child(checklist, QPushButton, "answerNonCompliant").isChecked()
    picture = photo(tmp_path)

    def add_photo(dialog: AddEvidenceDialog) -> None:
        assert TRIGGER in dialog.supports_label.text()
        dialog.set_files([picture])
        assert dialog.kind() is EvidenceKind.PHOTO
        dialog.caption_edit.setText(CAPTION)
        click(qtbot, dialog.add_button)

    added, results = open_from_checklist(
        qtbot, checklist, "attachEvidenceButton", AddEvidenceDialog
    )
    add_photo(added)
    qtbot.waitUntil(lambda: checklist.dialog is None, timeout=WAIT_MS)
    assert results == [QDialog.DialogCode.Accepted.value]
    evidence_list = checklist.detail.evidence_list
    qtbot.waitUntil(
        lambda: (
            checklist.view is not None
            and len(checklist.view.evidence.get(TRIGGER, ())) == 1
            and evidence_list.count() == 1
            and evidence_list.item(0).text() == CAPTION
        ),
        timeout=WAIT_MS,
    )
    assert checklist.current_code() == TRIGGER

    # ---- Turn the answer into a finding with an amount.
    def set_amount(dialog: FindingEditorDialog) -> None:
        assert dialog.violation_code() is not None
        amount = child(dialog, QLineEdit, "findingAmount")
        amount.clear()
        qtbot.keyClicks(amount, "12,345.67")
        assert dialog.amount_shown.text() == "¥12,345.67"
        click(qtbot, child(dialog, QPushButton, "saveFinding"))

    finding_editor, results = open_from_checklist(
        qtbot, checklist, "createFindingButton", FindingEditorDialog
    )
    qtbot.waitUntil(lambda: finding_editor.loaded, timeout=WAIT_MS)
    finding_id = finding_editor.finding_id
    set_amount(finding_editor)
    qtbot.waitUntil(lambda: checklist.dialog is None, timeout=WAIT_MS)
    assert results == [QDialog.DialogCode.Accepted.value]
    assert finding_id is not None
    qtbot.waitUntil(
        lambda: checklist.view is not None and checklist.view.findings.get(TRIGGER) == 1,
        timeout=WAIT_MS,
    )
    texts = [evidence_list.item(r).text() for r in range(evidence_list.count())]
    assert texts == [CAPTION, "1 finding rests on this item"]

    findings = page.show_tab(FindingsTab)
    assert isinstance(findings, FindingsTab)
    qtbot.waitUntil(
        lambda: findings.view is not None and len(findings.view.rows) == 1, timeout=WAIT_MS
    )
    rows_model = findings.table.row_model
    assert rows_model.data(rows_model.index(0, 3)) == "¥12,345.67"
    assert "¥12,345.67" in findings.total_label.text()

    # ---- Record an interview: two inspectors present, two questions in order.
    interviews = page.show_tab(InterviewsTab)
    assert isinstance(interviews, InterviewsTab)
    qtbot.waitUntil(
        lambda: interviews.case_id == case_id and interviews.rows is not None, timeout=WAIT_MS
    )
    click(qtbot, interviews.new_button)
    editor = interviews.editor
    assert isinstance(editor, InterviewEditorDialog)
    qtbot.waitUntil(lambda: editor.loaded, timeout=WAIT_MS)
    child(editor, QLineEdit, "intervieweeName").setText(INTERVIEWEE[0])
    child(editor, QLineEdit, "intervieweeRole").setText(INTERVIEWEE[1])
    child(editor, QLineEdit, "interviewLocation").setText("心内科护士站")
    assert editor.present.count() == 2
    for row in range(editor.present.count()):
        editor.present.item(row).setCheckState(Qt.CheckState.Checked)
    for question, answer in QUESTIONS:
        click(qtbot, child(editor, QPushButton, "addQuestion"))
        child(editor, QPlainTextEdit, "questionEdit").insertPlainText(question)
        child(editor, QPlainTextEdit, "answerEdit").insertPlainText(answer)
    preview = child(editor, QPlainTextEdit, "transcriptPreview").toPlainText()
    assert preview.index(QUESTIONS[0][1]) < preview.index(QUESTIONS[1][0])
    with qtbot.waitSignal(editor.accepted, timeout=WAIT_MS):
        click(qtbot, child(editor, QPushButton, "saveInterview"))
    qtbot.waitUntil(
        lambda: interviews.rows is not None and len(interviews.rows) == 1, timeout=WAIT_MS
    )
    assert interviews.rows is not None
    assert interviews.rows[0].interviewee_name == INTERVIEWEE[0]
    assert interviews.rows[0].question_count == 2

    # ---- Quit: the window stops its work, the workers stop, the profile closes.
    qtbot.waitUntil(lambda: app.tasks.active_count == 0, timeout=WAIT_MS)
    main.close()
    assert app.tasks.shutdown(WAIT_MS)
    assert not leaked_work()
    profile.close()
    runs.remove(app)

    # ---- Restart: unlock the profile from disk and read everything back.
    reopened = unlock_profile(path=profile_dir, password=TEST_PASSWORD)
    try:
        check_database(
            reopened,
            world=world,
            case_id=case_id,
            finding_id=finding_id,
            picture=picture,
            answered_on_screen=answered_on_screen,
        )
    finally:
        reopened.close()


def check_database(
    profile: OpenProfile,
    *,
    world: World,
    case_id: str,
    finding_id: str,
    picture: Path,
    answered_on_screen: int,
) -> None:
    """Everything the inspection recorded, read from the re-opened profile."""
    with profile.read_session() as s:
        # The task was opened: the target entered the register, the task is on site.
        task = s.get_one(InspectionTask, world.task_id)
        assert task.opened_at is not None and task.opened_by == profile.actor
        assert task.status is TaskStatus.ON_SITE
        assert task.sealed_payload is None and task.seal_envelope is None
        assert json.loads(task.opened_location)["text"] == "门诊楼一层大厅"
        institution = s.get_one(Institution, task.institution_id)
        assert (institution.code, institution.name) == (TARGET.code, TARGET.name)
        assert institution.kind is InstitutionKind.HOSPITAL
        case = s.get_one(CaseFile, case_id)
        assert case.task_id == world.task_id

        # The arrival: both inspectors, the representative, the documents shown.
        arrival = arrival_summary(
            s.scalars(select(ArrivalRecord).where(ArrivalRecord.case_id == case_id)).one()
        )
        assert sorted(arrival.team_present) == sorted([world.leader_id, world.member_id])
        assert arrival.representatives == [Representative("孙立华", "院长")]
        assert arrival.documents_shown == [ENFORCEMENT_IDS, INSPECTION_NOTICE, AUTHORISATION_LETTER]
        assert arrival.location == TARGET.address

        # Every item shown under the saved answers of the pinned version is answered.
        pin = s.scalars(select(CaseChecklist).where(CaseChecklist.case_id == case_id)).one()
        assert (pin.template_code, pin.template_version) == (TEMPLATE, "2026.1")
        stored = s.scalars(
            select(ChecklistTemplate).where(
                ChecklistTemplate.code == TEMPLATE,
                ChecklistTemplate.version == pin.template_version,
            )
        ).one()
        assert stored.sha256 == pin.template_sha256
        answers = {
            r.item_code: r.answer
            for r in s.scalars(
                select(ChecklistResponse).where(
                    ChecklistResponse.case_id == case_id, ChecklistResponse.deleted_at.is_(None)
                )
            )
        }
        responses = s.scalars(
            select(ChecklistResponse).where(ChecklistResponse.case_id == case_id)
        ).all()
        assert {(r.template_code, r.template_version) for r in responses} == {(TEMPLATE, "2026.1")}
        visible = visible_under(json.loads(stored.content), answers)
        assert set(CONDITIONAL) <= visible
        assert set(answers) == visible
        assert len(answers) == answered_on_screen
        assert answers[TRIGGER] is ChecklistAnswer.NON_COMPLIANT
        others = {code: answer for code, answer in answers.items() if code != TRIGGER}
        assert set(others.values()) == {ChecklistAnswer.COMPLIANT}

        # The interview, its inspectors and its two entries in order.
        record = s.scalars(select(InterviewRecord).where(InterviewRecord.case_id == case_id)).one()
        assert (record.interviewee_name, record.interviewee_role) == INTERVIEWEE
        assert sorted(json.loads(record.inspectors_present)) == sorted(
            [world.leader_id, world.member_id]
        )
        entries = s.scalars(
            select(InterviewEntry)
            .where(InterviewEntry.interview_id == record.id, InterviewEntry.deleted_at.is_(None))
            .order_by(InterviewEntry.position)
        ).all()
        assert [(e.question, e.answer) for e in entries] == list(QUESTIONS)
        interview_id = record.id

    view = checklist_view(profile=profile, case_id=case_id)
    assert view.total.answered == view.total.visible == len(answers)
    assert view.required_open == ()

    # The photo, linked to the non-compliant item, intact in the chain and the blob store.
    (evidence,) = list_evidence(profile=profile, case_id=case_id)
    assert evidence.caption == CAPTION and evidence.kind is EvidenceKind.PHOTO
    assert evidence.sha256 == hashlib.sha256(picture.read_bytes()).hexdigest()
    assert evidence.supports == [LinkRef(LinkKind.CHECKLIST_ITEM, TRIGGER)]
    assert evidence.signature_valid
    report = verify_case(profile=profile, case_ref=case_id)
    assert report.ok, report.lines()
    assert (report.items_checked, report.originals_checked) == (1, 1)

    # The finding: the amount in fen, resting on the item and on its evidence.
    (finding,) = findings_of_case(profile=profile, case_id=case_id)
    assert finding.id == finding_id
    assert finding.amount_fen == 1_234_567
    assert finding.status is FindingStatus.DRAFT
    assert finding.links.checklist_items == (TRIGGER,)
    assert finding.links.evidence == (evidence.id,)

    detail = interview_detail(profile=profile, interview_id=interview_id)
    assert len(detail.inspector_names) == 2

    # The case history has every step, one answer event per item.
    actions = [row.action for row in case_history(profile=profile, case_id=case_id)]
    for action in (
        "case.opened",
        "task.opened",
        "task.on_site",
        "arrival.recorded",
        "checklist.started",
        "evidence.recorded",
        "finding.created_from_checklist",
        "finding.updated",
        "interview.created",
    ):
        assert action in actions, action
    assert actions.count("checklist.answered") == len(answers)
    assert actions.index("task.opened") < actions.index("arrival.recorded")
    assert actions.index("evidence.recorded") < actions.index("finding.created_from_checklist")
