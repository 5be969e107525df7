"""The shell on the demo data other engineers generate (``inspector_app.demo.build_demo``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from inspector_app.profiles import OpenProfile
from inspector_app.progress import Progress
from tests.ui.conftest import wait_loaded
from ui.connectivity import ConnectivityMonitor
from ui.context import ShellContext
from ui.machine_settings import MachineSettings
from ui.main_window import MainWindow
from ui.workers import TaskManager

demo = pytest.importorskip("inspector_app.demo")
CLAIMS = 1_000  # small, but enough for the demo to plant each kind of irregularity


@pytest.fixture
def demo_window(
    qtbot: QtBot, profile: OpenProfile, tasks: TaskManager, machine: MachineSettings
) -> Iterator[MainWindow]:
    """The main window on a small demo profile."""
    demo.build_demo(profile, claims=CLAIMS, seed=7, progress=Progress())
    monitor = ConnectivityMonitor()
    window = MainWindow(
        ShellContext(profile=profile, tasks=tasks, settings=machine, connectivity=monitor)
    )
    qtbot.addWidget(window)
    window.show()
    wait_loaded(qtbot, window.tasks_page)
    yield window
    monitor.stop()


def test_every_page_renders_the_demo(qtbot: QtBot, demo_window: MainWindow) -> None:
    rows = demo_window.tasks_page.table.visible_rows()
    assert len(rows) >= 5
    assert any(row.target_hidden for row in rows), "the demo has a sealed flying inspection"
    page = demo_window.inspection_page
    for row in rows:
        demo_window.open_task(row.id)
        qtbot.waitUntil(
            lambda r=row: page.overview is not None and page.overview.task.id == r.id,
            timeout=10_000,
        )
    for index in (2, 3, 4):
        demo_window.navigation.setCurrentRow(index)
        wait_loaded(qtbot, demo_window.pages[index])
    summary = demo_window.data_page.summary
    total = CLAIMS + demo.partner_claims(CLAIMS)  # the inspected hospital's and its partner's
    assert summary is not None and summary.claim_count == total
    assert demo_window.data_page.claims_tile.value_label.text() == f"{total:,}"
    assert demo_window.documents_page.cases
