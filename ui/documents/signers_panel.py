"""Everyone who signs a case's documents, once each: one signature covers all their documents.

"Sign…" opens the signature pad for the selected person, listing every document they sign;
the one image (or the witnessed refusal, for people outside the team) is then recorded for
each of those documents in a single operation on the database worker.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from inspector_app.i18n import _, ngettext, pgettext
from ui import error_report
from ui.context import ShellContext
from ui.dialogs.signature_dialog import SignatureCapture, SignatureDialog
from ui.documents.summary import SignerGroup, Workspace, signer_groups
from ui.widgets.data_table import Column, DataTableWidget
from ui.workers import Operation

GROUP_COLUMNS: list[Column[SignerGroup]] = [
    Column(lambda: _("Name"), lambda g: g.display_name, muted=lambda g: not g.name, width=110),
    Column(lambda: _("Role"), lambda g: g.role_text, width=150),
    Column(
        lambda: _("Documents"),
        lambda g: pgettext("list separator", ", ").join(g.document_names()),
        tooltip=lambda g: "\n".join(g.document_names()),
        stretch=True,
    ),
    Column(
        lambda: _("Status"),
        lambda g: g.status_text(),
        muted=lambda g: not g.pending,
        width=150,
        max_width=300,
    ),
]


class SignersPanel(QWidget):
    """The signers table with "Sign…"; ``changed`` after signatures are recorded."""

    changed = Signal()
    notify = Signal(str, bool)  # message, is an error

    def __init__(self, context: ShellContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.workspace: Workspace | None = None
        self.groups: list[SignerGroup] = []
        self.dialog: SignatureDialog | None = None
        self.recording = False
        self.table = DataTableWidget(GROUP_COLUMNS, self)
        self.table.row_activated.connect(lambda _row: self.sign_selected())
        self.table.selectionModel().currentRowChanged.connect(self._update)
        self.hint = QLabel(self)
        self.hint.setObjectName("fieldHelp")
        self.hint.setWordWrap(True)
        self.sign_button = QPushButton(self)
        self.sign_button.setObjectName("primaryButton")
        self.sign_button.clicked.connect(self.sign_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(self.hint, 1)
        buttons.addWidget(self.sign_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.retranslate()

    def retranslate(self) -> None:
        """Re-read every text."""
        self.table.retranslate()
        self._update()

    def set_workspace(self, workspace: Workspace | None) -> None:
        """Show the signers of ``workspace``'s case, keeping the selected person if possible."""
        selected = self.selected()
        self.workspace = workspace
        self.groups = signer_groups(workspace.case) if workspace is not None else []
        self.table.set_rows(self.groups)
        keys = [(g.role, g.key, g.name) for g in self.table.visible_rows()]
        wanted = (selected.role, selected.key, selected.name) if selected is not None else None
        if wanted in keys:
            self.table.selectRow(keys.index(wanted))
        else:
            pending = [n for n, g in enumerate(self.table.visible_rows()) if g.pending]
            self.table.selectRow(pending[0] if pending else 0)
        self._update()

    def selected(self) -> SignerGroup | None:
        """The person selected in the table."""
        return self.table.current_row()

    def _update(self) -> None:
        workspace, group = self.workspace, self.selected()
        may_sign = workspace is not None and workspace.may_sign and not self.recording
        self.sign_button.setEnabled(may_sign and group is not None)
        again = group is not None and (not group.pending or group.outdated > 0)
        self.sign_button.setText(_("Sign again…") if again else _("Sign…"))
        if workspace is None:
            self.hint.setText("")
        elif workspace.case.read_only:
            self.hint.setText(_("The case is sealed: signatures can no longer change."))
        elif not workspace.can_record:
            self.hint.setText(_("Only members of the inspection team record signatures."))
        else:
            self.hint.setText(
                _(
                    "Choose a person and press Sign…: one signature on screen is recorded on "
                    "each of their documents. People outside the team may refuse, before a "
                    "witness."
                )
            )

    # ------------------------------------------------------------------ signing

    def sign_selected(self) -> SignatureDialog | None:
        """Open the signature pad for the selected person (non-blocking)."""
        workspace, group = self.workspace, self.selected()
        if workspace is None or group is None or not workspace.may_sign or self.recording:
            return None
        entries = group.to_sign()
        dialog = SignatureDialog(
            group.role_text,
            group.display_name,
            [doc.ref.name() for doc, _state in entries],
            list(workspace.witnesses),
            allow_refusal=group.may_refuse,
            parent=self,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._accepted(dialog, workspace.case.case_id, group))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _accepted(self, dialog: SignatureDialog, case_id: str, group: SignerGroup) -> None:
        capture = dialog.capture()
        if capture is not None:
            self.record(case_id, group, capture)

    def record(self, case_id: str, group: SignerGroup, capture: SignatureCapture) -> None:
        """Record ``capture`` for every document ``group`` signs now, in one write."""
        from inspector_app.documents.signatures import record_refusal, record_signature

        profile = self.context.profile
        slots = [state.slot for _doc, state in group.to_sign()]
        number = self.workspace.case.case_number if self.workspace is not None else case_id

        def work() -> int:
            for slot in slots:
                if capture.refused:
                    assert capture.witness_id is not None
                    record_refusal(
                        profile=profile, case_id=case_id, kind=slot.kind,
                        subject_id=slot.subject_id, role=slot.role, key=slot.key,
                        witness_inspector_id=capture.witness_id, reason=capture.reason,
                        refused_at=capture.refused_at,
                    )  # fmt: skip
                else:
                    assert capture.png is not None
                    record_signature(
                        profile=profile, case_id=case_id, kind=slot.kind,
                        subject_id=slot.subject_id, role=slot.role, key=slot.key,
                        png=capture.png, signed_at=capture.signed_at,
                    )  # fmt: skip
            return len(slots)

        def done(count: int) -> None:
            self.recording = False
            self._update()
            if capture.refused:
                message = ngettext(
                    "Recorded that {name} refused to sign {n} document (witness: {witness}).",
                    "Recorded that {name} refused to sign {n} documents (witness: {witness}).",
                    count,
                ).format(name=group.display_name, n=count, witness=capture.witness_name)
            else:
                message = ngettext(
                    "Recorded the signature of {name} on {n} document.",
                    "Recorded the signature of {name} on {n} documents.",
                    count,
                ).format(name=group.display_name, n=count)
            showing = self.workspace is not None and self.workspace.case.case_id == case_id
            if not showing:  # the user moved on to another case meanwhile: say which one
                message = _("Case {number}: {message}").format(number=number, message=message)
            self.notify.emit(message, False)
            self.changed.emit()

        def failed(error: BaseException) -> None:
            self.recording = False
            self._update()
            error_report.handle_failure(
                error, lambda text: self.notify.emit(text, True), always_show=True
            )
            self.changed.emit()  # some documents may be signed already: show what is

        self.recording = True
        self._update()
        operation: Operation[int] = Operation.of(work, label=_("Recording the signature"))
        operation.success(done).failure(failed).owned_by(self).with_dialog(self)
        operation.run_in_background(self.context.tasks, writes=True)
