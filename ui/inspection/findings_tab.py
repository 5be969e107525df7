"""问题 Findings tab: the case's findings with their amounts, handling, status and links.

The list and its total come from one background read (``findings_view``); creating and
editing happen in :class:`~ui.dialogs.finding_editor.FindingEditorDialog`; withdrawing asks
for a reason and keeps the finding in the case file, marked withdrawn and out of the total.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from inspector_app.i18n import _, ngettext
from inspector_app.vocabulary import finding_status_label, handling_label
from ui import formatting
from ui.context import ShellContext
from ui.inspection.case_tab import CaseTab
from ui.widgets.data_table import RIGHT, Column, DataTableWidget

if TYPE_CHECKING:
    from inspector_app.findings.service import FindingRow, FindingsView


def _violation_title(row: FindingRow) -> str:
    entry = row.violation
    return entry.title() if entry is not None else row.violation_code


def _handling(row: FindingRow) -> str:
    return _("; ").join(handling_label(value) for value in row.handling)


FINDING_COLUMNS: list[Column[FindingRow]] = [
    Column(lambda: _("Code"), lambda f: f.violation_code, width=70, muted=lambda f: f.withdrawn),
    Column(
        lambda: _("Violation type"),
        _violation_title,
        width=180,
        max_width=260,
        tooltip=lambda f: f.legal_basis,
        muted=lambda f: f.withdrawn,
    ),
    Column(
        lambda: _("Finding"),
        lambda f: f.title,
        stretch=True,
        tooltip=lambda f: f.description or f.title,
        muted=lambda f: f.withdrawn,
    ),
    Column(
        lambda: _("Amount"),
        lambda f: formatting.money(f.amount_fen),
        sort_key=lambda f: f.amount_fen,
        align=RIGHT,
        width=120,
        muted=lambda f: f.withdrawn,
    ),
    Column(
        lambda: _("Proposed handling"),
        _handling,
        width=160,
        max_width=280,
        tooltip=_handling,
        muted=lambda f: f.withdrawn,
    ),
    Column(
        lambda: _("Status"),
        lambda f: finding_status_label(f.status),
        width=80,
        muted=lambda f: f.withdrawn,
    ),
    Column(
        lambda: _("Links"),
        lambda f: formatting.count(f.links.count),
        sort_key=lambda f: f.links.count,
        align=RIGHT,
        width=60,
        muted=lambda f: f.withdrawn,
    ),
]


class FindingsTab(CaseTab):
    """The findings of the current case."""

    def __init__(self, context: ShellContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.view: FindingsView | None = None
        self.editor: QDialog | None = None
        self.new_button = QPushButton(self)
        self.new_button.setObjectName("newFinding")
        self.new_button.clicked.connect(self.new_finding)
        self.edit_button = QPushButton(self)
        self.edit_button.setObjectName("editFinding")
        self.edit_button.clicked.connect(self.edit_selected)
        self.withdraw_button = QPushButton(self)
        self.withdraw_button.setObjectName("withdrawFinding")
        self.withdraw_button.clicked.connect(self._withdraw_clicked)
        self.total_label = QLabel(self)
        self.total_label.setObjectName("findingsTotal")
        bar = QHBoxLayout()
        bar.setSpacing(8)
        bar.addWidget(self.new_button)
        bar.addWidget(self.edit_button)
        bar.addWidget(self.withdraw_button)
        bar.addStretch(1)
        bar.addWidget(self.total_label)
        self.table: DataTableWidget[FindingRow] = DataTableWidget(FINDING_COLUMNS, self)
        self.table.setObjectName("findingsTable")
        self.table.row_activated.connect(lambda row: self.edit(row.id))
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.note = QLabel(self)
        self.note.setObjectName("cardNote")
        self.note.setWordWrap(True)
        self.layout_.addLayout(bar)
        self.layout_.addWidget(self.table, 1)
        self.layout_.addWidget(self.note)
        self.retranslate()

    def title(self) -> str:
        return _("Findings")

    def retranslate(self) -> None:
        self.new_button.setText(_("New finding…"))
        self.edit_button.setText(_("Edit…"))
        self.withdraw_button.setText(_("Withdraw…"))
        self.table.retranslate()
        self._render()

    # ------------------------------------------------------------------ data

    def reload(self) -> None:
        if self.case_id is None:
            self.view = None
            self.stale = False
            self._render()
            return
        from inspector_app.findings.service import findings_view

        profile, case_id = self.context.profile, self.case_id
        self.load(
            lambda: findings_view(profile=profile, case_id=case_id),
            self._show,
            label=_("Loading the findings"),
        )

    def _show(self, view: FindingsView) -> None:
        self.view = view
        self._render()

    def _render(self) -> None:
        view = self.view
        rows = view.rows if view is not None else []
        self.table.set_rows(rows)
        if self.case_id is None:
            self.note.setText(_("Findings are recorded in the case file; none is opened yet."))
        elif view is not None and not rows:
            self.note.setText(
                _(
                    "No findings yet. Record one with “New finding…”, or from a non-compliant "
                    "answer on the Checklist tab."
                )
            )
        else:
            self.note.setText("")
        self.note.setVisible(bool(self.note.text()))
        active = [row for row in rows if not row.withdrawn]
        self.total_label.setText(
            ngettext(
                "{n} finding · {amount} involved",
                "{n} findings · {amount} involved",
                len(active),
            ).format(n=len(active), amount=formatting.money(view.total_fen if view else 0))
        )
        self._update_buttons()

    def selected(self) -> FindingRow | None:
        """The finding selected in the table."""
        index = self.table.currentIndex()
        if not index.isValid() or not self.table.selectionModel().hasSelection():
            return None
        from ui.widgets.data_table import ROW_ROLE

        row: FindingRow | None = index.data(ROW_ROLE)
        return row

    def _update_buttons(self) -> None:
        can_record = self.view is not None and self.view.can_record and self.case_id is not None
        row = self.selected()
        self.new_button.setEnabled(can_record)
        self.edit_button.setEnabled(row is not None)
        self.withdraw_button.setEnabled(can_record and row is not None and not row.withdrawn)

    # --------------------------------------------------------------- actions

    def new_finding(self) -> None:
        """Open the editor on a new finding."""
        if self.case_id is not None:
            self._open(None)

    def edit_selected(self) -> None:
        """Open the editor on the selected finding."""
        row = self.selected()
        if row is not None:
            self.edit(row.id)

    def edit(self, finding_id: str) -> None:
        """Open the editor on ``finding_id``."""
        self._open(finding_id)

    def _open(self, finding_id: str | None) -> None:
        from ui.dialogs.finding_editor import FindingEditorDialog

        assert self.case_id is not None
        dialog = FindingEditorDialog(self.context, self.case_id, finding_id, self)
        dialog.saved.connect(lambda _id: self.changed.emit())
        dialog.saved.connect(lambda _id: self.reload())
        dialog.finished.connect(dialog.deleteLater)
        self.editor = dialog
        dialog.open()

    def _withdraw_clicked(self) -> None:
        self.withdraw_selected()  # ``clicked`` passes a bool: never let it become the reason

    def withdraw_selected(self, reason: str | None = None) -> None:
        """Withdraw the selected finding (asks for the reason when none is given)."""
        row = self.selected()
        if row is None or row.withdrawn:
            return
        if reason is None:
            reason, accepted = QInputDialog.getText(
                self,
                _("Withdraw finding"),
                _(
                    "Withdraw “{title}”? It stays in the case file, marked withdrawn.\nReason:"
                ).format(title=row.title),
                QLineEdit.EchoMode.Normal,
            )
            if not accepted:
                return
        from inspector_app.findings.service import withdraw_finding

        profile, finding_id, text = self.context.profile, row.id, reason
        self.write(
            lambda: withdraw_finding(profile=profile, finding_id=finding_id, reason=text),
            lambda _row: self.reload(),
            label=_("Withdrawing the finding"),
        )
