"""Qt test fixtures: offscreen, isolated settings, seeded profiles, and no leaked work.

``QT_QPA_PLATFORM`` is set before any QApplication exists so the suite runs without a
screen. Every test gets its own QSettings folder, and an autouse fixture fails a test that
leaves thread-pool work, or a connection probe, running when it ends (after napari). A Qt
warning during a test (its set-up and body) fails it: the marker is added here, not as the
``qt_log_level_fail`` ini option, because the core environment has no pytest-qt and
``--strict-config`` would reject the unknown option there.
"""

from __future__ import annotations

import gc
import os
import time

os.environ["QT_QPA_PLATFORM"] = "offscreen"

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QSettings, QThreadPool
from pytestqt.qtbot import QtBot

from inspector_app.profiles import OpenProfile
from tests.ui.seed import seed
from ui.connectivity import ConnectivityMonitor
from ui.context import ShellContext
from ui.machine_settings import APPLICATION, ORGANISATION, MachineSettings
from ui.main_window import MainWindow
from ui.pages.base_page import BasePage
from ui.workers import TaskManager

QCoreApplication.setOrganizationName(ORGANISATION)
QCoreApplication.setApplicationName(APPLICATION)


UI_TESTS = Path(__file__).resolve().parent
# The offscreen platform's QPlatformWindow stubs warn when the application does what a real
# desktop supports (raise the login window; a shown dialog's layout sets its minimum size).
OFFSCREEN_NOISE = (
    r"^This plugin does not support raise\(\)$",
    r"^This plugin does not support propagateSizeHints\(\)$",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Make Qt warnings (and worse) fail every test under tests/ui."""
    for item in items:
        if item.path.is_relative_to(UI_TESTS):
            item.add_marker(pytest.mark.qt_log_level_fail("WARNING"))
            item.add_marker(pytest.mark.qt_log_ignore(*OFFSCREEN_NOISE))


def leaked_work() -> list[str]:
    """Descriptions of background work still running (empty when everything stopped)."""
    found = []
    for manager in TaskManager.live_instances():
        if manager.running_threads() or manager.active_count:
            found.append(
                f"TaskManager with {manager.running_threads()} running thread(s) and "
                f"{manager.active_count} undelivered operation(s)"
            )
    if QThreadPool.globalInstance().activeThreadCount():
        found.append("work on the global QThreadPool")
    for monitor in ConnectivityMonitor.live_instances():
        if monitor.is_active:
            found.append(f"ConnectivityMonitor still probing {monitor.server_url}")
    return found


def lasting_leaks(grace_s: float = 2.0) -> list[str]:
    """Background work still running after a short grace period.

    A worker thread that has just delivered its result may need a few milliseconds to
    return from its runnable (longer on a loaded CI machine); only work that outlasts the
    grace period is a leak.
    """
    deadline = time.monotonic() + grace_s
    while (leaks := leaked_work()) and time.monotonic() < deadline:
        QCoreApplication.processEvents()
        time.sleep(0.01)
    return leaks


@pytest.fixture(autouse=True)
def no_leaked_background_work() -> Iterator[None]:
    """Fail the test if it leaves workers or probes running (pytest-qt closed its widgets)."""
    yield
    leaks = lasting_leaks()
    for manager in TaskManager.live_instances():
        manager.shutdown(10_000)
    for monitor in ConnectivityMonitor.live_instances():
        monitor.stop()
    if leaks:
        pytest.fail("test left background work running: " + "; ".join(leaks))


@pytest.fixture(autouse=True, scope="session")
def collect_on_the_gui_thread(qapp: object) -> Iterator[None]:
    """As the application does (ui/main_thread_gc.py): no collection on worker threads."""
    from ui.main_thread_gc import MainThreadCollector

    collector = MainThreadCollector()
    collector.start()
    yield
    collector.stop()


@pytest.fixture(autouse=True)
def isolated_qsettings(tmp_path: Path) -> Iterator[Path]:
    """QSettings of this test live in its own folder."""
    folder = tmp_path / "qsettings"
    folder.mkdir()
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    yield folder


@pytest.fixture(autouse=True)
def english_qt(qapp: object) -> Iterator[None]:
    """Each test starts, and leaves Qt's own catalog, in English."""
    from ui.translation import apply_language

    apply_language("en")
    yield
    apply_language("en")


@pytest.fixture
def tasks() -> Iterator[TaskManager]:
    """A task manager; the test fails if work is still running or undelivered at its end."""
    manager = TaskManager()
    yield manager
    leaks = lasting_leaks()
    manager.shutdown(10_000)
    if leaks:
        pytest.fail("test left background work running: " + "; ".join(leaks))


@pytest.fixture
def machine() -> MachineSettings:
    """This computer's settings (in the test's QSettings folder)."""
    return MachineSettings()


@pytest.fixture
def seeded(profile: OpenProfile) -> dict[str, str]:
    """Ids of the hand-made inspection world written into ``profile``."""
    return seed(profile)


@pytest.fixture
def context(
    profile: OpenProfile, seeded: dict[str, str], tasks: TaskManager, machine: MachineSettings
) -> Iterator[ShellContext]:
    """What the pages share, on the seeded profile (workers stop before the profile closes)."""
    monitor = ConnectivityMonitor()
    yield ShellContext(profile=profile, tasks=tasks, settings=machine, connectivity=monitor)
    monitor.stop()


def wait_loaded(qtbot: QtBot, page: BasePage) -> None:
    """Wait until ``page`` has loaded its data in the background."""
    qtbot.waitUntil(lambda: not page.loading and not page.stale, timeout=10_000)


@pytest.fixture
def window(qtbot: QtBot, context: ShellContext) -> Iterator[MainWindow]:
    """The main window on the seeded profile, shown, with its tasks loaded."""
    main = MainWindow(context)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    wait_loaded(qtbot, main.tasks_page)
    yield main


@pytest.fixture
def collect_garbage_after_each_test() -> Iterator[None]:
    """Collect this test's cyclic garbage (widgets, dialogs, operations) at once, on the GUI
    thread and outside any Qt call.

    The session collector runs only while an event loop spins; garbage left to the end of the
    session is freed when automatic collection comes back on, which may then start inside a
    Qt destructor and deadlock (seen ~1 run in 8 with these tests).
    """
    yield
    gc.collect()


@pytest.fixture
def demo_context(
    demo_profile: OpenProfile, tasks: TaskManager, machine: MachineSettings
) -> Iterator[ShellContext]:
    """What the pages share, on the demo profile."""
    monitor = ConnectivityMonitor()
    yield ShellContext(profile=demo_profile, tasks=tasks, settings=machine, connectivity=monitor)
    monitor.stop()
