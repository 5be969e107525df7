"""Login and profile creation through the dialogs, as a user would do them."""

from __future__ import annotations

import hashlib
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from inspector_app import settings
from inspector_app.profiles import OpenProfile, unlock_with_cached_key
from tests.conftest import FAST_KDF, TEST_PASSWORD
from ui.dialogs.create_profile_dialog import CreateProfileDialog
from ui.dialogs.login_dialog import LoginDialog
from ui.machine_settings import MachineSettings
from ui.workers import TaskManager


def _digests(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file()
    }


def _login(
    qtbot: QtBot, tasks: TaskManager, machine: MachineSettings, profile_dir: Path
) -> LoginDialog:
    dialog = LoginDialog(
        tasks,
        machine,
        profile_dir.parent / "no-such-data-folder",
        extra_profiles=[profile_dir],
        preselect=profile_dir,
        kdf=FAST_KDF,
    )
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_right_password_unlocks_and_remembers_the_choice(
    qtbot: QtBot, tasks: TaskManager, machine: MachineSettings, profile_dir: Path
) -> None:
    dialog = _login(qtbot, tasks, machine, profile_dir)
    assert dialog.selected_path() == profile_dir
    qtbot.keyClicks(dialog.password, TEST_PASSWORD)
    with qtbot.waitSignal(dialog.unlocked, timeout=10_000) as blocker:
        qtbot.mouseClick(dialog.unlock_button, Qt.MouseButton.LeftButton)
    profile: OpenProfile = blocker.args[0]
    try:
        assert profile.info.username == "test.inspector"
        assert not dialog.isVisible()
        assert machine.get(settings.LAST_PROFILE) == str(profile_dir)
        assert dialog.password.text() == ""
    finally:
        profile.close()


def test_wrong_password_shows_the_message_and_changes_nothing(
    qtbot: QtBot, tasks: TaskManager, machine: MachineSettings, profile_dir: Path
) -> None:
    before = _digests(profile_dir)
    dialog = _login(qtbot, tasks, machine, profile_dir)
    qtbot.keyClicks(dialog.password, "not the password")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    qtbot.waitUntil(dialog.message.isVisible, timeout=10_000)
    assert "Incorrect password" in dialog.message.text()
    assert "Nothing was opened or changed" in dialog.message.text()
    assert dialog.isVisible() and not dialog.busy
    assert dialog.password.text() == ""
    assert dialog.unlock_button.isEnabled()
    assert _digests(profile_dir) == before


def test_empty_password_is_asked_for(
    qtbot: QtBot, tasks: TaskManager, machine: MachineSettings, profile_dir: Path
) -> None:
    dialog = _login(qtbot, tasks, machine, profile_dir)
    qtbot.mouseClick(dialog.unlock_button, Qt.MouseButton.LeftButton)
    assert dialog.message.text() == "Enter the password of the profile."
    assert tasks.active_count == 0


def test_remember_for_this_session_caches_the_key(
    qtbot: QtBot, tasks: TaskManager, machine: MachineSettings, profile_dir: Path
) -> None:
    dialog = _login(qtbot, tasks, machine, profile_dir)
    dialog.remember.setChecked(True)
    qtbot.keyClicks(dialog.password, TEST_PASSWORD)
    with qtbot.waitSignal(dialog.unlocked, timeout=10_000) as blocker:
        dialog.unlock()
    blocker.args[0].close()
    again = unlock_with_cached_key(profile_dir)
    assert again is not None
    again.close()


def test_folder_without_a_profile_is_explained(
    qtbot: QtBot, tasks: TaskManager, machine: MachineSettings, profile_dir: Path, tmp_path: Path
) -> None:
    dialog = _login(qtbot, tasks, machine, profile_dir)
    empty = tmp_path / "empty"
    empty.mkdir()
    dialog.add_profile_folder(empty)
    assert "No profile found" in dialog.message.text()
    assert dialog.profile_list.count() == 1


def test_profiles_of_the_data_folder_are_listed(
    qtbot: QtBot, tasks: TaskManager, machine: MachineSettings, profile_dir: Path
) -> None:
    dialog = LoginDialog(tasks, machine, profile_dir.parent)
    qtbot.addWidget(dialog)
    texts = [dialog.profile_list.item(i).text() for i in range(dialog.profile_list.count())]
    assert any("测试检查员 (test.inspector)" in text for text in texts)


def test_empty_data_folder_says_what_to_do(
    qtbot: QtBot, tasks: TaskManager, machine: MachineSettings, tmp_path: Path
) -> None:
    dialog = LoginDialog(tasks, machine, tmp_path / "nothing-here")
    qtbot.addWidget(dialog)
    assert dialog.list_stack.currentWidget() is dialog.no_profiles
    assert "Create one" in dialog.no_profiles.text()
    assert not dialog.unlock_button.isEnabled()


def _fill(qtbot: QtBot, dialog: CreateProfileDialog, password: str, confirmation: str) -> None:
    dialog.display_name.setText("李敏")  # QTest cannot type CJK characters
    qtbot.keyClicks(dialog.username, "li.min")
    qtbot.keyClicks(dialog.password, password)
    qtbot.keyClicks(dialog.confirmation, confirmation)


def test_create_profile_through_the_dialogs(
    qtbot: QtBot, tasks: TaskManager, machine: MachineSettings, tmp_path: Path
) -> None:
    data_folder = tmp_path / "profiles"
    login = LoginDialog(tasks, machine, data_folder, kdf=FAST_KDF)
    qtbot.addWidget(login)
    login.show()
    login.open_create_dialog()
    create = login.create_dialog
    _fill(qtbot, create, "long enough pw", "long enough pw")
    assert create.folder.text() == str(data_folder / "li.min")
    with qtbot.waitSignal(login.unlocked, timeout=20_000) as blocker:
        qtbot.mouseClick(create.create_button, Qt.MouseButton.LeftButton)
    profile: OpenProfile = blocker.args[0]
    try:
        assert profile.info.display_name == "李敏"
        assert (data_folder / "li.min" / "profile.json").is_file()
        assert not login.isVisible()
    finally:
        profile.close()


def test_create_profile_refuses_bad_input_in_place(
    qtbot: QtBot, tasks: TaskManager, tmp_path: Path
) -> None:
    dialog = CreateProfileDialog(tasks, tmp_path, kdf=FAST_KDF)
    qtbot.addWidget(dialog)
    _fill(qtbot, dialog, "long enough pw", "another one!!")
    dialog.submit()
    assert dialog.error_label.text() == "The two passwords differ."
    dialog.confirmation.setText("short")
    dialog.password.setText("short")
    dialog.submit()
    assert "at least 8 characters" in dialog.error_label.text()
    assert tasks.active_count == 0 and dialog.profile is None


def test_create_profile_reports_an_existing_profile(
    qtbot: QtBot, tasks: TaskManager, profile_dir: Path
) -> None:
    dialog = CreateProfileDialog(tasks, profile_dir.parent, kdf=FAST_KDF)
    qtbot.addWidget(dialog)
    _fill(qtbot, dialog, "long enough pw", "long enough pw")
    dialog.folder.setText(str(profile_dir))
    dialog.submit()
    qtbot.waitUntil(lambda: not dialog.error_label.isHidden(), timeout=10_000)
    assert "already exists" in dialog.error_label.text()
    assert dialog.buttons.isEnabled()


def test_a_revoked_profile_is_marked_and_refused(
    qtbot: QtBot, tasks: TaskManager, machine: MachineSettings, profile_dir: Path
) -> None:
    from inspector_app.profiles import shred_profile_key

    shred_profile_key(profile_dir)
    dialog = _login(qtbot, tasks, machine, profile_dir)
    assert "revoked" in dialog.profile_list.item(0).text()
    qtbot.keyClicks(dialog.password, TEST_PASSWORD)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    qtbot.waitUntil(dialog.message.isVisible, timeout=10_000)
    assert "can no longer be opened" in dialog.message.text()
    assert dialog.isVisible()


def test_past_the_offline_grant_the_server_password_is_asked_for(
    qtbot: QtBot, tasks: TaskManager, machine: MachineSettings, profile_dir: Path
) -> None:
    from datetime import timedelta

    from inspector_app.profiles import unlock_profile
    from inspector_app.sync import local_state
    from local_db.types import utc_now
    from tests.server.live_server import free_port

    profile = unlock_profile(path=profile_dir, password=TEST_PASSWORD)
    with profile.session() as session:  # linked to a server that no longer answers
        local_state.put(session, local_state.SERVER_URL, f"http://127.0.0.1:{free_port()}")
        local_state.put(session, local_state.OFFLINE_GRANT_DAYS, "14")
        contact = utc_now() - timedelta(days=20)
        local_state.put(session, local_state.LAST_CONTACT, contact.isoformat())
    profile.close()
    dialog = _login(qtbot, tasks, machine, profile_dir)
    assert not dialog.server_password.isVisibleTo(dialog)
    qtbot.keyClicks(dialog.password, TEST_PASSWORD)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    qtbot.waitUntil(dialog.message.isVisible, timeout=20_000)
    assert "14 days" in dialog.message.text()
    assert "cannot be reached" in dialog.message.text()
    assert dialog.server_password.isVisible()
    assert dialog.isVisible() and not dialog.busy
