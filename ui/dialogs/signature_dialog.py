"""One person signs the documents of record on screen, or refuses before a witness.

The institution's representative (or an interviewee) may refuse to sign; the record then
states it with a team member as witness and the time, and the document prints that statement
where the signature would be. Team members cannot refuse, so they only get the pad.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from PySide6.QtCore import QDateTime, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from inspector_app.i18n import _, pgettext
from ui.formatting import local_time
from ui.widgets.signature_pad import SignaturePadWidget

REASON_MAX_LENGTH = 200


@dataclass(frozen=True)
class SignatureCapture:
    """What the dialog collected: a signature image, or a witnessed refusal.

    Times are aware UTC. ``png`` is set exactly when ``refused`` is false; the witness fields
    and ``refused_at`` only when it is true.
    """

    png: bytes | None
    refused: bool
    witness_id: str | None
    witness_name: str
    reason: str
    refused_at: datetime | None
    signed_at: datetime | None


def refusal_statement(role_label: str, name: str, witness: str, at: datetime) -> str:
    """The sentence a document prints instead of the signature of someone who refused."""
    return _("{role} {name} refused to sign. Witness: {witness}, time: {time}.").format(
        role=role_label, name=name, witness=witness, time=local_time(at)
    )


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _to_qt(moment: datetime) -> QDateTime:
    return QDateTime.fromSecsSinceEpoch(int(moment.timestamp()))


class SignatureDialog(QDialog):
    """The pad with Undo/Clear, and (when allowed) a refusal form in its place.

    OK is enabled for a plausible signature, or for a refusal with a witness chosen; after
    ``accept()`` the result is :meth:`capture`. ``clock`` returns the current aware UTC time
    (tests pass a fixed one).
    """

    def __init__(
        self,
        role_label: str,
        signer_name: str,
        documents: Sequence[str],
        witnesses: Sequence[tuple[str, str]],
        *,
        allow_refusal: bool,
        clock: Callable[[], datetime] = _utc_now,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.role_label = role_label
        self.signer_name = signer_name
        self.documents = list(documents)
        self.witnesses = list(witnesses)
        self.allow_refusal = allow_refusal
        self._clock = clock
        self._capture: SignatureCapture | None = None
        self.setMinimumWidth(620)
        self.signer_label = QLabel(self)
        self.signer_label.setObjectName("sectionTitle")
        self.documents_label = QLabel(self)
        self.documents_label.setObjectName("fieldHelp")
        self.documents_label.setWordWrap(True)
        self.pad = SignaturePadWidget(self)
        self.undo_button = QPushButton(self)
        self.clear_button = QPushButton(self)
        self.pad_hint = QLabel(self)
        self.pad_hint.setObjectName("fieldHelp")
        self.refuse_box = QCheckBox(self)
        self.refuse_box.setVisible(allow_refusal)
        self.witness_combo = QComboBox(self)
        for witness_id, witness_name in self.witnesses:
            self.witness_combo.addItem(witness_name, witness_id)
        self.witness_combo.setCurrentIndex(-1)
        self.reason_edit = QLineEdit(self)
        self.reason_edit.setMaxLength(REASON_MAX_LENGTH)
        self.time_edit = QDateTimeEdit(self)
        self.time_edit.setCalendarPopup(True)
        self.time_edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.statement_title = QLabel(self)
        self.statement_label = QLabel(self)
        self.statement_label.setObjectName("sealedNote")
        self.statement_label.setWordWrap(True)
        self.statement_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.undo_button.clicked.connect(self.pad.undo)
        self.clear_button.clicked.connect(self.pad.clear)
        self.pad.changed.connect(self._update)
        self.refuse_box.toggled.connect(self._refusal_toggled)
        self.witness_combo.currentIndexChanged.connect(self._update)
        self.time_edit.dateTimeChanged.connect(self._update)
        self._build_layout()
        self._reset_time()
        self.retranslate()
        self.pad.setFocus()

    def _build_layout(self) -> None:
        buttons = QHBoxLayout()
        buttons.addWidget(self.pad_hint, 1)
        buttons.addWidget(self.undo_button)
        buttons.addWidget(self.clear_button)
        sign_page = QWidget(self)
        sign = QVBoxLayout(sign_page)
        sign.setContentsMargins(0, 0, 0, 0)
        sign.addWidget(self.pad, 1)
        sign.addLayout(buttons)
        refuse_page = QWidget(self)
        self.form = QFormLayout()
        self.form_labels = [QLabel(refuse_page) for _ in range(3)]
        for label, field in zip(
            self.form_labels, [self.witness_combo, self.reason_edit, self.time_edit], strict=True
        ):
            self.form.addRow(label, field)
        refuse = QVBoxLayout(refuse_page)
        refuse.setContentsMargins(0, 0, 0, 0)
        refuse.addLayout(self.form)
        refuse.addSpacing(8)
        refuse.addWidget(self.statement_title)
        refuse.addWidget(self.statement_label)
        refuse.addStretch(1)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(sign_page)
        self.stack.addWidget(refuse_page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 14)
        layout.setSpacing(10)
        layout.addWidget(self.signer_label)
        layout.addWidget(self.documents_label)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.refuse_box)
        layout.addWidget(self.buttons)

    def retranslate(self) -> None:
        """Re-read every text."""
        self.setWindowTitle(_("Sign documents"))
        self.signer_label.setText(
            _("{role}: {name}").format(role=self.role_label, name=self.signer_name)
        )
        titles = pgettext("list separator", ", ").join(self.documents)
        self.documents_label.setText(_("Signing: {documents}").format(documents=titles))
        self.undo_button.setText(_("Undo stroke"))
        self.clear_button.setText(_("Clear"))
        self.refuse_box.setText(_("{name} refuses to sign").format(name=self.signer_name))
        for label, text in zip(
            self.form_labels, [_("Witness"), _("Reason"), _("Time")], strict=True
        ):
            label.setText(text)
        self.witness_combo.setPlaceholderText(
            _("Choose the team member who witnessed it")
            if self.witnesses
            else _("No team member present to witness")
        )
        self.reason_edit.setPlaceholderText(
            _("Optional, e.g. the interviewee refused to sign the record")
        )
        self.statement_title.setText(_("The document will state:"))
        self.pad.retranslate()
        self._update()

    # ------------------------------------------------------------------ state

    def is_refusal(self) -> bool:
        """True when the refusal form is in use."""
        return self.allow_refusal and self.refuse_box.isChecked()

    def refused_at(self) -> datetime:
        """The refusal time as entered, aware UTC, never after now."""
        entered = datetime.fromtimestamp(self.time_edit.dateTime().toSecsSinceEpoch(), UTC)
        return min(entered, self._clock())

    def statement(self) -> str:
        """The refusal statement as the document will print it."""
        witness = self.witness_combo.currentText() if self.witness_combo.currentIndex() >= 0 else ""
        return refusal_statement(
            self.role_label, self.signer_name, witness or "—", self.refused_at()
        )

    def _reset_time(self) -> None:
        now = self._clock()
        self.time_edit.setMaximumDateTime(_to_qt(now))
        self.time_edit.setDateTime(_to_qt(now.replace(second=0, microsecond=0)))

    def _refusal_toggled(self, refused: bool) -> None:
        if refused:
            self._reset_time()
        self.stack.setCurrentIndex(1 if refused else 0)
        (self.witness_combo if refused else self.pad).setFocus()
        self._update()

    def _update(self) -> None:
        if self.is_refusal():
            self.ok_button.setText(_("Record refusal"))
            self.ok_button.setEnabled(self.witness_combo.currentIndex() >= 0)
            self.statement_label.setText(self.statement())
            return
        self.ok_button.setText(_("Confirm signature"))
        self.ok_button.setEnabled(self.pad.is_plausible())
        self.undo_button.setEnabled(not self.pad.is_empty())
        self.clear_button.setEnabled(not self.pad.is_empty())
        if self.pad.is_empty():
            self.pad_hint.setText(_("Sign your full name in the box."))
        elif not self.pad.is_plausible():
            self.pad_hint.setText(_("Too small to be a signature: sign your full name."))
        else:
            self.pad_hint.setText("")

    # ------------------------------------------------------------------ result

    def accept(self) -> None:
        """Keep the result and close; does nothing while OK would be disabled."""
        if not self.ok_button.isEnabled():
            return
        if self.is_refusal():
            self._capture = SignatureCapture(
                png=None,
                refused=True,
                witness_id=str(self.witness_combo.currentData()),
                witness_name=self.witness_combo.currentText(),
                reason=self.reason_edit.text().strip(),
                refused_at=self.refused_at(),
                signed_at=None,
            )
        else:
            self._capture = SignatureCapture(
                png=self.pad.to_png(),
                refused=False,
                witness_id=None,
                witness_name="",
                reason="",
                refused_at=None,
                signed_at=self._clock(),
            )
        super().accept()

    def capture(self) -> SignatureCapture | None:
        """The signature or refusal once accepted; None before, or after Cancel."""
        return self._capture if self.result() == QDialog.DialogCode.Accepted else None
