"""同步 Sync: the server, how the last run went, and what needs a person.

The page an inspector trusts to say where their work is: which server, whether it answers
and who is signed in; a "Sync now" button with the run's progress; the last run's result;
and four lists — changes waiting to go up, changes the server refused for good (with its
reason), conflicts to resolve (keep the current value or use the other one), and pulled
records waiting for a related record. Runs go through the window's
:class:`ui.sync_scheduler.SyncScheduler` (never two at once); the data comes from
``sync_overview`` in the background.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from inspector_app.i18n import _, ngettext
from inspector_app.vocabulary import outbox_operation_label, sync_entity_label, sync_phase_label
from ui import formatting
from ui.connectivity import Reachability
from ui.context import ShellContext
from ui.icons import icon
from ui.pages.base_page import BasePage
from ui.pages.sync_conflicts import ConflictsWidget
from ui.pages.sync_refusals import RefusedWidget
from ui.sync_scheduler import SyncRun, SyncScheduler
from ui.widgets.card import CardWidget, FactsWidget
from ui.widgets.data_table import RIGHT, Column, DataTableWidget
from ui.widgets.empty_state import EmptyStateWidget

if TYPE_CHECKING:
    from inspector_app.services.sync_status import (
        EntityCount,
        ParkedGroup,
        PendingChange,
        RunSummary,
        SyncOverview,
    )
    from inspector_app.sync.engine import SyncProgressEvent
    from ui.dialogs.server_sign_in_dialog import ServerSignInDialog

SHOWN_FAILURES = 3

ENTITY_COLUMNS: list[Column[EntityCount]] = [
    Column(lambda: _("Kind of record"), lambda e: sync_entity_label(e.entity), stretch=True),
    Column(
        lambda: _("Changes"),
        lambda e: formatting.count(e.count),
        sort_key=lambda e: e.count,
        align=RIGHT,
        width=90,
    ),
]
CHANGE_COLUMNS: list[Column[PendingChange]] = [
    Column(
        lambda: _("Time"),
        lambda c: formatting.local_time(c.created_at),
        sort_key=lambda c: c.seq,
        width=140,
    ),
    Column(lambda: _("Kind of record"), lambda c: sync_entity_label(c.entity), width=170),
    Column(lambda: _("Change"), lambda c: outbox_operation_label(c.operation), width=90),
    Column(lambda: _("Record"), lambda c: c.entity_id, stretch=True, tooltip=lambda c: c.entity_id),
    Column(lambda: _("By"), lambda c: c.created_by, width=120),
]
PARKED_COLUMNS: list[Column[ParkedGroup]] = [
    Column(lambda: _("Kind of record"), lambda g: sync_entity_label(g.entity), width=200),
    Column(
        lambda: _("Records"),
        lambda g: formatting.count(g.count),
        sort_key=lambda g: g.count,
        align=RIGHT,
        width=90,
    ),
    Column(lambda: _("Waiting for"), lambda g: g.reason, stretch=True, tooltip=lambda g: g.reason),
]


def _stacked(parent: QWidget, table: QWidget, empty: EmptyStateWidget) -> QStackedWidget:
    stack = QStackedWidget(parent)
    stack.addWidget(table)
    stack.addWidget(empty)
    return stack


class _ListTab(QWidget):
    """A note over a table of rows, or an empty state when there are none."""

    def __init__(self, columns: Sequence[Column[Any]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 10, 0, 0)
        self.note = QLabel(self)
        self.note.setObjectName("cardNote")
        self.note.setWordWrap(True)
        self.table: DataTableWidget[Any] = DataTableWidget(columns, self)
        self.empty = EmptyStateWidget("sync", self)
        self.stack = _stacked(self, self.table, self.empty)
        layout.addWidget(self.note)
        layout.addWidget(self.stack, 1)

    def set_texts(self, note: str, empty_title: str, empty_message: str) -> None:
        """The note over the rows, and what the empty state says when there are none."""
        self.note.setText(note)
        self.empty.set_texts(empty_title, empty_message)

    def set_rows(self, rows: Sequence[Any]) -> None:
        """Show ``rows`` (the note only with them)."""
        self.table.set_rows(rows)
        self.stack.setCurrentIndex(0 if rows else 1)
        self.note.setVisible(bool(rows))


class SyncPage(BasePage):
    """Server, the last run, Sync now, and what waits: pending, failed, conflicts, parked."""

    icon_name = "sync"
    records_changed = Signal()
    """A conflict resolution changed local records (other pages should reload)."""

    def __init__(
        self,
        context: ShellContext,
        parent: QWidget | None = None,
        *,
        scheduler: SyncScheduler | None = None,
    ) -> None:
        super().__init__(context, parent)
        self.scheduler = scheduler if scheduler is not None else SyncScheduler(context, self)
        self.overview: SyncOverview | None = None
        self.sign_in_dialog: ServerSignInDialog | None = None
        self.check_button = QPushButton(icon("refresh"), "", self)
        self.check_button.clicked.connect(self.check_connection)
        self.sync_button = QPushButton(self)
        self.sync_button.setObjectName("primaryButton")
        self.sync_button.clicked.connect(self.sync_now)
        self.sign_out_button = QPushButton(self)
        self.sign_out_button.clicked.connect(self.sign_out)
        self.header_actions.addWidget(self.sign_out_button)
        self.header_actions.addWidget(self.check_button)
        self.header_actions.addWidget(self.sync_button)
        top = QHBoxLayout()
        top.setSpacing(12)
        top.addWidget(self._build_server_card(), 1)
        top.addWidget(self._build_activity_card(), 1)
        self.body.addLayout(top)
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self._build_pending_tab(), "")
        self.failed = RefusedWidget(context, self)
        self.failed.done.connect(self._refusal_settled)
        self.failed.refused.connect(self.mark_stale)
        self.parked = _ListTab(PARKED_COLUMNS, self)
        self.tabs.addTab(self.failed, "")
        self.tabs.addTab(self._build_conflicts_tab(), "")
        self.tabs.addTab(self.parked, "")
        self.body.addWidget(self.tabs, 1)
        context.connectivity.changed.connect(self._render_connection)
        self.scheduler.state_changed.connect(self._render_activity)
        self.scheduler.started.connect(self._render_activity)
        self.scheduler.progressed.connect(self._render_progress)
        self.scheduler.finished.connect(self._run_finished)
        self.scheduler.signed_out.connect(self.reload)
        self.retranslate()

    # ------------------------------------------------------------------ build

    def _build_server_card(self) -> CardWidget:
        self.server_card = CardWidget(self)
        self.server = FactsWidget(self.server_card)
        self.server.add("address", lambda: _("Server address"))
        self.server.add("state", lambda: _("Connection"))
        self.server.add("checked", lambda: _("Last checked"))
        self.server.add("account", lambda: _("Signed in as"))
        self.server.add("contact", lambda: _("Last contact"))
        self.server.add("grant", lambda: _("Offline work allowed"))
        self.server_hint = QLabel(self.server_card)
        self.server_hint.setObjectName("cardNote")
        self.server_hint.setWordWrap(True)
        self.server_card.content.addWidget(self.server)
        self.server_card.content.addWidget(self.server_hint)
        self.server_card.content.addStretch(1)
        return self.server_card

    def _build_activity_card(self) -> CardWidget:
        self.activity_card = CardWidget(self)
        self.result_label = QLabel(self.activity_card)
        self.result_label.setObjectName("cardSubtitle")
        self.result_label.setWordWrap(True)
        self.counts_label = QLabel(self.activity_card)
        self.counts_label.setWordWrap(True)
        self.progress_bar = QProgressBar(self.activity_card)
        self.progress_bar.setObjectName("statusProgress")
        self.progress_bar.setFixedHeight(12)
        self.progress_bar.setTextVisible(False)
        self.progress_bar.setRange(0, 0)
        self.progress_label = QLabel(self.activity_card)
        self.notice_label = QLabel(self.activity_card)
        self.notice_label.setObjectName("cardNote")
        self.notice_label.setWordWrap(True)
        self.notice_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notice_label.hide()
        self.failure_label = QLabel(self.activity_card)
        self.failure_label.setObjectName("errorText")
        self.failure_label.setWordWrap(True)
        self.failure_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # What waits for a person (conflicts, refusals), in the note colour.
        self.attention_label = QLabel(self.activity_card)
        self.attention_label.setObjectName("sealedNote")
        self.attention_label.setWordWrap(True)
        self.activity_hint = QLabel(self.activity_card)
        self.activity_hint.setObjectName("cardNote")
        self.activity_hint.setWordWrap(True)
        for widget in (
            self.result_label,
            self.counts_label,
            self.progress_bar,
            self.progress_label,
            self.notice_label,
            self.failure_label,
            self.attention_label,
        ):
            self.activity_card.content.addWidget(widget)
        self.activity_card.content.addStretch(1)
        self.activity_card.content.addWidget(self.activity_hint)
        return self.activity_card

    def _build_pending_tab(self) -> QWidget:
        tab = QWidget(self)
        layout = QHBoxLayout(tab)
        layout.setContentsMargins(0, 10, 0, 0)
        layout.setSpacing(12)
        self.entity_card = CardWidget(tab)
        self.pending_label = QLabel(self.entity_card)
        self.pending_label.setObjectName("statValue")
        self.entity_table = DataTableWidget(ENTITY_COLUMNS, self.entity_card)
        self.entity_card.content.addWidget(self.pending_label)
        self.entity_card.content.addWidget(self.entity_table, 1)
        self.entity_card.setFixedWidth(340)
        latest = QVBoxLayout()
        latest.setSpacing(6)
        self.latest_title = QLabel(tab)
        self.latest_title.setObjectName("sectionTitle")
        self.change_table = DataTableWidget(CHANGE_COLUMNS, tab)
        self.nothing_pending = EmptyStateWidget("sync", tab)
        self.stack = _stacked(tab, self.change_table, self.nothing_pending)
        latest.addWidget(self.latest_title)
        latest.addWidget(self.stack, 1)
        layout.addWidget(self.entity_card)
        layout.addLayout(latest, 1)
        return tab

    def _build_conflicts_tab(self) -> QWidget:
        tab = QWidget(self)
        layout = QVBoxLayout(tab)
        layout.setContentsMargins(0, 10, 0, 0)
        self.conflicts = ConflictsWidget(self.context, tab)
        self.conflicts.done.connect(self._conflict_resolved)
        self.conflicts.refused.connect(self.mark_stale)
        layout.addWidget(self.conflicts, 1)
        return tab

    # ---------------------------------------------------------------- texts

    def title(self) -> str:
        return _("Sync status")

    def retranslate(self) -> None:
        super().retranslate()
        self.summary_label.setText(
            _(
                "Changes made on this computer wait here until they reach the central server; "
                "what the server refused and what two people changed at once waits for you."
            )
        )
        self.check_button.setText(_("Check connection"))
        self.check_button.setToolTip(_("Ask the server's health endpoint now"))
        self.sync_button.setText(_("Sync now"))
        self.sign_out_button.setText(_("Sign out"))
        self.sign_out_button.setToolTip(_("End this computer's sign-in on the central server"))
        self.sync_button.setToolTip(_("Send this computer's changes and receive the team's"))
        self.server_card.set_title(_("Central server"))
        self.activity_card.set_title(_("Synchronisation"))
        self.activity_hint.setText(
            _(
                "While the server is reachable and you are signed in, this computer "
                "synchronises by itself every few minutes and soon after you change something."
            )
        )
        self.entity_card.set_title(_("Waiting to be sent"))
        self.latest_title.setText(_("Latest pending changes"))
        self.nothing_pending.set_texts(
            _("Everything is sent"),
            _("No change made on this computer is waiting to be sent to the server."),
        )
        self.failed.retranslate()
        self.conflicts.retranslate()
        self.parked.set_texts(
            _(
                "Records received from the server that point to a record this computer does not "
                "hold yet. They are kept and stored as soon as the related record arrives."
            ),
            _("Nothing is waiting"),
            _("Every record received from the server is stored."),
        )
        self.server.retranslate()
        for table in (self.entity_table, self.change_table, self.failed.table, self.parked.table):
            table.retranslate()
        self._render_connection()
        self._render_overview()
        self._render_activity()

    # ----------------------------------------------------------------- data

    def reload(self) -> None:
        from inspector_app.services.sync_status import sync_overview

        profile = self.context.profile
        self.load(
            lambda: sync_overview(profile=profile),
            self.show_overview,
            label=_("Loading sync status"),
        )

    def check_connection(self) -> None:
        """Probe the server now (button and menu)."""
        self.context.connectivity.probe_now()
        self.mark_stale()

    def show_overview(self, overview: SyncOverview) -> None:
        """Render ``overview`` (the service's result)."""
        self.overview = overview
        self._render_overview()
        self._render_connection()
        self._render_activity()

    # ------------------------------------------------------------- rendering

    def _render_connection(self) -> None:
        monitor = self.context.connectivity
        self.server.set("address", monitor.server_url or _("none configured"))
        text = monitor.status_text()
        if monitor.state is Reachability.OFFLINE and monitor.detail:
            text = _("{status} ({detail})").format(status=text, detail=monitor.detail)
        self.server.set("state", text)
        self.server.set("checked", formatting.local_time(monitor.checked_at) or "—")
        self.check_button.setEnabled(monitor.state is not Reachability.NO_SERVER)
        self.server_hint.setText(
            _("Set the server address in File → Settings to synchronise.")
            if monitor.state is Reachability.NO_SERVER
            else ""
        )
        self.server_hint.setVisible(monitor.state is Reachability.NO_SERVER)
        self._render_account()
        self._update_buttons()

    def _render_account(self) -> None:
        overview = self.overview
        account = self.scheduler.signed_in_as or (overview.signed_in_as if overview else "")
        self.server.set("account", account or _("not signed in"))
        contact = overview.last_contact if overview else None
        self.server.set("contact", formatting.local_time(contact) or _("never"))
        expires = overview.grant_expires_at if overview else None
        if expires is not None:
            grant = _("until {time}").format(time=formatting.local_time(expires))
        else:  # a grant applies only once the server was reached
            grant = _("no limit") if contact is not None else "—"
        self.server.set("grant", grant)

    def _render_overview(self) -> None:
        overview = self.overview
        if overview is None:
            self.pending_label.setText("—")
            return
        n = overview.pending_total
        self.pending_label.setText(
            ngettext("{n} change pending", "{n} changes pending", n).format(n=formatting.count(n))
        )
        self.entity_table.set_rows(overview.by_entity)
        self.entity_card.setVisible(bool(overview.by_entity))  # no empty table beside the note
        self.change_table.set_rows(overview.latest)
        self.stack.setCurrentIndex(0 if overview.latest else 1)
        self.failed.set_rows(overview.failed)
        self.conflicts.set_conflicts(overview.conflicts)
        self.parked.set_rows(overview.parked)
        counts = (n, overview.failed_total, len(overview.conflicts), overview.parked_total)
        titles = (
            _("Pending ({n})"),
            _("Refused ({n})"),
            _("Conflicts ({n})"),
            _("Waiting for related records ({n})"),
        )
        for index, (title, count) in enumerate(zip(titles, counts, strict=True)):
            self.tabs.setTabText(index, title.format(n=formatting.count(count)))
        self._render_account()

    def _render_activity(self) -> None:
        running = self.scheduler.running
        self.progress_bar.setVisible(running)
        self.progress_label.setVisible(running)
        summary = self.overview.last_run if self.overview is not None else None
        if running:
            self.result_label.setText(_("Synchronising…"))
            self.counts_label.setText(
                _("The last run finished at {time}.").format(
                    time=formatting.local_time(summary.finished_at)
                )
                if summary is not None
                else ""
            )
            self.counts_label.setVisible(summary is not None)
            self.failure_label.hide()
            self._render_progress(self.scheduler.progress_event)
        else:
            self._render_result(summary)
        self._render_attention(running)
        self._update_buttons()

    def _render_progress(self, event: SyncProgressEvent | None) -> None:
        if event is None:
            self.progress_label.setText(_("Connecting to the server…"))
            return
        items = ngettext("{n} record", "{n} records", event.items).format(
            n=formatting.count(event.items)
        )
        self.progress_label.setText(
            _("{phase}: {items} and {size} transferred so far").format(
                phase=sync_phase_label(event.phase),
                items=items,
                size=formatting.file_size(event.bytes),
            )
        )

    def _render_result(self, summary: RunSummary | None) -> None:
        if summary is None:
            self.result_label.setText(
                _("Not synchronised yet.")
                if self.scheduler.server_url
                else _("Synchronisation needs a server address.")
            )
            signed_in = self.scheduler.signed_in_as or (
                self.overview is not None and self.overview.signed_in_as
            )
            self.counts_label.setText(
                _("Press Sync now to sign in to the server; your password is asked for once.")
            )
            self.counts_label.setVisible(bool(self.scheduler.server_url) and not signed_in)
            self.failure_label.hide()
            self.notice_label.hide()
            return
        when = formatting.local_time(summary.finished_at)
        if summary.sign_in_needed:
            outcome = _("the server needs your password (press Sync now)")
        elif summary.ok:
            outcome = _("synchronised")
        else:
            outcome = _("finished with problems")
        self.result_label.setText(
            _("Last run {time}: {outcome}").format(time=when, outcome=outcome)
        )
        self.counts_label.setText(" · ".join(_counts(summary)))
        self.counts_label.setVisible(not summary.sign_in_needed)
        self.notice_label.setText("\n".join(summary.notices[:SHOWN_FAILURES]))
        self.notice_label.setVisible(bool(summary.notices) and not summary.sign_in_needed)
        failures = list(summary.failures[:SHOWN_FAILURES])
        hidden = len(summary.failures) - len(failures)
        if hidden > 0:
            failures.append(ngettext("… and {n} more", "… and {n} more", hidden).format(n=hidden))
        self.failure_label.setText("\n".join(failures))
        self.failure_label.setVisible(bool(failures) and not summary.sign_in_needed)

    def _render_attention(self, running: bool) -> None:
        overview = self.overview
        lines = []
        if overview is not None and overview.conflicts:
            n = len(overview.conflicts)
            lines.append(
                ngettext(
                    "{n} conflict waits for your decision (Conflicts tab).",
                    "{n} conflicts wait for your decision (Conflicts tab).",
                    n,
                ).format(n=n)
            )
        if overview is not None and overview.failed_total:
            n = overview.failed_total
            lines.append(
                ngettext(
                    "The server refused {n} change for good (Refused tab).",
                    "The server refused {n} changes for good (Refused tab).",
                    n,
                ).format(n=formatting.count(n))
            )
        self.attention_label.setText("\n".join(lines))
        self.attention_label.setVisible(bool(lines) and not running)

    def _update_buttons(self) -> None:
        idle_with_server = bool(self.scheduler.server_url) and not self.scheduler.running
        self.sync_button.setEnabled(idle_with_server)
        self.sign_out_button.setEnabled(idle_with_server and bool(self.scheduler.signed_in_as))

    def sign_out(self) -> None:
        """End the server sign-in after a confirmation (button)."""
        answer = QMessageBox.question(
            self,
            _("Sign out of the server"),
            _(
                "Sign out of {server}? Work on this computer is not affected; changes wait "
                "here until you sign in again with the server password."
            ).format(server=self.scheduler.server_url),
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.scheduler.sign_out()

    # ------------------------------------------------------------------ sync

    def sync_now(self) -> None:
        """Start a run (button); the scheduler refuses a second one."""
        self._start_run(None)

    def _start_run(self, password: str | None) -> None:
        if self.scheduler.sync_now(password):
            self._render_activity()

    def _run_finished(self, run: SyncRun) -> None:
        report = run.report
        if report.revoked:  # the profile is gone: the window closes it
            return
        self.mark_stale()
        self._render_activity()
        if not run.manual:
            return
        if report.sign_in_needed:
            self.ask_password()
        elif run.with_password and not report.ok and not run.signed_in_as:
            self.ask_password(report.failures[0] if report.failures else "")

    def ask_password(self, message: str = "") -> None:
        """Ask the server password once, then sync with it."""
        from ui.dialogs.server_sign_in_dialog import ServerSignInDialog

        if self.sign_in_dialog is not None:
            return
        dialog = ServerSignInDialog(
            self.scheduler.server_url, self.context.profile.info.username, message, self
        )
        self.sign_in_dialog = dialog

        def accepted() -> None:
            self._start_run(dialog.take_password())

        def finished(_result: int) -> None:
            self.sign_in_dialog = None
            dialog.deleteLater()

        dialog.accepted.connect(accepted)
        dialog.finished.connect(finished)
        dialog.open()

    def _refusal_settled(self) -> None:
        self.reload()
        self.scheduler.note_local_change()

    def _conflict_resolved(self) -> None:
        self.mark_stale()
        self.records_changed.emit()
        self.scheduler.note_local_change()


def _counts(summary: RunSummary) -> list[str]:
    """The last run's figures, one short phrase each."""
    parts = [
        ngettext("{n} change sent", "{n} changes sent", summary.pushed + summary.duplicates).format(
            n=formatting.count(summary.pushed + summary.duplicates)
        ),
        ngettext("{n} record received", "{n} records received", summary.pulled).format(
            n=formatting.count(summary.pulled)
        ),
    ]
    if summary.blobs_up:
        parts.append(
            ngettext("{n} file uploaded ({size})", "{n} files uploaded ({size})", summary.blobs_up)
            .format(n=summary.blobs_up, size=formatting.file_size(summary.bytes_up))
        )  # fmt: skip
    if summary.blobs_down:
        parts.append(
            ngettext(
                "{n} file downloaded ({size})", "{n} files downloaded ({size})", summary.blobs_down
            ).format(n=summary.blobs_down, size=formatting.file_size(summary.bytes_down))
        )
    if summary.extracts_loaded:
        parts.append(
            ngettext(
                "settlement data of {n} batch loaded",
                "settlement data of {n} batches loaded",
                summary.extracts_loaded,
            ).format(n=summary.extracts_loaded)
        )
    if summary.conflicts:
        parts.append(
            ngettext("{n} new conflict", "{n} new conflicts", summary.conflicts).format(
                n=summary.conflicts
            )
        )
    if summary.rejected:
        parts.append(
            ngettext("{n} change refused", "{n} changes refused", summary.rejected).format(
                n=summary.rejected
            )
        )
    return parts
