"""The one background-work pattern: outcomes on the GUI thread, cancel, delayed dialog, leaks."""

from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtCore import Qt, QThread
from PySide6.QtWidgets import QPushButton, QWidget
from pytestqt.qtbot import QtBot

from inspector_app.progress import Cancelled, Progress
from tests.ui.conftest import leaked_work
from ui import workers
from ui.workers import DIALOG_DELAY_MS, Operation, TaskManager


def _wait_done(qtbot: QtBot, operation: Operation[object], timeout: int = 5000) -> None:
    qtbot.waitUntil(lambda: operation.finished, timeout=timeout)


def test_success_is_delivered_on_the_gui_thread(qtbot: QtBot, tasks: TaskManager) -> None:
    seen: list[tuple[object, bool]] = []
    gui_thread = QThread.currentThread()

    def work(_progress: Progress) -> int:
        assert QThread.currentThread() is not gui_thread
        return 42

    operation = Operation(work).success(
        lambda value: seen.append((value, QThread.currentThread() is gui_thread))
    )
    operation.run_in_background(tasks)
    _wait_done(qtbot, operation)
    assert seen == [(42, True)]
    assert tasks.active_count == 0


def test_failure_reaches_the_failure_callback(qtbot: QtBot, tasks: TaskManager) -> None:
    errors: list[BaseException] = []

    def work(_progress: Progress) -> None:
        raise ValueError("broken input")

    operation = Operation(work).failure(errors.append).run_in_background(tasks)
    _wait_done(qtbot, operation)
    assert len(errors) == 1 and isinstance(errors[0], ValueError)


def test_failure_without_callback_goes_to_the_default_handler(
    qtbot: QtBot, tasks: TaskManager, monkeypatch: pytest.MonkeyPatch
) -> None:
    reported: list[BaseException] = []
    monkeypatch.setattr(workers, "_default_failure", [reported.append])

    def work(_progress: Progress) -> None:
        raise RuntimeError("nobody listens")

    operation = Operation(work).run_in_background(tasks)
    _wait_done(qtbot, operation)
    assert [type(error) for error in reported] == [RuntimeError]


def test_cancel_stops_the_work_and_calls_on_cancelled(qtbot: QtBot, tasks: TaskManager) -> None:
    started = threading.Event()
    cancelled: list[bool] = []

    def work(progress: Progress) -> None:
        progress.start("looping")
        started.set()
        while True:
            progress.advance()
            time.sleep(0.005)

    operation = Operation(work).on_cancelled(lambda: cancelled.append(True))
    operation.success(lambda _value: pytest.fail("a cancelled job must not succeed"))
    operation.run_in_background(tasks)
    assert started.wait(5)
    operation.cancel()
    _wait_done(qtbot, operation)
    assert cancelled == [True]


def test_quick_work_shows_no_dialog(qtbot: QtBot, tasks: TaskManager) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    operation = Operation(lambda _progress: "fast").with_dialog(parent).run_in_background(tasks)
    _wait_done(qtbot, operation)
    qtbot.wait(DIALOG_DELAY_MS + 200)
    assert operation.dialog is None


def test_slow_work_shows_a_dialog_whose_cancel_cancels(qtbot: QtBot, tasks: TaskManager) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    outcome: list[str] = []

    def work(progress: Progress) -> None:
        progress.start("slow job", total=1000)
        for _ in range(1000):
            time.sleep(0.01)
            progress.advance()

    operation = Operation(work, label="Slow job").with_dialog(parent)
    operation.on_cancelled(lambda: outcome.append("cancelled"))
    started = time.monotonic()
    operation.run_in_background(tasks)
    qtbot.waitUntil(lambda: operation.dialog is not None, timeout=5000)
    assert time.monotonic() - started >= DIALOG_DELAY_MS / 1000 - 0.05
    dialog = operation.dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.value() > 0, timeout=5000)
    cancel_button = dialog.findChild(QPushButton)
    assert cancel_button is not None
    qtbot.mouseClick(cancel_button, Qt.MouseButton.LeftButton)
    _wait_done(qtbot, operation)
    assert outcome == ["cancelled"]
    assert operation.dialog is None


def test_writes_never_overlap(qtbot: QtBot, tasks: TaskManager) -> None:
    running = 0
    most = 0
    lock = threading.Lock()

    def work(_progress: Progress) -> None:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.05)
        with lock:
            running -= 1

    operations = [Operation(work).run_in_background(tasks, writes=True) for _ in range(4)]
    qtbot.waitUntil(lambda: all(op.finished for op in operations), timeout=5000)
    assert most == 1


def test_reads_run_in_parallel(qtbot: QtBot, tasks: TaskManager) -> None:
    # Both reads must be inside the barrier at once; on a serial pool the first one times
    # out with BrokenBarrierError (recorded below, not left to the default handler).
    barrier = threading.Barrier(2, timeout=5)
    successes: list[object] = []
    failures: list[BaseException] = []
    operations = [
        Operation(lambda _progress: barrier.wait())
        .success(successes.append)
        .failure(failures.append)
        .run_in_background(tasks)
        for _ in range(2)
    ]
    qtbot.waitUntil(lambda: all(op.finished for op in operations), timeout=10_000)
    assert failures == []
    assert sorted(successes) == [0, 1]  # Barrier.wait() returns a distinct index per thread


def test_quiet_work_is_announced_for_the_status_bar(qtbot: QtBot, tasks: TaskManager) -> None:
    announcements: list[tuple[int, str]] = []
    tasks.busy_changed.connect(lambda n, label: announcements.append((n, label)))
    operation = Operation(lambda _p: None, label="Loading tasks").quietly()
    operation.run_in_background(tasks)
    _wait_done(qtbot, operation)
    assert announcements[0] == (1, "Loading tasks")
    assert announcements[-1] == (0, "")


def test_callbacks_of_a_destroyed_owner_are_dropped(qtbot: QtBot, tasks: TaskManager) -> None:
    release = threading.Event()
    owner = QWidget()
    called: list[object] = []
    operation = Operation(lambda _p: release.wait(5)).success(called.append).owned_by(owner)
    operation.run_in_background(tasks)
    owner.deleteLater()
    qtbot.wait(50)
    release.set()
    _wait_done(qtbot, operation)
    assert called == []


def test_shutdown_cancels_waits_and_discards(qtbot: QtBot) -> None:
    manager = TaskManager()
    results: list[object] = []

    def work(progress: Progress) -> None:
        while True:
            progress.advance()
            time.sleep(0.005)

    operation = Operation(work).success(results.append).on_cancelled(lambda: results.append("x"))
    operation.run_in_background(manager)
    qtbot.wait(50)
    assert manager.shutdown(5000)
    assert manager.running_threads() == 0 and manager.active_count == 0
    qtbot.wait(50)
    assert results == []
    with pytest.raises(RuntimeError):
        Operation(lambda _p: None).run_in_background(manager)


def test_the_leak_check_sees_running_work(qtbot: QtBot, tasks: TaskManager) -> None:
    release = threading.Event()
    operation = Operation(lambda _p: release.wait(5)).run_in_background(tasks)
    qtbot.waitUntil(lambda: tasks.running_threads() == 1, timeout=5000)
    assert any("TaskManager" in leak for leak in leaked_work())
    release.set()
    _wait_done(qtbot, operation)
    assert leaked_work() == []


def test_progress_check_raises_once_cancelled() -> None:
    progress = Progress()
    progress.cancel()
    with pytest.raises(Cancelled):
        progress.check()
