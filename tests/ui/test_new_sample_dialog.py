"""New sample dialog: every method drawn through it, the planner's size, and refused input."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QWidget
from pytestqt.qtbot import QtBot

from inspector_app.i18n import _
from inspector_app.profiles import OpenProfile
from inspector_app.sampling import FrameDefinition, Stratifier, TierRule, describe_frame, redraw
from inspector_app.statistics.allocation import Allocation
from inspector_app.statistics.sample_size import attribute_sample_size, variable_sample_size
from local_db.enums import SamplingMethod
from tests.unit.sampling.world import World, demo_world, screen
from ui.connectivity import ConnectivityMonitor
from ui.context import ShellContext
from ui.dialogs.new_sample_dialog import NewSampleDialog
from ui.machine_settings import MachineSettings
from ui.translation import apply_language
from ui.workers import TaskManager

TIMEOUT = 10_000


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


@pytest.fixture
def host(qtbot: QtBot) -> QWidget:
    """The dialogs' parent, as the sampling tab is in the application: a dialog owned by
    Python alone could be collected (and deleted) by a garbage collection that happens to
    run on a worker thread."""
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


def open_dialog(
    qtbot: QtBot, context: ShellContext, world: World, host: QWidget
) -> NewSampleDialog:
    """The dialog on the demo batch, once its choices and first frame preview arrived."""
    dialog = NewSampleDialog(context, world.batch_id, host)
    dialog.show()
    settle(qtbot, dialog)
    return dialog


def settle(qtbot: QtBot, dialog: NewSampleDialog) -> None:
    """Wait until the frame preview matches the form (and the planner has planned)."""

    def settled() -> bool:
        key = dialog.request().preview_key()
        return (
            dialog.choices is not None
            and not dialog.previewing
            and (key is None or key == dialog.preview_key)
        )

    qtbot.waitUntil(settled, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: not dialog.planner.planning, timeout=TIMEOUT)


def choose(box: object, value: object) -> None:
    """Pick the item of a combo box whose data is ``value``."""
    assert isinstance(box, QComboBox)
    index = box.findData(value)
    assert index >= 0, value
    box.setCurrentIndex(index)


def draw(qtbot: QtBot, dialog: NewSampleDialog) -> None:
    """Click Draw once it is enabled and wait for the result."""
    settle(qtbot, dialog)
    qtbot.waitUntil(dialog.draw_button.isEnabled, timeout=TIMEOUT)
    qtbot.mouseClick(dialog.draw_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.drawn_summary is not None, timeout=TIMEOUT)


def test_every_method_draws_through_the_dialog_and_redraws_exactly(
    qtbot: QtBot, demo_context: ShellContext, profile: OpenProfile, world: World, host: QWidget
) -> None:
    screen(profile, world.batch_id, every=6)
    designs = [
        (SamplingMethod.SIMPLE_RANDOM, {}),
        (SamplingMethod.STRATIFIED, {"stratify_by": Stratifier.AMOUNT,
                                     "allocation": Allocation.NEYMAN, "certainty": "2,500"}),
        (SamplingMethod.STRATIFIED, {"stratify_by": Stratifier.AMOUNT,
                                     "tier_rule": TierRule.GIVEN, "boundaries": "100; 1,000"}),
        (SamplingMethod.STRATIFIED, {"stratify_by": Stratifier.DEPARTMENT}),
        (SamplingMethod.STRATIFIED, {"stratify_by": Stratifier.FLAGS}),
        (SamplingMethod.PPS, {}),
        (SamplingMethod.RISK_BASED, {"cap": 20}),
    ]  # fmt: skip
    for method, options in designs:
        dialog = open_dialog(qtbot, demo_context, world, host)
        choose(dialog.method, method)
        if "stratify_by" in options:
            choose(dialog.stratify_by, options["stratify_by"])
        if "allocation" in options:
            choose(dialog.allocation, options["allocation"])
        if "tier_rule" in options:
            choose(dialog.tier_rule, options["tier_rule"])
            dialog.boundaries.setText(str(options["boundaries"]))
        if "certainty" in options:
            dialog.certainty.setText(str(options["certainty"]))
        if "cap" in options:
            dialog.cap.setValue(int(str(options["cap"])))
        dialog.size_spin.setValue(24)
        dialog.label_edit.setText(f"{method.value} via the dialog")
        draw(qtbot, dialog)
        summary = dialog.drawn_summary
        assert summary is not None and summary.method is method
        assert summary.label == f"{method.value} via the dialog"
        assert summary.case_id == world.case_id
        assert dialog.seed.text() == summary.seed and dialog.seed.isReadOnly()
        assert summary.seed in dialog.result_label.text()
        assert not dialog.draw_button.isEnabled()
        if method is SamplingMethod.RISK_BASED:
            assert summary.design["flagged_taken"] == 20
        elif method is not SamplingMethod.PPS:
            assert summary.sample_size >= 24
        assert redraw(profile, summary.draw_id).matched, method
        dialog.close()


def test_filters_shape_the_frame_and_a_given_seed_is_kept(
    qtbot: QtBot, demo_context: ShellContext, profile: OpenProfile, world: World, host: QWidget
) -> None:
    dialog = open_dialog(qtbot, demo_context, world, host)
    assert dialog.preview is not None
    whole = dialog.preview.size
    outpatient = next(c for c in dialog.visit_checks if c.property("visitType") == "outpatient")
    outpatient.setChecked(False)
    dialog.min_amount.setText("100")
    dialog.departments.item(0).setCheckState(Qt.CheckState.Checked)
    settle(qtbot, dialog)
    frame = FrameDefinition(
        batch_id=world.batch_id, visit_types=("inpatient",), min_amount_fen=10_000,
        departments=(str(dialog.departments.item(0).data(Qt.ItemDataRole.UserRole)),),
    )  # fmt: skip
    expected = describe_frame(profile, frame=frame)
    assert dialog.preview is not None
    assert (dialog.preview.size, dialog.preview.sha256) == (expected.size, expected.sha256)
    assert 0 < dialog.preview.size < whole
    dialog.size_spin.setValue(min(3, expected.size))
    dialog.seed.setText("123456789")
    draw(qtbot, dialog)
    summary = dialog.drawn_summary
    assert summary is not None and summary.seed == "123456789"
    assert summary.frame == frame and summary.frame_sha256 == expected.sha256


def test_planner_size_is_the_statistics_module_s(
    qtbot: QtBot, demo_context: ShellContext, profile: OpenProfile, world: World, host: QWidget
) -> None:
    dialog = open_dialog(qtbot, demo_context, world, host)
    frame = describe_frame(profile, frame=FrameDefinition(batch_id=world.batch_id))
    whole = frame.strata[0]
    planner = dialog.planner
    planner.confidence.setCurrentIndex(planner.confidence.findData(0.95))
    planner.precision.setValue(5.0)
    qtbot.waitUntil(lambda: not planner.planning, timeout=TIMEOUT)
    expected = variable_sample_size(
        frame_size=frame.size, mean=whole.mean_fen, standard_deviation=whole.sd_fen,
        precision_percent=5.0, confidence=0.95,
    )  # fmt: skip
    assert planner.plan is not None and planner.plan.size == expected.sample_size
    assert planner.result.text() == f"n = {expected.sample_size:,}"
    qtbot.mouseClick(planner.use_button, Qt.MouseButton.LeftButton)
    assert dialog.size_spin.value() == expected.sample_size

    planner.attributes.setChecked(True)
    planner.expected_rate.setValue(4.0)
    planner.attribute_precision.setValue(3.0)
    qtbot.waitUntil(lambda: not planner.planning, timeout=TIMEOUT)
    attributes = attribute_sample_size(
        frame_size=frame.size, expected_rate=0.04, precision=0.03, confidence=0.95
    )
    assert planner.plan is not None and planner.plan.size == attributes.sample_size


def test_invalid_input_disables_draw_and_says_why(
    qtbot: QtBot, demo_context: ShellContext, world: World, host: QWidget
) -> None:
    dialog = open_dialog(qtbot, demo_context, world, host)
    assert dialog.preview is not None
    frame_size = dialog.preview.size
    assert dialog.draw_button.isEnabled() and dialog.problem_label.text() == ""

    def refused(fragment: str) -> None:
        settle(qtbot, dialog)
        assert not dialog.draw_button.isEnabled()
        assert fragment in dialog.problem_label.text()

    dialog.size_spin.setValue(frame_size + 1)
    refused(f"larger than the {frame_size} claims")
    dialog.size_spin.setValue(0)
    refused("at least 1")
    dialog.size_spin.setValue(10)
    dialog.seed.setText("not a seed")
    refused("seed")
    dialog.seed.setText("")
    dialog.min_amount.setText("abc")
    refused("“abc” is not an amount")
    dialog.min_amount.setText("500")
    dialog.max_amount.setText("100")
    refused("above the largest")
    dialog.max_amount.setText("")
    dialog.min_amount.setText("")
    for check in dialog.visit_checks:
        check.setChecked(False)
    refused("visit type")
    for check in dialog.visit_checks:
        check.setChecked(True)
    choose(dialog.method, SamplingMethod.RISK_BASED)
    refused("run the screening")
    choose(dialog.method, SamplingMethod.STRATIFIED)
    choose(dialog.tier_rule, TierRule.GIVEN)
    dialog.boundaries.setText("1,000; 100")
    refused("ascending")
    dialog.boundaries.setText("100; 1,000")
    dialog.certainty.setText("1")
    refused("certainty stratum alone")
    dialog.certainty.setText("")
    settle(qtbot, dialog)
    qtbot.waitUntil(dialog.draw_button.isEnabled, timeout=TIMEOUT)
    assert dialog.problem_label.text() == ""


def test_the_dialog_stays_open_while_drawing_and_delivers_the_sample(
    qtbot: QtBot, demo_context: ShellContext, world: World, host: QWidget
) -> None:
    """Cancel, Escape and the window's close button are refused until the draw is in: a
    closed dialog would drop the recorded sample and the user would draw again."""
    dialog = open_dialog(qtbot, demo_context, world, host)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    got: list[object] = []
    dialog.drawn.connect(got.append)
    qtbot.waitUntil(dialog.draw_button.isEnabled, timeout=TIMEOUT)
    dialog.draw()
    assert dialog.drawing and not dialog.cancel_button.isEnabled()
    assert dialog.result_label.isVisible() and dialog.result_label.text()
    dialog.cancel_button.click()
    dialog.reject()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.close()
    assert dialog.isVisible()
    qtbot.waitUntil(lambda: bool(got), timeout=TIMEOUT)
    assert got == [dialog.drawn_summary] and dialog.isVisible()
    assert dialog.cancel_button.isEnabled() and dialog.cancel_button.text() == "Close"
    gone: list[bool] = []
    dialog.destroyed.connect(lambda *_args: gone.append(True))
    dialog.reject()
    qtbot.waitUntil(lambda: bool(gone), timeout=TIMEOUT)


def test_the_result_follows_a_language_switch(
    qtbot: QtBot, demo_context: ShellContext, world: World, host: QWidget
) -> None:
    dialog = open_dialog(qtbot, demo_context, world, host)
    dialog.size_spin.setValue(5)
    draw(qtbot, dialog)
    assert dialog.result_label.text().startswith("Drew 5 of")
    try:
        apply_language("zh_CN")
        dialog.retranslate()
        assert "随机种子" in dialog.result_label.text()
        assert dialog.cancel_button.text() == _("Close") != "Close"
    finally:
        apply_language("en")
        dialog.retranslate()
    assert dialog.result_label.text().startswith("Drew 5 of")


def test_the_planner_words_the_allocation_it_planned_for(
    qtbot: QtBot, demo_context: ShellContext, world: World, host: QWidget
) -> None:
    dialog = open_dialog(qtbot, demo_context, world, host)
    choose(dialog.method, SamplingMethod.STRATIFIED)
    choose(dialog.stratify_by, Stratifier.AMOUNT)
    planner = dialog.planner
    words = {Allocation.NEYMAN: "sized for Neyman allocation",
             Allocation.PROPORTIONAL: "sized for proportional allocation"}  # fmt: skip
    for allocation, other in ((Allocation.NEYMAN, Allocation.PROPORTIONAL),
                              (Allocation.PROPORTIONAL, Allocation.NEYMAN)):  # fmt: skip
        choose(dialog.allocation, allocation)
        settle(qtbot, dialog)
        qtbot.waitUntil(
            lambda: planner.plan is not None and planner.options.allocation is allocation,  # noqa: B023
            timeout=TIMEOUT,
        )
        assert words[allocation] in planner.detail.text()
        assert words[other] not in planner.detail.text()
        if allocation is Allocation.PROPORTIONAL:
            assert "Neyman" not in planner.detail.text()
