"""The main window on a profile with data: tasks, navigation, pages, menus, status bar."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from inspector_app import settings
from tests.ui import seed
from tests.ui.conftest import wait_loaded as _loaded
from ui.context import ShellContext
from ui.main_window import MainWindow


def _texts(window: MainWindow, column: int) -> list[str]:
    proxy = window.tasks_page.table.proxy
    return [proxy.index(row, column).data() for row in range(proxy.rowCount())]


def test_tasks_of_the_profile_are_listed(window: MainWindow) -> None:
    page = window.tasks_page
    assert page.summary_label.text() == "3 tasks"
    numbers = _texts(window, 0)
    assert numbers == [seed.SEALED_TASK, seed.OPEN_TASK, "RC-2025-031"]
    institutions = dict(zip(numbers, _texts(window, 4), strict=True))
    assert institutions[seed.OPEN_TASK] == seed.HOSPITAL
    assert institutions[seed.SEALED_TASK] == "sealed (opened on site)"
    headers = [
        page.table.proxy.headerData(c, Qt.Orientation.Horizontal)
        for c in range(page.table.proxy.columnCount())
    ]
    assert headers == [
        "Number",
        "Title",
        "Type",
        "Origin",
        "Institution",
        "Region",
        "Dates",
        "Status",
        "Team leader",
    ]
    row = dict(zip(headers, [page.table.proxy.index(1, c).data() for c in range(9)], strict=True))
    assert row["Type"] == "Thematic inspection"
    assert row["Origin"] == "Annual plan"
    assert row["Dates"] == "2026-03-02 – 2026-03-06"
    assert row["Status"] == "On site"
    assert row["Team leader"] == "王建国"


def test_sealed_task_row_never_holds_the_institution(window: MainWindow) -> None:
    sealed = next(r for r in window.tasks_page.table.visible_rows() if r.sealed)
    assert sealed.institution_name is None and sealed.target_hidden


def test_filter_by_status_and_text(qtbot: QtBot, window: MainWindow) -> None:
    page = window.tasks_page
    page.status_filter.setCurrentIndex(page.status_filter.findText("Closed"))
    assert _texts(window, 0) == ["RC-2025-031"]
    assert page.summary_label.text() == "1 of 3 tasks shown"
    page.status_filter.setCurrentIndex(0)
    page.search.setText("康宁")  # QTest cannot type CJK characters
    assert _texts(window, 0) == [seed.OPEN_TASK]
    page.search.clear()
    qtbot.keyClicks(page.search, "smart-monitoring")
    assert _texts(window, 0) == [seed.SEALED_TASK]
    page.search.clear()
    assert len(_texts(window, 0)) == 3


def test_enter_opens_the_task_in_current_inspection(qtbot: QtBot, window: MainWindow) -> None:
    table = window.tasks_page.table
    table.setFocus()
    table.selectRow(_texts(window, 0).index(seed.OPEN_TASK))
    qtbot.keyClick(table, Qt.Key.Key_Return)
    page = window.inspection_page
    assert window.current_page() is page
    qtbot.waitUntil(lambda: page.overview is not None, timeout=10_000)
    assert page.title_label.text() == f"{seed.OPEN_TASK} · 2026年定点医院血液透析专项检查"
    assert page.institution.values["name"].text() == seed.HOSPITAL
    assert page.institution.values["kind"].text() == "Hospital, Grade II"
    assert page.case.values["number"].text() == seed.CASE_NUMBER
    assert page.case.values["status"].text() == "Open"
    assert page.answers.values["compliant"].text() == "5"
    assert page.answers.values["non_compliant"].text() == "2"
    assert page.answers.values["unchecked"].text() == "3"
    assert page.findings_note.text() == "2 findings, ¥13,225.67 in total"
    assert page.interviews_note.text() == "1 interview record"
    roles = [page.team_table.proxy.index(r, 1).data() for r in range(3)]
    assert roles == ["Team leader", "Inspector", "Expert"]


def test_double_click_on_a_sealed_task_keeps_the_target_hidden(
    qtbot: QtBot, window: MainWindow
) -> None:
    table = window.tasks_page.table
    row = _texts(window, 0).index(seed.SEALED_TASK)
    rect = table.visualRect(table.proxy.index(row, 1))
    # A real double-click is press, release, double-click: QTest sends only the last one.
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    page = window.inspection_page
    qtbot.waitUntil(lambda: page.overview is not None, timeout=10_000)
    assert page.overview is not None and page.overview.institution is None
    assert not page.sealed_note.isHidden()
    assert "Sealed (opened on site)" in page.sealed_note.text()
    assert page.case.values["number"].text() == "No case file opened yet"


def test_current_inspection_has_an_empty_state(qtbot: QtBot, window: MainWindow) -> None:
    window.navigation.setCurrentRow(1)
    page = window.inspection_page
    assert page.stack.currentWidget() is page.empty
    assert page.empty.title_label.text() == "No inspection chosen"


def test_navigation_reaches_every_page(qtbot: QtBot, window: MainWindow) -> None:
    titles = [window.navigation.item(i).text() for i in range(window.navigation.count())]
    assert titles == ["Tasks", "Current inspection", "Data", "Documents", "Sync status"]
    for row, page in enumerate(window.pages):
        window.navigation.setCurrentRow(row)
        assert window.stack.currentWidget() is page
        assert page.title_label.text() == titles[row] or row == 1
        if row != 1:
            _loaded(qtbot, page)


def test_data_page_shows_settlement_loads(qtbot: QtBot, window: MainWindow) -> None:
    window.navigation.setCurrentRow(2)
    page = window.data_page
    _loaded(qtbot, page)
    assert page.claims_tile.value_label.text() == "1,000,000"
    assert page.lines_tile.value_label.text() == "10,234,567"
    assert page.amount_tile.value_label.text() == "¥1,234,567,890.12"
    row = [page.table.proxy.index(0, c).data() for c in range(8)]
    assert row[:7] == [
        seed.HOSPITAL,
        "Hospital",
        "his_export_2025.csv",
        "2025-01-01 to 2025-12-31",
        "1,000,000",
        "10,234,567",
        "¥1,234,567,890.12",
    ]


def test_documents_page_lists_exports_and_opens_them(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()))
    window.navigation.setCurrentRow(3)
    page = window.documents_page
    _loaded(qtbot, page)
    files = page.exported_files
    assert files.document_stack.currentWidget() is files.no_documents
    assert files.no_documents.title_label.text() == (
        f"No exported documents for case {seed.CASE_NUMBER} yet"
    )
    folder = window.context.profile.info.path / "exports" / seed.CASE_NUMBER
    folder.mkdir(parents=True)
    (folder / "检查通知书.pdf").write_bytes(b"%PDF-1.7 demo")
    page.reload()
    _loaded(qtbot, page)
    assert files.document_stack.currentWidget() is files.document_table
    assert files.documents_title.text() == f"1 document exported for case {seed.CASE_NUMBER}"
    assert files.document_table.proxy.index(0, 0).data() == "检查通知书.pdf"
    qtbot.mouseClick(files.open_button, Qt.MouseButton.LeftButton)
    assert opened == [str(folder / "检查通知书.pdf")]


def test_sync_page_counts_pending_changes(qtbot: QtBot, window: MainWindow) -> None:
    window.navigation.setCurrentRow(4)
    page = window.sync_page
    _loaded(qtbot, page)
    assert page.overview is not None
    total = page.overview.pending_total
    assert total > 20
    assert page.pending_label.text() == f"{total} changes pending"
    kinds = {
        page.entity_table.proxy.index(r, 0).data() for r in range(len(page.overview.by_entity))
    }
    assert {"Inspection task", "Finding", "Checklist answer"} <= kinds
    assert page.server.values["address"].text() == "none configured"
    assert not page.check_button.isEnabled()
    qtbot.waitUntil(lambda: window.status.pending == total, timeout=10_000)
    assert window.status.pending_label.text() == f"{total} changes waiting for sync"


def test_status_bar_shows_user_and_offline_state(window: MainWindow) -> None:
    assert window.status.user_label.text() == "测试检查员 (test.inspector) · Team leader"
    assert window.status.connection_label.text() == "Offline — no server configured"


def test_integrity_check_from_the_tools_menu(qtbot: QtBot, window: MainWindow) -> None:
    assert window.integrity_action in window.tools_menu.actions()
    window.integrity_action.trigger()
    qtbot.waitUntil(lambda: window.last_message is not None, timeout=20_000)
    box = window.last_message
    assert box is not None
    assert box.icon() == QMessageBox.Icon.Information
    assert "Database intact" in box.text()
    assert window.integrity_action.isEnabled()
    box.close()


def test_lock_action_asks_the_shell_to_lock(qtbot: QtBot, window: MainWindow) -> None:
    with qtbot.waitSignal(window.lock_requested, timeout=1000):
        window.lock_action.trigger()


def test_window_geometry_is_saved_and_restored(
    qtbot: QtBot, context: ShellContext, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    window.resize(1111, 777)
    window.close()
    saved = context.settings.get(settings.WINDOW_GEOMETRY)
    assert saved == bytes(window.saveGeometry().data())
    assert context.settings.get(settings.WINDOW_STATE)
    # The offscreen screen is smaller than the window, so Qt clamps what it restores:
    # check that the saved bytes are handed back rather than comparing pixel sizes.
    restored: list[bytes] = []
    monkeypatch.setattr(
        MainWindow, "restoreGeometry", lambda _self, data: restored.append(bytes(data)) or True
    )
    again = MainWindow(context)
    qtbot.addWidget(again)
    assert restored == [saved]


def test_open_task_by_signal_on_a_missing_task(qtbot: QtBot, window: MainWindow) -> None:
    window.open_task("no-such-task")
    page = window.inspection_page
    qtbot.waitUntil(lambda: not page.loading, timeout=10_000)
    assert page.stack.currentWidget() is page.empty


def test_activation_of_an_invalid_index_is_ignored(window: MainWindow) -> None:
    seen: list[object] = []
    window.tasks_page.table.row_activated.connect(seen.append)
    window.tasks_page.table.doubleClicked.emit(QModelIndex())
    assert seen == []


def test_about_box_names_the_product_and_versions(qtbot: QtBot, window: MainWindow) -> None:
    from ui.dialogs.about_dialog import AboutDialog

    about = AboutDialog(window)
    qtbot.addWidget(about)
    assert about.windowTitle() == "About Fund Inspector"
    assert about.version_label.text().startswith("Version 0.")
    text = about.components_label.text()
    assert "SQLCipher 4." in text and "PySide6 6." in text


def test_open_folder_creates_the_case_export_folder(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", opened.append)
    window.navigation.setCurrentRow(3)
    _loaded(qtbot, window.documents_page)
    qtbot.mouseClick(window.documents_page.exported_files.folder_button, Qt.MouseButton.LeftButton)
    expected = window.context.profile.info.path / "exports" / seed.CASE_NUMBER
    assert [Path(url.toLocalFile()) for url in opened] == [expected]
    assert expected.is_dir()
