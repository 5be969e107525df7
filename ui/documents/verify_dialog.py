"""The verdict on signed PDFs: each signature's signer, time, integrity, trust and TEST mark.

A file on disk gets two opinions, pyHanko's and Poppler's ``pdfsig`` (or why the second could
not run); issued copies are checked from the encrypted store in memory, by pyHanko only. The
overall line is green only when every signature is intact and trusted and nothing changed it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from inspector_app.i18n import _, ngettext
from ui import error_report
from ui.context import ShellContext
from ui.formatting import local_time
from ui.translation import follow_language
from ui.workers import Operation

if TYPE_CHECKING:
    from inspector_app.documents.service import IssuedRow
    from inspector_app.documents.verification import FileVerification
    from inspector_app.signing.pdfsig import PdfsigReport
    from inspector_app.signing.verification import PdfVerification, SignatureCheck

GOOD = QColor("#1e6b34")
BAD = QColor("#b3261e")
VERDICT_STYLE = (
    "border-radius: 4px; padding: 8px 12px; font-weight: 600; color: {fg}; "
    "background: {bg}; border: 1px solid {line};"
)
GOOD_STYLE = VERDICT_STYLE.format(fg="#1e6b34", bg="#e6f4ea", line="#b7dfc2")
BAD_STYLE = VERDICT_STYLE.format(fg="#b3261e", bg="#fdecea", line="#f5c2bd")
PENDING_STYLE = VERDICT_STYLE.format(fg="#33475b", bg="#f4f6f9", line="#e1e5eb")
IssuedResults = list[tuple["IssuedRow", "PdfVerification"]]


def _mark(value: bool) -> tuple[str, QColor]:
    return ("✓", GOOD) if value else ("✗", BAD)


def _field(check: SignatureCheck) -> str:
    if check.document_timestamp:
        kind = _("document time-stamp")
    elif check.certification:
        kind = _("certification")
    else:
        kind = _("approval")
    return _("{field} ({kind})").format(field=check.field_name, kind=kind)


def _later_changes(check: SignatureCheck) -> str:
    if check.forbidden_changes:
        return _("Changed after signing in a way the signature forbids")
    return check.problem or ""


def _failure_reason(verification: PdfVerification) -> str:
    if not verification.signatures:
        return verification.message or _("The file carries no signature.")
    for check in verification.signatures:
        if check.ok:
            continue
        if check.problem:
            return check.problem
        if not check.intact:
            return _("A signature does not match the document: it was altered.")
        if check.forbidden_changes:
            return _("The document was changed after signing in a way the signature forbids.")
        return _("The signer's certificate does not chain to a root this profile trusts.")
    return ""


def pdfsig_text(report: PdfsigReport | None, problem: str) -> str:
    """Poppler's verdict in one sentence, or why it could not run."""
    if report is None:
        return _("Independent check (Poppler pdfsig) could not run: {reason}").format(
            reason=problem or _("not available")
        )
    if report.ok:
        return ngettext(
            "Independent check (Poppler pdfsig): agrees, {n} signature valid and trusted.",
            "Independent check (Poppler pdfsig): agrees, all {n} signatures valid and trusted.",
            len(report.signatures),
        ).format(n=len(report.signatures))
    if not report.signatures:
        return _("Independent check (Poppler pdfsig): found no signature.")
    details = "; ".join(
        _("{signer}: {signature} {certificate}").format(
            signer=s.signer_name or s.field_name,
            signature=s.signature_validation or _("not reported"),
            certificate=s.certificate_validation or "",
        )
        for s in report.signatures
        if not (s.valid and s.trusted)
    )
    return _("Independent check (Poppler pdfsig): disagrees. {details}").format(details=details)


class VerificationDialog(QDialog):
    """Runs a verification in the background and shows its result; non-modal."""

    COLUMNS: Sequence[Callable[[], str]] = (
        lambda: _("Signature"),  # "Document" when the sealed documents of a case are shown
        lambda: _("Signer"),
        lambda: _("Signed at"),
        lambda: _("Intact"),
        lambda: _("Trusted"),
        lambda: _("Certificate"),
        lambda: _("Problem"),
    )

    def __init__(self, context: ShellContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.file_result: FileVerification | None = None
        self.issued_results: IssuedResults | None = None
        self.subject = ""
        self.issued_mode = False
        self.failed = False
        self.failure_reason = ""
        self.setMinimumSize(860, 420)
        self.subject_label = QLabel(self)
        self.subject_label.setObjectName("sectionTitle")
        self.subject_label.setWordWrap(True)
        self.verdict_label = QLabel(self)
        self.verdict_label.setWordWrap(True)
        self.test_label = QLabel(self)
        self.test_label.setObjectName("sealedNote")
        self.test_label.setWordWrap(True)
        self.table = QTableWidget(0, len(self.COLUMNS), self)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(len(self.COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        self.independent_label = QLabel(self)
        self.independent_label.setObjectName("fieldHelp")
        self.independent_label.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 12)
        layout.setSpacing(10)
        layout.addWidget(self.subject_label)
        layout.addWidget(self.verdict_label)
        layout.addWidget(self.test_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.independent_label)
        layout.addWidget(buttons)
        self.retranslate()
        follow_language(self, self.retranslate)

    # ------------------------------------------------------------------ running

    def verify_file(self, path: Path) -> None:
        """Check ``path`` with pyHanko and pdfsig."""
        from inspector_app.documents.verification import verify_file

        profile = self.context.profile
        self.subject = path.name
        self.issued_mode = False
        self._run(
            lambda: verify_file(profile=profile, path=path, independent=True),
            _("Verifying the signatures"),
        )

    def verify_issued(self, case_id: str, case_number: str) -> None:
        """Check the current issued documents of a case from the store."""
        from inspector_app.documents.verification import verify_issued

        profile = self.context.profile
        self.subject = _("Sealed documents of case {number}").format(number=case_number)
        self.issued_mode = True
        self._run(
            lambda: verify_issued(profile=profile, case_id=case_id),
            _("Verifying the sealed documents"),
        )

    def _run(self, work: Callable[[], object], label: str) -> None:
        self.file_result = self.issued_results = None
        self.failed = False
        self.retranslate()
        operation: Operation[Any] = Operation.of(work, label=label)
        operation.success(self._show).failure(self._failed).owned_by(self).quietly()
        operation.run_in_background(self.context.tasks)

    def is_done(self) -> bool:
        """The verification finished (with a verdict or an error)."""
        return self.file_result is not None or self.issued_results is not None or self.failed

    def _show(self, result: FileVerification | IssuedResults) -> None:
        if isinstance(result, list):
            self.issued_results = result
        else:
            self.file_result = result
        self.retranslate()

    def _failed(self, error: BaseException) -> None:
        from inspector_app.signing.errors import SigningFailure

        self.failed = True
        self.retranslate()
        show = self._show_failure
        if isinstance(error, SigningFailure | OSError):
            error_report.log_error(error)
            show(str(error) if not isinstance(error, OSError) else (error.strerror or str(error)))
        else:
            error_report.handle_failure(error, show, always_show=True)

    def _show_failure(self, message: str) -> None:
        self.failure_reason = message
        self.verdict_label.setStyleSheet(BAD_STYLE)
        self.verdict_label.setText(
            _("The file could not be checked: {reason}").format(reason=message)
        )

    # ------------------------------------------------------------------ showing

    def ok(self) -> bool:
        """Every signature checked is intact and trusted (and pdfsig agrees, for a file)."""
        if self.file_result is not None:
            return self.file_result.ok
        results = self.issued_results
        return bool(results) and all(verification.ok for _row, verification in results or [])

    def retranslate(self) -> None:
        """Re-read every text (and render the result in the active language)."""
        self.setWindowTitle(_("Signature verification"))
        headers = [header() for header in self.COLUMNS]
        if self.issued_mode:
            headers[0] = _("Document")
        self.table.setHorizontalHeaderLabels(headers)
        self.subject_label.setText(self.subject)
        self.test_label.hide()
        if self.failed:
            if self.failure_reason:  # the reason is the core's words; the frame is ours
                self._show_failure(self.failure_reason)
            return
        if self.file_result is not None:
            self._render_file(self.file_result)
        elif self.issued_results is not None:
            self._render_issued(self.issued_results)
        else:
            self.verdict_label.setStyleSheet(PENDING_STYLE)
            self.verdict_label.setText(_("Checking the signatures…"))
            self.independent_label.setText("")
            self.table.setRowCount(0)

    def _render_file(self, result: FileVerification) -> None:
        checks = [("", check) for check in result.verification.signatures]
        self._fill(checks)
        self._verdict(result.ok, len(checks), _failure_reason(result.verification), checks)
        if result.verification.ok and not result.ok:
            self.verdict_label.setText(
                _("Verification failed: the independent check does not confirm the signatures.")
            )
        self.independent_label.setText(pdfsig_text(result.independent, result.independent_problem))

    def _render_issued(self, results: IssuedResults) -> None:
        checks = [
            (row.title or row.file_name, check)
            for row, verification in results
            for check in verification.signatures
        ]
        self._fill(checks)
        reason = next(
            (_failure_reason(v) for _row, v in results if not v.ok),
            _("Nothing has been sealed for this case."),
        )
        self._verdict(self.ok(), len(checks), reason, checks)
        self.independent_label.setText(
            _(
                "Issued copies are checked in memory, from the encrypted store. To have "
                "Poppler's pdfsig confirm a file, export it and use “Verify a PDF…”."
            )
        )

    def _verdict(
        self, ok: bool, count: int, reason: str, checks: Sequence[tuple[str, SignatureCheck]]
    ) -> None:
        if ok:
            self.verdict_label.setStyleSheet(GOOD_STYLE)
            self.verdict_label.setText(
                ngettext(
                    "Valid: the signature is intact and trusted.",
                    "Valid: all {n} signatures are intact and trusted.",
                    count,
                ).format(n=count)
            )
        else:
            self.verdict_label.setStyleSheet(BAD_STYLE)
            self.verdict_label.setText(_("Verification failed: {reason}").format(reason=reason))
        if any(check.is_test_certificate for _name, check in checks):
            self.test_label.setText(
                _(
                    "Signed with a TEST certificate: for training and demonstrations only, "
                    "not valid for real cases."
                )
            )
            self.test_label.show()

    def _fill(self, checks: Sequence[tuple[str, SignatureCheck]]) -> None:
        self.table.setRowCount(len(checks))
        for number, (document, check) in enumerate(checks):
            intact, trusted = _mark(check.intact), _mark(check.trusted)
            cells: list[tuple[str, QColor | None]] = [
                (document or _field(check), None),
                (check.signer_common_name or _("unknown"), None),
                (local_time(check.signing_time) or _("unknown"), None),
                intact,
                trusted,
                (_("TEST") if check.is_test_certificate else "—", BAD if check.is_test_certificate
                 else None),
                (_later_changes(check), BAD if check.problem or check.forbidden_changes else None),
            ]  # fmt: skip
            for column, (text, colour) in enumerate(cells):
                item = QTableWidgetItem(text)
                if colour is not None:
                    item.setForeground(colour)
                self.table.setItem(number, column, item)
