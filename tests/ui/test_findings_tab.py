"""Findings: a non-compliant answer becomes a finding with an amount; the editor and the tab."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDialog,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
)
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from inspector_app.casework.links import LinkRef
from inspector_app.findings.service import create_finding, finding_detail
from local_db.enums import FindingStatus, Handling, LinkKind
from local_db.models import Finding
from tests.unit.findings.world import use_catalogue
from ui.context import ShellContext
from ui.dialogs.finding_editor import FindingEditorDialog
from ui.inspection.findings_tab import FindingsTab
from ui.translation import apply_language


@pytest.fixture(autouse=True)
def violation_catalogue(monkeypatch: pytest.MonkeyPatch) -> None:
    use_catalogue(monkeypatch)


def _loaded(qtbot: QtBot, dialog: FindingEditorDialog) -> None:
    qtbot.waitUntil(lambda: dialog.loaded, timeout=10_000)


def _child(dialog: QDialog, kind: type, name: str):  # type: ignore[no-untyped-def]
    widget = dialog.findChild(kind, name)
    assert widget is not None, name
    return widget


def _save(qtbot: QtBot, dialog: FindingEditorDialog) -> None:
    with qtbot.waitSignal(dialog.accepted, timeout=10_000):
        qtbot.mouseClick(_child(dialog, QPushButton, "saveFinding"), Qt.MouseButton.LeftButton)


def test_non_compliant_answer_becomes_a_finding_with_an_amount(
    qtbot: QtBot, context: ShellContext, seeded: dict[str, str]
) -> None:
    # HD-06 is answered non-compliant in the seed.
    dialog = FindingEditorDialog.for_checklist_item(context, seeded["case"], "HD-06")
    qtbot.addWidget(dialog)
    dialog.show()
    _loaded(qtbot, dialog)
    assert dialog.finding_id is not None
    draft = finding_detail(profile=context.profile, finding_id=dialog.finding_id)
    assert draft.links.checklist_items == ("HD-06",)
    assert draft.status is FindingStatus.DRAFT
    title = _child(dialog, QLineEdit, "findingTitle")
    assert title.text() == draft.title
    # The catalogue's default handling is preselected.
    for value in draft.handling:
        assert _child(dialog, QCheckBox, f"handling_{value.value}").isChecked()
    amount = _child(dialog, QLineEdit, "findingAmount")
    qtbot.keyClicks(amount, "¥12,345.67")
    assert dialog.amount_shown.text() == "¥12,345.67"
    # QTest types Latin-1 only: Chinese text goes in as an input method would commit it.
    title.setText("血液透析重复收取血液滤过费用")
    _child(dialog, QPlainTextEdit, "findingDescription").insertPlainText("抽查 40 份病历")
    _child(dialog, QCheckBox, "handling_referral_police").setChecked(True)
    dialog.links.claims.setPlainText("JS2025000123\nJS2025000456")
    _save(qtbot, dialog)
    with context.profile.read_session() as s:
        row = s.get(Finding, dialog.finding_id)
        assert row is not None
        assert row.amount_fen == 1_234_567
        assert row.title == "血液透析重复收取血液滤过费用"
        assert "referral_police" in json.loads(row.handling)
    saved = finding_detail(profile=context.profile, finding_id=dialog.finding_id)
    assert saved.links.checklist_items == ("HD-06",)
    assert saved.links.claims == ("JS2025000123", "JS2025000456")
    # The same answer again opens the same finding.
    again = FindingEditorDialog.for_checklist_item(context, seeded["case"], "HD-06")
    qtbot.addWidget(again)
    _loaded(qtbot, again)
    assert again.finding_id == dialog.finding_id


def test_new_finding_from_the_tab_with_validation(
    qtbot: QtBot, context: ShellContext, seeded: dict[str, str]
) -> None:
    tab = FindingsTab(context)
    qtbot.addWidget(tab)
    tab.show()
    tab.set_case(seeded["open_task"], seeded["case"])
    qtbot.waitUntil(lambda: tab.view is not None, timeout=10_000)
    assert tab.table.row_model.rowCount() == 2
    assert "¥13,225.67" in tab.total_label.text()
    qtbot.mouseClick(tab.new_button, Qt.MouseButton.LeftButton)
    dialog = tab.editor
    assert isinstance(dialog, FindingEditorDialog)
    _loaded(qtbot, dialog)
    assert dialog.select_violation("art40.3")
    assert "40" in dialog.badge.text()
    assert _child(dialog, QCheckBox, "handling_suspension").isChecked()  # fraud default
    _child(dialog, QLineEdit, "findingTitle").setText("虚构血液透析治疗次数")
    amount = _child(dialog, QLineEdit, "findingAmount")
    qtbot.keyClicks(amount, "12.345")
    qtbot.mouseClick(_child(dialog, QPushButton, "saveFinding"), Qt.MouseButton.LeftButton)
    assert dialog.error_label.isVisibleTo(dialog)
    assert dialog.result() != QDialog.DialogCode.Accepted
    amount.clear()
    qtbot.keyClicks(amount, "1000")
    assert dialog.links.check(LinkKind.CHECKLIST_ITEM, "HD-07")
    with qtbot.waitSignal(tab.changed, timeout=10_000):
        _save(qtbot, dialog)
    qtbot.waitUntil(lambda: tab.table.row_model.rowCount() == 3, timeout=10_000)
    with context.profile.read_session() as s:
        row = s.scalar(select(Finding).where(Finding.title == "虚构血液透析治疗次数"))
        assert row is not None
        assert row.violation_code == "art40.3"
        assert row.amount_fen == 100_000
    assert "¥14,225.67" in tab.total_label.text()


def test_data_quality_proposes_no_handling(
    qtbot: QtBot, context: ShellContext, seeded: dict[str, str]
) -> None:
    dialog = FindingEditorDialog(context, seeded["case"])
    qtbot.addWidget(dialog)
    _loaded(qtbot, dialog)
    assert dialog.select_violation("dq")
    boxes = [_child(dialog, QCheckBox, f"handling_{value.value}") for value in Handling]
    assert not any(box.isChecked() or box.isEnabled() for box in boxes)
    assert dialog.select_violation("art38.1")
    assert any(box.isChecked() for box in boxes)


def test_withdraw_keeps_the_finding(
    qtbot: QtBot, context: ShellContext, seeded: dict[str, str]
) -> None:
    tab = FindingsTab(context)
    qtbot.addWidget(tab)
    tab.show()
    tab.set_case(seeded["open_task"], seeded["case"])
    qtbot.waitUntil(lambda: tab.view is not None, timeout=10_000)
    tab.table.selectRow(0)
    assert tab.withdraw_button.isEnabled()
    with qtbot.waitSignal(tab.changed, timeout=10_000):
        tab.withdraw_selected(reason="经核实不构成违规")
    qtbot.waitUntil(
        lambda: tab.view is not None and any(r.withdrawn for r in tab.view.rows), timeout=10_000
    )
    assert tab.table.row_model.rowCount() == 2
    assert "¥880.00" in tab.total_label.text()
    # Opening the withdrawn finding shows its status (it is offered only for that finding).
    withdrawn = next(r for r in tab.view.rows if r.withdrawn)
    dialog = FindingEditorDialog(context, seeded["case"], withdrawn.id)
    qtbot.addWidget(dialog)
    _loaded(qtbot, dialog)
    assert dialog.status.currentData() == "withdrawn"


def test_editor_screenshots(
    qtbot: QtBot, qapp: QApplication, context: ShellContext, seeded: dict[str, str], tmp_path: Path
) -> None:
    """The editor in Chinese and in English (set FINDING_SCREENSHOTS=<dir> to keep them)."""
    finding_id = create_finding(
        profile=context.profile,
        case_id=seeded["case"],
        violation_code="art38.3",
        title="血液透析治疗重复收取血液滤过费用",
        description="抽查 2025 年血液透析结算明细 1,200 条，其中 86 条同一治疗日同时收取"
        "血液透析和血液滤过费用，病程记录仅记载血液透析。",
        amount_fen=1_234_567,
        handling=[Handling.RECOVERY, Handling.PENALTY],
        links=[LinkRef(LinkKind.CHECKLIST_ITEM, "HD-06"), LinkRef(LinkKind.CLAIM, "JS-0001")],
    )
    from ui.style import stylesheet

    folder = Path(os.environ.get("FINDING_SCREENSHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    for language in ("zh_CN", "en"):
        apply_language(language)
        dialog = FindingEditorDialog(context, seeded["case"], finding_id)
        dialog.setStyleSheet(stylesheet())  # as the application styles every window
        qtbot.addWidget(dialog)
        dialog.resize(1180, 760)
        dialog.show()
        _loaded(qtbot, dialog)
        path = folder / f"finding-editor-{language}.png"
        assert dialog.grab().save(str(path))
        assert path.stat().st_size > 10_000
        dialog.close()
