"""The checklist tab: start a checklist, answer from the keyboard, conditions, filter, notes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QPlainTextEdit, QPushButton, QTreeView
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from inspector_app import i18n
from inspector_app.checklists.service import store_templates
from local_db.enums import ChecklistAnswer
from local_db.models import AuditLogEntry, CaseChecklist, ChecklistResponse
from tests.unit.checklists import factory
from ui.context import ShellContext
from ui.inspection.checklist_tab import ChecklistTab

CODE = "test_hospital"


@pytest.fixture
def tab(qtbot: QtBot, context: ShellContext, seeded: dict[str, str]) -> Iterator[ChecklistTab]:
    """The tab on the seeded open case, with the fixture template installed."""
    with context.profile.session() as s:
        store_templates(s, [factory.template()])
    widget = ChecklistTab(context)
    qtbot.addWidget(widget)
    widget.resize(1200, 700)
    widget.show()
    qtbot.waitExposed(widget)
    widget.set_case(seeded["open_task"], seeded["case"])
    qtbot.waitUntil(lambda: widget.view is not None, timeout=10_000)
    yield widget
    tasks = context.tasks
    qtbot.waitUntil(
        lambda: not widget._pending and not tasks.active_count and not tasks.running_threads(),
        timeout=10_000,
    )


def _start(qtbot: QtBot, tab: ChecklistTab) -> QTreeView:
    assert tab.stack.currentWidget() is tab.start_page
    picker = tab.findChild(QComboBox, "templatePicker")
    picker.setCurrentIndex(picker.findData(CODE))
    qtbot.mouseClick(tab.findChild(QPushButton, "startChecklistButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.stack.currentWidget() is tab.checklist_page, timeout=10_000)
    tree = tab.findChild(QTreeView, "checklistTree")
    tree.setFocus()
    return tree


def _shown_codes(tab: ChecklistTab) -> list[str]:
    codes = []
    proxy = tab.proxy
    for section in range(proxy.rowCount()):
        parent = proxy.index(section, 0)
        for row in range(proxy.rowCount(parent)):
            item = tab.model.item_at(proxy.mapToSource(proxy.index(row, 0, parent)))
            assert item is not None
            codes.append(item.code)
    return codes


def test_without_a_case_file_the_tab_explains_when_it_opens(
    qtbot: QtBot, context: ShellContext, seeded: dict[str, str]
) -> None:
    widget = ChecklistTab(context)
    qtbot.addWidget(widget)
    widget.set_case(seeded["sealed_task"], None)
    assert widget.stack.currentWidget() is widget.no_case
    assert "arrive" in widget.no_case.message_label.text()


def test_start_answer_by_keyboard_conditional_item_and_filter(
    qtbot: QtBot, tab: ChecklistTab, context: ShellContext, seeded: dict[str, str]
) -> None:
    tree = _start(qtbot, tab)
    assert tab.current_code() == "WARD-01"
    assert _shown_codes(tab) == ["WARD-01", "WARD-02", "BILL-01", "BILL-02"]
    open_label = tab.findChild(QLabel, "openRequiredLabel")
    assert open_label.text() == "3 required items open"

    qtbot.keyClick(tree, Qt.Key.Key_1)
    assert tab.current_code() == "WARD-02"  # moved on at once
    qtbot.keyClick(tree, Qt.Key.Key_2)
    # The conditional item appears right after its trigger and gets the selection.
    assert _shown_codes(tab)[:3] == ["WARD-01", "WARD-02", "WARD-03"]
    assert tab.current_code() == "WARD-03"
    assert open_label.text() == "2 required items open"
    assert tab.findChild(QPushButton, "createFindingButton").isEnabled() is False

    tab.select_item("WARD-02")
    assert tab.findChild(QPushButton, "createFindingButton").isEnabled()
    assert tab.findChild(QPushButton, "answerNonCompliant").isChecked()
    tab.select_item("WARD-03")
    qtbot.keyClick(tree, Qt.Key.Key_N)
    note = tab.findChild(QPlainTextEdit, "checklistNote")
    assert note.hasFocus()
    qtbot.keyClicks(note, "3 beds empty")
    qtbot.keyClick(note, Qt.Key.Key_Escape)  # saves and returns to the list
    assert tree.hasFocus()
    qtbot.keyClick(tree, Qt.Key.Key_3)
    assert tab.current_code() == "BILL-01"
    assert tab.progress.text() == "3 of 5 answered"
    section = tab.proxy.index(0, 1)
    assert section.data() == "3/3"

    tab.findChild(QCheckBox, "openRequiredFilter").setChecked(True)
    assert _shown_codes(tab) == ["BILL-01"]
    qtbot.keyClick(tree, Qt.Key.Key_1)
    assert _shown_codes(tab) == []
    assert open_label.text() == "All required items answered"
    tab.findChild(QCheckBox, "openRequiredFilter").setChecked(False)

    # Changing the trigger hides the conditional item again (its answer is kept).
    tab.select_item("WARD-02")
    qtbot.keyClick(tree, Qt.Key.Key_1)
    assert "WARD-03" not in _shown_codes(tab)

    qtbot.waitUntil(lambda: tab._pending == 0, timeout=10_000)
    with context.profile.read_session() as s:
        pin = s.scalars(select(CaseChecklist)).one()
        answers = {
            r.item_code: (r.answer, r.note)
            for r in s.scalars(
                select(ChecklistResponse).where(ChecklistResponse.template_code == CODE)
            )
        }
        events = list(
            s.scalars(
                select(AuditLogEntry.detail).where(AuditLogEntry.action == "checklist.answered")
            )
        )
    assert (pin.case_id, pin.template_version) == (seeded["case"], "2026.1")
    assert answers == {
        "WARD-01": (ChecklistAnswer.COMPLIANT, ""),
        "WARD-02": (ChecklistAnswer.COMPLIANT, ""),
        "WARD-03": (ChecklistAnswer.NOT_APPLICABLE, "3 beds empty"),
        "BILL-01": (ChecklistAnswer.COMPLIANT, ""),
    }
    assert "WARD-02 non_compliant->compliant" in events
    assert tab.view is not None and tab.view.total.answered == 3


def test_search_and_language_switch(qtbot: QtBot, tab: ChecklistTab) -> None:
    _start(qtbot, tab)
    tab.search.setText("bill-02")
    assert _shown_codes(tab) == ["BILL-02"]
    assert tab.current_code() == "BILL-02"
    i18n.set_language("zh_CN")
    tab.retranslate()
    assert "测试模板" in tab.title_label.text()
    assert tab.proxy.index(0, 0).data().startswith("BILL  收费")
    assert "问题 BILL-02" in tab.detail.question.text()
