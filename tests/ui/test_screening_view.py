"""The screening tab on a small demo batch: rule summary, filters, review, findings, runs."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSpinBox
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from inspector_app.demo import build_demo
from inspector_app.profiles import OpenProfile, unlock_profile
from inspector_app.progress import Progress
from inspector_app.screening import (
    FlagFilter,
    list_flags,
    review_flag,
    review_of_flag,
    rule_summaries,
    run_screening,
    runs_of_batch,
    shipped_ruleset,
)
from local_db.enums import CaseStatus, FlagReviewStatus, TeamRole
from local_db.models import CaseFile, FlagReview, LocalUser, SettlementBatch, TeamMembership
from tests.conftest import TEST_PASSWORD
from ui.connectivity import ConnectivityMonitor
from ui.context import ShellContext
from ui.data.screening_run_dialog import RunChoice
from ui.data.screening_view import ScreeningView
from ui.machine_settings import MachineSettings
from ui.workers import TaskManager

CLAIMS = 3_000
SEED = 20_261_123
WAIT = 15_000


@pytest.fixture(scope="module")
def screened(template_profile: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo profile (3,000 claims and the partner batch) screened once with every rule."""
    folder = tmp_path_factory.mktemp("screening-view") / "profile"
    shutil.copytree(template_profile, folder)
    profile = unlock_profile(path=folder, password=TEST_PASSWORD)
    try:
        summary = build_demo(profile, claims=CLAIMS, seed=SEED, progress=Progress(), seal=False)
        run_screening(profile=profile, batch_id=summary.settlement.batch_id, progress=Progress())
    finally:
        profile.close()
    return folder


@pytest.fixture
def demo(screened: Path, tmp_path: Path) -> Iterator[OpenProfile]:
    """A private copy of the screened demo profile, unlocked."""
    folder = tmp_path / "demo"
    shutil.copytree(screened, folder)
    opened = unlock_profile(path=folder, password=TEST_PASSWORD)
    yield opened
    opened.close()


def _batch(profile: OpenProfile) -> str:
    """The inspected hospital's batch (the one with a screening run)."""
    with profile.read_session() as session:
        batches = session.scalars(select(SettlementBatch)).all()
    screened = [b.id for b in batches if runs_of_batch(profile=profile, batch_id=b.id)]
    assert len(screened) == 1
    return screened[0]


@pytest.fixture
def view(
    qtbot: QtBot, demo: OpenProfile, tasks: TaskManager, machine: MachineSettings
) -> Iterator[ScreeningView]:
    """The screening tab on the demo batch, its latest run and first flag shown."""
    monitor = ConnectivityMonitor()
    context = ShellContext(profile=demo, tasks=tasks, settings=machine, connectivity=monitor)
    widget = ScreeningView(context)
    widget.open_editor_after_finding = False
    qtbot.addWidget(widget)
    widget.resize(1400, 860)
    widget.show()
    widget.set_batch(_batch(demo))
    _settle(qtbot, widget)
    yield widget
    qtbot.waitUntil(lambda: tasks.active_count == 0, timeout=WAIT)
    monitor.stop()


def _settle(qtbot: QtBot, view: ScreeningView) -> None:
    """Wait until the run, the listing's first page and the first flag's detail are shown."""
    qtbot.waitUntil(
        lambda: (
            view.run is not None
            and view.flag_total is not None
            and not view.table.lazy_model.fetching
            and (view.flag_total == 0 or view.detail.detail is not None)
            and view.context.tasks.active_count == 0
        ),
        timeout=WAIT,
    )


def _review(profile: OpenProfile, batch_id: str, settlement_no: str, rule: str) -> FlagReview:
    with profile.read_session() as session:
        review = session.scalar(
            select(FlagReview).filter_by(
                batch_id=batch_id, settlement_no=settlement_no, rule_code=rule
            )
        )
    assert review is not None
    return review


def test_the_summary_lists_every_rule_with_the_core_counts(
    view: ScreeningView, demo: OpenProfile
) -> None:
    assert view.run is not None
    core = rule_summaries(profile=demo, run_id=view.run.id)
    rows = view.rules.table.visible_rows()
    assert [row.code for row in rows] == ["", *(rule.code for rule in shipped_ruleset().rules)]
    shown = {row.code: (row.flags, row.claims, row.amount_fen) for row in rows[1:]}
    assert shown == {s.code: (s.flags, s.claims, s.amount_fen) for s in core}
    everything = rows[0]
    assert everything.flags == view.run.flag_count == sum(s.flags for s in core)
    assert everything.amount_fen == view.run.amount_fen
    assert view.rules.table.model().index(0, 0).data() == "All rules"
    # The header's figures and the listing's count are the run's.
    assert view.header.tiles[0].value_label.text() == f"{view.run.flag_count:,}"
    assert view.filters.count_label.text() == f"{view.run.flag_count:,} flags"
    assert view.flag_total == view.run.flag_count
    assert not view.banner.isVisible()


def test_filters_by_rule_and_review_state_narrow_the_table(
    qtbot: QtBot, view: ScreeningView, demo: OpenProfile
) -> None:
    assert view.run is not None
    run_id = view.run.id
    view.rules.select_rule("SEX_ITEM")
    _settle(qtbot, view)
    expected = list_flags(profile=demo, run_id=run_id, filters=FlagFilter(rule_codes=("SEX_ITEM",)))
    assert 0 < view.flag_total == expected.total < view.run.flag_count
    rows = view.table.lazy_model.rows
    assert {row.rule_code for row in rows} == {"SEX_ITEM"}
    assert f"{expected.total:,} of {view.run.flag_count:,} flags" == view.filters.count_label.text()
    assert "Item restricted to the other sex" in view.rules.card.title_label.text()

    # A decision recorded elsewhere shows when the review-state filter asks for it.
    review_flag(profile=demo, flag_id=rows[0].id, status=FlagReviewStatus.CONFIRMED)
    view.filters.status_filter.setCurrentIndex(view.filters.status_filter.findData("confirmed"))
    _settle(qtbot, view)
    assert [row.id for row in view.table.lazy_model.rows] == [rows[0].id]
    view.filters.status_filter.setCurrentIndex(view.filters.status_filter.findData("unreviewed"))
    _settle(qtbot, view)
    assert view.flag_total == expected.total - 1
    assert rows[0].id not in {row.id for row in view.table.lazy_model.rows}

    # Back to all rules; a minimum amount and a settlement number narrow further.
    view.filters.status_filter.setCurrentIndex(0)
    view.rules.select_rule("")
    _settle(qtbot, view)
    assert view.flag_total == view.run.flag_count
    large = list_flags(profile=demo, run_id=run_id, filters=FlagFilter(min_amount_fen=100_000))
    assert 0 < large.total < view.run.flag_count
    view.filters.min_amount.setText("1,000")
    qtbot.waitUntil(lambda: view.flag_total == large.total, timeout=WAIT)
    _settle(qtbot, view)
    assert all(row.amount_fen >= 100_000 for row in view.table.lazy_model.rows)
    number = large.rows[0].settlement_no
    view.filters.search.setText(number)
    qtbot.waitUntil(
        lambda: (
            view.flag_total is not None
            and {row.settlement_no for row in view.table.lazy_model.rows} == {number}
        ),
        timeout=WAIT,
    )
    _settle(qtbot, view)
    department = large.rows[0].department
    by_department = list_flags(
        profile=demo, run_id=run_id, filters=FlagFilter(department=department)
    )
    view.filters.search.clear()
    view.filters.min_amount.clear()
    view.filters.department.setCurrentIndex(view.filters.department.findData(department))
    qtbot.waitUntil(lambda: view.flag_total == by_department.total, timeout=WAIT)
    _settle(qtbot, view)
    assert {row.department for row in view.table.lazy_model.rows} == {department}


def test_review_through_buttons_and_keys_writes_flag_reviews(
    qtbot: QtBot, view: ScreeningView, demo: OpenProfile
) -> None:
    batch_id = view.batch_id
    assert batch_id is not None
    first = view.current_flag()
    assert first is not None and first.status is None
    view.detail.buttons[FlagReviewStatus.CONFIRMED].click()
    qtbot.waitUntil(lambda: view.current_flag().status is FlagReviewStatus.CONFIRMED, timeout=WAIT)
    assert _review(demo, batch_id, first.settlement_no, first.rule_code).status == "confirmed"
    qtbot.waitUntil(lambda: view.rules.table.visible_rows()[0].confirmed == 1, timeout=WAIT)
    assert view.header.tiles[3].value_label.text() == f"{view.run.flag_count - 1:,}"

    # Q without a note asks for one and records nothing; Ctrl+Enter in the note records it.
    qtbot.keyClick(view.table, Qt.Key.Key_Q)
    assert view.detail.error_label.isVisible()
    assert view.detail.pending is FlagReviewStatus.DATA_QUALITY
    assert _review(demo, batch_id, first.settlement_no, first.rule_code).status == "confirmed"
    view.detail.note.setPlainText("HIS 编码对照错误")
    qtbot.keyClick(view.detail.note, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(
        lambda: view.current_flag().status is FlagReviewStatus.DATA_QUALITY, timeout=WAIT
    )
    review = _review(demo, batch_id, first.settlement_no, first.rule_code)
    assert (review.status, review.note) == ("data_quality", "HIS 编码对照错误")
    assert "HIS 编码对照错误" in view.detail.review_state.text()

    # J moves to the next flag, D with a note dismisses it, K goes back.
    qtbot.keyClick(view.table, Qt.Key.Key_J)
    second = view.current_flag()
    assert second is not None and second.id != first.id
    qtbot.waitUntil(
        lambda: view.detail.detail is not None and view.detail.detail.flag.id == second.id,
        timeout=WAIT,
    )
    qtbot.waitUntil(lambda: view.context.tasks.active_count == 0, timeout=WAIT)
    view.detail.note.setPlainText("病历记载合理")
    qtbot.keyClick(view.table, Qt.Key.Key_D)
    qtbot.waitUntil(lambda: view.current_flag().status is FlagReviewStatus.DISMISSED, timeout=WAIT)
    assert _review(demo, batch_id, second.settlement_no, second.rule_code).status == "dismissed"
    qtbot.keyClick(view.table, Qt.Key.Key_K)
    assert view.current_flag().id == first.id
    qtbot.waitUntil(lambda: view.context.tasks.active_count == 0, timeout=WAIT)
    counts = view.rules.table.visible_rows()[0]
    assert (counts.confirmed, counts.data_quality, counts.dismissed) == (0, 1, 1)


def test_a_finding_is_made_only_from_a_confirmed_flag(
    qtbot: QtBot, view: ScreeningView, demo: OpenProfile
) -> None:
    batch_id = view.batch_id
    assert batch_id is not None
    flag = view.current_flag()
    assert flag is not None
    button = view.detail.finding_button
    assert not button.isEnabled()
    view.create_finding()  # refused by the view too: the flag is not confirmed
    assert view.context.tasks.active_count == 0
    qtbot.keyClick(view.table, Qt.Key.Key_C)
    qtbot.waitUntil(button.isEnabled, timeout=WAIT)
    view.open_editor_after_finding = True
    button.click()
    qtbot.waitUntil(lambda: view.finding_editor is not None, timeout=WAIT)
    review = _review(demo, batch_id, flag.settlement_no, flag.rule_code)
    assert review.finding_id is not None
    editor = view.finding_editor
    assert editor is not None and editor.finding_id == review.finding_id
    qtbot.waitUntil(lambda: editor.loaded, timeout=WAIT)
    editor.reject()
    qtbot.waitUntil(lambda: view.context.tasks.active_count == 0, timeout=WAIT)
    assert "Findings tab" in view.detail.finding_label.text()
    assert "Findings tab" in view.message.text()
    assert not button.isEnabled()  # one finding per review
    # A confirmed flag with a finding cannot be dismissed.
    view.detail.note.setPlainText("改判")
    view.detail.buttons[FlagReviewStatus.DISMISSED].click()
    qtbot.waitUntil(view.detail.error_label.isVisible, timeout=WAIT)
    assert "withdraw the finding" in view.detail.error_label.text()
    assert _review(demo, batch_id, flag.settlement_no, flag.rule_code).status == "confirmed"


def test_a_cancelled_run_leaves_no_run_and_a_finished_one_is_shown(
    qtbot: QtBot, view: ScreeningView, demo: OpenProfile
) -> None:
    batch_id = view.batch_id
    assert batch_id is not None and view.run is not None
    before = runs_of_batch(profile=demo, batch_id=batch_id)
    view.start_run(RunChoice(only=tuple(r.code for r in shipped_ruleset().rules), parameters={}))
    operation = view.run_operation
    assert operation is not None and not view.header.run_button.isEnabled()
    operation.cancel()
    qtbot.waitUntil(lambda: view.run_operation is None, timeout=WAIT)
    assert view.message.text() == "Screening cancelled; nothing was recorded."
    assert runs_of_batch(profile=demo, batch_id=batch_id) == before
    assert view.header.run_button.isEnabled()

    # Through the dialog: two rules, one parameter changed; the new run is then shown.
    view.open_run_dialog()
    dialog = view.run_dialog
    assert dialog is not None
    dialog.none_button.click()
    assert not dialog.run_button.isEnabled()
    for card in dialog.cards:
        if card.rule.code in {"READMISSION", "SEX_ITEM"}:
            card.check.setChecked(True)
    card = next(c for c in dialog.cards if c.rule.code == "READMISSION")
    window = card.editors["window_days"]
    assert isinstance(window, QSpinBox)
    window.setValue(30)
    assert dialog.run_button.text() == "Run 2 rules"
    with qtbot.waitSignal(view.screened, timeout=WAIT):
        dialog.run_button.click()
    qtbot.waitUntil(
        lambda: (
            view.run is not None and view.run.id != before[0].id and view.flag_total is not None
        ),
        timeout=WAIT,
    )
    _settle(qtbot, view)
    runs = runs_of_batch(profile=demo, batch_id=batch_id)
    assert len(runs) == len(before) + 1 and runs[0].id == view.run.id
    assert [entry["code"] for entry in view.run.rules] == ["READMISSION", "SEX_ITEM"]
    assert view.run.parameters("READMISSION")["window_days"] == 30
    assert [row.code for row in view.rules.table.visible_rows()] == ["", "READMISSION", "SEX_ITEM"]
    assert view.header.picker.isVisible() and view.header.picker.count() == 2
    assert "Screening done" in view.message.text()
    # The earlier run can be shown again from the picker.
    view.header.picker.setCurrentIndex(1)
    _settle(qtbot, view)
    assert view.run.id == before[0].id


def _unscreened(profile: OpenProfile) -> str:
    """The partner batch (no screening run)."""
    with profile.read_session() as session:
        ids = [b.id for b in session.scalars(select(SettlementBatch)).all()]
    return next(i for i in ids if not runs_of_batch(profile=profile, batch_id=i))


def test_switching_batch_while_a_run_loads_drops_what_was_on_its_way(
    qtbot: QtBot, view: ScreeningView
) -> None:
    run = view.run
    assert run is not None
    view._show_run(run)  # summaries, facets and standing on their way …
    view.restart()  # … and a page of flags
    assert view.table.lazy_model.fetching
    view.set_batch(_unscreened(view.context.profile))  # meanwhile another batch is opened
    qtbot.waitUntil(lambda: view.context.tasks.active_count == 0, timeout=WAIT)
    # Nothing of the first batch's run arrived under the second (no exception either).
    assert view.run is None and view.summaries == [] and not view.can_record
    assert view.table.lazy_model.rows == [] and view.detail.detail is None
    assert view.stack.currentWidget() is view.empty


def test_a_run_finishing_after_a_batch_switch_says_nothing_under_the_other_batch(
    qtbot: QtBot, view: ScreeningView
) -> None:
    view.start_run(RunChoice(only=("READMISSION",), parameters={}))
    assert view.run_operation is not None
    view.set_batch(_unscreened(view.context.profile))
    with qtbot.waitSignal(view.screened, timeout=WAIT):
        pass
    qtbot.waitUntil(lambda: view.context.tasks.active_count == 0, timeout=WAIT)
    assert "Screening done" not in view.message.text()
    assert view.run is None


def test_a_decision_waits_for_the_detail_of_the_newly_selected_flag(
    qtbot: QtBot, view: ScreeningView, demo: OpenProfile
) -> None:
    shown = view.detail.detail
    assert shown is not None
    first = shown.flag
    view.detail.note.setPlainText("note written for the FIRST flag")
    # J moves on; before the next flag's detail arrives the user presses D.
    qtbot.keyClick(view.table, Qt.Key.Key_J)
    second = view.current_flag()
    assert second is not None and second.id != first.id
    assert view.detail.detail is not None and view.detail.detail.flag.id == first.id
    assert not view.detail.buttons[FlagReviewStatus.DISMISSED].isEnabled()
    assert view.detail.note.isReadOnly()
    qtbot.keyClick(view.table, Qt.Key.Key_D)
    view.decide(FlagReviewStatus.DISMISSED, "note written for the FIRST flag")  # refused too
    qtbot.waitUntil(lambda: view.context.tasks.active_count == 0, timeout=WAIT)
    assert review_of_flag(profile=demo, flag_id=second.id) is None
    assert review_of_flag(profile=demo, flag_id=first.id) is None
    # Once the second flag's detail is shown, its own (empty) note is there and D asks for one.
    assert view.detail.detail is not None and view.detail.detail.flag.id == second.id
    assert view.detail.note.toPlainText() == "" and not view.detail.note.isReadOnly()
    assert view.detail.buttons[FlagReviewStatus.DISMISSED].isEnabled()
    qtbot.keyClick(view.table, Qt.Key.Key_D)
    assert view.detail.pending is FlagReviewStatus.DISMISSED
    assert review_of_flag(profile=demo, flag_id=second.id) is None


@pytest.mark.parametrize("why", ["closed case", "social supervisor"])
def test_who_may_not_record_reads_only_under_a_banner(
    qtbot: QtBot, demo: OpenProfile, tasks: TaskManager, machine: MachineSettings, why: str
) -> None:
    batch_id = _batch(demo)
    with demo.session() as session:
        batch = session.get_one(SettlementBatch, batch_id)
        case = session.get_one(CaseFile, batch.case_id)
        if why == "closed case":
            case.status = CaseStatus.CLOSED
        else:
            user = session.get_one(LocalUser, demo.user_id)
            membership = session.scalar(
                select(TeamMembership).filter_by(
                    task_id=case.task_id, inspector_id=user.inspector_id
                )
            )
            assert membership is not None
            membership.role = TeamRole.SOCIAL_SUPERVISOR
    monitor = ConnectivityMonitor()
    context = ShellContext(profile=demo, tasks=tasks, settings=machine, connectivity=monitor)
    widget = ScreeningView(context)
    qtbot.addWidget(widget)
    widget.show()
    widget.set_batch(batch_id)
    _settle(qtbot, widget)
    assert widget.banner.isVisible() and "Read only" in widget.banner.text()
    assert not any(button.isEnabled() for button in widget.detail.buttons.values())
    assert not widget.header.run_button.isEnabled()
    qtbot.keyClick(widget.table, Qt.Key.Key_C)
    assert tasks.active_count == 0
    flag = widget.current_flag()
    assert flag is not None and flag.status is None
    monitor.stop()


def test_the_language_switch_rewords_the_flags(
    qtbot: QtBot, view: ScreeningView, demo: OpenProfile
) -> None:
    from ui.translation import apply_language

    english = view.current_flag()
    assert english is not None
    apply_language("zh_CN")
    view.retranslate()
    _settle(qtbot, view)
    chinese = view.current_flag()
    assert chinese is not None and chinese.id == english.id
    assert chinese.reason != english.reason  # the rule file words reasons in both languages
