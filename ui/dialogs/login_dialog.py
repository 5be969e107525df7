"""Choose a profile and unlock it with its password — offline, in the background.

Unlocking runs argon2id (a deliberate ~0.1–0.3 s) and opens the encrypted database on the
serialized database worker, so the dialog stays responsive. A wrong password shows the
core's own message (nothing was opened or changed); the password field is cleared.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from inspector_app import i18n, settings
from inspector_app.i18n import LANGUAGES, _
from inspector_app.progress import Progress
from inspector_app.vocabulary import user_role_label
from ui import error_report
from ui.icons import app_icon, icon
from ui.machine_settings import MachineSettings
from ui.translation import apply_language, follow_language
from ui.workers import Operation, TaskManager

if TYPE_CHECKING:
    from inspector_app.profiles import OpenProfile, ProfileInfo
    from inspector_app.security.key_wrap import KdfParams

PATH_ROLE = Qt.ItemDataRole.UserRole


class LoginDialog(QDialog):
    """Profile list, password, "remember for this session"; emits ``unlocked(profile)``."""

    unlocked = Signal(object)

    def __init__(
        self,
        tasks: TaskManager,
        machine: MachineSettings,
        data_folder: Path,
        parent: QWidget | None = None,
        *,
        preselect: Path | None = None,
        extra_profiles: list[Path] | None = None,
        kdf: KdfParams | None = None,
    ) -> None:
        super().__init__(parent)
        self.tasks = tasks
        self.machine = machine
        self.data_folder = data_folder
        self.kdf = kdf
        self.busy = False
        self._extra = list(extra_profiles or [])
        self._infos: list[ProfileInfo] = []
        self.setWindowIcon(app_icon())
        self.setMinimumSize(560, 520)
        self._build()
        self.retranslate()
        self.refresh_profiles(preselect)
        self._listener = follow_language(self, self.retranslate)
        self.finished.connect(lambda _result: i18n.remove_listener(self._listener))

    def _build(self) -> None:
        logo = QLabel(self)
        logo.setPixmap(app_icon().pixmap(56, 56))
        self.product_label = QLabel("医保基金现场检查 · Fund Inspector", self)
        self.product_label.setObjectName("loginProduct")
        self.intro_label = QLabel(self)
        self.intro_label.setObjectName("pageSummary")
        self.intro_label.setWordWrap(True)
        titles = QVBoxLayout()
        titles.addWidget(self.product_label)
        titles.addWidget(self.intro_label)
        banner = QHBoxLayout()
        banner.setSpacing(14)
        banner.addWidget(logo)
        banner.addLayout(titles, 1)
        self._build_password_area()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 18)
        layout.setSpacing(10)
        layout.addLayout(banner)
        layout.addSpacing(6)
        layout.addWidget(self._build_profile_list(), 1)
        layout.addLayout(self._build_list_buttons())
        layout.addSpacing(6)
        layout.addWidget(self.password_label)
        layout.addWidget(self.password)
        layout.addWidget(self.remember)
        layout.addWidget(self.server_password_label)
        layout.addWidget(self.server_password)
        layout.addWidget(self.message)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.quit_button)
        buttons.addWidget(self.unlock_button)
        layout.addLayout(buttons)

    def _build_profile_list(self) -> QStackedWidget:
        self.profile_list = QListWidget(self)
        self.profile_list.setObjectName("profileList")
        self.profile_list.setIconSize(QSize(28, 28))
        self.profile_list.currentRowChanged.connect(self._profile_changed)
        self.profile_list.itemDoubleClicked.connect(lambda _item: self.password.setFocus())
        self.no_profiles = QLabel(self)
        self.no_profiles.setObjectName("emptyStateMessage")
        self.no_profiles.setWordWrap(True)
        self.no_profiles.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.list_stack = QStackedWidget(self)
        self.list_stack.addWidget(self.profile_list)
        self.list_stack.addWidget(self.no_profiles)
        return self.list_stack

    def _build_list_buttons(self) -> QHBoxLayout:
        self.open_folder_button = QPushButton(icon("folder-open"), "", self)
        self.open_folder_button.clicked.connect(self.open_other_folder)
        self.create_button = QPushButton(icon("profile-add"), "", self)
        self.create_button.clicked.connect(self.open_create_dialog)
        self.language = QComboBox(self)
        for language in LANGUAGES:
            self.language.addItem(language.native_name, language.code)
        self.language.setCurrentIndex(max(0, self.language.findData(i18n.current_language())))
        self.language.currentIndexChanged.connect(self._language_picked)
        row = QHBoxLayout()
        row.addWidget(self.open_folder_button)
        row.addWidget(self.create_button)
        row.addStretch(1)
        row.addWidget(self.language)
        return row

    def _build_password_area(self) -> None:
        self.password_label = QLabel(self)
        self.password = QLineEdit(self)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.returnPressed.connect(self.unlock)
        self.password_label.setBuddy(self.password)
        self.remember = QCheckBox(self)
        # Shown only when the offline grant has run out and a kept sign-in did not renew it.
        self.server_password_label = QLabel(self)
        self.server_password = QLineEdit(self)
        self.server_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.server_password.returnPressed.connect(self.unlock)
        self.server_password_label.setBuddy(self.server_password)
        self.server_password_label.hide()
        self.server_password.hide()
        self.message = QLabel(self)
        self.message.setObjectName("errorText")
        self.message.setWordWrap(True)
        self.message.hide()
        self.unlock_button = QPushButton(self)
        self.unlock_button.setObjectName("primaryButton")
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(self.unlock)
        self.quit_button = QPushButton(self)
        self.quit_button.setAutoDefault(False)
        self.quit_button.clicked.connect(self.reject)

    # ---------------------------------------------------------------- texts

    def retranslate(self) -> None:
        """Re-read every text."""
        self.setWindowTitle(_("Fund Inspector — Log in"))
        self.intro_label.setText(
            _("Choose your profile and enter its password. No network connection is needed.")
        )
        self.open_folder_button.setText(_("Open other folder…"))
        self.create_button.setText(_("Create profile…"))
        self.password_label.setText(_("&Password"))
        self.remember.setText(_("Remember for this session"))
        self.server_password_label.setText(_("Password on the central &server"))
        self.remember.setToolTip(
            _(
                "Keep the unlocked key in the system keyring, so starting again needs no "
                "password until you lock the profile, restart the computer, or 12 hours pass."
            )
        )
        self.unlock_button.setText(_("Unlock"))
        self.quit_button.setText(_("Quit"))
        self.no_profiles.setText(
            _("No profile in {folder} yet.\nCreate one, or open a folder that holds one.").format(
                folder=self.data_folder
            )
        )
        for row, info in enumerate(self._infos):
            item = self.profile_list.item(row)
            if item is not None:
                item.setText(self._item_text(info))

    def _language_picked(self) -> None:
        code = str(self.language.currentData())
        self.machine.set(settings.LANGUAGE, apply_language(code))

    # -------------------------------------------------------------- profiles

    @staticmethod
    def _item_text(info: ProfileInfo) -> str:
        text = _("{name} ({username})\n{role} · {folder}").format(
            name=info.display_name,
            username=info.username,
            role=user_role_label(info.role),
            folder=info.path,
        )
        if info.revoked_at is not None:
            text = _("{profile} · revoked by the server").format(profile=text)
        return text

    def refresh_profiles(self, preselect: Path | None = None) -> None:
        """List the data folder's profiles plus those opened explicitly."""
        from inspector_app.profiles import ProfileError, list_profiles, read_profile_info

        infos = list_profiles(self.data_folder)
        known = {info.path.resolve() for info in infos}
        for path in self._extra:
            if path.resolve() in known:
                continue
            try:
                infos.insert(0, read_profile_info(path))
            except ProfileError as exc:
                self.show_message(str(exc))
            known.add(path.resolve())
        self._infos = infos
        self.profile_list.clear()
        for info in infos:
            item = QListWidgetItem(icon("profile"), self._item_text(info), self.profile_list)
            item.setData(PATH_ROLE, str(info.path))
            item.setToolTip(str(info.path))
        self.list_stack.setCurrentIndex(0 if infos else 1)
        wanted = preselect or Path(self.machine.get(settings.LAST_PROFILE) or ".")
        rows = [i for i, info in enumerate(infos) if info.path.resolve() == wanted.resolve()]
        self.profile_list.setCurrentRow(rows[0] if rows else 0)
        self._update_buttons()

    def selected_path(self) -> Path | None:
        """Folder of the selected profile."""
        item = self.profile_list.currentItem()
        return Path(item.data(PATH_ROLE)) if item is not None else None

    def _profile_changed(self) -> None:
        self.show_message("")
        self._update_buttons()

    def _update_buttons(self) -> None:
        has_profile = self.selected_path() is not None
        self.unlock_button.setEnabled(has_profile and not self.busy)
        self.password.setEnabled(has_profile and not self.busy)

    def open_other_folder(self) -> None:
        """Pick a folder that holds a profile (e.g. on a USB drive)."""
        chosen = QFileDialog.getExistingDirectory(
            self, _("Open a profile folder"), str(self.data_folder)
        )
        if chosen:
            self.add_profile_folder(Path(chosen))

    def add_profile_folder(self, path: Path) -> None:
        """Add ``path`` to the list and select it, or say why it is not a profile."""
        from inspector_app.profiles import ProfileError, read_profile_info

        try:
            read_profile_info(path)
        except ProfileError as exc:
            self.show_message(str(exc))
            return
        self._extra.append(path)
        self.refresh_profiles(path)
        self.password.setFocus()

    def open_create_dialog(self) -> None:
        """Create profile… (the new profile is unlocked when created)."""
        from ui.dialogs.create_profile_dialog import CreateProfileDialog

        dialog = CreateProfileDialog(self.tasks, self.data_folder, self, kdf=self.kdf)
        dialog.created.connect(self._finish)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        self.create_dialog = dialog

    # ---------------------------------------------------------------- unlock

    def show_message(self, text: str) -> None:
        """Show ``text`` (an error) under the password, or hide it when empty."""
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        for widget in (self.profile_list, self.open_folder_button, self.create_button):
            widget.setEnabled(not busy)
        self.unlock_button.setText(_("Unlocking…") if busy else _("Unlock"))
        self._update_buttons()

    def unlock(self) -> None:
        """Unlock the selected profile with the typed password, in the background."""
        path = self.selected_path()
        if path is None or self.busy:
            return
        password = self.password.text()
        if not password:
            self.show_message(_("Enter the password of the profile."))
            return
        from inspector_app.profiles import unlock_profile
        from inspector_app.sync.grant import admit

        remember = self.remember.isChecked()
        server_password = self.server_password.text() or None
        self.show_message("")
        self._set_busy(True)

        def work(_progress: Progress) -> OpenProfile:
            profile = unlock_profile(path=path, password=password, remember=remember)
            return admit(profile, server_password=server_password)

        Operation(work, label=_("Unlocking the profile…")).success(self._finish).failure(
            self._failed
        ).owned_by(self).run_in_background(self.tasks, writes=True)

    def _failed(self, error: BaseException) -> None:
        from inspector_app.profiles import IncorrectPasswordError, ProfileError
        from inspector_app.sync.grant import OfflineGrantExpiredError

        self._set_busy(False)
        self.server_password.clear()
        if isinstance(error, OfflineGrantExpiredError):
            self.server_password_label.show()
            self.server_password.show()
        if isinstance(error, ProfileError):
            self.show_message(str(error))
            if isinstance(error, IncorrectPasswordError):
                self.password.clear()
            self.password.setFocus()
            return
        error_report.report(error)

    def _finish(self, profile: OpenProfile) -> None:
        self._set_busy(False)
        self.password.clear()
        self.server_password.clear()
        if not self.isVisible():  # closed while unlocking: do not leave it open
            profile.close()
            return
        self.machine.set(settings.LAST_PROFILE, str(profile.info.path))
        self.unlocked.emit(profile)
        self.accept()

    def reject(self) -> None:
        if not self.busy:
            super().reject()
