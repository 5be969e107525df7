"""The team leader's last step: confirm, then seal every document and close the case.

The confirmation says plainly what happens, because it cannot be undone: each document is
sealed with the leader's certificate (a TEST one is named as such), the case closes and is
read-only from then on, and corrections become new, linked records.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from inspector_app.i18n import _, ngettext
from inspector_app.progress import Progress
from ui.context import ShellContext
from ui.documents.summary import Workspace, certificate_owner
from ui.translation import follow_language
from ui.workers import Operation

if TYPE_CHECKING:
    from inspector_app.documents.service import IssueResult


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class SealDialog(QDialog):
    """Asks the leader to confirm sealing; accepting starts nothing by itself.

    Copies of the sealed files leave the encrypted store only if the leader ticks the box
    (:meth:`export_folder`); they can be exported later from the issued list as well.
    """

    def __init__(self, workspace: Workspace, folder: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.folder = folder
        self.setMinimumWidth(560)
        self.heading = QLabel(self)
        self.heading.setObjectName("sectionTitle")
        self.body = QLabel(self)
        self.body.setWordWrap(True)
        self.body.setTextFormat(Qt.TextFormat.RichText)
        self.body.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.test_label = QLabel(self)
        self.test_label.setObjectName("sealedNote")
        self.test_label.setWordWrap(True)
        self.export_box = QCheckBox(self)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.seal_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.AcceptRole)
        self.seal_button.setObjectName("primaryButton")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 14)
        layout.setSpacing(12)
        layout.addWidget(self.heading)
        layout.addWidget(self.body)
        layout.addWidget(self.test_label)
        layout.addWidget(self.export_box)
        layout.addWidget(self.buttons)
        self.retranslate()
        follow_language(self, self.retranslate)

    def points(self) -> list[str]:
        """What sealing does, one sentence each (plain text)."""
        case, credential = self.workspace.case, self.workspace.credential
        holder = certificate_owner(credential) if credential is not None else "—"
        count = len(case.documents)
        return [
            ngettext(
                "The document is sealed with the electronic signature (PAdES) of {holder}.",
                "Each of the {n} documents is sealed with the electronic signature (PAdES) "
                "of {holder}.",
                count,
            ).format(n=count, holder=holder),
            _(
                "The case closes, and the task with it: from then on the case file is "
                "read-only for everyone."
            ),
            _(
                "Corrections after sealing are made as new, linked records; the sealed "
                "files never change."
            ),
            _(
                "The sealed files are kept encrypted in this profile; the Issued documents "
                "tab previews, verifies and exports them."
            ),
        ]

    def retranslate(self) -> None:
        """Re-read every text."""
        case, credential = self.workspace.case, self.workspace.credential
        self.setWindowTitle(_("Seal and close"))
        self.heading.setText(
            _("Seal the documents of case {number} and close it?").format(number=case.case_number)
        )
        items = "".join(f"<li style='margin-bottom:6px'>{_html(p)}</li>" for p in self.points())
        self.body.setText(f"<ul style='margin-left:-20px'>{items}</ul>")
        is_test = credential is not None and credential.is_test
        self.test_label.setVisible(is_test)
        self.test_label.setText(
            _(
                "This is a TEST certificate: the sealed documents are marked TEST and are not "
                "valid for real cases."
            )
        )
        self.export_box.setText(
            _("Also save copies of the sealed files in {folder}").format(folder=self.folder)
        )
        self.seal_button.setText(_("Seal and close"))

    def export_folder(self) -> Path | None:
        """Where copies go once sealed (None: nowhere, they stay in the store)."""
        return self.folder if self.export_box.isChecked() else None


def start_sealing(
    context: ShellContext,
    owner: QWidget,
    *,
    case_id: str,
    language: str,
    export_to: Path | None,
    done: Callable[[IssueResult], None],
    failed: Callable[[BaseException], None],
    cancelled: Callable[[], None],
) -> Operation[IssueResult]:
    """Seal the case's documents on the database worker, with a progress dialog over ``owner``."""
    from inspector_app.documents.service import seal_documents

    profile = context.profile

    def work(progress: Progress) -> IssueResult:
        return seal_documents(
            profile=profile,
            case_id=case_id,
            export_to=export_to,
            progress=progress,
            language=language,
        )

    operation: Operation[IssueResult] = Operation(work, label=_("Sealing the documents"))
    return (
        operation.success(done)
        .failure(failed)
        .on_cancelled(cancelled)
        .owned_by(owner)
        .with_dialog(owner)
        .run_in_background(context.tasks, writes=True)
    )
