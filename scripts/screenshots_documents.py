"""Render the Documents page and the document preview the docs show, in Chinese and English.

Usage (from the checkout, after ``make setup``; about half a minute)::

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshots_documents.py --out docs/images

It builds a demo profile (its two closed cases are signed on screen and sealed), then saves
per language: the Documents page on the sealed case AJ…005 (issued documents), the same page
on the inspection in progress (who still signs), and the preview of its on-site record.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from screenshots import _wait, run_on_demo

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> int:
    return run_on_demo(_shoot, claims=500)


def _show_case(app: Any, page: Any, number: str) -> None:
    case_id = next(case.id for case in page.cases if case.number == number)
    page.select_case(case_id)
    view = page.workspace
    _wait(
        app,
        lambda: (
            not view.loading
            and view.workspace is not None
            and view.workspace.case.case_number == number
        ),
    )


def _shoot(app: Any, context: Any, out: Path, language: str) -> None:
    from ui.documents.preview_dialog import DocumentPreviewDialog
    from ui.pages.documents_page import DocumentsPage

    page = DocumentsPage(context)
    page.resize(1280, 820)
    page.show()
    page.reload()
    _wait(app, lambda: not page.loading and bool(page.cases))
    year = page.cases[0].number[2:6]
    _show_case(app, page, f"AJ{year}005")
    page.workspace.tabs.setCurrentWidget(page.workspace.issued)
    _wait(app, lambda: context.tasks.active_count == 0)
    page.grab().save(str(out / f"documents-sealed-{language}.png"))
    _show_case(app, page, f"AJ{year}001")
    page.workspace.tabs.setCurrentWidget(page.workspace.signers)
    _wait(app, lambda: context.tasks.active_count == 0)
    page.grab().save(str(out / f"documents-signatures-{language}.png"))
    workspace = page.workspace.workspace
    assert workspace is not None
    dialog = DocumentPreviewDialog.drafts(
        context, workspace.case.case_id, workspace.case.documents, language=language,
        initial=1, parent=page,
    )  # fmt: skip
    dialog.resize(1180, 860)
    dialog.show()
    _wait(app, dialog.preview.is_ready, timeout=30)
    dialog.preview.fit_width()
    _wait(app, lambda: True)
    dialog.grab().save(str(out / f"document-preview-{language}.png"))
    dialog.close()
    page.close()


if __name__ == "__main__":
    sys.exit(main())
