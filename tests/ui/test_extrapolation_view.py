"""The extrapolation view shows what ``appraise`` computes, records it and exports it, and
refuses in words while reviews are open."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from inspector_app.profiles import OpenProfile
from inspector_app.review import complete_review, open_worksheet
from inspector_app.review.appraisal import appraisals_of, appraise_draw
from inspector_app.statistics.recovery import RecoveryRule
from tests.ui.test_review_worksheet import draw
from tests.unit.review.test_appraisal import review_all
from tests.unit.sampling.world import World, demo_world
from ui import formatting
from ui.connectivity import ConnectivityMonitor
from ui.context import ShellContext
from ui.data.extrapolation_view import ExtrapolationDialog, open_extrapolation
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


def _open(qtbot: QtBot, shell: ShellContext, draw_id: str) -> ExtrapolationDialog:
    parent = QWidget()
    qtbot.addWidget(parent)  # holds a weak reference only: the dialog keeps the parent
    open_extrapolation(parent, shell, draw_id=draw_id)
    dialog = parent.findChild(ExtrapolationDialog)
    assert dialog is not None
    dialog.keep_parent = parent  # type: ignore[attr-defined]
    _settle(qtbot, dialog)
    return dialog


def _settle(qtbot: QtBot, dialog: ExtrapolationDialog) -> None:
    qtbot.waitUntil(lambda: dialog.reading is not None and dialog.busy == 0, timeout=10_000)


def _cells(table: object, row: int) -> list[str]:
    model = table.model()  # type: ignore[attr-defined]
    return [model.index(row, c).data() for c in range(model.columnCount())]


def test_the_view_shows_the_appraisal_and_records_it(
    qtbot: QtBot, shell: ShellContext, profile: OpenProfile, world: World, tmp_path: Path
) -> None:
    draw_id, numbers = draw(profile, world, size=12)
    review_all(profile, draw_id)
    dialog = _open(qtbot, shell, draw_id)
    expected = appraise_draw(profile, draw_id, confidence=0.90)
    assert not dialog.refusal.isVisible()
    assert f"sample {len(numbers)} claims, {len(numbers)} reviewed" in dialog.facts.text()
    difference = expected.appraisal.estimators["difference"]
    row = _cells(dialog.estimators, 0)
    assert row[0] == "Difference"
    assert row[3:8] == [
        formatting.money(round(value * 100))
        for value in (difference.point_estimate, difference.standard_error, difference.lower,
                      difference.upper, difference.precision)
    ]  # fmt: skip
    assert row[8] == f"{difference.interval.precision_percent}%" and row[9] == "z"
    assert dialog.estimators.model().rowCount() == 3  # difference, ratio, mean per unit
    assert dialog.strata.isVisible() and dialog.strata.model().rowCount() == 2
    assert dialog.recovery_amount.text() == formatting.money(expected.recovery_fen())
    levels = [_cells(dialog.levels, r) for r in range(dialog.levels.model().rowCount())]
    assert [(r[0], r[2], r[4]) for r in levels] == [
        (f"{lv.two_sided * 100:g}%", formatting.money(lv.lower_fen), "✔" if lv.selected else "")
        for lv in expected.limits["difference"]
    ]
    assert [r[4] for r in levels] == ["", "✔", ""]  # the default rule: two-sided 90 %
    assert "Point estimate " + formatting.money(round(difference.point_estimate * 100)) in (
        dialog.recovery_text.text()
    )
    # Another confidence and rule: the figures follow.
    dialog.confidence.setCurrentIndex(dialog.confidence.findData(0.95))
    dialog.rule.setCurrentIndex(dialog.rule.findData(RecoveryRule.CMS_ONE_SIDED_90_LOWER.value))
    _settle(qtbot, dialog)
    other = appraise_draw(profile, draw_id, confidence=0.95,
                          rule=RecoveryRule.CMS_ONE_SIDED_90_LOWER)  # fmt: skip
    assert dialog.recovery_amount.text() == formatting.money(other.recovery_fen())
    assert _cells(dialog.levels, 0)[4] == "✔"
    upper = other.appraisal.estimators["difference"].upper
    assert _cells(dialog.estimators, 0)[6] == formatting.money(round(upper * 100))
    # Recorded and exported.
    dialog.estimator.setCurrentIndex(dialog.estimator.findData("ratio"))
    qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)
    _settle(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.recorded.model().rowCount() == 1, timeout=10_000)
    kept = appraisals_of(profile, draw_id)
    assert len(kept) == 1 and kept[0].estimator == "ratio" and kept[0].confidence == 0.95
    assert _cells(dialog.recorded, 0)[7] == formatting.money(other.recovery_fen("ratio"))
    path = tmp_path / "appraisal.json"
    chooser = dialog.choose_export_file()  # non-modal: the dialog keeps running
    assert (chooser is not None and not chooser.isModal()) or chooser.isVisible()
    chooser.fileSelected.emit(str(path))
    chooser.close()
    qtbot.waitUntil(lambda: dialog.busy == 0 and path.exists(), timeout=10_000)
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document == json.loads(json.dumps(other.to_json("ratio")))
    assert dialog.export_status.isVisible() and str(path) in dialog.export_status.text()
    dialog.close()


def test_open_reviews_are_refused_in_words(
    qtbot: QtBot, shell: ShellContext, profile: OpenProfile, world: World
) -> None:
    draw_id, numbers = draw(profile, world, size=4)
    dialog = _open(qtbot, shell, draw_id)
    assert dialog.refusal.isVisible()
    assert f"{len(numbers)} of {len(numbers)} sampled claims are not reviewed yet" in (
        dialog.refusal.text()
    )
    assert dialog.recovery_amount.text() == "—"
    assert not dialog.record_button.isEnabled() and not dialog.export_button.isEnabled()
    assert not dialog.estimators.isVisible() and not dialog.strata.isVisible()
    dialog.close()


def test_a_refusal_follows_the_language(
    qtbot: QtBot, shell: ShellContext, profile: OpenProfile, world: World
) -> None:
    """The refusal's reason is written by the core: a language switch reads it again."""
    draw_id, _numbers = draw(profile, world, size=4)
    dialog = _open(qtbot, shell, draw_id)
    assert "not reviewed yet" in dialog.refusal.text()
    apply_language("zh_CN")
    qtbot.waitUntil(lambda: "未复核" in dialog.refusal.text(), timeout=10_000)
    _settle(qtbot, dialog)
    apply_language("en")
    qtbot.waitUntil(lambda: "not reviewed yet" in dialog.refusal.text(), timeout=10_000)
    _settle(qtbot, dialog)
    dialog.close()


def test_no_precision_share_without_a_positive_estimate(
    qtbot: QtBot, shell: ShellContext, profile: OpenProfile, world: World
) -> None:
    """Nothing disallowed: the point estimate is 0 and the precision share shows "—"."""
    draw_id, numbers = draw(profile, world, size=4)
    for number in numbers:  # every review completed, nothing disallowed
        view = open_worksheet(profile, draw_id=draw_id, settlement_no=number)
        complete_review(profile, review_id=view.review_id or "")
    dialog = _open(qtbot, shell, draw_id)
    assert not dialog.refusal.isVisible()
    model = dialog.estimators.model()
    for row in range(model.rowCount()):
        assert _cells(dialog.estimators, row)[8] == "—"
        tip = model.index(row, 8).data(Qt.ItemDataRole.ToolTipRole)
        assert tip and "zero or negative" in tip
    dialog.close()
