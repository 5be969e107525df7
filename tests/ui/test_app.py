"""The application as a whole: entry point, no-display message, shell life cycle, errors."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from inspector_app.profiles import OpenProfile, unlock_profile, unlock_with_cached_key
from tests.conftest import TEST_PASSWORD
from tests.ui.seed import seed
from ui import error_report, workers
from ui.display import has_display
from ui.machine_settings import MachineSettings
from ui.shell import PASSWORD_ENV, Shell
from ui.workers import TaskManager

ROOT = Path(__file__).resolve().parents[2]


def _environment(**changes: str | None) -> dict[str, str]:
    env = dict(os.environ)
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def test_no_display_prints_how_to_get_one_and_exits_2() -> None:
    env = _environment(DISPLAY=None, WAYLAND_DISPLAY=None, QT_QPA_PLATFORM=None)
    result = subprocess.run(
        [sys.executable, "-m", "ui.app", "--lang", "en"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 2, output
    assert "needs a graphical display" in output
    assert "xvfb-run -a make run" in output
    assert "QT_QPA_PLATFORM=offscreen" in output
    assert "Traceback" not in output


def test_display_detection() -> None:
    assert not has_display({}, "linux")
    assert has_display({"DISPLAY": ":0"}, "linux")
    assert has_display({"WAYLAND_DISPLAY": "wayland-0"}, "linux")
    assert has_display({"QT_QPA_PLATFORM": "offscreen"}, "linux")
    assert has_display({}, "win32")


def test_application_opens_the_main_window_straight_from_the_environment(
    profile: OpenProfile, tmp_path: Path
) -> None:
    seed(profile)
    folder = profile.info.path
    profile.close()
    env = _environment(
        QT_QPA_PLATFORM="offscreen",
        INSPECTOR_PASSWORD=TEST_PASSWORD,
        INSPECTOR_EXIT_WHEN_SHOWN="1",
    )
    result = subprocess.run(
        [sys.executable, "-m", "ui.app", "--profile", str(folder), "--lang", "en"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    line = next(x for x in result.stdout.splitlines() if x.startswith("main-window-shown"))
    assert 0 < float(line.split()[1]) < 30
    assert "Traceback" not in result.stderr


@pytest.fixture
def quits(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Records QApplication.quit() instead of ending the test's event loop."""
    calls: list[bool] = []
    monkeypatch.setattr(QApplication, "quit", lambda *_a: calls.append(True))
    return calls


@pytest.fixture
def shell(
    profile_dir: Path, tasks: TaskManager, machine: MachineSettings, quits: list[bool]
) -> Iterator[Shell]:
    """A shell for the test profile, shut down afterwards."""
    instance = Shell(machine, tasks, profile_path=profile_dir, data_dir=profile_dir.parent)
    yield instance
    if instance.window is not None:
        instance.window.close()
    if instance.login is not None:
        instance.login.close()
    if instance.profile is not None:
        instance.profile.close()


def test_shell_unlocks_with_the_environment_password_then_locks(
    qtbot: QtBot, shell: Shell, monkeypatch: pytest.MonkeyPatch, quits: list[bool]
) -> None:
    monkeypatch.setenv(PASSWORD_ENV, TEST_PASSWORD)
    shell.start()
    assert PASSWORD_ENV not in os.environ  # never passed on to programs we start
    qtbot.waitUntil(lambda: shell.window is not None, timeout=10_000)
    window = shell.window
    assert window is not None
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: not window.tasks_page.loading, timeout=10_000)
    window.lock_action.trigger()
    qtbot.waitUntil(lambda: shell.login is not None, timeout=10_000)
    assert shell.window is None and shell.profile is None
    assert quits == []
    assert shell.login is not None and shell.login.selected_path() == shell.profile_path


def test_shell_shows_the_login_with_the_message_on_a_wrong_password(
    qtbot: QtBot, shell: Shell, monkeypatch: pytest.MonkeyPatch, profile_dir: Path
) -> None:
    monkeypatch.setenv(PASSWORD_ENV, "wrong password")
    shell.start()
    qtbot.waitUntil(lambda: shell.login is not None, timeout=10_000)
    login = shell.login
    assert login is not None
    qtbot.waitUntil(login.message.isVisible, timeout=5000)
    assert "Incorrect password" in login.message.text()
    assert shell.window is None


def test_shell_uses_the_session_key_cache(
    qtbot: QtBot, shell: Shell, profile_dir: Path, quits: list[bool]
) -> None:
    unlock_profile(path=profile_dir, password=TEST_PASSWORD, remember=True).close()
    shell.start()
    qtbot.waitUntil(lambda: shell.window is not None, timeout=10_000)
    window = shell.window
    assert window is not None
    qtbot.waitUntil(lambda: not window.tasks_page.loading, timeout=10_000)
    window.lock_action.trigger()  # locking forgets the cached key
    qtbot.waitUntil(lambda: shell.login is not None, timeout=10_000)
    assert unlock_with_cached_key(profile_dir) is None


def test_shell_without_cache_or_password_asks(qtbot: QtBot, shell: Shell) -> None:
    shell.start()
    qtbot.waitUntil(lambda: shell.login is not None, timeout=10_000)
    assert shell.window is None


def test_closing_the_window_quits(
    qtbot: QtBot, shell: Shell, monkeypatch: pytest.MonkeyPatch, quits: list[bool]
) -> None:
    monkeypatch.setenv(PASSWORD_ENV, TEST_PASSWORD)
    shell.start()
    qtbot.waitUntil(lambda: shell.window is not None, timeout=10_000)
    window = shell.window
    assert window is not None
    qtbot.waitUntil(lambda: not window.tasks_page.loading, timeout=10_000)
    window.close()
    assert quits == [True]
    shell.shutdown()
    assert shell.profile is None and shell.tasks.is_shut_down


def test_cancelled_login_quits(qtbot: QtBot, shell: Shell, quits: list[bool]) -> None:
    login = shell.show_login()
    login.reject()
    assert quits == [True]


def test_scrub_removes_patient_identifiers() -> None:
    text = (
        "IntegrityError: UNIQUE constraint failed\n"
        "[SQL: INSERT INTO claim (patient_name, patient_id_no) VALUES (?, ?)]\n"
        "[parameters: ('张三', '110105199001011234')]\n"
        "lookup of 11010519900101123X failed, phone 13812345678, card 1234567890123"
    )
    scrubbed = error_report.scrub(text)
    assert "张三" not in scrubbed
    assert "110105199001011234" not in scrubbed
    assert "110105********123X" in scrubbed
    assert "138****5678" in scrubbed
    assert "1234567890123" not in scrubbed
    assert "[SQL: INSERT INTO claim" in scrubbed


def test_unexpected_errors_are_logged_scrubbed_and_shown(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from ui.dialogs import error_dialog

    shown: list[str] = []
    monkeypatch.setattr(
        error_dialog.ErrorDialog, "exec", lambda self: shown.append(self.informativeText()) or 0
    )
    monkeypatch.setattr(workers, "_default_failure", list(workers._default_failure))
    log = tmp_path / "app.log"
    handler = error_report.logging.FileHandler(log, encoding="utf-8")
    error_report.logging.getLogger("ui.error_report").addHandler(handler)
    try:
        error_report.install()
        try:
            raise ValueError("patient 110105199001011234 not found")
        except ValueError as exc:
            error_report.report(exc)
        qtbot.waitUntil(lambda: bool(shown), timeout=5000)
    finally:
        error_report.logging.getLogger("ui.error_report").removeHandler(handler)
        handler.close()
        sys.excepthook = sys.__excepthook__
        threading.excepthook = threading.__excepthook__
        monkeypatch.undo()
    content = log.read_text(encoding="utf-8")
    assert "ValueError" in content and "110105199001011234" not in content
    assert "ValueError" in shown[0]
