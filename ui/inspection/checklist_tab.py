"""检查清单 Checklist tab: answer a case's pinned checklist quickly, from the keyboard.

Without a case file the tab explains that the case opens on arrival; without a pinned
checklist it offers the templates (the institution's general one preselected). Otherwise a
tree of sections and items (left) and the chosen item in full (right). Keys in the tree:
1 compliant, 2 non-compliant, 3 not applicable, 0 not checked, then the next shown item is
selected; N writes a note. An answer shows at once (the view is recomputed locally by the
core's :meth:`ChecklistView.with_answer`) and the write runs on the DB worker; the service's
view replaces the local one once no write is pending, so typing 1, 1, 1… never waits.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from inspector_app.i18n import _, ngettext
from local_db.enums import ChecklistAnswer
from ui.context import ShellContext
from ui.icons import icon
from ui.inspection.case_tab import CaseTab
from ui.inspection.checklist_detail import ChecklistDetailWidget
from ui.inspection.checklist_model import ChecklistFilterModel, ChecklistTreeModel
from ui.widgets.empty_state import EmptyStateWidget

if TYPE_CHECKING:
    from inspector_app.checklists.diff import TemplateDiff
    from inspector_app.checklists.view import ChecklistView, TemplateChoice

ANSWER_KEYS = {
    Qt.Key.Key_1: ChecklistAnswer.COMPLIANT,
    Qt.Key.Key_2: ChecklistAnswer.NON_COMPLIANT,
    Qt.Key.Key_3: ChecklistAnswer.NOT_APPLICABLE,
    Qt.Key.Key_0: ChecklistAnswer.UNCHECKED,
}


def describe_diff(diff: TemplateDiff) -> str:
    """The changes of a template move, one line per item, for the confirmation."""
    lines = [
        _("Added: {codes}").format(codes=", ".join(diff.added)) if diff.added else "",
        _("Removed (answers kept as retired): {codes}").format(codes=", ".join(diff.removed))
        if diff.removed
        else "",
    ]
    lines += [
        _("Changed {code}: {fields}").format(code=change.code, fields=", ".join(change.fields))
        for change in diff.changed
    ]
    if diff.notes:
        lines.append(_("Notes: {notes}").format(notes=diff.notes))
    return "\n".join(line for line in lines if line) or _("No item changes.")


class ChecklistTab(CaseTab):
    """The case's checklists: start one, answer items, attach evidence, raise findings."""

    def __init__(self, context: ShellContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.view: ChecklistView | None = None
        self.dialog: QDialog | None = None  # the evidence or finding dialog while it is open
        self._pending = 0  # answer/note writes not yet returned
        self._epoch = 0  # bumped per write: a read started before it is stale
        self._order: list[str] = []
        self.no_case = EmptyStateWidget("inspection", self)
        self._build_start_page()
        self._build_checklist_page()
        self.stack = QStackedWidget(self)
        for page in (self.no_case, self.start_page, self.checklist_page):
            self.stack.addWidget(page)
        self.layout_.addWidget(self.stack)
        self.retranslate()

    # ------------------------------------------------------------------- building

    def _build_start_page(self) -> None:
        self.start_page = QWidget(self)
        layout = QVBoxLayout(self.start_page)
        layout.setContentsMargins(48, 32, 48, 32)
        layout.addStretch(1)
        self.start_title = QLabel(self.start_page)
        self.start_title.setObjectName("emptyStateTitle")
        self.start_message = QLabel(self.start_page)
        self.start_message.setObjectName("emptyStateMessage")
        self.start_message.setWordWrap(True)
        self.template_picker = QComboBox(self.start_page)
        self.template_picker.setObjectName("templatePicker")
        self.template_picker.setMinimumWidth(360)
        self.start_button = QPushButton(self.start_page)
        self.start_button.setObjectName("startChecklistButton")
        self.start_button.setDefault(True)
        self.start_button.clicked.connect(self._start_chosen)
        row = QHBoxLayout()
        row.addWidget(self.template_picker, 1)
        row.addWidget(self.start_button)
        for widget in (self.start_title, self.start_message):
            layout.addWidget(widget)
        layout.addLayout(row)
        layout.addStretch(2)

    def _build_checklist_page(self) -> None:
        self.checklist_page = QWidget(self)
        layout = QVBoxLayout(self.checklist_page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        header, filters = self._build_header()
        self._build_tree()
        self.detail = ChecklistDetailWidget(self.checklist_page)
        self.detail.setObjectName("checklistDetail")
        self.detail.answered.connect(self.answer_current)
        self.detail.note_committed.connect(self._save_note)
        self.detail.attach_requested.connect(self._attach_evidence)
        self.detail.finding_requested.connect(self._create_finding)
        self.detail.back_to_list.connect(self.tree.setFocus)
        splitter = QSplitter(Qt.Orientation.Horizontal, self.checklist_page)
        splitter.addWidget(self.tree)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)
        layout.addLayout(header)
        layout.addLayout(filters)
        layout.addWidget(self.notice)
        layout.addWidget(splitter, 1)
        self.open_filter.toggled.connect(self._apply_filter)
        self.search.textChanged.connect(self._apply_filter)

    def _build_header(self) -> tuple[QHBoxLayout, QHBoxLayout]:
        header = QHBoxLayout()
        self.title_label = QLabel(self.checklist_page)
        self.title_label.setObjectName("sectionTitle")
        self.progress = QProgressBar(self.checklist_page)
        self.progress.setObjectName("checklistProgress")
        self.progress.setMinimumWidth(200)
        self.progress.setMaximumWidth(280)
        self.migrate_button = QPushButton(self.checklist_page)
        self.migrate_button.setObjectName("migrateButton")
        self.migrate_button.clicked.connect(self._migrate)
        self.add_button = QPushButton(self.checklist_page)
        self.add_button.setObjectName("addChecklistButton")
        self.add_menu = QMenu(self.add_button)
        self.add_button.setMenu(self.add_menu)
        header.addWidget(self.title_label, 1)
        header.addWidget(self.progress)
        header.addWidget(self.migrate_button)
        header.addWidget(self.add_button)
        filters = QHBoxLayout()
        self.open_label = QLabel(self.checklist_page)
        self.open_label.setObjectName("openRequiredLabel")
        self.open_filter = QCheckBox(self.checklist_page)
        self.open_filter.setObjectName("openRequiredFilter")
        self.search = QLineEdit(self.checklist_page)
        self.search.setObjectName("checklistSearch")
        self.search.setClearButtonEnabled(True)
        self.search.addAction(icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        self.notice = QLabel(self.checklist_page)
        self.notice.setObjectName("cardNote")
        self.notice.setWordWrap(True)
        filters.addWidget(self.open_label)
        filters.addWidget(self.open_filter)
        filters.addStretch(1)
        filters.addWidget(self.search, 1)
        return header, filters

    def _build_tree(self) -> None:
        self.model = ChecklistTreeModel(self)
        self.proxy = ChecklistFilterModel(self)
        self.proxy.setSourceModel(self.model)
        self.tree = QTreeView(self.checklist_page)
        self.tree.setObjectName("checklistTree")
        self.tree.setModel(self.proxy)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideRight)
        header_view = self.tree.header()
        header_view.setStretchLastSection(False)
        header_view.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header_view.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        self.tree.setColumnWidth(1, 110)
        self.tree.installEventFilter(self)
        self.tree.selectionModel().currentChanged.connect(self._current_changed)
        self.proxy.rowsInserted.connect(self._rows_inserted)
        self.proxy.modelReset.connect(self.tree.expandAll)

    # ---------------------------------------------------------------- CaseTab API

    def title(self) -> str:
        return _("Checklist")

    def retranslate(self) -> None:
        self.no_case.set_texts(
            _("No case file yet"),
            _(
                "The checklist belongs to the case file, which opens when the team arrives on "
                "site. Record the arrival to open it; the checklist starts from there."
            ),
        )
        self.start_title.setText(_("No checklist started for this case"))
        self.start_message.setText(
            _(
                "Choose a checklist template. The case keeps the version it starts with, even "
                "when a newer version is installed later."
            )
        )
        self.start_button.setText(_("Start checklist"))
        self.open_filter.setText(_("Only open required items"))
        self.search.setPlaceholderText(_("Search code, question, guidance"))
        self.add_button.setText(_("Add checklist"))
        self.model.retranslate()
        self.detail.retranslate()
        self._render()

    def reload(self) -> None:
        if self.case_id is None:
            self.view = None
            self._render()
            return
        from inspector_app.checklists.service import checklist_view

        profile, case_id, epoch = self.context.profile, self.case_id, self._epoch

        def loaded(view: ChecklistView) -> None:
            # A read that began before a write (or while one is pending) is older than
            # what the screen already shows.
            if epoch == self._epoch and not self._pending and view.case_id == self.case_id:
                self.show_view(view)

        self.load(
            lambda: checklist_view(profile=profile, case_id=case_id),
            loaded,
            label=_("Loading the checklist"),
        )

    # ------------------------------------------------------------------ rendering

    def show_view(self, view: ChecklistView) -> None:
        """Render ``view`` (the service's result or a local update of it)."""
        current = self.current_code()
        self.view = view
        if view.started:
            self._order = [item.code for t in view.templates for item in t.items()]
            self.model.set_view(view)
            self.proxy.refilter()
            if current is not None and self._select(current):
                pass
            elif not self.tree.currentIndex().isValid():
                self._select_first()
            self._show_current()
        self._render()

    def _render(self) -> None:
        view = self.view
        if self.case_id is None:
            self.stack.setCurrentWidget(self.no_case)
            return
        if view is None:
            return
        if not view.started:
            self._fill_picker(view)
            self.stack.setCurrentWidget(self.start_page)
            self.start_button.setEnabled(view.can_record and self.template_picker.count() > 0)
            return
        self.stack.setCurrentWidget(self.checklist_page)
        self.title_label.setText(
            "  ·  ".join(
                _("{title} (version {version})").format(title=t.title.text(), version=t.version)
                for t in view.templates
            )
        )
        total = view.total
        self.progress.setRange(0, max(total.visible, 1))
        self.progress.setValue(total.answered)
        self.progress.setFormat(
            _("{answered} of {visible} answered").format(
                answered=total.answered, visible=total.visible
            )
        )
        n = len(view.required_open)
        self.open_label.setText(
            ngettext("{n} required item open", "{n} required items open", n).format(n=n)
            if n
            else _("All required items answered")
        )
        upgrades = [p.upgrade for p in view.checklists if p.upgrade is not None]
        self.migrate_button.setVisible(bool(upgrades))
        if upgrades:
            self.migrate_button.setText(
                _("Migrate to version {version}…").format(version=upgrades[0].to_version)
            )
        self._fill_add_menu(view)
        notices = []
        if not view.can_record:
            notices.append(_("Read only: your role or the case's status does not allow changes."))
        if view.retired:
            notices.append(
                ngettext(
                    "{n} answer to an item no longer in the template is kept (retired).",
                    "{n} answers to items no longer in the template are kept (retired).",
                    len(view.retired),
                ).format(n=len(view.retired))
            )
        self.notice.setText(" ".join(notices))
        self.notice.setVisible(bool(notices))

    def _choice_text(self, choice: TemplateChoice) -> str:
        text = _("{title} (version {version}, {n} items)").format(
            title=choice.title.text(), version=choice.version, n=choice.item_count
        )
        return _("{text} — thematic").format(text=text) if choice.thematic else text

    def _fill_picker(self, view: ChecklistView) -> None:
        chosen = self.template_picker.currentData() or view.default_choice
        kind = view.institution_kind
        choices = sorted(
            view.choices,
            key=lambda c: (
                c.code != view.default_choice,
                kind is not None and kind not in c.applies_to,
                c.thematic,
                c.code,
            ),
        )
        self.template_picker.blockSignals(True)
        self.template_picker.clear()
        for choice in choices:
            self.template_picker.addItem(self._choice_text(choice), choice.code)
        self.template_picker.setCurrentIndex(max(0, self.template_picker.findData(chosen)))
        self.template_picker.blockSignals(False)

    def _fill_add_menu(self, view: ChecklistView) -> None:
        self.add_menu.clear()
        pinned = {t.code for t in view.templates}
        for choice in view.choices:
            if choice.code not in pinned:
                action = self.add_menu.addAction(self._choice_text(choice))
                action.triggered.connect(lambda _checked=False, code=choice.code: self.start(code))
        self.add_button.setVisible(view.can_record and not self.add_menu.isEmpty())

    # ----------------------------------------------------------------- selection

    def current_code(self) -> str | None:
        """Code of the selected item (None when a section or nothing is selected)."""
        index = self.tree.currentIndex()
        if not index.isValid():
            return None
        item = self.model.item_at(self.proxy.mapToSource(index))
        return item.code if item is not None else None

    def _select(self, code: str) -> bool:
        index = self.proxy.mapFromSource(self.model.index_of(code))
        if not index.isValid():
            return False
        self.tree.setCurrentIndex(index)
        self.tree.scrollTo(index)
        return True

    def _select_first(self) -> None:
        for code in self._order:
            if self._select(code):
                return

    def select_item(self, code: str) -> bool:
        """Select item ``code`` if it is shown (used by other tabs and tests)."""
        return self._select(code)

    def _select_next(self, code: str) -> None:
        """Select the first shown item after ``code`` in template order (stay at the end)."""
        try:
            start = self._order.index(code) + 1
        except ValueError:
            return
        for following in self._order[start:]:
            if self._select(following):
                return
        self._select(code)

    def _current_changed(self, _current: QModelIndex, _previous: QModelIndex) -> None:
        self._show_current()

    def _show_current(self) -> None:
        code = self.current_code()
        view = self.view
        if view is None or code is None:
            self.detail.show_item(None, None)
            return
        self.detail.show_item(view.item(code), view)

    def _rows_inserted(self, parent: QModelIndex, first: int, last: int) -> None:
        if not parent.isValid():
            for row in range(first, last + 1):
                self.tree.expand(self.proxy.index(row, 0))

    def _apply_filter(self) -> None:
        current = self.current_code()
        self.proxy.set_filter(
            open_required_only=self.open_filter.isChecked(), text=self.search.text()
        )
        self.tree.expandAll()
        if current is None or not self._select(current):
            self._select_first()
        self._show_current()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.tree and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
            if modifiers == Qt.KeyboardModifier.NoModifier:
                answer = ANSWER_KEYS.get(Qt.Key(event.key()))
                if answer is not None:
                    self.answer_current(answer)
                    return True
                if event.key() == Qt.Key.Key_N:
                    self.detail.focus_note()
                    return True
        return super().eventFilter(watched, event)

    # -------------------------------------------------------------------- writes

    def _guarded(self, work: Callable[[], Any]) -> Callable[[], Any]:
        """Return a failure as the result, so the pending count stays right."""

        def run() -> Any:
            try:
                return work()
            except Exception as error:  # reported on the GUI thread by _written
                return error

        return run

    def _written(self, result: Any) -> None:
        self._pending -= 1
        if isinstance(result, BaseException):
            self._pending = 0
            self._epoch += 1
            self._report(result)
            self.reload()
        elif not self._pending and result.case_id == self.case_id:
            self.show_view(result)

    def answer_current(self, answer: ChecklistAnswer) -> None:
        """Answer the selected item; the next shown item gets the selection."""
        view, code, case_id = self.view, self.current_code(), self.case_id
        if view is None or code is None or case_id is None or not view.can_record:
            return
        if view.answer(code) == answer:
            self._select_next(code)
            return
        from inspector_app.checklists.service import answer_item

        self.show_view(view.with_answer(code, answer))
        self._select_next(code)
        profile = self.context.profile
        self._pending += 1
        self._epoch += 1
        self.write(
            self._guarded(
                lambda: answer_item(profile=profile, case_id=case_id, item_code=code, answer=answer)
            ),
            self._written,
            label=_("Saving the answer"),
        )

    def _save_note(self, code: str, text: str) -> None:
        view, case_id = self.view, self.case_id
        if view is None or case_id is None or not view.can_record:
            return
        from inspector_app.checklists.service import set_note

        self.view = view.with_note(code, text)
        self.model.set_view(self.view)
        profile = self.context.profile
        self._pending += 1
        self._epoch += 1
        self.write(
            self._guarded(
                lambda: set_note(profile=profile, case_id=case_id, item_code=code, note=text)
            ),
            self._written,
            label=_("Saving the note"),
        )

    def _start_chosen(self) -> None:
        code = self.template_picker.currentData()
        if code:
            self.start(code)

    def start(self, template_code: str) -> None:
        """Pin ``template_code`` (newest version) to the case."""
        case_id = self.case_id
        if case_id is None:
            return
        from inspector_app.checklists.service import start_checklist

        profile = self.context.profile
        self._epoch += 1
        self.write(
            lambda: start_checklist(profile=profile, case_id=case_id, template_code=template_code),
            self._started,
            label=_("Starting the checklist"),
        )

    def _started(self, view: ChecklistView) -> None:
        self.show_view(view)
        self.tree.setFocus()

    def _migrate(self) -> None:
        view, case_id = self.view, self.case_id
        if view is None or case_id is None:
            return
        upgrades = [p.upgrade for p in view.checklists if p.upgrade is not None]
        if not upgrades:
            return
        diff = upgrades[0]
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(self.title())
        box.setText(
            _(
                "Move this case from version {old} to version {new}? The move is recorded in "
                "the case; answers to items that remain are kept, answers to removed items "
                "stay as retired."
            ).format(old=diff.from_version, new=diff.to_version)
        )
        box.setInformativeText(describe_diff(diff))
        box.setStandardButtons(QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        if box.exec() != QMessageBox.StandardButton.Ok:
            return
        from inspector_app.checklists.migration import migrate_checklist

        profile = self.context.profile
        self._epoch += 1
        self.write(
            lambda: migrate_checklist(
                profile=profile,
                case_id=case_id,
                template_code=diff.code,
                to_version=diff.to_version,
            ),
            lambda _report: self.reload(),
            label=_("Moving the checklist to the new version"),
            quiet=False,
        )

    def _attach_evidence(self) -> None:
        code, case_id = self.current_code(), self.case_id
        if code is None or case_id is None:
            return
        from inspector_app.casework.links import LinkRef
        from local_db.enums import LinkKind
        from ui.dialogs.add_evidence_dialog import AddEvidenceDialog

        dialog = AddEvidenceDialog(
            self.context, case_id, supports=[LinkRef(LinkKind.CHECKLIST_ITEM, code)], parent=self
        )
        self._open_dialog(dialog)

    def _create_finding(self) -> None:
        code, case_id = self.current_code(), self.case_id
        if code is None or case_id is None:
            return
        from ui.dialogs.finding_editor import FindingEditorDialog

        dialog = FindingEditorDialog.for_checklist_item(self.context, case_id, code, parent=self)
        self._open_dialog(dialog)

    def _open_dialog(self, dialog: QDialog) -> None:
        """Show ``dialog`` window-modal without a nested event loop; read again on accept.

        ``exec()`` would hand the dialog to Python's garbage collector, which may then destroy
        it on a worker thread (a crash); ``open()`` plus ``deleteLater`` keeps its end on the
        GUI thread.
        """
        self.dialog = dialog
        dialog.finished.connect(self._dialog_finished)
        dialog.open()

    def _dialog_finished(self, result: int) -> None:
        dialog, self.dialog = self.dialog, None
        if dialog is not None:
            dialog.deleteLater()
        if result == QDialog.DialogCode.Accepted.value:
            self._after_dialog()

    def _after_dialog(self) -> None:
        """A dialog wrote to the case: read it again and let the other tabs know."""
        self._epoch += 1
        self.reload()
        self.changed.emit()
