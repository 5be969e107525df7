"""The review worksheet of one sampled claim: its lines beside the medical-file checks.

Per line the inspector accepts or disallows (wholly or in part) with a violation type of
the catalogue and a reason; the running examined → audited amounts follow the rule of
``inspector_app/review/amounts.py``. Keyboard: ↑/↓ move between lines, A accepts the line,
D disallows it (the last violation type is kept: type the reason, Enter saves), P disallows
part of it; Alt+←/→ go to the previous or next sampled claim. Every change is saved at once
on the database worker. What is typed and not saved yet is never overwritten by another
save: a line's pending decision is saved (as Enter does) before moving to another line or
claim or closing, the review note when its editing finishes; what cannot be saved keeps the
worksheet where it is, with the reason. Users who cannot record (social supervisors, a
closed case) read the worksheet under a banner that says why.

The sampling tab opens it with :func:`open_review_worksheet`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from inspector_app.i18n import _, pgettext
from inspector_app.vocabulary import visit_type_label
from local_db.enums import LineDecision, LinkKind, ReviewStatus
from ui import error_report, formatting
from ui.context import ShellContext
from ui.data.review_widgets import ChecksWidget, LineEditor, LineTable, LinkList
from ui.translation import follow_language
from ui.widgets.card import CardWidget
from ui.workers import Operation

if TYPE_CHECKING:
    from inspector_app.casework.links import LinkRef
    from inspector_app.evidence.catalog import EvidenceSummary
    from inspector_app.findings.service import FindingRow
    from inspector_app.review.appraisal import RecordingStanding
    from inspector_app.review.view import WorksheetView
    from inspector_app.sampling.draws import UnitRow

R = TypeVar("R")
FACTS = ("settlement", "visit", "department", "doctor", "dates", "diagnosis",
         "patient", "id_no", "settled", "total", "fund", "stratum")  # fmt: skip
STATUS_STYLE = "border-radius: 4px; padding: 2px 8px; font-weight: 600; color: {}; background: {};"


def _fact_names() -> dict[str, str]:
    return {
        "settlement": _("Settlement no."), "visit": _("Visit type"),
        "department": _("Department"), "doctor": _("Doctor"), "dates": _("Dates"),
        "diagnosis": _("Diagnosis"), "patient": _("Patient"), "id_no": _("ID number"),
        "settled": _("Settled at"), "total": _("Total billed"), "fund": _("Fund paid"),
        "stratum": _("Stratum"),
    }  # fmt: skip


def _fact_values(view: WorksheetView) -> dict[str, str]:
    claim = view.claim
    dates = claim.admission_date
    if claim.discharge_date:
        dates += f" – {claim.discharge_date}"
    sex = {"M": _("male"), "F": _("female")}.get(claim.patient_sex, claim.patient_sex)
    patient = (claim.patient_name, sex, claim.patient_birth_date)
    return {
        "settlement": claim.settlement_no, "visit": visit_type_label(claim.visit_type),
        "department": claim.department, "doctor": claim.doctor_name, "dates": dates,
        "diagnosis": f"{claim.diagnosis_code} {claim.diagnosis_name}".strip(),
        "patient": " · ".join(part for part in patient if part), "id_no": claim.patient_id_no,
        "settled": claim.settled_at.replace("T", " "), "total": formatting.money(claim.total_fen),
        "fund": formatting.money(claim.fund_fen), "stratum": view.stratum or "—",
    }  # fmt: skip


@dataclass(frozen=True)
class _Surroundings:
    """What the worksheet reads besides its view: whether (and why not) the user may
    record, the case's evidence and findings to link, the draw's units for previous / next."""

    standing: RecordingStanding
    evidence: list[EvidenceSummary]
    findings: list[FindingRow]
    units: list[UnitRow]


class ReviewWorksheetDialog(QDialog):
    """The worksheet of one sampled claim (non-modal; each change is saved at once)."""

    def __init__(
        self,
        context: ShellContext,
        *,
        draw_id: str,
        settlement_no: str,
        on_changed: Callable[[], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.draw_id = draw_id
        self.settlement_no = settlement_no
        self.on_changed = on_changed
        self._caller = parent
        self.view: WorksheetView | None = None
        self.around: _Surroundings | None = None
        self.busy = 0
        self.last_violation = ""
        self._generation = 0
        self._showing = False  # the table is refilled: its row changes are not the user's
        self._refused = ""  # why closing was refused last: "invalid" input or a failed "write"
        self.setObjectName("reviewWorksheet")
        self.setMinimumSize(1180, 760)
        self._build()
        self.retranslate()
        follow_language(self, self._language_changed)
        self.load()

    # ------------------------------------------------------------------ layout

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 12)
        layout.setSpacing(8)
        top = QHBoxLayout()
        self.title = QLabel(self)
        self.title.setObjectName("sectionTitle")
        self.status_chip = QLabel(self)
        self.position = QLabel(self)
        self.position.setObjectName("fieldHelp")
        self.previous_button = QPushButton(self)
        self.next_button = QPushButton(self)
        self.previous_button.clicked.connect(lambda: self.step(-1))
        self.next_button.clicked.connect(lambda: self.step(1))
        QShortcut(QKeySequence("Alt+Left"), self, lambda: self.step(-1))
        QShortcut(QKeySequence("Alt+Right"), self, lambda: self.step(1))
        for widget, stretch in ((self.title, 0), (self.status_chip, 0), (self.position, 1),
                                (self.previous_button, 0), (self.next_button, 0)):  # fmt: skip
            top.addWidget(widget, stretch)
        layout.addLayout(top)
        self.banner = QLabel(self)
        self.banner.setObjectName("sealedNote")
        self.banner.setWordWrap(True)
        self.banner.hide()
        layout.addWidget(self.banner)
        layout.addWidget(self._build_header())
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self._build_lines())
        splitter.addWidget(self._build_side())
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([790, 400])
        splitter.setChildrenCollapsible(False)
        layout.addWidget(splitter, 1)
        layout.addLayout(self._build_footer())
        for button in self.findChildren(QPushButton):
            button.setAutoDefault(False)  # Enter saves a line; it must never press a button

    def _build_header(self) -> QWidget:
        frame = QFrame(self)
        frame.setObjectName("card")
        grid = QGridLayout(frame)
        grid.setContentsMargins(14, 10, 14, 10)
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(4)
        self.fact_names: dict[str, QLabel] = {}
        self.facts: dict[str, QLabel] = {}
        for number, key in enumerate(FACTS):
            name, value = QLabel(frame), QLabel(frame)
            name.setObjectName("factLabel")
            value.setObjectName("factValue")
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            row, column = divmod(number, 3)
            grid.addWidget(name, row, 2 * column)
            grid.addWidget(value, row, 2 * column + 1)
            self.fact_names[key], self.facts[key] = name, value
        for column in (1, 3, 5):
            grid.setColumnStretch(column, 1)
        return frame

    def _build_lines(self) -> QWidget:
        panel = QWidget(self)
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(0, 0, 6, 0)
        layout.setSpacing(6)
        heading = QHBoxLayout()
        self.lines_title = QLabel(panel)
        self.lines_title.setObjectName("cardTitle")
        self.keys_help = QLabel(panel)
        self.keys_help.setObjectName("fieldHelp")
        heading.addWidget(self.lines_title)
        heading.addWidget(self.keys_help, 1, Qt.AlignmentFlag.AlignRight)
        layout.addLayout(heading)
        self.lines = LineTable(panel)
        self.editor = LineEditor(panel)
        self.lines.selectionModel().currentRowChanged.connect(self._row_changed)
        self.lines.decision_key.connect(self._decision_key)
        self.lines.row_activated.connect(lambda _row: self.editor.reason.setFocus())
        layout.addWidget(self.lines, 1)
        self.editor.save_requested.connect(self.save_line)
        self.editor.accept_rest_requested.connect(self.accept_remaining)
        QShortcut(QKeySequence("Ctrl+Return"), self.editor, self.save_line)
        layout.addWidget(self.editor)
        return panel

    def _build_side(self) -> QWidget:
        side = QWidget(self)
        layout = QVBoxLayout(side)
        layout.setContentsMargins(6, 0, 0, 0)
        layout.setSpacing(8)
        self.checks = ChecksWidget(side)
        self.checks.answered.connect(self.answer)
        layout.addWidget(self.checks, 1)
        self.links_card = CardWidget(side)
        self.link_lists = {kind: LinkList(kind, self.links_card) for kind in
                           (LinkKind.EVIDENCE, LinkKind.FINDING)}  # fmt: skip
        for kind, listing in self.link_lists.items():
            listing.link_requested.connect(lambda ref, k=kind: self.link(k, ref))
            listing.unlink_requested.connect(lambda ref, k=kind: self.unlink(k, ref))
            self.links_card.content.addWidget(listing)
        layout.addWidget(self.links_card)
        return side

    def _build_footer(self) -> QVBoxLayout:
        footer = QVBoxLayout()
        footer.setSpacing(6)
        self.amounts = QLabel(self)
        self.amounts.setObjectName("reviewAmounts")
        self.amounts.setStyleSheet("font-size: 11pt; font-weight: 600;")
        self.amounts_note = QLabel(self)
        self.amounts_note.setObjectName("fieldHelp")
        self.amounts_note.setWordWrap(True)
        self.error_label = QLabel(self)
        self.error_label.setObjectName("errorText")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.note = QLineEdit(self)
        self.note.setObjectName("reviewNote")
        self.note.setMaxLength(2000)
        self.note.editingFinished.connect(self.save_note)
        self.reopen_button = QPushButton(self)
        self.reopen_button.clicked.connect(self.reopen)
        self.complete_button = QPushButton(self)
        self.complete_button.setObjectName("primaryButton")
        self.complete_button.clicked.connect(self.complete)
        self.close_button = QPushButton(self)
        self.close_button.clicked.connect(self.close)
        for widget in (self.amounts, self.amounts_note, self.error_label):
            footer.addWidget(widget)
        buttons = QHBoxLayout()
        buttons.addWidget(self.note, 1)
        for button in (self.reopen_button, self.complete_button, self.close_button):
            buttons.addWidget(button)
        footer.addLayout(buttons)
        return footer

    def retranslate(self) -> None:
        """Re-read every text."""
        self.setWindowTitle(_("Review worksheet"))
        for key, text in _fact_names().items():
            self.fact_names[key].setText(text)
        self.previous_button.setText(_("◀ Previous claim"))
        self.next_button.setText(_("Next claim ▶"))
        self.keys_help.setText(_("A accept · D disallow · P in part · Enter reason · ↑↓ lines"))
        self.editor.retranslate()
        self.checks.set_title(_("Medical-file checks"))
        self.links_card.set_title(_("Linked evidence and findings"))
        for listing in self.link_lists.values():
            listing.retranslate()
        self.note.setPlaceholderText(_("Note on the review (optional)"))
        self.reopen_button.setText(_("Reopen"))
        self.complete_button.setText(_("Complete review"))
        self.close_button.setText(_("Close"))
        self.lines.retranslate()
        self._render()

    def _language_changed(self) -> None:
        self.retranslate()
        if self.view is not None and not self.busy:
            self.load()  # the checks' titles come from the core, in the active language

    # ------------------------------------------------------------- background

    def _run(
        self, work: Callable[[], R], done: Callable[[R], None], *, label: str, writes: bool = False
    ) -> None:
        """Run ``work`` off the GUI thread. A write still reports to ``on_changed`` when the
        dialog was closed meanwhile: the sampling tab's counts must follow."""

        def succeeded(result: R) -> None:
            if writes and (self._caller is None or shiboken6.isValid(self._caller)):
                self.on_changed()
            if shiboken6.isValid(self):
                self.busy -= 1
                done(result)
                self._enable()

        def failed(error: BaseException) -> None:
            if not shiboken6.isValid(self):
                error_report.log_error(error)
                return
            self.busy -= 1
            self._enable()
            error_report.handle_failure(error, self.show_error)

        self.busy += 1
        self._enable()
        operation: Operation[R] = Operation.of(work, label=label)
        operation.success(succeeded).failure(failed).quietly()
        if not writes:
            operation.owned_by(self)
        operation.run_in_background(self.context.tasks, writes=writes)

    def load(self) -> None:
        """Open the worksheet (a team member's first look starts the review) and read what
        surrounds it."""
        from inspector_app.review import open_worksheet

        profile, draw_id, number = self.context.profile, self.draw_id, self.settlement_no
        self._generation += 1
        generation = self._generation

        def opened(view: WorksheetView) -> None:
            if generation == self._generation:
                self._show(view)
                if self.around is None:
                    self._load_surroundings(view.case_id)

        self._run(
            lambda: open_worksheet(profile, draw_id=draw_id, settlement_no=number),
            opened, label=_("Opening the worksheet"), writes=True,
        )  # fmt: skip

    def _load_surroundings(self, case_id: str) -> None:
        from inspector_app.evidence.catalog import list_evidence
        from inspector_app.findings.service import findings_of_case
        from inspector_app.review.appraisal import recording_standing
        from inspector_app.sampling import draw_units

        profile, draw_id = self.context.profile, self.draw_id

        def work() -> _Surroundings:
            return _Surroundings(
                standing=recording_standing(profile, draw_id),
                evidence=list_evidence(profile=profile, case_id=case_id),
                findings=findings_of_case(profile=profile, case_id=case_id),
                units=draw_units(profile, draw_id),
            )

        def show(around: _Surroundings) -> None:
            self.around = around
            self._render()

        self._run(work, show, label=_("Reading the case's evidence and findings"))

    def _write(
        self, work: Callable[[], WorksheetView], label: str, then: Callable[[], None] | None = None
    ) -> None:
        def done(view: WorksheetView) -> None:
            self._refused = ""
            self._show(view)
            if then is not None:
                then()

        self.show_error("")
        self._run(work, done, label=label, writes=True)

    # --------------------------------------------------------------- showing

    def _show(self, view: WorksheetView) -> None:
        """Show ``view``; a note or line decision typed and not saved yet stays as typed."""
        current = self.lines.current_row()
        same_claim = self.view is not None and self.view.claim.settlement_no == (
            view.claim.settlement_no
        )
        if not (same_claim and self.note_dirty()):
            self.note.setText(view.note)
        self.view = view
        self.settlement_no = view.claim.settlement_no
        self._showing = True
        try:
            self.lines.set_rows(view.lines)
            if current is not None and any(line.line_no == current.line_no for line in view.lines):
                self.lines.select_line(current.line_no)
            else:
                self.lines.select_first()
        finally:
            self._showing = False
        row = self.lines.current_row()
        if row is not None and same_claim:
            self.editor.update_line(row)
        else:
            self.editor.show_line(row)
        self._render()

    def _render(self) -> None:
        view = self.view
        self.title.setText(_("Claim {number}").format(number=self.settlement_no))
        if view is None:
            self.amounts.setText(_("Opening the worksheet…"))
            self._enable()
            return
        text, colour, background = {
            None: (pgettext("review status", "Not started"), "#33475b", "#e8edf4"),
            ReviewStatus.IN_PROGRESS: (
                pgettext("review status", "In progress"), "#7a5b00", "#fff3cd"),
            ReviewStatus.DONE: (pgettext("review status", "Completed"), "#1e6b34", "#e3f3e6"),
        }[view.status]  # fmt: skip
        self.status_chip.setText(text)
        self.status_chip.setStyleSheet(STATUS_STYLE.format(colour, background))
        total = len(self.around.units) if self.around is not None else 0
        self.position.setText(
            _("Sampled claim {position} of {total}").format(
                position=view.position, total=total or "…"
            )
        )
        for key, value in _fact_values(view).items():
            self.facts[key].setText(value)
        decided = sum(1 for line in view.lines if line.decided)
        self.lines_title.setText(
            _("Lines ({decided} of {total} decided)").format(decided=decided, total=len(view.lines))
        )
        self.amounts.setText(
            _("Examined {examined} → audited {audited} · difference {difference}").format(
                examined=formatting.money(view.examined_fen),
                audited=formatting.money(view.audited_fen),
                difference=formatting.money(view.examined_fen - view.audited_fen),
            )
        )
        self.amounts_note.setText(
            _(
                "Examined is what the fund paid for the claim. Disallowed billed amounts "
                "{disallowed}; the fund's part of them, {share}, is taken pro rata over the "
                "covered lines (class C, 丙类, excluded)."
            ).format(
                disallowed=formatting.money(view.disallowed_fen),
                share=formatting.money(view.disallowed_fund_fen),
            )
        )
        self.checks.show_checks(view.checks)
        self._render_banner(view)
        self._render_links(view)
        self._enable()

    def _render_banner(self, view: WorksheetView) -> None:
        text = ""
        if not view.can_record:
            reason = self.around.standing.reason if self.around is not None else ""
            text = _("Read only: {reason}").format(
                reason=reason or _("your role or the case's status does not allow changes.")
            )
        elif view.status is ReviewStatus.DONE:
            text = _(
                "This review is completed and counts for the extrapolation. Reopen it to "
                "change a decision."
            )
        self.banner.setText(text)
        self.banner.setVisible(bool(text))

    def _render_links(self, view: WorksheetView) -> None:
        around = self.around
        evidence = {
            e.id: e.caption or e.original_name or e.id
            for e in (around.evidence if around is not None else [])
            if not e.withdrawn or e.id in view.evidence_ids
        }
        findings = {
            f.id: f"{f.title} · {formatting.money(f.amount_fen)}"
            for f in (around.findings if around is not None else [])
            if not f.withdrawn or f.id in view.finding_ids
        }
        self.link_lists[LinkKind.EVIDENCE].show_links(view.evidence_ids, evidence)
        self.link_lists[LinkKind.FINDING].show_links(view.finding_ids, findings)

    # -------------------------------------------------------------- line edits

    def note_dirty(self) -> bool:
        """Whether the review note differs from the saved one."""
        view = self.view
        return view is not None and self.note.text().strip() != view.note.strip()

    def line_dirty(self) -> bool:
        """Whether the line editor holds a decision not saved yet."""
        return self._editable() and self.editor.is_dirty()

    def _row_changed(self, *_args: object) -> None:
        """Another line was chosen: save the pending decision of the one left first (as
        Enter does); when it cannot be saved, stay on it and say why."""
        if self._showing:
            return
        row, left = self.lines.current_row(), self.editor.line
        if left is None or row is None or row.line_no == left.line_no or not self.line_dirty():
            self.editor.show_line(row)
            return
        self._showing = True
        try:
            self.lines.select_line(left.line_no)
        finally:
            self._showing = False
        target = row.line_no
        self._flush(lambda: self.lines.select_line(target), note=False)

    def _flush(self, then: Callable[[], None], *, note: bool) -> bool:
        """Save the pending line decision (and with ``note`` the review note) in one write,
        then call ``then``; at once when nothing is pending. False (and the reason shown)
        when the pending decision cannot be saved."""
        from inspector_app.review import decide_line, set_review_note, worksheet

        view, line = self.view, self.editor.line
        pending_line = self.line_dirty() and line is not None
        pending_note = note and self._editable() and self.note_dirty()
        if view is None or view.review_id is None or not (pending_line or pending_note):
            then()
            return True
        decision: tuple[LineDecision, int | None, str, str] | None = None
        if pending_line and line is not None:
            try:
                decision = self.editor.decision()
            except ValueError as exc:
                self.show_error(
                    _("Line {number} is not saved: {reason}").format(
                        number=line.line_no, reason=exc
                    )
                )
                self.lines.setFocus()
                return False
        profile, review_id, text = self.context.profile, view.review_id, self.note.text()
        line_no = line.line_no if line is not None else 0
        if decision is not None and decision[2]:
            self.last_violation = decision[2]

        def work() -> WorksheetView:
            result: WorksheetView | None = None
            if decision is not None:
                chosen, amount, code, reason = decision
                result = decide_line(
                    profile, review_id=review_id, line_no=line_no, decision=chosen,
                    disallowed_fen=amount, violation_code=code, reason=reason,
                )  # fmt: skip
            if pending_note:
                result = set_review_note(profile, review_id=review_id, note=text)
            return result if result is not None else worksheet(profile, review_id=review_id)

        self._write(work, _("Saving the line decision"), then)
        return True

    def save_note(self) -> None:
        """Save the review note when its editing finished (Enter, or the focus left it)."""
        from inspector_app.review import set_review_note

        view = self.view
        if view is None or view.review_id is None or not self._editable():
            return
        if not self.note_dirty():
            return
        profile, review_id, text = self.context.profile, view.review_id, self.note.text()
        self._write(
            lambda: set_review_note(profile, review_id=review_id, note=text),
            _("Saving the note"),
        )

    def _decision_key(self, key: str) -> None:
        if self.lines.current_row() is None or self.busy or not self._editable():
            return
        if key == "a":
            self.editor.choose(LineDecision.ACCEPTED)
            self.save_line()
            return
        partly = key == "p"
        self.editor.choose(LineDecision.PARTLY_DISALLOWED if partly else LineDecision.DISALLOWED)
        if not self.editor.violation_code() and self.last_violation:
            self.editor.set_violation(self.last_violation)
        if partly:
            self.editor.amount.setFocus()
            self.editor.amount.selectAll()
        elif not self.editor.violation_code():
            self.editor.violation.setFocus()
        else:
            self.editor.reason.setFocus()

    def save_line(self) -> None:
        """Save the editor's decision for the current line, then go to the next line."""
        from inspector_app.review import decide_line

        view, line = self.view, self.lines.current_row()
        if view is None or line is None or view.review_id is None or self.busy:
            return
        if not self._editable():
            return
        try:
            decision, amount, code, reason = self.editor.decision()
        except ValueError as exc:
            self.show_error(str(exc))
            return
        if code:
            self.last_violation = code
        profile, review_id, line_no = self.context.profile, view.review_id, line.line_no

        def work() -> WorksheetView:
            return decide_line(
                profile, review_id=review_id, line_no=line_no, decision=decision,
                disallowed_fen=amount, violation_code=code, reason=reason,
            )  # fmt: skip

        def then() -> None:
            self.lines.move_down()
            self.lines.setFocus()

        self._write(work, _("Saving the line decision"), then)

    def accept_remaining(self) -> None:
        """Accept every line not decided yet (one write)."""
        from inspector_app.review import decide_line, worksheet

        view = self.view
        if view is None or view.review_id is None or self.busy or not self._editable():
            return
        if self.line_dirty():
            self._flush(self.accept_remaining, note=False)  # the pending line as typed first
            return
        profile, review_id = self.context.profile, view.review_id
        numbers = [line.line_no for line in view.lines if not line.decided]

        def work() -> WorksheetView:
            for number in numbers:
                decide_line(
                    profile, review_id=review_id, line_no=number, decision=LineDecision.ACCEPTED
                )
            return worksheet(profile, review_id=review_id)

        self._write(work, _("Accepting the open lines"))

    # -------------------------------------------------------- checks and links

    def answer(self, key: str, answer: str) -> None:
        """Record ``answer`` (``""`` clears) to medical-file check ``key``."""
        from inspector_app.review import set_checks

        view = self.view
        if view is None or view.review_id is None or self.busy or not self._editable():
            return
        profile, review_id = self.context.profile, view.review_id
        self._write(
            lambda: set_checks(profile, review_id=review_id, answers={key: answer}),
            _("Saving the check"),
        )

    def _target(self, kind: LinkKind, ref: str) -> tuple[str, LinkRef] | None:
        from inspector_app.casework.links import LinkRef

        view = self.view
        if view is None or view.review_id is None or self.busy or not view.can_record:
            return None
        return view.review_id, LinkRef(kind, ref)

    def link(self, kind: LinkKind, ref: str) -> None:
        """Link evidence item or finding ``ref`` of the case to the review."""
        from inspector_app.review import link_review

        target = self._target(kind, ref)
        if target is not None:
            profile, (review_id, linked) = self.context.profile, target
            self._write(lambda: link_review(profile, review_id=review_id, target=linked),
                        _("Linking"))  # fmt: skip

    def unlink(self, kind: LinkKind, ref: str) -> None:
        """Remove a link (a finding that rests on the claim itself stays linked)."""
        from inspector_app.review import unlink_review

        target = self._target(kind, ref)
        if target is None:
            return
        profile, (review_id, linked) = self.context.profile, target

        def explain() -> None:
            view = self.view
            if view is not None and ref in view.finding_ids:
                self.show_error(
                    _("This finding rests on the claim itself; change that in the finding.")
                )

        self._write(lambda: unlink_review(profile, review_id=review_id, target=linked),
                    _("Removing the link"), explain)  # fmt: skip

    # ------------------------------------------------------ complete, reopen

    def complete(self) -> None:
        """Check every line is decided and every disallowance explained, then complete."""
        from inspector_app.review import complete_review

        view = self.view
        if view is None or view.review_id is None or self.busy or not self._editable():
            return
        if self.line_dirty():
            self._flush(self.complete, note=False)  # the pending line as typed first
            return
        open_lines = [line for line in view.lines if not line.decided]
        unexplained = [
            line for line in view.lines
            if line.decision is not LineDecision.ACCEPTED and not line.reason.strip()
        ]  # fmt: skip
        if open_lines or unexplained:
            first = (open_lines or unexplained)[0]
            numbers = ", ".join(str(line.line_no) for line in (open_lines or unexplained)[:8])
            self.show_error(
                _("Decide every line first; still open: line {lines}.").format(lines=numbers)
                if open_lines
                else _("Give the reason for disallowing line {lines}.").format(lines=numbers)
            )
            self.lines.select_line(first.line_no)
            (self.lines if open_lines else self.editor.reason).setFocus()
            return
        profile, review_id, note = self.context.profile, view.review_id, self.note.text()
        self._write(lambda: complete_review(profile, review_id=review_id, note=note),
                    _("Completing the review"))  # fmt: skip

    def reopen(self) -> None:
        """Put the completed review back in progress."""
        from inspector_app.review import reopen_review

        view = self.view
        if view is None or view.review_id is None or view.status is not ReviewStatus.DONE:
            return
        profile, review_id = self.context.profile, view.review_id
        self._write(lambda: reopen_review(profile, review_id=review_id), _("Reopening the review"))

    def step(self, offset: int) -> None:
        """Go to the previous (-1) or next (+1) sampled claim of the draw."""
        numbers = [unit.settlement_no for unit in (self.around.units if self.around else [])]
        if self.busy or self.settlement_no not in numbers:
            return
        index = numbers.index(self.settlement_no) + offset
        if not 0 <= index < len(numbers):
            return
        if self.line_dirty() or (self._editable() and self.note_dirty()):
            self._flush(lambda: self.step(offset), note=True)  # what was typed goes along
            return
        self.settlement_no = numbers[index]
        self.view = None
        self._showing = True
        try:
            self.lines.set_rows([])
        finally:
            self._showing = False
        self.editor.show_line(None)
        self.note.clear()
        self.show_error("")
        self._render()
        self.load()

    def done(self, result: int) -> None:
        """Close, saving what was typed first; when it cannot be saved, stay open and say
        why (closing again then discards it)."""
        pending = self.line_dirty() or (self._editable() and self.note_dirty())
        if not pending or self.busy or self._refused == "write" or self.context.tasks.is_shut_down:
            super().done(result)
            return
        if self._refused == "invalid" and not self._line_valid():
            super().done(result)  # asked twice: the user means to discard it
            return
        if self._flush(lambda: self.done(result), note=True):
            self._refused = "write"  # reset when the write succeeds
            return
        self._refused = "invalid"
        self.show_error(self.error_label.text() + " " + _("Close again to discard it."))

    def _line_valid(self) -> bool:
        if not self.line_dirty():
            return True
        try:
            self.editor.decision()
        except ValueError:
            return False
        return True

    # ---------------------------------------------------------------- state

    def _editable(self) -> bool:
        view = self.view
        return (
            view is not None
            and view.can_record
            and view.review_id is not None
            and view.status is not ReviewStatus.DONE
        )

    def _enable(self) -> None:
        view, idle = self.view, self.busy == 0
        editable = self._editable() and idle
        self.editor.set_editable(editable)
        self.keys_help.setVisible(self._editable())
        self.checks.set_editable(editable)
        self.complete_button.setEnabled(editable)
        self.note.setEnabled(self._editable())  # typing on while a save runs loses nothing
        linkable = idle and view is not None and view.can_record and view.review_id is not None
        for listing in self.link_lists.values():
            listing.set_editable(linkable)
        self.reopen_button.setVisible(view is not None and view.status is ReviewStatus.DONE)
        self.reopen_button.setEnabled(idle and view is not None and view.can_record)
        self.complete_button.setVisible(view is None or view.status is not ReviewStatus.DONE)
        numbers = [unit.settlement_no for unit in (self.around.units if self.around else [])]
        where = numbers.index(self.settlement_no) if self.settlement_no in numbers else -1
        self.previous_button.setEnabled(idle and where > 0)
        self.next_button.setEnabled(idle and 0 <= where < len(numbers) - 1)

    def show_error(self, message: str) -> None:
        """Show ``message`` above the buttons (empty hides it)."""
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))


def open_review_worksheet(
    parent: QWidget,
    context: ShellContext,
    *,
    draw_id: str,
    settlement_no: str,
    on_changed: Callable[[], None],
) -> None:
    """Open the worksheet of one sampled claim (non-modal; deleted when closed).

    ``on_changed`` is called after each saved change, so the caller can refresh its counts.
    """
    dialog = ReviewWorksheetDialog(
        context, draw_id=draw_id, settlement_no=settlement_no, on_changed=on_changed,
        parent=parent,
    )  # fmt: skip
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
