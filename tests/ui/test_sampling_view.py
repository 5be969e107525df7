"""The batch workspace's sampling tab: draws listed, a draw's design and claims, redraw,
export, review progress, and a new sample drawn from the tab."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import update

from inspector_app.i18n import _
from inspector_app.profiles import OpenProfile
from inspector_app.review import complete_review, open_worksheet
from inspector_app.sampling import (
    DesignOptions,
    FrameDefinition,
    Stratifier,
    draw_sample,
)
from inspector_app.services.settlement_summary import data_summary
from inspector_app.statistics.allocation import Allocation
from local_db.enums import SamplingMethod
from local_db.models import Claim
from tests.ui.test_new_sample_dialog import draw
from tests.unit.sampling.world import World, demo_world
from ui.connectivity import ConnectivityMonitor
from ui.context import ShellContext
from ui.data.batch_workspace import BatchWorkspace
from ui.data.sampling_view import SamplingView
from ui.machine_settings import MachineSettings
from ui.translation import apply_language
from ui.workers import TaskManager

TIMEOUT = 10_000
SEED = 20260302


@pytest.fixture
def world(profile: OpenProfile) -> World:
    """The demo's on-site case with a 600-claim batch."""
    return demo_world(profile)


@pytest.fixture
def demo_context(
    profile: OpenProfile, world: World, tasks: TaskManager, machine: MachineSettings
) -> Iterator[ShellContext]:
    """What the tabs share, on the demo profile."""
    monitor = ConnectivityMonitor()
    yield ShellContext(profile=profile, tasks=tasks, settings=machine, connectivity=monitor)
    monitor.stop()


def open_tab(qtbot: QtBot, context: ShellContext, world: World) -> BatchWorkspace:
    """The batch workspace on the demo batch, showing its sampling tab (loaded).

    The caller keeps the workspace: Python owns it, so dropping it deletes the tab too.
    """
    batch = next(b for b in data_summary(profile=context.profile).batches if b.id == world.batch_id)
    workspace = BatchWorkspace(context)
    qtbot.addWidget(workspace)
    workspace.resize(1400, 860)
    workspace.show()
    workspace.set_batch(batch)
    workspace.tabs.setCurrentWidget(workspace.sampling)
    wait_idle(qtbot, workspace.sampling)
    return workspace


def wait_idle(qtbot: QtBot, view: SamplingView) -> None:
    """Wait until the draws and the selected draw's claims are shown."""
    qtbot.waitUntil(lambda: view.batch_id is not None and not view.loading, timeout=TIMEOUT)


def _draw(profile: OpenProfile, world: World, label: str, **kwargs: object) -> str:
    options = kwargs.pop("options", None)
    summary = draw_sample(
        profile, case_id=world.case_id, frame=FrameDefinition(batch_id=world.batch_id),
        method=kwargs.pop("method", SamplingMethod.SIMPLE_RANDOM),  # type: ignore[arg-type]
        size=int(kwargs.pop("size", 12)),  # type: ignore[call-overload]
        options=options, seed=SEED, label=label,  # type: ignore[arg-type]
    )  # fmt: skip
    return summary.draw_id


def test_the_tab_lists_draws_and_shows_the_selected_one(
    qtbot: QtBot, demo_context: ShellContext, profile: OpenProfile, world: World
) -> None:
    _draw(profile, world, "简单随机 12")
    stratified = _draw(
        profile, world, "分层 20", method=SamplingMethod.STRATIFIED, size=20,
        options=DesignOptions(stratify_by=Stratifier.AMOUNT, allocation=Allocation.NEYMAN),
    )  # fmt: skip
    workspace = open_tab(qtbot, demo_context, world)
    view = workspace.sampling
    assert view.stack.currentWidget() is view.content
    assert [row.summary.label for row in view.draw_table.visible_rows()] == [
        "分层 20",
        "简单随机 12",
    ]
    assert view.current_draw() is not None and view.current_draw().draw_id == stratified
    units = view.unit_table.visible_rows()
    assert len(units) == view.current_draw().summary.sample_size >= 20
    assert [u.position for u in units] == list(range(1, len(units) + 1))
    assert {u.stratum for u in units} >= {"A1", "A2"}
    design = view.design.text()
    for fragment in ("Stratified", "Neyman", str(SEED), "A1", "N_h", "n_h"):
        assert fragment in design
    assert view.current_draw().summary.frame_sha256[:16] in design
    # Seeds are long: the list shortens them, the tooltip has the whole seed.
    model = view.draw_table.row_model
    seed_column = next(i for i, c in enumerate(model.columns) if c.header() == "Seed")
    assert model.index(0, seed_column).data(Qt.ItemDataRole.ToolTipRole) == str(SEED)
    assert view.review_button.isEnabled() and view.verify_button.isEnabled()
    # Opening the batch again shows the same draw with its claims.
    view.set_batch(world.batch_id)
    wait_idle(qtbot, view)
    assert len(view.unit_table.visible_rows()) == len(units)


def test_verify_says_reproduced_or_names_the_difference(
    qtbot: QtBot, demo_context: ShellContext, profile: OpenProfile, world: World
) -> None:
    _draw(profile, world, "PPS", method=SamplingMethod.PPS, size=15)
    workspace = open_tab(qtbot, demo_context, world)
    view = workspace.sampling
    qtbot.mouseClick(view.verify_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.last_redraw is not None, timeout=TIMEOUT)
    assert view.last_redraw is not None and view.last_redraw.matched
    assert view.status.text().startswith("Reproduced exactly")

    first = view.unit_table.visible_rows()[0]
    with profile.session() as session:
        session.execute(
            update(Claim).where(Claim.id == first.claim_id).values(fund_fen=Claim.fund_fen + 1)
        )
    view.last_redraw = None
    view.verify()
    qtbot.waitUntil(lambda: view.last_redraw is not None, timeout=TIMEOUT)
    assert view.last_redraw is not None and not view.last_redraw.matched
    assert "does NOT match" in view.status.text()
    assert "frame has changed" in view.status.text()


def test_export_and_review_progress(
    qtbot: QtBot, demo_context: ShellContext, profile: OpenProfile, world: World, tmp_path: Path
) -> None:
    draw_id = _draw(profile, world, "to review", size=6)
    workspace = open_tab(qtbot, demo_context, world)
    view = workspace.sampling
    units = view.unit_table.visible_rows()
    assert all(u.review is None for u in units)
    review = open_worksheet(profile, draw_id=draw_id, settlement_no=units[0].settlement_no)
    assert review.review_id is not None
    complete_review(profile, review_id=review.review_id)
    view.refresh()
    qtbot.waitUntil(
        lambda: view.unit_table.visible_rows()[0].review is not None and not view.loading,
        timeout=TIMEOUT,
    )
    assert view.draw_table.visible_rows()[0].reviewed == 1
    assert view.unit_table.visible_rows()[0].improper_fen == 0
    assert "1 reviewed" in view.units_title.text()

    picker = view.export_selected()
    assert picker is not None and picker.isVisible()
    picker.fileSelected.emit(str(tmp_path))
    picker.close()
    qtbot.waitUntil(lambda: "SAMPLE.csv" in view.status.text(), timeout=TIMEOUT)
    lines = (tmp_path / "SAMPLE.csv").read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "id,examined,audited" and len(lines) == 7
    assert "6 claims, 1 reviewed" in view.status.text()


def test_a_new_sample_from_the_tab_is_selected_there(
    qtbot: QtBot, demo_context: ShellContext, world: World
) -> None:
    workspace = open_tab(qtbot, demo_context, world)
    view = workspace.sampling
    assert view.stack.currentWidget() is view.empty
    # Opening the batch again shows the same (empty) list, not stale rows.
    workspace.sampling.set_batch(world.batch_id)
    wait_idle(qtbot, view)
    assert not view.verify_button.isEnabled()
    dialog = view.new_sample()
    assert dialog is not None and view.new_dialog is dialog
    dialog.size_spin.setValue(7)
    dialog.label_edit.setText("from the tab")
    draw(qtbot, dialog)
    qtbot.waitUntil(
        lambda: view.current_draw() is not None and len(view.unit_table.visible_rows()) == 7,
        timeout=TIMEOUT,
    )
    assert view.stack.currentWidget() is view.content
    assert view.current_draw().summary.label == "from the tab"
    dialog.close()  # deletes itself (WA_DeleteOnClose)
    qtbot.waitUntil(lambda: view.new_dialog is None, timeout=TIMEOUT)


def test_the_tab_follows_a_language_switch(
    qtbot: QtBot, demo_context: ShellContext, profile: OpenProfile, world: World
) -> None:
    _draw(profile, world, "随机", size=5)
    workspace = open_tab(qtbot, demo_context, world)
    view = workspace.sampling
    apply_language("zh_CN")
    workspace.retranslate()
    assert workspace.tabs.tabText(0) == "结算记录"
    assert view.title.text() == _("Samples drawn from this batch")
    assert view.design.text() and view.unit_table.visible_rows()
    apply_language("en")
    workspace.retranslate()
    assert workspace.tabs.tabText(workspace.tabs.indexOf(view)) == "Sampling && review"
    assert "Simple random" in view.design.text()


def test_results_for_the_previous_batch_do_not_land_on_the_next(
    qtbot: QtBot, demo_context: ShellContext, profile: OpenProfile, world: World
) -> None:
    """A claims read and a redraw started on one batch are dropped once another is shown."""
    _draw(profile, world, "first", size=6)
    workspace = open_tab(qtbot, demo_context, world)
    view = workspace.sampling
    assert len(view.unit_table.visible_rows()) == 6
    view._units_for = None
    view._draw_selected()  # re-reads the claims of the first batch's draw
    view.verify()  # and redraws it
    view.set_batch("no-such-batch")
    qtbot.waitUntil(lambda: demo_context.tasks.active_count == 0, timeout=TIMEOUT)
    assert view.stack.currentWidget() is view.empty
    assert view.units == [] and view.unit_table.visible_rows() == []
    assert view.last_redraw is None and view.status.text() == ""


def test_a_redraw_is_reported_only_under_its_own_draw(
    qtbot: QtBot, demo_context: ShellContext, profile: OpenProfile, world: World
) -> None:
    first = _draw(profile, world, "first", size=5)
    second = _draw(profile, world, "second", size=5)
    workspace = open_tab(qtbot, demo_context, world)
    view = workspace.sampling
    assert view.select_draw(first)
    wait_idle(qtbot, view)
    view.verify()
    assert view.select_draw(second)
    qtbot.waitUntil(lambda: demo_context.tasks.active_count == 0, timeout=TIMEOUT)
    assert view.current_draw().draw_id == second
    assert view.last_redraw is None and view.status.text() == ""
    assert view.verify_button.isEnabled()
