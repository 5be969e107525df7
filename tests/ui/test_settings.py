"""Settings: declared once, stored in two tiers, edited in one dialog, applied at once."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from inspector_app import i18n, settings
from inspector_app.profiles import OpenProfile
from inspector_app.services.profile_settings import (
    SettingRejectedError,
    read_profile_setting,
    write_profile_setting,
)
from local_db.models import AuditLogEntry
from ui.dialogs.settings_dialog import SettingsDialog
from ui.machine_settings import MachineSettings, data_folder, default_data_folder
from ui.main_window import MainWindow


def _dialog(qtbot: QtBot, window: MainWindow) -> SettingsDialog:
    window.settings_action.trigger()
    dialog = window.findChild(SettingsDialog)
    assert dialog is not None and dialog.isVisible()
    return dialog


def test_every_setting_is_declared_with_a_description_and_a_tier() -> None:
    keys = [s.key for s in settings.ALL_SETTINGS]
    assert len(keys) == len(set(keys))
    for setting in settings.ALL_SETTINGS:
        assert setting.describe()
        assert isinstance(setting.default, setting.kind)
    assert settings.SERVER_URL.tier is settings.Tier.PROFILE
    assert settings.LANGUAGE.tier is settings.Tier.MACHINE
    assert settings.DATA_FOLDER.tier is settings.Tier.MACHINE
    assert settings.by_key("sync/server_url") is settings.SERVER_URL


def test_coerce_survives_hand_edited_values() -> None:
    assert settings.LANGUAGE.coerce(None) == "zh_CN"
    flag = settings.Setting("x/flag", bool, False, "flag", settings.Tier.MACHINE)
    assert flag.coerce("true") is True and flag.coerce("no") is False
    number = settings.Setting("x/n", int, 3, "n", settings.Tier.MACHINE)
    assert number.coerce("12") == 12 and number.coerce("twelve") == 3


def test_server_address_validation() -> None:
    assert settings.server_url_error("") is None
    assert settings.server_url_error("https://fund.example.gov.cn/api") is None
    assert settings.server_url_error("ftp://fund.example.gov.cn") is not None
    assert settings.server_url_error("https://") is not None
    assert settings.server_url_error("https://x.cn/?a=1") is not None


def test_machine_settings_persist_in_an_ini_file(machine: MachineSettings) -> None:
    machine.set(settings.LANGUAGE, "en")
    machine.set(settings.WINDOW_GEOMETRY, b"\x01\x02")
    machine.sync()
    again = MachineSettings()
    assert again.get(settings.LANGUAGE) == "en"
    assert again.get(settings.WINDOW_GEOMETRY) == b"\x01\x02"
    assert again.file_name().endswith(".ini")
    with pytest.raises(ValueError, match="Unknown language"):
        machine.set(settings.LANGUAGE, "fr")
    with pytest.raises(ValueError, match="not a machine setting"):
        machine.get(settings.SERVER_URL)


def test_data_folder_defaults_to_the_application_data_folder(machine: MachineSettings) -> None:
    assert data_folder(machine) == default_data_folder()
    assert default_data_folder().name == "profiles"
    machine.set(settings.DATA_FOLDER, "/srv/inspections")
    assert str(data_folder(machine)) == "/srv/inspections"


def test_profile_settings_are_stored_in_the_profile_and_audited(profile: OpenProfile) -> None:
    assert read_profile_setting(profile=profile, setting=settings.SERVER_URL) == ""
    url = "https://fund.example.gov.cn"
    assert write_profile_setting(profile=profile, setting=settings.SERVER_URL, value=url)
    assert not write_profile_setting(profile=profile, setting=settings.SERVER_URL, value=url)
    assert read_profile_setting(profile=profile, setting=settings.SERVER_URL) == url
    with pytest.raises(SettingRejectedError):
        write_profile_setting(profile=profile, setting=settings.SERVER_URL, value="ftp://x")
    with pytest.raises(ValueError, match="not a profile setting"):
        read_profile_setting(profile=profile, setting=settings.LANGUAGE)
    with profile.read_session() as session:
        actions = [(e.action, e.entity_id, e.detail) for e in session.query(AuditLogEntry)]
    assert ("setting.changed", "sync/server_url", "") in actions
    assert url not in str(actions)


def test_settings_dialog_saves_both_tiers(qtbot: QtBot, window: MainWindow, tmp_path) -> None:
    dialog = _dialog(qtbot, window)
    assert dialog.language.currentData() == "en"
    dialog.data_folder.setText(str(tmp_path / "inspections"))
    dialog.server_url.setText("http://127.0.0.1:9")
    with qtbot.waitSignal(dialog.server_url_saved, timeout=10_000):
        dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    profile = window.context.profile
    assert read_profile_setting(profile=profile, setting=settings.SERVER_URL) == (
        "http://127.0.0.1:9"
    )
    assert window.server_url == "http://127.0.0.1:9"
    assert window.context.connectivity.server_url == "http://127.0.0.1:9"
    again = MachineSettings(
        QSettings(window.context.settings.file_name(), QSettings.Format.IniFormat)
    )
    assert again.get(settings.DATA_FOLDER) == str(tmp_path / "inspections")
    assert again.get(settings.LANGUAGE) == "en"


def test_settings_dialog_refuses_a_bad_server_address(qtbot: QtBot, window: MainWindow) -> None:
    dialog = _dialog(qtbot, window)
    dialog.server_url.setText("fund.example.gov.cn")
    dialog.buttons.accepted.emit()
    assert dialog.isVisible()
    assert "https://" in dialog.error_label.text()
    dialog.reject()


def test_language_applies_at_once_and_cancel_restores_it(qtbot: QtBot, window: MainWindow) -> None:
    dialog = _dialog(qtbot, window)
    dialog.language.setCurrentIndex(dialog.language.findData("zh_CN"))
    assert i18n.current_language() == "zh_CN"
    assert window.navigation.item(0).text() == i18n._("Tasks")
    dialog.reject()
    assert i18n.current_language() == "en"
    assert window.navigation.item(0).text() == "Tasks"


def test_language_choice_is_saved(qtbot: QtBot, window: MainWindow) -> None:
    dialog = _dialog(qtbot, window)
    dialog.language.setCurrentIndex(dialog.language.findData("zh_CN"))
    dialog.buttons.accepted.emit()
    assert not dialog.isVisible()
    assert window.context.settings.get(settings.LANGUAGE) == "zh_CN"
    assert i18n.current_language() == "zh_CN"
