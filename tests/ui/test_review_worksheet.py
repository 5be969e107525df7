"""The review worksheet: lines decided by keys and widgets, checks, completion, read-only."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from inspector_app.profiles import OpenProfile
from inspector_app.review import worksheet
from inspector_app.sampling import DesignOptions, FrameDefinition, Stratifier, draw_sample
from inspector_app.sampling import draw_units as units_of
from local_db.enums import LineDecision, ReviewStatus, SamplingMethod, TeamRole
from tests.unit.review.test_worksheet import _join_team
from tests.unit.sampling.world import World, act_as_inspector, demo_world
from ui.connectivity import ConnectivityMonitor
from ui.context import ShellContext
from ui.data.review_worksheet import ReviewWorksheetDialog, open_review_worksheet
from ui.machine_settings import MachineSettings
from ui.translation import apply_language
from ui.workers import TaskManager


@pytest.fixture
def world(profile: OpenProfile) -> World:
    return demo_world(profile, claims=500)


@pytest.fixture
def shell(
    profile: OpenProfile, world: World, tasks: TaskManager, machine: MachineSettings
) -> Iterator[ShellContext]:
    monitor = ConnectivityMonitor()
    yield ShellContext(profile=profile, tasks=tasks, settings=machine, connectivity=monitor)
    monitor.stop()


def draw(profile: OpenProfile, world: World, size: int = 8) -> tuple[str, list[str]]:
    """A stratified draw from the demo batch: its id and settlement numbers in draw order."""
    summary = draw_sample(
        profile, case_id=world.case_id, frame=FrameDefinition(batch_id=world.batch_id),
        method=SamplingMethod.STRATIFIED, size=size, seed=4242,
        options=DesignOptions(stratify_by=Stratifier.AMOUNT, tiers=2),
    )  # fmt: skip
    return summary.draw_id, [u.settlement_no for u in units_of(profile, summary.draw_id)]


def opened(qtbot: QtBot, parent: QWidget) -> ReviewWorksheetDialog:
    """The worksheet opened under ``parent``, once it has read everything."""
    dialog = parent.findChild(ReviewWorksheetDialog)
    assert dialog is not None
    settle(qtbot, dialog)
    return dialog


def settle(qtbot: QtBot, dialog: ReviewWorksheetDialog) -> None:
    qtbot.waitUntil(
        lambda: dialog.view is not None and dialog.around is not None and dialog.busy == 0,
        timeout=10_000,
    )


def _open(
    qtbot: QtBot, shell: ShellContext, draw_id: str, number: str, changes: list[int]
) -> tuple[QWidget, ReviewWorksheetDialog]:
    parent = QWidget()
    qtbot.addWidget(parent)
    open_review_worksheet(
        parent, shell, draw_id=draw_id, settlement_no=number,
        on_changed=lambda: changes.append(1),
    )  # fmt: skip
    return parent, opened(qtbot, parent)


def test_a_claim_is_reviewed_from_the_keyboard(
    qtbot: QtBot, shell: ShellContext, profile: OpenProfile, world: World
) -> None:
    draw_id, numbers = draw(profile, world)
    changes: list[int] = []
    number = next(
        n for n in numbers
        if len([ln for ln in worksheet_lines(profile, draw_id, n) if ln[1] > 100]) >= 3
    )  # fmt: skip
    _parent, dialog = _open(qtbot, shell, draw_id, number, changes)
    view = dialog.view
    assert view is not None and view.status is ReviewStatus.IN_PROGRESS and view.can_record
    assert not dialog.banner.isVisible() and f"of {len(numbers)}" in dialog.position.text()
    covered = [ln for ln in view.lines if ln.coverage_class != "C" and ln.amount_fen > 100]
    first, second = covered[0], covered[1]
    # D on the first line: whole amount; pick the type, type the reason, Enter saves.
    dialog.lines.select_line(first.line_no)
    qtbot.keyClick(dialog.lines, Qt.Key.Key_D)
    assert dialog.editor.buttons[LineDecision.DISALLOWED].isChecked()
    dialog.editor.set_violation("art38.3")
    dialog.editor.reason.setText("无医嘱收费")  # QTest types ASCII only
    qtbot.keyClick(dialog.editor.reason, Qt.Key.Key_Return)
    settle(qtbot, dialog)
    # P on the second line: part of it; the last violation type is kept.
    dialog.lines.select_line(second.line_no)
    qtbot.keyClick(dialog.lines, Qt.Key.Key_P)
    assert dialog.editor.violation_code() == "art38.3"
    dialog.editor.reason.setText("超出医嘱数量")
    dialog.editor.amount.selectAll()
    qtbot.keyClicks(dialog.editor.amount, "1.00")
    qtbot.keyClick(dialog.editor.amount, Qt.Key.Key_Return)
    settle(qtbot, dialog)
    view = dialog.view
    assert view is not None
    by_line = {line.line_no: line for line in view.lines}
    assert by_line[first.line_no].decision is LineDecision.DISALLOWED
    assert by_line[first.line_no].reason == "无医嘱收费"
    assert by_line[second.line_no].decision is LineDecision.PARTLY_DISALLOWED
    assert by_line[second.line_no].disallowed_fen == 100
    # Completing with open lines is refused in place.
    qtbot.mouseClick(dialog.complete_button, Qt.MouseButton.LeftButton)
    assert dialog.error_label.isVisible() and "still open" in dialog.error_label.text()
    # A accepts the current line and moves on; the rest in one go.
    open_line = next(ln for ln in view.lines if not ln.decided)
    dialog.lines.select_line(open_line.line_no)
    qtbot.keyClick(dialog.lines, Qt.Key.Key_A)
    settle(qtbot, dialog)
    assert {ln.line_no: ln for ln in dialog.view.lines}[open_line.line_no].decided
    qtbot.mouseClick(dialog.editor.accept_rest_button, Qt.MouseButton.LeftButton)
    settle(qtbot, dialog)
    key = view.checks[0].key
    qtbot.mouseClick(dialog.findChild(QWidget, f"check_{key}_yes"), Qt.MouseButton.LeftButton)
    settle(qtbot, dialog)
    qtbot.mouseClick(dialog.complete_button, Qt.MouseButton.LeftButton)
    settle(qtbot, dialog)
    done = dialog.view
    assert done is not None and done.status is ReviewStatus.DONE
    assert done.checks[0].answer == "yes" and all(line.decided for line in done.lines)
    # The audited amount follows the pro-rata rule of docs/sampling.md §7.
    base = sum(ln.amount_fen for ln in done.lines if ln.coverage_class != "C" and ln.amount_fen > 0)
    disallowed = first.amount_fen + 100
    share = min(done.examined_fen, (2 * disallowed * done.examined_fen + base) // (2 * base))
    assert done.audited_fen == done.examined_fen - share
    stored = worksheet(profile, review_id=done.review_id or "")
    assert (stored.audited_fen, stored.status) == (done.audited_fen, ReviewStatus.DONE)
    assert dialog.banner.isVisible() and dialog.reopen_button.isVisible()
    assert not dialog.editor.save_button.isEnabled()
    assert len(changes) >= 7  # opening, three decisions, the rest, a check, completion
    # Alt+→ goes to the next sampled claim.
    where = numbers.index(number)
    if where + 1 < len(numbers):
        qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
        settle(qtbot, dialog)
        assert dialog.view is not None
        assert dialog.view.claim.settlement_no == numbers[where + 1]
    dialog.close()


def worksheet_lines(profile: OpenProfile, draw_id: str, number: str) -> list[tuple[int, int]]:
    """(line number, amount) of the covered lines of a sampled claim (read, starts nothing)."""
    from sqlalchemy import select

    from local_db.models import ClaimLine, SampleUnit

    with profile.read_session() as session:
        claim_id = session.scalar(
            select(SampleUnit.claim_id).where(
                SampleUnit.draw_id == draw_id, SampleUnit.settlement_no == number
            )
        )
        rows = session.execute(
            select(ClaimLine.line_no, ClaimLine.amount_fen).where(
                ClaimLine.claim_id == claim_id, ClaimLine.coverage_class != "C"
            )
        ).all()
    return [(int(a), int(b)) for a, b in rows]


def test_a_social_supervisor_reads_under_a_banner(
    qtbot: QtBot, shell: ShellContext, profile: OpenProfile, world: World
) -> None:
    draw_id, numbers = draw(profile, world, size=4)
    act_as_inspector(profile, _join_team(profile, world.case_id, TeamRole.SOCIAL_SUPERVISOR))
    changes: list[int] = []
    _parent, dialog = _open(qtbot, shell, draw_id, numbers[0], changes)
    view = dialog.view
    assert view is not None and not view.can_record and view.review_id is None
    assert dialog.banner.isVisible()
    assert "Read only" in dialog.banner.text() and "role" in dialog.banner.text()
    assert "*" in dialog.facts["patient"].text()  # the core masks the identity
    assert not dialog.editor.save_button.isEnabled()
    assert not dialog.complete_button.isEnabled()
    assert not dialog.link_lists[next(iter(dialog.link_lists))].add_button.isEnabled()
    qtbot.keyClick(dialog.lines, Qt.Key.Key_A)  # ignored: nothing to save
    assert dialog.busy == 0 and not any(line.decided for line in view.lines)
    # A language switch re-reads the checks, whose titles come from the core.
    apply_language("zh_CN")
    qtbot.waitUntil(lambda: dialog.checks.rows[0][1].text() == "患者身份核实", timeout=10_000)
    settle(qtbot, dialog)
    dialog.close()


def test_typed_input_survives_another_save(
    qtbot: QtBot, shell: ShellContext, profile: OpenProfile, world: World
) -> None:
    """Answering a check while a note and a line's reason are typed keeps both as typed."""
    draw_id, numbers = draw(profile, world, size=4)
    _parent, dialog = _open(qtbot, shell, draw_id, numbers[0], [])
    view = dialog.view
    assert view is not None
    line = next(ln for ln in view.lines if ln.amount_fen > 0 and ln.coverage_class != "C")
    dialog.lines.select_line(line.line_no)
    qtbot.keyClick(dialog.lines, Qt.Key.Key_D)
    dialog.editor.set_violation("art38.3")
    dialog.editor.reason.setText("typed reason, not yet saved")
    dialog.note.setText("typed review note")
    key = view.checks[0].key
    qtbot.mouseClick(dialog.findChild(QWidget, f"check_{key}_yes"), Qt.MouseButton.LeftButton)
    settle(qtbot, dialog)
    assert dialog.view is not None and dialog.view.checks[0].answer == "yes"
    assert dialog.note.text() == "typed review note"
    assert dialog.editor.reason.text() == "typed reason, not yet saved"
    assert dialog.editor.buttons[LineDecision.DISALLOWED].isChecked()
    # A language switch re-reads the worksheet and keeps them too.
    apply_language("zh_CN")
    qtbot.waitUntil(lambda: dialog.checks.rows[0][1].text() == "患者身份核实", timeout=10_000)
    settle(qtbot, dialog)
    assert dialog.editor.reason.text() == "typed reason, not yet saved"
    assert dialog.note.text() == "typed review note"
    apply_language("en")
    settle(qtbot, dialog)
    # Moving to another line saves the pending one as Enter would.
    other = next(ln for ln in dialog.view.lines if ln.line_no != line.line_no)
    dialog.lines.select_line(other.line_no)
    settle(qtbot, dialog)
    assert dialog.lines.current_row() is not None
    assert dialog.lines.current_row().line_no == other.line_no
    saved = {ln.line_no: ln for ln in worksheet(profile, review_id=view.review_id or "").lines}
    assert saved[line.line_no].decision is LineDecision.DISALLOWED
    assert saved[line.line_no].reason == "typed reason, not yet saved"
    # The note is saved when its editing finishes, without completing the review.
    dialog.note.editingFinished.emit()
    settle(qtbot, dialog)
    assert worksheet(profile, review_id=view.review_id or "").note == "typed review note"
    assert dialog.view.status is ReviewStatus.IN_PROGRESS
    dialog.close()


def test_an_unsaveable_line_keeps_the_worksheet_where_it_is(
    qtbot: QtBot, shell: ShellContext, profile: OpenProfile, world: World
) -> None:
    """A pending disallowance without a violation type blocks moving and (once) closing."""
    draw_id, numbers = draw(profile, world, size=4)
    parent, dialog = _open(qtbot, shell, draw_id, numbers[0], [])
    view = dialog.view
    assert view is not None and len(view.lines) >= 2
    line = next(ln for ln in view.lines if ln.amount_fen > 0 and ln.coverage_class != "C")
    other = next(ln for ln in view.lines if ln.line_no != line.line_no)
    dialog.lines.select_line(line.line_no)
    qtbot.keyClick(dialog.lines, Qt.Key.Key_D)  # no violation type chosen yet
    dialog.editor.reason.setText("half typed")
    dialog.lines.select_line(other.line_no)
    assert dialog.busy == 0
    assert dialog.lines.current_row() is not None
    assert dialog.lines.current_row().line_no == line.line_no
    assert dialog.editor.reason.text() == "half typed"
    assert "not saved" in dialog.error_label.text()
    dialog.close()
    assert dialog.isVisible() and "Close again" in dialog.error_label.text()
    # With the type chosen, closing saves the line first.
    dialog.editor.set_violation("art38.3")
    dialog.close()
    qtbot.waitUntil(lambda: parent.findChild(ReviewWorksheetDialog) is None, timeout=10_000)
    qtbot.waitUntil(lambda: shell.tasks.active_count == 0, timeout=10_000)
    saved = {ln.line_no: ln for ln in worksheet(profile, review_id=view.review_id or "").lines}
    assert saved[line.line_no].decision is LineDecision.DISALLOWED
    assert saved[line.line_no].reason == "half typed"


def test_closing_twice_discards_what_cannot_be_saved(
    qtbot: QtBot, shell: ShellContext, profile: OpenProfile, world: World
) -> None:
    draw_id, numbers = draw(profile, world, size=4)
    parent, dialog = _open(qtbot, shell, draw_id, numbers[0], [])
    view = dialog.view
    assert view is not None
    line = next(ln for ln in view.lines if ln.amount_fen > 0 and ln.coverage_class != "C")
    dialog.lines.select_line(line.line_no)
    qtbot.keyClick(dialog.lines, Qt.Key.Key_D)  # no violation type: cannot be saved
    dialog.close()
    assert dialog.isVisible() and "Close again" in dialog.error_label.text()
    dialog.close()
    qtbot.waitUntil(lambda: parent.findChild(ReviewWorksheetDialog) is None, timeout=10_000)
    saved = {ln.line_no: ln for ln in worksheet(profile, review_id=view.review_id or "").lines}
    assert not saved[line.line_no].decided
