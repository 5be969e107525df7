"""Render the Documents page and the document preview the docs show, in Chinese and English.

Usage (from the checkout, after ``make setup``; about half a minute)::

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshots_documents.py --out docs/images

It builds a demo profile (its two closed cases are signed on screen and sealed), then saves
per language: the Documents page on the sealed case AJ…005 (issued documents), the same page
on the inspection in progress (who still signs), and the preview of its on-site record.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from screenshots import PASSWORD, _wait

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=Path("docs/images"))
    parser.add_argument("--languages", default="zh_CN,en")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    from PySide6.QtWidgets import QApplication

    from inspector_app.demo import DEMO_USER, build_demo
    from inspector_app.profiles import create_profile
    from inspector_app.progress import Progress
    from ui import style
    from ui.connectivity import ConnectivityMonitor
    from ui.context import ShellContext
    from ui.machine_settings import MachineSettings
    from ui.translation import apply_language
    from ui.workers import TaskManager

    app = QApplication(sys.argv[:1])
    style.apply_style(app)
    with tempfile.TemporaryDirectory() as folder:
        os.environ["XDG_CONFIG_HOME"] = folder
        profile = create_profile(
            path=Path(folder) / "profile",
            password=PASSWORD,
            display_name=DEMO_USER.display_name,
            username=DEMO_USER.username,
            role=DEMO_USER.role,
        )
        build_demo(profile, claims=500, seed=20261123, progress=Progress())
        tasks = TaskManager()
        try:
            for language in args.languages.split(","):
                apply_language(language)
                context = ShellContext(
                    profile=profile,
                    tasks=tasks,
                    settings=MachineSettings(),
                    connectivity=ConnectivityMonitor(),
                )
                _shoot(app, context, args.out, language)
        finally:
            tasks.shutdown(10_000)
            profile.close()
    return 0


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
