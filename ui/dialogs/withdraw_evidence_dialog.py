"""Withdraw a piece of evidence: a reason is required, and it stays in the chain."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from inspector_app.i18n import _


class WithdrawEvidenceDialog(QDialog):
    """Asks why; OK stays disabled until a reason is written."""

    def __init__(self, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Withdraw evidence"))
        self.setMinimumWidth(460)
        explanation = QLabel(
            _(
                "“{caption}” will be marked withdrawn. Evidence is never deleted: the item, "
                "its original and your reason stay in the case's chain of custody."
            ).format(caption=caption),
            self,
        )
        explanation.setWordWrap(True)
        self.reason_edit = QPlainTextEdit(self)
        self.reason_edit.setPlaceholderText(_("Reason for withdrawing (required)"))
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(_("Withdraw"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.reason_edit.textChanged.connect(self._update)
        layout = QVBoxLayout(self)
        layout.addWidget(explanation)
        layout.addWidget(self.reason_edit)
        layout.addWidget(self.buttons)
        self._update()

    def reason(self) -> str:
        """The reason as typed, trimmed."""
        return self.reason_edit.toPlainText().strip()

    def _update(self) -> None:
        self.ok_button.setEnabled(bool(self.reason()))
