"""What the documents workspace tests share: the case numbers of the demo, waiting helpers.

The demo (``tests/conftest.py: demo_template``) holds two closed, sealed cases (AJ…005,
AJ…007; in 005 an interviewee refused to sign before a witness) and open cases whose leader
is the profile's owner (AJ…001) or someone else (AJ…006).
"""

from __future__ import annotations

from datetime import date

from pytestqt.qtbot import QtBot

from inspector_app.documents.service import CaseDocuments, case_documents
from local_db.enums import SignerRole
from tests.ui.conftest import wait_loaded
from ui.context import ShellContext
from ui.documents.summary import SignerGroup
from ui.pages.documents_page import DocumentsPage

# The demo numbers its cases by the year it is built in (AJ<year>005 …).
_YEAR = date.today().year
SEALED, OTHER_SEALED = f"AJ{_YEAR}005", f"AJ{_YEAR}007"
OPEN, NOT_LEADING = f"AJ{_YEAR}001", f"AJ{_YEAR}006"


def open_page(qtbot: QtBot, context: ShellContext) -> DocumentsPage:
    """The page, shown, with its cases and the first case's workspace loaded."""
    page = DocumentsPage(context)
    qtbot.addWidget(page)
    page.resize(1280, 860)
    page.show()
    page.reload()
    wait_loaded(qtbot, page)
    wait_workspace(qtbot, page)
    return page


def wait_workspace(qtbot: QtBot, page: DocumentsPage, number: str | None = None) -> None:
    """Wait until the workspace shows (case ``number``'s) freshly read documents."""
    view = page.workspace

    def ready() -> bool:
        workspace = view.workspace
        if view.loading or workspace is None:
            return False
        return number is None or workspace.case.case_number == number

    qtbot.waitUntil(ready, timeout=10_000)


def idle(qtbot: QtBot, context: ShellContext) -> None:
    """Wait for every background operation to be delivered."""
    qtbot.waitUntil(lambda: context.tasks.active_count == 0, timeout=20_000)


def show_case(qtbot: QtBot, page: DocumentsPage, number: str) -> str:
    """Select case ``number`` and wait for its workspace; returns its id."""
    case_id = next(case.id for case in page.cases if case.number == number)
    assert page.select_case(case_id)
    wait_workspace(qtbot, page, number)
    return case_id


def group_of(page: DocumentsPage, role: SignerRole, name: str | None = None) -> SignerGroup:
    """Select the signer group of ``role`` (and ``name``) in the signatures tab."""
    panel = page.workspace.signers
    rows = panel.table.visible_rows()
    index = next(
        n for n, g in enumerate(rows) if g.role is role and (name is None or g.name == name)
    )
    panel.table.selectRow(index)
    return panel.selected()


def documents(context: ShellContext, case_id: str) -> CaseDocuments:
    return case_documents(profile=context.profile, case_id=case_id)


# ---------------------------------------------------------------------- sealed case
