"""The saved column mappings of one file role: pick one, save the current one as…, delete.

Saved mappings live in the profile (``MappingProfile`` rows, synced to the team), one name
per file role, so the next export of the same HIS maps in one click. The bar only lists,
saves and deletes; the mapping page decides what choosing one does to its columns.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QWidget,
)

from inspector_app.i18n import _
from inspector_app.settlement_import import ColumnMapping, SavedMapping, role_label
from local_db.enums import ImportFileRole
from ui.context import ShellContext
from ui.dialogs.import_common import handle_failure
from ui.workers import Operation

AUTO = "\x00auto"
CUSTOM = "\x00custom"


class SavedMappingsBar(QWidget):
    """A picker of saved mappings with Save as… and Delete."""

    chosen = Signal(object)  # the saved ColumnMapping, or None for the automatic mapping
    saved = Signal(str)
    deleted = Signal(str)

    def __init__(
        self,
        context: ShellContext,
        role: ImportFileRole,
        current: Callable[[], ColumnMapping],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.role = role
        self.current = current
        self.mappings: list[SavedMapping] = []
        self.manual = False
        self.applied: str | None = None
        self.can_save = False
        self.busy = False
        self.label = QLabel(self)
        self.combo = QComboBox(self)
        self.combo.setMinimumContentsLength(22)
        self.label.setBuddy(self.combo)
        self.save_button = QPushButton(self)
        self.save_button.clicked.connect(self._ask_name)
        self.delete_button = QPushButton(self)
        self.delete_button.clicked.connect(self._ask_delete)
        self.status = QLabel(self)
        self.status.setObjectName("muted")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.combo)
        layout.addWidget(self.save_button)
        layout.addWidget(self.delete_button)
        layout.addWidget(self.status, 1)
        self.combo.currentIndexChanged.connect(self._chosen)
        self.retranslate()
        self.load()

    def retranslate(self) -> None:
        """Re-read every visible text."""
        self.label.setText(_("Saved mapping"))
        self.save_button.setText(_("Save mapping as…"))
        self.delete_button.setText(_("Delete"))
        self._fill()

    def show_state(self, *, manual: bool, applied: str | None, can_save: bool) -> None:
        """What the page uses: columns chosen by hand, a saved mapping, or the automatic one."""
        self.manual, self.applied, self.can_save = manual, applied, can_save
        self._fill()

    def _fill(self) -> None:
        box = self.combo
        box.blockSignals(True)
        box.clear()
        if self.manual:
            box.addItem(_("Custom (chosen here)"), CUSTOM)
        box.addItem(_("Automatic (by header names)"), AUTO)
        for each in self.mappings:
            box.addItem(each.mapping.name or "", each.mapping.name)
        wanted = CUSTOM if self.manual else (self.applied or AUTO)
        box.setCurrentIndex(max(0, box.findData(wanted)))
        box.blockSignals(False)
        self.delete_button.setEnabled(self.applied is not None and not self.busy)
        self.save_button.setEnabled(self.can_save and not self.busy)

    def _chosen(self) -> None:
        data = self.combo.currentData()
        if data == CUSTOM:
            return
        if data == AUTO:
            self.chosen.emit(None)
            return
        found = next((s for s in self.mappings if s.mapping.name == data), None)
        if found is not None:
            self.chosen.emit(found.mapping)

    def choose(self, name: str) -> None:
        """Pick saved mapping ``name`` (for callers and tests)."""
        index = self.combo.findData(name)
        if index < 0:
            raise KeyError(name)
        self.combo.setCurrentIndex(index)

    # ----------------------------------------------------------------- database

    def load(self) -> None:
        """Read the role's saved mappings again."""
        from inspector_app.settlement_import import list_mappings

        profile, role = self.context.profile, self.role

        def arrived(mappings: list[SavedMapping]) -> None:
            self.mappings = mappings
            self._fill()

        self._run(lambda: list_mappings(profile=profile, role=role), arrived,
                  label=_("Reading saved mappings"))  # fmt: skip

    def _ask_name(self) -> None:
        dialog = QInputDialog(self)
        dialog.setWindowTitle(_("Save mapping"))
        dialog.setLabelText(
            _("Name the mapping (for example the institution's HIS); it is offered again for "
              "{role} files:").format(role=role_label(self.role))
        )  # fmt: skip
        dialog.setTextValue(self.applied or "")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.textValueSelected.connect(self.save_as)
        dialog.open()

    def save_as(self, name: str) -> None:
        """Save the page's current columns and reading options as ``name``."""
        from inspector_app.settlement_import import save_mapping

        profile, mapping = self.context.profile, self.current()
        self.busy = True
        self._fill()

        def done(result: SavedMapping) -> None:
            self.busy = False
            saved_name = result.mapping.name or name
            self.status.setText(_("Saved as “{name}”.").format(name=saved_name))
            self.saved.emit(saved_name)
            self.load()

        self._run(lambda: save_mapping(profile=profile, name=name, mapping=mapping), done,
                  label=_("Saving the mapping"), writes=True)  # fmt: skip

    def _ask_delete(self) -> None:
        name = self.applied
        if name is None:
            return
        box = QMessageBox(
            QMessageBox.Icon.Question,
            _("Delete mapping"),
            _("Delete the saved mapping “{name}”? The columns chosen stay as they are for "
              "this import.").format(name=name),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self,
        )  # fmt: skip
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.accepted.connect(lambda: self.delete_saved(name))
        box.open()

    def delete_saved(self, name: str) -> None:
        """Delete saved mapping ``name`` (a tombstone, synced like the mapping was)."""
        from inspector_app.settlement_import import delete_mapping

        profile, role = self.context.profile, self.role
        self.busy = True
        self._fill()

        def done(_found: bool) -> None:
            self.busy = False
            self.status.setText(_("Deleted “{name}”.").format(name=name))
            self.deleted.emit(name)
            self.load()

        self._run(lambda: delete_mapping(profile=profile, role=role, name=name), done,
                  label=_("Deleting the mapping"), writes=True)  # fmt: skip

    def _run(self, work: Any, done: Any, *, label: str, writes: bool = False) -> None:
        def failed(error: BaseException) -> None:
            self.busy = False
            self._fill()
            handle_failure(error, self.status.setText)

        operation: Operation[Any] = Operation.of(work, label=label)
        operation.success(done).failure(failed).quietly().owned_by(self)
        operation.run_in_background(self.context.tasks, writes=writes)
