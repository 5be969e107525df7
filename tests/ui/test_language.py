"""Switching language at runtime re-reads every visible text (ours and Qt's)."""

from __future__ import annotations

import gettext
import re
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QCoreApplication
from pytestqt.qtbot import QtBot

from inspector_app import i18n
from inspector_app.i18n import _
from ui.main_window import MainWindow
from ui.pages.tasks_page import TasksPage
from ui.translation import apply_language

CJK = re.compile(r"[\u4e00-\u9fff]")


def _catalog_translates(message: str) -> bool:
    """True once the zh_CN catalog has a translation for ``message`` (the lead adds them)."""
    try:
        catalog = gettext.translation(i18n.DOMAIN, i18n.catalog_dir(), languages=["zh_CN"])
    except OSError:
        return False
    return catalog.gettext(message) != message


@pytest.fixture
def retranslations(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Records each TasksPage.retranslate call."""
    calls: list[str] = []
    original = TasksPage.retranslate

    def spy(self: TasksPage) -> None:
        calls.append(i18n.current_language())
        original(self)

    monkeypatch.setattr(TasksPage, "retranslate", spy)
    yield calls


def test_switching_language_retranslates_the_window(
    qtbot: QtBot, window: MainWindow, retranslations: list[str]
) -> None:
    assert window.navigation.item(0).text() == "Tasks"
    assert window.file_menu.title() == "&File"
    apply_language("zh_CN")
    assert retranslations == ["zh_CN"]
    tasks_title = _("Tasks")
    assert window.navigation.item(0).text() == tasks_title
    assert window.tasks_page.title_label.text() == tasks_title
    assert window.file_menu.title() == _("&File")
    assert window.tasks_page.search.placeholderText() == _(
        "Search number, title, institution, region, leader"
    )
    if _catalog_translates("Tasks"):
        assert CJK.search(tasks_title), tasks_title
        assert CJK.search(window.status.connection_label.text())
    # Qt's own catalog is switched too: standard buttons read Chinese already.
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消"
    apply_language("en")
    assert retranslations == ["zh_CN", "en"]
    assert window.navigation.item(0).text() == "Tasks"
    assert window.tasks_page.summary_label.text() == "3 tasks"
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Cancel"


def test_a_closed_window_stops_listening(qtbot: QtBot, window: MainWindow) -> None:
    window.close()
    before = len(i18n._listeners)
    apply_language("zh_CN")
    apply_language("en")
    assert len(i18n._listeners) == before
    assert window._listener not in i18n._listeners


def test_enum_labels_follow_the_language() -> None:
    from inspector_app.vocabulary import task_type_label
    from local_db.enums import TaskType

    assert task_type_label(TaskType.FLYING) == "Flying inspection"
    apply_language("zh_CN")
    label = task_type_label(TaskType.FLYING)
    if _catalog_translates("Flying inspection") or label != "Flying inspection":
        assert CJK.search(label)
