"""The finding editor: violation type, what was found, the amount, handling and what it rests on.

Left, the catalogue as a searchable tree grouped by article (Art. 38, 39, 40, 41, data
quality), with the chosen type's article, description and consequence; fraud (Art. 40) is
marked apart from irregular use (Art. 38). Right, the finding itself. Data is read and saved
in the background; an error the user can fix is shown in the dialog, which stays open.

:meth:`FindingEditorDialog.for_checklist_item` is the checklist's "make a finding" action: it
creates the draft from the item first (``finding_from_checklist_item``) and then edits it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from inspector_app.findings.amounts import format_amount_input, parse_amount
from inspector_app.findings.catalogue import Catalogue, ViolationType, group_label
from inspector_app.i18n import _, pgettext
from inspector_app.vocabulary import finding_status_label, handling_label
from local_db.enums import FindingStatus, Handling
from ui import error_report, formatting
from ui.context import ShellContext
from ui.dialogs.finding_links import FindingLinksWidget
from ui.workers import Operation

R = TypeVar("R")
CODE_ROLE = Qt.ItemDataRole.UserRole + 1
FRAUD_COLOUR = QColor("#9b1c1c")
MUTED_COLOUR = QColor("#5f6b7a")
BADGE_STYLE = (
    "border-radius: 4px; padding: 2px 8px; font-weight: 600; color: {fg}; background: {bg};"
)


class FindingEditorDialog(QDialog):
    """Create or edit one finding of a case."""

    saved = Signal(str)

    def __init__(
        self,
        context: ShellContext,
        case_id: str,
        finding_id: str | None = None,
        parent: QWidget | None = None,
        *,
        from_item: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.case_id = case_id
        self.finding_id = finding_id
        self.item_code = from_item
        self.loaded = False
        self.saving = False
        self.catalogue: Catalogue | None = None
        self.original_code = ""
        self.original_legal_basis = ""
        self._handling_touched = False
        self.setObjectName("findingEditor")
        self.setMinimumSize(1040, 700)
        self._build()
        self.retranslate()
        self._set_enabled(False)
        if finding_id is not None or not self._pending_creation():
            self._load()

    # ----------------------------------------------------------------- set-up

    @classmethod
    def for_checklist_item(
        cls,
        context: ShellContext,
        case_id: str,
        item_code: str,
        parent: QWidget | None = None,
    ) -> FindingEditorDialog:
        """An editor on the finding made from checklist item ``item_code`` (made on open).

        If a finding already rests on that item, the editor opens it instead of a new one.
        """
        return cls(context, case_id, None, parent, from_item=item_code)

    def _pending_creation(self) -> bool:
        item_code = self.item_code
        if item_code is None:
            return False
        from inspector_app.findings.service import finding_from_checklist_item

        profile, case_id = self.context.profile, self.case_id

        def made(finding_id: str) -> None:
            self.finding_id = finding_id
            self.saved.emit(finding_id)
            self._load()

        self._run(
            lambda: finding_from_checklist_item(
                profile=profile, case_id=case_id, item_code=item_code
            ),
            made,
            label=_("Making a finding from the checklist item"),
            writes=True,
        )
        return True

    def _build(self) -> None:
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self._build_picker())
        splitter.addWidget(self._build_form())
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([400, 640])
        splitter.setChildrenCollapsible(False)
        self.error_label = QLabel(self)
        self.error_label.setObjectName("errorText")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.cancel_button = QPushButton(self)
        self.cancel_button.clicked.connect(self.reject)
        self.save_button = QPushButton(self)
        self.save_button.setObjectName("saveFinding")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 14)
        layout.setSpacing(10)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.error_label)
        layout.addLayout(buttons)

    def _build_picker(self) -> QWidget:
        self.search = QLineEdit(self)
        self.search.setObjectName("violationSearch")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._filter)
        self.picker = QTreeWidget(self)
        self.picker.setObjectName("violationPicker")
        self.picker.setHeaderHidden(True)
        self.picker.setRootIsDecorated(True)
        self.picker.setUniformRowHeights(False)
        self.picker.setWordWrap(True)
        self.picker.setIndentation(14)
        self.picker.currentItemChanged.connect(self._picked)
        self.badge = QLabel(self)
        self.badge.setObjectName("violationBadge")
        self.type_title = QLabel(self)
        self.type_title.setObjectName("sectionTitle")
        self.type_title.setWordWrap(True)
        self.type_article = QLabel(self)
        self.type_article.setObjectName("fieldHelp")
        self.type_article.setWordWrap(True)
        self.type_description = QLabel(self)
        self.type_description.setWordWrap(True)
        self.consequence_label = QLabel(self)
        self.consequence_label.setObjectName("factLabel")
        self.type_consequence = QLabel(self)
        self.type_consequence.setWordWrap(True)
        info = QFrame(self)
        info.setObjectName("card")
        info_layout = QVBoxLayout(info)
        info_layout.setContentsMargins(12, 10, 12, 10)
        info_layout.setSpacing(4)
        badge_row = QHBoxLayout()
        badge_row.addWidget(self.badge)
        badge_row.addStretch(1)
        info_layout.addLayout(badge_row)
        for widget in (
            self.type_title,
            self.type_article,
            self.type_description,
            self.consequence_label,
            self.type_consequence,
        ):
            info_layout.addWidget(widget)
        self.picker_label = QLabel(self)
        self.picker_label.setObjectName("cardTitle")
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 8, 0)
        left_layout.setSpacing(8)
        left_layout.addWidget(self.picker_label)
        left_layout.addWidget(self.search)
        left_layout.addWidget(self.picker, 3)
        left_layout.addWidget(info, 2)
        return left

    def _build_form(self) -> QWidget:
        self.title_edit = QLineEdit(self)
        self.title_edit.setObjectName("findingTitle")
        self.title_edit.setMaxLength(256)
        self.description = QPlainTextEdit(self)
        self.description.setObjectName("findingDescription")
        self.description.setTabChangesFocus(True)
        self.description.setMinimumHeight(90)
        self.amount = QLineEdit(self)
        self.amount.setObjectName("findingAmount")
        self.amount.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.amount.setMaximumWidth(200)
        self.amount.textChanged.connect(self._amount_changed)
        self.amount.editingFinished.connect(self._amount_finished)
        self.amount_shown = QLabel(self)
        self.amount_shown.setObjectName("fieldHelp")
        amount_row = QHBoxLayout()
        amount_row.setSpacing(12)
        amount_row.addWidget(self.amount)
        amount_row.addWidget(self.amount_shown, 1)
        self.status = QComboBox(self)
        self.status.setObjectName("findingStatus")
        self.handling_boxes: dict[Handling, QCheckBox] = {}
        handling_grid = QGridLayout()
        handling_grid.setHorizontalSpacing(16)
        handling_grid.setVerticalSpacing(4)
        for number, value in enumerate(Handling):
            box = QCheckBox(self)
            box.setObjectName(f"handling_{value.value}")
            box.clicked.connect(self._handling_clicked)
            self.handling_boxes[value] = box
            handling_grid.addWidget(box, number // 2, number % 2)
        self.legal_basis = QLabel(self)
        self.legal_basis.setObjectName("findingLegalBasis")
        self.legal_basis.setWordWrap(True)
        self.legal_basis.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.links = FindingLinksWidget(self)
        self.form = QFormLayout()
        self.form.setVerticalSpacing(8)
        self.form.setHorizontalSpacing(14)
        self.form_labels = [QLabel(self) for _ in range(7)]
        rows: list[Any] = [
            self.title_edit,
            self.description,
            amount_row,
            self.status,
            handling_grid,
            self.legal_basis,
            self.links,
        ]
        for label, field in zip(self.form_labels, rows, strict=True):
            self.form.addRow(label, field)
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(8, 0, 0, 0)
        self.finding_label = QLabel(self)
        self.finding_label.setObjectName("cardTitle")
        right_layout.addWidget(self.finding_label)
        right_layout.addLayout(self.form, 1)
        return right

    def retranslate(self) -> None:
        """Re-read every text."""
        if self.finding_id is None and self.item_code is None:
            self.setWindowTitle(_("New finding"))
        else:
            self.setWindowTitle(_("Edit finding"))
        self.picker_label.setText(_("Violation type"))
        self.finding_label.setText(_("Finding"))
        self.search.setPlaceholderText(_("Search by article, code or words…"))
        self.consequence_label.setText(_("Consequence under the regulation"))
        for label, text in zip(
            self.form_labels,
            (
                _("Title"),
                _("Description"),
                _("Amount involved (¥)"),
                _("Status"),
                _("Proposed handling"),
                _("Legal basis"),
                _("Rests on"),
            ),
            strict=True,
        ):
            label.setText(text)
        self.title_edit.setPlaceholderText(_("What was found, in one line"))
        self.description.setPlaceholderText(
            _("The facts: which records, which period, how the amount was counted.")
        )
        self.amount.setPlaceholderText("0.00")
        for value, box in self.handling_boxes.items():
            box.setText(handling_label(value))
        self.links.retranslate()
        self.cancel_button.setText(_("Cancel"))
        self.save_button.setText(_("Save"))
        self._fill_statuses()
        self._amount_changed(self.amount.text())

    def _fill_statuses(self, current: str | None = None) -> None:
        """Offer the statuses; ``current`` (default: the one chosen now) stays selected."""
        if current is None:
            current = self.status.currentData()
        self.status.clear()
        for value in FindingStatus:
            if value is FindingStatus.WITHDRAWN and current != value.value:
                continue  # withdrawing is its own action, with a reason
            self.status.addItem(finding_status_label(value), value.value)
        self.status.setCurrentIndex(max(0, self.status.findData(current or "draft")))

    # ------------------------------------------------------------- background

    def _run(
        self,
        work: Callable[[], R],
        done: Callable[[R], None],
        *,
        label: str,
        writes: bool = False,
    ) -> None:
        operation: Operation[Any] = Operation.of(work, label=label)
        operation.success(done).failure(self._failed).owned_by(self).quietly()
        operation.run_in_background(self.context.tasks, writes=writes)

    def _failed(self, error: BaseException) -> None:
        self.saving = False
        self._set_enabled(self.loaded)
        error_report.handle_failure(error, self.show_error)

    def _load(self) -> None:
        from inspector_app.findings.catalogue import catalogue
        from inspector_app.findings.service import finding_detail, link_choices

        profile, case_id, finding_id = self.context.profile, self.case_id, self.finding_id

        def work() -> tuple[Any, ...]:
            row = finding_detail(profile=profile, finding_id=finding_id) if finding_id else None
            return catalogue(), row, link_choices(profile=profile, case_id=case_id)

        self._run(work, self._show, label=_("Loading the finding"))

    def _show(self, data: tuple[Any, ...]) -> None:
        self.catalogue, row, choices = data
        self._fill_picker()
        self.links.set_choices(choices, row.links if row is not None else None)
        if row is not None:
            self.original_code = row.violation_code
            self.original_legal_basis = row.legal_basis
            self.title_edit.setText(row.title)
            self.description.setPlainText(row.description)
            self.amount.setText(format_amount_input(row.amount_fen) if row.amount_fen else "")
            # A withdrawn finding's status is offered only while it is the finding's own.
            self._fill_statuses(row.status.value)
            self.select_violation(row.violation_code, keep_handling=True)
            for value, box in self.handling_boxes.items():
                box.setChecked(value in row.handling)
        else:
            self.select_violation("art38.7")
        self.loaded = True
        self._set_enabled(True)
        self._update_handling_enabled()
        self.title_edit.setFocus()

    # ---------------------------------------------------------------- picker

    def _fill_picker(self) -> None:
        assert self.catalogue is not None
        self.picker.clear()
        bold = QFont(self.font())
        bold.setWeight(QFont.Weight.DemiBold)
        for group, entries in self.catalogue.grouped():
            parent = QTreeWidgetItem([group_label(group)])
            parent.setFlags(Qt.ItemFlag.ItemIsEnabled)
            parent.setFont(0, bold)
            if group == "fraud":
                parent.setForeground(0, QBrush(FRAUD_COLOUR))
            self.picker.addTopLevelItem(parent)
            for entry in entries:
                child = QTreeWidgetItem([entry.label()])
                child.setData(0, CODE_ROLE, entry.code)
                child.setToolTip(0, entry.description())
                if entry.is_fraud:
                    child.setForeground(0, QBrush(FRAUD_COLOUR))
                elif not entry.is_violation:
                    child.setForeground(0, QBrush(MUTED_COLOUR))
                parent.addChild(child)
            parent.setExpanded(True)

    def _groups(self) -> list[tuple[QTreeWidgetItem, list[QTreeWidgetItem]]]:
        groups = []
        for number in range(self.picker.topLevelItemCount()):
            parent = self.picker.topLevelItem(number)
            if parent is None:
                continue
            children = [parent.child(index) for index in range(parent.childCount())]
            groups.append((parent, [child for child in children if child is not None]))
        return groups

    def _filter(self, text: str) -> None:
        needle = text.strip().casefold()
        for parent, children in self._groups():
            visible = 0
            for child in children:
                entry = self._entry(child)
                haystack = "" if entry is None else _search_text(entry)
                hidden = bool(needle) and needle not in haystack
                child.setHidden(hidden)
                visible += not hidden
            parent.setHidden(visible == 0)

    def _entry(self, item: QTreeWidgetItem | None) -> ViolationType | None:
        if item is None or self.catalogue is None:
            return None
        code = item.data(0, CODE_ROLE)
        return self.catalogue.get(code) if isinstance(code, str) else None

    def select_violation(self, code: str, *, keep_handling: bool = False) -> bool:
        """Choose violation type ``code`` in the picker; False when it is not listed."""
        for _parent, children in self._groups():
            for child in children:
                if child.data(0, CODE_ROLE) == code:
                    touched = self._handling_touched
                    self._handling_touched = keep_handling or touched
                    self.picker.setCurrentItem(child)
                    self._handling_touched = touched
                    return True
        return False

    def violation_code(self) -> str | None:
        """The chosen violation type's code."""
        entry = self._entry(self.picker.currentItem())
        return entry.code if entry is not None else None

    def _picked(self, item: QTreeWidgetItem | None, _previous: object = None) -> None:
        entry = self._entry(item)
        if entry is None:
            return
        self.type_title.setText(entry.title())
        ref = entry.article_ref
        from inspector_app.legal import format_article

        self.type_article.setText(format_article(ref) if ref is not None else "")
        self.type_article.setVisible(ref is not None)
        self.type_description.setText(entry.description())
        self.type_consequence.setText(entry.consequence())
        if entry.is_fraud:
            text = pgettext("violation badge", "Fraud · Art. 40")
            style = BADGE_STYLE.format(fg="#ffffff", bg="#9b1c1c")
        elif not entry.is_violation:
            text = pgettext("violation badge", "Not a violation")
            style = BADGE_STYLE.format(fg="#33475b", bg="#e8edf4")
        elif entry.group == "irregular_use":
            text = pgettext("violation badge", "Irregular use · Art. 38")
            style = BADGE_STYLE.format(fg="#7a5b00", bg="#fff3cd")
        else:
            text = group_label(entry.group)
            style = BADGE_STYLE.format(fg="#1d4f91", bg="#e3ecf8")
        self.badge.setText(text)
        self.badge.setStyleSheet(style)
        if not self._handling_touched:
            for value, box in self.handling_boxes.items():
                box.setChecked(value in entry.handling)
        self._update_handling_enabled()
        self._show_legal_basis(entry.code)

    def _show_legal_basis(self, code: str) -> None:
        from inspector_app.findings.catalogue import legal_basis_renderings
        from inspector_app.findings.service import LEGAL_BASIS_SEPARATOR, compose_legal_basis

        # The stored text may be in the other language: drop the old type's article in any.
        previous = legal_basis_renderings(self.original_code) if self.original_code else set()
        kept = [
            part
            for part in self.original_legal_basis.split(LEGAL_BASIS_SEPARATOR)
            if part and part not in previous
        ]
        text = compose_legal_basis(code, kept)
        self.legal_basis.setText(
            text.replace(LEGAL_BASIS_SEPARATOR, "\n")
            or _("None: a data-quality outcome is not a violation.")
        )

    def _handling_clicked(self) -> None:
        self._handling_touched = True

    def _update_handling_enabled(self) -> None:
        entry = self._entry(self.picker.currentItem())
        allowed = entry is None or entry.is_violation
        for box in self.handling_boxes.values():
            if not allowed:
                box.setChecked(False)  # data quality proposes no handling
            box.setEnabled(allowed and self.loaded and not self.saving)

    # ---------------------------------------------------------------- amount

    def _amount_changed(self, text: str) -> None:
        try:
            fen = parse_amount(text)
        except ValueError as exc:
            self.amount_shown.setText(str(exc))
            self.amount_shown.setStyleSheet("color: #b3261e;")
            return
        self.amount_shown.setStyleSheet("")
        self.amount_shown.setText(formatting.money(fen) if text.strip() else "")

    def _amount_finished(self) -> None:
        try:
            fen = parse_amount(self.amount.text())
        except ValueError:
            return
        if self.amount.text().strip():
            self.amount.setText(format_amount_input(fen))

    # ------------------------------------------------------------------ save

    def _set_enabled(self, enabled: bool) -> None:
        for widget in (
            self.picker,
            self.search,
            self.title_edit,
            self.description,
            self.amount,
            self.status,
            self.links,
            self.save_button,
        ):
            widget.setEnabled(enabled and not self.saving)
        for box in self.handling_boxes.values():
            box.setEnabled(False)
        if enabled and not self.saving:
            self._update_handling_enabled()

    def show_error(self, message: str) -> None:
        """Show ``message`` above the buttons (empty hides it)."""
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))

    def save(self) -> None:
        """Validate and save in the background; the dialog closes when the write succeeded."""
        if not self.loaded or self.saving:
            return
        code = self.violation_code()
        if code is None:
            self.show_error(_("Choose a violation type."))
            self.picker.setFocus()
            return
        title = self.title_edit.text().strip()
        if not title:
            self.show_error(_("A finding needs a title."))
            self.title_edit.setFocus()
            return
        try:
            amount_fen = parse_amount(self.amount.text())
        except ValueError as exc:
            self.show_error(str(exc))
            self.amount.setFocus()
            return
        handling = [value for value, box in self.handling_boxes.items() if box.isChecked()]
        status = FindingStatus(str(self.status.currentData()))
        links = self.links.selected()
        description = self.description.toPlainText()
        profile, case_id, finding_id = self.context.profile, self.case_id, self.finding_id
        from inspector_app.findings.service import create_finding, update_finding

        def work() -> str:
            if finding_id is None:
                return create_finding(
                    profile=profile,
                    case_id=case_id,
                    violation_code=code,
                    title=title,
                    description=description,
                    amount_fen=amount_fen,
                    handling=handling,
                    status=status,
                    links=links,
                )
            update_finding(
                profile=profile,
                finding_id=finding_id,
                violation_code=code,
                title=title,
                description=description,
                amount_fen=amount_fen,
                handling=handling,
                status=status,
                links=links,
            )
            return finding_id

        self.show_error("")
        self.saving = True
        self._set_enabled(False)
        self._run(work, self._saved, label=_("Saving the finding"), writes=True)

    def _saved(self, finding_id: str) -> None:
        self.saving = False
        self.finding_id = finding_id
        self.saved.emit(finding_id)
        self.accept()


def _search_text(entry: ViolationType) -> str:
    parts = [entry.code, entry.label(), *entry.titles.values(), *entry.descriptions.values()]
    return " ".join(parts).casefold()
